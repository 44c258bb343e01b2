"""The model's own likelihood without sampling: for a 2-D latent, integrate over z on a
grid.

Taught in ``notebooks/12_beyond_gaussian``.

    p_theta(x) = int p_theta(x|z) p(z) dz
               ~= sum_g p_theta(x|z_g) p(z_g) * h^2        (midpoint rule)

over the centres z_g of n x n square cells of side h tiling the box [-L, L]^2.  In logs,
    log p_theta(x) ~= logsumexp_g [log p_theta(x|z_g) + log p(z_g)] + log h^2.
The decoder runs once on the grid; every x reuses its outputs.  The same table,
normalised over g, is the true posterior p_theta(z|x) on the grid (``grid_posterior``,
and its mean and covariance, ``grid_moments``).  The rule is deterministic, not exact:
it has a discretisation error (cells of finite size) and a truncation error (mass
outside the box).  ``grid_error`` measures both, by halving the spacing and by widening
the box.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch

from .sampling import check_model_data, model_device

HALF_WIDTH = 6.0  # the box [-6, 6]^2 holds all but ~4e-9 of the prior's mass
NUM_POINTS = 200  # 200 x 200 cells of side 0.06


class LatentGrid(NamedTuple):
    """The midpoint rule's nodes: cell centres ``axis`` ``[n]`` per latent dimension,
    all pairs ``z`` ``[n * n, 2]`` (z_1 varies slowest), and log of the cell area
    h^2."""

    axis: torch.Tensor
    z: torch.Tensor
    log_cell_area: float


def latent_grid(half_width: float = HALF_WIDTH, num_points: int = NUM_POINTS
                ) -> LatentGrid:
    """n x n cells of side h = 2 L / n tiling [-L, L]^2 (L = ``half_width``, n =
    ``num_points``); their centres are the nodes."""
    if not half_width > 0:
        raise ValueError(f"half_width must be positive, got {half_width!r}")
    if isinstance(num_points, bool) or not isinstance(num_points, int) \
            or num_points < 2:
        raise ValueError(f"num_points must be an integer >= 2, got {num_points!r}")
    h = 2 * half_width / num_points
    axis = -half_width + h * (torch.arange(num_points, dtype=torch.float64) + 0.5)
    z = torch.cartesian_prod(axis, axis)
    return LatentGrid(axis, z, 2 * math.log(h))


def latent_dim(model) -> int:
    """The size of the model's latent: the input width of the decoder's first layer
    (its first 2-D ``weight``, ``[out, latent]``)."""
    for module in model.decoder.modules():
        weight = getattr(module, "weight", None)
        if isinstance(weight, torch.Tensor) and weight.ndim == 2:
            return weight.shape[1]
    raise ValueError("cannot find the decoder's first layer to read the latent size")


@torch.no_grad()
def log_joint_chunks(model, x, grid: LatentGrid, max_rows: int = 2**18):
    """Yield log p_theta(x|z_g) + log p(z_g) ``[chunk, n * n]`` (float32) for
    consecutive chunks of ``x`` ``[N, input]``: the one table that both the marginal
    likelihood and the posterior on the grid are read from.

    The decoder runs once on the grid; each chunk of x (at most ``max_rows`` = chunk *
    n * n pairs) reuses its outputs through ``model.log_likelihood``, so any decoder of
    the package works (Gaussian with learned or fixed variance, categorical).
    """
    if latent_dim(model) != 2:
        raise ValueError("quadrature over z needs a model with a 2-D latent "
                         f"(config.latent_dim=2), got latent_dim={latent_dim(model)}")
    model.eval()
    device = model_device(model)
    z = grid.z.to(device=device, dtype=torch.float32)
    decoded = model.decode(z[None])  # [1, G, ...]: broadcasts against x [chunk, 1, ...]
    log_prior = -0.5 * (z**2).sum(-1) - math.log(2 * math.pi)  # [G]
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    chunk = max(1, max_rows // len(z))
    for start in range(0, len(x), chunk):
        xb = x[start:start + chunk].to(device)
        yield model.log_likelihood(xb[:, None], decoded) + log_prior  # [chunk, G]


def quadrature_log_marginal(model, x, half_width: float = HALF_WIDTH,
                            num_points: int = NUM_POINTS,
                            max_rows: int = 2**18) -> np.ndarray:
    """log p_theta(x) per row by the midpoint rule on [-L, L]^2: ``[N]`` float64."""
    grid = latent_grid(half_width, num_points)
    parts = [torch.logsumexp(table, dim=1).double().cpu() + grid.log_cell_area
             for table in log_joint_chunks(model, x, grid, max_rows)]
    return torch.cat(parts).numpy()


def quadrature_nll(model, x, per_point: bool = False, half_width: float = HALF_WIDTH,
                   num_points: int = NUM_POINTS, max_rows: int = 2**18):
    """The model's own -log p_theta(x) = -log int p_theta(x|z) p(z) dz, for a model
    with a 2-D latent, by a ``num_points`` x ``num_points`` grid over [-L, L]^2.

    x ``[N, input]``.  Returns nats per data point: the mean over the N points (a
    float), or the ``[N]`` values with ``per_point=True``.  No sampling: the same model
    and x always give the same number.  A model whose latent is not 2-D is a
    ``ValueError``.  A point far in the tails, whose posterior reaches the edge of the
    box, needs a larger ``half_width`` (``grid_error`` shows it).
    """
    x = check_model_data(model, x)
    nll = -quadrature_log_marginal(model, x, half_width, num_points, max_rows)
    return nll if per_point else float(nll.mean())


def grid_posterior(model, x, half_width: float = HALF_WIDTH,
                   num_points: int = NUM_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The true posterior p_theta(z|x) = p_theta(x|z) p(z) / p_theta(x) on the grid.

    x ``[N, input]``.  Returns (axis ``[n]``, density ``[N, n, n]``) with
    density[i, a, b] the posterior density of x_i at (z_1, z_2) = (axis[a], axis[b]);
    it sums to 1 / h^2 over each point's grid.
    """
    x = check_model_data(model, x)
    grid = latent_grid(half_width, num_points)
    tables = torch.cat(list(log_joint_chunks(model, x, grid))).double().cpu()
    log_post = tables - torch.logsumexp(tables, dim=1, keepdim=True) \
        - grid.log_cell_area
    return grid.axis.numpy(), log_post.exp().reshape(-1, num_points, num_points).numpy()


