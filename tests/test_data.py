"""Data: sampling, validation, the exact log-density and entropy."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    gaussian_entropy,
    sample_gaussian,
    source_dataset,
    train_test_split,
    true_log_prob,
)


def test_sample_gaussian_shape_dtype_and_seed():
    a = sample_gaussian(SOURCE_MU, SOURCE_COV, 100, seed=3)
    assert a.shape == (100, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, sample_gaussian(SOURCE_MU, SOURCE_COV, 100, seed=3))
    assert not np.array_equal(a, sample_gaussian(SOURCE_MU, SOURCE_COV, 100, seed=4))


def test_sample_gaussian_moments():
    x = sample_gaussian(SOURCE_MU, SOURCE_COV, 200_000, seed=0)
    np.testing.assert_allclose(x.mean(0), SOURCE_MU, atol=0.01)
    np.testing.assert_allclose(np.cov(x.T), SOURCE_COV, atol=0.01)


def test_true_log_prob_matches_scipy():
    mu, cov = np.array([0.3, -1.0]), np.array([[2.0, -0.7], [-0.7, 0.5]])
    x = sample_gaussian(mu, cov, 50, seed=1)
    np.testing.assert_allclose(true_log_prob(x, mu, cov),
                               multivariate_normal(mu, cov).logpdf(x), rtol=1e-10)


def test_entropy_is_the_expected_nll():
    assert gaussian_entropy(SOURCE_COV) == pytest.approx(2.6940, abs=1e-4)
    x = sample_gaussian(SOURCE_MU, SOURCE_COV, 400_000, seed=2)
    mc = -true_log_prob(x, SOURCE_MU, SOURCE_COV).mean()
    assert mc == pytest.approx(gaussian_entropy(SOURCE_COV), abs=0.01)


def test_source_dataset_split():
    train, test = source_dataset(seed=0)
    assert train.shape == (10_000, 2) and test.shape == (2_500, 2)
    full = sample_gaussian(SOURCE_MU, SOURCE_COV, 12_500, seed=0)
    np.testing.assert_array_equal(np.concatenate([train, test]), full)


@pytest.mark.parametrize("cov, match", [
    ([[1.0, 2.0], [2.0, 1.0]], "positive definite"),
    ([[1.0, 0.0], [0.0, 0.0]], "positive definite"),
    ([[1.0, 0.5], [0.2, 1.0]], "symmetric"),
    ([[1.0, 0.5, 0.0], [0.5, 1.0, 0.0]], r"shape \[d, d\]"),
    ([1.0, 1.0], r"shape \[d, d\]"),
    ([[1.0, np.nan], [np.nan, 1.0]], "finite"),
])
def test_bad_covariance_is_a_value_error(cov, match):
    with pytest.raises(ValueError, match=rf"cov must .*{match}|cov must have {match}"):
        sample_gaussian(SOURCE_MU, cov, 10, seed=0)


@pytest.mark.parametrize("size", [0, -5, 2.5, True])
def test_bad_size_is_a_value_error(size):
    with pytest.raises(ValueError, match="size must be a positive integer"):
        sample_gaussian(SOURCE_MU, SOURCE_COV, size, seed=0)


def test_bad_mean_is_a_value_error():
    with pytest.raises(ValueError, match="mu must be"):
        sample_gaussian([[1.0, 0.5]], SOURCE_COV, 10, seed=0)


@pytest.mark.parametrize("x, match", [
    (np.zeros((4, 3)), r"shape \[N, 2\]"),
    (np.zeros(4), r"shape \[N, 2\]"),
    (np.array([[0.0, np.nan]]), "finite"),
])
def test_bad_data_is_a_value_error(x, match):
    with pytest.raises(ValueError, match=match):
        true_log_prob(x, SOURCE_MU, SOURCE_COV)


def test_bad_split_is_a_value_error():
    with pytest.raises(ValueError, match="n_train must be in 1..9"):
        train_test_split(np.zeros((10, 2)), 10)


@pytest.mark.parametrize("cov", [[[2.0]], [[2.0, 0.3, -0.4], [0.3, 1.0, 0.2], [-0.4, 0.2, 0.8]]])
def test_true_log_prob_matches_scipy_in_other_dimensions(cov):
    """The triangular solve (scipy.linalg.solve_triangular) against SciPy's logpdf, d = 1, 3."""
    mu = np.linspace(-1.0, 1.0, len(cov))
    x = np.random.default_rng(5).normal(size=(40, len(cov)))
    np.testing.assert_allclose(true_log_prob(x, mu, cov),
                               multivariate_normal(mu, cov).logpdf(x), rtol=1e-10)


def test_notebook_01_posterior_is_the_lowest_rate_exact_fit():
    """01's prose: many decoders fit the data exactly, each with its own posterior; only
    the lowest-rate one has the posterior variance S = 1/3 computed there."""
    from vae_tutorial.analysis import isotropic_exact_fit, linear_optimum

    fits = [isotropic_exact_fit(SOURCE_COV, s) for s in (0.5, 0.4, 0.25, 0.1)]
    for fit in fits:  # all exact: W W^T + Psi = Sigma
        np.testing.assert_allclose(fit.w @ fit.w.T + np.diag(fit.psi), SOURCE_COV,
                                   atol=1e-12)
    rates = [fit.rate for fit in fits]
    assert rates == sorted(rates) and len({round(r, 6) for r in rates}) == len(rates)
    np.testing.assert_allclose(fits[0].posterior_var, [1 / 3, 1.0], atol=1e-12)
    assert all(fit.posterior_var[0] < 1 / 3 - 0.05 for fit in fits[1:])
    balanced = linear_optimum(SOURCE_COV, "diagonal")  # w = [0.707, 0.707], psi = 0.5
    assert balanced.posterior_var == pytest.approx(1 / 3)
    assert balanced.rate == pytest.approx(fits[0].rate) == pytest.approx(0.5 * np.log(3))
    for w1 in (0.6, 0.8, 0.9):  # other one-latent exact fits: other posteriors, more rate
        other = linear_optimum(SOURCE_COV, "diagonal", w1)
        assert other.rate > balanced.rate and abs(other.posterior_var - 1 / 3) > 0.02
