"""The conditional VAE (config.num_classes, notebook 08): graded against the ring's exact
conditional densities, every bad-label case a ValueError naming labels, a save/load
round trip, and unconditional runs bit-identical to before labels existed."""

import numpy as np
import pytest
import torch

from vae_tutorial import (
    class_log_likelihoods,
    class_posterior,
    converged_config,
    default_config,
    digits_config,
    generate_samples,
    iwae_nll,
    load_model,
    marginal_log_prob,
    mnist_config,
    run_model,
    save_model,
    source_dataset,
)
from vae_tutorial.analysis import negative_elbo
from vae_tutorial.mixtures import mixture_preset
from vae_tutorial.mnist import mnist_dataset
from vae_tutorial.variants import make_vae

RING = mixture_preset("ring")


def ring_split(seed=0, n_train=10_000, n_test=2_500):
    x, y = RING.sample(n_train + n_test, seed, return_labels=True)
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def exact_conditional_nll(x, y):
    parts = RING.component_log_probs(x)
    return -(parts[np.arange(len(x)), y] - np.log(RING.weights[y]))


@pytest.fixture(scope="module")
def ring_model():
    """The conditional VAE on the labelled ring: converged_config, 800 Adam steps."""
    torch.set_num_threads(1)
    train, test = ring_split()
    return run_model(converged_config(progress=False, num_classes=8), train, test).model


# --- graded against the exact densities -------------------------------------------

def test_conditional_nll_meets_the_exact_one(ring_model):
    """Each conditional is one Gaussian: -log p(x|y) by IWAE comes within 0.02 nats of
    exact.  Labels ignored by the decoder, or shuffled against x in batching, leave the
    unconditional ring's gap (~0.25 nats or more) and fail this."""
    _, (x, y) = ring_split()
    x, y = x[:1000], y[:1000]
    gap = iwae_nll(ring_model, x, 200, labels=y) - exact_conditional_nll(x, y).mean()
    assert -0.02 < gap < 0.02


def test_wrong_labels_cost_many_nats(ring_model):
    """The model really uses its labels: told the neighbouring component, the points
    are improbable (the exact cost is over 10 nats)."""
    _, (x, y) = ring_split()
    x, y = x[:500], y[:500]
    right = iwae_nll(ring_model, x, 100, labels=y)
    wrong = iwae_nll(ring_model, x, 100, labels=(y + 1) % 8)
    exact_wrong = exact_conditional_nll(x, (y + 1) % 8).mean()
    assert wrong - right > 5 and exact_wrong - right > 5


def test_unlabelled_density_and_bayes_classifier_match_exact(ring_model):
    _, (x, y) = ring_split()
    x, y = x[:300], y[:300]
    log_px_y = class_log_likelihoods(ring_model, x, 200)
    assert log_px_y.shape == (300, 8)
    marginal_gap = -marginal_log_prob(log_px_y, RING.weights).mean() \
        + RING.log_prob(x).mean()
    assert -0.03 < marginal_gap < 0.03
    model_acc = (class_posterior(log_px_y).argmax(1) == y).mean()
    exact_acc = (RING.component_log_probs(x).argmax(1) == y).mean()
    assert abs(model_acc - exact_acc) <= 0.02


def test_marginal_and_posterior_are_exact_for_exact_inputs():
    x, _ = RING.sample(200, 3, return_labels=True)
    exact = RING.component_log_probs(x) - np.log(RING.weights)  # log p(x|y), exactly
    np.testing.assert_allclose(marginal_log_prob(exact, RING.weights), RING.log_prob(x),
                               atol=1e-10)
    post = class_posterior(exact, RING.weights)
    np.testing.assert_allclose(post.sum(1), 1, atol=1e-12)
    with pytest.raises(ValueError, match="class_probs"):
        marginal_log_prob(exact, [0.5, 0.5])


def test_the_saving_is_log_k_minus_the_cross_entropy():
    """Notebook 08: against its own p(x), a label saves log K + log p(y|x) <= log K per
    point, for any estimates of log p(x|y) (here arbitrary numbers, K = 10)."""
    rng = np.random.default_rng(0)
    log_px_y = rng.normal(-100, 30, size=(50, 10))
    y = rng.integers(0, 10, 50)
    rows = np.arange(50)
    saving = -marginal_log_prob(log_px_y) + log_px_y[rows, y]
    cross_entropy = -np.log(class_posterior(log_px_y)[rows, y])
    np.testing.assert_allclose(saving + cross_entropy, np.log(10), atol=1e-9)
    assert np.all(saving <= np.log(10) + 1e-12)


