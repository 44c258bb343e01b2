"""vae_tutorial.rate_distortion against gradient-based minimisation (L-BFGS) of the
linear VAE's exact objective, Monte Carlo through ``VAE.loss``, and trained MLP VAEs."""

import math

import numpy as np
import pytest
import torch

from vae_tutorial import converged_config, gaussian_entropy, source_dataset
from vae_tutorial.analysis import AffineGaussian, latent_activity, linear_vae
from vae_tutorial.model import VAE
from vae_tutorial.rate_distortion import (
    active_units,
    beta_optimum,
    beta_sweep,
    collapse_beta,
    distance_to_curve,
    fit_linear_vae,
    learned_variance,
    linear_beta_objective,
    rate_distortion_curve,
)

SOURCE = np.array([[1.0, 0.5], [0.5, 1.0]])  # eigenvalues 1.5 and 0.5
OTHER = np.array([[4.0, -2.4], [-2.4, 2.25]])
THREE = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])


def assert_fit_matches(opt, fit, atol=1e-5):
    assert fit.rate == pytest.approx(opt.rate, abs=atol)
    assert fit.distortion == pytest.approx(opt.distortion, abs=atol)
    # W W^T and the posterior variances do not depend on the latent's rotation.
    k = fit.w.shape[1]
    np.testing.assert_allclose(fit.w @ fit.w.T, opt.sample_cov(noise=False), atol=atol)
    np.testing.assert_allclose(np.sort(fit.posterior_var),
                               np.sort(opt.posterior_var)[:k], atol=atol)


def test_source_numbers_by_hand():
    """sigma^2 = 0.5: beta s2 = 0.25, 0.5, 1, 2 against eigenvalues 1.5 and 0.5."""
    expected = {0.5: 0.5 * math.log(12), 1: 0.5 * math.log(3), 2: 0.5 * math.log(1.5),
                4: 0.0}
    for beta, rate in expected.items():
        opt = beta_optimum(SOURCE, beta, 0.5)
        assert opt.rate == pytest.approx(rate, abs=1e-12)
        errors = np.minimum([1.5, 0.5], beta * 0.5)
        assert opt.distortion == pytest.approx(math.log(math.pi) + errors.sum(), abs=1e-12)
    assert list(beta_optimum(SOURCE, 2, 0.5).active) == [True, False]


@pytest.mark.parametrize("cov", [SOURCE, OTHER, THREE])
@pytest.mark.parametrize("beta", [0.25, 0.7, 1.0, 3.0, 6.0])
def test_fixed_variance_closed_form_matches_gradient_descent(cov, beta):
    opt = beta_optimum(cov, beta, 0.4)
    fit = fit_linear_vae(cov, beta, 0.4)
    assert_fit_matches(opt, fit)
    assert fit.objective[-1] >= opt.objective - 1e-9  # nothing beats the closed form


def test_fewer_latents_than_directions_matches_gradient_descent():
    opt = beta_optimum(THREE, 0.5, 0.2, latent_dim=1)
    assert opt.active.sum() == 1
    assert_fit_matches(opt, fit_linear_vae(THREE, 0.5, 0.2, latent_dim=1))


def test_exact_objective_matches_monte_carlo_of_vae_loss():
    """linear_beta_objective vs the package's VAE.loss on samples of N(b, Sigma) with an
    arbitrary (not optimal) linear encoder and decoder."""
    rng = np.random.default_rng(0)
    w, gain = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    log_var_z, log_var_x, beta, b = np.array([-1.0, 0.3]), -0.4, 2.5, np.array([1, .5])
    exact = linear_beta_objective(*(torch.tensor(a, dtype=torch.float64) for a in (
        SOURCE, w, gain, log_var_z, log_var_x)), beta)
    model = VAE(AffineGaussian(gain, -gain @ b, log_var_z),
                AffineGaussian(w, b, np.full(2, log_var_x)), beta=beta)
    x = rng.multivariate_normal(b, SOURCE, size=400_000)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        mc = model.loss(torch.tensor(x, dtype=torch.float32),
                        torch.randn(1, len(x), 2, generator=gen))
    for e, m in zip(exact, mc):
        assert float(m) == pytest.approx(float(e), abs=0.02)


