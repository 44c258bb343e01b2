"""The digits table of ``make bench``: ``digits_config`` on scikit-learn's digits for
seeds 0-2 (training seconds, test -ELBO, IWAE with K = 1000 and 5000), the exact NLL of
the baseline that ignores z, and the intro_dgm reference (``intro_dgm_reference.py``)
trained and scored the same way.  All numbers are nats per test image (447 images).

    python -m benchmarks.digits [--seeds 0 1 2] [--repeats 3] [--skip-reference]

``main()`` returns the rows; ``benchmarks/run.py`` can call ``digits_rows`` /
``reference_rows`` and ``print_tables``.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from vae_tutorial.analysis import negative_elbo
from vae_tutorial.config import digits_config
from vae_tutorial.digits import (
    bits_per_dim,
    digits_dataset,
    ignore_z_log_probs,
    ignore_z_nll,
)
from vae_tutorial.evaluation import iwae_nll
from vae_tutorial.training import run_model

from . import intro_dgm_reference

KS = (1000, 5000)
MAX_ROWS = 2**13  # rows per IWAE chunk: each decodes 64 x 17 logits


def score(model, test, ks=KS) -> dict:
    """Test -ELBO (100 samples per image) and IWAE NLL for each K (seed 0)."""
    out = {"neg_elbo": negative_elbo(model, test, 100, seed=1, max_rows=MAX_ROWS)}
    for k in ks:
        out[f"iwae{k}"] = iwae_nll(model, test, k, seed=0, max_rows=MAX_ROWS)
    return out


def digits_rows(seeds=(0, 1, 2), repeats: int = 3, ks=KS) -> list[dict]:
    """For each seed: ``run_model(digits_config(seed=...))`` with the validation set,
    timed (best of ``repeats``; the same seed trains the same model every time), then
    scored on the test set."""
    train, val, test = digits_dataset()
    rows = []
    for seed in seeds:
        cfg = digits_config(seed=seed, progress=False)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            result = run_model(cfg, train, test, val)
            times.append(time.perf_counter() - start)
        rows.append({"seed": seed, "seconds": min(times),
                     "best_epoch": result.best_epoch, "epochs": cfg.num_epochs,
                     **score(result.model, test, ks)})
    return rows


def baseline_nll() -> float:
    """Exact test NLL of the per-pixel categoricals fitted by counting (ignores z)."""
    train, _, test = digits_dataset()
    return ignore_z_nll(ignore_z_log_probs(train), test)


def print_tables(ours: list[dict], reference: list[dict] | None, baseline: float,
                 ks=KS) -> None:
    """One table: a row per model and seed, mean rows, the baseline; nats per image."""
    keys = ["neg_elbo"] + [f"iwae{k}" for k in ks]
    head = ["model", "seed", "train s", "best ep", "-ELBO"] + [f"IWAE {k}" for k in ks]
    print(f"\n## Digits: test NLL, nats per image (447 test images; "
          f"{torch.get_num_threads()} torch threads, load "
          f"{os.getloadavg()[0]:.1f})\n")
    print(" | ".join(head))
    groups = [("digits_config", ours)] + ([("intro_dgm ref", reference)]
                                          if reference else [])
    for name, rows in groups:
        for r in rows:
            print(" | ".join([name, str(r["seed"]), f"{r['seconds']:.1f}",
                              f"{r['best_epoch']}/{r['epochs']}"]
                             + [f"{r[k]:.2f}" for k in keys]))
        means = [np.mean([r[k] for r in rows]) for k in ["seconds"] + keys]
        print(" | ".join([name, "mean", f"{means[0]:.1f}", ""]
                         + [f"{m:.2f}" for m in means[1:]]))
    print(" | ".join(["ignore-z baseline (exact)", "", "", "", f"{baseline:.2f}"]
                     + [""] * len(ks)))
    best = np.mean([r[keys[-1]] for r in ours])
    print(f"\ndigits_config mean IWAE (K={ks[-1]}): {best:.2f} nats = "
          f"{bits_per_dim(best):.3f} bits/dim; baseline {bits_per_dim(baseline):.3f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args(argv)
    ours = digits_rows(tuple(args.seeds), args.repeats)
    reference = None if args.skip_reference else intro_dgm_reference.reference_rows(
        tuple(args.seeds), KS)
    baseline = baseline_nll()
    print_tables(ours, reference, baseline)
    return {"digits_config": ours, "intro_dgm_reference": reference,
            "ignore_z_baseline": baseline}


if __name__ == "__main__":
    main()
