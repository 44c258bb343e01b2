"""The pieces of the VAE objective: reparameterization, Gaussian KL, Gaussian NLL, and
the categorical and Bernoulli NLLs of decoders for discrete data.

Taught in ``notebooks/03_reparameterization`` (``sample_latents``),
``notebooks/04_loss``, ``notebooks/11_digits`` (``categorical_nll``) and
``notebooks/07_mnist`` (``bernoulli_nll``).  Shapes:
``num_mc`` Monte-Carlo samples, ``batch`` data points, ``latent`` or ``dim`` features.
"""

from __future__ import annotations

import math

import torch


def sample_latents(mu: torch.Tensor, log_var: torch.Tensor,
                   noise: torch.Tensor) -> torch.Tensor:
    """Reparameterized draws z = mu + exp(log_var / 2) * noise from
    N(mu, diag(sigma^2)).

    mu, log_var: ``[batch, latent]``; noise: ``[num_mc, batch, latent]`` of N(0, I)
    draws. Returns z: ``[num_mc, batch, latent]``, differentiable with respect to mu and
    log_var.
    """
    return mu + torch.exp(log_var / 2) * noise


def gaussian_kl(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL( N(mu, diag(sigma^2)) || N(0, I) ) per dimension, in nats; same shape as
    ``mu``.

    KL_j = 1/2 (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2).  Sum over the last axis for the
    KL of the whole latent vector.
    """
    return 0.5 * (mu**2 + torch.exp(log_var) - 1.0 - log_var)


def gaussian_nll(x: torch.Tensor, mu: torch.Tensor,
                 log_var: torch.Tensor) -> torch.Tensor:
    """-log N(x | mu, diag(sigma^2)) per dimension, in nats; shapes broadcast.

    -log N = 1/2 (log 2 pi + log sigma^2 + (x - mu)^2 / sigma^2).
    """
    return 0.5 * (math.log(2 * math.pi) + log_var + (x - mu) ** 2 * torch.exp(-log_var))


def categorical_nll(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """-log Cat(x | softmax(logits)) per dimension, in nats.

    x: ``[..., dim]`` holding levels 0..K-1 (any dtype); logits: ``[..., dim, K]``; the
    leading shapes broadcast.  -log p(x_i = k) = log sum_j exp(logits_ij) - logits_ik.
    """
    log_probs = torch.log_softmax(logits, dim=-1)
    index = x.long().unsqueeze(-1)
    shape = torch.broadcast_shapes(index.shape[:-1], log_probs.shape[:-1])
    index = index.expand(*shape, 1)
    return -log_probs.expand(*shape, log_probs.shape[-1]).gather(-1, index).squeeze(-1)


def bernoulli_nll(x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """-log Bernoulli(x | sigmoid(logits)) per dimension, in nats; shapes broadcast.

    x: values in [0, 1] (a likelihood for x in {0, 1}; for grey values in between this
    is the binary cross-entropy, not a log-probability); logits: ``[..., dim]``.
    -log p = log(1 + e^l) - x l, computed with a stable softplus.  Taught in
    ``notebooks/07_mnist``.
    """
    return torch.nn.functional.softplus(logits) - x * logits
