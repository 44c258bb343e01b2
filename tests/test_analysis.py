"""vae_tutorial.analysis against closed forms, brute-force Bayes, Monte Carlo and
torch.distributions."""

import math

import numpy as np
import pytest
import torch
from torch.distributions import MultivariateNormal, kl_divergence

from vae_tutorial import default_config, gaussian_entropy, iwae_nll
from vae_tutorial.analysis import (
    encoder_posterior,
    gaussian_kl_full,
    ignore_z_ceiling,
    kl_gradient_samples,
    kl_per_dimension,
    latent_activity,
    linear_elbo,
    linear_log_marginal,
    linear_optimum,
    linear_posterior,
    linear_vae,
    mc_gaussian_kl,
    negative_elbo,
)
from vae_tutorial.model import build_vae

SOURCE = np.array([[1.0, 0.5], [0.5, 1.0]])
OTHERS = [np.array([[4.0, -2.4], [-2.4, 2.25]]), np.array([[0.25, 0.05], [0.05, 1.0]]),
          np.array([[9.0, 8.55], [8.55, 9.0]]), np.eye(2)]


def test_source_optimum_matches_the_numbers_by_hand():
    for noise in ("isotropic", "diagonal"):
        opt = linear_optimum(SOURCE, noise)
        np.testing.assert_allclose(opt.w, [math.sqrt(0.5)] * 2, rtol=1e-12)
        np.testing.assert_allclose(opt.psi, [0.5, 0.5], rtol=1e-12)
        assert opt.posterior_var == pytest.approx(1 / 3, rel=1e-12)
        assert opt.rate == pytest.approx(0.5 * math.log(3), rel=1e-12)
        assert opt.rate == pytest.approx(0.549, abs=5e-4)


@pytest.mark.parametrize("cov", [SOURCE, *OTHERS])
@pytest.mark.parametrize("noise", ["isotropic", "diagonal"])
def test_optimum_reproduces_the_covariance_exactly(cov, noise):
    opt = linear_optimum(cov, noise)
    np.testing.assert_allclose(np.outer(opt.w, opt.w) + np.diag(opt.psi), cov, atol=1e-12)
    assert np.all(opt.psi > 0)
    if noise == "isotropic":
        assert opt.psi[0] == pytest.approx(np.linalg.eigvalsh(cov)[0])


def test_ppca_matches_maximum_likelihood_by_brute_force():
    # Maximise the Gaussian log-likelihood of the model covariance w w^T + s2 I over a grid.
    cov = OTHERS[0]
    opt = linear_optimum(cov)
    angle, s2, length = np.meshgrid(np.linspace(0, np.pi, 181), np.linspace(0.3, 1.0, 71),
                                    np.linspace(1.5, 2.6, 56), indexing="ij")
    w = length[..., None] * np.stack([np.cos(angle), np.sin(angle)], -1)
    model = w[..., :, None] * w[..., None, :] + s2[..., None, None] * np.eye(2)
    ll = -0.5 * (np.linalg.slogdet(model)[1] + np.trace(np.linalg.solve(model, cov), 0, -2, -1))
    best = ll.max()
    model = np.outer(opt.w, opt.w) + np.diag(opt.psi)
    optimum = -0.5 * (np.linalg.slogdet(model)[1] + np.trace(np.linalg.solve(model, cov)))
    assert optimum >= best - 1e-9
    assert optimum == pytest.approx(-0.5 * (np.linalg.slogdet(cov)[1] + 2))


@pytest.mark.parametrize("cov", [SOURCE, OTHERS[0], OTHERS[2]])
def test_balanced_factor_analysis_has_the_smallest_rate(cov):
    opt = linear_optimum(cov, "diagonal")
    rho = cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1])
    assert opt.rate == pytest.approx(0.5 * math.log((1 + abs(rho)) / (1 - abs(rho))))
    lo, hi = abs(cov[0, 1]) / math.sqrt(cov[1, 1]), math.sqrt(cov[0, 0])
    for w1 in np.linspace(lo, hi, 52)[1:-1]:
        member = linear_optimum(cov, "diagonal", w1=w1)
        np.testing.assert_allclose(np.outer(member.w, member.w) + np.diag(member.psi), cov,
                                   atol=1e-12)
        assert member.rate >= opt.rate - 1e-12


