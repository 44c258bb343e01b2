# %% [markdown]
# # 03 · The reparameterization trick
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/03_reparameterization.ipynb)
#
# **What you will learn**
#
# - why drawing $\mathbf{z} \sim q_\phi(\mathbf{z} \mid \mathbf{x})$ directly blocks the
#   gradients that training needs;
# - the reparameterization $\mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma} \odot
#   \boldsymbol{\epsilon}$ with $\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)$, and the
#   package's one-line `sample_latents`;
# - the layout of the noise tensor, `[num_mc, batch, latent]`;
# - how to check it: the draws have the right mean and variance, and autograd through them gives
#   the right gradient of an expectation whose value we know exactly.

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
# We import PyTorch, NumPy, matplotlib, SciPy (for an exact density in a plot) and the function
# this notebook teaches.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
from scipy import stats

from vae_tutorial import sample_latents, show_source
from vae_tutorial.plotting import plot_reparameterization_graph

# %% [markdown]
# ## The problem: a random draw has no gradient
#
# To train a VAE we will need the gradient of an **expectation over the encoder's
# distribution**, such as the reconstruction term $\mathbb{E}_{q_\phi(\mathbf{z} \mid
# \mathbf{x})}\big[\log p_\theta(\mathbf{x} \mid \mathbf{z})\big]$ (notebook 04), with respect to
# the encoder's parameters $\phi$. The encoder outputs $\boldsymbol{\mu}$ and $\log
# \boldsymbol{\sigma}^2$, so what we need is
#
# $$
# \nabla_{\boldsymbol{\mu},\, \log\boldsymbol{\sigma}^2}\;
# \mathbb{E}_{\mathbf{z} \sim \mathcal{N}(\boldsymbol{\mu}, \operatorname{diag}(\boldsymbol{\sigma}^2))}
# \big[f(\mathbf{z})\big].
# $$
#
# We estimate the expectation by drawing $\mathbf{z}$ and averaging $f(\mathbf{z})$. But the
# draw itself, "pick a random number from this distribution", is not a differentiable function
# of $\boldsymbol{\mu}$ and $\boldsymbol{\sigma}$: PyTorch's `sample()` returns a plain tensor
# cut off from the graph, so backpropagation stops there and the encoder would never learn.
#
# > **If you are reading the source blog post:** it writes the encoder's distribution as
# > $q(\mathbf{z} \mid \theta)$ in places. It is $q_\phi(\mathbf{z} \mid \mathbf{x})$: a
# > distribution over $\mathbf{z}$ *given the data point* $\mathbf{x}$, with the encoder's
# > parameters $\phi$ (the letter $\theta$ belongs to the decoder).
#
# Let us see the problem in code. We make $\mu$ and $\log\sigma^2$ tensors that require
# gradients, draw with `sample()`, and look at the result:

# %%
mu = torch.tensor([0.5, -1.0], requires_grad=True)
log_var = torch.tensor([0.0, 1.0], requires_grad=True)
z_blocked = torch.distributions.Normal(mu, torch.exp(log_var / 2)).sample()
print("z =", z_blocked, "| requires_grad:", z_blocked.requires_grad,
      "| grad_fn:", z_blocked.grad_fn)
assert not z_blocked.requires_grad  # no path back to mu and log_var

# %% [markdown]
# ## The trick: move the randomness out of the way
#
# A Gaussian draw can be written as a fixed, parameter-free draw followed by a deterministic
# transformation. Draw standard normal noise, then shift and scale it:
#
# $$
# \boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I), \qquad
# \mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma} \odot \boldsymbol{\epsilon},
# \qquad \boldsymbol{\sigma} = \exp\!\big(\tfrac12 \log \boldsymbol{\sigma}^2\big),
# $$
#
# where $\odot$ multiplies element by element, i.e. $z_j = \mu_j + \sigma_j \epsilon_j$ for each
# latent dimension $j$. Since $\mathbb{E}[\epsilon_j] = 0$ and $\operatorname{Var}[\epsilon_j] =
# 1$, $z_j$ has mean $\mu_j$ and variance $\sigma_j^2$, and it is Gaussian because an affine
# function of a Gaussian is Gaussian. So $\mathbf{z} \sim \mathcal{N}(\boldsymbol{\mu},
# \operatorname{diag}(\boldsymbol{\sigma}^2))$, exactly the distribution we wanted.
#
# The computational graph shows what this buys. Below, each box is a value the loss is
# computed from, with the forward pass going up. On the left, $\mathbf{z}$ is *drawn* inside
# the graph: the backward pass of the reconstruction term reaches the decoder, but a draw has
# no derivative, so it stops there and the encoder learns nothing from how well $\mathbf{z}$
# explained $\mathbf{x}$. (The closed-form KL term of notebook 04 is computed from
# $\boldsymbol{\mu}_z$ and $\log\boldsymbol{\sigma}_z^2$ directly, so it alone would still
# reach the encoder, pulling every code towards the prior.) On the right, the only random
# node is the noise $\boldsymbol{\epsilon}$, an *input* to the graph like $\mathbf{x}$, and
# $\mathbf{z} = \boldsymbol{\mu}_z + \boldsymbol{\sigma}_z \odot \boldsymbol{\epsilon}$ is an
# ordinary sum and product that the gradient passes through, all the way down to the
# encoder's weights $\phi$.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 5.5))
for ax, reparameterized in zip(axes, (False, True)):
    plot_reparameterization_graph(ax, reparameterized)
