# %% [markdown]
# # 03 · The reparameterization trick
#
# Training a VAE needs the gradient of an average over the encoder's random draws of
# $\mathbf{z}$, but a random draw has no gradient. Writing the draw as fixed noise that is
# shifted and scaled by the encoder's outputs gives one. This notebook shows the trick, its
# one line of code, and checks it against gradients we know exactly. It needs the encoder
# of [02 · The networks](02_network.ipynb): a mean and a log-variance per data point.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/03_reparameterization.ipynb)

# %% jupyter={"outputs_hidden": true, "source_hidden": true} tags=["hide-cell"]
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

# %% tags=["hide-input"]
# The picture: the computational graph of the loss, without and with the trick.
import matplotlib.pyplot as plt

from vae_tutorial.plotting import plot_reparameterization_graph

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, reparameterized in zip(axes, (False, True)):
    plot_reparameterization_graph(ax, reparameterized)
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - why drawing $\mathbf{z} \sim q_\phi(\mathbf{z} \mid \mathbf{x})$ directly blocks the
#   gradients training needs (left above);
# - the reparameterization $\mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma} \odot
#   \boldsymbol{\epsilon}$, $\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)$ (right),
#   and the package's one-line `sample_latents`;
# - the layout of the noise tensor, `[num_mc, batch, latent]`;
# - how to check it: the draws have the right moments, and autograd through them gives the
#   exact gradient of an expectation, with less noise than the score-function estimator.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import stats

from vae_tutorial import sample_latents, show_source

# %% [markdown]
# ## The problem: a random draw has no gradient
#
# Training needs the gradient of an **expectation over the encoder's distribution**, such as
# the reconstruction term $\mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}\big[\log
# p_\theta(\mathbf{x} \mid \mathbf{z})\big]$ (notebook 04), with respect to the encoder's
# outputs $\boldsymbol{\mu}$ and $\log \boldsymbol{\sigma}^2$:
#
# $$
# \nabla_{\boldsymbol{\mu},\, \log\boldsymbol{\sigma}^2}\;
# \mathbb{E}_{\mathbf{z} \sim \mathcal{N}(\boldsymbol{\mu}, \operatorname{diag}(\boldsymbol{\sigma}^2))}
# \big[f(\mathbf{z})\big].
# $$
#
# We estimate the expectation by drawing $\mathbf{z}$ and averaging $f(\mathbf{z})$. But
# "pick a random number from this distribution" is not a differentiable function of
# $\boldsymbol{\mu}$ and $\boldsymbol{\sigma}$: PyTorch's `sample()` returns a tensor cut off
# from the graph, so backpropagation stops there and the encoder would learn nothing from
# the reconstruction. In code:

# %%
mu = torch.tensor([0.5, -1.0], requires_grad=True)
log_var = torch.tensor([0.0, 1.0], requires_grad=True)
z_blocked = torch.distributions.Normal(mu, torch.exp(log_var / 2)).sample()
print("z =", z_blocked, "| requires_grad:", z_blocked.requires_grad,
      "| grad_fn:", z_blocked.grad_fn)

