# %% [markdown]
# # 04 · The loss: reconstruction + KL
#
# A VAE is trained by minimising one number, the negative evidence lower bound (ELBO). This
# notebook derives it, splits it into a reconstruction term and a KL term, and checks each
# piece against an independent reference. It needs the networks of
# [02 · The networks](02_network.ipynb) and the draws of
# [03 · The reparameterization trick](03_reparameterization.ipynb).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/04_loss.ipynb)

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
# The picture: the -ELBO split into its two terms for an untrained VAE and for a VAE
# that fits the data exactly (notebook 09), and the exact -log p(x) of the test points.
import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    build_vae,
    default_config,
    source_dataset,
    true_log_prob,
)
from vae_tutorial.analysis import linear_optimum, linear_vae

_, test_data = source_dataset(seed=0)
x_test = torch.from_numpy(test_data)  # [2500, 2]
floor = -true_log_prob(test_data, SOURCE_MU, SOURCE_COV).mean()
torch.manual_seed(0)
best = linear_optimum(SOURCE_COV)  # linear decoder, exact posterior as encoder
vaes = {"untrained": (build_vae(default_config()), 2),
        "an exact fit (notebook 09)": (linear_vae(best.w, best.psi, SOURCE_MU), 1)}
gen = torch.Generator().manual_seed(0)
with torch.no_grad():  # T = 16 draws per test point
    preview = [vae.loss(x_test, torch.randn(16, len(x_test), latent, generator=gen))
               for vae, latent in vaes.values()]
recon = np.array([parts.recon.item() for parts in preview])
kl = np.array([parts.kl.item() for parts in preview])
fig, ax = plt.subplots(figsize=(9, 3))
ax.barh(list(vaes), recon, color="tab:blue", label="reconstruction")
ax.barh(list(vaes), kl, left=recon, color="tab:purple", label="KL")
ax.axvline(floor, color="k", ls="--", label=f"exact $-\\log p(x)$ ({floor:.3f})")
for y, total in enumerate(recon + kl):
    ax.text(total + 0.03, y, f"$-$ELBO {total:.3f}", va="center")
ax.set(xlim=(0, 5), xlabel="nats per test point ($-$ELBO from 16 draws a point: "
       "exact only up to their noise)",
       title="The loss, reconstruction + KL, and the exact $-\\log p(x)$ it bounds")
