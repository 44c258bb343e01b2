"""The IWAE bias sweep of notebook 10 and Wyner's common information of notebook 09,
against scipy quadrature, a plain Monte-Carlo estimator written here, the package's
iwae_nll, and the asymptotic Var(w) / (2 K p^2)."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from vae_tutorial import iwae_nll
from vae_tutorial.analysis import (
    linear_iwae_gap,
    linear_log_marginal,
    linear_posterior,
    linear_vae,
    linear_weight_variance,
    wyner_common_information,
)

S = 1 / 3  # the posterior variance of notebook 10's model
M = np.array([-1.7, -0.4, 0.0, 0.9, 2.2])  # posterior means of a few points


def fa_rate(cov, w1):
    """Rate -1/2 log S of the one-latent exact fit with loading w1 (factor analysis)."""
    w = np.array([w1, cov[0, 1] / w1])
    psi = np.diag(cov) - w**2
    return 0.5 * math.log(1 + np.sum(w**2 / psi))


@pytest.mark.parametrize("cov", [np.array([[1.0, 0.5], [0.5, 1.0]]),
                                 np.array([[4.0, -2.4], [-2.4, 2.25]]),
                                 np.array([[0.25, 0.05], [0.05, 1.0]])])
def test_wyner_common_information_is_the_least_rate_of_the_exact_one_latent_fits(cov):
    lo, hi = abs(cov[0, 1]) / math.sqrt(cov[1, 1]), math.sqrt(cov[0, 0])
    best = optimize.minimize_scalar(lambda w1: fa_rate(cov, w1), bounds=(lo, hi),
                                    method="bounded", options={"xatol": 1e-10})
    assert wyner_common_information(cov) == pytest.approx(best.fun, abs=1e-8)
    assert wyner_common_information(np.array([[1.0, 0.5], [0.5, 1.0]])) == pytest.approx(
        0.5 * math.log(3))


def test_wyner_common_information_rejects_a_bad_covariance():
    with pytest.raises(ValueError):
        wyner_common_information(np.array([[1.0, 2.0], [2.0, 1.0]]))


@pytest.mark.parametrize("a,c", [(0.5, 3.0), (0.5, 1.0), (1.0, 0.7), (1.3, 2.0)])
def test_weight_variance_matches_quadrature(a, c):
    def second_moment(m):
        def ratio(z):  # p(z|x)^2 / q(z), through logs (no 0 / 0 in the tails)
            return math.exp(2 * stats.norm.logpdf(z, m, math.sqrt(S))
                            - stats.norm.logpdf(z, a * m, math.sqrt(c * S)))
        return integrate.quad(ratio, -np.inf, np.inf, limit=200)[0]

    expected = np.array([second_moment(m) - 1 for m in M])
    np.testing.assert_allclose(linear_weight_variance(M, S, a, c), expected, rtol=1e-6,
                               atol=1e-12)


def test_weight_variance_is_infinite_for_narrow_proposals_and_finite_just_above():
    assert np.all(np.isinf(linear_weight_variance(M, S, 0.5, 0.5)))
    assert np.all(np.isinf(linear_weight_variance(M, S, 1.0, 0.3)))
    # p^2 / q grows in the tails when c < 1/2: the integral diverges
    z = np.array([5.0, 10.0, 20.0])
    log_tail = (2 * stats.norm.logpdf(z, 0, math.sqrt(S))
                - stats.norm.logpdf(z, 0, math.sqrt(0.3 * S)))
    assert np.all(np.diff(log_tail) > 0) and log_tail[-1] > 100
    assert np.all(np.isfinite(linear_weight_variance(M, S, 0.5, 0.51)))


def plain_gap(m, a, c, k, num_blocks, seed):
    """log p - L_K by plain Monte Carlo, scipy densities, no control variate."""
    rng = np.random.default_rng(seed)
    z = a * m[:, None, None] + math.sqrt(c * S) * rng.standard_normal((len(m), num_blocks, k))
    log_r = (stats.norm.logpdf(z, m[:, None, None], math.sqrt(S))
             - stats.norm.logpdf(z, a * m[:, None, None], math.sqrt(c * S)))
    return float(-(special.logsumexp(log_r, axis=-1) - math.log(k)).mean())


@pytest.mark.parametrize("a,c", [(0.5, 3.0), (0.5, 0.5), (1.0, 0.3)])
def test_gap_matches_a_plain_monte_carlo_estimate(a, c):
    gaps = linear_iwae_gap(M, S, a, c, [1, 10], num_draws=200_000, seed=0)
    for gap, k in zip(gaps, [1, 10]):
        assert gap == pytest.approx(plain_gap(M, a, c, k, 200_000 // k, seed=1),
                                    abs=0.01, rel=0.05)


@pytest.mark.parametrize("a,c", [(0.5, 3.0), (0.5, 0.3), (1.0, 2.0)])
def test_gap_with_one_sample_is_the_kl_to_the_posterior(a, c):
    kl = 0.5 * (c + (1 - a) ** 2 * M**2 / S - 1 - math.log(c))  # closed form, per point
    gap = linear_iwae_gap(M, S, a, c, [1], num_draws=400_000, seed=3)[0]
    assert gap == pytest.approx(kl.mean(), rel=0.02)


@pytest.mark.parametrize("a,c", [(1.0, 2.0), (0.5, 3.0)])
def test_gap_follows_the_asymptotic_variance_over_2k(a, c):
    ks = [100, 1000]
    gaps = linear_iwae_gap(M, S, a, c, ks, num_draws=200_000, seed=2)
    asymptote = linear_weight_variance(M, S, a, c).mean() / (2 * np.array(ks))
    np.testing.assert_allclose(gaps, asymptote, rtol=0.1)


def test_gap_is_what_iwae_nll_measures_on_the_linear_vae():
    w, psi, b = np.array([0.8, 0.5]), np.array([0.4, 0.6]), np.array([0.3, -0.2])
    x = np.array([[1.2, 0.4], [-0.5, -1.1], [0.1, 0.0]])
    post_mean, post_var = linear_posterior(x, w, psi, b)
    vae = linear_vae(w, psi, b, mean_scale=0.5, var_scale=3.0)
    many = np.repeat(x, 4000, axis=0).astype(np.float32)  # many estimates per point
    exact = -linear_log_marginal(x, w, psi, b).mean()
    for k in (1, 10):
        sampled = iwae_nll(vae, many, k, seed=k) - exact
        gap = linear_iwae_gap(post_mean, post_var, 0.5, 3.0, [k], num_draws=100_000)[0]
        assert sampled == pytest.approx(gap, abs=0.01)


def test_same_seed_same_gap_and_bad_arguments_are_value_errors():
    first = linear_iwae_gap(M, S, 0.5, 1.0, [1, 7, 100], num_draws=1000, seed=5)
    again = linear_iwae_gap(M, S, 0.5, 1.0, [1, 7, 100], num_draws=1000, seed=5, chunk=2)
    np.testing.assert_array_equal(first, again)
    for bad in ([0], [2000], []):
        with pytest.raises(ValueError, match="ks"):
            linear_iwae_gap(M, S, 0.5, 1.0, bad, num_draws=1000)
    with pytest.raises(ValueError, match="var_scale"):
        linear_weight_variance(M, S, 0.5, 0.0)
