"""The digits table of ``make bench``: four models trained with the tutorial's recipe
(``run_model``: Adam, a cosine schedule, inputs / 16, the closed-form KL, 50 epochs, the
best validation epoch kept) and the intro_dgm reference (``intro_dgm_reference.py``:
Adamax, raw inputs, a one-sample KL, early stopping), for seeds 0-2, all scored the same
way on the 447 test images: -ELBO (100 samples per image) and the IWAE NLL for each K,
nats per image, with the standard error of each 447-image mean and, paired image by
image, of each model's difference from ``digits_config``.

The four recipe models are a 2 x 2 ablation: our network (one 512-unit ELU layer each
way) or the reference's (two 256-unit LeakyReLU layers), with weight decay 1e-2 or none.
So "reference network + weight decay" separates what the network and the weight decay
do from what the rest of the recipe does.

The results are written as ``vae_tutorial/results/digits.json`` (``save_results``; the
file notebook 11 reads), after every finished row, so a long run that is stopped keeps
what it measured ("complete": false until the end).

    python -m benchmarks.digits [--seeds 0 1 2] [--ks 1000 5000] [--repeats 1]
                                [--models NAME ...] [--no-save]
"""

from __future__ import annotations

import argparse
import os
import platform
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
from vae_tutorial.results import save_results
from vae_tutorial.training import run_model

from . import intro_dgm_reference
from .common import dict_table

KS = (1000, 5000)
ELBO_SAMPLES = 100
MAX_ROWS = 2**13  # rows per IWAE chunk: each decodes 64 x 17 logits
REFERENCE_NET = dict(hidden_layers=2, hidden_dim=256, activation="leaky_relu")
# name -> (what it is, digits_config overrides); None: the intro_dgm re-implementation.
MODELS = {
    "digits_config": ("ours: 1 x 512 ELU, weight decay 1e-2", {}),
    "ours_no_wd": ("ours without weight decay", {"weight_decay": 0.0}),
    "ref_net_wd": ("reference network, our recipe incl. weight decay 1e-2",
                   REFERENCE_NET),
    "ref_net_no_wd": ("reference network, our recipe without weight decay",
                      {**REFERENCE_NET, "weight_decay": 0.0}),
    "intro_dgm": ("intro_dgm re-implemented: 2 x 256 LeakyReLU, Adamax, raw inputs, "
                  "one-sample KL, early stopping", None),
}
# The search that chose digits_config (seed 0, validation -ELBO only), beside the
# ablation's rows: what each step changed.  name -> (what it is, overrides).
HISTORY = {
    "ref_net_adam_constant": ("reference network, Adam at a constant 1e-3, no weight "
                              "decay", {**REFERENCE_NET, "lr": 1e-3,
                                        "lr_schedule": "constant", "weight_decay": 0.0}),
    "tanh_no_wd": ("1 x 512 tanh, cosine schedule, no weight decay",
                   {"activation": "tanh", "weight_decay": 0.0}),
    "tanh_wd": ("1 x 512 tanh, cosine schedule, weight decay 1e-2",
                {"activation": "tanh"}),
    "latent_2d": ("digits_config with a 2-D latent (50 epochs, as the 16-D one)",
                  {"latent_dim": 2}),
}


def score(model, test, ks=KS) -> tuple[dict, dict]:
    """Test -ELBO (``ELBO_SAMPLES`` samples per image, seed 1) and IWAE NLL for each K
    (seed 0): the means over the images, their standard errors (sd / sqrt(N)), and the
    per-image values (for paired differences)."""
    per_image = {"neg_elbo": negative_elbo(model, test, ELBO_SAMPLES, seed=1,
                                           per_point=True, max_rows=MAX_ROWS)}
    for k in ks:
        per_image[f"iwae{k}"] = iwae_nll(model, test, k, seed=0, per_point=True,
                                         max_rows=MAX_ROWS).astype(np.float64)
    out = {}
    for key, values in per_image.items():
        out[key] = float(values.mean())
        out[key + "_se"] = float(values.std(ddof=1) / np.sqrt(len(values)))
    return out, per_image


def train(name: str, seed: int, data, repeats: int) -> tuple[torch.nn.Module, dict]:
    """Train model ``name`` with ``seed``; its training seconds (the best of
    ``repeats``: the same seed trains the same model every time) and the load."""
    train_data, val_data, test_data = data
    times, load_before = [], os.getloadavg()[0]
    for _ in range(repeats):
        start = time.perf_counter()
        if name == "intro_dgm":
            model, record = intro_dgm_reference.train_reference(seed, train_data,
                                                                val_data)
            epochs, best_epoch = record["epochs"], record["best_epoch"] + 1
            record = {"best_val": float(min(record["val_curve"]))}
        else:
            overrides = {**MODELS, **HISTORY}[name][1]
            cfg = digits_config(seed=seed, progress=False, **overrides)
            result = run_model(cfg, train_data, test_data, val_data)
            model, epochs, best_epoch = result.model, cfg.num_epochs, result.best_epoch
            record = {"best_val": float(result.val_losses[best_epoch, 0])}
        times.append(time.perf_counter() - start)
    return model, {"seed": seed, "seconds": min(times), "repeats": repeats,
                   "load_before": load_before, "load_after": os.getloadavg()[0],
                   "epochs": epochs, "best_epoch": best_epoch,
                   "parameters": sum(p.numel() for p in model.parameters()),
                   **record}


