"""Beyond the 2-D tutorial's model: deeper MLPs, a fixed decoder variance, and a
categorical decoder for discrete data such as pixels; ``make_vae`` builds whichever the
config asks for (``run_model`` uses it).

Taught in ``notebooks/09_digits`` (``CategoricalVAE``) and
``notebooks/11_rate_distortion`` (``FixedVarianceDecoder``).  The default config still
gets ``build_vae``'s model.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn

from .model import VAE, build_vae
from .objectives import categorical_nll, sample_latents

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU,
               "elu": nn.ELU}


def mlp(input_dim: int, hidden_dim: int, output_dim: int, hidden_layers: int = 1,
        activation: str = "tanh") -> nn.Sequential:
    """``hidden_layers`` x (Linear -> activation), then Linear to ``output_dim``."""
    layers, width = [], input_dim
    for _ in range(hidden_layers):
        layers += [nn.Linear(width, hidden_dim), ACTIVATIONS[activation]()]
        width = hidden_dim
    return nn.Sequential(*layers, nn.Linear(width, output_dim))


class FixedVarianceDecoder(nn.Module):
    """A network for mu_x ``[..., input]`` with a constant sigma^2 appended, so its
    output ``[..., 2 * input]`` = [mu_x; log sigma^2] has ``GaussianMLP``'s layout."""

    def __init__(self, net: nn.Module, variance: float):
        super().__init__()
        self.net = net
        self.register_buffer("log_var", torch.tensor(math.log(variance)))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        mu_x = self.net(z)
        return torch.cat([mu_x, self.log_var.expand(mu_x.shape)], dim=-1)


class CategoricalOutput(NamedTuple):
    """What ``CategoricalVAE.forward`` returns; as ``VAEOutput`` but with logits."""

    z: torch.Tensor  # [num_mc, batch, latent]
    mu_z: torch.Tensor  # [batch, latent]
    log_var_z: torch.Tensor  # [batch, latent]
    logits_x: torch.Tensor  # [num_mc, batch, input, num_values]

    @property
    def decoded(self) -> torch.Tensor:
        return self.logits_x


class CategoricalVAE(VAE):
    """A VAE for inputs with ``num_values`` levels 0..K-1 per dimension (e.g. grey
    levels): p_theta(x|z) = prod_i Cat(x_i | softmax(logits_i(z))).  The encoder sees
    x / (K - 1), in [0, 1]; KL, loss, training and evaluation are ``VAE``'s."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, num_values: int,
                 beta: float = 1.0):
        super().__init__(encoder, decoder, beta)
        self.num_values = num_values

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return super().encode(x / (self.num_values - 1))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """p_theta(x|z): ``[..., latent]`` -> logits ``[..., input, num_values]``."""
        return self.decoder(z).unflatten(-1, (-1, self.num_values))

    def forward(self, x: torch.Tensor, noise: torch.Tensor) -> CategoricalOutput:
        mu_z, log_var_z = self.encode(x)
        z = sample_latents(mu_z, log_var_z, noise)
        return CategoricalOutput(z, mu_z, log_var_z, self.decode(z))

    def log_likelihood(self, x: torch.Tensor, decoded: torch.Tensor) -> torch.Tensor:
        """log p_theta(x|z) summed over data dimensions: ``[..., batch]``."""
        return -categorical_nll(x, decoded).sum(dim=-1)

    def sample_x(self, z: torch.Tensor, noise: bool = False,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """The mean level sum_k k p(x_i = k | z) per dimension, or with ``noise`` one
        draw x ~ p_theta(x|z); ``[..., input]``, float."""
        probs = torch.softmax(self.decode(z), dim=-1)
        if not noise:
            return probs @ torch.arange(self.num_values, dtype=probs.dtype,
                                        device=probs.device)
        flat = probs.reshape(-1, self.num_values).cpu()
        draws = torch.multinomial(flat, 1, generator=generator)
        draws = draws.reshape(probs.shape[:-1])
        return draws.to(device=probs.device, dtype=probs.dtype)


def make_vae(cfg) -> VAE:
    """A fresh VAE for any valid ``cfg``: ``build_vae``'s model for the tutorial's
    default network, else MLPs with ``cfg.hidden_layers`` layers of ``cfg.activation``
    and the decoder that ``cfg.likelihood`` and ``cfg.decoder_variance`` ask for."""
    if (cfg.likelihood, cfg.decoder_variance, cfg.hidden_layers, cfg.activation) == (
            "gaussian", "learned", 1, "tanh"):
        model = build_vae(cfg)
        model.beta = cfg.beta
        return model

    def net(n_in: int, n_out: int) -> nn.Sequential:
        return mlp(n_in, cfg.hidden_dim, n_out, cfg.hidden_layers, cfg.activation)

    encoder = net(cfg.input_dim, 2 * cfg.latent_dim)
    if cfg.likelihood == "categorical":
        decoder = net(cfg.latent_dim, cfg.input_dim * cfg.num_values)
        return CategoricalVAE(encoder, decoder, cfg.num_values, cfg.beta)
    if cfg.decoder_variance == "learned":
        decoder = net(cfg.latent_dim, 2 * cfg.input_dim)
    else:
        decoder = FixedVarianceDecoder(net(cfg.latent_dim, cfg.input_dim),
                                       cfg.decoder_variance)
    return VAE(encoder, decoder, cfg.beta)
