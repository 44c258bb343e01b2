"""The VAE inside latent diffusion: latents as maps, the scaling factor, a second stage
that carries the prior, and the two-stage bound in nats.

Taught in ``notebooks/15_latent_diffusion``.  ``mnist_config(network="conv",
latent_shape=(c, h, w), latent_dim=c * h * w)`` builds ``SpatialConvEncoder`` and
``SpatialConvDecoder`` (``make_vae``): the encoder's mean and log-variance are maps
``[batch, c, h, w]`` (``latent_maps``), flattened to ``[batch, c * h * w]`` for the rest
of the package (training, IWAE), so every tool of 07-14 works on them unchanged.

Stable Diffusion's autoencoder is trained with a tiny KL weight, so its latents are
far from N(0, I); they are multiplied by ``scaling_factor`` = 1 / their standard
deviation (``latent_scale``) before a diffusion model learns their density.  Here a
small VAE plays that second model (``second_stage_config``, ``scaled_latents``; the
two-stage VAE of Dai & Wipf 2019), and ``two_stage_bound`` measures the pair in nats
per image.  ``refit_encoder`` trains only the encoder q to that bound, the model held
fixed: how much of the bound is the looseness of q.
"""

from __future__ import annotations

import copy
import math
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from .config import default_config
from .evaluation import iwae_nll
from .model import gaussian_kl
from .sampling import check_model_data, model_device
from .variants import ACTIVATIONS, BernoulliVAE


