"""Beyond the Gaussian (notebooks/12_beyond_gaussian and 13_gap_split): quadrature
against IWAE (agreement, grid errors and time), the gap split for the source Gaussian and
three mixtures (seeds 0-2) next to an EM-fitted mixture, what narrows each gap on the
ring (seeds 0-2), and the best ring VAE trained in about 10 seconds.

    python -m benchmarks.beyond_gaussian [--repeats 3] [--seeds 0 1 2] [--no-save]

Every time is the best of ``repeats`` runs; the load average is printed, since a busy
machine slows everything down.  The results are written to
``vae_tutorial/results/beyond_gaussian.json`` (``save_results``), where the notebooks
read the numbers they quote.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    converged_config,
    default_config,
    iwae_nll,
    run_model,
    source_dataset,
    true_log_prob,
)
from vae_tutorial.analysis import isotropic_exact_fit, linear_vae
from vae_tutorial.gaps import gap_split
from vae_tutorial.iwae_training import train_iwae
from vae_tutorial.mixtures import em_baseline, mixture_dataset, mixture_preset
from vae_tutorial.quadrature import grid_error, quadrature_nll
from vae_tutorial.results import load_results, save_results

from .common import best_of_interleaved, dict_table, load

# The VAE each data set gets: the tutorial's tuned network, except on the ring, whose
# eight modes need two hidden layers and a lower learning rate (notebook 12).
CONFIGS = {
    "source": {},
    "skewed": {},
    "banana": {},
    "ring": dict(hidden_dim=128, hidden_layers=2, lr=5e-3),
}
# Candidates for the best ring model within ~10 s of training: (name, config, IWAE K or
# 0 for the ELBO).
RING_CANDIDATES = [
    ("ELBO, 2x128 tanh, 800 steps", dict(hidden_dim=128, hidden_layers=2, lr=5e-3), 0),
    ("ELBO, 2x128 tanh, 1600 steps",
     dict(hidden_dim=128, hidden_layers=2, lr=5e-3, num_epochs=40), 0),
    ("IWAE K=8, 2x64 tanh, 800 steps", dict(hidden_layers=2, lr=5e-3), 8),
    ("IWAE K=8, 2x128 tanh, 800 steps",
     dict(hidden_dim=128, hidden_layers=2, lr=5e-3), 8),
    ("IWAE K=16, 2x64 tanh, 800 steps", dict(hidden_layers=2, lr=5e-3), 16),
    ("IWAE K=8, 2x128 tanh, 1600 steps",
     dict(hidden_dim=128, hidden_layers=2, lr=5e-3, num_epochs=40), 8),
]
# Notebook 13's variants on the ring, 400 Adam steps each: (name, config, IWAE K or 0).
RING_STEPS = dict(hidden_layers=2, lr=5e-3, num_epochs=10)
NARROWING = [
    ("64 units, ELBO", dict(RING_STEPS), 0),
    ("128 units, ELBO", dict(RING_STEPS, hidden_dim=128), 0),
    ("64 units, ELBO, num_mc 8", dict(RING_STEPS, num_mc=8), 0),
    ("64 units, IWAE K=8", dict(RING_STEPS), 8),
]


def dataset(name: str, seed: int):
    """(train, test, exact log-density function) of a data set."""
    if name == "source":
        train, test = source_dataset(seed)
        return train, test, lambda x: true_log_prob(x, SOURCE_MU, SOURCE_COV)
    train, test = mixture_dataset(name, seed)
    return train, test, mixture_preset(name).log_prob


def bench_quadrature(repeats: int = 3) -> list[dict]:
    """Quadrature against closed forms and IWAE, and its time against IWAE (K = 1000) on
    the 2,500 source test points: for the converged 64-unit model and the source
    post's 512-unit one."""
    train, test = source_dataset(0)
    fit = isotropic_exact_fit(SOURCE_COV, 0.25)
    linear = linear_vae(fit.w, fit.psi, np.array(SOURCE_MU))
    closed = -true_log_prob(test, SOURCE_MU, SOURCE_COV)
    linear_err = float(np.abs(quadrature_nll(linear, test, per_point=True)
                              - closed).max())
    rows = []
    for name, cfg in (("converged (64 units)", converged_config(progress=False)),
                      ("source post (512 units)",
                       default_config(progress=False, sample_each_step=False))):
        model = run_model(cfg, train, test).model
        quad = quadrature_nll(model, test)
        iwae5000 = iwae_nll(model, test, 5000, seed=1)
        error = grid_error(model, test[:500])
        rows.append(dict(
            model=name, quadrature=quad, iwae_5000=iwae5000, diff=quad - iwae5000,
            linear_max_err=linear_err, halved_spacing=error["halved_spacing"],
            wider_box=error["wider_box"],
            **best_of_interleaved({"quad_s": lambda m=model: quadrature_nll(m, test),
                                 "iwae1000_s": lambda m=model: iwae_nll(m, test, 1000)},
                                repeats)))
    return rows


