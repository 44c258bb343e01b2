"""A linear-Gaussian VAE whose marginal p(x), posterior p(z|x) and ELBO are known exactly.

p(z) = N(0, I), p(x|z) = N(W z + b, s2 I); so p(x) = N(b, W W^T + s2 I) and
p(z|x) = N(S W^T (x - b) / s2, S) with S = (I + W^T W / s2)^-1.
"""

import math

import numpy as np
import torch
from torch import nn

from vae_tutorial import VAE

W = np.array([[0.9, -0.3], [0.3, 0.9]])  # [input, latent]; orthogonal columns, so S is diagonal
B = np.array([1.0, 0.5])
S2 = 0.3


class LinearGaussian(nn.Module):
    """inputs -> [A inputs + a; log_var], the layout GaussianMLP uses."""

    def __init__(self, weight, bias, log_var):
        super().__init__()
        self.weight = torch.as_tensor(weight, dtype=torch.float32)
        self.bias = torch.as_tensor(bias, dtype=torch.float32)
        self.log_var = torch.as_tensor(log_var, dtype=torch.float32)
        self.dummy = nn.Parameter(torch.zeros(()))  # so the model has a device

    def forward(self, inputs):
        mean = inputs @ self.weight.T + self.bias
        return torch.cat([mean, self.log_var.expand(mean.shape)], dim=-1)


def posterior():
    """The exact posterior p(z|x) = N(G (x - b), S): returns the gain G and S."""
    latent = W.shape[1]
    cov = np.linalg.inv(np.eye(latent) + W.T @ W / S2)
    return cov @ W.T / S2, cov


def make_vae(mean_scale=1.0, var_scale=1.0):
    """A VAE with the linear decoder; its encoder is the exact posterior's mean map times
    ``mean_scale`` with the posterior's marginal variances times ``var_scale`` (diagonal q)."""
    gain, cov = posterior()
    encoder = LinearGaussian(mean_scale * gain, -mean_scale * gain @ B,
                             np.log(var_scale * np.diag(cov)))
    decoder = LinearGaussian(W, B, np.full(W.shape[0], math.log(S2)))
    return VAE(encoder, decoder)


def exact_nll(x):
    """-log p(x) per row, p(x) = N(b, W W^T + s2 I)."""
    from scipy.stats import multivariate_normal

    return -multivariate_normal(B, W @ W.T + S2 * np.eye(W.shape[0])).logpdf(x)


def exact_negative_elbo(x, mean_scale=1.0, var_scale=1.0):
    """-ELBO per row for the encoder of ``make_vae``, in closed form:
    E_q[-log p(x|z)] + KL(q || N(0, I)) with q = N(m, diag(v))."""
    gain, cov = posterior()
    m = mean_scale * (x - B) @ gain.T  # [N, latent]
    v = var_scale * np.diag(cov)  # [latent]
    d = W.shape[0]
    resid = x - m @ W.T - B
    spread = np.trace(W @ np.diag(v) @ W.T)  # E_q ||W (z - m)||^2
    recon = 0.5 * (d * np.log(2 * np.pi * S2) + ((resid**2).sum(1) + spread) / S2)
    kl = 0.5 * (m**2 + v - 1 - np.log(v)).sum(1)
    return recon + kl
