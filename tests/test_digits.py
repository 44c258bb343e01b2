"""scikit-learn's digits (notebooks/11_digits): the split, the baseline that ignores z,
and the IWAE bound of a small trained digits model."""

import math

import numpy as np
import pytest
import torch
from scipy import stats
from sklearn.datasets import load_digits

from vae_tutorial.config import digits_config
from vae_tutorial.digits import (
    bits_per_dim,
    digits_dataset,
    digits_labels,
    ignore_z_log_probs,
    ignore_z_nll,
    image_mosaic,
)
from vae_tutorial.evaluation import iwae_nll
from vae_tutorial.training import run_model


def test_digits_dataset_shapes_range_and_dtype():
    train, val, test = digits_dataset()
    assert [a.shape for a in (train, val, test)] == [(1000, 64), (350, 64), (447, 64)]
    for part in (train, val, test):
        assert part.dtype == np.int64 and part.min() == 0 and part.max() == 16
    labels = digits_labels()
    assert [len(y) for y in labels] == [1000, 350, 447]
    assert all(set(np.unique(y)) == set(range(10)) for y in labels)


def test_digits_dataset_is_deterministic_in_file_order_and_disjoint():
    first, second = digits_dataset(), digits_dataset()
    for a, b in zip(first, second):
        assert np.array_equal(a, b)
    # intro_dgm's split: consecutive blocks of the file, nothing shuffled or repeated.
    assert np.array_equal(np.concatenate(first), load_digits().data)
    rows = [{r.tobytes() for r in part} for part in first]
    assert sum(len(r) for r in rows) == 1797  # the 1,797 images are all distinct
    assert not (rows[0] & rows[1] or rows[0] & rows[2] or rows[1] & rows[2])


def test_ignore_z_log_probs_are_smoothed_counts():
    train = np.array([[0, 2], [0, 1], [1, 1], [0, 1]])
    log_p = ignore_z_log_probs(train, num_values=3, pseudo_count=0.5)
    expected = np.array([[3.5, 1.5, 0.5], [0.5, 3.5, 1.5]]) / 5.5
    np.testing.assert_allclose(np.exp(log_p), expected)
    np.testing.assert_allclose(np.exp(log_p).sum(-1), 1.0)


def test_ignore_z_nll_matches_torch_categorical_on_digits():
    train, _, test = digits_dataset()
    log_p = ignore_z_log_probs(train)
    per_point = ignore_z_nll(log_p, test, per_point=True)
    dist = torch.distributions.Categorical(logits=torch.as_tensor(log_p))
    expected = -dist.log_prob(torch.as_tensor(test)).sum(-1).numpy()
    np.testing.assert_allclose(per_point, expected, rtol=1e-10)
    assert ignore_z_nll(log_p, test) == pytest.approx(expected.mean())
    # It is an exact NLL, finite because of the pseudo-count; ~106 nats per test image.
    assert 100 < ignore_z_nll(log_p, test) < 110


@pytest.mark.parametrize("kwargs, match", [
    ({"pseudo_count": 0.0}, "pseudo_count must be a positive finite number"),
    ({"num_values": 16}, r"train values must lie in 0\.\.15"),
])
def test_ignore_z_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ignore_z_log_probs(digits_dataset()[0], **kwargs)


def test_ignore_z_nll_rejects_non_integers_and_wrong_width():
    log_p = ignore_z_log_probs(digits_dataset()[0])
    with pytest.raises(ValueError, match=r"x must hold integers 0\.\.16"):
        ignore_z_nll(log_p, np.full((2, 64), 0.5))
    with pytest.raises(ValueError, match=r"x must have shape \[N, 64\]"):
        ignore_z_nll(log_p, np.zeros((2, 63)))


def test_bits_per_dim_and_mosaic():
    assert bits_per_dim(64 * math.log(2)) == pytest.approx(1.0)
    mosaic = image_mosaic(np.arange(3 * 64).reshape(3, 64), ncols=2)
    assert mosaic.shape == (17, 17)
    np.testing.assert_array_equal(mosaic[:8, 9:], np.arange(64, 128).reshape(8, 8))
    assert np.isnan(mosaic[8]).all() and np.isnan(mosaic[9:, 9:]).all()


@pytest.fixture(scope="module")
def small_model():
    """A small digits model, trained for a few seconds."""
    train, val, test = digits_dataset()
    cfg = digits_config(hidden_dim=32, num_epochs=3, latent_dim=4, progress=False)
    return run_model(cfg, train, test, val).model, test[:100]


def test_iwae_is_non_increasing_in_k(small_model):
    model, x = small_model
    values = [iwae_nll(model, x, k, seed=1, max_rows=2**13) for k in (1, 10, 100, 300)]
    assert all(b < a for a, b in zip(values, values[1:])), values


