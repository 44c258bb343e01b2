"""The source post's training loop, re-implemented for timing only.

It does what the post's ``run_model`` does, step for step, so that ``benchmarks/run.py`` can
compare its wall time with ``vae_tutorial.run_model``: no seeding, the data shuffled with
``np.random.permutation`` each epoch, fresh ``torch.randn`` noise every step, a test pass with
fixed noise before training and after each epoch, and -- the expensive part -- 1,000 samples
generated from the decoder after every step (``sample_each_step=True``).  Progress bars are
off (the post used ``tqdm.notebook``; here ``tqdm.auto`` with ``disable=True``) and nothing is
printed.  The post's swapped loss columns in ``train_step`` are kept, since only time is
measured.  Not part of the package: the tutorial teaches ``vae_tutorial.run_model``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from tqdm.auto import trange


class MLP(nn.Module):
    """Linear -> tanh -> Linear to 2 * out values (mean and log-variance)."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int):
        super().__init__()
        self.shared = nn.Sequential(nn.Linear(n_in, n_hidden), nn.Tanh())
        self.param_layer = nn.Linear(n_hidden, 2 * n_out)

    def forward(self, inputs):
        return self.param_layer(self.shared(inputs))


def _halves(params):
    half = params.size(1) // 2
    return params[:, :half], params[:, half:]


class SourceVAE(nn.Module):
    def __init__(self, encoder: MLP, decoder: MLP):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def encode(self, x):
        return _halves(self.encoder(x))

    def decode(self, z):
        return _halves(self.decoder(z))

    def forward(self, x, noise):
        mu_z, log_var_z = self.encode(x)
        z = mu_z + torch.exp(log_var_z / 2) * noise  # [N, B, Z]
        mu_x, log_var_x = self.decode(z.reshape(-1, z.size(-1)))
        return z, mu_z, log_var_z, mu_x.reshape(-1, *x.size()), log_var_x.reshape(-1, *x.size())

    def loss(self, x, noise):
        _, mu_z, log_var_z, mu_x, log_var_x = self(x, noise)
        kl = (-(1 + log_var_z - mu_z**2 - torch.exp(log_var_z)) / 2).sum(-1).mean()
        recon = -torch.distributions.Normal(mu_x, torch.exp(log_var_x / 2)).log_prob(x)
        recon = recon.sum(-1).mean()
        return kl + recon, recon, kl


def train_step(cfg, vae, optim, batch):
    optim.zero_grad()
    noise = torch.randn([cfg.num_mc, batch.size(0), cfg.latent_dim])
    loss, recon, kl = vae.loss(batch, noise)
    loss.backward()
    optim.step()
    return loss.detach().numpy(), kl.detach().numpy(), recon.detach().numpy()


def run_test(data, vae, batch_size, noise):
    vae.eval()
    losses, counts = [], []
    for idx in trange(math.ceil(len(data) / batch_size), disable=True):
        batch = torch.from_numpy(data[idx * batch_size:(idx + 1) * batch_size])
        parts = vae.loss(batch, noise[idx, :, :batch.size(0)])
        losses.append([p.detach().numpy() for p in parts])
        counts.append(len(batch))
    return np.sum(np.array(losses) * np.array(counts)[:, None], axis=0) / np.sum(counts)


def generate_samples(cfg, vae, n_samples, noise=False):
    vae.eval()
    with torch.no_grad():
        mu_x, log_var_x = vae.decode(torch.randn([n_samples, cfg.latent_dim]))
        if noise:
            return torch.distributions.Normal(mu_x, torch.exp(log_var_x / 2)).sample().numpy()
        return mu_x.numpy()


def run_source_model(cfg, train_data, test_data):
    """Train as the post does; returns (train_losses, test_losses, samples_with_noise,
    samples_no_noise[, samples_per_step])."""
    vae = SourceVAE(MLP(cfg.input_dim, cfg.hidden_dim, cfg.latent_dim),
                    MLP(cfg.latent_dim, cfg.hidden_dim, cfg.input_dim))
    optim = torch.optim.Adam(vae.parameters(), lr=1e-3)
    batch_size = cfg.batch_size
    n_iters = math.ceil(len(train_data) / batch_size)
    noise_val = torch.randn([math.ceil(len(test_data) / batch_size), cfg.num_mc, batch_size,
                             cfg.latent_dim])
    train_losses, test_losses, samples_per_step = [], [], []
    test_losses.append(run_test(test_data, vae, batch_size, noise_val))
    for _ in range(cfg.num_epochs):
        vae.train()
        train_data = train_data[np.random.permutation(len(train_data))]
        for i in trange(n_iters, disable=True):
            batch = torch.from_numpy(train_data[i * batch_size:(i + 1) * batch_size])
            train_losses.append(train_step(cfg, vae, optim, batch))
            if cfg.sample_each_step:
                samples_per_step.append(generate_samples(cfg, vae, cfg.n_samples, noise=True))
        test_losses.append(run_test(test_data, vae, batch_size, noise_val))
    result = (np.stack(train_losses), np.stack(test_losses),
              generate_samples(cfg, vae, cfg.n_samples, noise=True),
              generate_samples(cfg, vae, cfg.n_samples, noise=False))
    return result + (samples_per_step,) if cfg.sample_each_step else result
