"""The data: samples from a 2-D Gaussian N(mu, Sigma) and its exact log-density.

Taught in ``notebooks/01_data``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular


def check_gaussian(mu, cov) -> tuple[np.ndarray, np.ndarray]:
    """Return ``mu`` ``[d]`` and ``cov`` ``[d, d]`` as float64 arrays, or raise
    ``ValueError``.

    ``cov`` must be square, match ``mu``, be finite, symmetric and positive definite.
    """
    mu = np.asarray(mu, dtype=np.float64)
    cov = np.asarray(cov, dtype=np.float64)
    if mu.ndim != 1 or mu.size == 0 or not np.all(np.isfinite(mu)):
        raise ValueError(
            f"mu must be a non-empty finite vector [d], got shape {mu.shape}")
    d = mu.shape[0]
    if cov.shape != (d, d):
        raise ValueError(
            f"cov must have shape [d, d] = {(d, d)} to match mu, got {cov.shape}")
    if not np.all(np.isfinite(cov)):
        raise ValueError("cov must be finite (no NaN or inf)")
    if not np.allclose(cov, cov.T, rtol=1e-8, atol=1e-10):
        raise ValueError("cov must be symmetric (cov == cov.T)")
    if np.linalg.eigvalsh(cov).min() <= 0:
        raise ValueError("cov must be positive definite (all eigenvalues > 0)")
    return mu, cov


def check_data(x, dim: int | None, name: str = "data") -> np.ndarray:
    """Return ``x`` as an array ``[N, dim]`` (``dim=None``: any width), or raise
    ``ValueError`` naming ``name`` for a bad shape, no rows, or NaN/inf."""
    x = np.asarray(x)
    width = "D" if dim is None else dim
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0 \
            or (dim is not None and x.shape[1] != dim):
        raise ValueError(f"{name} must have shape [N, {width}] with N > 0, got "
                         f"{x.shape}")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {x.dtype}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return x


def check_count(value, name: str) -> int:
    """Return ``value`` if it is a positive integer, else raise ``ValueError`` naming
    ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_levels(x, num_values: int, name: str = "data") -> np.ndarray:
    """Return ``x`` if every value is an integer level 0..num_values-1 (the values a
    categorical decoder models), else raise ``ValueError`` naming ``name``."""
    x = np.asarray(x)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be non-empty and finite (no NaN or inf)")
    if np.any(x != np.round(x)):
        raise ValueError(f"{name} must hold integers 0..{num_values - 1} for a "
                         "categorical decoder (config.likelihood='categorical'); "
                         "found non-integers")
    if x.min() < 0 or x.max() > num_values - 1:
        raise ValueError(f"{name} values must lie in 0..{num_values - 1} "
                         f"(config.num_values={num_values}); "
                         f"found {x.min()}..{x.max()}")
    return x


def sample_gaussian(mu, cov, size: int, seed: int) -> np.ndarray:
    """Draw ``size`` points x ~ N(mu, cov): float32 ``[size, d]``; same seed, same
    points."""
    mu, cov = check_gaussian(mu, cov)
    size = check_count(size, "size")
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal(mu, cov, size=int(size)).astype(np.float32)


def train_test_split(x: np.ndarray, n_train: int) -> tuple[np.ndarray, np.ndarray]:
    """Split rows into the first ``n_train`` (train) and the rest (test); both must be
    non-empty."""
    check_data(x, None, "x")
    if not 0 < n_train < len(x):
        raise ValueError(f"n_train must be in 1..{len(x) - 1}, got {n_train!r}")
    return x[:n_train], x[n_train:]


def true_log_prob(x, mu, cov) -> np.ndarray:
    """Exact log N(x | mu, cov) per row, in nats: ``[N]`` float64.

    log p(x) = -1/2 [d log 2pi + log det Sigma + (x - mu)^T Sigma^-1 (x - mu)],
    computed with a Cholesky factor Sigma = L L^T and one triangular solve.
    """
    mu, cov = check_gaussian(mu, cov)
    x = check_data(x, mu.shape[0], "x").astype(np.float64)
    chol = np.linalg.cholesky(cov)
    white = solve_triangular(chol, (x - mu).T, lower=True)  # [d, N]: L^-1 (x - mu)
    log_det = 2.0 * np.log(np.diag(chol)).sum()
    return -0.5 * (mu.shape[0] * np.log(2 * np.pi) + log_det + (white**2).sum(axis=0))


def gaussian_entropy(cov) -> float:
    """Differential entropy H = 1/2 log((2 pi e)^d det Sigma) in nats: the best
    achievable expected negative log-likelihood for data from N(mu, Sigma)."""
    cov = np.asarray(cov, dtype=np.float64)
    _, cov = check_gaussian(np.zeros(cov.shape[0]), cov)
    d = cov.shape[0]
    return 0.5 * (d * np.log(2 * np.pi * np.e) + np.linalg.slogdet(cov)[1])


# The source post's data distribution and split: 12,500 points, the first 10,000 for
# training.
SOURCE_MU = (1.0, 0.5)
SOURCE_COV = ((1.0, 0.5), (0.5, 1.0))


def source_dataset(seed: int = 0, n_train: int = 10_000, n_test: int = 2_500):
    """The source post's data: ``n_train + n_test`` points from
    N(SOURCE_MU, SOURCE_COV), split into (train ``[n_train, 2]``, test ``[n_test, 2]``),
    float32, seeded."""
    data = sample_gaussian(SOURCE_MU, SOURCE_COV, n_train + n_test, seed)
    return train_test_split(data, n_train)
