"""Rate and distortion (notebooks/14_rate_distortion): the MLP VAE with a fixed decoder
variance against the closed-form beta-optimum of the linear VAE, over seeds; the beta
sweep's largest distance from the closed-form curve; KL warm-up on the digits model.

    python -m benchmarks.rate_distortion [--seeds 0 1 2] [--no-save]

Each function returns rows (dicts) for ``benchmarks/run.py``; ``main`` prints them as
tables and writes them as ``vae_tutorial/results/rate_distortion.json``
(``save_results``), where notebook 14 reads the numbers it quotes (``load_results``).
Training times are wall-clock seconds on this machine (the load average is
printed, since a busy machine slows everything down).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from vae_tutorial import (
    SOURCE_COV,
    converged_config,
    digits_config,
    digits_dataset,
    iwae_nll,
    run_model,
    source_dataset,
)
from vae_tutorial.rate_distortion import (
    active_units,
    beta_optimum,
    beta_sweep,
    distance_to_curve,
)
from vae_tutorial.results import save_results

from .common import dict_table, load

VARIANCE = 0.5  # the fixed decoder variance sigma^2 of the issue and of notebook 14
CHECK_BETAS = (0.5, 1.0, 2.0, 4.0)
SWEEP_BETAS = tuple(2.0 ** (np.arange(-4, 7) / 2))  # 0.25 ... 8; notebook 14 uses 7 of them
# Notebook 14's digits runs: digits_config with these overrides, with and without a
# KL warm-up over the first WARMUP_EPOCHS epochs.
DIGITS = dict(beta=8.0, num_epochs=20)
WARMUP_EPOCHS = 10



def closed_form_rows(seeds=(0, 1, 2), betas=CHECK_BETAS, data_seed: int | None = 0
                     ) -> list[dict]:
    """converged_config with sigma^2 = 0.5 fixed on the source data against the closed
    form: rate and distortion, nats.  The model is seeded by each of ``seeds``; the data
    by ``data_seed`` (0: the source data of the notebooks; None: the model's seed).
    ``test_cov_rate`` is the closed form for the test points' own covariance, which
    takes their sampling noise out of the comparison."""
    rows = []
    for seed in seeds:
        train, test = source_dataset(seed=seed if data_seed is None else data_seed)
        test_cov = np.cov(test.T.astype(np.float64))
        cfg = converged_config(decoder_variance=VARIANCE, seed=seed, progress=False)
        for beta in betas:
            start = time.perf_counter()
            (point,) = beta_sweep(cfg, [beta], train, test)
            seconds = time.perf_counter() - start
            opt = beta_optimum(SOURCE_COV, beta, VARIANCE)
            rows.append({"seed": seed, "beta": beta, "rate": point.rate,
                         "closed_rate": opt.rate, "rate_gap": point.rate - opt.rate,
                         "test_cov_rate": beta_optimum(test_cov, beta, VARIANCE).rate,
                         "distortion": point.distortion,
                         "closed_distortion": opt.distortion,
                         "train_s": seconds})
    return rows


def sweep_rows(seed: int = 0, betas=SWEEP_BETAS) -> list[dict]:
    """Notebook 14's sweep: each model's distance from the closed-form curve."""
    train, test = source_dataset(seed=seed)
    cfg = converged_config(decoder_variance=VARIANCE, seed=seed, progress=False)
    points = beta_sweep(cfg, betas, train, test)
    rates = np.array([p.rate for p in points])
    distortions = np.array([p.distortion for p in points])
    distances = distance_to_curve(rates, distortions, SOURCE_COV, VARIANCE)
    return [{"seed": seed, "beta": p.beta, "rate": p.rate, "distortion": p.distortion,
             "distance": float(dist)} for p, dist in zip(points, distances)]


def digits_warmup_rows(seeds=(0, 1, 2), num_samples: int = 100) -> list[dict]:
    """The digits model with and without KL warm-up: active units (of 16), rate,
    D + beta R and test NLL (IWAE, ``num_samples``), on the 447 test images."""
    train, _, test = digits_dataset()
    rows = []
    for seed in seeds:
        for warmup in (0, WARMUP_EPOCHS):
            cfg = digits_config(**DIGITS, kl_warmup_epochs=warmup, seed=seed,
                                progress=False)
            start = time.perf_counter()
            run = run_model(cfg, train, test)
            seconds = time.perf_counter() - start
            total, recon, kl = run.test_losses[-1]
            rows.append({"seed": seed, "warmup": warmup,
                         "active": active_units(run.model, test), "rate": float(kl),
                         "objective": float(total),
                         "nll": iwae_nll(run.model, test, num_samples, seed=1,
                                         max_rows=2**13),
                         "train_s": seconds})
    return rows



def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--no-save", action="store_true",
                        help="print only; leave vae_tutorial/results/ as it is")
    args = parser.parse_args(argv)
    load_before = load()
    print(load_before)
    start = time.perf_counter()
    columns = ["seed", "beta", "rate", "closed_rate", "rate_gap", "test_cov_rate",
               "distortion", "closed_distortion", "train_s"]
    closed = closed_form_rows(tuple(args.seeds))
    print(f"\n## MLP VAE (converged_config, sigma^2 = {VARIANCE} fixed) vs the closed "
          "form: model seeds, the source data (data seed 0)\n")
    print(dict_table(closed, columns))
    worst = max(abs(r["rate_gap"]) for r in closed)
    print(f"largest |rate - closed form|: {worst:.4f} nats")
    resampled = closed_form_rows(tuple(args.seeds), data_seed=None)
    print("\n## the same with the data drawn with each seed too\n")
    print(dict_table(resampled, columns))
    worst = max(abs(r["rate_gap"]) for r in resampled)
    print(f"largest |rate - closed form|: {worst:.4f} nats")
    sweep = sweep_rows()
    print("\n## beta sweep (seed 0): distance from the closed-form curve\n")
    print(dict_table(sweep, ["beta", "rate", "distortion", "distance"]))
    print(f"largest distance: {max(r['distance'] for r in sweep):.4f} nats")
    digits = digits_warmup_rows(tuple(args.seeds))
    print(f"\n## digits_config({DIGITS}) with and without KL warm-up\n")
    print(dict_table(digits, ["seed", "warmup", "active", "rate", "objective", "nll",
                         "train_s"], "{:.2f}"))
    load_after = load()
    print(load_after)
    results = {"closed_form": closed, "closed_form_resampled": resampled,
               "sweep": sweep, "digits_warmup": digits, "seeds": list(args.seeds),
               "digits_settings": dict(DIGITS, kl_warmup_epochs=WARMUP_EPOCHS),
               "total_s": time.perf_counter() - start, "load_before": load_before,
               "load_after": load_after, "machine": platform.processor()
               or platform.machine()}
    if not args.no_save:
        print(f"wrote {save_results('rate_distortion', results)}")
    return results


if __name__ == "__main__":
    main()
