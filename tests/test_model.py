"""The networks' shapes, and VAE.loss against an independent torch.distributions computation."""

import torch
from torch.distributions import Independent, Normal, kl_divergence

from vae_tutorial import GaussianMLP, build_vae, default_config


def test_gaussian_mlp_layers_and_output_shape():
    net = GaussianMLP(input_dim=2, hidden_dim=16, output_dim=3)
    assert net(torch.zeros(5, 2)).shape == (5, 6)  # [batch, 2 * output_dim]
    assert isinstance(net.shared[1], torch.nn.Tanh)
    assert sum(p.numel() for p in net.parameters()) == (2 * 16 + 16) + (16 * 6 + 6)


def test_encode_decode_forward_shapes():
    torch.manual_seed(0)
    vae = build_vae(default_config(hidden_dim=8, latent_dim=3))
    x = torch.randn(5, 2)
    mu_z, log_var_z = vae.encode(x)
    assert mu_z.shape == log_var_z.shape == (5, 3)
    out = vae(x, torch.randn(4, 5, 3))  # noise [num_mc, batch, latent]
    assert out.z.shape == (4, 5, 3)
    assert out.mu_x.shape == out.log_var_x.shape == (4, 5, 2)
    # encode splits [mu; log_var] in that order.
    params = vae.encoder(x)
    torch.testing.assert_close(mu_z, params[:, :3])
    torch.testing.assert_close(log_var_z, params[:, 3:])


def test_loss_parts_match_an_independent_computation():
    torch.manual_seed(1)
    vae = build_vae(default_config(hidden_dim=32))
    x, noise = torch.randn(16, 2), torch.randn(3, 16, 2)
    total, recon, kl = vae.loss(x, noise)

    mu_z, log_var_z = vae.encode(x)
    q = Independent(Normal(mu_z, torch.exp(0.5 * log_var_z)), 1)
    prior = Independent(Normal(torch.zeros_like(mu_z), torch.ones_like(mu_z)), 1)
    expected_kl = kl_divergence(q, prior).mean()
    z = mu_z + torch.exp(0.5 * log_var_z) * noise
    expected_recon = torch.stack([
        -Independent(Normal(m, torch.exp(0.5 * lv)), 1).log_prob(x).mean()
        for m, lv in map(vae.decode, z)
    ]).mean()
    torch.testing.assert_close(kl, expected_kl)
    torch.testing.assert_close(recon, expected_recon)
    torch.testing.assert_close(total, expected_kl + expected_recon)
