"""Rate, distortion and the KL weight beta: the beta-optimum of the linear-Gaussian VAE
in closed form, the linear VAE's exact objective (to check it by L-BFGS), and
the measurements a trained VAE is compared with.

Taught in ``notebooks/14_rate_distortion``.

For data x ~ N(b, Sigma) in d dimensions, Sigma = U diag(l) U^T with eigenvalues
l_1 >= ... >= l_d, and a VAE with a decoder p(x|z) = N(f(z), s2 I) of fixed variance s2,
    rate       R = E_x KL(q(z|x) || N(0, I)),
    distortion D = E_x E_q[-log p(x|z)] = d/2 log(2 pi s2) + E ||x - f(z)||^2 / (2 s2),
in nats per data point; the negative ELBO is D + R and the beta-VAE minimises
D + beta R.
With a linear decoder the optimum is known (Lucas, Tucker, Grosse & Norouzi 2019;
Alemi et al. 2018): beta R + D equals beta times the beta = 1 objective with s2 replaced
by t = beta s2, so eigen-direction i is active iff l_i > t, and then carries the rate
1/2 log(l_i / t) and the squared error t; an inactive direction carries no rate and its
whole variance l_i as error.  All NumPy results are float64.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from .analysis import latent_activity
from .data import check_gaussian
from .training import TrainingResult, run_model


def _eigen(cov) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``[d]`` (descending) and eigenvectors ``[d, d]`` (columns) of cov."""
    _, cov = check_gaussian(np.zeros(np.asarray(cov).shape[0]), cov)
    values, vectors = np.linalg.eigh(cov)
    return values[::-1], vectors[:, ::-1]


def _check_beta(beta) -> float:
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) \
            or not math.isfinite(beta) or beta <= 0:
        raise ValueError(f"beta must be a positive finite number, got {beta!r}")
    return float(beta)


def _check_variance(variance):
    if variance == "learned":
        return variance
    if isinstance(variance, bool) or not isinstance(variance, (int, float)) \
            or not math.isfinite(variance) or variance <= 0:
        raise ValueError("variance must be 'learned' or a positive finite number, "
                         f"got {variance!r}")
    return float(variance)


def _check_latent_dim(latent_dim, d: int) -> int:
    if latent_dim is None:
        return d
    if isinstance(latent_dim, bool) or not isinstance(latent_dim, int) \
            or latent_dim < 1:
        raise ValueError(f"latent_dim must be a positive integer, got {latent_dim!r}")
    return latent_dim


class BetaOptimum(NamedTuple):
    """The minimiser of D + beta R for the linear-Gaussian VAE, per eigen-direction of
    the data covariance (eigenvalues descending); a decoder p(x|z) = N(W z + b, s2 I)
    with W = U diag(loadings) and the encoder its exact posterior."""

    beta: float
    variance: float  # s2, the decoder's (fixed or optimal learned) variance
    eigenvalues: np.ndarray  # [d] l_i, descending
    eigenvectors: np.ndarray  # [d, d] U, columns
    active: np.ndarray  # [d] bool: l_i > beta s2 (and i among the first latent_dim)
    loadings: np.ndarray  # [d] sqrt(l_i - beta s2) if active, else 0
    posterior_var: np.ndarray  # [d] beta s2 / l_i if active, else 1 (the prior)
    rates: np.ndarray  # [d] 1/2 log(l_i / (beta s2)) if active, else 0; nats
    distortions: np.ndarray  # [d] 1/2 log(2 pi s2) + (beta s2 or l_i) / (2 s2); nats

    @property
    def rate(self) -> float:
        """R = sum of the per-direction rates (nats per data point)."""
        return float(self.rates.sum())

    @property
    def distortion(self) -> float:
        """D = E[-log p(x|z)], summed over directions (nats per data point)."""
        return float(self.distortions.sum())

    @property
    def objective(self) -> float:
        """The beta-VAE loss D + beta R at the optimum."""
        return self.distortion + self.beta * self.rate

    def sample_cov(self, noise: bool) -> np.ndarray:
        """Covariance ``[d, d]`` of the model's samples z ~ N(0, I), x = W z + b
        (+ noise of variance s2 with ``noise``): U diag(loadings^2 (+ s2)) U^T."""
        spread = self.loadings**2 + (self.variance if noise else 0.0)
        return (self.eigenvectors * spread) @ self.eigenvectors.T


