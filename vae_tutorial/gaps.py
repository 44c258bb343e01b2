"""Where the nats go: the distance from a VAE's -ELBO to the data's exact NLL, split
into three parts (Cremer, Li & Duvenaud 2018, "Inference Suboptimality in Variational
Autoencoders").

Taught in ``notebooks/10_beyond_gaussian``.

For a test point x with exact log-density log p(x), a model p_theta, its encoder
q_phi(z|x) and the best Gaussian q*(z|x) found for that x alone:

    -ELBO(q_phi) - (-log p(x))
      = [-ELBO(q_phi) - (-ELBO(q*))]           amortization gap  (one encoder for all x)
      + [-ELBO(q*) - (-log p_theta(x))]        approximation gap (q is Gaussian)
      + [-log p_theta(x) - (-log p(x))]        model gap         (p_theta is not p)

The sum telescopes, so the parts add up exactly.  -log p_theta(x) comes from quadrature
over the 2-D latent (``quadrature``); both -ELBOs are estimated with the same fixed
draws (common random numbers) and the KL in closed form, so their difference has little
noise.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from .analysis import encode_eval
from .objectives import gaussian_kl, gaussian_nll, sample_latents
from .quadrature import quadrature_nll
from .sampling import model_device


def negative_elbo_of_q(model, x: torch.Tensor, mu: torch.Tensor, log_var: torch.Tensor,
                       noise: torch.Tensor) -> torch.Tensor:
    """-ELBO(q) = E_q[-log p_theta(x|z)] + KL(q || N(0, I)) for a given Gaussian
    q(z|x) = N(mu, diag(exp(log_var))), per data point.

    x ``[batch, input]``; mu, log_var ``[batch, latent]``; noise ``[S, batch, latent]``:
    the expectation is the mean over the S draws z = mu + sigma * noise, the KL is
    exact.
    Returns ``[batch]``, differentiable with respect to mu and log_var.
    """
    z = sample_latents(mu, log_var, noise)
    recon = -model.log_likelihood(x, model.decode(z)).mean(0)
    return recon + gaussian_kl(mu, log_var).sum(-1)


def stl_negative_elbo(model, x: torch.Tensor, mu: torch.Tensor, log_var: torch.Tensor,
                      noise: torch.Tensor) -> torch.Tensor:
    """The same -ELBO(q) as ``negative_elbo_of_q``, estimated as the mean over the draws
    of log q(z|x) - log p_theta(x|z) - log p(z), with (mu, log_var) held fixed inside
    log q: "sticking the landing" (Roeder, Wu & Duvenaud 2017).  The value's expectation
    is unchanged and so is the gradient's, but the gradient's noise vanishes as q
    approaches the true posterior, so gradient ascent can settle there.  ``[batch]``."""
    z = sample_latents(mu, log_var, noise)
    log_q = -gaussian_nll(z, mu.detach(), log_var.detach()).sum(-1)
    log_prior = -gaussian_nll(z, torch.zeros_like(z), torch.zeros_like(z)).sum(-1)
    log_lik = model.log_likelihood(x, model.decode(z))
    return (log_q - log_lik - log_prior).mean(0)


@torch.no_grad()
def evaluate_negative_elbo(model, x, mu, log_var, num_samples: int = 1000,
                           seed: int = 0, max_rows: int = 2**18) -> np.ndarray:
    """``negative_elbo_of_q`` for every row of x ``[N, input]`` with ``num_samples``
    draws per point from a generator seeded with ``seed``: the same seed gives the same
    draws, so two q's compared with one seed share their noise.  Returns ``[N]``
    float64."""
    model.eval()
    device = model_device(model)
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    mu, log_var = torch.as_tensor(mu).float(), torch.as_tensor(log_var).float()
    generator = torch.Generator().manual_seed(seed)
    chunk = max(1, max_rows // num_samples)
    out = []
    for start in range(0, len(x), chunk):
        rows = slice(start, start + chunk)
        noise = torch.randn([num_samples, len(x[rows]), mu.shape[1]],
                            generator=generator)
        out.append(negative_elbo_of_q(model, x[rows].to(device), mu[rows].to(device),
                                      log_var[rows].to(device), noise.to(device)))
    return torch.cat(out).double().cpu().numpy()


def encoder_q(model, x) -> tuple[torch.Tensor, torch.Tensor]:
    """The encoder's q_phi(z|x) for x ``[N, input]``: (mu, log_var), each
    ``[N, latent]``, on the CPU."""
    return tuple(t.cpu() for t in encode_eval(model, x))


def optimise_q(model, x, num_steps: int = 300, num_samples: int = 16,
               lr: float = 0.1, seed: int = 0):
    """q*(z|x): for each row of x ``[N, input]`` its own Gaussian, found by gradient
    ascent on that point's ELBO, starting from the encoder's q_phi(z|x).

    All N points are optimised together (batched): the loss is the sum over points of
    their -ELBO (``stl_negative_elbo``) with ``num_samples`` fresh draws per point and
    step, so each point's (mu, log_var) only feels its own ELBO.  Adam, learning rate
    ``lr`` decayed to 0 by a cosine over ``num_steps`` steps; the model's weights stay
    fixed.
    Returns (mu ``[N, latent]``, log_var ``[N, latent]``, history ``[num_steps]``: the
    mean -ELBO estimate at each step).
    """
    model.eval()
    device = model_device(model)
    mu0, log_var0 = encoder_q(model, x)
    mu = mu0.clone().to(device).requires_grad_()
    log_var = log_var0.clone().to(device).requires_grad_()
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32).to(device)
    generator = torch.Generator().manual_seed(seed)
    optim = torch.optim.Adam([mu, log_var], lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda step: 0.5 * (1 + math.cos(math.pi * step / num_steps)))
    for p in model.parameters():
        p.requires_grad_(False)
    history = []
    try:
        for _ in range(num_steps):
            noise = torch.randn([num_samples, *mu.shape], generator=generator)
            loss = stl_negative_elbo(model, x, mu, log_var, noise.to(device))
            optim.zero_grad()
            loss.sum().backward()
            optim.step()
            schedule.step()
            history.append(loss.mean().item())
    finally:
        for p in model.parameters():
            p.requires_grad_(True)
    return mu.detach().cpu(), log_var.detach().cpu(), np.array(history)


class GapSplit(NamedTuple):
    """The decomposition of ``gap_split``, nats per data point (means over the test
    points): total = amortization + approximation + model."""

    neg_elbo: float  # -ELBO with the encoder's q_phi(z|x)
    neg_elbo_best: float  # -ELBO with the per-point optimised q*(z|x)
    model_nll: float  # the model's own -log p_theta(x), by quadrature
    data_nll: float  # the data's exact -log p(x)
    amortization: float  # neg_elbo - neg_elbo_best
    approximation: float  # neg_elbo_best - model_nll
    model: float  # model_nll - data_nll
    total: float  # neg_elbo - data_nll


def gap_split(model, x, data_log_prob, eval_samples: int = 1000, seed: int = 0,
              num_steps: int = 300, q_samples: int = 16, lr: float = 0.1) -> GapSplit:
    """Split -ELBO(q_phi) - (-log p(x)) on the test points x ``[N, input]`` into the
    amortization, approximation and model gaps.

    ``data_log_prob`` ``[N]``: the exact log p(x) of each point.  Both -ELBOs use the
    same ``eval_samples`` draws per point (seeded by ``seed``); q* comes from
    ``optimise_q`` (``num_steps`` steps of ``q_samples`` draws at learning rate ``lr``,
    seeded by ``seed + 1``); the model's NLL from ``quadrature_nll``.  All in float64,
    so the parts add up to the total to rounding error.
    """
    data_nll = -np.asarray(data_log_prob, dtype=np.float64)
    if data_nll.shape != (len(x),):
        raise ValueError(f"data_log_prob must have shape [N] = ({len(x)},), got "
                         f"{data_nll.shape}")
    enc = evaluate_negative_elbo(model, x, *encoder_q(model, x), eval_samples, seed)
    mu, log_var, _ = optimise_q(model, x, num_steps, q_samples, lr, seed + 1)
    best = evaluate_negative_elbo(model, x, mu, log_var, eval_samples, seed)
    model_nll = quadrature_nll(model, x, per_point=True)
    means = [float(v.mean()) for v in (enc, best, model_nll, data_nll)]
    return GapSplit(*means, means[0] - means[1], means[1] - means[2],
                    means[2] - means[3], means[0] - means[3])
