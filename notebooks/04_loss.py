# %% [markdown]
# # 04 · The loss: reconstruction + KL
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/04_loss.ipynb)
#
# **What you will learn**
#
# - what the VAE maximises, the evidence lower bound (ELBO), and why its negative splits into a
#   *reconstruction* term and a *KL* term;
# - how the reconstruction term is estimated with $T$ Monte-Carlo samples of $\mathbf{z}$;
# - the closed-form KL divergence between two Gaussians, checked against a Monte-Carlo estimate;
# - the Gaussian negative log-likelihood, checked against `torch.distributions`;
# - how `VAE.forward` and `VAE.loss` put the pieces together, and how the terms are reduced to
#   one number in *nats per data point*.

# %% tags=["hide-input"]
# Set-up: on Colab, install this tutorial's package; everywhere, print versions, seed.
import os
import subprocess
import sys

try:
    import google.colab  # noqa: F401  (importable only on Colab)
except ImportError:
    pass
else:
    repo = "git+https://github.com/vae-tutorial/vae_tutorial"
    source = os.environ.get("VAE_TUTORIAL_SOURCE", repo)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", source], check=True)

from vae_tutorial import setup_notebook

device = setup_notebook(seed=0)

# %% [markdown]
# We import what this notebook uses: PyTorch, NumPy, matplotlib, and the pieces of the package
# that we met in the earlier notebooks.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    VAE,
    build_vae,
    default_config,
    gaussian_kl,
    gaussian_nll,
    show_source,
    source_dataset,
    true_log_prob,
)

# %% [markdown]
# ## Where we are
#
# So far we have two small networks and a way to sample through them:
#
# - the **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x}) = \mathcal{N}\big(\boldsymbol{\mu}_z,
#   \operatorname{diag}(\boldsymbol{\sigma}_z^2)\big)$ maps a data point to a distribution over
#   latents;
# - the **decoder** $p_\theta(\mathbf{x} \mid \mathbf{z}) = \mathcal{N}\big(\boldsymbol{\mu}_x,
#   \operatorname{diag}(\boldsymbol{\sigma}_x^2)\big)$ maps a latent back to a distribution over
#   data;
# - the **reparameterization** $\mathbf{z} = \boldsymbol{\mu}_z + \boldsymbol{\sigma}_z \odot
#   \boldsymbol{\epsilon}$, $\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)$, draws latents
#   in a way gradients can flow through.
#
# The prior over latents is a standard normal, $p(\mathbf{z}) = \mathcal{N}(\mathbf{0}, I)$.
# What is missing is the number we minimise. This notebook builds it.
#
# > **If you are reading the source blog post:** it calls $p_\theta(\mathbf{x} \mid \mathbf{z})$
# > the encoder and $q_\phi(\mathbf{z} \mid \mathbf{x})$ the decoder. It is the other way round:
# > $q_\phi$ *encodes* $\mathbf{x}$ into $\mathbf{z}$, $p_\theta$ *decodes* $\mathbf{z}$ into
# > $\mathbf{x}$. The post also writes $q(\mathbf{z} \mid \theta)$ where it means
# > $q_\phi(\mathbf{z} \mid \mathbf{x})$, and $\operatorname{diag}(\boldsymbol{\sigma})$ where the
# > covariance is $\operatorname{diag}(\boldsymbol{\sigma}^2)$.

