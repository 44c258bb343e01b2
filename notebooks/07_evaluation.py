# %% [markdown]
# # 07 · Evaluation: how close to the true likelihood?
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/07_evaluation.ipynb)
#
# **What you will learn**
#
# - why this data set lets us grade a VAE exactly: the best possible negative log-likelihood
#   is known in closed form, and so is the ceiling of a model that ignores its latent;
# - how the $-$ELBO and the importance-weighted (IWAE) bound compare with the exact NLL, and
#   how the IWAE bound tightens as the number of samples $K$ grows;
# - how a short, well-tuned training run (`converged_config`) closes the gap that the source
#   post's one-epoch run leaves;
# - how many latent dimensions the model really uses (KL per dimension), and why one is enough;
# - that the best *linear* models (probabilistic PCA / factor analysis) form a **ridge** of
#   exact fits with the same ELBO and different rates, and where on it the trained VAE lands:
#   rate, posterior variance, decoder noise, posterior shape.

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
# We import what this notebook uses.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    converged_config,
    default_config,
    gaussian_entropy,
    iwae_nll,
    log_weight_chunks,
    log_weights,
    run_model,
    show_source,
    source_dataset,
    true_log_prob,
)
from vae_tutorial.analysis import (
    encoder_posterior,
    ignore_z_ceiling,
    isotropic_exact_fit,
    kl_per_dimension,
    latent_activity,
    linear_elbo,
    linear_optimum,
    linear_posterior,
    linear_vae,
    negative_elbo,
)
from vae_tutorial.plotting import plot_losses

# %% [markdown]
# ## The yardstick: the exact likelihood
#
# Most VAE write-ups can only report a bound. Here the data come from a known Gaussian,
# $\mathbf{x} \sim \mathcal{N}(\boldsymbol{\mu}, \Sigma)$ with
# $\Sigma = \begin{pmatrix} 1 & 0.5 \\ 0.5 & 1 \end{pmatrix}$, so we know the density of every
# test point exactly (`true_log_prob`). No model can beat it on average: by Gibbs' inequality
# the expected negative log-likelihood of any model $p_\theta$ is at least the entropy of the
# data distribution,
#
# $$
# \mathbb{E}_{p(\mathbf{x})}\left[-\log p_\theta(\mathbf{x})\right] \;\ge\; H
# = \tfrac12 \log\!\left((2\pi e)^2 \det\Sigma\right) \approx 2.694 \text{ nats},
# $$
#
# with equality only when $p_\theta = p$. At the other end, a decoder that *ignores* $z$ is a
# single diagonal Gaussian: it can fit each coordinate on its own but not their correlation, so
# its best is the sum of the two 1-D entropies, $\sum_i \tfrac12\log(2\pi e\,\Sigma_{ii})
# \approx 2.838$ nats. The gap between the two, about 0.144 nats, is everything that $z$ can
# buy on this data.
#
# These two numbers are not walls that every model sits between. An untrained VAE is far
# *above* the ceiling (we check it below), and on a finite test set a model can dip a little
# below the floor. What the ceiling does say is this: a decoder that ignores $z$ cannot get
# below it in expectation, so a VAE whose loss is clearly below the ceiling must be using
# its latent.

# %%
show_source(ignore_z_ceiling)

# %%
train_data, test_data = source_dataset(seed=0)
floor_h = gaussian_entropy(SOURCE_COV)
ceiling = ignore_z_ceiling(SOURCE_COV)
exact_test = -true_log_prob(test_data, SOURCE_MU, SOURCE_COV)  # [2500], nats per point
print(f"entropy H = {floor_h:.4f}, ignore-z ceiling = {ceiling:.4f}, "
      f"exact NLL of the 2,500 test points = {exact_test.mean():.4f}")
assert abs(floor_h - 2.694) < 5e-4 and abs(ceiling - 2.838) < 5e-4
# A finite sample sits near its expectation:
assert abs(exact_test.mean() - floor_h) < 0.05

# %% [markdown]
# The test set's own exact NLL differs a little from $H$ (it is an average of 2,500 random
# terms). Every gap below is measured against the exact NLL **of the same test points**, which
# removes that sampling noise from the comparison.
#
# ## Two models: the source post's run and a converged one
#
# The source post trains for one epoch (79 steps of Adam at $10^{-3}$, 512 hidden units).
# `converged_config` keeps the same model family and objective but trains it properly:

