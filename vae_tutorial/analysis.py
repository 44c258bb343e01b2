"""Measuring a VAE against what is known exactly: the linear-Gaussian (probabilistic
PCA / factor-analysis) exact fits of a 2-D Gaussian (a ridge of them, all with the same
likelihood), their true posterior p_theta(z|x), the ELBO of a linear model in closed
form, KL per latent dimension (active units), the "decoder ignores z" baseline, a
low-noise estimate of the -ELBO, Wyner's common information (the least rate of an exact
fit), and the Monte-Carlo pieces of the derivations (the IWAE gap over K, the noise of
three gradient estimators).

Taught in ``notebooks/09_evaluation`` and ``notebooks/10_derivations``.

The linear-Gaussian model with a k-dimensional latent is
    p(z) = N(0, I_k),   p(x|z) = N(W z + b, Psi),   Psi = diag(psi),  W ``[D, k]``,
so p(x) = N(b, W W^T + Psi) and the posterior is Gaussian (Bishop, PRML 12.2):
    p(z|x) = N(S W^T Psi^-1 (x - b), S),   S = (I_k + W^T Psi^-1 W)^-1.
All numbers are nats; NumPy functions work in float64.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from .data import check_data, check_gaussian, true_log_prob
from .evaluation import log_weight_chunks
from .model import VAE
from .objectives import gaussian_kl, gaussian_nll, sample_latents
from .sampling import check_model_data, model_device


class LinearOptimum(NamedTuple):
    """A one-latent linear-Gaussian model p(x|z) = N(w z + b, diag(psi)), and what
    follows from it."""

    w: np.ndarray  # [D] loadings (the column of W); its sign is arbitrary
    psi: np.ndarray  # [D] noise variances of p(x|z)
    posterior_var: float  # S = 1 / (1 + w^T Psi^-1 w), the same for every x
    rate: float  # E_x KL(p(z|x) || N(0, 1)) = -1/2 log S = I(x; z), nats


def linear_optimum(cov, noise: str = "isotropic",
                   w1: float | None = None) -> LinearOptimum:
    """The maximum-likelihood one-latent linear-Gaussian model of N(b, ``cov``),
    ``cov`` ``[2, 2]``.

    ``noise="isotropic"`` (probabilistic PCA, Tipping & Bishop 1999): with eigenvalues
    l1 >= l2 and top eigenvector u1 of Sigma, W = u1 sqrt(l1 - s2) and s2 = l2 (for
    D = 2 the mean of the discarded eigenvalues is l2), so W W^T + s2 I = Sigma exactly.

    ``noise="diagonal"`` (factor analysis): any w with w1 w2 = Sigma_12, w1^2 < Sigma_11
    and w2^2 < Sigma_22 fits exactly, with psi_i = Sigma_ii - w_i^2 -- a one-parameter
    family (3 equations, 4 unknowns), all with the same likelihood but different rates.
    ``w1`` picks a member; by default the balanced one, w_i = sqrt(|rho|) sigma_i (each
    coordinate keeps the same noise fraction 1 - |rho|).  It is the member with the
    smallest rate, 1/2 log((1 + |rho|) / (1 - |rho|)), and for equal variances it is the
    PPCA solution.  (With two latents there are still more exact fits: see
    ``isotropic_exact_fit``.)

    Returns ``LinearOptimum(w [2], psi [2], posterior_var, rate)``; w has w1 >= 0.
    For the source Sigma = [[1, .5], [.5, 1]]: w = [0.707, 0.707], psi = [0.5, 0.5],
    posterior_var = 1/3, rate = 1/2 ln 3 = 0.549 nats.
    """
    _, cov = check_gaussian(np.zeros(2), cov)
    if noise == "isotropic":
        eigval, eigvec = np.linalg.eigh(cov)  # ascending
        s2 = eigval[0]
        w = eigvec[:, 1] * math.sqrt(eigval[1] - s2)
        psi = np.full(2, s2)
    elif noise == "diagonal":
        sd = np.sqrt(np.diag(cov))
        c12 = cov[0, 1]
        if w1 is None:
            rho = c12 / (sd[0] * sd[1])
            w = np.array([1.0, np.sign(rho) or 1.0]) * math.sqrt(abs(rho)) * sd
        else:
            lo, hi = abs(c12) / sd[1], sd[0]
            if not lo < abs(w1) < hi:
                raise ValueError(f"w1 must satisfy {lo:.4g} < |w1| < {hi:.4g} for this "
                                 f"cov, got {w1!r}")
            w = np.array([abs(w1), c12 / abs(w1)])
        psi = np.diag(cov) - w**2
    else:
        raise ValueError(f"noise must be 'isotropic' or 'diagonal', got {noise!r}")
    if w[0] < 0 or (w[0] == 0 and w[1] < 0):
        w = -w
    posterior_var = 1.0 / (1.0 + float(np.sum(w**2 / psi)))
    return LinearOptimum(w, psi, posterior_var, -0.5 * math.log(posterior_var))


class ExactFit(NamedTuple):
    """A k-latent linear-Gaussian model p(x|z) = N(W z + b, diag(psi)) that fits its
    data covariance exactly, W W^T + diag(psi) = Sigma."""

    w: np.ndarray  # [D, k] loadings
    psi: np.ndarray  # [D] noise variances of p(x|z)
    posterior_var: np.ndarray  # [k], the diagonal of S = (I + W^T Psi^-1 W)^-1
    rate: float  # I(x; z) = 1/2 (log det Sigma - sum_i log psi_i), nats


def isotropic_exact_fit(cov, noise_var: float) -> ExactFit:
    """One point of the ridge of exact fits of N(b, ``cov``) with as many latents as
    data dimensions: W = U diag(sqrt(l - s)), Psi = s I for any noise variance
    0 < s = ``noise_var`` <= l_min, where cov = U diag(l) U^T (eigenvalues descending).

    Then W W^T + s I = cov for every such s, so every point has the same marginal p(x)
    and, with the exact posterior as encoder, the same ELBO = log p(x).  The posterior
    covariance S = diag(s / l) is diagonal (so a VAE's encoder can represent it) and the
    rate is I(x; z) = 1/2 log(det cov / s^D): it grows without bound as s -> 0.  At
    s = l_min the last latent is unused and the point is the PPCA optimum of
    ``linear_optimum`` (rate 1/2 ln 3 for the source Sigma).
    """
    _, cov = check_gaussian(np.zeros(np.asarray(cov).shape[0]), cov)
    eigval, eigvec = np.linalg.eigh(cov)
    eigval, eigvec = eigval[::-1], eigvec[:, ::-1]  # descending
    if not 0 < noise_var <= eigval[-1]:
        raise ValueError(f"noise_var must be in (0, {eigval[-1]:.4g}] (the smallest "
                         f"eigenvalue of cov), got {noise_var!r}")
    w = eigvec * np.sqrt(eigval - noise_var)
    psi = np.full(len(eigval), float(noise_var))
    rate = 0.5 * (np.linalg.slogdet(cov)[1] - np.log(psi).sum())
    return ExactFit(w, psi, noise_var / eigval, float(rate))


def _check_linear(w, psi, b):
    w = np.asarray(w, dtype=np.float64)
    w = w[:, None] if w.ndim == 1 else w
    psi = np.asarray(psi, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = w.shape[0]
    if w.ndim != 2 or psi.shape != (d,) or b.shape != (d,):
        raise ValueError(f"need w [D, k] (or [D]), psi [D], b [D]; got {w.shape}, "
                         f"{psi.shape}, {b.shape}")
    if not np.all(psi > 0):
        raise ValueError("psi (noise variances) must be positive")
    return w, psi, b


def _posterior_gain(w, psi) -> tuple[np.ndarray, np.ndarray]:
    """S = (I + W^T Psi^-1 W)^-1 ``[k, k]`` and the gain G = S W^T Psi^-1 ``[k, D]``."""
    cov = np.linalg.inv(np.eye(w.shape[1]) + w.T @ (w / psi[:, None]))
    return cov @ (w / psi[:, None]).T, cov


def linear_posterior(x, w, psi, b) -> tuple[np.ndarray, np.ndarray]:
    """The exact posterior p(z|x) = N(m, S) of the linear-Gaussian model.

    x ``[N, D]``; w ``[D, k]`` (or ``[D]`` for k = 1); psi ``[D]``; b ``[D]``.
    S = (I + W^T Psi^-1 W)^-1 ``[k, k]`` (the same for every x) and
    m = S W^T Psi^-1 (x - b) ``[N, k]``.  Returns (m, S).
    """
    w, psi, b = _check_linear(w, psi, b)
    x = check_data(x, w.shape[0], "x").astype(np.float64)
    gain, cov = _posterior_gain(w, psi)
    return (x - b) @ gain.T, cov


def linear_log_marginal(x, w, psi, b) -> np.ndarray:
    """log p(x) = log N(x | b, W W^T + Psi) per row: ``[N]``."""
    w, psi, b = _check_linear(w, psi, b)
    return true_log_prob(x, b, w @ w.T + np.diag(psi))


def linear_elbo(x, w, psi, b, q_mean, q_var) -> np.ndarray:
    """The ELBO of the linear-Gaussian model for q(z|x) = N(q_mean, diag(q_var)), in
    closed form.

    x ``[N, D]``, q_mean ``[N, k]``, q_var ``[N, k]`` or ``[k]``.  Per row:
    ELBO = E_q[log p(x|z)] - KL(q || N(0, I)), with
    E_q[log p(x|z)] = -1/2 sum_i [log 2 pi psi_i
                                  + ((x - W m - b)_i^2 + (W V W^T)_ii) / psi_i].
    Returns ``[N]``.
    """
    w, psi, b = _check_linear(w, psi, b)
    x = check_data(x, w.shape[0], "x").astype(np.float64)
    m = np.asarray(q_mean, dtype=np.float64).reshape(len(x), w.shape[1])
    v = np.broadcast_to(np.asarray(q_var, dtype=np.float64), m.shape)
    resid = x - m @ w.T - b
    spread = v @ (w**2).T  # [N, D]: diag(W diag(v) W^T) per row
    expected_log_lik = -0.5 * (np.log(2 * np.pi * psi)
                               + (resid**2 + spread) / psi).sum(1)
    kl = 0.5 * (m**2 + v - 1.0 - np.log(v)).sum(1)
    return expected_log_lik - kl


def gaussian_kl_full(mean0, cov0, mean1, cov1) -> np.ndarray:
    """KL(N(mean0, cov0) || N(mean1, cov1)) per row, full covariances, in nats.

    mean0, mean1 ``[N, k]``; cov0, cov1 ``[k, k]`` or ``[N, k, k]``.  Returns ``[N]``:
    1/2 [tr(C1^-1 C0) + (m1 - m0)^T C1^-1 (m1 - m0) - k + log det C1 - log det C0].
    """
    mean0 = np.atleast_2d(mean0).astype(float)
    mean1 = np.atleast_2d(mean1).astype(float)
    k = mean0.shape[-1]
    cov0 = np.broadcast_to(np.asarray(cov0, dtype=float), (len(mean0), k, k))
    cov1 = np.broadcast_to(np.asarray(cov1, dtype=float), (len(mean0), k, k))
    inv1 = np.linalg.inv(cov1)
    diff = (mean1 - mean0)[..., None]
    trace = np.einsum("nij,nji->n", inv1, cov0)
    maha = (diff.transpose(0, 2, 1) @ inv1 @ diff)[:, 0, 0]
    logdet = np.linalg.slogdet(cov1)[1] - np.linalg.slogdet(cov0)[1]
    return 0.5 * (trace + maha - k + logdet)


@torch.no_grad()
def encode_eval(model: VAE, x) -> tuple[torch.Tensor, torch.Tensor]:
    """(mu_z, log_var_z), each ``[N, latent]``, of the data x ``[N, input]``, in eval
    mode."""
    x = torch.as_tensor(check_model_data(model, x), dtype=torch.float32)
    model.eval()
    return model.encode(x.to(model_device(model)))


def ignore_z_ceiling(cov) -> float:
    """Best expected NLL of a decoder that ignores z: p(x|z) = N(m, diag(s^2)) for every
    z fits each coordinate on its own, so the best it can do is the sum of the 1-D
    marginal entropies, sum_i 1/2 log(2 pi e Sigma_ii) nats (2.838 for the source
    Sigma).  Always >= the joint entropy; equal only when Sigma is diagonal.  A model
    must use z to get below it (an untrained one can be far above it)."""
    _, cov = check_gaussian(np.zeros(np.asarray(cov).shape[0]), cov)
    return float(0.5 * np.log(2 * np.pi * np.e * np.diag(cov)).sum())


# The same number under the name notebook 05 uses: a baseline (a model must use z to get
# below it), not a ceiling (an untrained model is above it).
ignore_z_baseline = ignore_z_ceiling


def kl_per_dimension(model: VAE, x) -> np.ndarray:
    """Average KL(q(z_j|x) || N(0, 1)) over the data for each latent dimension j:
    ``[latent]``.

    x ``[N, input]``.  A dimension whose KL is ~0 is ignored by the encoder (q(z_j|x) =
    prior for every x, so it carries no information about x); the sum over j is the
    model's rate E_x KL(q || p).
    """
    mu, log_var = encode_eval(model, x)
    return gaussian_kl(mu, log_var).mean(0).double().cpu().numpy()


def latent_activity(model: VAE, x) -> np.ndarray:
    """Active-units statistic of Burda et al. (2015): Var_x(E_q[z_j|x]) per latent
    dimension, ``[latent]``; a unit counts as active when it exceeds 0.01."""
    mu, _ = encode_eval(model, x)
    return mu.double().var(0, unbiased=False).cpu().numpy()


@torch.no_grad()
def negative_elbo(model: VAE, x, num_samples: int = 100, seed: int = 0,
                  per_point: bool = False, max_rows: int = 2**18, labels=None):
    """-ELBO(x) = -E_q[log w], w = p(x|z) p(z) / q(z|x), averaged over ``num_samples``
    draws of z per point: the same quantity as the total test loss (the KL part is
    estimated here by Monte Carlo instead of in closed form), with ~1/sqrt(num_samples)
    of its noise.

    x ``[N, input]``.  Returns the mean over points (float) or ``[N]`` with
    ``per_point``.  A conditional model needs the ``labels`` ``[N]`` of x.
    """
    chunks = log_weight_chunks(model, x, num_samples, seed, max_rows, labels)
    values = [-log_w.double().mean(0) for log_w in chunks]
    out = torch.cat(values).cpu().numpy()
    return out if per_point else float(out.mean())


def encoder_posterior(model: VAE, x) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's q(z|x) = N(mu_z, diag(exp(log_var_z))) for x ``[N, input]``:
    returns (mu_z, var_z), each ``[N, latent]``, float64."""
    mu, log_var = encode_eval(model, x)
    return mu.double().cpu().numpy(), log_var.double().exp().cpu().numpy()


class AffineGaussian(nn.Module):
    """Maps inputs ``[..., n]`` to ``[..., 2m]`` = [A inputs + a; log_var]: the layout
    of ``GaussianMLP``'s output, so it can stand in for an encoder or a decoder of
    ``VAE``."""

    def __init__(self, weight, bias, log_var):
        super().__init__()
        for name, value in (("weight", weight), ("bias", bias), ("log_var", log_var)):
            self.register_buffer(name, torch.as_tensor(np.asarray(value),
                                                       dtype=torch.float32))
        # A parameter that gives the model a device (model_device reads it).
        self.scale = nn.Parameter(torch.ones(()), requires_grad=False)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        mean = inputs @ self.weight.T + self.bias
        return torch.cat([mean, self.log_var.expand(mean.shape)], dim=-1)


def linear_vae(w, psi, b, mean_scale: float = 1.0, var_scale: float = 1.0) -> VAE:
    """A ``VAE`` whose decoder is the linear-Gaussian p(x|z) = N(W z + b, diag(psi)) and
    whose encoder is its exact posterior p(z|x) -- with the mean map times
    ``mean_scale`` and the variance times ``var_scale`` (1, 1 = exact; anything else a
    deliberately imperfect q).  Needs a diagonal posterior S (always so for k = 1).
    w ``[D, k]`` or ``[D]``."""
    w, psi, b = _check_linear(w, psi, b)
    gain, cov = _posterior_gain(w, psi)
    if not np.allclose(cov, np.diag(np.diag(cov)), atol=1e-10):
        raise ValueError("the posterior covariance is not diagonal; "
                         "rotate W so W^T Psi^-1 W is")
    encoder = AffineGaussian(mean_scale * gain, -mean_scale * gain @ b,
                             np.log(var_scale * np.diag(cov)))
    decoder = AffineGaussian(w, b, np.log(psi))
    return VAE(encoder, decoder)


def mc_gaussian_kl(mu: torch.Tensor, log_var: torch.Tensor,
                   noise: torch.Tensor) -> torch.Tensor:
    """Monte-Carlo estimate of KL(N(mu, diag(sigma^2)) || N(0, I)) per data point:
    mean over draws of log q(z) - log p(z), z = mu + sigma * noise.

    mu, log_var ``[batch, latent]``; noise ``[num_mc, batch, latent]``.  Returns
    ``[batch]``; its expectation is the closed form
    ``gaussian_kl(mu, log_var).sum(-1)``.
    """
    z = sample_latents(mu, log_var, noise)
    log_q = -gaussian_nll(z, mu, log_var).sum(-1)
    log_p = -gaussian_nll(z, torch.zeros_like(z), torch.zeros_like(z)).sum(-1)
    return (log_q - log_p).mean(0)


def kl_gradient_samples(mu, log_var, num_mc: int, num_repeats: int, seed: int = 0):
    """Gradients of the KL term with respect to (mu, log_var) of one
    q = N(mu, diag(sigma^2)).

    mu, log_var: ``[latent]``.  Returns (closed ``[2 * latent]``, mc ``[num_repeats,
    2 * latent]``): the exact gradient of the closed form, and ``num_repeats``
    independent gradients of the ``num_mc``-sample Monte-Carlo estimate (unbiased; their
    variance falls as 1/num_mc, while the closed form's is zero).
    """
    mu = torch.as_tensor(mu, dtype=torch.float64).reshape(1, -1)
    log_var = torch.as_tensor(log_var, dtype=torch.float64).reshape(1, -1)
    closed_mu, closed_lv = mu.clone().requires_grad_(), log_var.clone().requires_grad_()
    closed = torch.autograd.grad(gaussian_kl(closed_mu, closed_lv).sum(),
                                 (closed_mu, closed_lv))
    # One independent copy of (mu, log_var) per repeat, so one backward pass gives every
    # repeat's gradient: row r of the result only depends on the noise of repeat r.
    mu_r = mu.expand(num_repeats, -1).clone().requires_grad_()
    log_var_r = log_var.expand(num_repeats, -1).clone().requires_grad_()
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn([num_mc, num_repeats, mu.shape[1]], generator=generator,
                        dtype=torch.float64)
    grads = torch.autograd.grad(mc_gaussian_kl(mu_r, log_var_r, noise).sum(),
                                (mu_r, log_var_r))
    return (torch.cat([t.reshape(-1) for t in closed]).numpy(),
            torch.cat(grads, dim=1).numpy())


def elbo_gradient_noise(model: VAE, x, num_mc: int, num_repeats: int = 20,
                        seed: int = 0):
    """How noisy is the training gradient, and what does it cost, for a given
    ``num_mc``?

    For a fixed batch x ``[batch, input]``, computes the gradient of the -ELBO loss with
    respect to all parameters for ``num_repeats`` independent noise draws
    ``[num_mc, batch, latent]``.  Returns (total variance = sum over parameters of the
    per-parameter variance across draws, seconds per gradient = the fastest of the
    repeated forward + backward passes, which is the least disturbed by other work on
    the machine).
    """
    device = model_device(model)
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32).to(device)
    latent_dim = model.encode(x[:1])[0].shape[-1]
    generator = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    model.train()
    grads, times = [], []
    for _ in range(num_repeats):
        noise = torch.randn([num_mc, len(x), latent_dim], generator=generator)
        noise = noise.to(device)
        start = time.perf_counter()
        g = torch.autograd.grad(model.loss(x, noise).total, params)
        times.append(time.perf_counter() - start)
        grads.append(torch.cat([t.reshape(-1) for t in g]).double())
    grads = torch.stack(grads)
    return float(grads.var(0, unbiased=True).sum()), float(min(times))