ax.legend(loc="upper right", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The exact fit's bar ends a little off the floor: its exact $-$ELBO *is* $-\log
# p(\mathbf{x})$, but the bar is a 16-draw estimate of it (its standard deviation over
# repeated draws is about 0.0025).
#
# **What you will learn**
#
# - what the VAE maximises, the ELBO, and why its negative splits into a *reconstruction*
#   term and a *KL* term;
# - how the reconstruction term is estimated with $T$ Monte-Carlo draws of $\mathbf{z}$;
# - the closed-form Gaussian KL, checked against a Monte-Carlo estimate, and the Gaussian
#   negative log-likelihood, checked against `torch.distributions`;
# - how `VAE.loss` reduces the terms to one number in *nats per data point*.

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
# ## The evidence lower bound
#
# We would like to maximise $\log p_\theta(\mathbf{x}) = \log \int p_\theta(\mathbf{x} \mid
# \mathbf{z})\, p(\mathbf{z})\, d\mathbf{z}$, but with a neural decoder the integral has no
# closed form (notebook 01); $p(\mathbf{z}) = \mathcal{N}(\mathbf{0}, I)$ is the prior. Take
# the encoder $q_\phi(\mathbf{z} \mid \mathbf{x})$, multiply and divide by it inside the
# integral, and read the integral as an average over $q_\phi$:
#
# $$
# \begin{aligned}
# \log p_\theta(\mathbf{x})
# &= \log \mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}\!\left[
#   \frac{p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})}
#        {q_\phi(\mathbf{z} \mid \mathbf{x})}\right] \\
# &\ge \mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}\!\left[\log
#   \frac{p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})}
#        {q_\phi(\mathbf{z} \mid \mathbf{x})}\right] = \mathcal{L}(\mathbf{x}).
# \end{aligned}
# $$
#
# The inequality is **Jensen's**: $\log$ is concave, so the log of an average is at least
# the average of the logs. The right-hand side has no integral inside a logarithm, so we can
# estimate it by sampling $\mathbf{z}$ from the encoder. Splitting the log of the ratio
# gives the form the VAE uses; optimisers minimise, so the loss is its negative:
#
# $$
# -\mathcal{L}(\mathbf{x}) \;=\; \underbrace{-\mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}
# \big[\log p_\theta(\mathbf{x} \mid \mathbf{z})\big]}_{\texttt{recon}}
# \;+\; \underbrace{D_{\mathrm{KL}}\big(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\big\|\,
# p(\mathbf{z})\big)}_{\texttt{kl}}.
# $$
#
# The first term asks $\mathbf{z}$ to explain $\mathbf{x}$, the second keeps the encoder
# near the prior. The gap of the bound is $D_{\mathrm{KL}}
# \big(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\|\, p_\theta(\mathbf{z} \mid \mathbf{x})\big)$
# (notebook 10), so the bound is tight exactly when the encoder outputs the posterior of the
# *current* decoder, a target that moves as the decoder learns.
#
# For every point the loss bounds the *model's* $-\log p_\theta(\mathbf{x})$ from above.
# The *true* density's $-\log p(\mathbf{x})$ is a floor only on average over the data (the
# end of this notebook).

# %% [markdown]
# ## The reconstruction term, by Monte Carlo
#
# The expectation over $q_\phi$ has no closed form either. We average over $T$ draws
# $\mathbf{z}^{(i,t)} = \boldsymbol{\mu}_z^{(i)} + \boldsymbol{\sigma}_z^{(i)} \odot
# \boldsymbol{\epsilon}^{(i,t)}$ for the data point $\mathbf{x}^{(i)}$, whose encoder
# outputs are $\boldsymbol{\mu}_z^{(i)}$ and $\boldsymbol{\sigma}_z^{(i)}$:
#
# $$
# \mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x}^{(i)})}\big[\log p_\theta(\mathbf{x}^{(i)} \mid
# \mathbf{z})\big] \;\approx\; \frac{1}{T} \sum_{t=1}^{T} \log p_\theta(\mathbf{x}^{(i)} \mid
# \mathbf{z}^{(i,t)}).
# $$
#
# The estimate is unbiased for any $T$; a larger $T$ lowers its variance. The source post
# uses $T = 1$ (`num_mc = 1`): the gradient is averaged over a batch anyway. Hence the
# noise shape `[num_mc, batch, latent]`: one
# $\boldsymbol{\epsilon}^{(i,t)}$ per data point $i$ and draw $t$.
#
# <details><summary><b>For readers of the source post</b></summary>
#
# The post's version of this formula has $\log p_\theta(\mathbf{z} \mid \mathbf{x}^{(i)})$
# on the left, where it means the decoder's likelihood $\log p_\theta(\mathbf{x}^{(i)} \mid
# \mathbf{z})$, as on the right. It also writes $q(\mathbf{z} \mid \theta)$ for the encoder
# $q_\phi(\mathbf{z} \mid \mathbf{x})$, and $\operatorname{diag}(\boldsymbol{\sigma})$ for
# a covariance that is $\operatorname{diag}(\boldsymbol{\sigma}^2)$.
#
# </details>
#
# ### The Gaussian log-likelihood
#
# Each term is the log-density of $\mathbf{x}$ under the decoder's diagonal Gaussian, a sum
# of $D$ one-dimensional terms:
#
# $$
# \begin{aligned}
# -\log \mathcal{N}\big(\mathbf{x} \mid \boldsymbol{\mu},
#   \operatorname{diag}(\boldsymbol{\sigma}^2)\big)
# &= \sum_{d=1}^{D} \frac{1}{2}\left(\log 2\pi + \log \sigma_d^2
#   + \frac{(x_d - \mu_d)^2}{\sigma_d^2}\right).
# \end{aligned}
# $$
#
# The package computes each term from the mean and the **log-variance** the network
# predicts:

# %%
show_source(gaussian_nll)

# %% [markdown]
# We check it against PyTorch's own `Normal`, which takes $\sigma = \exp(\tfrac12
# \log\sigma^2)$:

# %%
gen = torch.Generator().manual_seed(0)
x = torch.randn(5, 2, generator=gen)
mu = torch.randn(5, 2, generator=gen)
log_var = torch.randn(5, 2, generator=gen)
ours = gaussian_nll(x, mu, log_var)  # [5, 2]: one value per dimension
reference = -torch.distributions.Normal(mu, torch.exp(log_var / 2)).log_prob(x)
print("gaussian_nll:            ", ours[0].numpy().round(6))
print("-Normal(...).log_prob(x):", reference[0].numpy().round(6))
assert torch.allclose(ours, reference, atol=1e-6)

# %% [markdown]
# ## The KL term, in closed form
#
# Encoder and prior are both Gaussian, so their KL divergence has an exact formula. For a
# $J$-dimensional latent:
#
# $$
# \begin{aligned}
# D_{\mathrm{KL}}\big(\mathcal{N}(\boldsymbol{\mu},
#   \operatorname{diag}(\boldsymbol{\sigma}^2)) \,\big\|\, \mathcal{N}(\mathbf{0}, I)\big)
# &= \sum_{j=1}^{J} \frac{1}{2}\left(\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2\right).
# \end{aligned}
# $$
#
# Each term is zero exactly when $\mu_j = 0$ and $\sigma_j = 1$, and positive otherwise. The
# code returns one value per latent dimension (notebook 10 derives the formula):

# %%
show_source(gaussian_kl)

# %% [markdown]
# ### Checking it by Monte Carlo
#
# A KL divergence is itself an expectation, $D_{\mathrm{KL}}(q \,\|\, p) = \mathbb{E}_{q}
# [\log q(\mathbf{z}) - \log p(\mathbf{z})]$, so we can estimate it with $T$ draws and watch
# the estimate approach the closed form. We pick one encoder output by hand, draw a million
# reparameterized samples, and use `gaussian_nll` for both log-densities.

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
kl_samples = (log_q - log_p).numpy()  # one single-draw estimate per draw

t_grid = np.unique(np.logspace(0, 6, 60).astype(int))
kl_running = np.cumsum(kl_samples)[t_grid - 1] / t_grid  # the estimate from T draws
std_err = kl_samples.std() / np.sqrt(t_grid)
print(f"closed form {kl_exact:.4f} nats vs Monte Carlo ({t_max:,} draws) "
      f"{kl_running[-1]:.4f} ± {std_err[-1]:.4f}")

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
# The error shrinks like $1/\sqrt{T}$: each extra digit costs a hundred times the draws.
# A single-draw estimate can even be negative, although the KL never is. The closed form
# costs one line and has no Monte-Carlo error, which is why the VAE uses it; the loss
# still varies from draw to draw, through the reconstruction term.
#
# ## Putting it together: `VAE.forward` and `VAE.loss`
#
# `VAE.forward` runs the pipeline for a batch `x` `[batch, input]` and noise `[num_mc,
# batch, latent]`: encode, reparameterize, decode every draw. It returns a named tuple.

# %%
show_source(VAE.forward)

# %% [markdown]
# We run it on 128 points of the source post's data, with $T = 4$ draws, through a fresh,
# untrained model:

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

# %% [markdown]
# The encoder runs once per point (`[batch, latent]`), the decoder once per draw
# (`[num_mc, batch, ...]`). `VAE.loss` turns these into the negative ELBO, with
# `VAE.log_likelihood`, the decoder's $\log p_\theta(\mathbf{x} \mid \mathbf{z})$
# summed over data dimensions:

# %%
show_source(VAE.loss)

# %%
show_source(VAE.log_likelihood)

# %% [markdown]
# The factor `self.beta` is 1 by default, which makes the total exactly the negative ELBO
# (notebook 14 varies it). The reduction:
#
# - **sum over dimensions**, so each term is a log-density of the whole vector
#   $\mathbf{x}$ or $\mathbf{z}$;
# - **mean over draws**, the $\frac{1}{T}\sum_t$ of the estimator;
# - **mean over the batch**, so that batch sizes compare.
#
# With $B$ points in the batch:
#
# $$
# \begin{aligned}
# \texttt{recon} &= \frac{1}{B}\sum_{i=1}^{B} \frac{1}{T}\sum_{t=1}^{T}
#   \sum_{d=1}^{D} -\log \mathcal{N}\big(x_d^{(i)} \mid \mu_{x,d}^{(i,t)},
#   (\sigma_{x,d}^{(i,t)})^2\big), \\
# \texttt{kl} &= \frac{1}{B}\sum_{i=1}^{B} \sum_{j=1}^{J}
#   \tfrac12\big((\mu_{z,j}^{(i)})^2 + (\sigma_{z,j}^{(i)})^2 - 1
#   - \log (\sigma_{z,j}^{(i)})^2\big),
# \end{aligned}
# $$
#
# the total is their sum, in **nats per data point** (natural logarithms), the unit of $-\log p(\mathbf{x})$
# averaged over the data. We check the reconstruction term against a hand computation with
# `torch.distributions.Normal`:

# %%
parts = model.loss(x, noise)
decoder = torch.distributions.Normal(out.mu_x, torch.exp(out.log_var_x / 2))
recon_by_hand = -decoder.log_prob(x).sum(dim=-1).mean()  # sum dims; mean draws, batch
print(f"total {parts.total.item():.4f} = recon {parts.recon.item():.4f} "
      f"+ kl {parts.kl.item():.4f} nats per data point")
print(f"recon by hand with Normal: {recon_by_hand.item():.4f}")

# %% [markdown]
# ## The bound, against the truth
#
# We know the true density of this data, so we can compare the untrained model's loss with
# the exact $-\log p(\mathbf{x})$ of the batch ($T = 256$ draws, for little noise).

# %%
exact_nll = -true_log_prob(x.numpy(), SOURCE_MU, SOURCE_COV).mean()
gen = torch.Generator().manual_seed(2)
many = torch.randn(256, len(x), cfg.latent_dim, generator=gen)
with torch.no_grad():
    untrained = model.loss(x, many).total.item()
print(f"exact -log p(x) {exact_nll:.3f}, untrained -ELBO {untrained:.3f}: "
      f"{untrained - exact_nll:.3f} nats above")

# %% [markdown]
# Two steps keep the $-$ELBO above the true $-\log p$: for every point
# $-\mathcal{L}(\mathbf{x}) \ge -\log p_\theta(\mathbf{x})$, and no model density
# $p_\theta$ has a higher *expected* log-likelihood than the true $p$ (Gibbs' inequality),
# a step that holds only in expectation: on a finite batch a model can score slightly
# better than the truth.
#
# ## Exercises
#
# **1. More draws per point.** Estimate the loss of our batch with 20 noise seeds, with
# $T = 4$ and with $T = 64$. By what factor does the spread of the reconstruction term
# shrink? Does the KL term move?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# Sixteen times the draws: the standard deviation shrinks by sqrt(16) = 4. The
# closed-form KL does not depend on the noise, so it does not move.
spread = {}
with torch.no_grad():
    for t in (4, 64):
        runs = [model.loss(x, torch.randn(t, len(x), 2,
                                          generator=torch.Generator().manual_seed(s)))
                for s in range(20)]
        spread[t] = np.std([r.recon.item() for r in runs])
        assert np.ptp([r.kl.item() for r in runs]) < 1e-6  # the KL does not move
print(f"std of recon: T = 4: {spread[4]:.4f}, T = 64: {spread[64]:.4f}, "
      f"ratio {spread[4] / spread[64]:.1f}")

# %% [markdown]
# **2. KL by hand.** Predict the KL of one latent dimension for $q = \mathcal{N}(1, 1)$, and
# for $q = \mathcal{N}(0, e)$.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# 1/2 (mu^2 + sigma^2 - 1 - log sigma^2): 1/2 (1 + 1 - 1 - 0) = 0.5 and
# 1/2 (0 + e - 1 - 1) = (e - 2) / 2 ~ 0.359.
kl_two = gaussian_kl(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]))
print("KL:", kl_two.numpy().round(4))
assert torch.allclose(kl_two, torch.tensor([0.5, (math.e - 2) / 2]))