# %% [markdown]
# ## The evidence lower bound
#
# We would like to maximise the likelihood of the data, $\log p_\theta(\mathbf{x}) = \log \int
# p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})\, d\mathbf{z}$, but the integral over
# $\mathbf{z}$ has no closed form once the decoder is a neural network (notebook 01). The VAE
# instead maximises a lower bound on it. Here is why the bound holds, in three lines. Take
# any distribution $q_\phi(\mathbf{z} \mid \mathbf{x})$ that is positive wherever the
# integrand is, and multiply and divide by it inside the integral:
#
# $$
# \log p_\theta(\mathbf{x})
# = \log \int q_\phi(\mathbf{z} \mid \mathbf{x})\,
#   \frac{p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})}{q_\phi(\mathbf{z} \mid \mathbf{x})}
#   \, d\mathbf{z}
# = \log \mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}\!\left[
#   \frac{p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})}{q_\phi(\mathbf{z} \mid \mathbf{x})}
#   \right]
# \;\ge\; \mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}\!\left[\log
#   \frac{p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})}{q_\phi(\mathbf{z} \mid \mathbf{x})}
#   \right].
# $$
#
# The first step changes nothing; the second reads the integral as an average over
# $q_\phi$; the third is **Jensen's inequality**: $\log$ is concave, so the log of an
# average is at least the average of the logs. The right-hand side no longer has the
# integral inside a logarithm, so it can be estimated by sampling $\mathbf{z}$ from the
# encoder. Splitting the logarithm of the ratio into $\log p_\theta(\mathbf{x} \mid
# \mathbf{z})$ and $\log p(\mathbf{z}) - \log q_\phi(\mathbf{z} \mid \mathbf{x})$ gives the
# **ELBO** in the form the VAE uses:
#
# $$
# \log p_\theta(\mathbf{x}) \;\ge\; \mathcal{L}(\mathbf{x}) \;=\;
# \underbrace{\mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}\big[\log p_\theta(\mathbf{x} \mid
# \mathbf{z})\big]}_{\text{how well } \mathbf{z} \text{ explains } \mathbf{x}}
# \;-\; \underbrace{D_{\mathrm{KL}}\big(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\big\|\,
# p(\mathbf{z})\big)}_{\text{how far the encoder strays from the prior}}.
# $$
#
# Notebook 08 redoes this derivation in full and shows that the gap is exactly
# $D_{\mathrm{KL}}\big(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\|\, p_\theta(\mathbf{z} \mid
# \mathbf{x})\big)$, how far the encoder is from the model's posterior: the bound is tight
# exactly when the encoder outputs the posterior of notebook 01.
#
# Optimisers minimise, so the loss is the **negative** ELBO, and it splits into two terms:
#
# $$
# -\mathcal{L}(\mathbf{x}) \;=\; \underbrace{-\mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}
# \big[\log p_\theta(\mathbf{x} \mid \mathbf{z})\big]}_{\texttt{recon}}
# \;+\; \underbrace{D_{\mathrm{KL}}\big(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\big\|\,
# p(\mathbf{z})\big)}_{\texttt{kl}}.
# $$
#
# Because $-\mathcal{L}(\mathbf{x}) \ge -\log p_\theta(\mathbf{x})$, the loss is an upper bound
# on the negative log-likelihood. On our 2-D Gaussian data we know the true $-\log
# p(\mathbf{x})$ exactly, which will let us see how close the bound gets.

# %% [markdown]
# ## The reconstruction term, by Monte Carlo
#
# The expectation over $q_\phi(\mathbf{z} \mid \mathbf{x})$ has no closed form either, because
# $\log p_\theta(\mathbf{x} \mid \mathbf{z})$ passes $\mathbf{z}$ through the decoder network.
# We estimate it by averaging over $T$ draws $\mathbf{z}^{(i,t)} = \boldsymbol{\mu}_z +
# \boldsymbol{\sigma}_z \odot \boldsymbol{\epsilon}^{(i,t)}$ for the data point
# $\mathbf{x}^{(i)}$:
#
# $$
# \mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x}^{(i)})}\big[\log p_\theta(\mathbf{x}^{(i)} \mid
# \mathbf{z})\big] \;\approx\; \frac{1}{T} \sum_{t=1}^{T} \log p_\theta(\mathbf{x}^{(i)} \mid
# \mathbf{z}^{(i,t)}).
# $$
#
# The estimate is unbiased for any $T$; a larger $T$ only lowers its variance. The source post
# uses $T = 1$ (`config.num_mc = 1`), which works well because the gradient is averaged over a
# batch of 128 points anyway. This is why the noise tensor has shape `[num_mc, batch, latent]`:
# one $\boldsymbol{\epsilon}^{(i,t)}$ for each data point $i$ and each sample $t$.
#
# > **If you are reading the source blog post:** its version of this formula has
# > $\log p_\theta(\mathbf{z} \mid \mathbf{x}^{(i)})$ inside the expectation on the left. That is
# > a typo: both sides are about the decoder's likelihood of the data, $\log
# > p_\theta(\mathbf{x}^{(i)} \mid \mathbf{z})$.

# %% [markdown]
# ### The Gaussian log-likelihood
#
# Each term of the sum is the log-density of $\mathbf{x}$ under the decoder's diagonal Gaussian.
# With $D$ data dimensions, the negative log-density is a sum of $D$ one-dimensional terms:
#
# $$
# -\log \mathcal{N}\big(\mathbf{x} \mid \boldsymbol{\mu}, \operatorname{diag}(\boldsymbol{\sigma}^2)\big)
# = \sum_{d=1}^{D} \frac{1}{2}\left(\log 2\pi + \log \sigma_d^2 + \frac{(x_d - \mu_d)^2}{\sigma_d^2}\right).
# $$
#
# The package computes each one-dimensional term from the mean and the **log-variance** (the
# network predicts $\log\sigma^2$, so we never take the log of a variance that could underflow):