# %%
source_cfg = default_config(progress=False)
conv_cfg = converged_config(progress=False)
for key in source_cfg:
    if source_cfg[key] != conv_cfg[key]:
        print(f"{key:17s} source {source_cfg[key]!r:10} converged {conv_cfg[key]!r}")

# %% [markdown]
# Twenty epochs of batches of 256 (800 steps), a narrower network (64 hidden units are plenty
# for a 2-D Gaussian and make every step cheaper), and a learning rate twenty times larger that
# decays to zero along a cosine, $\eta_t = \tfrac12\eta_0\,(1 + \cos(\pi t /
# t_{\max}))$ over the $t_{\max} = 800$ steps: large steps early, fine ones at the end. On
# two idle CPU cores it trains in about a second (this run's time is printed below). The
# settings were chosen on this Gaussian and then checked on others with different means, scales and
# correlations (`make bench` prints them).

# %%
start = time.perf_counter()
source_run = run_model(source_cfg, train_data, test_data)
source_seconds = time.perf_counter() - start
start = time.perf_counter()
conv_run = run_model(conv_cfg, train_data, test_data)
conv_seconds = time.perf_counter() - start
print(f"source: {len(source_run.train_losses)} steps in {source_seconds:.2f} s; "
      f"converged: {len(conv_run.train_losses)} steps in {conv_seconds:.2f} s")

# %% [markdown]
# The loss curves, with the exact NLL of the test points as the floor and the ignore-$z$
# ceiling. The total is the $-$ELBO, an upper bound on $-\log p_\theta(\mathbf{x})$, so it can
# only approach the floor from above (up to Monte-Carlo noise in a single-sample estimate).

# %%
for run, name in ((source_run, "source settings (1 epoch)"),
                  (conv_run, "converged_config")):
    fig = plot_losses(run, floor=exact_test.mean(), ceiling=ceiling)
    fig.axes[0].set_ylim(exact_test.mean() - 0.1, 3.6)
    fig.suptitle(f"Loss curves, {name}", y=1.03)
    plt.show()

# %% [markdown]
# Both runs start far above the ceiling: an untrained model is worse than the best model
# that ignores $z$. The source run ends roughly halfway between the two lines (the cell
# below measures how far); the converged run reaches the floor. The KL panel tells the same
# story from the latent side: in the converged run it settles near $0.55$ nats. Below we
# will see that an exact fit of this data can have *any* rate from $\tfrac12\ln 3 \approx
# 0.549$ nats upwards, and that this run sits at the bottom of that range.

# %%
exact_mean = exact_test.mean()
for run, name in ((source_run, "source"), (conv_run, "converged")):
    before, after = run.test_losses[0, 0], run.test_losses[-1, 0]
    share = (ceiling - after) / (ceiling - exact_mean)
    print(f"{name:>9}: test -ELBO {before:.3f} before training, {after:.4f} after; "
          f"{share:.0%} of the way")
    assert before > ceiling  # untrained: worse than ignoring z
source_share = (ceiling - source_run.test_losses[-1, 0]) / (ceiling - exact_mean)
assert 0.3 < source_share < 0.75  # one epoch: roughly halfway from ceiling to floor
assert abs(conv_run.test_losses[-1, 2] - 0.55) < 0.03  # converged run's KL, this seed
print("(the way from the ignore-z ceiling down to the exact NLL of the test points)")

# %% [markdown]
# ## Three numbers per model: exact NLL, $-$ELBO and IWAE
#
# The $-$ELBO in the test-loss column is a *single-sample* estimate per point: unbiased, but
# with a standard error of about 0.01 nats over 2,500 points, as large as the gaps we want to
# see. `negative_elbo` averages $-\log w$ over many draws of $z$ per point instead:

# %%
show_source(negative_elbo)

# %% [markdown]
# Both it and `iwae_nll` are built on the log importance weights
# $\log w_k = \log p_\theta(\mathbf{x}|\mathbf{z}_k) + \log p(\mathbf{z}_k) - \log q_\phi(\mathbf{z}_k|\mathbf{x})$,
# $\mathbf{z}_k \sim q_\phi(\mathbf{z}|\mathbf{x})$. The first term is
# `VAE.log_likelihood`, the same method the training loss uses (notebook 04):

# %%
show_source(log_weights)

# %% [markdown]
# `log_weight_chunks` draws the noise with a seeded generator and feeds the points through in
# chunks, so that $K \times$ chunk rows fit in memory even for $K = 1000$; each estimator then
# reduces the $[K, \text{chunk}]$ log-weights its own way.

# %%
show_source(log_weight_chunks)