fig.suptitle("The computational graph of the loss, without and with the trick")
fig.tight_layout()
plt.show()

# %% [markdown]
# Note where the graph ends: at the decoder's mean and log-variance. The loss only needs the
# *density* $p_\theta(\mathbf{x} \mid \mathbf{z})$ of the data point we already have, so
# nothing samples $\mathbf{x}$ during training.
#
# > **If you are reading the source blog post:** it explains the trick with diagrams that
# > are pictures only; the figure above draws the same graph in code, once without and once
# > with the trick, so you can see where the gradient stops.
#
# > **If you are reading the source blog post:** it writes the target distribution as
# > $\mathcal{N}(\boldsymbol{\mu}, \operatorname{diag}(\boldsymbol{\sigma}))$. The covariance of
# > $\boldsymbol{\mu} + \boldsymbol{\sigma} \odot \boldsymbol{\epsilon}$ is
# > $\operatorname{diag}(\boldsymbol{\sigma}^2)$: a covariance holds variances, not standard
# > deviations.
#
# What changed is *where the randomness lives*. The noise $\boldsymbol{\epsilon}$ does not
# depend on any parameter, so the expectation can be taken over $\boldsymbol{\epsilon}$ instead,
# and the gradient moves inside it:
#
# $$
# \nabla\, \mathbb{E}_{\mathbf{z} \sim \mathcal{N}(\boldsymbol{\mu},
# \operatorname{diag}(\boldsymbol{\sigma}^2))}\big[f(\mathbf{z})\big]
# = \nabla\, \mathbb{E}_{\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)}
# \big[f(\boldsymbol{\mu} + \boldsymbol{\sigma} \odot \boldsymbol{\epsilon})\big]
# = \mathbb{E}_{\boldsymbol{\epsilon}}\big[\nabla f(\boldsymbol{\mu} + \boldsymbol{\sigma} \odot
# \boldsymbol{\epsilon})\big]
# \approx \frac{1}{T} \sum_{t=1}^{T} \nabla f(\boldsymbol{\mu} + \boldsymbol{\sigma} \odot
# \boldsymbol{\epsilon}^{(t)}).
# $$
#
# The last expression is an ordinary average of ordinary gradients, which autograd computes for
# us: the noise is just a constant input, and the path from $\boldsymbol{\mu}$ and $\log
# \boldsymbol{\sigma}^2$ to $\mathbf{z}$ is a sum and a product. Its local derivatives are
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
# Let us redo the draw above with `sample_latents` and check that gradients now flow, and that
# they equal the two local derivatives. We draw the noise ourselves with a seeded generator,
# pass it in, and backpropagate from the sum of the two coordinates of $\mathbf{z}$. (The values
# of $\mathbf{z}$ equal those of the `sample()` call above: that call also computed $\mu +
# \sigma\epsilon$, with noise from PyTorch's global generator, seeded with 0 in the set-up cell
# just like ours. The only difference is that `sample()` detached the result from the graph.)

# %%
noise = torch.randn(2, generator=torch.Generator().manual_seed(0))
z = sample_latents(mu, log_var, noise)
z.sum().backward()
print("z =", z.detach(), "| grad_fn:", type(z.grad_fn).__name__)
print("dz/dmu      =", mu.grad)
by_hand = (torch.exp(log_var / 2) * noise / 2).detach()
print("dz/dlog_var =", log_var.grad.numpy().round(4),
      " (sigma * noise / 2 =", by_hand.numpy().round(4), ")")

assert z.requires_grad
assert torch.allclose(mu.grad, torch.ones(2))
assert torch.allclose(log_var.grad, by_hand)