# %% [markdown]
# **3. Averaging instead of summing.** If `VAE.loss` took the *mean* over the two data
# dimensions, what would the reconstruction term be, and could it still be compared with
# the exact $-\log p(\mathbf{x})$?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
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
# - The ELBO is a lower bound on $\log p_\theta(\mathbf{x})$ by Jensen's inequality; its
#   gap is $D_{\mathrm{KL}}(q_\phi \,\|\, p_\theta(\mathbf{z} \mid \mathbf{x}))$, the
#   distance to the current decoder's posterior.
# - The VAE minimises the negative ELBO: reconstruction $-\mathbb{E}_{q_\phi}[\log
#   p_\theta(\mathbf{x} \mid \mathbf{z})]$ plus $D_{\mathrm{KL}}(q_\phi(\mathbf{z} \mid
#   \mathbf{x}) \,\|\, p(\mathbf{z}))$. For every point it is an upper bound on the model's
#   $-\log p_\theta(\mathbf{x})$; above the *true* $-\log p(\mathbf{x})$ it lies only in
#   expectation over the data (Gibbs' inequality).
# - The reconstruction term is estimated with $T$ reparameterized draws; the Gaussian KL is
#   exact (`gaussian_kl`), and a Monte-Carlo estimate approaches it like $1/\sqrt{T}$.
# - `VAE.loss` sums over dimensions and averages over draws and batch: `(total, recon, kl)`
#   in **nats per data point**.
#
# **Next:** [05 · Training](05_training.ipynb) minimises this loss with Adam.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings (and the rules behind them).
from vae_tutorial import own_settings

