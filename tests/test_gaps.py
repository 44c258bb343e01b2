"""The gap split against linear-Gaussian VAEs, where every part is known in closed
form: the non-Gaussian gap is zero (the true posterior is Gaussian), the amortization gap
is the closed-form -ELBO of a deliberately wrong encoder minus the exact NLL, and with a
tilted posterior the diagonal gap is the closed-form KL of the best diagonal Gaussian."""

import numpy as np
import pytest
import torch
from linear_gaussian import B, exact_negative_elbo, exact_nll, make_vae, posterior
from scipy.stats import multivariate_normal

from vae_tutorial.analysis import AffineGaussian
from vae_tutorial.gaps import (
    encoder_q,
    evaluate_negative_elbo,
    gap_split,
    negative_elbo_of_q,
    optimise_q,
    stl_negative_elbo,
)
from vae_tutorial.model import VAE

X = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32) + B
WRONG = dict(mean_scale=0.7, var_scale=2.0)  # an encoder off in mean and variance


def test_negative_elbo_of_q_matches_the_closed_form():
    model = make_vae(**WRONG)
    mu, cov = encoder_q(model, X)
    values = evaluate_negative_elbo(model, X, mu, cov.sqrt(), num_samples=4000)
    np.testing.assert_allclose(values.mean(), exact_negative_elbo(X, **WRONG).mean(),
                               atol=0.005)
    np.testing.assert_allclose(values, exact_negative_elbo(X, **WRONG), atol=0.2)


def test_negative_elbo_of_q_is_differentiable_and_seeded():
    model = make_vae()
    mu, cov = encoder_q(model, X[:5])
    mu, tril = mu.clone().requires_grad_(), cov.sqrt().requires_grad_()
    noise = torch.randn(10, 5, 2)
    value = negative_elbo_of_q(model, torch.as_tensor(X[:5]), mu, tril, noise)
    value.sum().backward()
    assert mu.grad is not None and torch.all(torch.isfinite(tril.grad))
    mu, cov = encoder_q(model, X)
    first = evaluate_negative_elbo(model, X, mu, cov.sqrt(), 50, seed=3)
    again = evaluate_negative_elbo(model, X, mu, cov.sqrt(), 50, seed=3)
    np.testing.assert_array_equal(first, again)


def test_optimised_q_finds_the_exact_posterior():
    model = make_vae(**WRONG)
    mu, tril, history = optimise_q(model, X[:50], num_steps=300)
    gain, cov = posterior()
    np.testing.assert_allclose(mu.numpy(), (X[:50] - B) @ gain.T, atol=0.05)
    assert torch.all(tril[:, 1, 0] == 0)  # diagonal
    np.testing.assert_allclose((tril**2).sum(-1).numpy(),
                               np.broadcast_to(np.diag(cov), (50, 2)), rtol=0.1)
    assert history[-20:].mean() < history[:5].mean()  # it went downhill
    assert all(p.requires_grad for p in model.parameters())  # weights restored


def test_gap_split_against_closed_forms():
    model = make_vae(**WRONG)
    data = multivariate_normal(B + 0.2, [[1.0, 0.2], [0.2, 0.8]])  # not the model
    split = gap_split(model, X, data.logpdf(X), eval_samples=2000)
    exact_amortization = (exact_negative_elbo(X, **WRONG) - exact_nll(X)).mean()
    assert exact_amortization > 0.1
    assert abs(split.amortization - exact_amortization) < 0.01
    assert abs(split.approximation) < 0.01
    assert abs(split.diagonal) < 0.01 and abs(split.non_gaussian) < 0.01
    assert abs(split.model - (exact_nll(X) + data.logpdf(X)).mean()) < 1e-4
    assert abs(split.model_nll - exact_nll(X).mean()) < 1e-4  # against scipy


def test_exact_encoder_has_no_amortization_gap():
    model = make_vae()
    split = gap_split(model, X[:100], -exact_nll(X[:100]), eval_samples=2000)
    assert abs(split.amortization) < 0.005 and abs(split.approximation) < 0.01
    assert abs(split.model) < 1e-4 and abs(split.multistart_gain) < 0.005


def test_bad_data_log_prob_is_a_value_error():
    with pytest.raises(ValueError, match="data_log_prob"):
        gap_split(make_vae(), X, np.zeros(len(X) + 1))