def learned_variance(cov, beta: float, latent_dim: int | None = None) -> float:
    """The decoder variance s2 that minimises the beta-objective of the linear VAE when
    s2 is learned too (one s2 shared by every output).

    With a active directions (the a largest eigenvalues) the objective's derivative
    with respect to log s2 is a (1 - beta) / 2 + sum_{i > a} (1 - l_i / s2) / 2; it
    never decreases as s2 grows (so the objective is convex in log s2), and its zero is
        s2 = sum_{i > a} l_i / (d - beta a),
    for the a that is consistent (l_a > beta s2 >= l_{a+1}, or a = latent_dim).
    If every direction can be active (``latent_dim`` >= d, default d) the derivative at
    s2 -> 0 is d (1 - beta) / 2: for beta < 1 the objective falls without bound as
    s2 -> 0 (rate -> infinity), so there is no minimum -- a ``ValueError``.  For
    beta = 1 it is flat on 0 < s2 <= l_d (the ridge of exact fits, all with ELBO =
    log p(x)); this returns its largest point, s2 = l_d, where the last direction shuts.
    """
    beta = _check_beta(beta)
    values, _ = _eigen(cov)
    d = len(values)
    k = min(_check_latent_dim(latent_dim, d), d)
    if k == d and beta < 1:
        raise ValueError(
            f"no minimum for a learned decoder variance with beta = {beta} < 1 and "
            f"latent_dim >= d = {d}: the objective decreases without bound as s2 -> 0 "
            "(fix the variance, or use beta >= 1 or fewer latents)")
    for a in range(k + 1):
        if a == d or d - beta * a <= 0:
            continue
        s2 = values[a:].sum() / (d - beta * a)
        shut_ok = a == 0 or values[a - 1] > beta * s2
        open_ok = a == k or values[a] <= beta * s2 * (1 + 1e-12)
        if shut_ok and open_ok:
            return float(s2)
    raise AssertionError("no consistent active set; unreachable for a valid cov")


def beta_optimum(cov, beta: float, variance="learned",
                 latent_dim: int | None = None) -> BetaOptimum:
    """The beta-optimum of the linear-Gaussian VAE for the data covariance ``cov``
    ``[d, d]``.

    ``variance``: a fixed decoder variance s2 > 0, or ``"learned"`` for the s2 of
    ``learned_variance`` (which raises where the objective has no minimum).
    ``latent_dim`` (default d): at most this many directions can be active.
    Direction i is active iff l_i > beta s2; then it has rate 1/2 log(l_i / (beta s2)),
    squared error beta s2 and posterior variance beta s2 / l_i.
    """
    beta = _check_beta(beta)
    values, vectors = _eigen(cov)
    k = _check_latent_dim(latent_dim, len(values))
    variance = _check_variance(variance)
    if variance == "learned":
        variance = learned_variance(cov, beta, latent_dim)
    t = beta * variance
    active = (values > t) & (np.arange(len(values)) < k)
    error = np.where(active, t, values)  # E (u_i^T (x - W z - b))^2
    return BetaOptimum(
        beta=beta, variance=float(variance), eigenvalues=values, eigenvectors=vectors,
        active=active,
        loadings=np.sqrt(np.where(active, values - t, 0.0)),
        posterior_var=np.where(active, t / values, 1.0),
        rates=np.where(active, 0.5 * np.log(values / t), 0.0),
        distortions=0.5 * np.log(2 * np.pi * variance) + error / (2 * variance))