def test_bad_arguments_are_value_errors():
    with pytest.raises(ValueError, match="noise must be"):
        linear_optimum(SOURCE, "full")
    with pytest.raises(ValueError, match="w1 must satisfy"):
        linear_optimum(SOURCE, "diagonal", w1=1.5)
    with pytest.raises(ValueError, match="positive definite"):
        linear_optimum([[1, 2], [2, 1]])
    with pytest.raises(ValueError, match="psi"):
        linear_posterior(np.zeros((1, 2)), [1.0, 1.0], [0.5, 0.0], [0.0, 0.0])


def test_rate_is_the_average_kl_of_the_exact_posterior():
    opt = linear_optimum(SOURCE)
    rng = np.random.default_rng(0)
    x = rng.multivariate_normal([1, 0.5], SOURCE, size=200_000)
    mean, var = linear_posterior(x, opt.w, opt.psi, [1, 0.5])
    kl = 0.5 * (mean[:, 0] ** 2 + var[0, 0] - 1 - np.log(var[0, 0]))
    assert kl.mean() == pytest.approx(opt.rate, abs=0.005)
    assert mean.var() == pytest.approx(1 - opt.posterior_var, abs=0.005)  # law of total variance


def test_posterior_matches_bayes_rule_on_a_grid():
    w, psi, b = np.array([1.2, -0.4]), np.array([0.3, 0.8]), np.array([1.0, 0.5])
    x = np.array([[2.0, -1.0], [0.0, 0.5]])
    mean, var = linear_posterior(x, w, psi, b)
    z = np.linspace(-8, 8, 40_001)
    for i, xi in enumerate(x):
        log_joint = (-0.5 * z**2
                     - 0.5 * (((xi[None] - b - z[:, None] * w) ** 2) / psi).sum(1))
        p = np.exp(log_joint - log_joint.max())
        p /= p.sum()
        m = (p * z).sum()
        assert m == pytest.approx(mean[i, 0], abs=1e-6)
        assert (p * (z - m) ** 2).sum() == pytest.approx(var[0, 0], abs=1e-6)


def test_two_latent_posterior_matches_gaussian_conditioning():
    w = np.array([[0.9, -0.3], [0.3, 0.9], [0.5, 0.2]])
    psi, b = np.array([0.3, 0.5, 0.2]), np.array([0.1, -0.2, 0.3])
    x = np.array([[1.0, 0.0, -1.0], [0.3, 0.2, 0.1]])
    mean, cov = linear_posterior(x, w, psi, b)
    # joint of (z, x): cov_zx = W^T, cov_xx = W W^T + Psi.
    cxx = w @ w.T + np.diag(psi)
    gain = w.T @ np.linalg.inv(cxx)
    np.testing.assert_allclose(mean, (x - b) @ gain.T, atol=1e-12)
    np.testing.assert_allclose(cov, np.eye(2) - gain @ w, atol=1e-12)
    np.testing.assert_allclose(linear_log_marginal(x, w, psi, b),
                               MultivariateNormal(torch.tensor(b), torch.tensor(cxx))
                               .log_prob(torch.tensor(x)).numpy(), rtol=1e-10)


def test_gaussian_kl_full_matches_torch():
    rng = np.random.default_rng(1)
    a, c = rng.normal(size=(2, 3, 3))
    cov0, cov1 = a @ a.T + 0.1 * np.eye(3), c @ c.T + 0.2 * np.eye(3)
    m0, m1 = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    expected = kl_divergence(MultivariateNormal(torch.tensor(m0), torch.tensor(cov0)),
                             MultivariateNormal(torch.tensor(m1), torch.tensor(cov1))).numpy()
    np.testing.assert_allclose(gaussian_kl_full(m0, cov0, m1, cov1), expected, rtol=1e-10)
    assert np.allclose(gaussian_kl_full(m0, cov0, m0, cov0), 0, atol=1e-12)