def test_sticking_the_landing_has_the_same_value_and_no_noise_at_the_posterior():
    x = torch.as_tensor(X[:50])
    noise = torch.randn(4000, 50, 2, generator=torch.Generator().manual_seed(0))
    wrong = make_vae(**WRONG)
    mu, cov = encoder_q(wrong, X[:50])
    stl = stl_negative_elbo(wrong, x, mu, cov.sqrt(), noise)
    np.testing.assert_allclose(stl.mean().item(),
                               exact_negative_elbo(X[:50], **WRONG).mean(), atol=0.01)
    # At the exact posterior log q - log p(x, z) = -log p(x) for every draw, and the
    # gradient with respect to (mu, log_var) is zero draw by draw.
    exact = make_vae()
    mu, cov = encoder_q(exact, X[:50])
    mu, tril = mu.clone().requires_grad_(), cov.sqrt().requires_grad_()
    value = stl_negative_elbo(exact, x, mu, tril, noise[:3])
    np.testing.assert_allclose(value.detach().numpy(), exact_nll(X[:50]), atol=1e-4)
    value.sum().backward()
    assert mu.grad.abs().max() < 1e-3 and tril.grad.abs().max() < 1e-3


# A linear-Gaussian model whose posterior is tilted: p(z) = N(0, I),
# p(x|z) = N(W z + b, s2 I) with W^T W not diagonal, so p(z|x) = N(G (x - b), S) with a
# full S = (I + W^T W / s2)^-1.  Its encoder outputs the posterior mean and the diagonal
# of S: the best a diagonal Gaussian can do is narrower (variances 1 / (S^-1)_ii).
W_TILT = np.array([[1.0, 0.6], [0.2, 0.9]])
B_TILT = np.array([0.5, -0.5])
S2_TILT = 0.2


def tilted_posterior():
    precision = np.eye(2) + W_TILT.T @ W_TILT / S2_TILT
    cov = np.linalg.inv(precision)
    return cov @ W_TILT.T / S2_TILT, cov, precision


def tilted_vae() -> VAE:
    gain, cov, _ = tilted_posterior()
    encoder = AffineGaussian(gain, -gain @ B_TILT, np.log(np.diag(cov)))
    decoder = AffineGaussian(W_TILT, B_TILT, np.log(np.full(2, S2_TILT)))
    return VAE(encoder, decoder)


def tilted_nll(x):
    return -multivariate_normal(B_TILT, W_TILT @ W_TILT.T + S2_TILT * np.eye(2)).logpdf(x)


X_TILT = np.random.default_rng(2).normal(size=(100, 2)).astype(np.float32) + B_TILT


def test_full_covariance_q_reaches_a_tilted_posterior():
    gain, cov, precision = tilted_posterior()
    assert abs(cov[0, 1]) / np.sqrt(cov[0, 0] * cov[1, 1]) > 0.3  # really tilted
    model = tilted_vae()
    mu, tril, _ = optimise_q(model, X_TILT[:50], covariance="full", num_steps=400)
    np.testing.assert_allclose(mu.numpy(), (X_TILT[:50] - B_TILT) @ gain.T, atol=0.03)
    found = (tril @ tril.transpose(1, 2)).numpy()
    np.testing.assert_allclose(found, np.broadcast_to(cov, (50, 2, 2)), atol=0.01)
    # -ELBO(q*_full) = -log p(x) + KL(q*_full || p(z|x)): the KL goes to 0.
    full = evaluate_negative_elbo(model, X_TILT[:50], mu, tril, 4000)
    assert abs((full - tilted_nll(X_TILT[:50])).mean()) < 0.005
    # The diagonal q* can only reach variances 1 / precision_ii.
    mu_d, tril_d, _ = optimise_q(model, X_TILT[:50], covariance="diagonal",
                                 num_steps=400)
    np.testing.assert_allclose(torch.diagonal(tril_d, dim1=1, dim2=2).numpy() ** 2,
                               np.broadcast_to(1 / np.diag(precision), (50, 2)),
                               rtol=0.05)


def test_gap_split_separates_the_diagonal_restriction():
    _, cov, precision = tilted_posterior()
    # KL(N(m, D) || N(m, S)) at the best diagonal D = diag(1 / precision_ii).
    diagonal_kl = 0.5 * (np.log(np.diag(precision)).sum() - np.linalg.slogdet(precision)[1])
    assert diagonal_kl > 0.05
    split = gap_split(tilted_vae(), X_TILT, -tilted_nll(X_TILT), eval_samples=2000)
    assert abs(split.diagonal - diagonal_kl) < 0.01
    assert abs(split.non_gaussian) < 0.01  # the posterior is Gaussian
    assert abs(split.model) < 1e-4
    # The encoder outputs the diagonal of S, wider than the best diagonal: closed form.
    encoder_kl = 0.5 * (np.trace(precision @ np.diag(np.diag(cov))) - 2
                        + np.linalg.slogdet(cov)[1] - np.log(np.diag(cov)).sum())
    assert abs(split.amortization - (encoder_kl - diagonal_kl)) < 0.01


def test_bad_covariance_is_a_value_error():
    with pytest.raises(ValueError, match="covariance must be one of"):
        optimise_q(make_vae(), X[:5], covariance="banded")