@pytest.mark.parametrize("beta", [0.5, 2.0])
def test_closed_form_matches_monte_carlo_of_the_optimal_linear_vae(beta):
    """Build the optimum (decoder W = U diag(loadings), variance s2; encoder the exact
    posterior for variance beta s2) and estimate its rate and distortion by sampling."""
    s2 = 0.5
    opt = beta_optimum(SOURCE, beta, s2)
    w = opt.eigenvectors * opt.loadings
    model = linear_vae(w, np.full(2, beta * s2), np.zeros(2))
    model.decoder = AffineGaussian(w, np.zeros(2), np.full(2, math.log(s2)))
    model.beta = beta
    x = np.random.default_rng(1).multivariate_normal([0, 0], SOURCE, size=400_000)
    with torch.no_grad():
        _, recon, kl = model.loss(torch.tensor(x, dtype=torch.float32),
                                  torch.randn(1, len(x), 2,
                                              generator=torch.Generator().manual_seed(1)))
    assert float(kl) == pytest.approx(opt.rate, abs=0.01)
    assert float(recon) == pytest.approx(opt.distortion, abs=0.01)
    np.testing.assert_allclose(np.sort(latent_activity(model, x[:50_000]))[::-1],
                               1 - opt.posterior_var, atol=0.02)


def test_collapse_threshold():
    s2 = 0.5
    beta_c = collapse_beta(SOURCE, s2)
    assert beta_c == pytest.approx(3.0)
    below, above = beta_optimum(SOURCE, 0.99 * beta_c, s2), beta_optimum(SOURCE, beta_c, s2)
    assert below.active.sum() == 1 and below.rate > 0
    assert above.active.sum() == 0 and above.rate == 0
    # Collapsed: the decoder ignores z, so D = d/2 log(2 pi s2) + tr(Sigma) / (2 s2).
    assert above.distortion == pytest.approx(math.log(2 * math.pi * s2) + 2.0 / (2 * s2))
    assert fit_linear_vae(SOURCE, 1.2 * beta_c, s2).rate < 1e-4
    fit = fit_linear_vae(SOURCE, 0.8 * beta_c, s2)
    assert fit.rate == pytest.approx(0.5 * math.log(1.5 / (0.8 * beta_c * s2)), abs=1e-5)


def test_curve_slope_is_minus_beta_and_touches_the_elbo_line_at_beta_one():
    s2 = 0.3
    for beta in (0.4, 1.0, 2.5):
        (r0, r1), (d0, d1) = rate_distortion_curve(SOURCE, s2, [beta * 0.999,
                                                                  beta * 1.001])
        assert (d1 - d0) / (r1 - r0) == pytest.approx(-beta, rel=1e-3)
    rates, distortions = rate_distortion_curve(SOURCE, s2)
    entropy = gaussian_entropy(SOURCE)
    assert np.all(rates + distortions >= entropy - 1e-12)  # -ELBO >= H
    assert beta_optimum(SOURCE, 1.0, s2).objective == pytest.approx(entropy, abs=1e-12)
    assert rates.max() > 5 and rates.min() == 0


def test_distance_to_curve():
    s2 = 0.5
    opt = beta_optimum(SOURCE, 1.7, s2)
    on = distance_to_curve([opt.rate], [opt.distortion], SOURCE, s2)
    assert on[0] < 1e-6
    up = distance_to_curve([opt.rate], [opt.distortion + 0.01], SOURCE, s2)[0]
    assert up == pytest.approx(0.01 / math.hypot(1, 1.7), rel=0.01)  # slope -1.7
    far = distance_to_curve([-1.0], [beta_optimum(SOURCE, 50, s2).distortion], SOURCE,
                            s2)
    assert far[0] == pytest.approx(1.0, abs=1e-9)  # left of the collapsed end point


@pytest.mark.parametrize("beta, latent_dim", [(1.2, None), (2.0, None), (0.5, 1),
                                              (1.3, 1)])
def test_learned_variance_matches_gradient_descent(beta, latent_dim):
    opt = beta_optimum(SOURCE, beta, "learned", latent_dim)
    fit = fit_linear_vae(SOURCE, beta, "learned", latent_dim)
    assert fit.variance == pytest.approx(opt.variance, abs=1e-5)
    assert_fit_matches(opt, fit)


def test_learned_variance_by_hand():
    """Source: one active direction for 1 <= beta < 1.5 with s2 = l_2 / (2 - beta); the
    decoder ignores z from beta = 1.5 on, with s2 = mean eigenvalue = 1."""
    for beta in (1.0, 1.2, 1.4):
        assert learned_variance(SOURCE, beta) == pytest.approx(0.5 / (2 - beta))
    for beta in (1.5, 3.0):
        assert learned_variance(SOURCE, beta) == pytest.approx(1.0)
        assert beta_optimum(SOURCE, beta).rate == 0
    assert learned_variance(SOURCE, 0.5, latent_dim=1) == pytest.approx(0.5 / 1.5)


