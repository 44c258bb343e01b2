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

Progress (issue 26): as each notebook starts and ends, one line names it, says which of the N
notebooks it is and how long it took, between pytest's own progress. Kernels run with
encrypted messages (`encrypt_kernel_transport`), so none logs "Kernel is running over TCP
without encryption".
"""

from __future__ import annotations

import fcntl
import runpy
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def encrypt_kernel_transport() -> None:
    """Kernels started in this process (nbclient, for nbmake and the site's MyST-NB) get
    CurveZMQ keys from their kernel manager: jupyter_client's `transport_encryption = "auto"`,
    which provisions them where the kernel spec declares support (ipykernel's does). Their
    messages are then encrypted, and ipykernel no longer warns at every start that they are not.
    nbclient makes its kernel manager without our configuration, so the setting's default is
    changed here, once per process."""
    import zmq
    from jupyter_client.manager import KernelManager

    if zmq.has("curve"):
        KernelManager.class_traits()["transport_encryption"].default_value = "auto"


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


KERNEL_DIED = "Kernel died before replying to kernel_info"


def once_more_if_the_kernel_died(execute):
    """``execute()``, started once more if its kernel died before it started. Two workers'
    kernels can race for the same free TCP port (jupyter_client picks the ports before the
    kernel binds them: "Address already in use"), which is no fault of the notebook. Any
    other error, or a second death, is raised."""
    try:
        return execute()
    except RuntimeError as err:
        if KERNEL_DIED not in str(err):
            raise
        return execute()


def is_notebook(nodeid: str) -> bool:
    return nodeid.split("::")[0].endswith(".ipynb")


class NotebookProgress:
    """Lines such as `notebook 3 of 15: notebooks/02_network.ipynb ...` as a notebook starts
    and `... passed in 4.2 s` as it ends (in the main pytest process, with or without
    pytest-xdist's workers)."""

    def __init__(self, config):
        self.config, self.total, self.started = config, 0, {}

    def write(self, line: str) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            if reporter._tw.width_of_current_line:  # after pytest's progress dots
                reporter.write("\n")
            reporter.write_line(line)

    def count(self, nodeids) -> None:
        self.total = max(self.total, sum(is_notebook(n) for n in nodeids))

    def pytest_collection_finish(self, session):
        self.count(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self.count(ids)

    def pytest_runtest_logstart(self, nodeid, location):
        if is_notebook(nodeid):
            self.started[nodeid] = len(self.started) + 1
            self.write(f"notebook {self.started[nodeid]} of {self.total or '?'}: "
                       f"{nodeid.split('::')[0]} ...")

    def pytest_runtest_logreport(self, report):
        if is_notebook(report.nodeid) and (report.when == "call" or report.failed):
            self.write(f"notebook {self.started.get(report.nodeid, '?')} of "
                       f"{self.total or '?'}: {report.nodeid.split('::')[0]} {report.outcome} "
                       f"in {report.duration:.1f} s")


def pytest_configure(config):
    if not config.getoption("nbmake", default=False):
        return
    encrypt_kernel_transport()
    if not hasattr(config, "workerinput"):  # the main process, not a pytest-xdist worker
        config.pluginmanager.register(NotebookProgress(config), "notebook-progress")
    from nbmake import pytest_items

    class NotebookRunFeedingTheSite(pytest_items.NotebookRun):
        def execute(self):
            start = time.perf_counter()
            result = once_more_if_the_kernel_died(super().execute)
            if result.error is None:
                store(Path(self.filename), result.nb, time.perf_counter() - start)
            return result

    pytest_items.NotebookRun = NotebookRunFeedingTheSite
