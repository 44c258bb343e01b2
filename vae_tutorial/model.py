"""The networks: a Gaussian MLP, used twice, inside a VAE.

Taught in ``notebooks/02_network`` (``GaussianMLP``, ``encode``, ``decode``) and
``notebooks/04_loss`` (``forward``, ``loss``, ``log_likelihood``).  Other decoders and
deeper networks (09-13) live in ``variants``.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn

from .objectives import gaussian_kl, gaussian_nll, sample_latents


class GaussianMLP(nn.Module):
    """Linear -> tanh -> Linear, mapping ``[batch, input_dim]`` to
    ``[batch, 2 * output_dim]``: the mean and the log-variance of a diagonal Gaussian,
    stacked as ``[mu; log_var]``."""

    def __init__(self, input_dim: int, hidden_dim: int, output_dim: int):
        super().__init__()
        self.shared = nn.Sequential(nn.Linear(input_dim, hidden_dim), nn.Tanh())
        self.param_layer = nn.Linear(hidden_dim, 2 * output_dim)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.param_layer(self.shared(inputs))


class VAEOutput(NamedTuple):
    """What ``VAE.forward`` returns; shapes for ``num_mc`` noise draws of a
    ``batch``."""

    z: torch.Tensor  # [num_mc, batch, latent]
    mu_z: torch.Tensor  # [batch, latent]
    log_var_z: torch.Tensor  # [batch, latent]
    mu_x: torch.Tensor  # [num_mc, batch, input]
    log_var_x: torch.Tensor  # [num_mc, batch, input]

    @property
    def decoded(self) -> tuple[torch.Tensor, torch.Tensor]:
        """What ``VAE.decode`` returned for z: (mu_x, log_var_x)."""
        return self.mu_x, self.log_var_x


class LossParts(NamedTuple):
    """The negative ELBO and its two parts, nats per data point:
    total = recon + beta * kl (beta = 1 unless notebook 14 changes it)."""

    total: torch.Tensor
    recon: torch.Tensor
    kl: torch.Tensor


def with_labels(inputs: torch.Tensor, labels: torch.Tensor | None,
                num_classes: int) -> torch.Tensor:
    """``inputs`` ``[..., batch, n]`` with the one-hot of ``labels`` ``[batch]``
    appended: ``[..., batch, n + num_classes]``; unchanged without labels (an
    unconditional model).  How a conditional VAE (notebook 08) sees its label."""
    if labels is None:
        return inputs
    one_hot = nn.functional.one_hot(labels.to(inputs.device).long(), num_classes)
    one_hot = one_hot.to(inputs.dtype).expand(*inputs.shape[:-1], num_classes)
    return torch.cat([inputs, one_hot], dim=-1)


class VAE(nn.Module):
    """A VAE built from an encoder q_phi(z|x) and a decoder p_theta(x|z), both Gaussian.
    ``beta`` weighs the KL term of the loss (1: the ELBO).

    With ``num_classes`` = k > 0 it is a conditional VAE (notebook 08): q_phi(z|x, y)
    and p_theta(x|z, y), the label y in 0..k-1 given to both networks as a one-hot
    appended to their input, the prior N(0, I).  Every method then takes ``labels``
    ``[batch]``; without them (k = 0) nothing changes."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, beta: float = 1.0,
                 num_classes: int = 0):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.beta = beta
        self.num_classes = num_classes

    def encode(self, x: torch.Tensor, labels: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """q_phi(z|x): ``[batch, input]`` -> (mu_z, log_var_z), each
        ``[batch, latent]``."""
        inputs = with_labels(x, labels, self.num_classes)
        mu_z, log_var_z = self.encoder(inputs).chunk(2, dim=-1)
        return mu_z, log_var_z

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """p_theta(x|z): ``[..., latent]`` -> (mu_x, log_var_x), each
        ``[..., input]``."""
        mu_x, log_var_x = self.decoder(
            with_labels(z, labels, self.num_classes)).chunk(2, dim=-1)
        return mu_x, log_var_x

    def forward(self, x: torch.Tensor, noise: torch.Tensor,
                labels: torch.Tensor | None = None) -> VAEOutput:
        """Encode ``x`` ``[batch, input]``, draw z with ``noise``
        ``[num_mc, batch, latent]`` by reparameterization, and decode every draw."""
        mu_z, log_var_z = self.encode(x, labels)
        z = sample_latents(mu_z, log_var_z, noise)
        mu_x, log_var_x = self.decode(z, labels)
        return VAEOutput(z, mu_z, log_var_z, mu_x, log_var_x)

    def loss(self, x: torch.Tensor, noise: torch.Tensor,
             labels: torch.Tensor | None = None) -> LossParts:
        """The negative (beta-)ELBO in nats per data point: total = recon + beta * kl.

        recon = -log p_theta(x|z), summed over data dimensions, averaged over the
        ``num_mc`` draws and the batch; kl = KL(q_phi(z|x) || N(0, I)) in closed form,
        summed over latent dimensions and averaged over the batch; beta = 1 by default.
        """
        out = self(x, noise, labels)
        recon = -self.log_likelihood(x, out.decoded).mean()
        kl = gaussian_kl(out.mu_z, out.log_var_z).sum(dim=-1).mean()
        return LossParts(recon + self.beta * kl, recon, kl)

    def log_likelihood(self, x: torch.Tensor, decoded) -> torch.Tensor:
        """log p_theta(x|z) summed over data dimensions: x ``[batch, input]``,
        ``decoded`` = ``decode(z)`` for z ``[..., batch, latent]``; returns
        ``[..., batch]``."""
        mu_x, log_var_x = decoded
        return -gaussian_nll(x, mu_x, log_var_x).sum(dim=-1)

    def sample_x(self, z: torch.Tensor, noise: bool = False,
                 generator: torch.Generator | None = None,
                 labels: torch.Tensor | None = None) -> torch.Tensor:
        """x for latents z ``[..., latent]``: the decoder means mu_x, or with ``noise``
        one draw x ~ N(mu_x, diag(sigma_x^2)) (``generator``, on the CPU, makes it
        repeatable).
        """
        mu_x, log_var_x = self.decode(z, labels)
        if not noise:
            return mu_x
        eta = torch.randn(mu_x.shape, generator=generator).to(mu_x.device)  # x's noise
        return mu_x + torch.exp(log_var_x / 2) * eta


def build_vae(cfg) -> VAE:
    """A fresh VAE with the sizes in ``cfg`` (input_dim, hidden_dim, latent_dim)."""
    encoder = GaussianMLP(cfg.input_dim, cfg.hidden_dim, cfg.latent_dim)
    decoder = GaussianMLP(cfg.latent_dim, cfg.hidden_dim, cfg.input_dim)
    return VAE(encoder, decoder)