# %%
show_source(gaussian_nll)

# %% [markdown]
# Let us check it against PyTorch's own `Normal` distribution, which takes a standard deviation
# $\sigma = \exp(\tfrac12 \log\sigma^2)$ rather than a log-variance.

# %%
gen = torch.Generator().manual_seed(0)
x = torch.randn(5, 2, generator=gen)
mu = torch.randn(5, 2, generator=gen)
log_var = torch.randn(5, 2, generator=gen)

ours = gaussian_nll(x, mu, log_var)
reference = -torch.distributions.Normal(mu, torch.exp(log_var / 2)).log_prob(x)
print("gaussian_nll:            ", ours[0].numpy().round(6))
print("-Normal(...).log_prob(x):", reference[0].numpy().round(6))
# One value per dimension: the sum over dimensions comes later.
assert ours.shape == (5, 2)
assert torch.allclose(ours, reference, atol=1e-6)

# %% [markdown]
# ## The KL term, in closed form
#
# Both the encoder $q_\phi(\mathbf{z} \mid \mathbf{x}) = \mathcal{N}(\boldsymbol{\mu},
# \operatorname{diag}(\boldsymbol{\sigma}^2))$ and the prior $\mathcal{N}(\mathbf{0}, I)$ are
# Gaussian, so their KL divergence has an exact formula. For a $J$-dimensional latent:
#
# $$
# D_{\mathrm{KL}}\big(\mathcal{N}(\boldsymbol{\mu}, \operatorname{diag}(\boldsymbol{\sigma}^2))
# \,\big\|\, \mathcal{N}(\mathbf{0}, I)\big)
# = \sum_{j=1}^{J} \frac{1}{2}\left(\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2\right).
# $$
#
# Each term is zero exactly when $\mu_j = 0$ and $\sigma_j = 1$, and positive otherwise (since
# $\sigma^2 - 1 - \log\sigma^2 \ge 0$ for every $\sigma^2 > 0$). The KL term therefore pulls each
# encoder distribution towards the prior, while the reconstruction term pulls it towards
# whatever $\mathbf{z}$ explains $\mathbf{x}$ best. (Notebook 08 derives this formula too.)
#
# Here is the code, which returns one value per latent dimension:

# %%
show_source(gaussian_kl)

# %% [markdown]
# ### Checking it by Monte Carlo
#
# A KL divergence is itself an expectation,
# $$
# D_{\mathrm{KL}}(q \,\|\, p) = \mathbb{E}_{\mathbf{z} \sim q}\big[\log q(\mathbf{z}) - \log
# p(\mathbf{z})\big] \approx \frac{1}{T} \sum_{t=1}^{T} \big[\log q(\mathbf{z}^{(t)}) - \log
# p(\mathbf{z}^{(t)})\big],
# $$
# so we can estimate it the same way we estimate the reconstruction term, with $T$ draws, and
# check that the estimate converges to the closed form. We pick one encoder output
# $(\boldsymbol{\mu}, \log\boldsymbol{\sigma}^2)$ by hand, draw a million reparameterized
# samples, and use `gaussian_nll` for both log-densities (the prior has $\boldsymbol{\mu} =
# \mathbf{0}$ and $\log\boldsymbol{\sigma}^2 = \mathbf{0}$).

# %%
mu_q = torch.tensor([0.8, -0.3], dtype=torch.float64)
log_var_q = torch.tensor([-1.0, 0.5], dtype=torch.float64)
kl_exact = gaussian_kl(mu_q, log_var_q).sum().item()

t_max = 1_000_000
gen = torch.Generator().manual_seed(1)
eps = torch.randn(t_max, 2, generator=gen, dtype=torch.float64)
z = mu_q + torch.exp(log_var_q / 2) * eps  # z ~ q, by reparameterization
log_q = -gaussian_nll(z, mu_q, log_var_q).sum(dim=-1)
log_p = -gaussian_nll(z, torch.zeros(2), torch.zeros(2)).sum(dim=-1)
kl_samples = (log_q - log_p).numpy()  # one single-sample estimate per draw

