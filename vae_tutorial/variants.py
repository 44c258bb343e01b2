"""Beyond the 2-D tutorial's model: deeper MLPs, a fixed decoder variance, a
categorical decoder for discrete data such as pixels, a Bernoulli decoder for black and
white pixels and a convolutional encoder/decoder for images; ``make_vae`` builds
whichever the config asks for (``run_model`` uses it).

Taught in ``notebooks/11_digits`` (``CategoricalVAE``),
``notebooks/14_rate_distortion`` (``FixedVarianceDecoder``) and ``notebooks/07_mnist``
(``BernoulliVAE``, ``ConvEncoder``, ``ConvDecoder``).  The default config still
gets ``build_vae``'s model.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn

from .model import VAE, build_vae, with_labels
from .objectives import bernoulli_nll, categorical_nll, sample_latents

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


class LogitsOutput(NamedTuple):
    """What ``forward`` returns for a decoder of logits (``CategoricalVAE``,
    ``BernoulliVAE``); as ``VAEOutput`` but with the logits ``decode(z)``."""

    z: torch.Tensor  # [num_mc, batch, latent]
    mu_z: torch.Tensor  # [batch, latent]
    log_var_z: torch.Tensor  # [batch, latent]
    logits_x: torch.Tensor  # [num_mc, batch, input(, num_values)]

    @property
    def decoded(self) -> torch.Tensor:
        return self.logits_x


class CategoricalVAE(VAE):
    """A VAE for inputs with ``num_values`` levels 0..K-1 per dimension (e.g. grey
    levels): p_theta(x|z) = prod_i Cat(x_i | softmax(logits_i(z))).  The encoder sees
    x / (K - 1), in [0, 1]; KL, loss, training and evaluation are ``VAE``'s."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, num_values: int,
                 beta: float = 1.0, num_classes: int = 0):
        super().__init__(encoder, decoder, beta, num_classes)
        self.num_values = num_values

    def encode(self, x: torch.Tensor, labels: torch.Tensor | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        return super().encode(x / (self.num_values - 1), labels)

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None
               ) -> torch.Tensor:
        """p_theta(x|z): ``[..., latent]`` -> logits ``[..., input, num_values]``."""
        logits = self.decoder(with_labels(z, labels, self.num_classes))
        return logits.unflatten(-1, (-1, self.num_values))

    def forward(self, x: torch.Tensor, noise: torch.Tensor,
                labels: torch.Tensor | None = None) -> LogitsOutput:
        mu_z, log_var_z = self.encode(x, labels)
        z = sample_latents(mu_z, log_var_z, noise)
        return LogitsOutput(z, mu_z, log_var_z, self.decode(z, labels))

    def log_likelihood(self, x: torch.Tensor, decoded: torch.Tensor) -> torch.Tensor:
        """log p_theta(x|z) summed over data dimensions: ``[..., batch]``."""
        return -categorical_nll(x, decoded).sum(dim=-1)

    def sample_x(self, z: torch.Tensor, noise: bool = False,
                 generator: torch.Generator | None = None,
                 labels: torch.Tensor | None = None) -> torch.Tensor:
        """The mean level sum_k k p(x_i = k | z) per dimension, or with ``noise`` one
        draw x ~ p_theta(x|z); ``[..., input]``, float."""
        probs = torch.softmax(self.decode(z, labels), dim=-1)
        if not noise:
            return probs @ torch.arange(self.num_values, dtype=probs.dtype,
                                        device=probs.device)
        flat = probs.reshape(-1, self.num_values).cpu()
        draws = torch.multinomial(flat, 1, generator=generator)
        draws = draws.reshape(probs.shape[:-1])
        return draws.to(device=probs.device, dtype=probs.dtype)


class BernoulliVAE(VAE):
    """A VAE for pixels that are 0 or 1: p_theta(x|z) = prod_i Bernoulli(x_i | p_i(z)),
    p_i = sigmoid(logits_i(z)).  KL, loss, training and evaluation are ``VAE``'s."""

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None
               ) -> torch.Tensor:
        """p_theta(x|z): ``[..., latent]`` -> logits ``[..., input]``."""
        return self.decoder(with_labels(z, labels, self.num_classes))

    def forward(self, x: torch.Tensor, noise: torch.Tensor,
                labels: torch.Tensor | None = None) -> LogitsOutput:
        mu_z, log_var_z = self.encode(x, labels)
        z = sample_latents(mu_z, log_var_z, noise)
        return LogitsOutput(z, mu_z, log_var_z, self.decode(z, labels))

    def log_likelihood(self, x: torch.Tensor, decoded: torch.Tensor) -> torch.Tensor:
        """log p_theta(x|z) summed over data dimensions: ``[..., batch]``."""
        return -bernoulli_nll(x, decoded).sum(dim=-1)

    def sample_x(self, z: torch.Tensor, noise: bool = False,
                 generator: torch.Generator | None = None,
                 labels: torch.Tensor | None = None) -> torch.Tensor:
        """The probabilities p_i(z) of a white (1) pixel, or with ``noise`` one draw
        x ~ p_theta(x|z) of 0s and 1s; ``[..., input]``."""
        probs = torch.sigmoid(self.decode(z, labels))
        if not noise:
            return probs
        uniform = torch.rand(probs.shape, generator=generator).to(probs.device)
        return (uniform < probs).to(probs.dtype)


