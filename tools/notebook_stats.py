"""How long each notebook is to read, measured from its .py source (issue 15's table).

Per notebook:
- words: markdown words, not counting math ($...$, $$...$$, \\begin...\\end), code spans and
  blocks, HTML tags or link targets;
- code: non-blank, non-comment lines of code cells;
- asserts: `assert` lines in code cells the reader sees (not in a collapsed cell: tagged
  `hide-cell`, or `source_hidden` in JupyterLab);
- notes: boxes for readers of the source post.

`BUDGETS` holds the limits, checked by tests/test_notebook_budgets.py.

    python tools/notebook_stats.py [NOTEBOOK.py ...]   (default: every notebooks/NN_*.py)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

import jupytext

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))

# Limits (issue 15): the one-page VAE and the core walk (00-06) are short; no notebook is long.
BUDGETS = {
    "words_00": 900,  # the one-page VAE
    "words_core_each": 1300,  # each of 01-06
    "words_core_total": 6500,  # 01-06 together
    "words_each": 2000,  # every notebook
    "asserts_core": 3,  # visible asserts in each of 00-06
    "asserts_later": 8,  # visible asserts in each of 07 onwards
    "notes_each": 1,  # boxes for readers of the source post
}

_MATH = re.compile(r"\$\$.*?\$\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\$[^$\n]+\$", re.S)
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_HTML = re.compile(r"<[^>\n]+>")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NOTE = re.compile(r"For readers of the source post|If you are reading the source", re.I)


class Stats(NamedTuple):
    name: str
    words: int
    code: int
    asserts: int
    notes: int


def words(markdown: str) -> int:
    """Words of prose in a markdown cell (math, code, tags and link targets removed)."""
    text = _MATH.sub(" ", markdown)
    text = _CODE.sub(" ", text)
    text = _LINK_TARGET.sub("]", text)
    text = _HTML.sub(" ", text)
    return len(_WORD.findall(text))


def is_collapsed(cell) -> bool:
    """A cell the reader does not see unless they open it."""
    return ("hide-cell" in cell.metadata.get("tags", [])
            or cell.metadata.get("jupyter", {}).get("source_hidden", False))


def code_lines(source: str) -> list[str]:
    return [line for line in source.splitlines()
            if line.strip() and not line.strip().startswith(("#", "%", "!"))]


def measure(path: Path) -> Stats:
    cells = jupytext.read(path).cells
    markdown = [c.source for c in cells if c.cell_type == "markdown"]
    code = [c for c in cells if c.cell_type == "code"]
    asserts = sum(line.strip().startswith("assert ")
                  for c in code if not is_collapsed(c) for line in c.source.splitlines())
    return Stats(
        name=path.stem,
        words=sum(words(m) for m in markdown),
        code=sum(len(code_lines(c.source)) for c in code),
        asserts=asserts,
        notes=sum(len(_NOTE.findall(m)) for m in markdown),
    )


def table(paths: list[Path]) -> str:
    rows = [measure(p) for p in paths]
    lines = ["| notebook | words | code lines | visible asserts | source-post notes |",
             "|---|---|---|---|---|"]
    lines += [f"| {s.name} | {s.words:,} | {s.code} | {s.asserts} | {s.notes} |"
              for s in rows]
    for label, pick in (("01-06", lambda s: "01" <= s.name[:2] <= "06"),
                        ("07 on", lambda s: s.name[:2] >= "07")):
        group = [s for s in rows if pick(s)]
        if group:
            lines.append(f"| {label} together | {sum(s.words for s in group):,} | "
                         f"{sum(s.code for s in group)} | {sum(s.asserts for s in group)} | "
                         f"{sum(s.notes for s in group)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table([Path(a) for a in sys.argv[1:]] or NOTEBOOKS))