def collapse_beta(cov, variance: float) -> float:
    """The smallest beta at which every direction is inactive (posterior collapse of
    the linear VAE with fixed decoder variance s2): beta = l_1 / s2."""
    if _check_variance(variance) == "learned":
        raise ValueError("collapse_beta needs a fixed variance (a positive number)")
    return float(_eigen(cov)[0][0] / variance)


def rate_distortion_curve(cov, variance: float,
                          betas=None) -> tuple[np.ndarray, np.ndarray]:
    """The (rate, distortion) of the beta-optimum for each beta of ``betas`` (default
    1,000 log-spaced values that cover the whole curve, down to D - d/2 log(2 pi s2) =
    1e-4 l_d of error per direction): (rates ``[n]``, distortions ``[n]``), nats.

    This is the Gaussian rate-distortion function for squared error (reverse water
    filling at level beta s2), in nats of -log p(x|z) for a fixed s2; its slope is
    dD/dR = -beta."""
    values, _ = _eigen(cov)
    if betas is None:
        betas = np.geomspace(1e-4 * values[-1], values[0], 1000) / variance
    points = [beta_optimum(cov, float(b), variance) for b in np.asarray(betas)]
    return (np.array([p.rate for p in points]),
            np.array([p.distortion for p in points]))


def distance_to_curve(rates, distortions, cov, variance: float) -> np.ndarray:
    """Euclidean distance in the (rate, distortion) plane, nats, from each point
    ``[n]`` to the closed-form curve of ``rate_distortion_curve`` (a fine polyline)."""
    curve_r, curve_d = rate_distortion_curve(cov, variance)
    start = np.stack([curve_r[:-1], curve_d[:-1]], axis=1)  # [m, 2] segment starts
    step = np.stack([np.diff(curve_r), np.diff(curve_d)], axis=1)  # [m, 2]
    points = np.stack([np.ravel(rates), np.ravel(distortions)], axis=1)[:, None]
    along = ((points - start) * step).sum(-1) / (step**2).sum(-1).clip(1e-300)
    nearest = start + along.clip(0, 1)[..., None] * step  # [n, m, 2]
    return np.sqrt(((points - nearest) ** 2).sum(-1)).min(1)


class LinearFit(NamedTuple):
    """A linear VAE fitted by L-BFGS on its exact objective (``linear_beta_objective``):
    decoder x = W z + b + noise, encoder q(z|x) = N(G (x - b), diag(posterior_var));
    traces hold one entry per evaluation of the objective."""

    w: np.ndarray  # [d, k]
    gain: np.ndarray  # [k, d]
    posterior_var: np.ndarray  # [k]
    variance: float  # s2 at the end
    rate: float
    distortion: float
    objective: np.ndarray  # [evaluations] D + beta R
    variances: np.ndarray  # [evaluations] s2

def linear_beta_objective(cov: torch.Tensor, w: torch.Tensor, gain: torch.Tensor,
                          log_var_z: torch.Tensor, log_var_x: torch.Tensor,
                          beta: float) -> tuple[torch.Tensor, ...]:
    """The exact expected beta-objective of a linear VAE on x ~ N(b, Sigma), no
    Monte Carlo: decoder p(x|z) = N(W z + b, s2 I), encoder q(z|x) = N(G (x - b), V),
    V = diag(exp(log_var_z)), s2 = exp(log_var_x) (a scalar tensor).

    cov ``[d, d]``, w ``[d, k]``, gain ``[k, d]``, log_var_z ``[k]``.  With A = I - W G,
        D = d/2 log(2 pi s2) + [tr(A Sigma A^T) + tr(W V W^T)] / (2 s2),
        R = 1/2 [tr(G Sigma G^T) + tr V - k - log det V].
    Returns (D + beta R, D, R), nats per data point (the decoder's bias is at its
    optimum b, the data mean).
    """
    d, k = w.shape
    resid = torch.eye(d, dtype=w.dtype) - w @ gain
    squared_error = (torch.trace(resid @ cov @ resid.T)
                     + (w**2 * log_var_z.exp()).sum())
    distortion = 0.5 * d * (math.log(2 * math.pi) + log_var_x) \
        + squared_error / (2 * log_var_x.exp())
    rate = 0.5 * (torch.trace(gain @ cov @ gain.T)
                  + (log_var_z.exp() - 1 - log_var_z).sum())
    return distortion + beta * rate, distortion, rate