def test_conditional_samples_sit_on_their_component(ring_model):
    cfg = converged_config(num_classes=8)
    labels = np.repeat(np.arange(8), 50)
    draws = generate_samples(cfg, ring_model, 400, True, torch.Generator().manual_seed(0),
                             labels=labels)
    nearest = ((draws[:, None] - RING.means[None]) ** 2).sum(-1).argmin(1)
    assert (nearest == labels).mean() > 0.95


def test_mixture_labels_are_the_components():
    x0 = RING.sample(1000, 5)
    x, y = RING.sample(1000, 5, return_labels=True)
    np.testing.assert_array_equal(x, x0)
    assert y.dtype == np.int64 and y.shape == (1000,)
    distance = np.linalg.norm(x - RING.means[y], axis=1)
    assert distance.mean() < 0.5  # within ~1.3 sd of their own mean; neighbours 1.5 away


# --- every network and decoder; persistence ------------------------------------------

CONFIGS = {
    "gaussian": converged_config(num_classes=3),
    "fixed variance": converged_config(num_classes=3, decoder_variance=0.5),
    "bernoulli mlp": mnist_config(num_classes=3, hidden_dim=16, latent_dim=4),
    "conv": mnist_config(network="conv", num_classes=3, channels=4, hidden_dim=16,
                         latent_dim=4),
    "categorical": digits_config(num_classes=3, hidden_dim=16, latent_dim=4),
}


def inputs_for(cfg, n=6):
    rng = np.random.default_rng(0)
    if cfg.likelihood == "categorical":
        return rng.integers(0, cfg.num_values, (n, cfg.input_dim)).astype(np.float32)
    if cfg.likelihood == "bernoulli":
        return (rng.random((n, cfg.input_dim)) < 0.3).astype(np.float32)
    return rng.standard_normal((n, cfg.input_dim)).astype(np.float32)


@pytest.mark.parametrize("name", CONFIGS)
def test_both_networks_see_the_label(name):
    cfg = CONFIGS[name]
    torch.manual_seed(0)
    model = make_vae(cfg).eval()
    assert model.num_classes == 3
    x = torch.as_tensor(inputs_for(cfg))
    zeros, ones = torch.zeros(6, dtype=torch.long), torch.ones(6, dtype=torch.long)
    assert not torch.allclose(model.encode(x, zeros)[0], model.encode(x, ones)[0])
    z = torch.randn(2, 6, cfg.latent_dim)  # [num_mc, batch, latent]
    decoded = [model.decode(z, labels) for labels in (zeros, ones)]
    first = [d[0] if isinstance(d, tuple) else d for d in decoded]
    assert first[0].shape[:2] == (2, 6)
    assert not torch.allclose(*first)
    nll = iwae_nll(model, x.numpy(), 5, per_point=True, labels=np.arange(6) % 3)
    assert nll.shape == (6,) and np.all(np.isfinite(nll))


def test_a_conditional_run_trains_every_decoder_quickly():
    cfg = mnist_config(network="conv", num_classes=10, channels=4, hidden_dim=16,
                       latent_dim=4, num_epochs=1, progress=False, n_samples=12)
    train, _, test = mnist_dataset(binarized=True)
    labels = np.arange(100) % 10
    result = run_model(cfg, (train[:100], labels), (test[:50], labels[:50]),
                       val_data=(test[50:100], labels[:50]))
    assert result.test_losses.shape == (2, 3) and result.samples_no_noise.shape == (12, 784)


def test_save_and_load_keep_a_conditional_model(tmp_path, ring_model):
    ring_model.config = converged_config(progress=False, num_classes=8)
    path = save_model(ring_model, tmp_path / "cond.pt")
    loaded = load_model(path, device="cpu")
    assert loaded.num_classes == 8 and loaded.config.num_classes == 8
    _, (x, y) = ring_split()
    before = iwae_nll(ring_model, x[:100], 20, per_point=True, labels=y[:100])
    after = iwae_nll(loaded, x[:100], 20, per_point=True, labels=y[:100])
    np.testing.assert_array_equal(before, after)


def test_an_unconditional_file_without_the_field_still_loads(tmp_path):
    cfg = converged_config(progress=False)
    model = make_vae(cfg)
    path = save_model(model, tmp_path / "old.pt", config=cfg)
    saved = torch.load(path, weights_only=True)
    del saved["config"]["num_classes"]  # as written before the field existed
    torch.save(saved, path)
    assert load_model(path).num_classes == 0


# --- bad labels and bad num_classes ----------------------------------------------

