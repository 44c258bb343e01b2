"""Helpers every benchmark uses: interleaved best-of timing, the load, dict-row tables."""

from __future__ import annotations

import os
import time


def best_of_interleaved(fns: dict, repeats: int) -> dict:
    """Best of ``repeats`` for each of ``fns``, calling them in turn (a, b, a, b, ...) so a
    burst of load on the machine hits all of them alike."""
    times = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def load() -> str:
    return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())


def dict_table(rows: list[dict], columns: list[str], fmt: str = "{:.4f}") -> str:
    """Rows (dicts) as a fixed-width text table of ``columns``; floats with ``fmt``."""
    def cell(value):
        return fmt.format(value) if isinstance(value, float) else str(value)

    cells = [[cell(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells))
              for i, c in enumerate(columns)]
    lines = [" | ".join(c.rjust(w) for c, w in zip(columns, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)