def test_iwae_at_k1_is_the_negative_elbo_in_expectation(small_model):
    model, x = small_model
    draws = np.array([iwae_nll(model, x, 1, seed=s) for s in range(100)])
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():  # the -ELBO with the closed-form KL, another estimator
        x_t = torch.as_tensor(x, dtype=torch.float32)
        neg_elbo = np.mean([float(model.loss(x_t, torch.randn(1, len(x), 4,
                                                              generator=gen)).total)
                            for _ in range(100)])
    t = stats.ttest_1samp(draws, neg_elbo)
    assert t.pvalue > 1e-3, (draws.mean(), neg_elbo)
    assert abs(draws.mean() - neg_elbo) < 0.5


def n_params(sizes):
    """Weights and biases of Linear layers sizes[0] -> sizes[1] -> ..."""
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def test_bench_networks_and_their_sizes():
    """The bench's 'reference network' rows use exactly intro_dgm's layers; the sizes
    the notebook states (617k against 440k, 40 % more) are the layer arithmetic."""
    from benchmarks.digits import HISTORY, MODELS, REFERENCE_NET
    from benchmarks.intro_dgm_reference import build_reference
    from vae_tutorial.variants import make_vae

    for _, overrides in [*MODELS.values(), *HISTORY.values()]:
        if overrides is not None:
            digits_config(**overrides)  # every setting is a valid config
    ours = make_vae(digits_config())
    ref_net = make_vae(digits_config(**REFERENCE_NET))
    reference = build_reference(0)
    assert [p.shape for p in ref_net.parameters()] == [
        p.shape for p in reference.parameters()]
    count = sum(p.numel() for p in ours.parameters())
    ref_count = sum(p.numel() for p in reference.parameters())
    assert count == n_params([64, 512, 32]) + n_params([16, 512, 64 * 17]) == 616_544
    assert ref_count == (n_params([64, 256, 256, 32])
                         + n_params([16, 256, 256, 64 * 17])) == 440_416
    assert round(count / ref_count - 1, 2) == 0.40


def test_bench_score_means_and_standard_errors(small_model):
    """score's means are iwae_nll's and negative_elbo's; its standard errors are
    scipy.stats.sem of the per-image values."""
    from benchmarks.digits import MAX_ROWS, score
    from vae_tutorial.analysis import negative_elbo

    model, x = small_model
    out, per_image = score(model, x, ks=(5,))
    rows = {"max_rows": MAX_ROWS}  # the chunking decides which noise each image gets
    assert out["iwae5"] == pytest.approx(iwae_nll(model, x, 5, seed=0, **rows))
    assert out["neg_elbo"] == pytest.approx(negative_elbo(model, x, 100, seed=1, **rows))
    for key in ("iwae5", "neg_elbo"):
        assert len(per_image[key]) == len(x)
        assert out[key + "_se"] == pytest.approx(stats.sem(per_image[key]))


def fake_results():
    rows = [{"seed": s, "iwae10": v} for s, v in enumerate((90.0, 91.0, 93.0))]
    return {"settings": {"ks": [1, 10]}, "ignore_z_baseline": {"test": 106.0},
            "models": {"digits_config": {"rows": rows},
                       "intro_dgm": {"rows": [{"seed": 0, "iwae10": 95.0}]}}}


def test_bench_nll_and_plot_bench():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vae_tutorial.digits import bench_nll, plot_bench

    nll = bench_nll(fake_results())
    assert nll["digits_config"][0] == pytest.approx(np.mean([90, 91, 93]))
    assert nll["digits_config"][1] == pytest.approx(stats.tstd([90, 91, 93]))
    assert nll["digits_config"][2] == [0, 1, 2] and np.isnan(nll["intro_dgm"][1])
    fig, ax = plt.subplots()
    plot_bench(ax, fake_results())
    assert len(ax.patches) == 2 and "K = 10" in ax.get_xlabel()
    plt.close(fig)


def test_committed_digits_results_are_complete_and_consistent():
    """vae_tutorial/results/digits.json, written by `make bench` and quoted by 09: every
    model for seeds 0-2 at the K it records; the baseline is the one computed here."""
    from vae_tutorial.results import load_results

    bench = load_results("digits")
    assert bench["complete"] and bench["settings"]["seeds"] == [0, 1, 2]
    keys = ["neg_elbo"] + [f"iwae{k}" for k in bench["settings"]["ks"]]
    for name, entry in bench["models"].items():
        assert [r["seed"] for r in entry["rows"]] == [0, 1, 2], name
        for key in keys:
            values = [r[key] for r in entry["rows"]]
            assert entry["summary"][key]["mean"] == pytest.approx(np.mean(values))
            assert entry["summary"][key]["sd"] == pytest.approx(stats.tstd(values))
            assert all(0.2 < r[key + "_se"] < 1.0 for r in entry["rows"])
    train, val, test = digits_dataset()
    log_p = ignore_z_log_probs(train)
    assert bench["ignore_z_baseline"]["test"] == pytest.approx(ignore_z_nll(log_p, test))
    assert bench["ignore_z_baseline"]["val"] == pytest.approx(ignore_z_nll(log_p, val))