def em_model_gap(train, test, exact_lp) -> tuple[int, float]:
    """The EM baseline (1..10 components, lowest BIC): its number of components and its
    exact test NLL minus the data's."""
    k, log_prob = em_baseline(train, test)
    return k, float(-log_prob.mean() + exact_lp.mean())


def bench_gaps(seeds=(0, 1, 2), n_test: int = 500) -> list[dict]:
    """The gap split of each data set's VAE on ``n_test`` test points, per seed, with
    the EM baseline's model gap."""
    rows = []
    for name, overrides in CONFIGS.items():
        for seed in seeds:
            train, test, log_prob = dataset(name, seed)
            cfg = converged_config(progress=False, seed=seed, **overrides)
            start = time.perf_counter()
            model = run_model(cfg, train, test).model
            seconds = time.perf_counter() - start
            x, lp = test[:n_test], log_prob(test[:n_test])
            split = gap_split(model, x, lp)
            k, em_gap = em_model_gap(train, x, lp)
            rows.append(dict(data=name, seed=seed, train_s=seconds, **split._asdict(),
                             em_k=k, em_model_gap=em_gap))
    return rows


def bench_narrowing(seeds=(0, 1, 2), n_test: int = 500) -> list[dict]:
    """Notebook 13's four ring variants (400 steps each) per seed: the gap split, and
    for every model the IWAE bound's own gap -L_8 - (-log p_theta) with its encoder as
    the proposal (the objective the IWAE model was trained on)."""
    rows = []
    for seed in seeds:
        train, test, log_prob = dataset("ring", seed)
        x, lp = test[:n_test], log_prob(test[:n_test])
        for name, overrides, num_samples in NARROWING:
            cfg = converged_config(progress=False, seed=seed, **overrides)
            if num_samples:
                model = train_iwae(cfg, train, num_samples)[0]
            else:
                model = run_model(cfg, train, test).model
            split = gap_split(model, x, lp)
            rows.append(dict(vae=name, seed=seed, **split._asdict(),
                             iwae8_gap=iwae_nll(model, x, 8) - split.model_nll))
    return rows


def bench_q_convergence(seed: int = 0, n_test: int = 500) -> dict:
    """The ring model's gap split with q* run twice as long with twice the draws per
    step (600 steps x 32): how far the default q* (300 x 16) is from converged."""
    train, test, log_prob = dataset("ring", seed)
    cfg = converged_config(progress=False, seed=seed, **CONFIGS["ring"])
    model = run_model(cfg, train, test).model
    x, lp = test[:n_test], log_prob(test[:n_test])
    short = gap_split(model, x, lp)
    longer = gap_split(model, x, lp, num_steps=600, q_samples=32)
    return {"diag_change": longer.neg_elbo_diag - short.neg_elbo_diag,
            "full_change": longer.neg_elbo_full - short.neg_elbo_full,
            "short": short._asdict(), "longer": longer._asdict()}