# %% [markdown]
# ## The trick: move the randomness out of the way
#
# A Gaussian draw can be written as a parameter-free draw followed by a deterministic
# transformation. Draw standard normal noise, then shift and scale it:
#
# $$
# \boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I), \qquad
# \mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma} \odot \boldsymbol{\epsilon},
# \qquad \boldsymbol{\sigma} = \exp\!\big(\tfrac12 \log \boldsymbol{\sigma}^2\big),
# $$
#
# where $\odot$ multiplies element by element. Since $\epsilon_j$ has mean 0 and variance 1,
# $z_j$ has mean $\mu_j$ and variance $\sigma_j^2$, and an affine function of a Gaussian is
# Gaussian: $\mathbf{z} \sim \mathcal{N}(\boldsymbol{\mu},
# \operatorname{diag}(\boldsymbol{\sigma}^2))$, the distribution we wanted.
#
# The picture at the top shows what this buys. On the left, $\mathbf{z}$ is *drawn* inside
# the graph, and the reconstruction's gradient stops at the draw. (The closed-form KL term
# of notebook 04 is computed from $\boldsymbol{\mu}_z$ and $\log\boldsymbol{\sigma}_z^2$
# directly, so it alone would still reach the encoder.) On the right, the only random node
# is the noise, an *input* like $\mathbf{x}$, and the gradient passes through the sum and
# product down to the encoder's weights $\phi$. Nothing samples $\mathbf{x}$: the loss needs
# only the density $p_\theta(\mathbf{x} \mid \mathbf{z})$ of the data point we have.
#
# Because the noise depends on no parameter, the gradient moves inside the expectation:
#
# $$
# \nabla\, \mathbb{E}_{\mathbf{z}}\big[f(\mathbf{z})\big]
# = \mathbb{E}_{\boldsymbol{\epsilon}}\big[\nabla f(\boldsymbol{\mu} + \boldsymbol{\sigma}
# \odot \boldsymbol{\epsilon})\big]
# \approx \frac{1}{T} \sum_{t=1}^{T} \nabla f(\boldsymbol{\mu} + \boldsymbol{\sigma} \odot
# \boldsymbol{\epsilon}^{(t)}),
# $$
#
# an ordinary average of ordinary gradients, which autograd computes. The local derivatives
# of $\mathbf{z}$ are
#
# $$
# \frac{\partial z_j}{\partial \mu_j} = 1, \qquad
# \frac{\partial z_j}{\partial \log \sigma_j^2} = \tfrac12\, \sigma_j\, \epsilon_j .
# $$
#
# In the package this is one line:

# %%
show_source(sample_latents)

# %% [markdown]
# We redo the draw with `sample_latents`, passing in noise from a seeded generator, and
# backpropagate from $z_1 + z_2$. The gradients should equal the two local derivatives:

# %%
noise = torch.randn(2, generator=torch.Generator().manual_seed(0))
z = sample_latents(mu, log_var, noise)
z.sum().backward()
by_hand = (torch.exp(log_var / 2) * noise / 2).detach()
print("z =", z.detach(), "| grad_fn:", type(z.grad_fn).__name__)
print("dz/dmu      =", mu.grad.numpy(), " (by hand: 1, 1)")
print("dz/dlog_var =", log_var.grad.numpy().round(4),
      " (by hand, sigma * noise / 2:", by_hand.numpy().round(4), ")")

# %% [markdown]
# PyTorch offers the same trick as `rsample()` ("reparameterized sample"), which draws its own
# noise and keeps the graph. We pass the noise in instead, because the caller needs to
# control it: the test loss in notebook 05 reuses the same noise on every evaluation, so
# changes in the loss come from the model, not from the dice.

# %%
z_r = torch.distributions.Normal(mu, torch.exp(log_var / 2)).rsample()
print("rsample() keeps the graph:", z_r.requires_grad)

# %% [markdown]
# ## The noise layout: `[num_mc, batch, latent]`
#
# The encoder produces one $(\boldsymbol{\mu}, \log\boldsymbol{\sigma}^2)$ per data point, so
# `mu` and `log_var` are `[batch, latent]`. We may want $T$ draws per point (the `num_mc`
# setting, 1 in the source post), so the noise is `[num_mc, batch, latent]`, and
# broadcasting lines `mu` up with every draw:
#
# ```
# mu      [       batch, latent]   ->  treated as [1, batch, latent]
# noise   [num_mc, batch, latent]
# z       [num_mc, batch, latent]   z[t, i] = mu[i] + sigma[i] * noise[t, i]
# ```

# %%
gen = torch.Generator().manual_seed(1)
mu_b = torch.randn(3, 2, generator=gen)  # [batch, latent]: one mean per data point
log_var_b = torch.randn(3, 2, generator=gen)  # [batch, latent]
noise_b = torch.randn(4, 3, 2, generator=gen)  # [num_mc, batch, latent]
z_b = sample_latents(mu_b, log_var_b, noise_b)
print("mu", list(mu_b.shape), " log_var", list(log_var_b.shape),
      " noise", list(noise_b.shape), " ->  z", list(z_b.shape))

# %% [markdown]
# ## Check 1: the draws have the right mean and variance
#
# Many draws for one data point should have sample mean $\boldsymbol{\mu}$ and sample
# variance $\boldsymbol{\sigma}^2$. We take $\boldsymbol{\mu} = [1, -2]$ and
# $\boldsymbol{\sigma}^2 = [0.25, 4]$, draw $T = 200{,}000$ samples in `float64`, and
# compare; the histograms should sit on the exact densities.

