"""Where the nats go: the distance from a VAE's -ELBO to the data's exact NLL, split
into its parts (Cremer, Li & Duvenaud 2018, "Inference Suboptimality in Variational
Autoencoders").

Taught in ``notebooks/13_gap_split``.

For a test point x with exact log-density log p(x), a model p_theta, its encoder
q_phi(z|x), the best diagonal Gaussian q*_diag(z|x) and the best Gaussian with a full
covariance q*_full(z|x) found for that x alone:

    -ELBO(q_phi) - (-log p(x))
      = [-ELBO(q_phi) - (-ELBO(q*_diag))]      amortization (one encoder for all x)
      + [-ELBO(q*_diag) - (-ELBO(q*_full))]    diagonal (the ellipse cannot tilt)
      + [-ELBO(q*_full) - (-log p_theta(x))]   non-Gaussian (q is Gaussian at all)
      + [-log p_theta(x) - (-log p(x))]        model (p_theta is not p)

The two middle parts together are Cremer et al.'s approximation gap.  Every q is a
Gaussian N(mu, L L^T) with L lower triangular and a positive diagonal; a diagonal one
has L = diag(sigma).  q* is a local optimum, so each is started from more than one point
(the encoder's q_phi and the moments of the true posterior on the grid) and the best is
kept.
-log p_theta(x) comes from quadrature over the 2-D latent (``quadrature``); all -ELBOs
are estimated with the same fixed draws (common random numbers) and the KL in closed
form, so their differences have little noise.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from .analysis import encode_eval
from .quadrature import grid_moments
from .sampling import check_model_data, model_device

COVARIANCES = ("diagonal", "full")


def negative_elbo_of_q(model, x: torch.Tensor, mu: torch.Tensor,
                       scale_tril: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """-ELBO(q) = E_q[-log p_theta(x|z)] + KL(q || N(0, I)) for a given Gaussian
    q(z|x) = N(mu, L L^T), per data point.

    x ``[batch, input]``; mu ``[batch, latent]``; scale_tril L ``[batch, latent,
    latent]``; noise ``[S, batch, latent]``: the expectation is the mean over the S
    draws z = mu + L noise, the KL is exact,
    KL = 1/2 (||L||^2 + ||mu||^2 - k) - sum_i log L_ii.
    Returns ``[batch]``, differentiable with respect to mu and L.
    """
    z = mu + torch.einsum("bij,sbj->sbi", scale_tril, noise)
    recon = -model.log_likelihood(x, model.decode(z)).mean(0)
    log_diag = torch.diagonal(scale_tril, dim1=-2, dim2=-1).log()
    kl = 0.5 * ((scale_tril**2).sum((-2, -1)) + (mu**2).sum(-1) - mu.shape[-1]) \
        - log_diag.sum(-1)
    return recon + kl


def stl_negative_elbo(model, x: torch.Tensor, mu: torch.Tensor,
                      scale_tril: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """The same -ELBO(q) as ``negative_elbo_of_q``, estimated as the mean over the draws
    of log q(z|x) - log p_theta(x|z) - log p(z), with (mu, L) held fixed inside log q:
    "sticking the landing" (Roeder, Wu & Duvenaud 2017).  The value's expectation is
    unchanged and so is the gradient's.  The gradient's noise shrinks as q nears the
    true posterior, and is zero only if q can reach it (a Gaussian q and a non-Gaussian
    posterior leave some).  ``[batch]``."""
    z = mu + torch.einsum("bij,sbj->sbi", scale_tril, noise)
    inverse = torch.linalg.inv(scale_tril.detach())
    white = torch.einsum("bij,sbj->sbi", inverse, z - mu.detach())
    log_norm = 0.5 * mu.shape[-1] * math.log(2 * math.pi)
    log_q = -0.5 * (white**2).sum(-1) - log_norm \
        - torch.diagonal(scale_tril.detach(), dim1=-2, dim2=-1).log().sum(-1)
    log_prior = -0.5 * (z**2).sum(-1) - log_norm
    log_lik = model.log_likelihood(x, model.decode(z))
    return (log_q - log_lik - log_prior).mean(0)


@torch.no_grad()
def evaluate_negative_elbo(model, x, mu, scale_tril, num_samples: int = 1000,
                           seed: int = 0, max_rows: int = 2**18) -> np.ndarray:
    """``negative_elbo_of_q`` for every row of x ``[N, input]`` with ``num_samples``
    draws per point from a generator seeded with ``seed``: the same seed gives the same
    draws, so two q's compared with one seed share their noise.  Returns ``[N]``
    float64."""
    model.eval()
    device = model_device(model)
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    mu = torch.as_tensor(mu).float()
    scale_tril = torch.as_tensor(scale_tril).float()
    generator = torch.Generator().manual_seed(seed)
    chunk = max(1, max_rows // num_samples)
    out = []
    for start in range(0, len(x), chunk):
        rows = slice(start, start + chunk)
        noise = torch.randn([num_samples, len(x[rows]), mu.shape[1]],
                            generator=generator)
        out.append(negative_elbo_of_q(model, x[rows].to(device), mu[rows].to(device),
                                      scale_tril[rows].to(device), noise.to(device)))
    return torch.cat(out).double().cpu().numpy()


def encoder_q(model, x) -> tuple[torch.Tensor, torch.Tensor]:
    """The encoder's q_phi(z|x) for x ``[N, input]``: (mu ``[N, latent]``, covariance
    ``[N, latent, latent]``, diagonal), on the CPU."""
    mu, log_var = (t.detach().cpu() for t in encode_eval(model, x))
    return mu, torch.diag_embed(log_var.exp())


def optimise_q(model, x, start=None, covariance: str = "diagonal",
               num_steps: int = 300, num_samples: int = 16, lr: float = 0.1,
               seed: int = 0):
    """q*(z|x): for each row of x ``[N, input]`` its own Gaussian, found by gradient
    ascent on that point's ELBO.

    ``covariance``: ``"diagonal"`` (L = diag(sigma), what the encoder outputs) or
    ``"full"`` (any lower-triangular L).  ``start``: (mu ``[N, latent]``, cov ``[N,
    latent, latent]``), default the encoder's q_phi(z|x); a diagonal q starts from the
    diagonal of cov.  All N points are optimised together (batched): the loss is the sum
    over points of their -ELBO (``stl_negative_elbo``) with ``num_samples`` fresh draws
    per point and step, so each point's parameters feel only their own ELBO.  Adam on
    (mu, log diag L, the entries below the diagonal), learning rate ``lr`` decayed to 0
    by a cosine over ``num_steps`` steps; the model's weights stay fixed.
    Returns (mu ``[N, latent]``, L ``[N, latent, latent]``, history ``[num_steps]``: the
    mean -ELBO estimate at each step).
    """
    x = check_model_data(model, x)
    if covariance not in COVARIANCES:
        raise ValueError(f"covariance must be one of {COVARIANCES}, got {covariance!r}")
    model.eval()
    device = model_device(model)
    mu0, cov0 = encoder_q(model, x) if start is None else start
    mu0 = torch.as_tensor(np.asarray(mu0), dtype=torch.float32)
    cov0 = torch.as_tensor(np.asarray(cov0), dtype=torch.float32)
    k = mu0.shape[1]
    if covariance == "full":
        chol = torch.linalg.cholesky(cov0 + 1e-6 * torch.eye(k))
    else:
        chol = torch.diag_embed(torch.diagonal(cov0, dim1=-2, dim2=-1).sqrt())
    rows, cols = torch.tril_indices(k, k, -1)
    mu = mu0.clone().to(device).requires_grad_()
    log_diag = torch.diagonal(chol, dim1=-2, dim2=-1).log().to(device).requires_grad_()
    below = chol[:, rows, cols].to(device).requires_grad_()
    params = [mu, log_diag] + ([below] if covariance == "full" else [])

    def tril():
        lower = torch.zeros(len(mu), k, k, device=device)
        lower[:, rows, cols] = below
        return lower + torch.diag_embed(log_diag.exp())

    x = torch.as_tensor(np.asarray(x), dtype=torch.float32).to(device)
    generator = torch.Generator().manual_seed(seed)
    optim = torch.optim.Adam(params, lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda step: 0.5 * (1 + math.cos(math.pi * step / num_steps)))
    for p in model.parameters():
        p.requires_grad_(False)
    history = []
    try:
        for _ in range(num_steps):
            noise = torch.randn([num_samples, *mu.shape], generator=generator)
            loss = stl_negative_elbo(model, x, mu, tril(), noise.to(device))
            optim.zero_grad()
            loss.sum().backward()
            optim.step()
            schedule.step()
            history.append(loss.mean().item())
    finally:
        for p in model.parameters():
            p.requires_grad_(True)
    return mu.detach().cpu(), tril().detach().cpu(), np.array(history)


class GapSplit(NamedTuple):
    """The decomposition of ``gap_split``, nats per data point (means over the test
    points): total = amortization + diagonal + non_gaussian + model, and
    approximation = diagonal + non_gaussian."""

    neg_elbo: float  # -ELBO with the encoder's q_phi(z|x)
    neg_elbo_diag: float  # -ELBO with the best diagonal q*, best of the starts
    neg_elbo_full: float  # -ELBO with the best full-covariance q*, best of the starts
    neg_elbo_diag_encoder: float  # diagonal q* started from the encoder alone
    model_nll: float  # the model's own -log p_theta(x), by quadrature
    data_nll: float  # the data's exact -log p(x)
    amortization: float  # neg_elbo - neg_elbo_diag
    approximation: float  # neg_elbo_diag - model_nll
    diagonal: float  # neg_elbo_diag - neg_elbo_full
    non_gaussian: float  # neg_elbo_full - model_nll = mean KL(q*_full || p(z|x))
    model: float  # model_nll - data_nll
    total: float  # neg_elbo - data_nll
    multistart_gain: float  # neg_elbo_diag_encoder - neg_elbo_diag (what starts buy)


def gap_split(model, x, data_log_prob, eval_samples: int = 1000, seed: int = 0,
              num_steps: int = 300, q_samples: int = 16, lr: float = 0.1) -> GapSplit:
    """Split -ELBO(q_phi) - (-log p(x)) on the test points x ``[N, input]`` into the
    amortization, diagonal, non-Gaussian and model gaps (needs a 2-D latent).

    ``data_log_prob`` ``[N]``: the exact log p(x) of each point.  q* of each covariance
    family comes from ``optimise_q`` (``num_steps`` steps of ``q_samples`` draws at
    learning rate ``lr``, seeded by ``seed + 1``), started twice: from the encoder's
    q_phi and from the mean and covariance of the true posterior on the grid
    (``grid_moments``); for each point the start with the lower -ELBO is kept.  Every
    -ELBO uses the same ``eval_samples`` draws per point (seeded by ``seed``); the
    model's NLL comes from the same grid.  float64.
    """
    x = check_model_data(model, x)
    data_nll = -np.asarray(data_log_prob, dtype=np.float64)
    if data_nll.shape != (len(x),) or not np.all(np.isfinite(data_nll)):
        raise ValueError(f"data_log_prob must be finite with shape [N] = ({len(x)},), "
                         f"got shape {data_nll.shape}")
    grid = grid_moments(model, x)
    starts = {"encoder": encoder_q(model, x), "posterior": (grid.mean, grid.cov)}

    def score(mu, scale_tril):
        return evaluate_negative_elbo(model, x, mu, scale_tril, eval_samples, seed)

    enc_mu, enc_cov = starts["encoder"]
    enc = score(enc_mu, enc_cov.sqrt())  # diagonal: L = sqrt of the covariance
    best, from_encoder = {}, None
    for covariance in COVARIANCES:
        values = []
        for name, start in starts.items():
            mu, tril, _ = optimise_q(model, x, start, covariance, num_steps,
                                     q_samples, lr, seed + 1)
            values.append(score(mu, tril))
            if covariance == "diagonal" and name == "encoder":
                from_encoder = values[-1]
        best[covariance] = np.min(values, axis=0)
    model_nll = -grid.log_marginal
    enc, diag, full, diag_enc, model_nll = (float(v.mean()) for v in (
        enc, best["diagonal"], best["full"], from_encoder, model_nll))
    data = float(data_nll.mean())
    return GapSplit(enc, diag, full, diag_enc, model_nll, data,
                    amortization=enc - diag, approximation=diag - model_nll,
                    diagonal=diag - full, non_gaussian=full - model_nll,
                    model=model_nll - data, total=enc - data,
                    multistart_gain=diag_enc - diag)