# %% [markdown]
# The $-$ELBO is $-\mathbb{E}[\log w]$; the IWAE bound (Burda et al., 2015) moves the average
# inside the logarithm,
#
# $$
# \mathcal{L}_K(\mathbf{x}) = \mathbb{E}\left[\log \frac1K \sum_{k=1}^K w_k\right],
# \qquad \mathcal{L}_1 = \text{ELBO} \;\le\; \mathcal{L}_K \;\le\; \mathcal{L}_{K+1}
# \;\le\; \log p_\theta(\mathbf{x}),
# $$
#
# and $\mathcal{L}_K \to \log p_\theta(\mathbf{x})$ as $K \to \infty$ when the weights are
# bounded (notebook 08 derives this and the condition). So $-\mathcal{L}_{1000}$ is a close estimate of the model's own NLL.

# %%
show_source(iwae_nll)

# %% [markdown]
# We sweep $K$ on a log scale for both models. The source model has 512 hidden units, so
# $K = 1000$ on all 2,500 test points would cost several seconds; the sweep uses the first 500
# test points (and their own exact NLL), and we evaluate the converged model once more at
# $K = 1000$ on the whole test set for its headline number.

# %%
ks = [1, 3, 10, 30, 100, 300, 1000]
subset = test_data[:500]
exact_subset = exact_test[:500].mean()
sweep = {}
for run, name in ((source_run, "source"), (conv_run, "converged")):
    nll_k = np.array([iwae_nll(run.model, subset, k, seed=1) for k in ks])
    sweep[name] = nll_k - exact_subset
    print(f"{name:>9}: IWAE gap above the exact NLL for K = {ks}:")
    print("           " + " ".join(f"{gap:+.4f}" for gap in sweep[name]))

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, style in (("source", "o-"), ("converged", "s-")):
    ax.plot(ks, sweep[name], style, label=f"{name} model")
ax.axhline(0, color="k", linestyle="--", label="exact NLL of the same points")
ax.set(xscale="log", xlabel="number of importance samples $K$",
       ylabel="$-\\mathcal{L}_K$ minus exact NLL (nats/point)",
       title="IWAE bound tightens with $K$ (500 test points)")
ax.legend()
plt.show()

# %% [markdown]
# Both curves fall with $K$ and flatten out. Where they flatten is the model's own NLL:
# two to three hundredths of a nat above the floor for the source run, within a thousandth
# for the converged one. A *model* NLL can even dip slightly below the exact NLL on a finite set of points (the
# model can by chance put a bit more density on these particular points than the truth does);
# only the average over the whole distribution is guaranteed to be above $H$. The assertions
# therefore allow a small tolerance below zero.

# %%
for name in sweep:
    # An upper bound, up to finite-sample noise; non-increasing in K, up to MC noise:
    assert np.all(sweep[name] > -0.005), name
    assert np.all(np.diff(sweep[name]) < 2e-3), name
# K matters for the imperfect encoder:
assert sweep["source"][0] > sweep["source"][-1] + 0.01

# %% [markdown]
# ### The ELBO gap
#
# The identity behind the ELBO (derived in notebook 08) splits the $-$ELBO into the model's NLL
# and a penalty for an imperfect encoder:
#
# $$
# -\text{ELBO}(\mathbf{x}) = -\log p_\theta(\mathbf{x})
# + D_{\mathrm{KL}}\!\left(q_\phi(\mathbf{z}|\mathbf{x}) \,\|\, p_\theta(\mathbf{z}|\mathbf{x})\right).
# $$
#
# With $-\mathcal{L}_{1000}$ standing in for $-\log p_\theta(\mathbf{x})$, the ELBO gap is
# $-\text{ELBO} - (-\mathcal{L}_{1000})$: how far the encoder is from the model's true
# posterior. We compare both models on the same 500 points as the sweep (so the $K = 1000$
# numbers are reused), then score the converged model on the whole test set.

# %%
table = {}
for run, name in ((source_run, "source"), (conv_run, "converged")):
    neg_elbo = negative_elbo(run.model, subset, 100, seed=2) - exact_subset
    table[name] = (neg_elbo, sweep[name][-1], neg_elbo - sweep[name][-1])
print(f"{'model':>10} | -ELBO gap | IWAE-1000 gap | ELBO gap = KL(q || p(z|x))")
for name, (e, i, g) in table.items():
    print(f"{name:>10} | {e:9.4f} | {i:13.4f} | {g:9.4f}")
print("(500 test points; nats per point above their exact NLL)")