# %%
T = 200_000
mu_1 = torch.tensor([[1.0, -2.0]], dtype=torch.float64)  # [batch = 1, latent = 2]
log_var_1 = torch.log(torch.tensor([[0.25, 4.0]], dtype=torch.float64))
noise_1 = torch.randn(T, 1, 2, generator=torch.Generator().manual_seed(2),
                      dtype=torch.float64)
z_1 = sample_latents(mu_1, log_var_1, noise_1)[:, 0]  # [T, 2]: all draws of one point

sample_mean, sample_var = z_1.mean(dim=0), z_1.var(dim=0)
print("mu     :", mu_1[0].numpy(), "  sample mean    :", sample_mean.numpy().round(4))
print("sigma^2:", log_var_1[0].exp().numpy(),
      "  sample variance:", sample_var.numpy().round(4))

fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
for j, ax in enumerate(axes):
    m, s = mu_1[0, j].item(), log_var_1[0, j].exp().sqrt().item()
    grid = np.linspace(m - 4.5 * s, m + 4.5 * s, 300)
    ax.hist(z_1[:, j].numpy(), bins=100, density=True, alpha=0.6,
            label=r"$\mu_j + \sigma_j \epsilon$, " + f"{T:,} draws")
    ax.plot(grid, stats.norm.pdf(grid, m, s), color="darkorange", lw=2,
            label=rf"exact $\mathcal{{N}}({m:g}, {s**2:g})$")
    ax.set(title=rf"Latent dimension $j = {j + 1}$: $\mu_j = {m:g}$, "
                 rf"$\sigma_j^2 = {s**2:g}$",
           xlabel=f"$z_{j + 1}$", ylabel="probability density")
    ax.legend(loc="upper right", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Check 2: gradients of an expectation we know exactly
#
# Take $f(z) = z^2$ for $z \sim \mathcal{N}(\mu, \sigma^2)$. Then
# $\mathbb{E}[z^2] = \sigma^2 + \mu^2$, with exact gradients
#
# $$
# \frac{\partial\, \mathbb{E}[z^2]}{\partial \mu} = 2\mu, \qquad
# \frac{\partial\, \mathbb{E}[z^2]}{\partial \log \sigma^2} = \sigma^2
# $$
#
# (because $\sigma^2 = e^{\log\sigma^2}$ is its own derivative). We estimate them the way
# training will: average $f$ over the $T$ reparameterized draws above, call `backward()`,
# read `.grad`. For both dimensions the exact answers are $2\boldsymbol{\mu} = [2, -4]$ and
# $\boldsymbol{\sigma}^2 = [0.25, 4]$.

# %%
def reparameterized_gradient(mu, log_var, noise):
    """Estimate d/d(mu, log_var) of E[z^2] per latent dimension with the given noise."""
    mu, log_var = mu.clone().requires_grad_(True), log_var.clone().requires_grad_(True)
    z = sample_latents(mu, log_var, noise)  # [T, 1, 2]
    (z**2).mean(dim=0).sum().backward()  # Monte-Carlo average over the T draws
    return mu.grad[0], log_var.grad[0]


grad_mu, grad_log_var = reparameterized_gradient(mu_1, log_var_1, noise_1)
exact_mu, exact_log_var = 2 * mu_1[0], log_var_1[0].exp()
print(f"d/dmu      : estimate {grad_mu.numpy().round(4)}, exact {exact_mu.numpy()}")
print(f"d/dlog_var : estimate {grad_log_var.numpy().round(4)}, "
      f"exact {exact_log_var.numpy()}")

# %% [markdown]
# The estimate is **unbiased**: right on average for any number of draws, and more draws
# only make it less noisy. The figure shows the relative error of the four gradient entries
# from the first $T$ draws: it falls like $1/\sqrt{T}$, the usual Monte-Carlo rate. Training
# gets away with $T = 1$ draw per data point because each step also averages over a batch of
# 128 points, and takes many steps with fresh noise.

# %%
T_values = np.unique(np.logspace(0, np.log10(T), 25).astype(int))
errors = []
for n in T_values:
    g_mu, g_lv = reparameterized_gradient(mu_1, log_var_1, noise_1[:n])
    errors.append(torch.cat([(g_mu - exact_mu).abs() / exact_mu.abs(),
                             (g_lv - exact_log_var).abs() / exact_log_var]).numpy())
errors = np.array(errors)  # [len(T_values), 4]

fig, ax = plt.subplots(figsize=(7, 4.2))
labels = [r"$\partial/\partial\mu_1$", r"$\partial/\partial\mu_2$",
          r"$\partial/\partial\log\sigma_1^2$", r"$\partial/\partial\log\sigma_2^2$"]
for k, label in enumerate(labels):
    ax.loglog(T_values, errors[:, k], "o-", ms=3, lw=1, label=label)
ax.loglog(T_values, 2 / np.sqrt(T_values), "k--", label=r"$\propto 1/\sqrt{T}$")
ax.set(title=r"Reparameterized gradient of $\mathbb{E}[z^2]$ vs its exact value",
       xlabel="number of noise draws $T$", ylabel="relative error")
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Why not the score-function estimator?
#
# Another unbiased estimator, the *score-function* (REINFORCE) estimator, needs no
# derivative of $f$: $\nabla_\mu \mathbb{E}[f(z)] = \mathbb{E}\big[(f(z) - b)\,
# \partial_\mu \log q(z)\big] = \mathbb{E}\big[(f(z) - b)(z - \mu)/\sigma^2\big]$ for any
# constant *baseline* $b$. It uses only the *value* of $f$, while the reparameterized
# estimate $f'(z) = 2z$ uses its slope. We compare the spread of single-draw estimates of
# $\partial/\partial\mu_2$ (exact value $-4$) without a baseline ($b = 0$) and with the
# baseline $b = \mathbb{E}[f] = \mu^2 + \sigma^2$:

# %%
z_2, m_2, var_2 = z_1[:, 1], mu_1[0, 1], log_var_1[0, 1].exp()
estimators = {
    "reparameterized": 2 * z_2,  # d/dmu of z^2 through z = mu + sigma * eps
    "score, b = 0": z_2**2 * (z_2 - m_2) / var_2,  # f(z) * d/dmu log q(z)
    "score, b = E f": (z_2**2 - (m_2**2 + var_2)) * (z_2 - m_2) / var_2,
}
reference_sd = estimators["reparameterized"].std()
for name, draws in estimators.items():
    print(f"{name:16s} mean {draws.mean():+.3f}, standard deviation per draw "
          f"{draws.std():5.2f}, draws needed {(draws.std() / reference_sd) ** 2:4.1f}x")

# %% [markdown]
# All three are right on average. Without a baseline, the score-function estimate's standard
# deviation is exactly $\sqrt{120} \approx 11$ here, against $2\sigma = 4$: it needs
# $(\sqrt{120}/4)^2 = 7.5$ times as many draws for the same accuracy. The baseline helps
# ($\sqrt{72} \approx 8.5$, 4.5 times) but does not close the gap, which usually widens with
# more latent dimensions and an $f$ as complicated as a decoder. That is why the VAE (Kingma
# & Welling, 2014) uses reparameterization.

# %% [markdown]
# ## Exercises
#
# **1. Another expectation with a known answer.** For $f(z) = z^3$ and
# $z \sim \mathcal{N}(\mu, \sigma^2)$, $\mathbb{E}[z^3] = \mu^3 + 3\mu\sigma^2$. Predict the
# exact gradients with respect to $\mu$ and $\log\sigma^2$ for the first latent dimension
# above ($\mu = 1$, $\sigma^2 = 0.25$), then estimate them with the same 200,000 draws.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# d/dmu = 3 mu^2 + 3 sigma^2 = 3.75;  d/dlog_var = 3 mu sigma^2 (because
# d sigma^2 / d log sigma^2 = sigma^2) = 0.75.
m1 = mu_1[:, :1].clone().requires_grad_(True)
lv1 = log_var_1[:, :1].clone().requires_grad_(True)
(sample_latents(m1, lv1, noise_1[..., :1]) ** 3).mean().backward()
print(f"d/dmu {m1.grad.item():.4f} (exact 3.75), "
      f"d/dlog_var {lv1.grad.item():.4f} (exact 0.75)")
assert abs(m1.grad.item() - 3.75) < 0.03 and abs(lv1.grad.item() - 0.75) < 0.03

# %% [markdown]
# **2. A very confident encoder.** Set $\log\sigma^2 = -20$ for both dimensions of the
# first example. Predict $\mathbf{z}$ and the gradient of $z_1 + z_2$ with respect to
# $\log\sigma^2$. What does that mean for an encoder that has become very sure of itself?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# sigma = exp(-10) ~ 4.5e-5, so z equals mu to four decimals and dz/dlog_var =
# sigma * noise / 2 is of order 1e-5: the reconstruction term then barely moves the
# variance (the KL term's gradient, (sigma^2 - 1) / 2 ~ -0.5, is not small: it pulls the
# variance back up).
lv_sure = torch.full((2,), -20.0, requires_grad=True)
z_sure = sample_latents(mu.detach(), lv_sure, noise)
z_sure.sum().backward()
print("z =", z_sure.detach().numpy(), " dz/dlog_var =", lv_sure.grad.numpy())
assert torch.allclose(z_sure, mu.detach(), atol=1e-3)
assert lv_sure.grad.abs().max() < 1e-4

# %% [markdown]
# ## Summary
#
# - Sampling $\mathbf{z}$ with `sample()` cuts the graph: no gradient of the reconstruction
#   reaches the encoder.
# - The reparameterization $\mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma} \odot
#   \boldsymbol{\epsilon}$ gives the same distribution and moves the randomness into a
#   parameter-free input, so gradients flow through $\boldsymbol{\mu}$ and
#   $\log\boldsymbol{\sigma}^2$.
# - `sample_latents(mu, log_var, noise)` is that one line; `noise` and `z` are
#   `[num_mc, batch, latent]`.
# - Its gradient estimate is unbiased, converges like $1/\sqrt{T}$, and is far less noisy
#   than the score-function estimator, with or without a baseline.
#
# **Next:** [04 · The loss](04_loss.ipynb) uses these draws in the VAE's loss, the negative
# ELBO.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings (and the rules behind them).
from vae_tutorial import own_settings

if own_settings(seed=0):
    # sample() cuts the graph; sample_latents and rsample() keep it
    assert not z_blocked.requires_grad and z.requires_grad and z_r.requires_grad
    assert torch.allclose(mu.grad, torch.ones(2))
    assert torch.allclose(log_var.grad, by_hand)
    # the noise layout
    assert z_b.shape == (4, 3, 2)
    t, i = 2, 1  # draw t of data point i uses mu and sigma of point i and its own noise
    sigma_b = torch.exp(log_var_b[i] / 2)
    assert torch.allclose(z_b[t, i], mu_b[i] + sigma_b * noise_b[t, i])
    # Check 1: standard errors sigma / sqrt(T) <= 0.005 and sigma^2 sqrt(2 / T) <= 0.013
    assert torch.allclose(sample_mean, mu_1[0], atol=0.02)
    assert torch.allclose(sample_var, log_var_1[0].exp(), atol=0.05)
    # Check 2: standard errors about 0.002 and 0.009 for mu, 0.001 and 0.015 for log_var
    assert torch.allclose(grad_mu, exact_mu, atol=0.05)
    assert torch.allclose(grad_log_var, exact_log_var, atol=0.1)
    assert errors[-1].max() < 0.02 and errors[0].max() > errors[-1].max()
    # the score-function estimator: unbiased, SD sqrt(120) (b = 0), sqrt(72) (b = E f),
    # against 2 sigma = 4 for the reparameterized one
    sd = {name: draws.std().item() for name, draws in estimators.items()}
    assert all(abs(draws.mean() - 2 * m_2) < 0.3 for draws in estimators.values())
    assert abs(sd["reparameterized"] - 4) < 0.05
    assert abs(sd["score, b = 0"] - 120**0.5) < 0.3  # sqrt(120) = 10.95
    assert abs(sd["score, b = E f"] - 72**0.5) < 0.3  # sqrt(72) = 8.49
    assert np.isclose(120 / 16, 7.5) and np.isclose(72 / 16, 4.5)
    print("all checks passed")
