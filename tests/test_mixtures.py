"""GaussianMixture against an independent reference (scipy.stats), its sampler against
its own moments, and the presets."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from vae_tutorial.mixtures import (
    MIXTURE_PRESETS,
    GaussianMixture,
    em_baseline,
    mixture_dataset,
    mixture_preset,
)

WEIGHTS = [0.2, 0.5, 0.3]
MEANS = [[0.0, 0.0], [2.0, -1.0], [-1.5, 2.0]]
COVS = [[[1.0, 0.3], [0.3, 0.5]], [[0.4, 0.0], [0.0, 0.2]], [[0.8, -0.5], [-0.5, 0.9]]]


def test_log_prob_matches_scipy():
    mix = GaussianMixture(WEIGHTS, MEANS, COVS)
    x = np.random.default_rng(1).normal(size=(50, 2)) * 2
    reference = np.log(sum(w * multivariate_normal(m, c).pdf(x)
                           for w, m, c in zip(WEIGHTS, MEANS, COVS)))
    np.testing.assert_allclose(mix.log_prob(x), reference, rtol=1e-10, atol=1e-10)


def test_log_prob_is_finite_far_away():
    # exp underflows for every component here; log-sum-exp must not.
    mix = GaussianMixture(WEIGHTS, MEANS, COVS)
    far = np.array([[60.0, -80.0]])
    value = mix.log_prob(far)[0]
    best = max(np.log(w) + multivariate_normal(m, c).logpdf(far[0])
               for w, m, c in zip(WEIGHTS, MEANS, COVS))
    assert np.isfinite(value) and best - 1e-9 <= value <= best + np.log(3)


@pytest.mark.parametrize("name", sorted(MIXTURE_PRESETS))
def test_presets_integrate_to_one(name):
    mix = mixture_preset(name)
    axis = np.linspace(-8, 8, 401)
    grid = np.stack(np.meshgrid(axis, axis, indexing="ij"), -1).reshape(-1, 2)
    mass = np.exp(mix.log_prob(grid)).sum() * (axis[1] - axis[0]) ** 2
    assert abs(mass - 1) < 1e-6


def test_sample_moments_and_component_frequencies():
    mix = GaussianMixture(WEIGHTS, MEANS, COVS)
    x = mix.sample(200_000, seed=0)
    assert x.dtype == np.float32 and x.shape == (200_000, 2)
    w, m, c = (np.asarray(a) for a in (WEIGHTS, MEANS, COVS))
    mean = w @ m
    cov = np.einsum("k,kij->ij", w, c + np.einsum("ki,kj->kij", m, m)) \
        - np.outer(mean, mean)
    np.testing.assert_allclose(x.mean(0), mean, atol=0.01)
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.02)
    nearest = np.argmax(mix.component_log_probs(x), axis=1)  # mostly the true label
    np.testing.assert_allclose(np.bincount(nearest) / len(x), WEIGHTS, atol=0.03)


def test_sample_is_seeded():
    mix = mixture_preset("ring")
    np.testing.assert_array_equal(mix.sample(100, seed=3), mix.sample(100, seed=3))
    assert not np.array_equal(mix.sample(100, seed=3), mix.sample(100, seed=4))


@pytest.mark.parametrize("weights, means, covs, field", [
    ([0.5, 0.6, -0.1], MEANS, COVS, "weights"),
    ([0.2, 0.5, 0.2], MEANS, COVS, "weights"),
    ([[0.2, 0.5, 0.3]], MEANS, COVS, "weights"),
    (WEIGHTS, MEANS[:2], COVS, "means"),
    (WEIGHTS, MEANS, COVS[:2], "covs"),
    (WEIGHTS, MEANS, [COVS[0], [[1.0, 2.0], [2.0, 1.0]], COVS[2]], "covs[1]"),
    (WEIGHTS, MEANS, [COVS[0], COVS[1], [[1.0, 0.1], [0.0, 1.0]]], "covs[2]"),
])
def test_bad_parameters_are_value_errors(weights, means, covs, field):
    with pytest.raises(ValueError, match=field.replace("[", r"\[")):
        GaussianMixture(weights, means, covs)


def test_bad_sample_size_and_bad_data():
    mix = mixture_preset("skewed")
    for n in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n must be"):
            mix.sample(n, seed=0)
    with pytest.raises(ValueError, match="x must have shape"):
        mix.log_prob(np.zeros((4, 3)))


def test_presets_and_dataset():
    assert mixture_preset("ring").means.shape == (8, 2)
    with pytest.raises(ValueError, match="name must be one of"):
        mixture_preset("moons")
    train, test = mixture_dataset("banana", seed=0)
    assert train.shape == (10_000, 2) and test.shape == (2_500, 2)
    np.testing.assert_array_equal(train, mixture_dataset("banana", seed=0)[0])


def test_em_baseline_finds_the_components_and_its_exact_density():
    mix = GaussianMixture(WEIGHTS, MEANS, COVS)
    train, test = mix.sample(3000, seed=0), mix.sample(500, seed=1)
    k, log_prob = em_baseline(train, test, components=range(1, 6))
    assert k == 3  # BIC picks the true number among 1..5
    assert log_prob.shape == (500,)
    # The fit is close to the truth: its test NLL within 0.05 nats of the exact one.
    assert abs(log_prob.mean() - mix.log_prob(test).mean()) < 0.05
    with pytest.raises(ValueError, match="train"):
        em_baseline(np.zeros((4, 2)) * np.nan, test)