class ConvEncoder(nn.Module):
    """q_phi(z|x) for images: ``[batch, height * width]`` -> two stride-2 convolutions
    (``channels``, then 2 x ``channels``; each halves the sides) -> an MLP to
    ``[batch, 2 * latent_dim]`` = [mu_z; log_var_z]."""

    def __init__(self, image_shape: tuple[int, int], channels: int, hidden_dim: int,
                 latent_dim: int, hidden_layers: int = 1, activation: str = "elu",
                 num_classes: int = 0):
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.num_classes = num_classes  # > 0: a label's one-hot follows the pixels
        act = ACTIVATIONS[activation]
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, 4, stride=2, padding=1), act(),
            nn.Conv2d(channels, 2 * channels, 4, stride=2, padding=1), act(),
            nn.Flatten())
        height, width = self.image_shape
        features = 2 * channels * (height // 4) * (width // 4)
        self.head = mlp(features + num_classes, hidden_dim, 2 * latent_dim,
                        hidden_layers, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pixels = x.shape[-1] - self.num_classes
        images = x[..., :pixels].reshape(-1, 1, *self.image_shape)  # [batch, 1, h, w]
        features = self.conv(images)
        if self.num_classes:  # the one-hot joins the flattened features
            one_hot = x[..., pixels:].reshape(-1, self.num_classes)
            features = torch.cat([features, one_hot], dim=-1)
        return self.head(features).reshape(*x.shape[:-1], -1)


class ConvDecoder(nn.Module):
    """p_theta(x|z) for images, ``ConvEncoder`` mirrored: ``[..., latent_dim]`` -> an
    MLP to 2 x ``channels`` maps of a quarter of the sides -> two stride-2 transposed
    convolutions -> one logit per pixel, ``[..., height * width]``."""

    def __init__(self, image_shape: tuple[int, int], channels: int, hidden_dim: int,
                 latent_dim: int, hidden_layers: int = 1, activation: str = "elu"):
        super().__init__()
        height, width = image_shape
        self.maps = (2 * channels, height // 4, width // 4)
        act = ACTIVATIONS[activation]
        features = 2 * channels * (height // 4) * (width // 4)
        self.head = nn.Sequential(
            mlp(latent_dim, hidden_dim, features, hidden_layers, activation), act())
        self.deconv = nn.Sequential(
            nn.ConvTranspose2d(2 * channels, channels, 4, stride=2, padding=1), act(),
            nn.ConvTranspose2d(channels, 1, 4, stride=2, padding=1), nn.Flatten())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        maps = self.head(z.reshape(-1, z.shape[-1])).reshape(-1, *self.maps)
        return self.deconv(maps).reshape(*z.shape[:-1], -1)


def make_vae(cfg) -> VAE:
    """A fresh VAE for any valid ``cfg``: ``build_vae``'s model for the tutorial's
    default network, else MLPs with ``cfg.hidden_layers`` layers of ``cfg.activation``
    (or with ``cfg.network="conv"`` the convolutional pair) and the decoder that
    ``cfg.likelihood`` and ``cfg.decoder_variance`` ask for.  With
    ``cfg.num_classes`` = k > 0, a conditional VAE: each network gets k more inputs, a
    label's one-hot (notebook 08)."""
    k = cfg.get("num_classes", 0)
    if (cfg.likelihood, cfg.decoder_variance, cfg.hidden_layers, cfg.activation,
            cfg.network, k) == ("gaussian", "learned", 1, "tanh", "mlp", 0):
        model = build_vae(cfg)
        model.beta = cfg.beta
        return model

    def net(n_in: int, n_out: int) -> nn.Sequential:
        return mlp(n_in + k, cfg.hidden_dim, n_out, cfg.hidden_layers, cfg.activation)

    if cfg.network == "conv" and cfg.latent_shape is not None:  # latent maps (15)
        from .latent_diffusion import spatial_conv_vae
        return spatial_conv_vae(cfg)
    if cfg.network == "conv":
        sizes = (cfg.image_shape, cfg.channels, cfg.hidden_dim, cfg.latent_dim,
                 cfg.hidden_layers, cfg.activation)
        decoder_sizes = (*sizes[:3], cfg.latent_dim + k, *sizes[4:])
        return BernoulliVAE(ConvEncoder(*sizes, num_classes=k),
                            ConvDecoder(*decoder_sizes), cfg.beta, k)
    encoder = net(cfg.input_dim, 2 * cfg.latent_dim)
    if cfg.likelihood == "bernoulli":
        return BernoulliVAE(encoder, net(cfg.latent_dim, cfg.input_dim), cfg.beta, k)
    if cfg.likelihood == "categorical":
        decoder = net(cfg.latent_dim, cfg.input_dim * cfg.num_values)
        return CategoricalVAE(encoder, decoder, cfg.num_values, cfg.beta, k)
    if cfg.decoder_variance == "learned":
        decoder = net(cfg.latent_dim, 2 * cfg.input_dim)
    else:
        decoder = FixedVarianceDecoder(net(cfg.latent_dim, cfg.input_dim),
                                       cfg.decoder_variance)
    return VAE(encoder, decoder, cfg.beta, k)
