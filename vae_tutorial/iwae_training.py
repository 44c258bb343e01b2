"""Training on the importance-weighted bound instead of the ELBO (Burda et al. 2015).

Taught in ``notebooks/10_beyond_gaussian``, where it narrows the gap that a Gaussian
q_phi(z|x) leaves on multi-modal data.

    L_K(x) = E[log 1/K sum_k w_k],   w_k = p_theta(x, z_k) / q_phi(z_k|x),  z_k ~ q_phi
is a lower bound on log p_theta(x) for every K; K = 1 is the ELBO, and it tightens
towards log p_theta(x) as K grows, so the model is no longer pushed to keep its true
posterior close to a Gaussian.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from .config import validate_config
from .evaluation import log_weights
from .training import as_tensor, learning_rate_factor, resolve_device
from .variants import make_vae


def iwae_loss(model, x: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """-L_K: minus the importance-weighted bound, nats per data point.

    x ``[batch, input]``; noise ``[K, batch, latent]``.  -(logsumexp_k log w_k - log K),
    averaged over the batch; with K = 1 it is the -ELBO (its KL part estimated from the
    draw instead of in closed form).
    """
    log_w = log_weights(model, x, noise)
    return -(torch.logsumexp(log_w, dim=0) - math.log(len(noise))).mean()


def train_iwae(cfg, train_data, num_samples: int):
    """Build a VAE from ``cfg`` and train it with Adam on ``iwae_loss`` with
    K = ``num_samples`` draws per point: ``cfg``'s epochs, batch size, learning rate and
    schedule, seeded like ``run_model``.  Returns (model, losses ``[steps]``)."""
    if isinstance(num_samples, bool) or not isinstance(num_samples, int) \
            or num_samples < 1:
        raise ValueError(f"num_samples must be a positive integer, got {num_samples!r}")
    cfg = validate_config(dict(cfg))
    device = resolve_device(cfg.device)
    train = as_tensor(cfg, train_data, "train_data", device)
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = make_vae(cfg).to(device)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr,
                             weight_decay=cfg.weight_decay)
    steps = math.ceil(len(train) / cfg.batch_size) * cfg.num_epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(optim,
                                                 learning_rate_factor(cfg, steps))
    model.train()
    losses = []
    for _ in range(cfg.num_epochs):
        order = torch.as_tensor(rng.permutation(len(train)), device=device)
        for start in range(0, len(train), cfg.batch_size):
            batch = train[order[start:start + cfg.batch_size]]
            noise = torch.randn([num_samples, len(batch), cfg.latent_dim],
                                generator=generator)
            loss = iwae_loss(model, batch, noise.to(device))
            if not torch.isfinite(loss):
                raise FloatingPointError(f"non-finite loss at step {len(losses)}; "
                                         "try a smaller config.lr")
            optim.zero_grad()
            loss.backward()
            optim.step()
            schedule.step()
            losses.append(loss.item())
    model.eval()
    return model, np.array(losses)
