"""pytest plugin: the notebooks nbmake executes also serve the site, so `make test` executes each
notebook once, not twice.

`make test` loads it (`pytest -p tools.site_cache ... --nbmake`). Whenever nbmake has run a
notebook (notebooks/NN_topic.ipynb) to its end without an error, its outputs are stored in the
site's execution cache (MyST-NB's jupyter-cache, docs/_build/jupyter_cache/<fingerprint>, the
path docs/conf.py computes), under the notebook exactly as the site reads it from
notebooks/NN_topic.py. The site build that follows (tests/test_site_browser.py runs `make book`)
then finds every notebook in the cache and renders those outputs instead of running it again.
The site is still built afresh; only the execution is shared. A notebook that fails, or whose
.py and .ipynb disagree, is not stored: the site build executes it itself (and reports it).
"""

from __future__ import annotations

import fcntl
import runpy
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def execution_cache_path() -> Path:
    """Where the site keeps executed notebooks: docs/conf.py's nb_execution_cache_path."""
    return Path(runpy.run_path(str(ROOT / "docs" / "conf.py"))["nb_execution_cache_path"])


def store(ipynb: Path, executed, seconds: float) -> bool:
    """Put nbmake's executed `ipynb` in the site's cache as the site will read its .py."""
    import jupytext
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    py = ipynb.with_suffix(".py")
    if not py.exists():
        return False
    # read as docs/conf.py's nb_custom_formats does: jupytext.reads(text, fmt="py:percent")
    nb = jupytext.reads(py.read_text(encoding="utf-8"), fmt="py:percent")
    site_cells = [c for c in nb.cells if c.cell_type == "code"]
    run_cells = [c for c in executed.cells if c.cell_type == "code"]
    if [c.source for c in site_cells] != [c.source for c in run_cells]:
        return False  # the pair is out of sync (a test reports it): let the site execute the .py
    for cell, run in zip(site_cells, run_cells):
        cell.outputs, cell.execution_count = run.outputs, run.execution_count
    if "language_info" in executed.metadata:  # the site highlights code with its lexer
        nb.metadata["language_info"] = executed.metadata["language_info"]
    path = execution_cache_path()
    path.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".lock", "w") as lock:  # pytest-xdist workers share the database
        fcntl.flock(lock, fcntl.LOCK_EX)
        get_cache(str(path)).cache_notebook_bundle(
            CacheBundleIn(nb, str(py), data={"execution_seconds": seconds}),
            check_validity=False, overwrite=True)
    return True


def pytest_configure(config):
    if not config.getoption("nbmake", default=False):
        return
    from nbmake import pytest_items

    class NotebookRunFeedingTheSite(pytest_items.NotebookRun):
        def execute(self):
            start = time.perf_counter()
            result = super().execute()
            if result.error is None:
                store(Path(self.filename), result.nb, time.perf_counter() - start)
            return result

    pytest_items.NotebookRun = NotebookRunFeedingTheSite