conv_elbo_gap = negative_elbo(conv_run.model, test_data, 100, seed=2) - exact_mean
conv_iwae_gap = iwae_nll(conv_run.model, test_data, 1000, seed=3) - exact_test.mean()
print(f"converged model, all 2,500 test points: -ELBO gap {conv_elbo_gap:.4f}, "
      f"IWAE-1000 gap {conv_iwae_gap:.4f}")
assert conv_elbo_gap < 0.01 and conv_iwae_gap < 0.002  # the converged_config targets
# The 1-epoch run falls short by a few hundredths of a nat, much of it in the ELBO gap:
assert 0.03 < table["source"][0] < 0.12
assert table["source"][2] > 0.35 * table["source"][0]

# %% [markdown]
# The source run loses a few hundredths of a nat (the table shows this seed's number),
# about half of the 0.144 nats that $z$ can buy. Roughly half of that loss goes to the
# encoder (its $q_\phi(\mathbf{z}|\mathbf{x})$ is not yet the model's posterior), the rest to
# the model itself. After convergence both parts are a few thousandths of a nat.
#
# ## How many latent dimensions does the model use?
#
# The KL term is a sum over latent dimensions, so we can ask each dimension what it costs,
# averaged over the data: $\mathbb{E}_{\mathbf{x}}\,D_{\mathrm{KL}}(q_\phi(z_j|\mathbf{x}) \,\|\,
# \mathcal{N}(0,1))$. A dimension with KL $\approx 0$ has $q_\phi(z_j|\mathbf{x}) = p(z_j)$ for
# every $\mathbf{x}$: the *encoder* ignores it, so $z_j$ carries no information about
# $\mathbf{x}$. (Whether the *decoder* also ignores $z_j$ is a separate question: notebook 06
# decodes along it.) A second, common
# criterion (Burda et al.) calls unit $j$ *active* when $\mathrm{Var}_{\mathbf{x}}\,
# \mathbb{E}_q[z_j] > 0.01$.

# %%
show_source(kl_per_dimension)

# %%
kl_dims = kl_per_dimension(conv_run.model, test_data)
activity = latent_activity(conv_run.model, test_data)
source_kl_dims = kl_per_dimension(source_run.model, test_data)
print("converged: KL per dimension", kl_dims.round(4), " Var(mean)", activity.round(4))
print("source:    KL per dimension", source_kl_dims.round(4))
active = int(np.argmax(kl_dims))
assert (activity > 0.01).sum() == 1 and kl_dims.min() < 0.01  # one active unit (seed 0)

fig, ax = plt.subplots(figsize=(6, 3.5))
width = 0.35
for shift, values, name in ((-width / 2, source_kl_dims, "source"),
                            (width / 2, kl_dims, "converged")):
    ax.bar(np.arange(len(values)) + shift, values, width, label=f"{name} model")
ax.axhline(0.5 * np.log(3), color="k", linestyle="--",
           label="lowest-rate exact fit, $\\frac{1}{2}\\ln 3$")
ax.set(xticks=range(len(kl_dims)),
       xticklabels=[f"$z_{j + 1}$" for j in range(len(kl_dims))],
       xlabel="latent dimension", ylabel="mean KL (nats/point)",
       title="KL per latent dimension: one dimension is used")
ax.legend(loc="center left")
plt.show()

