"""The VAE inside latent diffusion (notebooks/15_latent_diffusion): a beta sweep of the
conv VAE with 4 x 7 x 7 latent maps on MNIST (rate, distortion, test -ELBO), the scaling
factor of each, and at ``BETA`` a second stage on the scaled latents with the two-stage
bound beside the single model's -ELBO; seeds 0-2, mean and sd; saved with
``save_results("latent_diffusion", ...)`` for the notebook's ``load_results``.

    python -m benchmarks.latent_diffusion [--seeds 0 1 2] [--threads 1] [--quick]

Times are wall-clock seconds on this machine (the load average is printed, since a busy
machine slows everything down).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from vae_tutorial import mnist_config, run_model
from vae_tutorial.latent_diffusion import (
    encode_latents,
    latent_scale,
    scaled_latents,
    second_stage_config,
    two_stage_bound,
)
from vae_tutorial.mnist import binarize, mnist_dataset
from vae_tutorial.results import save_results

from .common import dict_table, load

LATENT_SHAPE = (4, 7, 7)
BETAS = (1.0, 1e-1, 1e-2, 1e-3, 1e-4)
BETA = 1e-3  # the first stage that gets a second stage
TRAIN_COPY_SEED = 3  # the binarised copy of the training images that is encoded
BOUND_SAMPLES = 10  # draws of z per test image in the two-stage bound
SECOND_KS = (1, 100)  # the second stage's IWAE K inside the bound


def first_stage_config(beta: float, seed: int, **overrides):
    return mnist_config(network="conv", latent_shape=LATENT_SHAPE,
                        latent_dim=int(np.prod(LATENT_SHAPE)), beta=beta, seed=seed,
                        progress=False, **overrides)


def mean_sd(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def seed_rows(seed: int, data, quick: bool) -> tuple[list[dict], dict]:
    train, _, test = data
    train_copy = binarize(train, TRAIN_COPY_SEED)
    epochs = {"num_epochs": 1} if quick else {}
    rows, first = [], None
    for beta in BETAS:
        start = time.perf_counter()
        result = run_model(first_stage_config(beta, seed, **epochs), train, test)
        seconds = time.perf_counter() - start
        _, recon, kl = result.test_losses[-1]
        scale = latent_scale(result.model, train_copy, seed=seed)
        rows.append({"seed": seed, "beta": beta, "rate": float(kl),
                     "distortion": float(recon), "neg_elbo": float(recon + kl),
                     "latent_std": 1 / scale, "scale": scale, "train_s": seconds})
        print(dict_table(rows[-1:], list(rows[-1]), fmt="{:.4g}"), flush=True)
        if beta == BETA:
            first = (result.model, scale, float(recon + kl))
    model, scale, single = first
    u_train = scaled_latents(model, train_copy, scale, seed=seed)
    u_test = scaled_latents(model, test, scale, seed=seed + 1)
    cfg2 = second_stage_config(u_train.shape[1], seed=seed,
                               **({"num_epochs": 1} if quick else {}))
    start = time.perf_counter()
    second = run_model(cfg2, u_train, u_test).model
    seconds = time.perf_counter() - start
    bounds = {k: two_stage_bound(model, second, scale, test, BOUND_SAMPLES, k,
                                 seed=seed)._asdict() for k in SECOND_KS}
    z_test = encode_latents(model, test, seed=seed + 1)
    two = {"seed": seed, "beta": BETA, "scale": scale,
           "scaled_std_train": float(np.std(u_train.astype(np.float64), ddof=1)),
           "scaled_std_test": float((scale * z_test.double()).std()),
           "single_neg_elbo": single, "second_train_s": seconds,
           **{f"bound_k{k}": b["total"] for k, b in bounds.items()},
           "parts_k1": bounds[1]}
    print({k: v for k, v in two.items() if k != "parts_k1"}, flush=True)
    return rows, two


def summary(rows: list[dict], twos: list[dict]) -> dict:
    sweep = []
    for beta in BETAS:
        group = [r for r in rows if r["beta"] == beta]
        entry = {"beta": beta}
        for key in ("rate", "distortion", "neg_elbo", "latent_std", "scale", "train_s"):
            entry[f"{key}_mean"], entry[f"{key}_sd"] = mean_sd([r[key] for r in group])
        sweep.append(entry)
    two = {}
    for key in ("scale", "scaled_std_train", "scaled_std_test", "single_neg_elbo",
                *(f"bound_k{k}" for k in SECOND_KS), "second_train_s"):
        two[f"{key}_mean"], two[f"{key}_sd"] = mean_sd([t[key] for t in twos])
    for part in ("recon", "entropy", "prior", "second", "jacobian"):
        two[f"{part}_mean"], two[f"{part}_sd"] = mean_sd(
            [t["parts_k1"][part] for t in twos])
    return {"sweep": sweep, "two_stage": two}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: as set by the environment)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: 1 epoch each, results not saved")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    data = mnist_dataset(binarized=True)
    print(f"latent diffusion: {torch.get_num_threads()} torch threads, {load()}",
          flush=True)
    rows, twos = [], []
    for seed in args.seeds:
        seed_row, two = seed_rows(seed, data, args.quick)
        rows += seed_row
        twos.append(two)
    out = summary(rows, twos)
    table = [{"beta": f"{e['beta']:g}",
              **{k: f"{e[f'{k}_mean']:.2f} ± {e[f'{k}_sd']:.2f}"
                 for k in ("rate", "distortion", "neg_elbo", "latent_std")},
              "train s": e["train_s_mean"]} for e in out["sweep"]]
    print(f"\n## Latent maps {LATENT_SHAPE} on MNIST (500 test images): nats per image, "
          f"mean ± sd over seeds {args.seeds}; {torch.get_num_threads()} threads\n")
    print(dict_table(table, list(table[0]), fmt="{:.1f}"))
    print(f"\ntwo-stage at beta = {BETA}: " + ", ".join(
        f"{k} {v:.3f}" for k, v in out["two_stage"].items()) + f"; {load()}")
    results = {**out, "rows": rows, "two_stage_rows": twos, "betas": list(BETAS),
               "beta": BETA, "latent_shape": list(LATENT_SHAPE),
               "bound_samples": BOUND_SAMPLES, "second_ks": list(SECOND_KS),
               "seeds": list(args.seeds), "threads": torch.get_num_threads(),
               "cpus": os.cpu_count(), "load_average_end": list(os.getloadavg()),
               "date": time.strftime("%Y-%m-%d %H:%M:%S"), "test_images": len(data[2])}
    if not args.quick:
        print(f"wrote {save_results('latent_diffusion', results)}")
    return results


if __name__ == "__main__":
    main()
