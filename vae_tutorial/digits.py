"""Images that need no download: scikit-learn's 8x8 handwritten digits.

Taught in ``notebooks/11_digits``.  ``sklearn.datasets.load_digits`` reads a file inside
the scikit-learn wheel: 1,797 images of 64 pixels, each an integer grey level 0..16.
Also here: the baseline that ignores z (a categorical per pixel, fitted by counting),
bits per dimension, image mosaics, and the figure of the committed benchmark
(``benchmarks/digits.py``, read with ``load_results("digits")``).
"""

from __future__ import annotations

import numpy as np

from .data import check_data, check_levels

# intro_dgm's split (Tomczak, "Deep Generative Modeling"), in the file's order: the
# first 1,000 images for training, the next 350 for validation, the last 447 for
# testing.  scikit-learn's description says only that the file is the UCI test set,
# written by 13 people; nothing about the order of its rows.  The blocks do differ: the
# baseline that ignores z scores 110.5 nats on validation and 106.4 on test.
SPLIT = (1000, 350, 447)


def _split(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_train, n_val, _ = SPLIT
    return values[:n_train], values[n_train:n_train + n_val], values[n_train + n_val:]


def digits_dataset() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train ``[1000, 64]``, val ``[350, 64]``, test ``[447, 64]``) int64 grey levels
    0..16, rows in the file's order; the same arrays on every call."""
    from sklearn.datasets import load_digits

    return _split(load_digits().data.astype(np.int64))


def digits_labels() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The digit (0..9) of every image, split like ``digits_dataset``."""
    from sklearn.datasets import load_digits

    return _split(load_digits().target.astype(np.int64))


def ignore_z_log_probs(train, num_values: int = 17,
                       pseudo_count: float = 0.5) -> np.ndarray:
    """The baseline that ignores z: one categorical per pixel, fitted by counting.

    p_i(k) = (n_ik + a) / (N + K a), n_ik = how many of the N training images have
    level k at pixel i, a = ``pseudo_count`` > 0 (a = 1/2 is the Jeffreys prior;
    without it, a level never seen at a pixel would get probability 0 and an infinite
    NLL).
    train: ``[N, dim]`` levels 0..num_values-1; returns log p_i(k)
    ``[dim, num_values]``.
    """
    train = check_levels(check_data(train, None, "train"), num_values, "train")
    if not isinstance(pseudo_count, (int, float)) or not pseudo_count > 0 \
            or not np.isfinite(pseudo_count):
        raise ValueError(f"pseudo_count must be a positive finite number, "
                         f"got {pseudo_count!r}")
    train = train.astype(np.int64)
    counts = np.stack([(train == k).sum(axis=0) for k in range(num_values)], axis=-1)
    counts = counts + pseudo_count
    return np.log(counts / counts.sum(axis=-1, keepdims=True))


def ignore_z_nll(log_probs: np.ndarray, x, per_point: bool = False):
    """Exact -log p(x) = -sum_i log p_i(x_i) under ``ignore_z_log_probs``'s model, nats
    per image: the mean over x ``[N, dim]`` (a float), or ``[N]`` with
    ``per_point=True``."""
    dim, num_values = log_probs.shape
    x = check_levels(check_data(x, dim, "x"), num_values, "x").astype(np.int64)
    nll = -log_probs[np.arange(dim), x].sum(axis=-1)
    return nll if per_point else float(nll.mean())


def bits_per_dim(nats: float, dim: int = 64) -> float:
    """A per-image NLL in nats as bits per pixel: nats / (dim ln 2)."""
    return nats / (dim * np.log(2))


def image_mosaic(images, ncols: int, side: int = 8, pad: int = 1) -> np.ndarray:
    """Tile ``images`` ``[N, side * side]`` into one array, ``ncols`` per row, with
    ``pad`` pixels of NaN (drawn blank) between them."""
    images = check_data(images, side * side, "images").astype(float)
    images = images.reshape(-1, side, side)
    nrows = -(-len(images) // ncols)
    step = side + pad
    mosaic = np.full((nrows * step - pad, ncols * step - pad), np.nan)
    for i, image in enumerate(images):
        row, col = divmod(i, ncols)
        mosaic[row * step:row * step + side, col * step:col * step + side] = image
    return mosaic


def plot_digits(ax, images, ncols: int, title: str, vmax: float = 16.0):
    """Draw ``images`` ``[N, 64]`` (grey levels 0..vmax, dark = ink) as a mosaic."""
    ax.imshow(image_mosaic(images, ncols), cmap="gray_r", vmin=0, vmax=vmax)
    ax.set(title=title, xticks=[], yticks=[])
    ax.set_xlabel(f"{len(images)} images, 8 x 8 pixels each")
    return ax


BENCH_LABELS = {  # benchmarks/digits.py's model names, in the order tables show them
    "digits_config": "digits_config (ours)",
    "ours_no_wd": "ours, no weight decay",
    "ref_net_wd": "reference net, our recipe",
    "ref_net_no_wd": "reference net, our recipe, no wd",
    "intro_dgm": "intro_dgm (reference)",
}


def bench_models(results: dict) -> list[str]:
    """The model names of ``load_results("digits")``, in ``BENCH_LABELS``' order."""
    order = list(BENCH_LABELS)
    return sorted(results["models"],
                  key=lambda n: order.index(n) if n in order else len(order))


def bench_nll(results: dict, key: str | None = None) -> dict:
    """From ``load_results("digits")``: model name -> (mean, sd, seeds) over seeds of
    the test NLL ``key`` (default: IWAE with the largest K measured), nats per image."""
    key = key or f"iwae{max(results['settings']['ks'])}"
    out = {}
    for name in bench_models(results):
        rows = results["models"][name]["rows"]
        values = [row[key] for row in rows]
        if values:
            sd = float(np.std(values, ddof=1)) if len(values) > 1 else float("nan")
            out[name] = (float(np.mean(values)), sd, [r["seed"] for r in rows])
    return out


def plot_bench(ax, results: dict, key: str | None = None):
    """Bars of the committed benchmark's test NLL (mean and sd over seeds) per model,
    and the exact NLL of the baseline that ignores z."""
    key = key or f"iwae{max(results['settings']['ks'])}"
    nll = bench_nll(results, key)
    names = list(nll)[::-1]
    means, sds = [nll[n][0] for n in names], [nll[n][1] for n in names]
    ax.barh(range(len(names)), means, xerr=sds, capsize=3,
            color=["tab:orange" if n == "digits_config" else "tab:blue" for n in names])
    ax.set_yticks(range(len(names)), [BENCH_LABELS.get(n, n) for n in names])
    baseline = results["ignore_z_baseline"]["test"]
    left = min(means) - 4
    for i, (mean, sd) in enumerate(zip(means, sds)):
        ax.text(left + 0.3, i, f"{mean:.1f} ± {sd:.1f}", va="center", color="white")
    ax.axvline(baseline, color="gray", ls="--")
    ax.text(baseline - 0.3, len(names) - 0.5, f"ignore z\n(exact)\n{baseline:.1f}",
            ha="right", va="top", color="gray")
    ax.set_xlim(left, baseline + 1)
    seeds = ", ".join(str(s) for s in sorted({s for n in names for s in nll[n][2]}))
    ax.set(title=f"test NLL, mean ± sd over seeds {seeds}",
           xlabel=f"IWAE (K = {key[4:]}), nats per test image (lower is better)")
    return ax