# %% [markdown]
# PyTorch's distributions offer the same trick under the name `rsample()` ("reparameterized
# sample"): `Normal(mu, sigma).rsample()` computes $\mu + \sigma \epsilon$ with its own noise,
# and keeps the graph. We pass the noise in explicitly instead, because the caller needs to
# control it: the test loss in notebook 05 reuses the same noise on every evaluation so that
# changes in the loss come from the model, not from the dice.

# %%
z_r = torch.distributions.Normal(mu, torch.exp(log_var / 2)).rsample()
assert z_r.requires_grad  # unlike sample(), rsample() keeps the path to mu and log_var

# %% [markdown]
# ## The noise layout: `[num_mc, batch, latent]`
#
# In a VAE the encoder produces one $(\boldsymbol{\mu}, \log\boldsymbol{\sigma}^2)$ per data
# point, so `mu` and `log_var` have shape `[batch, latent]`. We may want $T$ draws of
# $\mathbf{z}$ for each point (the `num_mc` setting, $T = 1$ in the source post), one noise
# vector $\boldsymbol{\epsilon}^{(i,t)}$ for each data point $i$ and draw $t$. The noise therefore
# has shape `[num_mc, batch, latent]`, and PyTorch's broadcasting lines `mu` up with every draw:
#
# ```
# mu      [       batch, latent]   ->  treated as [1, batch, latent]
# noise   [num_mc, batch, latent]
# z       [num_mc, batch, latent]   z[t, i] = mu[i] + sigma[i] * noise[t, i]
# ```
#
# Here it is with a batch of 3 points, 2 latent dimensions and 4 draws per point:

# %%
gen = torch.Generator().manual_seed(1)
mu_b = torch.randn(3, 2, generator=gen)  # [batch, latent]: one mean per data point
log_var_b = torch.randn(3, 2, generator=gen)  # [batch, latent]
noise_b = torch.randn(4, 3, 2, generator=gen)  # [num_mc, batch, latent]
z_b = sample_latents(mu_b, log_var_b, noise_b)
print("mu", list(mu_b.shape), " log_var", list(log_var_b.shape),
      " noise", list(noise_b.shape), " ->  z", list(z_b.shape))

assert z_b.shape == (4, 3, 2)
t, i = 2, 1  # draw t of data point i uses mu and sigma of point i and its own noise
assert torch.allclose(z_b[t, i], mu_b[i] + torch.exp(log_var_b[i] / 2) * noise_b[t, i])

# %% [markdown]
# ## Check 1: the draws have the right mean and variance
#
# If the trick is right, many draws for one data point should have sample mean $\boldsymbol{\mu}$
# and sample variance $\boldsymbol{\sigma}^2$. We take one point with $\boldsymbol{\mu} = [1,
# -2]$ and $\boldsymbol{\sigma}^2 = [0.25, 4]$ (standard deviations 0.5 and 2), draw $T =
# 200{,}000$ samples, and compare. We work in `float64` here so that rounding does not blur the
# comparison. With $T$ draws the standard error of a sample mean is $\sigma/\sqrt{T}$ and that of
# a sample variance about $\sigma^2 \sqrt{2/T}$, at most $0.005$ and $0.013$ here.

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
assert torch.allclose(sample_mean, mu_1[0], atol=0.02)
assert torch.allclose(sample_var, log_var_1[0].exp(), atol=0.05)

# %% [markdown]
# The histograms of the draws sit on top of the exact densities $\mathcal{N}(\mu_j,
# \sigma_j^2)$:

# %%
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
# The real test of the trick is the gradient. Take $f(z) = z^2$ for a single
# $z \sim \mathcal{N}(\mu, \sigma^2)$. Its expectation has a closed form,
#
# $$
# \mathbb{E}[z^2] = \operatorname{Var}[z] + \mathbb{E}[z]^2 = \sigma^2 + \mu^2,
# $$
#
# so its exact gradients are
#
# $$
# \frac{\partial\, \mathbb{E}[z^2]}{\partial \mu} = 2\mu, \qquad
# \frac{\partial\, \mathbb{E}[z^2]}{\partial \log \sigma^2} =
# \frac{\partial \sigma^2}{\partial \log \sigma^2} = \sigma^2
# $$
#
# (because $\sigma^2 = e^{\log\sigma^2}$ is its own derivative). We now estimate the same
# gradients the way training will: average $f$ over $T$ reparameterized draws, call
# `backward()`, and read `.grad`. We do it for both latent dimensions of the point above at
# once, so the exact answers are $2\boldsymbol{\mu} = [2, -4]$ and $\boldsymbol{\sigma}^2 =
# [0.25, 4]$.

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
# Standard errors: about 0.002 and 0.009 for mu, 0.001 and 0.015 for log_var.
assert torch.allclose(grad_mu, exact_mu, atol=0.05)
assert torch.allclose(grad_log_var, exact_log_var, atol=0.1)

