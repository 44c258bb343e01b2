"""The steps of notebooks/10_derivations, each checked independently of the notebook."""

import math

import numpy as np
import pytest
import torch
from torch.distributions import Normal, kl_divergence

from vae_tutorial import default_config, gaussian_kl, iwae_nll
from vae_tutorial.analysis import (
    elbo_gradient_noise,
    elbo_gradients,
    gaussian_kl_full,
    linear_elbo,
    linear_log_marginal,
    linear_posterior,
    linear_vae,
    negative_elbo,
)
from vae_tutorial.evaluation import log_weights
from vae_tutorial.model import build_vae

RNG = np.random.default_rng(7)
W, PSI, B = np.array([1.1, -0.6]), np.array([0.4, 0.9]), np.array([0.5, -1.0])
X = (B + RNG.normal(size=(200, 1)) * W + RNG.normal(size=(200, 2)) * np.sqrt(PSI))


@pytest.mark.parametrize("mean_scale,var_scale", [(1.0, 1.0), (0.6, 1.0), (1.0, 0.3),
                                                  (1.3, 2.5), (-0.5, 4.0)])
def test_jensen_and_the_elbo_identity(mean_scale, var_scale):
    post_mean, post_var = linear_posterior(X, W, PSI, B)
    q_mean, q_var = mean_scale * post_mean, var_scale * post_var[0]
    log_px = linear_log_marginal(X, W, PSI, B)
    elbo = linear_elbo(X, W, PSI, B, q_mean, q_var)
    gap = gaussian_kl_full(q_mean, np.diag(q_var), post_mean, post_var)
    assert np.all(elbo <= log_px + 1e-12)
    np.testing.assert_allclose(elbo + gap, log_px, atol=1e-10)
    if (mean_scale, var_scale) == (1.0, 1.0):
        np.testing.assert_allclose(elbo, log_px, atol=1e-10)
    else:
        assert np.all(gap > 0) or mean_scale == 1.0


def test_the_identity_holds_for_the_sampled_elbo_too():
    vae = linear_vae(W, PSI, B, mean_scale=0.6, var_scale=2.0)
    x = X.astype(np.float32)
    post_mean, post_var = linear_posterior(x, W, PSI, B)
    gap = gaussian_kl_full(0.6 * post_mean, np.diag(2.0 * post_var[0]), post_mean, post_var)
    sampled_gap = negative_elbo(vae, x, 5000, per_point=True) + linear_log_marginal(x, W, PSI, B)
    np.testing.assert_allclose(sampled_gap, gap, atol=0.15)  # Monte-Carlo error per point
    assert sampled_gap.mean() == pytest.approx(gap.mean(), abs=0.01)


def test_gaussian_kl_closed_form_step_by_step():
    mu, log_var = torch.tensor([0.3, -2.0, 1.1]), torch.tensor([0.5, -1.2, 0.0])
    sigma2 = log_var.exp()
    noise = torch.randn(400_000, 3, generator=torch.Generator().manual_seed(3))
    z = mu + sigma2.sqrt() * noise
    # The two expectations used in the derivation.
    torch.testing.assert_close((z - mu).pow(2).mean(0), sigma2, atol=0.02, rtol=0.02)
    torch.testing.assert_close(z.pow(2).mean(0), mu**2 + sigma2, atol=0.03, rtol=0.02)
    e_log_q = -0.5 * torch.log(2 * math.pi * sigma2) - 0.5
    e_log_p = -0.5 * math.log(2 * math.pi) - 0.5 * (mu**2 + sigma2)
    torch.testing.assert_close(gaussian_kl(mu, log_var), e_log_q - e_log_p)
    reference = kl_divergence(Normal(mu, sigma2.sqrt()), Normal(0.0, 1.0))
    torch.testing.assert_close(gaussian_kl(mu, log_var), reference)
    assert gaussian_kl(torch.zeros(1), torch.zeros(1)).item() == 0.0