t_grid = np.unique(np.logspace(0, 6, 60).astype(int))
kl_running = np.cumsum(kl_samples)[t_grid - 1] / t_grid  # the estimate from T draws
print(f"closed form: {kl_exact:.4f} nats;  "
      f"Monte Carlo with T = {t_max:,}: {kl_running[-1]:.4f} nats")

assert kl_exact > 0
# The standard error at T = 1e6 is about 1e-3:
assert abs(kl_running[-1] - kl_exact) < 5e-3
# q = prior gives KL = 0:
assert gaussian_kl(torch.zeros(3), torch.zeros(3)).abs().max() == 0

# %% [markdown]
# The left panel shows the running estimate against the number of samples $T$; the shaded
# band is $\pm$ two standard errors around the closed form. The right panel shows the size
# of the error on log-log axes: it shrinks like $1/\sqrt{T}$, so each extra correct digit
# costs a hundred times more samples. Note also that a single-sample estimate $\log
# q(\mathbf{z}) - \log p(\mathbf{z})$ can be negative, although the KL itself never is. The
# closed form costs one line, has no error and no variance, which is why the VAE uses it.

# %%
std_err = kl_samples.std() / np.sqrt(t_grid)
fig, (ax, ax_err) = plt.subplots(1, 2, figsize=(12, 4))
ax.fill_between(t_grid, kl_exact - 2 * std_err, kl_exact + 2 * std_err,
                color="tab:orange", alpha=0.2, label="closed form ± 2 standard errors")
ax.axhline(kl_exact, color="tab:orange", label=f"closed form ({kl_exact:.3f} nats)")
ax.plot(t_grid, kl_running, "o-", ms=3, color="tab:blue", label="Monte-Carlo estimate")
ax.set(xscale="log", xlabel="number of samples $T$", ylabel="KL divergence (nats)",
       ylim=(kl_exact - 1, kl_exact + 1), title="Monte-Carlo estimate vs closed form")
ax.legend()
ax_err.loglog(t_grid, np.abs(kl_running - kl_exact), "o", ms=3, color="tab:blue",
              label="|estimate − closed form|")
ax_err.loglog(t_grid, std_err, color="tab:orange",
              label=r"standard error $\propto 1/\sqrt{T}$")
ax_err.set(xlabel="number of samples $T$", ylabel="absolute error (nats)",
           title=r"The error shrinks like $1/\sqrt{T}$")
ax_err.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Putting it together: `VAE.forward`
#
# `VAE.forward` runs the whole pipeline for a batch `x` of shape `[batch, input]` and a noise
# tensor of shape `[num_mc, batch, latent]`: encode, reparameterize, decode every draw. It
# returns a named tuple so that no one has to remember the order of five tensors.

# %%
show_source(VAE.forward)

# %% [markdown]
# Let us run it on a batch of 128 points from the source post's data, with $T = 4$ noise draws,
# through a freshly initialised (untrained) model, and look at the shapes.

# %%
cfg = default_config()
train_data, _ = source_dataset(seed=0)
x = torch.from_numpy(train_data[:128])  # [batch, input] = [128, 2]

torch.manual_seed(0)  # the same initial weights on every run
model = build_vae(cfg)
gen = torch.Generator().manual_seed(0)
noise = torch.randn(4, len(x), cfg.latent_dim, generator=gen)  # [num_mc, batch, latent]
out = model(x, noise)
for name, value in out._asdict().items():
    print(f"{name:10s} {list(value.shape)}")

assert out.z.shape == (4, 128, 2) and out.mu_x.shape == (4, 128, 2)
assert out.mu_z.shape == (128, 2)

# %% [markdown]
# The encoder runs once per data point (`mu_z`, `log_var_z` are `[batch, latent]`), while the
# decoder runs once per draw (`z`, `mu_x`, `log_var_x` are `[num_mc, batch, ...]`). The decoder's
# `log_var_x` is, like every `log_var` in this tutorial, a log-**variance**.
#
# > **If you are reading the source blog post:** its shape comments (`[B, H, W, F]`, `[N, B, H,
# > W, F]`) come from image code; our data points are 2-D vectors, so the shapes are `[batch, 2]`.
# > It also names the decoder's output `log_sig_x` in one place and `log_sig2_x` in another; both
# > are the same log-variance $\log\boldsymbol{\sigma}_x^2$.

# %% [markdown]
# ## `VAE.loss` and how the terms are reduced
#
# `VAE.loss` turns those tensors into the negative ELBO:

# %%
show_source(VAE.loss)

