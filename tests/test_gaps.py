"""The gap split against the linear-Gaussian VAE, where every part is known in closed
form: the approximation gap is zero (its true posterior is Gaussian) and the
amortization gap is the closed-form -ELBO of a deliberately wrong encoder minus the
exact NLL."""

import numpy as np
import pytest
import torch
from linear_gaussian import B, exact_negative_elbo, exact_nll, make_vae, posterior
from scipy.stats import multivariate_normal

from vae_tutorial.gaps import (
    encoder_q,
    evaluate_negative_elbo,
    gap_split,
    negative_elbo_of_q,
    optimise_q,
    stl_negative_elbo,
)

X = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32) + B
WRONG = dict(mean_scale=0.7, var_scale=2.0)  # an encoder off in mean and variance


def test_negative_elbo_of_q_matches_the_closed_form():
    model = make_vae(**WRONG)
    values = evaluate_negative_elbo(model, X, *encoder_q(model, X), num_samples=4000)
    np.testing.assert_allclose(values.mean(), exact_negative_elbo(X, **WRONG).mean(),
                               atol=0.005)
    np.testing.assert_allclose(values, exact_negative_elbo(X, **WRONG), atol=0.2)


def test_negative_elbo_of_q_is_differentiable_and_seeded():
    model = make_vae()
    mu, log_var = (t.clone().requires_grad_() for t in encoder_q(model, X[:5]))
    noise = torch.randn(10, 5, 2)
    value = negative_elbo_of_q(model, torch.as_tensor(X[:5]), mu, log_var, noise)
    value.sum().backward()
    assert mu.grad is not None and torch.all(torch.isfinite(log_var.grad))
    first = evaluate_negative_elbo(model, X, *encoder_q(model, X), 50, seed=3)
    again = evaluate_negative_elbo(model, X, *encoder_q(model, X), 50, seed=3)
    np.testing.assert_array_equal(first, again)


def test_optimised_q_finds_the_exact_posterior():
    model = make_vae(**WRONG)
    mu, log_var, history = optimise_q(model, X[:50], num_steps=300)
    gain, cov = posterior()
    np.testing.assert_allclose(mu.numpy(), (X[:50] - B) @ gain.T, atol=0.05)
    np.testing.assert_allclose(log_var.exp().numpy(),
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
    assert abs(split.model - (exact_nll(X) + data.logpdf(X)).mean()) < 1e-4
    parts = split.amortization + split.approximation + split.model
    assert abs(parts - split.total) < 1e-12
    assert abs(split.total - (split.neg_elbo - split.data_nll)) < 1e-12


def test_exact_encoder_has_no_amortization_gap():
    model = make_vae()
    split = gap_split(model, X[:100], -exact_nll(X[:100]), eval_samples=2000)
    assert abs(split.amortization) < 0.005 and abs(split.approximation) < 0.01
    assert abs(split.model) < 1e-4


def test_bad_data_log_prob_is_a_value_error():
    with pytest.raises(ValueError, match="data_log_prob"):
        gap_split(make_vae(), X, np.zeros(len(X) + 1))


def test_sticking_the_landing_has_the_same_value_and_no_noise_at_the_posterior():
    x = torch.as_tensor(X[:50])
    noise = torch.randn(4000, 50, 2, generator=torch.Generator().manual_seed(0))
    wrong = make_vae(**WRONG)
    mu, log_var = encoder_q(wrong, X[:50])
    stl = stl_negative_elbo(wrong, x, mu, log_var, noise)
    np.testing.assert_allclose(stl.mean().item(),
                               exact_negative_elbo(X[:50], **WRONG).mean(), atol=0.01)
    # At the exact posterior log q - log p(x, z) = -log p(x) for every draw, and the
    # gradient with respect to (mu, log_var) is zero draw by draw.
    exact = make_vae()
    mu, log_var = (t.clone().requires_grad_() for t in encoder_q(exact, X[:50]))
    value = stl_negative_elbo(exact, x, mu, log_var, noise[:3])
    np.testing.assert_allclose(value.detach().numpy(), exact_nll(X[:50]), atol=1e-4)
    value.sum().backward()
    assert mu.grad.abs().max() < 1e-3 and log_var.grad.abs().max() < 1e-3