@pytest.mark.parametrize("value", [-1, 1.5, True, "2", None])
def test_bad_num_classes_is_a_value_error_naming_the_field(value):
    with pytest.raises(ValueError, match=r"config\.num_classes must be a non-negative"):
        default_config(num_classes=value)


BAD_LABELS = {
    "non-integers": lambda n: np.full(n, 0.5),
    "strings": lambda n: np.array(["1"] * n),
    "booleans": lambda n: np.ones(n, dtype=bool),
    "negative": lambda n: np.full(n, -1),
    "too large": lambda n: np.full(n, 8),
    "too short": lambda n: np.zeros(n - 1, dtype=int),
    "two-dimensional": lambda n: np.zeros((n, 1), dtype=int),
    "NaN": lambda n: np.full(n, np.nan),
}


@pytest.mark.parametrize("case", BAD_LABELS)
def test_bad_labels_are_a_value_error_everywhere(case, ring_model):
    x = RING.sample(20, 0)
    labels = BAD_LABELS[case](20)
    cfg = converged_config(num_classes=8, progress=False, num_epochs=1)
    with pytest.raises(ValueError, match="labels"):
        iwae_nll(ring_model, x, 2, labels=labels)
    with pytest.raises(ValueError, match="labels"):
        negative_elbo(ring_model, x, 2, labels=labels)
    with pytest.raises(ValueError, match="labels"):
        generate_samples(cfg, ring_model, 20, labels=labels)
    with pytest.raises(ValueError, match="labels"):
        run_model(cfg, (x, labels), None)
    if labels.ndim == 1:  # a 2-D array is not a pair (x, labels) in the first place
        good = np.zeros(20, dtype=int)
        with pytest.raises(ValueError, match="labels"):
            run_model(cfg, (x, good), (x, labels))


def test_missing_labels_for_a_conditional_model(ring_model):
    x = RING.sample(20, 0)
    cfg = converged_config(num_classes=8, progress=False, num_epochs=1)
    for call in (lambda: iwae_nll(ring_model, x, 2),
                 lambda: negative_elbo(ring_model, x, 2),
                 lambda: generate_samples(cfg, ring_model, 20),
                 lambda: run_model(cfg, x, None)):
        with pytest.raises(ValueError, match="labels"):
            call()


def test_labels_given_to_an_unconditional_model():
    cfg = converged_config(progress=False, num_epochs=1)
    model = make_vae(cfg)
    x = RING.sample(20, 0)
    labels = np.zeros(20, dtype=int)
    for call in (lambda: iwae_nll(model, x, 2, labels=labels),
                 lambda: negative_elbo(model, x, 2, labels=labels),
                 lambda: generate_samples(cfg, model, 20, labels=labels),
                 lambda: run_model(cfg, (x, labels), None)):
        with pytest.raises(ValueError, match="labels"):
            call()


# --- unconditional runs are unchanged --------------------------------------------

def test_unconditional_runs_are_bit_identical_to_before_labels():
    """Values computed with the code before num_classes existed (commit 2eb65d4, one
    torch thread): the tutorial's network and the conv network."""
    torch.set_num_threads(1)
    train, test = source_dataset(0)
    result = run_model(converged_config(progress=False, num_epochs=2), train, test)
    assert float(result.train_losses.sum()) == 448.622802734375
    assert float(result.test_losses[-1].sum()) == 5.430058709716796
    assert iwae_nll(result.model, test[:200], 50) == 2.6340667456388474
    images, _, images_test = mnist_dataset(binarized=True)
    cfg = mnist_config(network="conv", num_epochs=1, progress=False, channels=4,
                       hidden_dim=32, latent_dim=4)
    result = run_model(cfg, images[:300], images_test[:100])
    assert float(result.train_losses.sum()) == 5856.36865234375
    assert float(result.test_losses[-1].sum()) == 957.8942099380494
    assert float(result.samples_no_noise.sum()) == 22220.80859375


def test_a_conditional_model_without_its_config_still_reads_its_input_width():
    """The encoder's first layer takes input + k values (the one-hot): the data check
    must subtract k, or every call on a bare conditional model refuses good data."""
    import vae_tutorial as vt

    torch.manual_seed(0)
    model = vt.make_vae(vt.default_config(num_classes=3, hidden_dim=8, progress=False))
    assert getattr(model, "config", None) is None  # make_vae sets none
    x = np.zeros((4, 2), np.float32)
    assert np.isfinite(vt.iwae_nll(model, x, 2, labels=np.array([0, 1, 2, 0])))