# %% [markdown]
# The reconstruction term comes from a small method of its own, `VAE.log_likelihood`: the
# decoder's log-density of $\mathbf{x}$, $\log p_\theta(\mathbf{x} \mid \mathbf{z})$, summed
# over the data dimensions, one number per draw and data point. Keeping it separate means
# that everything else that needs this density (the likelihood estimates of notebook 07, the
# other decoders of notebook 09) calls the same three lines.

# %%
show_source(VAE.log_likelihood)

# %% [markdown]
# The factor `self.beta` in front of the KL is 1 by default, which makes the total exactly
# the negative ELBO; notebook 11 explores other values. Both terms start as one value per
# dimension and end as one number for the batch:
#
# - **sum over dimensions**: a diagonal Gaussian's log-density is the sum of its
#   per-dimension log-densities, and likewise for the KL. Summing (not averaging) keeps each
#   term a true log-density of the whole vector $\mathbf{x}$ or $\mathbf{z}$.
# - **mean over Monte-Carlo samples**: this is the $\frac{1}{T}\sum_t$ of the estimator
#   above.
# - **mean over the batch**: it keeps the loss on the same scale, nats per data point,
#   whatever the batch size, so losses from different batch sizes can be compared (the test
#   loss in notebook 05 averages batches of different sizes). It does *not* make one learning
#   rate right for every batch size: with Adam, which divides each gradient by a running
#   estimate of its own size, the scale of the loss hardly matters, while the gradient's
#   noise still shrinks with bigger batches. That is why notebook 07, which changes the batch
#   size, tunes the learning rate with it.
#
# With $B$ data points in the batch, the loss is therefore
#
# $$
# \underbrace{\frac{1}{B}\sum_{i=1}^{B} \frac{1}{T}\sum_{t=1}^{T} \sum_{d=1}^{D} -\log
# \mathcal{N}\big(x_d^{(i)} \mid \mu_{x,d}^{(i,t)}, (\sigma_{x,d}^{(i,t)})^2\big)}_{\texttt{recon}}
# \;+\; \underbrace{\frac{1}{B}\sum_{i=1}^{B} \sum_{j=1}^{J}
# \tfrac12\big((\mu_{z,j}^{(i)})^2 + (\sigma_{z,j}^{(i)})^2 - 1 - \log
# (\sigma_{z,j}^{(i)})^2\big)}_{\texttt{kl}},
# $$
#
# measured in **nats per data point** (nats because we use the natural logarithm). It is the
# same unit as $-\log p(\mathbf{x})$ averaged over the data, so the two can be compared directly.
# The closed-form KL does not depend on the noise, so it needs no average over $t$.

# %% [markdown]
# ## A worked call
#
# We call `model.loss` on our batch and check four things: the parts add up, the
# reconstruction term matches a hand computation with `torch.distributions.Normal`, it is the
# mean of `VAE.log_likelihood` over draws and batch, and the KL is positive.

# %%
parts = model.loss(x, noise)
print(f"total = {parts.total.item():.4f}, recon = {parts.recon.item():.4f}, "
      f"kl = {parts.kl.item():.4f}  (nats per data point)")

decoder_dist = torch.distributions.Normal(out.mu_x, torch.exp(out.log_var_x / 2))
# Sum over dimensions; mean over draws and batch:
recon_by_hand = -decoder_dist.log_prob(x).sum(dim=-1).mean()
log_lik = model.log_likelihood(x, (out.mu_x, out.log_var_x))  # [num_mc, batch]

assert torch.allclose(parts.total, parts.recon + parts.kl)
assert torch.allclose(parts.recon, recon_by_hand, atol=1e-5)
assert log_lik.shape == (4, 128) and torch.allclose(parts.recon, -log_lik.mean())
assert parts.kl > 0

# %% [markdown]
# Finally, the bound itself. We know the true density of this data, so we can compute the exact
# negative log-likelihood of the batch. The untrained model's loss should sit above it (we use
# $T = 256$ draws here so that the Monte-Carlo noise is small).

# %%
exact_nll = -true_log_prob(x.numpy(), SOURCE_MU, SOURCE_COV).mean()
gen = torch.Generator().manual_seed(2)
many = torch.randn(256, len(x), cfg.latent_dim, generator=gen)
with torch.no_grad():
    untrained = model.loss(x, many).total.item()
print(f"exact -log p(x): {exact_nll:.3f} nats per data point")
print(f"untrained -ELBO: {untrained:.3f} nats per data point")
print(f"the untrained model is {untrained - exact_nll:.3f} nats above the floor")
assert untrained > exact_nll
assert math.isfinite(untrained)