def fit_linear_vae(cov, beta: float, variance="learned", latent_dim: int | None = None,
                   max_iter: int = 300, seed: int = 0) -> LinearFit:
    """Minimise ``linear_beta_objective`` with L-BFGS (a quasi-Newton gradient method,
    float64, at most ``max_iter`` iterations) from a random start: an independent check
    of ``beta_optimum``.  ``variance``: a fixed s2 or ``"learned"`` (then log s2 is
    trained too, from s2 = 1).  ``latent_dim`` defaults to d."""
    beta = _check_beta(beta)
    _, cov = check_gaussian(np.zeros(np.asarray(cov).shape[0]), cov)
    cov_t = torch.as_tensor(cov, dtype=torch.float64)
    d = cov_t.shape[0]
    k = _check_latent_dim(latent_dim, d)
    gen = torch.Generator().manual_seed(seed)
    w = 0.5 * torch.randn(d, k, generator=gen, dtype=torch.float64)
    gain = 0.5 * torch.randn(k, d, generator=gen, dtype=torch.float64)
    w, gain = w.requires_grad_(), gain.requires_grad_()
    log_var_z = torch.zeros(k, dtype=torch.float64, requires_grad=True)
    learned = _check_variance(variance) == "learned"
    log_var_x = torch.tensor(0.0 if learned else math.log(variance),
                             dtype=torch.float64, requires_grad=learned)
    params = [w, gain, log_var_z] + ([log_var_x] if learned else [])
    optim = torch.optim.LBFGS(params, max_iter=max_iter, max_eval=2 * max_iter,
                              tolerance_grad=1e-10, tolerance_change=1e-14,
                              history_size=20, line_search_fn="strong_wolfe")
    objective, variances = [], []

    def closure():
        optim.zero_grad()
        total, _, _ = linear_beta_objective(cov_t, w, gain, log_var_z, log_var_x, beta)
        total.backward()
        objective.append(total.item())
        variances.append(log_var_x.exp().item())
        return total

    optim.step(closure)
    with torch.no_grad():
        _, distortion, rate = linear_beta_objective(cov_t, w, gain, log_var_z,
                                                    log_var_x, beta)
    return LinearFit(w.detach().numpy(), gain.detach().numpy(),
                     log_var_z.detach().exp().numpy(), log_var_x.exp().item(),
                     rate.item(), distortion.item(), np.array(objective),
                     np.array(variances))


class SweepPoint(NamedTuple):
    """One trained model of a beta sweep, measured on the test data."""

    beta: float
    rate: float  # test kl column: E KL(q(z|x) || N(0, I)), nats
    distortion: float  # test recon column: E_q[-log p(x|z)], nats
    result: TrainingResult


def beta_sweep(cfg, betas, train_data, test_data) -> list[SweepPoint]:
    """Train one model per beta of ``betas`` with ``cfg`` (its beta replaced) and read
    its rate and distortion off the last row of its test losses (total, recon, kl)."""
    points = []
    for beta in betas:
        result = run_model({**cfg, "beta": float(beta)}, train_data, test_data)
        _, recon, kl = result.test_losses[-1]
        points.append(SweepPoint(float(beta), float(kl), float(recon), result))
    return points


def active_units(model, x, threshold: float = 0.01) -> int:
    """How many latent dimensions the encoder uses on x ``[N, input]``: those with
    Var_x(E_q[z_j|x]) > ``threshold`` (Burda et al. 2015; ``latent_activity``)."""
    return int((latent_activity(model, x) > threshold).sum())