def test_elbo_identity_on_the_linear_model():
    # log p(x) = ELBO(q) + KL(q || p(z|x)) for any q; equality of ELBO and log p(x) iff q = p(z|x).
    opt = linear_optimum(SOURCE)
    b = np.array([1.0, 0.5])
    x = np.random.default_rng(2).multivariate_normal(b, SOURCE, size=50)
    post_mean, post_var = linear_posterior(x, opt.w, opt.psi, b)
    log_px = linear_log_marginal(x, opt.w, opt.psi, b)
    np.testing.assert_allclose(linear_elbo(x, opt.w, opt.psi, b, post_mean, post_var[0]), log_px,
                               atol=1e-10)
    q_mean, q_var = 0.7 * post_mean + 0.1, np.array([0.6])
    elbo = linear_elbo(x, opt.w, opt.psi, b, q_mean, q_var)
    gap = gaussian_kl_full(q_mean, np.diag(q_var), post_mean, post_var)
    np.testing.assert_allclose(elbo + gap, log_px, atol=1e-10)
    assert np.all(gap > 0)


def test_ignore_z_ceiling():
    assert ignore_z_ceiling(SOURCE) == pytest.approx(math.log(2 * math.pi * math.e))
    assert ignore_z_ceiling(SOURCE) == pytest.approx(2.838, abs=5e-4)
    assert gaussian_entropy(SOURCE) == pytest.approx(2.694, abs=5e-4)
    for cov in OTHERS:
        assert ignore_z_ceiling(cov) >= gaussian_entropy(cov) - 1e-12
    diagonal = np.diag([2.0, 0.3])
    assert ignore_z_ceiling(diagonal) == pytest.approx(gaussian_entropy(diagonal))


def _data(n, seed=3):
    return np.random.default_rng(seed).multivariate_normal([1, 0.5], SOURCE, size=n).astype(
        np.float32)


def test_exact_linear_vae_recovers_nll_rate_and_activity():
    opt = linear_optimum(SOURCE)
    vae = linear_vae(opt.w, opt.psi, [1.0, 0.5])
    x = _data(100_000)
    assert kl_per_dimension(vae, x)[0] == pytest.approx(opt.rate, abs=0.01)
    assert latent_activity(vae, x)[0] == pytest.approx(1 - opt.posterior_var, abs=0.01)
    mu, var = encoder_posterior(vae, x[:5])
    np.testing.assert_allclose(var, opt.posterior_var, rtol=1e-5)
    np.testing.assert_allclose(mu, linear_posterior(x[:5], opt.w, opt.psi, [1, 0.5])[0], atol=1e-5)
    exact = -linear_log_marginal(x[:2000], opt.w, opt.psi, [1.0, 0.5])
    # With the exact posterior every importance weight is p(x): no gap, no variance.
    np.testing.assert_allclose(negative_elbo(vae, x[:2000], 4, per_point=True), exact, atol=2e-5)
    assert iwae_nll(vae, x[:2000], 1) == pytest.approx(exact.mean(), abs=1e-5)


def test_negative_elbo_matches_the_closed_form_for_an_imperfect_encoder():
    opt = linear_optimum(SOURCE)
    b = np.array([1.0, 0.5])
    vae = linear_vae(opt.w, opt.psi, b, mean_scale=0.7, var_scale=2.0)
    x = _data(300)
    post_mean, _ = linear_posterior(x, opt.w, opt.psi, b)
    closed = -linear_elbo(x, opt.w, opt.psi, b, 0.7 * post_mean, 2.0 * opt.posterior_var)
    estimate = negative_elbo(vae, x, 4000, per_point=True)
    np.testing.assert_allclose(estimate, closed, atol=0.15)
    assert estimate.mean() == pytest.approx(closed.mean(), abs=0.005)
    assert negative_elbo(vae, x, 10, seed=4) == negative_elbo(vae, x, 10, seed=4)
    with pytest.raises(ValueError, match="num_samples"):
        negative_elbo(vae, x, 0)


