"""A linear-Gaussian VAE whose marginal p(x), posterior p(z|x) and ELBO are known exactly;
the reference formulas here are written independently of ``vae_tutorial.analysis``.

p(z) = N(0, I), p(x|z) = N(W z + b, s2 I); so p(x) = N(b, W W^T + s2 I) and
p(z|x) = N(S W^T (x - b) / s2, S) with S = (I + W^T W / s2)^-1.
"""

import numpy as np

from vae_tutorial.analysis import linear_vae

W = np.array([[0.9, -0.3], [0.3, 0.9]])  # [input, latent]; orthogonal columns, so S is diagonal
B = np.array([1.0, 0.5])
S2 = 0.3


def posterior():
    """The exact posterior p(z|x) = N(G (x - b), S): returns the gain G and S."""
    latent = W.shape[1]
    cov = np.linalg.inv(np.eye(latent) + W.T @ W / S2)
    return cov @ W.T / S2, cov


def make_vae(mean_scale=1.0, var_scale=1.0):
    """The package's linear VAE: this decoder, and an encoder that is the exact posterior's
    mean map times ``mean_scale`` with its variances times ``var_scale``."""
    return linear_vae(W, np.full(W.shape[0], S2), B, mean_scale, var_scale)


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