# %% [markdown]
# In this run one dimension carries all the information and the other has collapsed onto
# the prior. Why is one enough? A single latent with a linear decoder,
# $p_\theta(\mathbf{x}|z) = \mathcal{N}(\mathbf{w}z + \mathbf{b}, \Psi)$ with diagonal $\Psi$,
# has marginal $p_\theta(\mathbf{x}) = \mathcal{N}(\mathbf{b}, \mathbf{w}\mathbf{w}^\top +
# \Psi)$. Counting suggests the answer (a $2\times2$ covariance has three free numbers and
# $\mathbf{w}\mathbf{w}^\top + \Psi$ has four), but counting is not a proof: the numbers must
# also come out positive. A construction is. With standard deviations $\sigma_i$ and
# correlation $\rho$, take
#
# $$
# w_i = \pm\sqrt{|\rho|}\,\sigma_i \ \text{(signs matching the sign of } \rho\text{)}, \qquad
# \psi_i = (1 - |\rho|)\,\sigma_i^2 ;
# $$
#
# then $w_1 w_2 = \rho\,\sigma_1\sigma_2 = \Sigma_{12}$ and $w_i^2 + \psi_i = \sigma_i^2 =
# \Sigma_{ii}$, with both $\psi_i > 0$ whenever $|\rho| < 1$. So *every* non-degenerate 2-D
# Gaussian is matched exactly with one latent: $\mathbf{w}$ models the correlation and the
# diagonal noise takes care of the rest. A second latent cannot improve the likelihood
# beyond exact. Nor does it have to cost anything (it can sit at the prior, as here), but it
# *can* be used at no loss in likelihood, as the next section shows.
#
# ## The closed-form linear answer: a ridge, not a point
#
# For isotropic noise $\Psi = \sigma^2 I$ and one latent this is probabilistic PCA (Tipping &
# Bishop, 1999): with eigenvalues $\lambda_1 \ge \lambda_2$ of $\Sigma$ and top eigenvector
# $\mathbf{u}_1$, $\mathbf{w} = \mathbf{u}_1\sqrt{\lambda_1 - \sigma^2}$ and $\sigma^2 =
# \lambda_2$. For the source $\Sigma$: $\lambda = (1.5, 0.5)$, $\mathbf{w} = \pm(0.707,
# 0.707)$, $\sigma^2 = 0.5$. The posterior of that model is Gaussian with a variance that does
# not depend on $\mathbf{x}$,
#
# $$
# p_\theta(z|\mathbf{x}) = \mathcal{N}\!\left(S\,\mathbf{w}^\top\Psi^{-1}(\mathbf{x}-\mathbf{b}),\;
# S\right), \qquad S = \frac{1}{1 + \mathbf{w}^\top\Psi^{-1}\mathbf{w}} = \frac13,
# $$
#
# and its average KL to the prior, the *rate* (the mutual information between $\mathbf{x}$ and
# $z$), is $\mathbb{E}_{\mathbf{x}} D_{\mathrm{KL}} = \tfrac12(1 - S + S - 1 - \log S) =
# -\tfrac12\log S = \tfrac12\ln 3 \approx 0.549$ nats.

# %%
show_source(linear_optimum)

# %%
show_source(linear_posterior)

# %%
opt = linear_optimum(SOURCE_COV)
print("w =", opt.w.round(4), " psi =", opt.psi.round(4),
      f" posterior variance = {opt.posterior_var:.4f}  rate = {opt.rate:.4f}")
assert np.allclose(np.abs(opt.w), np.sqrt(0.5)) and np.allclose(opt.psi, 0.5)
assert abs(opt.posterior_var - 1 / 3) < 1e-12
assert abs(opt.rate - 0.5 * np.log(3)) < 1e-12

# %% [markdown]
# This is **not the only optimum**. When a linear model reproduces $\Sigma$ exactly, its
# marginal *is* the data distribution and its exact posterior is Gaussian; if that posterior
# has a diagonal covariance, the VAE's encoder can represent it exactly, and then the ELBO
# equals $\log p(\mathbf{x})$ point by point, whatever the rate. There are many such models.
# With two latents and isotropic noise $\Psi = s I$, for any $0 < s \le \lambda_2 = 0.5$,
#
# $$
# W = U \operatorname{diag}\!\big(\sqrt{\lambda_1 - s}, \sqrt{\lambda_2 - s}\big)
# \quad\Rightarrow\quad W W^\top + s I = U \operatorname{diag}(\lambda_1, \lambda_2) U^\top
# = \Sigma,
# $$
#
# with the diagonal posterior covariance $S = \operatorname{diag}(s/\lambda_1, s/\lambda_2)$,
# both latents active (for $s < 0.5$), and the rate $\tfrac12 \ln\big(\det\Sigma / s^2\big) =
# \tfrac12 \ln(0.75 / s^2)$, which grows without bound as $s \to 0$. At $s = 0.5$ the second
# latent switches off and we are back at the PPCA point. The one-latent factor-analysis fits
# with unequal noise ($\psi \ne (0.5, 0.5)$, `linear_optimum(..., "diagonal", w1=...)`) are
# exact too. `isotropic_exact_fit` builds the ridge:

# %%
show_source(isotropic_exact_fit)

# %% [markdown]
# We evaluate the ELBO of several points of the ridge in closed form (`linear_elbo`, with the
# exact posterior as the encoder) on the 2,500 test points, and compare it with their exact
# log-likelihood. For one two-latent point we also estimate it by Monte Carlo through the
# package's own VAE machinery (`linear_vae` wraps the linear decoder and its posterior in a
# `VAE`).

