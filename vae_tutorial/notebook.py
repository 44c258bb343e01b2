"""Notebook helpers: the set-up line every notebook runs, and showing the package's real
source."""

from __future__ import annotations

import inspect
import platform
import random
from importlib.metadata import version

import numpy as np
import torch


def setup_notebook(seed: int = 0) -> torch.device:
    """Print the versions in use, seed Python, NumPy and PyTorch, and return the device
    (CUDA when available, else the CPU)."""
    names = ("torch", "numpy", "scipy", "matplotlib", "vae_tutorial")
    versions = [f"python {platform.python_version()}"]
    versions += [f"{n} {version(n)}" for n in names]
    print(", ".join(versions[:3]) + ",\n" + ", ".join(versions[3:]))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    print(f"seed {seed}, device {device}")
    return device


def show_source(obj):
    """Display the source code of a package function or class, highlighted, as it
    really is."""
    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")