def test_kl_per_dimension_sums_to_the_loss_kl_term():
    torch.manual_seed(0)
    vae = build_vae(default_config(hidden_dim=16))
    x = _data(64)
    kl = kl_per_dimension(vae, x)
    loss = vae.loss(torch.as_tensor(x), torch.zeros(1, 64, 2))
    assert kl.shape == (2,) and np.all(kl >= 0)
    assert kl.sum() == pytest.approx(loss.kl.item(), rel=1e-5)


def test_monte_carlo_kl_is_unbiased_and_its_gradient_variance_falls_with_num_mc():
    mu, log_var = torch.tensor([[0.8, -1.5]]), torch.tensor([[-1.0, 0.4]])
    noise = torch.randn(200_000, 1, 2, generator=torch.Generator().manual_seed(0))
    closed = (0.5 * (mu**2 + log_var.exp() - 1 - log_var)).sum()
    assert mc_gaussian_kl(mu, log_var, noise).item() == pytest.approx(closed.item(), abs=0.01)
    exact, g1 = kl_gradient_samples(mu[0], log_var[0], num_mc=1, num_repeats=4000)
    _, g16 = kl_gradient_samples(mu[0], log_var[0], num_mc=16, num_repeats=4000, seed=1)
    # Closed form: d/dmu = mu, d/dlog_var = (exp(log_var) - 1) / 2.
    np.testing.assert_allclose(exact, [0.8, -1.5, (math.exp(-1) - 1) / 2, (math.exp(0.4) - 1) / 2],
                               rtol=1e-6)
    np.testing.assert_allclose(g1.mean(0), exact, atol=0.08)
    ratio = g1.var(0) / g16.var(0)
    assert np.all((ratio > 10) & (ratio < 25))  # ~16


@pytest.mark.parametrize("cov", [SOURCE, *OTHERS])
def test_the_isotropic_ridge_fits_exactly_with_the_same_elbo(cov):
    from vae_tutorial.analysis import isotropic_exact_fit

    b = np.array([0.3, -1.0])
    x = np.random.default_rng(3).multivariate_normal(b, cov, size=300)
    log_px = linear_log_marginal(x, *isotropic_exact_fit(cov, 1e-3)[:2], b)
    smallest = np.linalg.eigvalsh(cov)[0]
    rates = []
    for s in np.linspace(0.05, 1.0, 5) * smallest:
        fit = isotropic_exact_fit(cov, s)
        np.testing.assert_allclose(fit.w @ fit.w.T + np.diag(fit.psi), cov, atol=1e-12)
        mean, post_cov = linear_posterior(x, fit.w, fit.psi, b)
        np.testing.assert_allclose(post_cov, np.diag(fit.posterior_var), atol=1e-12)
        elbo = linear_elbo(x, fit.w, fit.psi, b, mean, fit.posterior_var)
        np.testing.assert_allclose(elbo, log_px, atol=1e-9)  # the same ELBO everywhere
        assert fit.rate == pytest.approx(0.5 * (np.linalg.slogdet(cov)[1]
                                                - 2 * np.log(s)))
        # E_x KL(p(z|x) || N(0, I)) = -1/2 sum_j log S_j, because E[m_j^2] = 1 - S_j.
        assert fit.rate == pytest.approx(-0.5 * np.log(fit.posterior_var).sum())
        kl_sample = gaussian_kl_full(mean, post_cov, np.zeros(2), np.eye(2)).mean()
        assert abs(kl_sample - fit.rate) < 0.15  # the same, estimated on 300 points
        rates.append(fit.rate)
    assert np.all(np.diff(rates) < 0)  # less noise, more rate
    if np.allclose(cov, SOURCE):
        assert rates[-1] == pytest.approx(0.5 * math.log(3))
    with pytest.raises(ValueError, match="noise_var"):
        isotropic_exact_fit(cov, 1.01 * smallest)