def summarise(rows: list[dict], keys: list[str]) -> dict:
    """Mean and sd (ddof=1) over seeds of each key."""
    out = {}
    for key in keys:
        values = [r[key] for r in rows]
        out[key] = {"mean": float(np.mean(values)),
                    "sd": float(np.std(values, ddof=1)) if len(values) > 1 else None}
    return out


def baseline() -> dict:
    """Exact NLL of the per-pixel categoricals fitted by counting (ignores z)."""
    train_data, val_data, test_data = digits_dataset()
    log_p = ignore_z_log_probs(train_data)
    per_image = ignore_z_nll(log_p, test_data, per_point=True)
    return {"test": float(per_image.mean()), "val": ignore_z_nll(log_p, val_data),
            "test_se": float(per_image.std(ddof=1) / np.sqrt(len(per_image)))}


def print_table(results: dict) -> None:
    ks = results["settings"]["ks"]
    keys = ["neg_elbo"] + [f"iwae{k}" for k in ks]
    print(f"\n## Digits: test NLL, nats per image ({results['settings']['test_images']} "
          f"test images; {results['settings']['torch_threads']} torch thread(s))\n")
    rows = []
    for name, entry in results["models"].items():
        for r in entry["rows"]:
            rows.append({"model": name, "seed": r["seed"], "params": r["parameters"],
                         "train s": r["seconds"], "load": r["load_before"],
                         "best/epochs": f"{r['best_epoch']}/{r['epochs']}",
                         **{k: r[k] for k in keys},
                         "SE": r[keys[-1] + "_se"],
                         "paired SE": r.get("paired_se", float("nan"))})
    print(dict_table(rows, list(rows[0]), "{:.2f}") if rows else "(no rows)")
    print(f"\nmean ± sd over seeds (IWAE K = {ks[-1]}):")
    for name, entry in results["models"].items():
        s = entry["summary"].get(keys[-1])
        if s and s["sd"] is not None:
            print(f"  {name:14s} {s['mean']:6.2f} ± {s['sd']:.2f} nats "
                  f"({bits_per_dim(s['mean']):.3f} bits/dim)  {entry['description']}")
    b = results["ignore_z_baseline"]
    print(f"  ignore-z baseline (exact): test {b['test']:.2f} ± {b['test_se']:.2f} (SE), "
          f"validation {b['val']:.2f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS))
    parser.add_argument("--repeats", type=int, default=1, help="timing repeats")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--skip-history", action="store_true",
                        help="leave out the search's extra settings (seed 0)")
    parser.add_argument("--no-save", action="store_true",
                        help="do not write vae_tutorial/results/digits.json")
    args = parser.parse_args(argv)
    data = digits_dataset()
    ks = tuple(args.ks)
    keys = ["neg_elbo"] + [f"iwae{k}" for k in ks]
    results = {
        "complete": False,
        "settings": {"seeds": args.seeds, "ks": list(ks), "elbo_samples": ELBO_SAMPLES,
                     "test_images": len(data[2]), "repeats": args.repeats,
                     "torch_threads": torch.get_num_threads(), "cpus": os.cpu_count(),
                     "python": platform.python_version(), "torch": torch.__version__,
                     "started": time.strftime("%Y-%m-%d %H:%M:%S")},
        "ignore_z_baseline": baseline(),
        "models": {name: {"description": MODELS[name][0],
                          "overrides": MODELS[name][1], "rows": [], "summary": {}}
                   for name in args.models},
    }
    results["history"] = {}
    for name in [] if args.skip_history else HISTORY:
        _, row = train(name, args.seeds[0], data, 1)
        results["history"][name] = {"description": HISTORY[name][0], **row}
        print(f"history {name}: validation -ELBO {row['best_val']:.2f}", flush=True)
        if not args.no_save:
            save_results("digits", results)
    ours = {}  # seed -> per-image values of digits_config, for paired differences
    for seed in args.seeds:
        for name in args.models:
            model, row = train(name, seed, data, args.repeats)
            scores, per_image = score(model, data[2], ks)
            row.update(scores)
            if name == "digits_config":
                ours[seed] = per_image
            elif seed in ours:  # SE of the image-by-image difference from ours
                diff = per_image[keys[-1]] - ours[seed][keys[-1]]
                row["paired_se"] = float(diff.std(ddof=1) / np.sqrt(len(diff)))
            entry = results["models"][name]
            entry["rows"].append(row)
            entry["summary"] = summarise(entry["rows"], ["seconds", "best_val"] + keys)
            print(f"{name} seed {seed}: {row['seconds']:.1f} s, "
                  + ", ".join(f"{k} {row[k]:.2f}" for k in keys), flush=True)
            if not args.no_save:
                save_results("digits", results)
    results["complete"] = True
    results["settings"]["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    if not args.no_save:
        print(f"wrote {save_results('digits', results)}")
    print_table(results)
    return results


if __name__ == "__main__":
    main()