def test_learned_variance_ridge_at_beta_one():
    """beta = 1, two latents: every s2 <= l_min gives the same objective, the entropy."""
    entropy = gaussian_entropy(SOURCE)
    for s2 in (0.05, 0.2, 0.5):
        assert beta_optimum(SOURCE, 1.0, s2).objective == pytest.approx(entropy)
    assert beta_optimum(SOURCE, 1.0, 0.6).objective > entropy + 1e-3


def test_learned_variance_has_no_minimum_for_beta_below_one():
    with pytest.raises(ValueError, match="no minimum.*beta = 0.5 < 1"):
        learned_variance(SOURCE, 0.5)
    with pytest.raises(ValueError, match="no minimum"):
        beta_optimum(THREE, 0.9)
    fit = fit_linear_vae(SOURCE, 0.5, "learned")
    assert fit.variances[-1] < 1e-3 < fit.variances[0]
    # Below the best objective available with any fixed s2 >= 0.01, and still falling.
    assert fit.objective[-1] < beta_optimum(SOURCE, 0.5, 0.01).objective
    assert fit.rate > 5
    half = len(fit.objective) // 2
    assert fit.objective[half:].min() < fit.objective[:half].min() - 0.1


@pytest.mark.parametrize("kwargs, match", [
    (dict(beta=0.0, variance=0.5), "beta must be a positive"),
    (dict(beta=-1.0, variance=0.5), "beta must be a positive"),
    (dict(beta=float("nan"), variance=0.5), "beta must be a positive"),
    (dict(beta=1.0, variance=0.0), "variance must be 'learned' or a positive"),
    (dict(beta=1.0, variance=-2.0), "variance must be 'learned' or a positive"),
    (dict(beta=1.0, variance="learnt"), "variance must be 'learned' or a positive"),
    (dict(beta=1.0, variance=0.5, latent_dim=0), "latent_dim must be a positive"),
])
def test_bad_arguments_are_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        beta_optimum(SOURCE, **kwargs)


def test_bad_covariance_is_a_value_error():
    with pytest.raises(ValueError, match="positive definite"):
        beta_optimum([[1.0, 2.0], [2.0, 1.0]], 1.0, 0.5)


def test_active_units_counts_latent_activity_above_threshold():
    opt = beta_optimum(SOURCE, 2.0, 0.5)  # one active direction
    model = linear_vae(opt.eigenvectors * opt.loadings, np.full(2, 1.0), np.zeros(2))
    x = np.random.default_rng(0).multivariate_normal([0, 0], SOURCE, size=5000)
    assert active_units(model, x) == 1
    assert active_units(model, x, threshold=1.0) == 0


def test_trained_mlp_lands_on_the_closed_form_rate():
    """converged_config with sigma^2 = 0.5 fixed, beta = 2: within 0.02 nats."""
    train, test = source_dataset(seed=0)
    cfg = converged_config(decoder_variance=0.5, progress=False)
    (point,) = beta_sweep(cfg, [2.0], train, test)
    opt = beta_optimum(SOURCE, 2.0, 0.5)
    assert point.beta == 2.0 and point.result.model.beta == 2.0
    assert point.rate == pytest.approx(opt.rate, abs=0.02)
    assert point.distortion == pytest.approx(opt.distortion, abs=0.03)
    assert active_units(point.result.model, test) == 1


def test_committed_bench_results_hold_what_notebook_14_reads():
    """vae_tutorial/results/rate_distortion.json (``python -m benchmarks.rate_distortion``)
    has, for every seed, the closed-form rows at each checked beta and the digits pair
    with and without warm-up that notebook 14 quotes; its rates are the closed form's."""
    from benchmarks.rate_distortion import CHECK_BETAS, DIGITS, WARMUP_EPOCHS
    from vae_tutorial.results import load_results

    results = load_results("rate_distortion")
    seeds = results["seeds"]
    assert len(seeds) >= 3
    assert results["digits_settings"] == dict(DIGITS, kl_warmup_epochs=WARMUP_EPOCHS)
    rows = {(r["seed"], r["beta"]): r for r in results["closed_form"]}
    assert set(rows) == {(s, b) for s in seeds for b in CHECK_BETAS}
    for (_, beta), r in rows.items():
        assert r["closed_rate"] == pytest.approx(beta_optimum(SOURCE, beta, 0.5).rate)
        assert r["rate_gap"] == pytest.approx(r["rate"] - r["closed_rate"])
    pairs = {(r["seed"], r["warmup"]) for r in results["digits_warmup"]}
    assert pairs == {(s, w) for s in seeds for w in (0, WARMUP_EPOCHS)}
