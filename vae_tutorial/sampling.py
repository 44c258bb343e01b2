"""Generating new data: z ~ N(0, I), then decode, with or without the decoder's noise.

Taught in ``notebooks/05_training`` and ``notebooks/06_visualisation``.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .conditional import check_labels
from .data import check_count, check_data, check_levels
from .mnist import check_pixels
from .variants import BernoulliVAE


def model_device(model: torch.nn.Module) -> torch.device:
    """The device the model's parameters live on."""
    return next(model.parameters()).device


def model_input_dim(model) -> int:
    """The width of the data a model takes: its config's ``input_dim``, else the input
    width of the encoder's first layer less a conditional model's one-hot label (an
    image encoder's height x width)."""
    config = getattr(model, "config", None)
    if config is not None:
        return int(config["input_dim"])
    shape = getattr(model.encoder, "image_shape", None)
    if shape is not None:
        return math.prod(shape)
    for module in model.encoder.modules():
        weight = getattr(module, "weight", None)
        if isinstance(weight, torch.Tensor) and weight.ndim == 2:  # less the one-hot
            return weight.shape[1] - getattr(model, "num_classes", 0)
    raise ValueError("cannot find the encoder's first layer to read the input width")


def check_decoder_data(x, dim: int, likelihood: str, num_values: int | None,
                       name: str) -> np.ndarray:
    """Return ``x`` as an array ``[N, dim]`` fit for a decoder of ``likelihood``, or
    raise ``ValueError`` naming ``name``: the shape, finite values, and what the decoder
    models (levels 0..num_values-1 for "categorical", values in [0, 1] for
    "bernoulli")."""
    x = check_data(x, dim, name)
    if likelihood == "categorical":
        check_levels(x, num_values, name)
    elif likelihood == "bernoulli":
        check_pixels(x, name)
    return x


def check_model_data(model, x, name: str = "x") -> np.ndarray:
    """Return ``x`` as an array ``[N, input]`` fit for ``model``, or raise
    ``ValueError`` naming ``name``: the shape (2-D, N > 0, the model's input width),
    finite values, and what the decoder models (levels 0..K-1 for a categorical
    decoder, values in [0, 1] for a Bernoulli one).  The one check at the top of every
    public function that takes a model and data (``run_model`` checks its own)."""
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu()
    num_values = getattr(model, "num_values", None)  # set by a categorical decoder
    likelihood = ("categorical" if num_values is not None else
                  "bernoulli" if isinstance(model, BernoulliVAE) else "gaussian")
    return check_decoder_data(x, model_input_dim(model), likelihood, num_values, name)


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
    check_count(n_samples, "n_samples")
    labels = check_labels(labels, getattr(model, "num_classes", 0), n_samples)
    model.eval()
    z = torch.randn([n_samples, cfg.latent_dim], generator=generator)
    device = model_device(model)
    labels = None if labels is None else labels.to(device)
    return model.sample_x(z.to(device), noise, generator, labels).cpu().numpy()
