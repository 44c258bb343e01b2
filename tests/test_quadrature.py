"""quadrature_nll and the grid posterior against closed forms (the linear-Gaussian VAE),
against independent Monte Carlo over the prior, and against IWAE on a trained model."""

import numpy as np
import pytest
import torch
from linear_gaussian import B, exact_nll, make_vae, posterior

from vae_tutorial import converged_config, default_config, iwae_nll, run_model
from vae_tutorial.data import source_dataset
from vae_tutorial.quadrature import (
    grid_error,
    grid_moments,
    grid_posterior,
    latent_grid,
    quadrature_nll,
)
from vae_tutorial.variants import make_vae as make_any_vae

X = np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32) * 1.1 + B


def test_matches_the_linear_gaussian_closed_form():
    values = quadrature_nll(make_vae(), X, per_point=True)
    np.testing.assert_allclose(values, exact_nll(X), atol=1e-4)
    assert abs(quadrature_nll(make_vae(), X) - exact_nll(X).mean()) < 1e-5


def test_grid_posterior_has_the_closed_form_moments():
    axis, density = grid_posterior(make_vae(), X[:5])
    h = axis[1] - axis[0]
    z1, z2 = np.meshgrid(axis, axis, indexing="ij")
    gain, cov = posterior()
    np.testing.assert_allclose(density.sum((1, 2)) * h**2, 1.0, atol=1e-10)
    mean = np.stack([(density * z).sum((1, 2)) * h**2 for z in (z1, z2)], 1)
    np.testing.assert_allclose(mean, (X[:5] - B) @ gain.T, atol=1e-4)
    centred1 = z1 - mean[:, 0, None, None]
    centred2 = z2 - mean[:, 1, None, None]
    var1 = (density * centred1**2).sum((1, 2)) * h**2
    cov12 = (density * centred1 * centred2).sum((1, 2)) * h**2
    np.testing.assert_allclose(var1, cov[0, 0], atol=1e-4)
    np.testing.assert_allclose(cov12, cov[0, 1], atol=1e-4)


def test_grid_moments_match_the_closed_form():
    moments = grid_moments(make_vae(), X[:20])
    gain, cov = posterior()
    np.testing.assert_allclose(moments.log_marginal, -exact_nll(X[:20]), atol=1e-4)
    np.testing.assert_allclose(moments.mean, (X[:20] - B) @ gain.T, atol=1e-4)
    np.testing.assert_allclose(moments.cov, np.broadcast_to(cov, (20, 2, 2)), atol=1e-4)


def prior_monte_carlo_nll(model, x, num=400_000, seed=0):
    """-log E_{p(z)}[p(x|z)] by plain Monte Carlo from the prior: independent of the
    grid (fine when p(x|z) is broad, as for an untrained decoder)."""
    z = torch.randn(num, 1, 2, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        log_lik = model.log_likelihood(torch.as_tensor(x), model.decode(z))
    return -(torch.logsumexp(log_lik.double(), 0) - np.log(num)).numpy()


@pytest.mark.parametrize("overrides", [
    dict(decoder_variance=0.5, hidden_dim=16),
    dict(likelihood="categorical", num_values=4, input_dim=3, hidden_dim=16),
])
def test_other_decoders_match_monte_carlo_over_the_prior(overrides):
    torch.manual_seed(0)
    model = make_any_vae(default_config(**overrides))
    x = np.random.default_rng(1).integers(0, 4, size=(20, 3)).astype(np.float32) \
        if overrides.get("likelihood") == "categorical" else X[:20]
    values = quadrature_nll(model, x, per_point=True)
    np.testing.assert_allclose(values, prior_monte_carlo_nll(model, x), atol=0.01)


def test_agrees_with_iwae_on_a_trained_model():
    train, test = source_dataset(seed=0)
    model = run_model(converged_config(progress=False, num_epochs=5), train, test).model
    quad = quadrature_nll(model, test[:300])
    iwae = iwae_nll(model, test[:300], num_samples=5000)
    assert abs(quad - iwae) < 0.01
    error = grid_error(model, test[:100])
    assert abs(error["halved_spacing"]) < 1e-4 and abs(error["wider_box"]) < 1e-4


def test_deterministic_and_chunking_does_not_matter():
    model = make_vae()
    a = quadrature_nll(model, X[:20], per_point=True)
    b = quadrature_nll(model, X[:20], per_point=True, max_rows=2**16)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(a, quadrature_nll(model, X[:20], per_point=True))


def test_a_coarse_grid_is_detectably_wrong():
    # The check must be able to fail: a box that cuts off the posterior, or cells as
    # wide as it, move the answer.
    boxed = quadrature_nll(make_vae(), X, half_width=1.0)
    assert abs(boxed - exact_nll(X).mean()) > 0.1
    error = grid_error(make_vae(), X, half_width=1.0, num_points=10)
    assert abs(error["wider_box"]) > 0.1


@pytest.mark.parametrize("latent", [1, 3])
def test_latent_other_than_two_is_a_value_error(latent):
    model = make_any_vae(default_config(latent_dim=latent, hidden_dim=8))
    with pytest.raises(ValueError, match="2-D latent"):
        quadrature_nll(model, X)


def test_bad_grid_is_a_value_error():
    with pytest.raises(ValueError, match="num_points"):
        latent_grid(num_points=1)
    with pytest.raises(ValueError, match="half_width"):
        latent_grid(half_width=0.0)
