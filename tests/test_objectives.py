"""The objective's pieces against torch.distributions, Monte Carlo and closed forms."""

import math

import pytest
import torch
from torch.distributions import Normal, kl_divergence

from vae_tutorial import gaussian_kl, gaussian_nll, sample_latents


@pytest.fixture
def params():
    gen = torch.Generator().manual_seed(0)
    mu = torch.randn(64, 3, generator=gen, dtype=torch.float64)
    log_var = torch.randn(64, 3, generator=gen, dtype=torch.float64)
    return mu, log_var


def test_gaussian_kl_matches_torch_distributions(params):
    mu, log_var = params
    expected = kl_divergence(Normal(mu, torch.exp(log_var / 2)), Normal(0.0, 1.0))
    torch.testing.assert_close(gaussian_kl(mu, log_var), expected)


def test_gaussian_kl_matches_monte_carlo():
    mu = torch.tensor([0.7, -1.2], dtype=torch.float64)
    log_var = torch.tensor([-0.5, 0.8], dtype=torch.float64)
    q = Normal(mu, torch.exp(log_var / 2))
    z = q.sample((400_000,))  # [samples, latent]
    mc = (q.log_prob(z) - Normal(0.0, 1.0).log_prob(z)).mean(0)
    torch.testing.assert_close(mc, gaussian_kl(mu, log_var), atol=0.01, rtol=0.0)


def test_gaussian_kl_is_zero_only_at_the_prior():
    zero = torch.zeros(4)
    assert torch.all(gaussian_kl(zero, zero) == 0)
    assert torch.all(gaussian_kl(zero + 0.1, zero - 0.3) > 0)


def test_gaussian_nll_matches_normal_log_prob(params):
    mu, log_var = params
    x = torch.linspace(-3, 3, 64, dtype=torch.float64)[:, None].expand(64, 3)
    expected = -Normal(mu, torch.exp(log_var / 2)).log_prob(x)
    torch.testing.assert_close(gaussian_nll(x, mu, log_var), expected)


def test_gaussian_nll_of_standard_normal_at_zero():
    value = gaussian_nll(torch.zeros(1), torch.zeros(1), torch.zeros(1))
    assert value.item() == pytest.approx(0.5 * math.log(2 * math.pi))


def test_sample_latents_shape_and_broadcast():
    mu, log_var = torch.zeros(5, 2), torch.zeros(5, 2)
    noise = torch.randn(7, 5, 2)  # [num_mc, batch, latent]
    z = sample_latents(mu, log_var, noise)
    assert z.shape == (7, 5, 2)
    torch.testing.assert_close(z, noise)


def test_sample_latents_moments():
    mu = torch.tensor([[1.5, -2.0]])
    log_var = torch.log(torch.tensor([[0.25, 4.0]]))
    noise = torch.randn(200_000, 1, 2, generator=torch.Generator().manual_seed(1))
    z = sample_latents(mu, log_var, noise)[:, 0]
    torch.testing.assert_close(z.mean(0), mu[0], atol=0.02, rtol=0)
    torch.testing.assert_close(z.var(0), torch.exp(log_var[0]), atol=0.0, rtol=0.02)


def test_reparameterized_gradient_matches_analytic():
    # E[z^2] = mu^2 + sigma^2, so d/dmu = 2 mu and d/dlog_var = sigma^2.
    mu = torch.tensor([0.8], dtype=torch.float64, requires_grad=True)
    log_var = torch.tensor([math.log(0.5)], dtype=torch.float64, requires_grad=True)
    noise = torch.randn(400_000, 1, generator=torch.Generator().manual_seed(2),
                        dtype=torch.float64)
    (sample_latents(mu, log_var, noise) ** 2).mean().backward()
    assert mu.grad.item() == pytest.approx(2 * 0.8, abs=0.01)
    assert log_var.grad.item() == pytest.approx(0.5, abs=0.01)
