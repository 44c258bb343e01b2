"""``make bench``: training time, distance to the exact likelihood, IWAE throughput, the
digits (beside a re-implementation of intro_dgm's VAE), quadrature and the gap split beyond
the Gaussian, beta against the closed form, and notebook execution times, printed as tables
and saved to ``benchmarks/results/latest.json``.  The digits part also writes
``vae_tutorial/results/digits.json``, the numbers notebook 11 quotes (``load_results``);
the rate_distortion part writes ``vae_tutorial/results/rate_distortion.json`` (notebook 14)
and the mnist part ``vae_tutorial/results/mnist.json`` (notebook 07).

Every time is the best of several runs (the least disturbed by other work on the machine);
the load average before and after is recorded, since a busy machine slows everything down.

    python -m benchmarks.run [--repeats 5] [--notebook-repeats 2] [--skip-notebooks]
                             [--skip PART ...]   (PART: digits, beyond_gaussian,
                                                  rate_distortion, mnist,
                                                  conditional, latent_diffusion)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    converged_config,
    default_config,
    iwae_nll,
    run_model,
    sample_gaussian,
    source_dataset,
    train_test_split,
    true_log_prob,
)
from vae_tutorial.analysis import ignore_z_ceiling, negative_elbo

from . import (
    beyond_gaussian,
    conditional,
    digits,
    latent_diffusion,
    mnist,
    rate_distortion,
)
from .common import best_of_interleaved
from .source_loop import run_source_model

ROOT = Path(__file__).resolve().parents[1]
SEEDS = (0, 1, 2, 3, 4)
# Other Gaussians for converged_config: different means, scales and correlations.
OTHER_GAUSSIANS = {
    "mu (-2, 3), sd (2, 1.5), rho -0.8": ((-2.0, 3.0), ((4.0, -2.4), (-2.4, 2.25))),
    "mu (0, 0), sd (0.5, 1), rho 0.1": ((0.0, 0.0), ((0.25, 0.05), (0.05, 1.0))),
    "mu (0, 0), sd (1, 1), rho 0.95": ((0.0, 0.0), ((1.0, 0.95), (0.95, 1.0))),
    "mu (5, -5), sd (3, 3), rho 0.95": ((5.0, -5.0), ((9.0, 8.55), (8.55, 9.0))),
}
OTHER_SEEDS = (0, 1, 2)
# Each prints its own tables and returns its rows (seeds 0-2).
PARTS = {"digits": digits.main, "beyond_gaussian": beyond_gaussian.main,
         "rate_distortion": rate_distortion.main, "mnist": mnist.main,
         "conditional": conditional.main,
         # one torch thread, as its committed results were measured
         "latent_diffusion": lambda argv: latent_diffusion.main(["--threads", "1",
                                                                 *argv])}


def best_of(fn, repeats: int) -> float:
    """The fastest of ``repeats`` calls of ``fn()``, in seconds."""
    return best_of_interleaved({"fn": fn}, repeats)["fn"]


def gaps(cfg, train, test, mu, cov) -> dict:
    """Train once; the test -ELBO (1-sample test-loss column and a 100-sample estimate) and
    IWAE (K = 1000) NLL minus the exact NLL of the same test points, nats per point."""
    start = time.perf_counter()
    result = run_model(cfg, train, test)
    seconds = time.perf_counter() - start
    exact = float(-true_log_prob(test, mu, cov).mean())
    return {
        "train_seconds": seconds,
        "exact_nll": exact,
        "test_loss_gap": float(result.test_losses[-1][0]) - exact,
        "neg_elbo_gap": negative_elbo(result.model, test, 100, seed=1) - exact,
        "iwae1000_gap": iwae_nll(result.model, test, 1000, seed=2) - exact,
        "kl": float(result.test_losses[-1][2]),
    }


def table(rows, headers, fmt):
    cells = [[(f if isinstance(v, float) else "{}").format(v) for v, f in zip(row, fmt)]
             for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print(" | ".join(h.ljust(w) if i == 0 else h.rjust(w)
                     for i, (h, w) in enumerate(zip(headers, widths))))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(row, widths))))



def bench_training(repeats: int) -> dict:
    train, test = source_dataset(0)
    source_cfg = default_config(progress=False)
    conv_cfg = converged_config(progress=False)
    out = {"threads": torch.get_num_threads()}
    fns = {"run_model_default": lambda: run_model(source_cfg, train, test),
           "source_loop_default": lambda: run_source_model(source_cfg, train, test),
           "run_model_converged": lambda: run_model(conv_cfg, train, test)}
    out.update(best_of_interleaved(fns, repeats))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        one = best_of_interleaved(fns, repeats)
    finally:
        torch.set_num_threads(threads)
    out.update({name + "_1_thread": value for name, value in one.items()})
    out["ratio_run_model_over_source_loop"] = (out["run_model_default"]
                                               / out["source_loop_default"])
    print(f"\n## Training time on the source data (best of {repeats}, "
          f"{out['threads']} torch threads)\n")
    table([("source post's loop (default settings)", out["source_loop_default"],
            out["source_loop_default_1_thread"]),
           ("run_model(default_config)", out["run_model_default"],
            out["run_model_default_1_thread"]),
           ("run_model(converged_config)", out["run_model_converged"],
            out["run_model_converged_1_thread"])],
          ["what", f"s, {threads} threads", "s, 1 thread"], ["{}", "{:.3f}", "{:.3f}"])
    out["ratio_run_model_over_source_loop_1_thread"] = (out["run_model_default_1_thread"]
                                                        / out["source_loop_default_1_thread"])
    print(f"run_model / source loop = {out['ratio_run_model_over_source_loop']:.2f} "
          f"({out['ratio_run_model_over_source_loop_1_thread']:.2f} on 1 thread; "
          "< 1: run_model is faster)")
    return out


def bench_gaps() -> dict:
    out = {}
    for name, make in (("default_config", default_config), ("converged_config",
                                                              converged_config)):
        rows = [gaps(make(seed=s, progress=False), *source_dataset(s), SOURCE_MU, SOURCE_COV)
                for s in SEEDS]
        out[name] = rows
        print(f"\n## {name}: gaps above the exact test NLL, source data (nats per point)\n")
        means = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
        table([(s, r["test_loss_gap"], r["neg_elbo_gap"], r["iwae1000_gap"], r["train_seconds"])
               for s, r in zip(SEEDS, rows)]
              + [("mean", means["test_loss_gap"], means["neg_elbo_gap"], means["iwae1000_gap"],
                  means["train_seconds"])],
              ["seed", "test loss", "-ELBO(100)", "IWAE(1000)", "train s"],
              ["{}", "{:.4f}", "{:.4f}", "{:.4f}", "{:.2f}"])
        out[name + "_mean"] = means
    print("test loss = the 1-sample test-loss column (its Monte-Carlo error is ~0.01); "
          "-ELBO(100) averages 100 draws per point.\n"
          "Targets for converged_config: mean -ELBO gap <= 0.01, IWAE gap <= 0.002, "
          "training <= 2 s.")
    return out


def bench_iwae_throughput() -> dict:
    train, test = source_dataset(0)
    out = {}
    rows = []
    for name, cfg in (("default_config", default_config(progress=False)),
                      ("converged_config", converged_config(progress=False))):
        model = run_model(cfg, train, test).model
        seconds = best_of(lambda m=model: iwae_nll(m, test, 1000), 3)
        out[name] = {"seconds": seconds, "points_x_samples_per_s": len(test) * 1000 / seconds,
                     "hidden_dim": cfg.hidden_dim}
        rows.append((name, cfg.hidden_dim, seconds, len(test) * 1000 / seconds / 1e6))
    print("\n## iwae_nll(model, 2,500 test points, K = 1000), best of 3\n")
    table(rows, ["model", "hidden", "seconds", "M pts*K/s"], ["{}", "{}", "{:.3f}", "{:.2f}"])
    return out


def bench_other_gaussians() -> dict:
    out = {}
    rows = []
    for name, (mu, cov) in OTHER_GAUSSIANS.items():
        results = []
        for s in OTHER_SEEDS:
            train, test = train_test_split(sample_gaussian(mu, cov, 12_500, seed=s), 10_000)
            results.append(gaps(converged_config(seed=s, progress=False), train, test, mu, cov))
        mean = {k: float(np.mean([r[k] for r in results])) for k in results[0]}
        out[name] = {"per_seed": results, "mean": mean,
                     "ignore_z_gap": ignore_z_ceiling(cov) - 0.5 * float(
                         np.log((2 * np.pi * np.e) ** 2 * np.linalg.det(cov)))}
        rows.append((name, mean["neg_elbo_gap"], mean["iwae1000_gap"],
                     max(r["iwae1000_gap"] for r in results), out[name]["ignore_z_gap"]))
    print(f"\n## converged_config on other Gaussians (mean over seeds {OTHER_SEEDS}; nats)\n")
    table(rows, ["Gaussian", "-ELBO(100)", "IWAE(1000)", "worst IWAE", "ceiling-H"],
          ["{}", "{:.4f}", "{:.4f}", "{:.4f}", "{:.3f}"])
    print("ceiling-H: how much a decoder that ignores z would lose; the gaps should be far below.")
    return out


def bench_notebooks(repeats: int) -> dict:
    import nbformat
    from nbclient import NotebookClient

    out = {}
    rows = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        def execute(path=path):
            nb = nbformat.read(path, as_version=4)
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        try:
            seconds = best_of(execute, repeats)
            out[path.stem] = seconds
            rows.append((path.stem, seconds))
        except Exception as error:  # report and go on: one broken notebook is not the bench
            out[path.stem] = f"failed: {type(error).__name__}"
            rows.append((path.stem, f"failed: {type(error).__name__}"))
    print(f"\n## Notebook execution (nbclient, fresh kernel each run, best of {repeats})\n")
    table(rows, ["notebook", "seconds"], ["{}", "{:.1f}"])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timing repeats (best of)")
    parser.add_argument("--notebook-repeats", type=int, default=2)
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(PARTS),
                        help="leave out these parts (each takes minutes)")
    args = parser.parse_args(argv)

    results = {
        "machine": {"python": platform.python_version(), "torch": torch.__version__,
                    "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                    "load_average_before": os.getloadavg()},
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(f"python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} (a busy machine inflates every time below)")
    results["training"] = bench_training(args.repeats)
    results["gaps"] = bench_gaps()
    results["iwae_throughput"] = bench_iwae_throughput()
    results["other_gaussians"] = bench_other_gaussians()
    for name, part in PARTS.items():
        if name not in args.skip:
            print(f"\n# {name}\n")
            results[name] = part([])
    if not args.skip_notebooks:
        results["notebooks"] = bench_notebooks(args.notebook_repeats)
    results["machine"]["load_average_after"] = os.getloadavg()
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")

    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=2, default=float))
    print(f"wrote {out_dir / 'latest.json'}")
    return results


if __name__ == "__main__":
    main()
