"""Images that need no download: scikit-learn's 8x8 handwritten digits.

Taught in ``notebooks/09_digits``.  ``sklearn.datasets.load_digits`` reads a file inside
the scikit-learn wheel: 1,797 images of 64 pixels, each an integer grey level 0..16.
"""

from __future__ import annotations

import numpy as np

# intro_dgm's split (Tomczak, "Deep Generative Modeling"), in the file's order: the first
# 1,000 images for training, the next 350 for validation, the last 447 for testing.  The
# file is ordered by writer, so the test set holds writers the model never saw.
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