def wyner_common_information(cov) -> float:
    """Wyner's common information of a 2-D Gaussian N(b, ``cov``), in nats:
    1/2 log((1 + |rho|) / (1 - |rho|)), rho the correlation (Wyner 1975; the Gaussian
    case: Xu, Liu & Chen 2013).

    It is the least I(x; z) of any z that makes x_1 and x_2 independent given z, so the
    least rate of any model that fits the data exactly with a factorised decoder
    p(x|z) = p(x_1|z) p(x_2|z) (linear or not): 1/2 ln 3 = 0.549 for the source Sigma.
    """
    _, cov = check_gaussian(np.zeros(2), cov)
    rho = abs(cov[0, 1]) / math.sqrt(cov[0, 0] * cov[1, 1])
    return 0.5 * math.log((1 + rho) / (1 - rho))


def _check_scales(mean_scale, var_scale):
    if not (np.isfinite(mean_scale) and np.isfinite(var_scale)) or var_scale <= 0:
        raise ValueError("mean_scale must be finite and var_scale positive, got "
                         f"{mean_scale!r}, {var_scale!r}")


def linear_weight_variance(post_mean, post_var: float, mean_scale: float,
                           var_scale: float) -> np.ndarray:
    """Var_q(w) / p(x)^2 per point for a 1-D posterior N(m, S) and the proposal
    q = N(a m, c S) (a = ``mean_scale``, c = ``var_scale``), in closed form:

        E_q[(p(z|x) / q(z))^2] - 1
            = c / sqrt(2c - 1) * exp((1 - a)^2 m^2 / ((2c - 1) S)) - 1,

    finite only for c > 1/2 (``inf`` otherwise).  post_mean ``[N]`` or ``[N, 1]``;
    returns ``[N]``.  For large K, log p(x) - L_K ~ Var(w) / (2 K p(x)^2).
    """
    _check_scales(mean_scale, var_scale)
    m = np.asarray(post_mean, dtype=np.float64).reshape(-1)
    c, s = float(var_scale), float(np.asarray(post_var).reshape(()))
    if c <= 0.5:
        return np.full(m.shape, np.inf)
    return (c / math.sqrt(2 * c - 1)
            * np.exp((1 - mean_scale) ** 2 * m**2 / ((2 * c - 1) * s)) - 1)


