"""`make book` says what it is doing: as Sphinx reads each notebook (executing it, or taking
its outputs from the execution cache), one line names it, says which of the N notebooks it is
and how long it took; `sphinx-build -q` shows nothing else but warnings. Kernels run with
encrypted messages (tools/site_cache.py's encrypt_kernel_transport), so none logs "Kernel is
running over TCP without encryption" when it starts.

    notebook 3 of 15: 02_network: executed in 9.8 s
    notebook 4 of 15: 03_reparameterization: from the cache (it ran in 7.1 s)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools.site_cache import encrypt_kernel_transport  # noqa: E402

PREFIX = "notebooks/"


class Progress:
    def __init__(self):
        self.order: list[str] = []
        self.started: dict[str, float] = {}

    def before_read(self, app, env, docnames):
        self.order = sorted(d for d in docnames if d.startswith(PREFIX))

    def source_read(self, app, docname, source):
        if docname in self.order:
            self.started[docname] = time.time()
            self.say(f"{self.where(docname)} ...")

    def doctree_read(self, app, doctree):
        docname = app.env.docname
        if docname not in self.started:
            return
        from myst_nb.sphinx_ import NbMetadataCollector

        start = self.started.pop(docname)
        data = NbMetadataCollector.get_exec_data(app.env, docname) or {}
        seconds = time.time() - start
        if data.get("mtime") and data["mtime"] < start:  # taken from the cache
            ran = data.get("runtime")
            how = "from the cache" + (f" (it ran in {ran:.1f} s)" if ran else "")
        else:
            how = f"executed in {seconds:.1f} s"
        self.say(f"{self.where(docname)}: {how}")

    def where(self, docname: str) -> str:
        return (f"notebook {self.order.index(docname) + 1} of {len(self.order)}: "
                f"{docname[len(PREFIX):]}")

    @staticmethod
    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)


def setup(app):
    encrypt_kernel_transport()
    progress = Progress()
    app.connect("env-before-read-docs", progress.before_read)
    app.connect("source-read", progress.source_read)
    app.connect("doctree-read", progress.doctree_read)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
