"""Training on the importance-weighted bound instead of the ELBO (Burda et al. 2015).

Taught in ``notebooks/13_gap_split``, where it narrows the gap that a Gaussian
q_phi(z|x) leaves on multi-modal data.

    L_K(x) = E[log 1/K sum_k w_k],   w_k = p_theta(x, z_k) / q_phi(z_k|x),  z_k ~ q_phi
is a lower bound on log p_theta(x) for every K; K = 1 is the ELBO, and it tightens
towards log p_theta(x) as K grows, so the model is no longer pushed to keep its true
posterior close to a Gaussian.
"""

from __future__ import annotations

import math

import torch

from .evaluation import log_weights
from .training import run_model


def iwae_loss(model, x: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """-L_K: minus the importance-weighted bound, nats per data point.

    x ``[batch, input]``; noise ``[K, batch, latent]``.  -(logsumexp_k log w_k - log K),
    averaged over the batch; with K = 1 it is the -ELBO (its KL part estimated from the
    draw instead of in closed form).
    """
    log_w = log_weights(model, x, noise)
    return -(torch.logsumexp(log_w, dim=0) - math.log(len(noise))).mean()


def iwae_objective(model, x: torch.Tensor, noise: torch.Tensor) -> tuple:
    """``iwae_loss`` as an objective for ``run_model``: a tuple of one loss, -L_K with
    K = ``len(noise)``."""
    return (iwae_loss(model, x, noise),)


def train_iwae(cfg, train_data, num_samples: int):
    """Build a VAE from ``cfg`` and train it with Adam on ``iwae_loss`` with
    K = ``num_samples`` draws per point: ``run_model`` with ``iwae_objective`` and
    ``num_mc = K`` (``cfg``'s epochs, batch size, learning rate, schedule and seed; no
    test set, no per-step samples).  Returns (model, losses ``[steps]``)."""
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) \
            or num_samples < 1:
        raise ValueError(f"num_samples must be a positive integer, got {num_samples!r}")
    cfg = dict(cfg, num_mc=num_samples, sample_each_step=False)
    result = run_model(cfg, train_data, None, objective=iwae_objective)
    return result.model, result.train_losses[:, 0]
