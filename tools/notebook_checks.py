"""The two checks on a notebook pair, in one place: used by tests/test_notebooks.py and by the
pre-commit hooks (.pre-commit-config.yaml).

- in sync: notebooks/NN_topic.ipynb, converted to the percent format with this repository's
  notebooks/jupytext.toml (what `jupytext --to py:percent` prints), is exactly notebooks/NN_topic.py;
- stripped: no code cell of an .ipynb carries outputs or an execution count.

Command line (what the hooks run; exit status 1 when a check fails):
    python tools/notebook_checks.py sync FILE...      FILE: either half of a pair (.py or .ipynb)
    python tools/notebook_checks.py stripped FILE...  FILE: an .ipynb
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


def output_problems(ipynb: Path) -> list[str]:
    """One line per code cell of `ipynb` that carries outputs or an execution count."""
    nb = nbformat.read(ipynb, as_version=4)
    return [f"{ipynb.name}: code cell {i} has outputs or an execution count "
            f"(run `make notebooks`, or clear its outputs)"
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and (cell.get("outputs") or cell.get("execution_count") is not None)]


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] not in ("sync", "stripped"):
        print(__doc__, file=sys.stderr)
        return 2
    check, files = argv[0], [Path(f) for f in argv[1:]]
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