class SpatialConvEncoder(nn.Module):
    """q_phi(z|x) with latent maps: ``[batch, height * width]`` -> two stride-2
    convolutions (``channels``, 2 x ``channels``) -> a 3 x 3 convolution to 2c maps of
    ``(h, w)`` = a quarter of the sides -> ``[batch, 2 * c * h * w]`` =
    [mu_z; log_var_z], each half one ``[c, h, w]`` map flattened (``latent_maps``
    unflattens it)."""

    def __init__(self, image_shape: tuple[int, int], channels: int,
                 latent_shape: tuple[int, int, int], activation: str = "elu"):
        super().__init__()
        self.image_shape = tuple(image_shape)
        act = ACTIVATIONS[activation]
        self.net = nn.Sequential(
            nn.Conv2d(1, channels, 4, stride=2, padding=1), act(),
            nn.Conv2d(channels, 2 * channels, 4, stride=2, padding=1), act(),
            nn.Conv2d(2 * channels, 2 * latent_shape[0], 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        maps = self.net(x.reshape(-1, 1, *self.image_shape))  # [batch, 2c, h, w]
        mu, log_var = maps.chunk(2, dim=1)
        flat = torch.cat([mu.flatten(1), log_var.flatten(1)], dim=-1)
        return flat.reshape(*x.shape[:-1], -1)


class SpatialConvDecoder(nn.Module):
    """p_theta(x|z) from latent maps, ``SpatialConvEncoder`` mirrored: ``[...,
    c * h * w]`` -> maps ``[c, h, w]`` -> a 3 x 3 convolution to 2 x ``channels`` maps
    -> two stride-2 transposed convolutions -> one logit per pixel, ``[..., height *
    width]``."""

    def __init__(self, image_shape: tuple[int, int], channels: int,
                 latent_shape: tuple[int, int, int], activation: str = "elu"):
        super().__init__()
        self.latent_shape = tuple(latent_shape)
        act = ACTIVATIONS[activation]
        self.net = nn.Sequential(
            nn.Conv2d(latent_shape[0], 2 * channels, 3, padding=1), act(),
            nn.ConvTranspose2d(2 * channels, channels, 4, stride=2, padding=1), act(),
            nn.ConvTranspose2d(channels, 1, 4, stride=2, padding=1), nn.Flatten())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        maps = z.reshape(-1, *self.latent_shape)
        return self.net(maps).reshape(*z.shape[:-1], -1)


def spatial_conv_vae(cfg) -> BernoulliVAE:
    """The Bernoulli VAE with latent maps that ``make_vae`` builds for a config with
    ``latent_shape`` (``hidden_dim`` and ``hidden_layers`` are unused)."""
    sizes = (cfg.image_shape, cfg.channels, cfg.latent_shape, cfg.activation)
    return BernoulliVAE(SpatialConvEncoder(*sizes), SpatialConvDecoder(*sizes),
                        cfg.beta)


def _latent_shape(model) -> tuple[int, int, int]:
    if not isinstance(model.decoder, SpatialConvDecoder):
        raise ValueError("the model has no latent maps: build it with "
                         "config.latent_shape=(c, h, w) and network='conv'")
    return model.decoder.latent_shape


@torch.no_grad()
def latent_maps(model, x) -> tuple[torch.Tensor, torch.Tensor]:
    """q_phi(z|x) of a model with latent maps: (mu_z, log_var_z), each ``[batch, c, h,
    w]``, for images x ``[batch, height * width]``."""
    shape = _latent_shape(model)
    x = check_model_data(model, x)
    model.eval()
    x = torch.as_tensor(x, dtype=torch.float32).to(model_device(model))
    mu, log_var = model.encode(x)
    return mu.reshape(-1, *shape), log_var.reshape(-1, *shape)


@torch.no_grad()
def encode_latents(model, x, seed: int = 0, batch_size: int = 500) -> torch.Tensor:
    """One draw z ~ q_phi(z|x) per image of x ``[N, input]``: ``[N, latent]`` (flat),
    float32 on the CPU, the same for the same ``seed``."""
    x = check_model_data(model, x)
    model.eval()
    device = model_device(model)
    x = torch.as_tensor(x, dtype=torch.float32)
    generator = torch.Generator().manual_seed(seed)
    out = []
    for start in range(0, len(x), batch_size):
        mu, log_var = model.encode(x[start:start + batch_size].to(device))
        noise = torch.randn(mu.shape, generator=generator).to(device)
        out.append((mu + torch.exp(log_var / 2) * noise).cpu())
    return torch.cat(out)


def latent_scale(model, x, seed: int = 0) -> float:
    """The scaling factor s = 1 / std of z ~ q_phi(z|x), one draw per image of x, the
    standard deviation taken over the images and all latent elements together (as
    diffusers' ``scaling_factor`` was set for Stable Diffusion: 0.18215)."""
    z = encode_latents(model, x, seed)
    return float(1 / z.double().std())


def scaled_latents(model, x, scale: float, seed: int = 0) -> np.ndarray:
    """Training data for a second stage: s * z, z ~ q_phi(z|x) one draw per image;
    float32 ``[N, latent]``."""
    return (scale * encode_latents(model, x, seed)).numpy()


def second_stage_config(input_dim: int, **overrides):
    """A small Gaussian MLP VAE for first-stage latents of ``input_dim`` dimensions:
    two 512-unit ELU layers each way and 32 latents of its own; ``default_config``'s
    fields, so ``run_model`` trains it on ``scaled_latents``."""
    settings = dict(input_dim=input_dim, latent_dim=32, hidden_dim=512,
                    hidden_layers=2, activation="elu", batch_size=100, num_epochs=30,
                    lr=1e-3, lr_schedule="cosine", sample_each_step=False,
                    n_samples=64, progress=False)
    return default_config(**{**settings, **overrides})


@torch.no_grad()
def decode_second_stage(first, second, scale: float, num: int, seed: int = 0):
    """Images from the two-stage model: v ~ N(0, I), u = the second stage's mean for v,
    z = u / s, then the first stage's pixel probabilities for z; ``[num, input]``."""
    first.eval()
    second.eval()
    generator = torch.Generator().manual_seed(seed)
    v = torch.randn([num, second.config.latent_dim], generator=generator)
    u = second.sample_x(v.to(model_device(second)))
    return first.sample_x(u.to(model_device(first)) / scale).cpu().numpy()


class TwoStageBound(NamedTuple):
    """An upper bound on -log p(x) of the two-stage model, nats per image, and its
    parts: total = recon - entropy + prior, prior = second - jacobian."""

    total: float
    recon: float  # E_q[-log p(x|z)]
    entropy: float  # H[q(z|x)], closed form
    prior: float  # E_q[-log p2(z)] (bounded above)
    second: float  # E_q[-log p2'(s z)] (bounded above by the second stage's IWAE)
    jacobian: float  # D log s: p2(z) = s^D p2'(s z)


@torch.no_grad()
def two_stage_bound(first, second, scale: float, x, num_samples: int = 10,
                    second_k: int = 1, seed: int = 0) -> TwoStageBound:
    """An upper bound on -log p(x), nats per image, for the model x ~ p(x|z) of the
    ``first`` stage with z = u / s and u drawn from the ``second`` stage (its density
    p2'(u)), comparable to a single VAE's -ELBO:

        -log p(x) <= E_q[-log p(x|z)] - H[q(z|x)] + E_q[-log p2(z)],
        -log p2(z) = -D log s - log p2'(s z) <= -D log s + IWAE_K(s z)

    with q = q_phi(z|x) of the first stage (D latents), ``num_samples`` draws of z per
    image and the second stage's IWAE estimate with K = ``second_k`` (1: its -ELBO).
    With a second stage that is exactly N(0, I) and s = 1 this is the first stage's
    own -ELBO (with a Monte Carlo cross-entropy in place of the closed-form KL).
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    x = check_model_data(first, x)
    first.eval()
    device = model_device(first)
    x = torch.as_tensor(x, dtype=torch.float32).to(device)
    mu, log_var = first.encode(x)
    dim = mu.shape[-1]
    entropy = 0.5 * (1 + math.log(2 * math.pi) + log_var.double()).sum(-1)  # [N]
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn([num_samples, *mu.shape], generator=generator).to(device)
    z = mu + torch.exp(log_var / 2) * noise  # [num_samples, N, D]
    recon = -first.log_likelihood(x, first.decode(z)).double().cpu().mean(0)
    u = (scale * z).reshape(-1, dim).cpu().numpy()
    second_nll = torch.as_tensor(iwae_nll(second, u, second_k, seed=seed + 1,
                                          per_point=True))
    second_nll = second_nll.reshape(num_samples, len(x)).mean(0)
    jacobian = dim * math.log(scale)
    prior = second_nll - jacobian
    total = recon - entropy.cpu() + prior
    return TwoStageBound(float(total.mean()), float(recon.mean()),
                         float(entropy.mean()), float(prior.mean()),
                         float(second_nll.mean()), jacobian)


def refit_encoder(first, second, scale: float, x, num_epochs: int = 2,
                  lr: float = 1e-3, batch_size: int = 50, seed: int = 0):
    """A copy of ``first`` whose encoder q_phi(z|x) alone is trained (Adam, ``lr``) to
    the two-stage -ELBO of ``two_stage_bound`` with one draw and K = 1, on images x
    ``[N, input]`` (grey levels binarised afresh each epoch).  The decoder, the
    ``second`` stage and ``scale`` stay fixed, so the model p(x) is the same and only
    the bound on it changes.  ``first`` and ``second`` are left as they were."""
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if not (isinstance(num_epochs, int) and num_epochs >= 0):
        raise ValueError(f"num_epochs must be an integer >= 0, got {num_epochs!r}")
    x = torch.as_tensor(check_model_data(first, x), dtype=torch.float32)
    refit = copy.deepcopy(first).train()
    refit.decoder.requires_grad_(False)
    frozen = copy.deepcopy(second).eval().requires_grad_(False)
    device = model_device(refit)
    optimizer = torch.optim.Adam(refit.encoder.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(num_epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            grey = x[order[start:start + batch_size]]
            xb = (torch.rand(grey.shape, generator=generator) < grey).float().to(device)
            mu, log_var = refit.encode(xb)
            eps = torch.randn(mu.shape, generator=generator).to(device)
            z = mu + torch.exp(log_var / 2) * eps
            recon = -refit.log_likelihood(xb, refit.decode(z))
            entropy = 0.5 * (1 + math.log(2 * math.pi) + log_var).sum(-1)
            u = (scale * z).to(model_device(frozen))
            mu_v, log_var_v = frozen.encode(u)
            eps_v = torch.randn(mu_v.shape, generator=generator).to(u.device)
            v = mu_v + torch.exp(log_var_v / 2) * eps_v
            second_nll = (-frozen.log_likelihood(u, frozen.decode(v))
                          + gaussian_kl(mu_v, log_var_v).sum(-1))
            loss = (recon - entropy + second_nll.to(device)).mean()  # - D log s: fixed
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return refit.eval()