def linear_iwae_gap(post_mean, post_var: float, mean_scale: float, var_scale: float,
                    ks, num_draws: int = 10_000, seed: int = 0,
                    chunk: int = 100) -> np.ndarray:
    """log p(x) - L_K, averaged over points, for a 1-D posterior N(m, S) and the
    proposal q = N(a m, c S), by Monte Carlo: ``[len(ks)]``.

    Per point, ``num_draws`` z ~ q give r = w / p(x) = N(z | m, S) / N(z | a m, c S)
    (known exactly for the linear model); for each K in ``ks`` the draws are split into
    num_draws // K blocks of K, and -log r_bar, r_bar = 1/K sum_k r_k, is averaged over
    blocks and points.  When Var(w) is finite (c > 1/2), r_bar - 1 is added: its
    expectation is exactly 0 (E_q r = 1), so the estimate stays unbiased, and it cancels
    most of the noise (-log r_bar ~ -(r_bar - 1) + (r_bar - 1)^2 / 2).  For c <= 1/2 it
    would add noise of infinite variance, so it is left out.  Seeded; points are
    processed ``chunk`` at a time.
    """
    _check_scales(mean_scale, var_scale)
    ks = [int(k) for k in ks]
    if not ks or min(ks) < 1 or max(ks) > num_draws:
        raise ValueError(f"ks must be integers in [1, num_draws={num_draws}], got {ks}")
    m = np.asarray(post_mean, dtype=np.float64).reshape(-1)
    s = float(np.asarray(post_var).reshape(()))
    q_mean, q_var = mean_scale * m, var_scale * s
    control = var_scale > 0.5
    rng = np.random.default_rng(seed)
    totals = np.zeros(len(ks))
    for start in range(0, len(m), chunk):
        shift = (q_mean - m)[start:start + chunk, None]  # [chunk, 1]
        noise = rng.standard_normal((len(shift), num_draws))
        # z = a m + sqrt(c S) noise; log r = log N(z | m, S) - log N(z | a m, c S)
        log_r = (0.5 * math.log(var_scale) + 0.5 * noise**2
                 - (math.sqrt(q_var) * noise + shift) ** 2 / (2 * s))
        top = log_r.max(1, keepdims=True)
        scaled = np.exp(log_r - top)  # r / max r per point: one exp for every K
        for i, k in enumerate(ks):
            if k == 1:
                value = (np.expm1(log_r) if control else 0.0) - log_r
                totals[i] += value.mean(-1).sum()
                continue
            shape = (len(shift), num_draws // k, k)
            mean = scaled[:, :shape[1] * k].reshape(shape).mean(-1)
            with np.errstate(divide="ignore"):
                log_mean = np.log(mean) + top
            if not np.all(np.isfinite(log_mean)):  # a block far below the top
                blocks = log_r[:, :shape[1] * k].reshape(shape)
                block_top = blocks.max(-1)
                log_mean = np.log(np.exp(blocks - block_top[..., None]).mean(-1)) \
                    + block_top
            value = -log_mean + (np.expm1(log_mean) if control else 0.0)
            totals[i] += value.mean(-1).sum()
    return totals / len(m)


def elbo_gradients(model: VAE, x, estimator: str, num_repeats: int = 30,
                   seed: int = 0) -> np.ndarray:
    """``num_repeats`` independent estimates of the gradient of the -ELBO with respect
    to every parameter of ``model`` (``model.parameters()`` order, encoder first), one
    draw of z per point of the batch x ``[batch, input]``: ``[num_repeats, params]``.

    All three estimators are unbiased for the same gradient; they differ in noise:
    ``"closed_kl"``: the training loss, Monte-Carlo reconstruction + closed-form KL;
    ``"mc_log_w"``: -log w = -log p(x|z) - log p(z) + log q(z|x), all at the draw;
    ``"stl"``: as ``"mc_log_w"`` with the gradient stopped through q's parameters inside
    log q (sticking the landing, Roeder et al. 2017): the score term, whose expectation
    is zero, is dropped, so the estimate is exactly zero when q is the posterior.
    Repeat r uses the r-th draw of a generator seeded with ``seed`` for every
    estimator.
    """
    if estimator not in ("closed_kl", "mc_log_w", "stl"):
        raise ValueError("estimator must be 'closed_kl', 'mc_log_w' or 'stl', got "
                         f"{estimator!r}")
    device = model_device(model)
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32).to(device)
    latent_dim = model.encode(x[:1])[0].shape[-1]
    generator = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    grads = []
    for _ in range(num_repeats):
        noise = torch.randn([1, len(x), latent_dim], generator=generator).to(device)
        if estimator == "closed_kl":
            loss = model.loss(x, noise).total
        else:
            out = model(x, noise)
            zeros = torch.zeros_like(out.z)
            mu_z, log_var_z = out.mu_z, out.log_var_z
            if estimator == "stl":
                mu_z, log_var_z = mu_z.detach(), log_var_z.detach()
            log_w = (model.log_likelihood(x, out.decoded)
                     - gaussian_nll(out.z, zeros, zeros).sum(-1)
                     + gaussian_nll(out.z, mu_z, log_var_z).sum(-1))
            loss = -log_w.mean()
        g = torch.autograd.grad(loss, params, allow_unused=True)
        grads.append(torch.cat([(torch.zeros_like(p) if t is None else t).reshape(-1)
                                for t, p in zip(g, params)]).double())
    return torch.stack(grads).cpu().numpy()
