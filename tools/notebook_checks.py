"""The two checks on a notebook pair, in one place: used by tests/test_notebooks.py and by the
pre-commit hooks (.pre-commit-config.yaml).

- in sync: notebooks/NN_topic.ipynb, converted to the percent format with this repository's
  notebooks/jupytext.toml (what `jupytext --to py:percent` prints), is exactly
  notebooks/NN_topic.py;
- stripped: no code cell of an .ipynb carries outputs or an execution count.

Command line (what the hooks run; exit status 1 when a check fails):
    python tools/notebook_checks.py sync FILE...      FILE: either half of a pair (.py or .ipynb)
    python tools/notebook_checks.py stripped FILE...  FILE: an .ipynb
    python tools/notebook_checks.py strip FILE...     the same check, and removes what it finds
        (and run metadata: strip_notebook); the pre-commit hook
    python tools/notebook_checks.py refresh-filters FILE...  (make notebooks) record
        jupytext.toml's metadata filters in each FILE's .ipynb, before `jupytext --update`
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import jupytext
import nbformat
from jupytext.config import load_jupytext_config

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def _config(directory: Path):
    return load_jupytext_config(str(directory))  # jupytext.toml, as the jupytext CLI reads it


def sync_problem(path: Path) -> str | None:
    """Why the pair that `path` (.py or .ipynb) belongs to is out of sync, or None."""
    py, ipynb = path.with_suffix(".py"), path.with_suffix(".ipynb")
    for half, other in ((py, ipynb), (ipynb, py)):
        if not half.exists():
            return f"{half.name} is missing: its pair {other.name} has none (run `make notebooks`)"
    converted = jupytext.writes(jupytext.read(ipynb), fmt="py:percent",
                                config=_config(py.parent.resolve()))
    if converted != py.read_text(encoding="utf-8"):
        return (f"{py.name} and {ipynb.name} differ: run `make notebooks` "
                f"(jupytext --update --to ipynb {py.name})")
    return None


FILTERS = ("cell_metadata_filter", "notebook_metadata_filter")


def filter_problem(ipynb: Path) -> str | None:
    """Why the metadata filters an .ipynb records differ from notebooks/jupytext.toml's, or
    None. Jupytext writes the .py with the filters the .ipynb records, so JupyterLab, saving a
    notebook opened from a stale pair, would drop the cell metadata the config keeps (e.g.
    `jupyter`: collapsed cells). `jupytext --update` keeps what the .ipynb records;
    `make notebooks` refreshes it (refresh_filters)."""
    config = _config(ipynb.parent.resolve())
    recorded = nbformat.read(ipynb, as_version=4).metadata.get("jupytext", {})
    wrong = [f"{key} {recorded.get(key)!r} (jupytext.toml: {getattr(config, key)!r})"
             for key in FILTERS if recorded.get(key) != getattr(config, key)]
    if wrong:
        return f"{ipynb.name} records {', '.join(wrong)}: run `make notebooks`"
    return None


def refresh_filters(ipynb: Path) -> bool:
    """Record notebooks/jupytext.toml's metadata filters in `ipynb`; True if it changed."""
    if filter_problem(ipynb) is None:
        return False
    config = _config(ipynb.parent.resolve())
    nb = nbformat.read(ipynb, as_version=4)
    for key in FILTERS:
        nb.metadata.setdefault("jupytext", {})[key] = getattr(config, key)
    nbformat.write(nb, ipynb)
    return True


def output_problems(ipynb: Path) -> list[str]:
    """One line per code cell of `ipynb` that carries outputs or an execution count."""
    nb = nbformat.read(ipynb, as_version=4)
    return [f"{ipynb.name}: code cell {i} has outputs or an execution count "
            f"(run `make notebooks`, or clear its outputs)"
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and (cell.get("outputs") or cell.get("execution_count") is not None)]


# What running a notebook adds and a committed .ipynb must not carry, besides outputs and
# execution counts: the kernel that ran it and JupyterLab's per-cell run state. Jupytext's own
# keys (e.g. lines_to_next_cell, which keep the .py's blank lines) and the cell metadata the
# .py keeps (tags, jupyter) stay.
RUN_CELL_METADATA = ("execution", "collapsed", "scrolled", "trusted")
RUN_NOTEBOOK_METADATA = ("kernelspec", "language_info", "widgets")


def strip_notebook(nb: dict) -> bool:
    """Remove in place what a committed .ipynb must not carry: outputs, execution counts,
    RUN_CELL_METADATA and RUN_NOTEBOOK_METADATA. True if anything was removed."""
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            changed |= bool(cell.get("outputs")) or cell.get("execution_count") is not None
            cell["outputs"], cell["execution_count"] = [], None
        for key in RUN_CELL_METADATA:
            changed |= cell.get("metadata", {}).pop(key, None) is not None
    for key in RUN_NOTEBOOK_METADATA:
        changed |= nb.get("metadata", {}).pop(key, None) is not None
    return changed


def lab_pre_save_hook(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """Jupyter's pre-save hook for `make lab` (tools/lab_config.py): a notebook is written
    stripped (strip_notebook), so saving leaves a pair that is in sync and commit-ready.
    The outputs stay on screen until the notebook is closed."""
    if model.get("type") == "notebook" and model.get("content") is not None:
        strip_notebook(model["content"])


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in ("sync", "stripped", "strip", "refresh-filters"):
        print(__doc__, file=sys.stderr)
        return 2
    check, files = argv[0], [Path(f) for f in argv[1:]]
    if check == "strip":  # the pre-commit hook: fix, then fail so that the fix is looked at
        problems = [p for f in files if f.suffix == ".ipynb" for p in output_problems(f)]
        for ipynb in sorted({f for f in files if f.suffix == ".ipynb"}):
            nb = nbformat.read(ipynb, as_version=4)
            if strip_notebook(nb):
                nbformat.write(nb, ipynb)
                problems.append(f"{ipynb.name}: outputs and run metadata removed; "
                                f"`git add {ipynb}` and commit again")
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if check == "refresh-filters":
        for ipynb in sorted({f.with_suffix(".ipynb") for f in files}):
            if ipynb.exists() and refresh_filters(ipynb):
                print(f"{ipynb.name}: recorded jupytext.toml's metadata filters")
        return 0
    if check == "sync":
        pairs = sorted({f.with_suffix("") for f in files if f.suffix in (".py", ".ipynb")})
        problems = [p for p in (sync_problem(stem.with_suffix(".py")) for stem in pairs) if p]
    else:
        problems = [p for f in files if f.suffix == ".ipynb" for p in output_problems(f)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