class GridMoments(NamedTuple):
    """What the grid says about each point x_i: log p_theta(x_i) ``[N]``, and the mean
    ``[N, 2]`` and covariance ``[N, 2, 2]`` of its true posterior p_theta(z|x_i)."""

    log_marginal: np.ndarray
    mean: np.ndarray
    cov: np.ndarray


def grid_moments(model, x, half_width: float = HALF_WIDTH,
                 num_points: int = NUM_POINTS, max_rows: int = 2**18) -> GridMoments:
    """log p_theta(x) and the first two moments of the true posterior p_theta(z|x),
    read from one pass over the grid (the posterior's weights are the table normalised
    over the nodes).  float64."""
    x = check_model_data(model, x)
    grid = latent_grid(half_width, num_points)
    z = grid.z  # [G, 2] float64
    outer = (z[:, :, None] * z[:, None, :]).reshape(len(z), -1)  # [G, 4]
    log_marginal, means, second = [], [], []
    for table in log_joint_chunks(model, x, grid, max_rows):
        table = table.double().cpu()
        norm = torch.logsumexp(table, dim=1, keepdim=True)
        weights = (table - norm).exp()  # [chunk, G], each row sums to 1
        log_marginal.append(norm[:, 0] + grid.log_cell_area)
        means.append(weights @ z)
        second.append(weights @ outer)
    mean = torch.cat(means)
    cov = torch.cat(second).reshape(-1, 2, 2) - mean[:, :, None] * mean[:, None, :]
    return GridMoments(torch.cat(log_marginal).numpy(), mean.numpy(), cov.numpy())


def grid_error(model, x, half_width: float = HALF_WIDTH,
               num_points: int = NUM_POINTS) -> dict:
    """How far the mean quadrature NLL of x moves when the spacing is halved (twice the
    points) and when the box is widened by half (with the spacing kept): nats per point.
    Both near zero mean the grid is fine and wide enough."""
    base = quadrature_nll(model, x, False, half_width, num_points)
    finer = quadrature_nll(model, x, False, half_width, 2 * num_points)
    wider = quadrature_nll(model, x, False, 1.5 * half_width,
                           int(round(1.5 * num_points)))
    return {"nll": base, "halved_spacing": finer - base, "wider_box": wider - base}
