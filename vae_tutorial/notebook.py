"""Notebook helpers: the set-up line every notebook runs, showing the package's real
source, and the switch that lets a page's checks respect a reader's experiment."""

from __future__ import annotations

import inspect
import platform
import random
from importlib.metadata import version

import numpy as np
import torch

_SETUP_SEED: list[int] = []  # the seed the last setup_notebook call used


def setup_notebook(seed: int = 0) -> torch.device:
    """Print the versions in use, seed Python, NumPy and PyTorch, and return the device
    (CUDA when available, else the CPU). The seed is remembered for `own_settings`."""
    _SETUP_SEED[:] = [seed]
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


def own_settings(seed: int | None = None, **settings) -> bool:
    """True when the page runs at its own settings, so that its checks cell asserts the
    numbers it states; else print what differs and return False.

    A page's checks cell opens with, for example,

        if own_settings(seed=0, num_epochs=(cfg.num_epochs, 20)):
            assert ...

    `seed` is the page's seed, compared with the one given to `setup_notebook`; every
    other keyword is `(value now, the page's value)`. A reader who changed any of them
    (a seed, an epoch count, a width) gets one line instead of a failing assert
    written for the page's own numbers; at the page's own settings (as under
    `make test`) nothing is weakened."""
    changed = {}
    if seed is not None:
        if not _SETUP_SEED:
            raise ValueError("own_settings: seed given, but setup_notebook never ran")
        if _SETUP_SEED[0] != seed:
            changed["seed"] = (_SETUP_SEED[0], seed)
    for name, pair in settings.items():
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise ValueError(f"own_settings: {name} must be (value now, the page's "
                             f"value), got {pair!r}")
        now, page = pair
        if now != page:
            changed[name] = (now, page)
    if changed:
        what = ", ".join(f"{k} {now!r} (the page's: {page!r})"
                         for k, (now, page) in changed.items())
        print(f"Checks skipped: you changed {what}. The numbers in the text are for "
              "the page's own settings; yours are printed above.")  # one line
        return False
    return True