# %% [markdown]
# The estimate is **unbiased**: it is right on average for any number of draws, and more draws
# only make it less noisy. The figure shows the relative error of the four gradient entries as
# $T$ grows, each estimate computed with autograd from the first $T$ noise draws. The errors
# fall like $1/\sqrt{T}$, the usual Monte-Carlo rate. Training gets away with $T = 1$ draw per
# data point because each step also averages the gradient over a batch of 128 points, and
# training takes many steps (79 in the source post's single epoch, 800 in notebook 07's
# longer run), each with fresh noise.

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
assert errors[-1].max() < 0.02 and errors[0].max() > errors[-1].max()

# %% [markdown]
# ### Why not some other estimator?
#
# The reparameterization trick is not the only unbiased gradient estimator. The *score-function*
# (or REINFORCE) estimator, $\nabla_\mu \mathbb{E}[f(z)] = \mathbb{E}\big[f(z)\, \partial_\mu
# \log q(z)\big] = \mathbb{E}\big[f(z)\, (z - \mu)/\sigma^2\big]$, needs no derivative of $f$ at
# all. But it only uses the *value* of $f$, while the reparameterized estimator $f'(z) = 2z$ uses
# its slope, and that makes a big difference to the noise. Compare the spread of the
# single-draw estimates of $\partial/\partial\mu_2$ (exact value $-4$):

# %%
z_2, m_2, var_2 = z_1[:, 1], mu_1[0, 1], log_var_1[0, 1].exp()
reparam_draws = 2 * z_2  # d/dmu of z^2 through z = mu + sigma * eps
score_draws = z_2**2 * (z_2 - m_2) / var_2  # f(z) * d/dmu log q(z)
for name, draws in (("reparameterized", reparam_draws),
                    ("score function", score_draws)):
    print(f"{name:16s} mean {draws.mean():+.3f}, "
          f"standard deviation per draw {draws.std():6.2f}")
assert abs(score_draws.mean() - 2 * m_2) < 0.3  # also unbiased...
# ...but much noisier (exactly: sqrt(120) against 4):
assert score_draws.std() > 2 * reparam_draws.std()

# %% [markdown]
# Both are right on average, but the score-function estimate is nearly three times noisier per
# draw (its standard deviation is exactly $\sqrt{120} \approx 11$ here, against $2\sigma = 4$),
# so it needs about $(11/4)^2 \approx 7.5$ times as many draws for the same accuracy. The gap
# usually widens with more latent dimensions and with functions $f$ as complicated as a decoder
# network. That lower variance is why the VAE (Kingma & Welling, 2014) uses reparameterization.

# %% [markdown]
# ## Exercises
#
# **1. Another expectation with a known answer.** For $f(z) = z^3$ and
# $z \sim \mathcal{N}(\mu, \sigma^2)$, $\mathbb{E}[z^3] = \mu^3 + 3\mu\sigma^2$. Predict the
# exact gradients with respect to $\mu$ and $\log\sigma^2$ for the first latent dimension
# above ($\mu = 1$, $\sigma^2 = 0.25$), then estimate them with the same 200,000 draws.

# %% tags=["hide-cell"]
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

# %% tags=["hide-cell"]
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
# - Sampling $\mathbf{z} \sim q_\phi(\mathbf{z} \mid \mathbf{x})$ with `sample()` cuts the graph:
#   no gradient reaches the encoder.
# - The reparameterization $\mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma} \odot
#   \boldsymbol{\epsilon}$, $\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)$, gives the same
#   distribution $\mathcal{N}(\boldsymbol{\mu}, \operatorname{diag}(\boldsymbol{\sigma}^2))$ and
#   moves the randomness into a parameter-free input, so gradients flow through
#   $\boldsymbol{\mu}$ and $\log\boldsymbol{\sigma}^2$.
# - `sample_latents(mu, log_var, noise)` is that one line; `mu`, `log_var` are
#   `[batch, latent]`, `noise` is `[num_mc, batch, latent]`, and so is `z`.
# - Checked: the draws have mean $\boldsymbol{\mu}$ and variance $\boldsymbol{\sigma}^2$, and the
#   autograd estimate of $\nabla\, \mathbb{E}[z^2]$ converges to the exact $(2\mu, \sigma^2)$ like
#   $1/\sqrt{T}$, with far less noise than the score-function estimator.
#
# **Next:** [04 · The loss](04_loss.ipynb) uses these draws to estimate the reconstruction term
# and combines it with the closed-form KL divergence into the VAE's loss, the negative ELBO.