def test_iwae_bound_increases_with_k_in_expectation():
    vae = linear_vae(W, PSI, B, mean_scale=0.5, var_scale=3.0)
    x = np.repeat(X[:20], 2000, axis=0).astype(np.float32)  # many estimates per point
    exact = -linear_log_marginal(x, W, PSI, B).mean()
    values = [iwae_nll(vae, x, k, seed=k) for k in (1, 2, 4, 16)]
    single = iwae_nll(vae, x, 1, seed=1, per_point=True)
    stderr = single.std() / math.sqrt(len(single))
    assert values[0] > values[1] > values[2] > values[3] > exact - 1e-3
    closed = -linear_elbo(x, W, PSI, B, 0.5 * linear_posterior(x, W, PSI, B)[0],
                          3.0 * linear_posterior(x[:1], W, PSI, B)[1][0]).mean()
    assert abs(values[0] - closed) < 4 * stderr  # K = 1 is the -ELBO, up to Monte-Carlo error


def test_gradient_variance_falls_like_one_over_num_mc():
    torch.manual_seed(0)
    model = build_vae(default_config(hidden_dim=16))
    batch = X[:64].astype(np.float32)
    v1, t1 = elbo_gradient_noise(model, batch, 1, num_repeats=300, seed=1)
    v8, t8 = elbo_gradient_noise(model, batch, 8, num_repeats=300, seed=2)
    assert 5 < v1 / v8 < 12  # ideal: 8
    assert t1 > 0 and t8 > 0


def small_vae(seed=0):
    torch.manual_seed(seed)
    return build_vae(default_config(hidden_dim=16))


def test_the_three_gradient_estimators_have_the_same_expectation():
    model, batch = small_vae(), X[:32].astype(np.float32)
    grads = {name: elbo_gradients(model, batch, name, num_repeats=300, seed=4)
             for name in ("closed_kl", "mc_log_w", "stl")}
    for name in ("mc_log_w", "stl"):
        diff = grads[name] - grads["closed_kl"]  # the same draws: a paired difference
        stderr = diff.std(0) / math.sqrt(len(diff))
        assert np.all(np.abs(diff.mean(0)) < 5 * stderr + 1e-7), name


def test_mc_log_w_is_the_gradient_of_the_mean_log_weight():
    model, batch = small_vae(1), torch.as_tensor(X[:16].astype(np.float32))
    noise = torch.randn([1, 16, 2], generator=torch.Generator().manual_seed(0))
    params = list(model.parameters())
    reference = torch.autograd.grad(-log_weights(model, batch, noise).mean(), params)
    reference = torch.cat([g.reshape(-1) for g in reference]).double().numpy()
    ours = elbo_gradients(model, batch.numpy(), "mc_log_w", num_repeats=1, seed=0)[0]
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-7)


def exact_linear_vae_with_parameters():
    """notebook 10's linear VAE with its exact posterior as encoder, the encoder's
    weights made trainable parameters (so they have gradients)."""
    vae = linear_vae(W, PSI, B)
    for name in ("weight", "bias", "log_var"):
        value = vae.encoder._buffers.pop(name)
        setattr(vae.encoder, name, torch.nn.Parameter(value.clone()))
    return vae


def test_sticking_the_landing_is_exactly_zero_at_the_exact_posterior():
    vae = exact_linear_vae_with_parameters()
    num_encoder = sum(p.numel() for p in vae.encoder.parameters() if p.requires_grad)
    batch = X[:64].astype(np.float32)
    stl = elbo_gradients(vae, batch, "stl", num_repeats=50, seed=0)[:, :num_encoder]
    full = elbo_gradients(vae, batch, "mc_log_w", num_repeats=50, seed=0)[:, :num_encoder]
    closed = elbo_gradients(vae, batch, "closed_kl", num_repeats=50, seed=0)
    assert np.abs(stl).max() < 1e-4  # log w = log p(x) for every z: float32 rounding
    assert full.var(0).sum() > 1e-2 and closed[:, :num_encoder].var(0).sum() > 1e-2


def test_unknown_gradient_estimator_is_a_value_error():
    with pytest.raises(ValueError, match="estimator"):
        elbo_gradients(small_vae(), X[:4].astype(np.float32), "reinforce")
