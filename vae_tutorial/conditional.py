"""A conditional VAE's labels: the one check every entry point makes, and what a model
of p_theta(x|y) gives beyond it: the density of unlabelled data and a classifier.

Taught in ``notebooks/08_conditional_vae``.  A conditional VAE (``config.num_classes``
= k > 0) models p_theta(x|y) for labels y in 0..k-1.  With class probabilities p(y),
    p_theta(x) = sum_y p(y) p_theta(x|y)            (a density for unlabelled x)
    p_theta(y|x) = p(y) p_theta(x|y) / p_theta(x)   (Bayes' rule: a classifier)
and each log p_theta(x|y) is estimated by IWAE (``iwae_nll(..., labels=y)``).
"""

from __future__ import annotations

import numpy as np
import torch


def check_labels(labels, num_classes: int, n: int, name: str = "labels"
                 ) -> torch.Tensor | None:
    """The labels of ``n`` data points for a model of ``num_classes`` classes (0: an
    unconditional model, which takes none): a ``torch.long`` tensor ``[n]``, or None.

    Raises ``ValueError`` naming ``name`` (``labels``) for labels given to an
    unconditional model, missing for a conditional one, not a vector of ``n``
    integers, or outside 0..num_classes-1.
    """
    if not num_classes:
        if labels is not None:
            raise ValueError(f"{name} given to an unconditional model "
                             "(config.num_classes=0); a conditional VAE needs "
                             "config.num_classes > 0")
        return None
    if labels is None:
        raise ValueError(f"{name} missing: a conditional model (config.num_classes="
                         f"{num_classes}) needs one label in 0..{num_classes - 1} per "
                         "data point")
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    values = np.asarray(labels)
    if values.dtype == bool or values.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be integers 0..{num_classes - 1}, got dtype "
                         f"{values.dtype}")
    if values.ndim != 1 or len(values) != n:
        raise ValueError(f"{name} must have shape [{n}] (one per data point), got "
                         f"{values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
        raise ValueError(f"{name} must be integers 0..{num_classes - 1}; found "
                         "non-integers")
    if values.min() < 0 or values.max() > num_classes - 1:
        raise ValueError(f"{name} must lie in 0..{num_classes - 1} (config.num_classes"
                         f"={num_classes}); found {values.min():g}..{values.max():g}")
    return torch.as_tensor(values.astype(np.int64))


def split_labelled(data, num_classes: int, name: str):
    """``run_model``'s data argument: ``x`` (unconditional) or the pair ``(x, labels)``
    (``num_classes`` > 0).  Returns (x, labels or None); the labels unchecked (their
    length is checked against x by ``check_labels``)."""
    pair = isinstance(data, (tuple, list)) and len(data) == 2 \
        and np.ndim(data[0]) == 2 and np.ndim(data[1]) == 1
    if not num_classes:
        if pair:
            raise ValueError(f"{name} is a pair (x, labels), but labels are for a "
                             "conditional model (config.num_classes > 0); pass x alone")
        return data, None
    if not pair:
        raise ValueError(f"{name} must be a pair (x, labels) for a conditional model "
                         f"(config.num_classes={num_classes}): x [N, input], labels "
                         "[N]")
    return data[0], data[1]


@torch.no_grad()
def class_log_likelihoods(model, x, num_samples: int, seed: int = 0,
                          max_rows: int = 2**18) -> np.ndarray:
    """log p_theta(x|y) for every point and every class y, by IWAE with
    ``num_samples`` draws: ``[N, k]`` float64 (each an estimate of a lower bound)."""
    from .evaluation import iwae_nll

    n, k = len(x), model.num_classes
    return np.stack([-iwae_nll(model, x, num_samples, seed, per_point=True,
                               max_rows=max_rows, labels=np.full(n, y))
                     for y in range(k)], axis=1)


def _class_log_probs(class_probs, k: int) -> np.ndarray:
    probs = np.full(k, 1.0 / k) if class_probs is None \
        else np.asarray(class_probs, dtype=np.float64)
    if probs.shape != (k,) or np.any(probs <= 0) or abs(probs.sum() - 1) > 1e-6:
        raise ValueError(f"class_probs must be {k} positive numbers summing to 1, got "
                         f"{class_probs!r}")
    return np.log(probs)


def marginal_log_prob(log_px_y: np.ndarray, class_probs=None) -> np.ndarray:
    """log p_theta(x) = log sum_y p(y) p_theta(x|y) from ``class_log_likelihoods``
    ``[N, k]``; ``class_probs`` p(y) ``[k]`` (default uniform).  Returns ``[N]``."""
    joint = log_px_y + _class_log_probs(class_probs, log_px_y.shape[1])
    top = joint.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(joint - top).sum(axis=1, keepdims=True)))[:, 0]


def class_posterior(log_px_y: np.ndarray, class_probs=None) -> np.ndarray:
    """p_theta(y|x) = p(y) p_theta(x|y) / p_theta(x): ``[N, k]``, rows summing to 1;
    its argmax is the generative (Bayes) classifier."""
    joint = log_px_y + _class_log_probs(class_probs, log_px_y.shape[1])
    return np.exp(joint - marginal_log_prob(log_px_y, class_probs)[:, None])