# %%
b = np.array(SOURCE_MU)
exact_ll = -exact_mean
fits = [(f"isotropic, s = {s}", isotropic_exact_fit(SOURCE_COV, s))
        for s in (0.5, 0.4, 0.25, 0.1, 0.01)]
fits += [(f"factor analysis, w1 = {w1}", linear_optimum(SOURCE_COV, "diagonal", w1=w1))
         for w1 in (0.6, 0.9)]
print(f"{'exact fit':>26} | {'psi':>12} | {'post. var':>12} | rate  | max|ELBO-log p|")
ridge = []
for name, fit in fits:
    mean, cov_post = linear_posterior(test_data, fit.w, fit.psi, b)
    elbo = linear_elbo(test_data, fit.w, fit.psi, b, mean, np.diag(cov_post))
    ridge.append((fit.rate, elbo.mean() - exact_ll))
    print(f"{name:>26} | {np.array2string(fit.psi, precision=2):>12} | "
          f"{np.array2string(np.diag(cov_post), precision=3):>12} | {fit.rate:.3f} | "
          f"{np.abs(elbo + exact_test).max():.0e}")
    assert np.allclose(elbo, -exact_test, atol=1e-9)  # ELBO = log p(x), point by point
rates = np.array([r for r, _ in ridge])
# The same ELBO at every rate from 1/2 ln 3 to over 4 nats:
assert np.isclose(rates.min(), 0.5 * np.log(3)) and rates.max() > 4

two_latent = isotropic_exact_fit(SOURCE_COV, 0.25)
vae_on_ridge = linear_vae(two_latent.w, two_latent.psi, b)
mc_gap = negative_elbo(vae_on_ridge, test_data, 50, seed=4) - exact_mean
print(f"Monte Carlo, s = 0.25 (two active latents): -ELBO - exact NLL = {mc_gap:+.4f}")
assert abs(mc_gap) < 0.01

# %% [markdown]
# Every exact fit has $\text{ELBO} = \log p(\mathbf{x})$ to rounding error, with rates from
# $\tfrac12\ln 3 \approx 0.549$ to over 4 nats: the ELBO is **flat** along the ridge. So
# "one active latent, rate $\tfrac12\ln 3$, decoder noise 0.5" is not what the objective
# demands; it is the ridge's **lowest-rate point**. The trained VAE's $-$ELBO gap of a few
# thousandths of a nat (measured above) says it reached the ridge; *which* point it reached
# is a separate question that the ELBO does not answer.
#
# A plausible reason for where training ends: it starts near rate zero (an untrained
# encoder is close to the prior, notebook 02), the loss falls until the model reaches the
# ridge, and once there the ridge is flat, so nothing in the objective pushes it towards
# the higher-rate points. We do not prove this. We measure it: below for this seed, and in
# exercise 1 for two more.
#
# ### What the VAE learned, side by side
#
# The prior $\mathcal{N}(\mathbf{0}, I)$ is unchanged by any rotation of $\mathbf{z}$, so a
# rotated decoder would fit the data just as well. The encoder is another matter: its
# $q_\phi$ is a *diagonal* Gaussian, and rotating a diagonal Gaussian gives, in general, a
# correlated one that the encoder cannot output. The symmetries that keep every posterior
# diagonal (when its variances differ) are only the permutations of the axes and the sign
# flips. So the active dimension could be $z_1$ or $z_2$, and its sign is arbitrary: the
# learned code may be the linear model's code with its sign flipped. We therefore compare
# quantities that do not depend on that choice (rate, posterior variance, decoder noise,
# $|\mathbf{w}|$), and align the sign by correlation before comparing posterior means.

# %%
model = conv_run.model
mu_q, var_q = encoder_posterior(model, test_data)  # [N, 2] each
post_mean, post_var = linear_posterior(test_data, opt.w, opt.psi, np.array(SOURCE_MU))
sign = np.sign(np.corrcoef(mu_q[:, active], post_mean[:, 0])[0, 1])
corr = abs(np.corrcoef(mu_q[:, active], post_mean[:, 0])[0, 1])

with torch.no_grad():  # decoder at z = 0 and its slope along the active dimension
    z = torch.zeros(3, 2)
    z[:, active] = torch.tensor([-0.01, 0.0, 0.01])
    mu_x, log_var_x = model.decode(z)
slope = ((mu_x[2] - mu_x[0]) / 0.02).numpy()
decoder_var = log_var_x[1].exp().numpy()

