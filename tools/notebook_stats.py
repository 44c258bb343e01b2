"""How long each notebook is to read, measured from its .py source (issue 15's table).

Per notebook:
- words: markdown words, not counting math ($...$, $$...$$, \\begin...\\end), code spans and
  blocks, HTML tags or link targets;
- code: non-blank, non-comment lines of code cells; `shown_code`: those of the cells the
  reader sees (not collapsed);
- minutes: the reading time, `reading_minutes`: words at WORDS_PER_MINUTE, the code shown at
  CODE_LINES_PER_MINUTE, plus the notebook's run time where the site's execution cache has it
  (`run_seconds`). The landing page's cards (docs/_ext/notebook_map.py) use the same function;
- asserts: `assert` lines in code cells the reader sees (not in a collapsed cell: tagged
  `hide-cell`, or `source_hidden` in JupyterLab);
- notes: boxes for readers of the source post.

`BUDGETS` holds the limits, checked by tests/test_notebook_budgets.py. `PARTS` is the reading
order in parts, as the landing page and README.md show it.

    python tools/notebook_stats.py [NOTEBOOK.py ...]   (default: every notebooks/NN_*.py)
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import NamedTuple

import jupytext

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))

# Limits (issues 15 and 23): the one-page VAE and the core walk (00-06) are short; no notebook
# is long.
BUDGETS = {
    "words_00": 1000,  # the one-page VAE
    "words_core_each": 1250,  # each of 01-06
    "words_core_total": 7000,  # 01-06 together
    "words_each": 1500,  # every notebook from 07 on
    "asserts_core": 3,  # visible asserts in each of 00-06
    "asserts_later": 8,  # visible asserts in each of 07 onwards
    "notes_each": 1,  # boxes for readers of the source post
}

# The reading order, in parts (issue 23): (part, first notebook number, last notebook number).
PARTS = [
    ("Build it", 0, 6),
    ("On real data", 7, 8),
    ("How good is it", 9, 13),
    ("Trade-offs, and where VAEs went", 14, 15),
]

# Reading time: prose at 200 words a minute (a common figure for technical reading), code at
# 10 lines a minute (6 s to read a line and see what it does), plus the time to run it.
WORDS_PER_MINUTE = 200
CODE_LINES_PER_MINUTE = 10

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
    shown_code: int = 0


def part_of(name: str) -> str:
    """The part (PARTS) a notebook NN_topic belongs to."""
    number = int(name[:2])
    for part, first, last in PARTS:
        if first <= number <= last:
            return part
    raise ValueError(f"{name}: in no part of PARTS")


def reading_minutes(stats: Stats, run_seconds: float | None = None) -> int:
    """Minutes to read a notebook and run it: its words at WORDS_PER_MINUTE, the code the reader
    sees at CODE_LINES_PER_MINUTE, and its run time (`run_seconds`, where known), rounded up."""
    minutes = (stats.words / WORDS_PER_MINUTE + stats.shown_code / CODE_LINES_PER_MINUTE
               + (run_seconds or 0) / 60)
    return max(1, math.ceil(minutes))


def run_seconds(path: Path) -> float | None:
    """How long the notebook's last execution for the site took (the site's execution cache,
    docs/_build/jupyter_cache, filled by `make book` and `make test`), or None."""
    try:
        from jupyter_cache import get_cache

        sys.path.insert(0, str(ROOT))
        from tools.site_cache import execution_cache_path

        cache_dir = execution_cache_path()
        if not cache_dir.is_dir():
            return None
        nb = jupytext.reads(path.read_text(encoding="utf-8"), fmt="py:percent")
        record = get_cache(str(cache_dir)).match_cache_notebook(nb)
        return record.data.get("execution_seconds")
    except (KeyError, ImportError):
        return None


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
        shown_code=sum(len(code_lines(c.source)) for c in code if not is_collapsed(c)),
    )


def table(paths: list[Path]) -> str:
    """The Markdown table: one row per notebook, grouped by part, with each part's total."""
    rows = [(measure(p), run_seconds(p)) for p in paths]
    lines = ["| notebook | words | code lines | visible asserts | source-post notes | run s | "
             "reading minutes |", "|---|---|---|---|---|---|---|"]

    def row(label, group):
        seconds = [t for _, t in group if t is not None]
        run = f"{sum(seconds):.0f}" if len(seconds) == len(group) else "?"
        return (f"| {label} | {sum(s.words for s, _ in group):,} | "
                f"{sum(s.code for s, _ in group)} | {sum(s.asserts for s, _ in group)} | "
                f"{sum(s.notes for s, _ in group)} | {run} | "
                f"{sum(reading_minutes(s, t) for s, t in group)} |")

    for part, _, _ in PARTS:
        group = [(s, t) for s, t in rows if part_of(s.name) == part]
        lines += [row(s.name, [(s, t)]) for s, t in group]
        if len(group) > 1:
            lines.append(row(f"*{part}* together", group))
    lines.append(row("all together", rows))
    core = [(s, t) for s, t in rows if "01" <= s.name[:2] <= "06"]
    if core:
        lines.append(row("01-06 together", core))
    return "\n".join(lines) + (
        f"\n\nReading minutes: words at {WORDS_PER_MINUTE} a minute, code shown at "
        f"{CODE_LINES_PER_MINUTE} lines a minute, plus the run time (run s: from the site's "
        "execution cache; '?' where it has none).")


if __name__ == "__main__":
    print(table([Path(a) for a in sys.argv[1:]] or NOTEBOOKS))
