"""The networks: a Gaussian MLP, used twice, inside a VAE.

Taught in ``notebooks/02_network`` (``GaussianMLP``, ``encode``, ``decode``) and
``notebooks/04_loss`` (``forward``, ``loss``).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from .objectives import gaussian_kl, gaussian_nll, sample_latents


class GaussianMLP(nn.Module):
    """Linear -> tanh -> Linear, mapping ``[batch, input_dim]`` to ``[batch, 2 * output_dim]``:
    the mean and the log-variance of a diagonal Gaussian, stacked as ``[mu; log_var]``."""

    def __init__(self, input_dim: int, hidden_dim: int, output_dim: int):
        super().__init__()
        self.shared = nn.Sequential(nn.Linear(input_dim, hidden_dim), nn.Tanh())
        self.param_layer = nn.Linear(hidden_dim, 2 * output_dim)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.param_layer(self.shared(inputs))


class VAEOutput(NamedTuple):
    """What ``VAE.forward`` returns; shapes for ``num_mc`` noise draws of a ``batch``."""

    z: torch.Tensor  # [num_mc, batch, latent]
    mu_z: torch.Tensor  # [batch, latent]
    log_var_z: torch.Tensor  # [batch, latent]
    mu_x: torch.Tensor  # [num_mc, batch, input]
    log_var_x: torch.Tensor  # [num_mc, batch, input]


class LossParts(NamedTuple):
    """The negative ELBO and its two parts, nats per data point: total = recon + kl."""

    total: torch.Tensor
    recon: torch.Tensor
    kl: torch.Tensor


class VAE(nn.Module):
    """A VAE built from an encoder q_phi(z|x) and a decoder p_theta(x|z), both Gaussian MLPs."""

    def __init__(self, encoder: GaussianMLP, decoder: GaussianMLP):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """q_phi(z|x): ``[batch, input]`` -> (mu_z, log_var_z), each ``[batch, latent]``."""
        mu_z, log_var_z = self.encoder(x).chunk(2, dim=-1)
        return mu_z, log_var_z

    def decode(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """p_theta(x|z): ``[..., latent]`` -> (mu_x, log_var_x), each ``[..., input]``."""
        mu_x, log_var_x = self.decoder(z).chunk(2, dim=-1)
        return mu_x, log_var_x

    def forward(self, x: torch.Tensor, noise: torch.Tensor) -> VAEOutput:
        """Encode ``x`` ``[batch, input]``, draw z with ``noise`` ``[num_mc, batch, latent]``
        by reparameterization, and decode every draw."""
        mu_z, log_var_z = self.encode(x)
        z = sample_latents(mu_z, log_var_z, noise)
        mu_x, log_var_x = self.decode(z)
        return VAEOutput(z, mu_z, log_var_z, mu_x, log_var_x)

    def loss(self, x: torch.Tensor, noise: torch.Tensor) -> LossParts:
        """Negative ELBO = reconstruction + KL, in nats per data point.

        recon = -log p_theta(x|z), summed over data dimensions, averaged over the ``num_mc``
        draws and the batch; kl = KL(q_phi(z|x) || N(0, I)) in closed form, summed over latent
        dimensions and averaged over the batch.
        """
        out = self(x, noise)
        recon = gaussian_nll(x, out.mu_x, out.log_var_x).sum(dim=-1).mean()
        kl = gaussian_kl(out.mu_z, out.log_var_z).sum(dim=-1).mean()
        return LossParts(recon + kl, recon, kl)


def build_vae(cfg) -> VAE:
    """A fresh VAE with the sizes in ``cfg`` (input_dim, hidden_dim, latent_dim)."""
    encoder = GaussianMLP(cfg.input_dim, cfg.hidden_dim, cfg.latent_dim)
    decoder = GaussianMLP(cfg.latent_dim, cfg.hidden_dim, cfg.input_dim)
    return VAE(encoder, decoder)
