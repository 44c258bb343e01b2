"""Benchmark results that notebooks quote: written by ``make bench``, committed as JSON
inside the package (``vae_tutorial/results/NAME.json``) so that a notebook reads them in
a clone and on Colab alike, instead of numbers typed into its prose."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def load_results(name: str) -> dict:
    """The committed results ``name`` (e.g. ``"digits"``), written by ``make bench``."""
    path = resources.files("vae_tutorial") / "results" / f"{name}.json"
    if not path.is_file():
        known = sorted(p.stem for p in RESULTS_DIR.glob("*.json"))
        raise ValueError(f"no benchmark results named {name!r}; known: {known} "
                         "(written by `make bench`)")
    return json.loads(path.read_text(encoding="utf-8"))


def save_results(name: str, results: dict) -> Path:
    """Write ``results`` (JSON-serialisable) as ``vae_tutorial/results/NAME.json``."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    text = json.dumps(results, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
