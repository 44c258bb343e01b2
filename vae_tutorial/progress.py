"""The progress bar every training loop shows: plain text on standard output.

Taught in ``notebooks/05_training``.  One kind of bar everywhere: in a terminal, in
Jupyter/JupyterLab and Colab (where standard output is shown as ordinary text, not on
the pink background of standard error), and on the rendered site (which keeps the bar's
final state).  ``tqdm.auto`` would draw a widget where ipywidgets is installed, and
without it a text bar on standard error, which JupyterLab shows like an error.
"""

from __future__ import annotations

import sys

from tqdm.std import tqdm

BAR_WIDTH = 80  # characters: the bar fits a code block on the site (88)


def progress_bar(total: int, desc: str = "training", disable: bool = False) -> tqdm:
    """A text bar over ``total`` steps on ``sys.stdout`` (at most one update a second),
    ``BAR_WIDTH`` characters wide; ``disable=True`` shows nothing."""
    return tqdm(total=total, desc=desc, disable=disable, file=sys.stdout,
                ncols=BAR_WIDTH, mininterval=1.0)