def bench_ring_best(seed: int = 0, n_test: int = 500) -> list[dict]:
    """Ring VAEs trained for at most ~10 s each: time, gap split, EM next to them."""
    train, test, log_prob = dataset("ring", seed)
    x, lp = test[:n_test], log_prob(test[:n_test])
    k, em_gap = em_model_gap(train, x, lp)
    rows = []
    for name, overrides, num_samples in RING_CANDIDATES:
        cfg = converged_config(progress=False, seed=seed, **overrides)
        start = time.perf_counter()
        if num_samples:
            model = train_iwae(cfg, train, num_samples)[0]
        else:
            model = run_model(cfg, train, test).model
        seconds = time.perf_counter() - start
        split = gap_split(model, x, lp)
        rows.append(dict(vae=name, train_s=seconds, **split._asdict(),
                         iwae_1000=iwae_nll(model, x, 1000) + lp.mean(),
                         em_k=k, em_model_gap=em_gap))
    return rows



PARTS = ("quadrature", "gaps", "narrowing", "q_convergence", "ring")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS),
                        help="run only these parts and update them in the saved results")
    parser.add_argument("--no-save", action="store_true",
                        help="do not write vae_tutorial/results/beyond_gaussian.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    seeds = tuple(args.seeds)
    load_before = os.getloadavg()
    print(f"torch threads 1, {load()}")
    results = {}
    if "quadrature" in args.only:
        results["quadrature"] = quad = bench_quadrature(args.repeats)
        print("\nQuadrature (200 x 200 grid on [-6, 6]^2) vs IWAE, 2,500 source test "
              "points")
        print(dict_table(quad, ["model", "quadrature", "iwae_5000", "diff",
                                "linear_max_err", "halved_spacing", "wider_box",
                                "quad_s", "iwae1000_s"], "{:.3g}"))
    if "gaps" in args.only:
        results["gaps"] = gaps = bench_gaps(seeds)
        print("\nGap split, nats per point (500 test points): total = amortization + "
              "diagonal + non-Gaussian + model")
        print(dict_table(gaps, ["data", "seed", "train_s", "neg_elbo", "data_nll",
                                "total", "amortization", "diagonal", "non_gaussian",
                                "model", "multistart_gain", "em_k", "em_model_gap"]))
    if "narrowing" in args.only:
        results["narrowing"] = narrowing = bench_narrowing(seeds)
        print("\nRing: what narrows which gap (400 steps each, 500 test points)")
        print(dict_table(narrowing, ["vae", "seed", "total", "amortization", "diagonal",
                                     "non_gaussian", "model", "multistart_gain",
                                     "iwae8_gap"]))
    if "q_convergence" in args.only:
        results["q_convergence"] = conv = bench_q_convergence(seeds[0])
        print(f"\nRing, seed {seeds[0]}: q* with 600 steps x 32 draws instead of "
              f"300 x 16 moves -ELBO(q*_diag) by {conv['diag_change']:+.4f} and "
              f"-ELBO(q*_full) by {conv['full_change']:+.4f} nats")
    if "ring" in args.only:
        results["ring"] = ring = bench_ring_best(seeds[0])
        print(f"\nRing: the best VAE in ~10 s of training (seed {seeds[0]}, 500 test "
              "points)")
        print(dict_table(ring, ["vae", "train_s", "total", "amortization",
                                "approximation", "model", "iwae_1000", "em_k",
                                "em_model_gap"]))
    print(f"\n{load()}")
    machine = {"torch_threads": 1, "load_average_before": load_before,
               "load_average_after": os.getloadavg(),
               "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    results["machine"] = {part: machine for part in results}
    if not args.no_save:
        saved = {}
        if set(args.only) != set(PARTS):  # update these parts of the saved results
            try:
                saved = load_results("beyond_gaussian")
            except ValueError:
                pass
        machine = {**saved.get("machine", {}), **results.pop("machine")}
        saved.update(json.loads(json.dumps(results, default=float)))  # numpy -> float
        saved["machine"] = json.loads(json.dumps(machine, default=float))
        print(f"wrote {save_results('beyond_gaussian', saved)}")
    return results


if __name__ == "__main__":
    main()