rows = [("rate E KL(q || p(z)) (nats)", opt.rate, kl_dims.sum()),
        ("posterior variance, active dim", opt.posterior_var, var_q[:, active].mean()),
        ("decoder noise variance psi_1", opt.psi[0], decoder_var[0]),
        ("decoder noise variance psi_2", opt.psi[1], decoder_var[1]),
        ("|w| (decoder slope at z = 0)", np.linalg.norm(opt.w), np.linalg.norm(slope)),
        ("corr(encoder mean, exact posterior mean)", 1.0, corr)]
print(f"{'quantity':>42} | lowest-rate fit | trained VAE")
for name, exact_value, learned in rows:
    print(f"{name:>42} | {exact_value:15.4f} | {learned:11.4f}")

# Where on the ridge this seed's run landed (a measured tendency, not something the ELBO
# requires: every point of the ridge has the same ELBO):
assert abs(kl_dims.sum() - opt.rate) < 0.05
assert abs(var_q[:, active].mean() - opt.posterior_var) < 0.03
assert np.allclose(decoder_var, opt.psi, atol=0.05) and corr > 0.99

# %% [markdown]
# In this run the trained VAE sits at the lowest-rate point of the ridge, to within a few
# hundredths: a rate of $\approx\tfrac12\ln 3$, a posterior variance of $\approx\tfrac13$
# in the active dimension (and $\approx 1$, the prior, in the other), decoder noise
# $\approx 0.5$ per coordinate, and an encoder mean that is, up to sign, the exact posterior
# mean. Nothing told it to be linear: for Gaussian data a linear decoder already fits
# exactly, and the tanh networks learn one. Nothing told it to pick this point of the ridge
# either; exercise 1 checks how often training does.
#
# ### The posterior, point by point
#
# Last, we draw the exact posterior $p_\theta(z|\mathbf{x})$ of the lowest-rate linear fit on a
# grid of $z$ for
# three test points (the two most extreme and a typical one), next to the encoder's
# $q_\phi(z_{\text{active}}|\mathbf{x})$ mapped through the sign flip found above, and then
# compare the posterior means of all test points. (Strictly, the encoder approximates the
# posterior of the *trained decoder*; because that decoder is close to the lowest-rate fit
# up to a sign, the two nearly coincide. The largest differences are at the extreme points, where
# the training data are sparse.)