# %% [markdown]
# Training will push the $-$ELBO down towards that floor, but in expectation over the data
# distribution it can never go below it: $-\mathcal{L}(\mathbf{x}) \ge -\log
# p_\theta(\mathbf{x})$ for every point, and no model density $p_\theta$ has a higher
# *expected* log-likelihood than the true density $p$ itself (Gibbs' inequality). On a
# finite batch like this one, a model can by chance score slightly better than the truth.

# %% [markdown]
# ## Exercises
#
# **1. More draws per point.** Estimate the loss of our batch with 20 different noise seeds,
# once with $T = 4$ draws per point and once with $T = 64$. By what factor does the spread
# of the reconstruction term shrink? Does the KL term move at all?

# %% tags=["hide-cell"]
# Sixteen times the draws: the standard deviation shrinks by sqrt(16) = 4 (the batch
# average already removes some noise, but the factor is the same).  The closed-form KL
# does not depend on the noise, so it does not move.
spread = {}
with torch.no_grad():
    for t in (4, 64):
        runs = [model.loss(x, torch.randn(t, len(x), 2,
                                          generator=torch.Generator().manual_seed(s)))
                for s in range(20)]
        spread[t] = np.std([r.recon.item() for r in runs])
        assert np.ptp([r.kl.item() for r in runs]) < 1e-6
print(f"std of recon: T = 4: {spread[4]:.4f}, T = 64: {spread[64]:.4f}, "
      f"ratio {spread[4] / spread[64]:.1f}")
assert 2.5 < spread[4] / spread[64] < 6.5

# %% [markdown]
# **2. KL by hand.** Predict the KL of one latent dimension for $q = \mathcal{N}(1, 1)$, and
# for $q = \mathcal{N}(0, e)$.

# %% tags=["hide-cell"]
# 1/2 (mu^2 + sigma^2 - 1 - log sigma^2): 1/2 (1 + 1 - 1 - 0) = 0.5 and
# 1/2 (0 + e - 1 - 1) = (e - 2) / 2 ~ 0.359.
kl_two = gaussian_kl(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]))
print("KL:", kl_two.numpy().round(4))
assert torch.allclose(kl_two, torch.tensor([0.5, (math.e - 2) / 2]))

# %% [markdown]
# **3. Averaging instead of summing.** If `VAE.loss` took the *mean* over the two data
# dimensions instead of the sum, what would the reconstruction term of our batch be, and
# could it still be compared with the exact $-\log p(\mathbf{x})$?

# %% tags=["hide-cell"]
# Half the sum (two dimensions), so no: it would no longer be the negative log-density
# of the vector x, and the comparison with the exact NLL would be off by a factor of 2.
with torch.no_grad():
    per_dim = gaussian_nll(x, out.mu_x, out.log_var_x)  # [num_mc, batch, 2]
    averaged = per_dim.mean(dim=-1).mean()
print(f"sum over dimensions: {parts.recon.item():.4f}, mean: {averaged.item():.4f}")
assert torch.allclose(averaged, parts.recon / 2)

# %% [markdown]
# ## Summary
#
# - The VAE minimises the negative ELBO, an upper bound on $-\log p(\mathbf{x})$:
#   reconstruction $-\mathbb{E}_{q_\phi}[\log p_\theta(\mathbf{x} \mid \mathbf{z})]$ plus
#   $D_{\mathrm{KL}}(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\|\, p(\mathbf{z}))$.
# - The reconstruction term is estimated with $T$ reparameterized draws
#   (`noise` `[num_mc, batch, latent]`); the KL between two Gaussians is exact (`gaussian_kl`),
#   and a Monte-Carlo estimate converges to it like $1/\sqrt{T}$.
# - `gaussian_nll` is the per-dimension Gaussian negative log-density, identical to
#   `-torch.distributions.Normal(...).log_prob`.
# - `VAE.loss` sums over dimensions and averages over the batch and the draws; it returns
#   `(total, recon, kl)` in **nats per data point**, with `total = recon + kl` (for the
#   default `beta = 1`). `VAE.log_likelihood` is the decoder's log-density it averages.
# - The ELBO is a lower bound on $\log p_\theta(\mathbf{x})$ by Jensen's inequality, in three
#   lines; notebook 08 shows the gap is $D_{\mathrm{KL}}(q_\phi \,\|\, p_\theta(\mathbf{z}
#   \mid \mathbf{x}))$.
#
# **Next:** [05 · Training](05_training.ipynb) minimises this loss with Adam, and watches the
# train and test losses fall.
