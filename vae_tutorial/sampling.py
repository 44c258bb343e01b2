"""Generating new data: z ~ N(0, I), then decode, with or without the decoder's noise.

Taught in ``notebooks/05_training`` and ``notebooks/06_visualisation``.
"""

from __future__ import annotations

import numpy as np
import torch


def model_device(model: torch.nn.Module) -> torch.device:
    """The device the model's parameters live on."""
    return next(model.parameters()).device


@torch.no_grad()
def generate_samples(cfg, model, n_samples: int, noise: bool = False,
                     generator: torch.Generator | None = None) -> np.ndarray:
    """Draw ``n_samples`` new points: z ~ N(0, I) ``[n_samples, latent]``, then x from
    the decoder p_theta(x|z) with ``model.sample_x``: ``[n_samples, input]`` (float32).

    With ``noise=False`` return the decoder's means (mu_x); with ``noise=True`` one draw
    x ~ p_theta(x|z) per latent.  ``generator`` (CPU) makes the draws repeatable.
    """
    model.eval()
    z = torch.randn([n_samples, cfg.latent_dim], generator=generator)
    return model.sample_x(z.to(model_device(model)), noise, generator).cpu().numpy()
