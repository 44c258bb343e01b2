"""How good is the model? The importance-weighted estimate of -log p(x)
(Burda et al. 2015).

Taught in ``notebooks/09_evaluation`` and derived in ``notebooks/10_derivations``.
"""

from __future__ import annotations

import math

import torch

from .conditional import check_labels
from .data import check_count
from .objectives import gaussian_nll
from .sampling import check_model_data, model_device


def log_weights(model, x: torch.Tensor, noise: torch.Tensor,
                labels: torch.Tensor | None = None) -> torch.Tensor:
    """log w_k = log p_theta(x|z_k) + log p(z_k) - log q_phi(z_k|x), z_k drawn with
    ``noise``.

    x: ``[batch, input]``; noise: ``[num_samples, batch, latent]``.
    Returns ``[num_samples, batch]``.  A conditional model's weights
    p_theta(x|z_k, y) p(z_k) / q_phi(z_k|x, y) need the ``labels`` ``[batch]``.
    """
    out = model(x, noise) if labels is None else model(x, noise, labels)
    log_px_z = model.log_likelihood(x, out.decoded)
    zeros = torch.zeros_like(out.z)
    log_pz = -gaussian_nll(out.z, zeros, zeros).sum(-1)
    log_qz = -gaussian_nll(out.z, out.mu_z, out.log_var_z).sum(-1)
    return log_px_z + log_pz - log_qz


def log_weight_chunks(model, x, num_samples: int, seed: int = 0, max_rows: int = 2**18,
                      labels=None):
    """Yield ``log_weights`` ``[num_samples, chunk]`` for consecutive chunks of ``x``
    ``[N, input]``, with z drawn from q_phi(z|x) by a generator seeded with ``seed``;
    each chunk has at most ``max_rows`` = num_samples * chunk rows, to bound memory.
    A conditional model needs the ``labels`` ``[N]`` of x."""
    check_count(num_samples, "num_samples")
    x = torch.as_tensor(check_model_data(model, x), dtype=torch.float32)
    labels = check_labels(labels, getattr(model, "num_classes", 0), len(x))
    model.eval()
    device = model_device(model)
    generator = torch.Generator().manual_seed(seed)
    first = None if labels is None else labels[:1].to(device)
    latent_dim = model.encode(x[:1].to(device), first)[0].shape[-1]
    chunk = max(1, max_rows // num_samples)
    for start in range(0, len(x), chunk):
        xb = x[start:start + chunk].to(device)
        noise = torch.randn([num_samples, len(xb), latent_dim], generator=generator)
        yb = None if labels is None else labels[start:start + chunk].to(device)
        yield log_weights(model, xb, noise.to(device), yb)


@torch.no_grad()
def iwae_nll(model, x, num_samples: int, seed: int = 0, per_point: bool = False,
             max_rows: int = 2**18, labels=None):
    """Importance-weighted estimate of -log p(x), nats per data point.

    -log p(x) ~= -log (1/K sum_k w_k), w_k = p_theta(x, z_k) / q_phi(z_k|x),
    z_k ~ q_phi(z|x).  Its expectation is an upper bound on -log p(x) that tightens as
    K = ``num_samples`` grows; with K = 1 its expectation is the negative ELBO.
    x: ``[N, input]``; returns the mean over the N points (a float), or the ``[N]``
    values with ``per_point=True``.  Data are processed in chunks of at most
    ``max_rows`` = K * chunk rows to bound memory.  For a conditional model (notebook
    08) pass the ``labels`` y ``[N]``: it returns -log p_theta(x|y).
    """
    chunks = log_weight_chunks(model, x, num_samples, seed, max_rows, labels)
    values = [math.log(num_samples) - torch.logsumexp(log_w, dim=0) for log_w in chunks]
    nll = torch.cat(values).double().cpu().numpy()
    return nll if per_point else float(nll.mean())
