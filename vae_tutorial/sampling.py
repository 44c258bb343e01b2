"""Generating new data: z ~ N(0, I), then decode, with or without the decoder's noise.

Taught in ``notebooks/05_training`` and ``notebooks/06_visualisation``.
"""

from __future__ import annotations

import numpy as np
import torch

from .conditional import check_labels


def model_device(model: torch.nn.Module) -> torch.device:
    """The device the model's parameters live on."""
    return next(model.parameters()).device


@torch.no_grad()
def generate_samples(cfg, model, n_samples: int, noise: bool = False,
                     generator: torch.Generator | None = None,
                     labels=None) -> np.ndarray:
    """Draw ``n_samples`` new points: z ~ N(0, I) ``[n_samples, latent]``, then x from
    the decoder p_theta(x|z) with ``model.sample_x``: ``[n_samples, input]`` (float32).

    With ``noise=False`` return the decoder's means (mu_x); with ``noise=True`` one draw
    x ~ p_theta(x|z) per latent.  ``generator`` (CPU) makes the draws repeatable.
    A conditional model (notebook 08) draws from p_theta(x|z, y) for ``labels``
    ``[n_samples]``.
    """
    labels = check_labels(labels, getattr(model, "num_classes", 0), n_samples)
    model.eval()
    z = torch.randn([n_samples, cfg.latent_dim], generator=generator)
    device = model_device(model)
    labels = None if labels is None else labels.to(device)
    return model.sample_x(z.to(device), noise, generator, labels).cpu().numpy()
