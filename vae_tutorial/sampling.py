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
    """Draw ``n_samples`` new points: z ~ N(0, I) ``[n_samples, latent]``, decode to
    p_theta(x|z) = N(mu_x, diag(sigma_x^2)), and return x ``[n_samples, input]`` (float32).

    With ``noise=False`` return the decoder means mu_x; with ``noise=True`` draw
    x ~ p_theta(x|z), one draw per latent.  ``generator`` (CPU) makes the draws repeatable.
    """
    model.eval()
    device = model_device(model)
    z = torch.randn([n_samples, cfg.latent_dim], generator=generator).to(device)
    mu_x, log_var_x = model.decode(z)
    if noise:
        eps = torch.randn(mu_x.shape, generator=generator).to(device)
        mu_x = mu_x + torch.exp(log_var_x / 2) * eps
    return mu_x.cpu().numpy()