# %%
grid = np.linspace(-4.5, 4.5, 500)
order = np.argsort(post_mean[:, 0])
picks = order[[0, len(order) // 2, -1]]  # lowest, middle and highest posterior mean
fig, axes = plt.subplots(1, len(picks) + 1, figsize=(15, 3.4))
for ax, i in zip(axes, picks):
    exact_pdf = np.exp(-0.5 * (grid - post_mean[i, 0]) ** 2 / post_var[0, 0]) / np.sqrt(
        2 * np.pi * post_var[0, 0])
    m, v = sign * mu_q[i, active], var_q[i, active]
    q_pdf = np.exp(-0.5 * (grid - m) ** 2 / v) / np.sqrt(2 * np.pi * v)
    ax.plot(grid, exact_pdf, "k-", lw=2,
            label="exact $p_\\theta(z|x)$ (lowest-rate fit)")
    ax.plot(grid, q_pdf, "--", color="tab:orange", lw=2, label="encoder $q_\\phi(z|x)$")
    ax.set(title=f"x = ({test_data[i, 0]:.2f}, {test_data[i, 1]:.2f})",
           ylabel="density", xlabel=f"$z$ (active dim, sign {int(sign):+d})")
axes[0].legend(loc="upper right", fontsize=8)
ax = axes[-1]
ax.scatter(post_mean[:, 0], sign * mu_q[:, active], s=3, alpha=0.4)
ax.plot([-2.5, 2.5], [-2.5, 2.5], "k--", lw=1, label="identity")
ax.set(title="posterior means, all test points", xlabel="exact posterior mean",
       ylabel="encoder mean (sign-aligned)")
ax.legend(loc="upper left", fontsize=8)
fig.suptitle("Exact posterior vs encoder", y=1.03)
fig.tight_layout()
plt.show()

err = np.abs(sign * mu_q[:, active] - post_mean[:, 0])
print(f"|encoder mean - exact posterior mean|: median {np.median(err):.3f}, "
      f"max {err.max():.3f}")
assert np.median(err) < 0.05

# %% [markdown]
# ## Exercises
#
# **1. Another seed.** Train `converged_config` with seed 2. Which facts must hold (they
# follow from reaching the ridge), and which are only a tendency? Predict both.

# %% tags=["hide-cell"]
# Must hold (up to training error): -ELBO within ~0.01 of the exact NLL.  A tendency:
# rate near 1/2 ln 3 = 0.549 with one active latent.  Measured for seeds 0-7 while
# writing this page: rates 0.539 to 0.575, the second latent's KL below 0.01 nats.
run_s = run_model(converged_config(progress=False, seed=2), train_data, test_data)
kl_s = kl_per_dimension(run_s.model, test_data)
gap_s = run_s.test_losses[-1, 0] - exact_mean
print(f"seed 2: -ELBO gap {gap_s:+.4f}, rate {kl_s.sum():.4f}, "
      f"KL per dim {kl_s.round(4)}")
assert abs(gap_s) < 0.02  # on the ridge (single-sample test loss: ~0.01 noise)
assert abs(kl_s.sum() - 0.5 * np.log(3)) < 0.05 and kl_s.min() < 0.02  # the tendency

# %% [markdown]
# **2. A point of your own on the ridge.** For $s = 0.1$, predict the posterior variances
# and the rate, then check that the ELBO still equals the exact log-likelihood.

# %% tags=["hide-cell"]
# S = diag(s / lambda) = (0.1 / 1.5, 0.1 / 0.5) = (0.067, 0.2); rate 1/2 ln(0.75 / 0.01)
# = 2.159 nats, four times the lowest rate, at the same ELBO.
fit = isotropic_exact_fit(SOURCE_COV, 0.1)
print(f"posterior variances {fit.posterior_var.round(4)}, rate {fit.rate:.4f}")
assert np.allclose(fit.posterior_var, [0.1 / 1.5, 0.1 / 0.5])
assert np.isclose(fit.rate, 0.5 * np.log(0.75 / 0.01))
mean, cov_post = linear_posterior(test_data, fit.w, fit.psi, b)
elbo = linear_elbo(test_data, fit.w, fit.psi, b, mean, np.diag(cov_post))
assert np.allclose(elbo, -exact_test, atol=1e-9)

# %% [markdown]
# **3. What $z$ can buy on other data.** For $\Sigma = \begin{pmatrix} 4 & -2.4 \\ -2.4 &
# 2.25 \end{pmatrix}$, predict the gap between the ignore-$z$ ceiling and the entropy.
# (Hint: it depends only on the correlation.)

# %% tags=["hide-cell"]
# ceiling - H = 1/2 log(Sigma_11 Sigma_22 / det Sigma) = -1/2 log(1 - rho^2); here
# rho = -2.4 / (2 * 1.5) = -0.8, so -1/2 log(0.36) = 0.511 nats.
other = np.array([[4.0, -2.4], [-2.4, 2.25]])
buy = ignore_z_ceiling(other) - gaussian_entropy(other)
print(f"ceiling - entropy = {buy:.4f} nats")
assert np.isclose(buy, -0.5 * np.log(1 - 0.8**2))

# %% [markdown]
# ## Summary
#
# - On Gaussian data the best achievable *expected* NLL is the entropy, $H \approx 2.694$
#   nats, and a decoder that ignores $z$ cannot beat $2.838$ in expectation: a model below
#   that ceiling is using $z$ (an untrained one is far above it). We measured every model
#   against the exact NLL of the very test points it was scored on.
# - The source post's one-epoch run covers only about half of the 0.144 nats that $z$ can
#   buy: its $-$ELBO ends a few hundredths of a nat above the floor, roughly half of that an
#   ELBO gap (encoder $\neq$ posterior); `converged_config` (800 cosine-decayed Adam steps of a 64-unit
#   network, about a second) leaves a few thousandths of a nat.
# - The IWAE bound falls with $K$ towards the model's own NLL; with $K = 1000$ it measures
#   the model, not the encoder.
# - The linear optimum is a **ridge**: PPCA/factor-analysis fits with one or two active
#   latents and rates from $\tfrac12\ln 3$ to arbitrarily large all have ELBO $= \log
#   p(\mathbf{x})$. One latent suffices because a rank-one-plus-diagonal covariance fits any
#   2-D Gaussian (by construction, not by counting).
# - Training reached the ridge, and in this run its lowest-rate point: rate, posterior
#   variance, decoder noise and posterior means match the PPCA fit up to a sign flip of the
#   latent. That choice is a measured tendency of training, not a property of the ELBO.
#
# Next: **08 · Derivations**, where the ELBO, the Gaussian KL and the IWAE bound are derived
# and each step is checked numerically.