if own_settings(seed=0):
    # gaussian_nll is -Normal.log_prob, one value per dimension
    assert ours.shape == (5, 2) and torch.allclose(ours, reference, atol=1e-6)
    # The closed-form KL: positive, within 5 standard errors (~1e-3) of MC, 0 at q = p
    assert kl_exact > 0 and abs(kl_running[-1] - kl_exact) < 5 * std_err[-1]
    assert gaussian_kl(torch.zeros(3), torch.zeros(3)).abs().max() == 0
    assert kl_samples.min() < 0  # a single-draw estimate can be negative
    # The error shrinks like 1/sqrt(T): within 4 standard errors from T = 1,000 on
    tail = t_grid >= 1000
    assert np.all(np.abs(kl_running[tail] - kl_exact) < 4 * std_err[tail])
    # VAE.forward's shapes
    assert out.z.shape == (4, 128, 2) and out.mu_x.shape == (4, 128, 2)
    assert out.mu_z.shape == (128, 2) and out.log_var_z.shape == (128, 2)
    # VAE.loss: the parts add up; recon is Normal's by hand, the mean of log_likelihood
    assert torch.allclose(parts.total, parts.recon + parts.kl)
    assert torch.allclose(parts.recon, recon_by_hand, atol=1e-5)
    log_lik = model.log_likelihood(x, out.decoded)
    assert log_lik.shape == (4, 128) and torch.allclose(parts.recon, -log_lik.mean())
    assert parts.kl > 0
    # The untrained model's -ELBO lies above the exact NLL of the batch
    assert math.isfinite(untrained) and untrained > exact_nll
    # The picture: the untrained -ELBO above the floor; an exact fit's at it, with the
    # KL of the lowest-rate exact fit whose bound is tight, 1/2 ln 3 (notebook 09)
    assert preview[1].total < preview[0].total and floor < preview[0].total
    assert abs(preview[1].total - floor) < 0.01 and abs(kl[1] - 0.5 * np.log(3)) < 0.01
    # The exact fit's bar: a 16-draw estimate of the floor, std ~0.0025 over 20 repeats
    exact_fit = vaes["an exact fit (notebook 09)"][0]
    repeats = []
    with torch.no_grad():
        for repeat_seed in range(100, 120):
            repeat_gen = torch.Generator().manual_seed(repeat_seed)
            repeat_noise = torch.randn(16, len(x_test), 1, generator=repeat_gen)
            repeats.append(exact_fit.loss(x_test, repeat_noise).total.item())
    repeats = np.array(repeats)
    assert abs(repeats.mean() - floor) < 3 * repeats.std() / np.sqrt(20)
    assert round(repeats.std(), 4) == 0.0025, repeats.std()
    # Exercise 1: 16 times the draws, about 4 times less spread (20 seeds)
    assert 2.5 < spread[4] / spread[64] < 6.5
    print("all checks passed")
