"""Data whose exact density is known but is not Gaussian: mixtures of Gaussians, and a
few named 2-D presets (eight Gaussians on a ring, a skewed pair, a curved "banana"), and
the baseline a user would fit first: a mixture fitted by EM, its size chosen by BIC.

Taught in ``notebooks/12_beyond_gaussian`` (the EM baseline in
``notebooks/13_gap_split``).

A mixture of k Gaussians in d dimensions has the density
    p(x) = sum_j w_j N(x | m_j, C_j),   w_j > 0,  sum_j w_j = 1,
so log p(x) = logsumexp_j [log w_j + log N(x | m_j, C_j)], computed stably.
"""

from __future__ import annotations

import math

import numpy as np

from .data import check_count, check_data, check_gaussian, true_log_prob


class GaussianMixture:
    """p(x) = sum_j w_j N(x | m_j, C_j): weights ``[k]``, means ``[k, d]``, covs
    ``[k, d, d]``.

    Bad input is a ``ValueError`` naming the field: weights must be finite, positive and
    sum to 1 (within 1e-6); every covariance must be symmetric positive definite.
    """

    def __init__(self, weights, means, covs):
        weights = np.asarray(weights, dtype=np.float64)
        means = np.asarray(means, dtype=np.float64)
        covs = np.asarray(covs, dtype=np.float64)
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError(f"weights must be a non-empty vector [k], got shape "
                             f"{weights.shape}")
        if not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise ValueError(f"weights must be finite and positive, got {weights}")
        if abs(weights.sum() - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1, got sum {weights.sum():.8g}")
        k = weights.size
        if means.ndim != 2 or means.shape[0] != k:
            raise ValueError(f"means must have shape [k, d] with k = {k} (one row per "
                             f"weight), got {means.shape}")
        d = means.shape[1]
        if covs.shape != (k, d, d):
            raise ValueError(f"covs must have shape [k, d, d] = {(k, d, d)}, got "
                             f"{covs.shape}")
        for j in range(k):
            try:
                check_gaussian(means[j], covs[j])
            except ValueError as err:
                raise ValueError(f"covs[{j}] / means[{j}]: {err}") from None
        self.weights, self.means, self.covs = weights, means, covs

    @property
    def dim(self) -> int:
        """The data dimension d."""
        return self.means.shape[1]

    def sample(self, n: int, seed: int, return_labels: bool = False):
        """Draw ``n`` points: pick component j with probability w_j, then
        x ~ N(m_j, C_j).  Returns float32 ``[n, d]``; the same seed gives the same
        points.  With ``return_labels``, returns ``(x, labels)``: the component j of
        each point, int64 ``[n]`` (the same x either way)."""
        n = check_count(n, "n")
        rng = np.random.default_rng(seed)
        labels = rng.choice(len(self.weights), size=int(n), p=self.weights)
        chol = np.linalg.cholesky(self.covs)  # [k, d, d]
        white = rng.standard_normal((int(n), self.dim))
        x = self.means[labels] + np.einsum("nij,nj->ni", chol[labels], white)
        return (x.astype(np.float32), labels.astype(np.int64)) if return_labels \
            else x.astype(np.float32)

    def component_log_probs(self, x) -> np.ndarray:
        """log w_j + log N(x | m_j, C_j) for every row and component: ``[N, k]``."""
        x = check_data(x, self.dim, "x")
        parts = zip(self.weights, self.means, self.covs)
        return np.stack([math.log(w) + true_log_prob(x, m, c) for w, m, c in parts],
                        axis=1)

    def log_prob(self, x) -> np.ndarray:
        """Exact log p(x) per row, in nats: ``[N]`` float64 (log-sum-exp over the
        components)."""
        parts = self.component_log_probs(x)
        top = parts.max(axis=1, keepdims=True)
        return (top + np.log(np.exp(parts - top).sum(axis=1, keepdims=True)))[:, 0]


def _rotated(angle: float, sd_along: float, sd_across: float) -> np.ndarray:
    """A 2x2 covariance with standard deviation ``sd_along`` in direction ``angle``
    (radians) and ``sd_across`` perpendicular to it."""
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, -s], [s, c]])
    return rot @ np.diag([sd_along**2, sd_across**2]) @ rot.T


def ring_mixture(num_modes: int = 8, radius: float = 2.0, sd: float = 0.3
                 ) -> GaussianMixture:
    """``num_modes`` equal round Gaussians (standard deviation ``sd``) evenly spaced on
    a circle of ``radius`` around the origin."""
    angles = 2 * math.pi * np.arange(num_modes) / num_modes
    means = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    covs = np.tile(sd**2 * np.eye(2), (num_modes, 1, 1))
    return GaussianMixture(np.full(num_modes, 1.0 / num_modes), means, covs)


def skewed_mixture() -> GaussianMixture:
    """Two overlapping Gaussians of unequal weight: one skewed, unimodal-looking blob
    with a heavy tail towards the upper right."""
    return GaussianMixture([0.7, 0.3], [[0.0, 0.0], [1.5, 1.2]],
                           [[[0.6, 0.3], [0.3, 0.6]], [[1.5, -0.4], [-0.4, 0.8]]])


def banana_mixture(num_modes: int = 7) -> GaussianMixture:
    """Equal Gaussians strung along the parabola x2 = 0.5 x1^2 - 1, each stretched along
    the curve: a curved, banana-shaped density."""
    x1 = np.linspace(-2.0, 2.0, num_modes)
    means = np.stack([x1, 0.5 * x1**2 - 1.0], axis=1)
    covs = np.stack([_rotated(math.atan(t), 0.45, 0.2) for t in x1])  # slope of curve
    return GaussianMixture(np.full(num_modes, 1.0 / num_modes), means, covs)


MIXTURE_PRESETS = {"ring": ring_mixture, "skewed": skewed_mixture,
                   "banana": banana_mixture}


def mixture_preset(name: str) -> GaussianMixture:
    """One of the named 2-D mixtures: ``"ring"`` (eight Gaussians on a circle),
    ``"skewed"`` (two unequal overlapping Gaussians), ``"banana"`` (a curved chain)."""
    if name not in MIXTURE_PRESETS:
        raise ValueError(f"name must be one of {sorted(MIXTURE_PRESETS)}, got {name!r}")
    return MIXTURE_PRESETS[name]()


def mixture_dataset(name: str, seed: int = 0, n_train: int = 10_000,
                    n_test: int = 2_500):
    """``n_train + n_test`` points of the preset ``name``, split into (train, test),
    float32, seeded: the same sizes as the source data."""
    data = mixture_preset(name).sample(n_train + n_test, seed)
    return data[:n_train], data[n_train:]


def em_baseline(train, test, components=range(1, 11), seed: int = 0):
    """The baseline a user would fit first: Gaussian mixtures fitted by EM
    (scikit-learn) with each number of ``components``, the one with the lowest BIC on
    ``train`` kept.  Returns (its number of components, its exact log-density of each
    row of ``test`` ``[N]``, float64)."""
    from sklearn.mixture import GaussianMixture as EMMixture

    train = check_data(train, np.asarray(train).shape[-1], "train")
    fits = [EMMixture(int(k), random_state=seed).fit(train) for k in components]
    best = min(fits, key=lambda g: g.bic(train))
    return best.n_components, best.score_samples(np.asarray(test, dtype=np.float64))
