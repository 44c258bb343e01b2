"""Run notebooks as a reader who experiments would: with the seed changed (and 00 with
fewer epochs), and at the page's own settings with one wrong number injected into its
checks cell. Print pass/fail per page and run.

    .venv/bin/python tools/try_experiments.py notebooks/00_vae_in_one_page.py ...
    .venv/bin/python tools/try_experiments.py --seed 1 --epochs 5 notebooks/0[0-6]*.py

A changed run passes when the page ends without an error and its checks cell printed
the one "Checks skipped" line; an injected run passes when the page fails (the wrong
number is caught). Every run edits a copy of the Jupytext source in memory and executes
it with nbclient in a temporary folder; nothing in the repository is written. Run one
at a time with OMP_NUM_THREADS=1 on a shared machine.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbclient
from nbclient.exceptions import CellExecutionError

SKIPPED = "Checks skipped"
SETUP_SEED = re.compile(r"setup_notebook\(seed=(\d+)\)")
EPOCHS_20 = re.compile(r"\bnum_epochs(\s*=\s*)20\b")


def change_seed(text: str, seed: int) -> str:
    """The page with its ``setup_notebook(seed=...)`` seed changed to ``seed``."""
    if not SETUP_SEED.search(text):
        raise ValueError("no setup_notebook(seed=...) call to change")
    return SETUP_SEED.sub(f"setup_notebook(seed={seed})", text, count=1)


def change_epochs(text: str, epochs: int) -> str:
    """00's training length: every ``num_epochs=20`` (or ``num_epochs = 20``) set to
    ``epochs``, as a reader following its exercise would."""
    changed, count = EPOCHS_20.subn(rf"num_epochs\g<1>{epochs}", text)
    if not count:
        raise ValueError("no num_epochs = 20 to change")
    return changed


def checks_cell(notebook) -> int:
    """The index of the notebook's checks cell (tagged "checks")."""
    found = [i for i, cell in enumerate(notebook.cells)
             if "checks" in cell.metadata.get("tags", [])]
    if len(found) != 1:
        raise ValueError(f"expected one checks cell, found {len(found)}")
    return found[0]


def inject_wrong_number(text: str) -> str:
    """The page with the last ``< 0.x`` bound asserted in its checks cell made 100
    times tighter: a number the page can no longer meet, where its own settings are
    asserted (the end of the cell, inside ``own_settings``)."""
    notebook = jupytext.reads(text, fmt="py:percent")
    cell = notebook.cells[checks_cell(notebook)]
    lines = cell.source.splitlines()
    for i in reversed(range(len(lines))):
        match = re.search(r"<\s*(0\.\d+)", lines[i])
        if "assert" in lines[i] and match:
            tighter = f"{float(match.group(1)) / 100:g}"
            lines[i] = lines[i][:match.start(1)] + tighter + lines[i][match.end(1):]
            cell.source = "\n".join(lines)
            return jupytext.writes(notebook, fmt="py:percent")
    raise ValueError("no '< 0.x' bound asserted in the checks cell")


def run_text(text: str, timeout: int = 600) -> tuple[bool, str, str]:
    """Execute the page ``text`` (Jupytext percent format) in a fresh kernel in a
    temporary folder: (ran without an error, the checks cell's printed text, the
    error's last line or '')."""
    notebook = jupytext.reads(text, fmt="py:percent")
    index = checks_cell(notebook)
    with tempfile.TemporaryDirectory() as folder:
        client = nbclient.NotebookClient(notebook, timeout=timeout,
                                         kernel_name="python3",
                                         resources={"metadata": {"path": folder}})
        try:
            client.execute()
            ok, error = True, ""
        except CellExecutionError as err:
            ok = False
            error = (getattr(err, "ename", "") + ": " + getattr(err, "evalue", "")
                     ).strip(": ")
            plain = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).splitlines()
            where = [line.split("---->", 1)[1].strip() for line in plain
                     if "---->" in line]
            if where:  # the line that raised, e.g. the assert that failed
                error = f"{error} at: {where[-1]}"
    printed = "".join(out.get("text", "") for out in notebook.cells[index].outputs
                      if out.get("output_type") == "stream")
    return ok, printed, error


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--seed", type=int, default=1, help="the changed seed")
    parser.add_argument("--epochs", type=int, default=5,
                        help="00's changed number of epochs (from 20)")
    parser.add_argument("--no-inject", action="store_true",
                        help="skip the own-settings run with a wrong number")
    args = parser.parse_args(argv)
    failures = 0
    for path in args.notebooks:
        text = path.read_text()
        runs = {f"seed {args.seed}": lambda t: change_seed(t, args.seed)}
        if path.name.startswith("00_"):
            runs[f"{args.epochs} epochs"] = lambda t: change_epochs(t, args.epochs)
        if not args.no_inject:
            runs["own settings, wrong number"] = inject_wrong_number
        for name, edit in runs.items():
            started = time.perf_counter()
            try:
                ok, printed, error = run_text(edit(text))
            except ValueError as err:  # the page offers nothing to change
                print(f"FAIL {path.name} [{name}]: cannot edit: {err}", flush=True)
                failures += 1
                continue
            seconds = time.perf_counter() - started
            if name.startswith("own"):
                passed = not ok
                detail = f"failed as it should: {error}" if passed else "ran clean"
            else:
                passed = ok and SKIPPED in printed
                detail = error if not ok else next(
                    (line for line in printed.splitlines() if SKIPPED in line),
                    "ran clean, but no 'Checks skipped' line: are the checks "
                    "wrapped in own_settings?")
            failures += not passed
            print(f"{'PASS' if passed else 'FAIL'} {path.name} [{name}] "
                  f"{seconds:.0f} s: {detail[:160]}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
