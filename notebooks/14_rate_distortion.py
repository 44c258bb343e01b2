# %% [markdown]
# # 14 · Rate, distortion, β and posterior collapse
#
# The ELBO is two costs in one number: nats spent on the code and nats lost in the
# reconstruction. Weighting them differently (the β of a β-VAE) moves a model along a
# curve that, for Gaussian data and a fixed decoder variance, is known exactly, and it
# says when the code is switched off altogether: posterior collapse.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/14_rate_distortion.ipynb)

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
# The picture: the closed-form frontier for the source data (decoder variance 0.5) and
# the rate of each eigen-direction as beta grows, from the package's closed form.
import matplotlib.pyplot as plt
import numpy as np

from vae_tutorial import SOURCE_COV, gaussian_entropy
from vae_tutorial.rate_distortion import beta_optimum, rate_distortion_curve

curve_r, curve_d = rate_distortion_curve(SOURCE_COV, 0.5)
beta_axis = np.geomspace(0.2, 5, 200)
direction_rates = np.array([beta_optimum(SOURCE_COV, b, 0.5).rates for b in beta_axis])
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
axes[0].plot(curve_r, curve_d, "k-", label="best $(R, D)$, any $\\beta$")
axes[0].plot(curve_r, gaussian_entropy(SOURCE_COV) - curve_r, "k:", label="$D + R = H$")
for beta in (0.5, 1, 2, 4):
    opt = beta_optimum(SOURCE_COV, beta, 0.5)
    axes[0].plot(opt.rate, opt.distortion, "o", label=f"$\\beta$ = {beta}")
axes[0].set(xlim=(-0.05, 2.1), ylim=(0.9, 3.3), xlabel="rate $R$ (nats)",
            ylabel="distortion $D$ (nats)",
            title="rate vs distortion, $\\sigma^2 = 0.5$")
axes[0].legend(fontsize=7)
for i in range(2):
    axes[1].plot(beta_axis, direction_rates[:, i], label=f"direction {i + 1}")
axes[1].set(xscale="log", xlabel="$\\beta$", ylabel="rate (nats)",
            title="each direction switches off: collapse")
axes[1].set_xticks([0.25, 0.5, 1, 2, 4], ["0.25", "0.5", "1", "2", "4"])
axes[1].minorticks_off()
axes[1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - how the ELBO splits into a *rate* (the KL term) and a *distortion* (the
#   reconstruction term), and what the weight $\beta$ on the KL term trades;
# - the $\beta$-optimum of the linear VAE on Gaussian data in closed form, and why, with
#   a fixed decoder variance, no non-linear VAE can do better;
# - that a trained MLP VAE lands on that curve, to a hundredth of a nat;
# - when every latent dimension "collapses", seen in the KL of each dimension;
# - what a learned decoder variance does, to the optimum and to samples;
# - KL warm-up, a remedy for collapse, measured on the digits model of notebook 11.

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    converged_config,
    digits_config,
    digits_dataset,
    gaussian_entropy,
    generate_samples,
    iwae_nll,
    run_model,
    show_source,
    source_dataset,
)
from vae_tutorial.analysis import kl_per_dimension
from vae_tutorial.model import VAE
from vae_tutorial.rate_distortion import (
    active_units,
    beta_optimum,
    beta_sweep,
    collapse_beta,
    distance_to_curve,
    fit_linear_vae,
    learned_variance,
    linear_beta_objective,
    rate_distortion_curve,
)
from vae_tutorial.training import kl_weight
from vae_tutorial.variants import FixedVarianceDecoder

# %% [markdown]
# ## The ELBO as rate plus distortion
#
# Average the negative ELBO of notebook 04 over the data and name its two parts:
#
# $$
# -\mathbb{E}_{p(\mathbf{x})}[\text{ELBO}(\mathbf{x})]
# = \underbrace{\mathbb{E}_{p(\mathbf{x})}\,\mathbb{E}_{q_\phi(\mathbf{z}|\mathbf{x})}
#   \left[-\log p_\theta(\mathbf{x}|\mathbf{z})\right]}_{\text{distortion } D}
# + \underbrace{\mathbb{E}_{p(\mathbf{x})}\,
#   D_{\mathrm{KL}}\!\left(q_\phi(\mathbf{z}|\mathbf{x}) \,\|\, p(\mathbf{z})\right)}
#   _{\text{rate } R}.
# $$
#
# The **rate** is what the encoder pays, in nats, to tell the decoder about
# $\mathbf{x}$: an upper bound on the mutual information $I(\mathbf{x};\mathbf{z})$, 0
# exactly when $q_\phi(\mathbf{z}|\mathbf{x})$ is the prior for every $\mathbf{x}$.
# The **distortion** is how badly the decoder reconstructs $\mathbf{x}$ from the code.
# They are the `kl` and `recon` columns of every loss here, in nats per data point. Since
# $-\text{ELBO} \ge -\log p_\theta(\mathbf{x})$ and no model beats the data's entropy
# $H$ on average, every model lies on or above the line $D + R = H$ (Alemi et al. 2018,
# "Fixing a Broken ELBO").
#
# A $\beta$-VAE minimises $D + \beta R$ instead. The package keeps the three loss parts
# (total, recon, kl) with total $=$ recon $+\ \beta\,$kl; recon and kl are always the
# unweighted parts, so $D + R$ is still the $-$ELBO for any $\beta$:

# %%
show_source(VAE.loss)

# %% [markdown]
# `config.beta` (default 1) sets `model.beta`. For exact answers we also fix the
# decoder's variance: with `decoder_variance=0.5` the decoder outputs only a mean and
# $p_\theta(\mathbf{x}|\mathbf{z}) = \mathcal{N}(\mathbf{f}(\mathbf{z}), \sigma^2 I)$,
# $\sigma^2 = 0.5$ (the default, `"learned"`, is the network of notebooks 01–06, 09 and 10):

# %%
show_source(FixedVarianceDecoder)

# %% [markdown]
# With a fixed $\sigma^2$ in $d$ dimensions the distortion is a squared error in
# disguise,
#
# $$
# D = \frac d2 \log(2\pi\sigma^2)
#   + \frac{1}{2\sigma^2}\,\mathbb{E}\,\|\mathbf{x} - \mathbf{f}(\mathbf{z})\|^2 .
# $$
#
# ## The linear β-VAE, solved
#
# Take the data of this tutorial, $\mathbf{x} \sim \mathcal{N}(\mathbf{b}, \Sigma)$ with
# $\Sigma = U \operatorname{diag}(\lambda_1, \lambda_2) U^\top$, eigenvalues
# $\lambda_1 = 1.5 \ge \lambda_2 = 0.5$, and a *linear* VAE: decoder mean
# $W\mathbf{z} + \mathbf{b}$, Gaussian encoder. Three steps find its $\beta$-optimum.
#
# **1. β moves into the variance.** Write $D_s$ for the distortion computed with decoder
# variance $s$. Multiplying out,
# $D_{\sigma^2} + \beta R = \beta\,(D_{\beta\sigma^2} + R) + c$, where
# $c = \frac d2[\log(2\pi\sigma^2) - \beta\log(2\pi\beta\sigma^2)]$ does not depend on
# the encoder or the decoder. So the $\beta$-optimum with variance $\sigma^2$ is the
# *ordinary* ELBO optimum with variance $t = \beta\sigma^2$: a large $\beta$ acts like a
# noisier decoder.
#
# **2. The ELBO optimum with variance $t$.** The ELBO is largest when $q$ is the exact
# posterior, and then it equals $\log p_\theta(\mathbf{x})$ with
# $p_\theta(\mathbf{x}) = \mathcal{N}(\mathbf{b}, WW^\top + tI)$. Maximising the
# expected log-likelihood over $W$ is probabilistic PCA with its noise held at $t$
# (Tipping & Bishop 1999):
# $W = U \operatorname{diag}\big(\sqrt{(\lambda_i - t)_+}\big)$, up to a rotation of
# $\mathbf{z}$. A diagonal encoder pins that rotation to the eigen-directions, because
# only there is the exact posterior's covariance diagonal (Rolinek, Zietlow & Martius
# 2019, "Variational Autoencoders Pursue PCA Directions (by Accident)"). Direction $i$
# is **active iff $\lambda_i > t = \beta\sigma^2$**; an inactive one gets no loading
# at all. This linear analysis of $\beta$ and collapse follows Lucas, Tucker, Grosse &
# Norouzi (2019), "Don't Blame the ELBO! A Linear VAE Perspective on Posterior
# Collapse".
#
# **3. Rate and distortion per direction.** Project the data on an active direction,
# $y_i = \mathbf{u}_i^\top(\mathbf{x} - \mathbf{b}) \sim \mathcal{N}(0, \lambda_i)$,
# with loading $w_i = \sqrt{\lambda_i - t}$. Its posterior is
# $z_i \mid \mathbf{x} \sim \mathcal{N}(m_i, v_i)$ with mean $m_i = w_i y_i / \lambda_i$
# and variance $v_i = t/\lambda_i$, so $\mathbb{E}[m_i^2] = (\lambda_i - t)/\lambda_i$
# and
#
# $$
# R_i = \tfrac12\big(\mathbb{E}[m_i^2] + v_i - 1 - \log v_i\big)
#     = \tfrac12 \log\frac{\lambda_i}{\beta\sigma^2}, \qquad
# \mathbb{E}(y_i - w_i z_i)^2 = \frac{t^2}{\lambda_i} + \frac{w_i^2\,t}{\lambda_i}
#     = t = \beta\sigma^2 .
# $$
#
# An inactive direction spends no rate and leaves its whole variance $\lambda_i$ as
# error. Altogether
#
# $$
# R(\beta) = \sum_{i:\,\lambda_i > \beta\sigma^2}
#   \tfrac12\log\frac{\lambda_i}{\beta\sigma^2},
# \qquad
# D(\beta) = \frac d2\log(2\pi\sigma^2) + \sum_i \frac{\min(\lambda_i, \beta\sigma^2)}
#            {2\sigma^2}.
# $$
#
# This is Shannon's rate–distortion function of a Gaussian source under squared error
# ("reverse water-filling" at the level $\beta\sigma^2$). It answers a question the
# derivation leaves open: could a non-linear encoder and decoder do better? Not with
# this decoder. When $p_\theta(\mathbf{x}|\mathbf{z}) = \mathcal{N}(\mathbf{f}(
# \mathbf{z}), \sigma^2 I)$ with a $\sigma^2$ that does not depend on $\mathbf{z}$, the
# distortion is a function of the squared error alone, and for *any* encoder and mean
# $\mathbf{f}$ the rate is at least $I(\mathbf{x};\mathbf{z}) \ge I(\mathbf{x};
# \mathbf{f}(\mathbf{z}))$, which is at least the rate–distortion function at the
# achieved squared error. So this curve is the frontier for every VAE with this fixed
# variance, and the MLP's target. With the default *learned* variance, which depends on
# $\mathbf{z}$, the distortion is no longer a squared error and the argument fails;
# only $D + R \ge H$ survives. The curve's slope is $dD/dR = -\beta$: the
# $\beta$-optimum is where a line of slope $-\beta$ touches it.

# %%
show_source(beta_optimum)

# %% [markdown]
# For $\sigma^2 = 0.5$ the two directions switch off at $\beta = \lambda_2/\sigma^2 = 1$
# and $\beta = \lambda_1/\sigma^2 = 3$. We check the formula by minimising the linear
# VAE's **exact** objective from scratch: for Gaussian data both terms have closed forms
# (the tests check them against Monte-Carlo estimates of `VAE.loss`):

# %%
show_source(linear_beta_objective)

# %% [markdown]
# `fit_linear_vae` minimises it from a random start with L-BFGS, a quasi-Newton gradient
# method, in float64; it knows nothing of eigenvalues or thresholds.

# %%
sigma2 = 0.5
betas_check = (0.5, 1.0, 2.0, 4.0)
lbfgs_errors = []  # |L-BFGS - closed form|, rate and distortion
print(" beta | rate: closed form    L-BFGS | distortion: closed form    L-BFGS")
for beta in betas_check:
    opt = beta_optimum(SOURCE_COV, beta, sigma2)
    fit = fit_linear_vae(SOURCE_COV, beta, sigma2)
    print(f"{beta:5.1f} | {opt.rate:17.4f} {fit.rate:9.4f} | {opt.distortion:22.4f}"
          f" {fit.distortion:9.4f}")
    lbfgs_errors += [abs(fit.rate - opt.rate), abs(fit.distortion - opt.distortion)]
print(f"largest difference: {max(lbfgs_errors):.1e} nats")

# %% [markdown]
# ## A β sweep of the MLP VAE
#
# Now the real thing: the MLP VAE of notebook 09 (`converged_config`: 64 tanh units, 800
# Adam steps) with $\sigma^2 = 0.5$ fixed, trained once for each of seven values of
# $\beta$ from 0.25 to 8 (octave steps, and $2\sqrt2$ just below the collapse at 3), on
# the source data. Its rate and distortion are the `kl` and `recon` columns of its final
# test loss (2,500 test points).

# %%
show_source(beta_sweep)

# %%
train_data, test_data = source_dataset(seed=0)
sweep_cfg = converged_config(decoder_variance=sigma2, progress=False)
betas = 2.0 ** np.array([-2, -1, 0, 1, 1.5, 2, 3])  # 0.25, 0.5, 1, 2, 2.83, 4, 8
sweep = beta_sweep(sweep_cfg, betas, train_data, test_data)
rates = np.array([p.rate for p in sweep])
distortions = np.array([p.distortion for p in sweep])
distances = distance_to_curve(rates, distortions, SOURCE_COV, sigma2)
print(" beta |  rate  closed | distortion  closed | distance to the curve")
for p, dist in zip(sweep, distances):
    opt = beta_optimum(SOURCE_COV, p.beta, sigma2)
    print(f"{p.beta:5.2f} | {p.rate:5.3f}  {opt.rate:6.3f} | {p.distortion:10.3f}"
          f"  {opt.distortion:6.3f} | {dist:.4f}")
print(f"largest distance from the curve: {distances.max():.4f} nats")

# %% [markdown]
# `distance_to_curve` is the Euclidean distance in the $(R, D)$ plane to the nearest
# point of the closed-form curve. The figure puts the seven models on it, with the line
# $D + R = H$ that no model can cross.

# %%
curve_r, curve_d = rate_distortion_curve(SOURCE_COV, sigma2)
entropy = gaussian_entropy(SOURCE_COV)
fig, ax = plt.subplots(figsize=(7.5, 4.8))
ax.plot(curve_r, curve_d, "k-", lw=1.5, label="closed form (linear $\\beta$-optimum)")
ax.plot(curve_r, entropy - curve_r, "k:", lw=1, label="$D + R = H$ (the ELBO's limit)")
points = ax.scatter(rates, distortions, c=np.log2(betas), cmap="viridis", zorder=3,
                    label="MLP VAE, one per $\\beta$")
for p in sweep:
    if p.beta < 4 or p.beta == 8:  # beta = 4 and 8 share the collapsed end point
        label = "4 and 8" if p.beta == 8 else f"{p.beta:.2g}"
        ax.annotate(label, (p.rate, p.distortion), textcoords="offset points",
                    xytext=(6, 4), fontsize=8)
ax.set(xlim=(-0.05, 2.1), ylim=(0.9, 3.3), xlabel="rate $R$ (nats per point)",
       ylabel="distortion $D$ (nats per point)",
       title=f"$\\beta$ sweep with $\\sigma^2 = {sigma2}$: max distance "
             f"{distances.max():.3f} nats")
fig.colorbar(points, ax=ax, label="$\\log_2 \\beta$")
ax.legend(loc="upper right")
plt.show()

# %%
rate_gaps = {}
for p in sweep:
    if p.beta in betas_check:
        rate_gaps[p.beta] = p.rate - beta_optimum(SOURCE_COV, p.beta, sigma2).rate
        print(f"beta = {p.beta}: rate {p.rate:.3f}, {rate_gaps[p.beta]:+.4f} from the "
              "closed form")

# %% [markdown]
# Every model lands on the curve, a hundredth of a nat or so away: with $\sigma^2$
# fixed, the MLP finds the linear optimum for every $\beta$. The $\beta = 1$ point touches the line $D + R = H$: with
# $\sigma^2 = 0.5 = \lambda_2$ the ELBO optimum is an exact fit of the data. (`python -m
# benchmarks.rate_distortion` repeats the $\beta \in \{0.5, 1, 2, 4\}$ rows for seeds
# 0–2.)
#
# ## Posterior collapse: the threshold $\beta = \lambda_1/\sigma^2$
#
# "Posterior collapse" means $q_\phi(z_j|\mathbf{x}) = p(z_j)$ for every $\mathbf{x}$:
# latent dimension $j$ carries nothing, and its KL is 0. The closed form says when it
# happens and that it is not a failure of training: a direction with
# $\lambda_i \le \beta\sigma^2$ costs more in rate than it saves in distortion, so the
# *optimum* shuts it. Past

# %%
show_source(collapse_beta)

# %% [markdown]
# every direction is off and the decoder ignores $\mathbf{z}$. Here the threshold is
# $\beta = 3$. Below are the KL of each latent dimension of four models of the sweep
# (`kl_per_dimension` from notebook 09, sorted) beside the closed-form rate of each
# eigen-direction, and the active units: dimensions with
# $\operatorname{Var}_\mathbf{x}\mathbb{E}_q[z_j] > 0.01$ (Burda et al. 2015).

# %%
show_source(active_units)

# %%
shown = [p for p in sweep if p.beta in (0.5, 2.0, 2.0**1.5, 4.0)]
per_dimension = []  # (active units, closed-form rates, measured KL per dimension)
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2), sharey=True)
for ax, p in zip(axes, shown):
    kl_dims = np.sort(kl_per_dimension(p.result.model, test_data))[::-1]
    closed = beta_optimum(SOURCE_COV, p.beta, sigma2).rates
    dims = np.arange(len(kl_dims))
    ax.bar(dims - 0.2, kl_dims, width=0.4, label="MLP VAE")
    ax.bar(dims + 0.2, closed, width=0.4, label="closed form")
    units = active_units(p.result.model, test_data)
    ax.set(xticks=dims, xlabel="latent dimension (sorted)",
           title=f"$\\beta$ = {p.beta:.2f}: {units} active")
    per_dimension.append((units, closed, kl_dims))
axes[0].set_ylabel("KL per dimension (nats)")
axes[-1].legend()
fig.suptitle(f"KL per latent dimension around the collapse threshold "
             "$\\beta = \\lambda_1/\\sigma^2$ = "
             f"{collapse_beta(SOURCE_COV, sigma2):.0f}",
             y=1.04)
plt.show()

# %% [markdown]
# At $\beta = 0.5$ both dimensions are in use; from $\beta = 1$ only one; at
# $\beta = 2\sqrt2 \approx 2.83$ the last carries only
# $\tfrac12\log(1.5/1.41) \approx 0.03$ nats; at $\beta = 4$ nothing. The collapse is
# gradual, as in the picture at the top.
#
# ## Learned or fixed decoder variance?
#
# Back to the *linear* VAE, now with one variance $\sigma^2$ shared by every output and
# learned with the rest (not the $\mathbf{z}$-dependent variance of the MLP). The
# optimum then also picks $\sigma^2$. Plug the
# fixed-variance optimum back in and look at the objective as a function of
# $\log\sigma^2$ alone. With $a$ active directions its derivative is
#
# $$
# \frac{\partial}{\partial\log\sigma^2}\big(D + \beta R\big)
# = a\,\frac{1-\beta}{2} + \sum_{i\ \text{inactive}}
#   \frac12\Big(1 - \frac{\lambda_i}{\sigma^2}\Big),
# $$
#
# which never decreases as $\sigma^2$ grows, so the objective is convex in
# $\log\sigma^2$ and a zero of the derivative is the minimum:
# $\sigma^2 = \sum_{i > a}\lambda_i / (d - \beta a)$. The limit $\sigma^2 \to 0$ decides
# whether a zero exists:
#
# - **$\beta > 1$**, or fewer latents than data dimensions: a unique minimum. For our
#   data $\sigma^2 = \lambda_2/(2-\beta)$ for $1 \le \beta < 1.5$, and from
#   $\beta = 1.5$ on the decoder ignores $\mathbf{z}$ with $\sigma^2$ = the mean
#   eigenvalue.
# - **$\beta = 1$** with as many latents as dimensions: the derivative is 0 for every
#   $\sigma^2 \le \lambda_{\min}$, a ridge of optima that all fit the data exactly
#   (notebook 09 met it as `isotropic_exact_fit`).
# - **$\beta < 1$** with as many latents as dimensions: the derivative is at least
#   $d(1-\beta)/2 > 0$, so the objective falls without bound as $\sigma^2 \to 0$ while
#   the rate grows without bound. **There is no minimum.**

# %%
show_source(learned_variance)

# %%
grid = np.geomspace(1e-3, 4, 300)
fig, ax = plt.subplots(figsize=(7, 4))
for beta in (0.5, 1.0, 1.2, 2.0):
    profile = [beta_optimum(SOURCE_COV, beta, s).objective for s in grid]
    line, = ax.plot(grid, profile, label=f"$\\beta$ = {beta}")
    if beta >= 1:
        best = beta_optimum(SOURCE_COV, beta)
        ax.plot(best.variance, best.objective, "o", color=line.get_color())
ax.set(xscale="log", ylim=(0, 6), xlabel="decoder variance $\\sigma^2$",
       ylabel="best $D + \\beta R$ at this $\\sigma^2$ (nats)",
       title="Learned variance: a minimum for $\\beta \\geq 1$, none for $\\beta < 1$")
ax.legend()
plt.show()

# %% [markdown]
# Minimising the exact objective with $\log\sigma^2$ trained too agrees: for
# $\beta = 1.2$ it settles at $\sigma^2 = 0.5/0.8 = 0.625$; for $\beta = 0.5$ it keeps
# shrinking $\sigma^2$ and the objective keeps falling for as long as it runs.

# %%
fit_12 = fit_linear_vae(SOURCE_COV, 1.2, "learned")
fit_05 = fit_linear_vae(SOURCE_COV, 0.5, "learned")
print(f"beta = 1.2: sigma^2 = {fit_12.variance:.4f} "
      f"(closed form {learned_variance(SOURCE_COV, 1.2):.4f})")
print(f"beta = 0.5: sigma^2 {fit_05.variances[0]:.2f} -> {fit_05.variance:.1e}, "
      f"objective {fit_05.objective[0]:.2f} -> {fit_05.objective[-1]:.2f}, "
      f"rate {fit_05.rate:.1f} nats")
try:
    learned_variance(SOURCE_COV, 0.5)
except ValueError as err:
    print("learned_variance raises ValueError:", str(err)[:48], "...")

# %% [markdown]
# What does the variance do to **samples**? Decode $\mathbf{z} \sim \mathcal{N}(0, I)$
# with and without the decoder's noise. At the optimum the decoder means have covariance
# $WW^\top = U\operatorname{diag}\big((\lambda_i - \beta\sigma^2)_+\big)U^\top$, and the
# noise adds $\sigma^2 I$ (`BetaOptimum.sample_cov`). We train three MLP VAEs at
# $\beta = 1$: the learned variance of notebooks 01–06, 09 and 10 (it may depend on $\mathbf{z}$,
# yet it lands near the PPCA point of the ridge, $\sigma^2 = 0.5$), a small fixed
# $\sigma^2 = 0.05$ and a large fixed $\sigma^2 = 2$.

# %%
variances = ("learned", 0.05, 2.0)
runs = {v: run_model(converged_config(decoder_variance=v, progress=False), train_data,
                     test_data) for v in variances}
generator = torch.Generator().manual_seed(1)
fig, axes = plt.subplots(2, 3, figsize=(11, 7), sharex=True, sharey=True)
sample_cov_errors = []  # |measured - closed-form sample covariance|, largest entry
print(" variance | rate   | sample covariance (no noise)  | (with noise)")
for col, v in enumerate(variances):
    cfg = converged_config(decoder_variance=v)
    opt = beta_optimum(SOURCE_COV, 1.0, v)
    row_text = []
    for row, noise in enumerate((False, True)):
        x = generate_samples(cfg, runs[v].model, 20_000, noise, generator)
        ax = axes[row, col]
        ax.scatter(test_data[:, 0], test_data[:, 1], s=2, c="0.8", label="test data")
        ax.scatter(x[:1000, 0], x[:1000, 1], s=2, label="samples")
        name = "learned $\\sigma^2$" if v == "learned" else f"$\\sigma^2$ = {v}"
        ax.set(title=f"{name}, {'with' if noise else 'no'} decoder noise",
               xlabel="$x_1$", ylabel="$x_2$" if col == 0 else None)
        measured = np.cov(x.T)
        row_text.append(np.array2string(measured.ravel(), precision=2))
        sample_cov_errors.append(np.abs(measured - opt.sample_cov(noise)).max())
    print(f"{v!s:>9} | {runs[v].test_losses[-1, 2]:.3f}  | {row_text[0]:28} |"
          f" {row_text[1]}")
axes[0, 0].legend(markerscale=4)
fig.suptitle("Samples of three decoders at $\\beta = 1$", y=1.0)
plt.show()

# %% [markdown]
# The printed covariances (entries 11, 12, 21, 22) match the closed form within sampling
# noise. **Small fixed variance** ($0.05$): both directions active, rate about 2.85
# nats; the decoder means alone already look like the data. **Learned**: one direction
# carries the code (rate 0.55 nats), the means lie on the first principal axis and the
# noise supplies the rest. This is the 2-D face of "blurry samples": the decoder mean
# *averages* over what the code leaves open. **Large fixed variance** ($2 > \lambda_1$):
# collapse at $\beta = 1$ already, all means at one point, and an isotropic blob of
# noise. With a fixed $\sigma^2$ and $\beta = 1$, samples with noise have covariance
# $U\operatorname{diag}(\max(\lambda_i, \sigma^2))U^\top$: exact whenever
# $\sigma^2 \le \lambda_{\min}$. Fixing $\sigma^2$ is choosing $\beta$: only
# $\beta\sigma^2$ decides what the code keeps.
#
# ## A remedy for collapse on the digits: KL warm-up
#
# On real data collapse also has a *training* side: early on the decoder can model each
# pixel's marginal histogram without any code, and the KL term then pushes every
# $q(z_j|x)$ to the prior before the encoder has learnt anything worth its rate. **KL
# warm-up** (Bowman et al. 2016; Sønderby et al. 2016) lets the KL weight rise linearly
# from 0 to $\beta$ over the first epochs, so the code is in use before it is charged
# for:

# %%
show_source(kl_weight)

# %% [markdown]
# We train the digits model of notebook 11 (`digits_config`: 16 latents, a categorical
# decoder over 17 grey levels) with a large $\beta = 8$, which makes collapse easy to
# see, for 20 epochs instead of 50 (this page's time budget): once as is, once with the
# KL weight warming up over the first 10 epochs. On the 447 test images we measure the
# active units, the KL per dimension and the test NLL (IWAE, $K = 100$, notebook 09),
# which does not depend on $\beta$.

# %%
digits_train, _, digits_test = digits_dataset()
digits_beta, digits_epochs, warmups = 8.0, 20, (0, 10)
shown_fields = ("hidden_dim", "hidden_layers", "activation", "lr", "lr_schedule",
                "weight_decay", "batch_size")
print(textwrap.fill(", ".join(f"{k}={digits_config()[k]!r}" for k in shown_fields), 88))
digits = {}
for warmup in warmups:
    cfg = digits_config(beta=digits_beta, num_epochs=digits_epochs,
                        kl_warmup_epochs=warmup, progress=False)
    run = run_model(cfg, digits_train, digits_test)
    digits[warmup] = dict(
        run=run,
        kl=np.sort(kl_per_dimension(run.model, digits_test))[::-1],
        units=active_units(run.model, digits_test),
        objective=run.test_losses[-1, 0],
        nll=iwae_nll(run.model, digits_test, 100, seed=1, max_rows=2**13))
    total, recon, kl = run.test_losses[-1]
    print(f"warm-up {warmup:2d} epochs: {digits[warmup]['units']:2d} of 16 active, "
          f"R {kl:.2f}, D {recon:.2f}, D + 8R {total:.2f}, "
          f"test NLL {digits[warmup]['nll']:.2f} nats")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
dims = np.arange(16)
for shift, warmup in zip((-0.2, 0.2), warmups):
    d = digits[warmup]
    axes[0].bar(dims + shift, d["kl"], width=0.4,
                label=f"warm-up {warmup} epochs: {d['units']} active")
    axes[1].plot(d["run"].test_losses[:, 2], "o-", ms=3,
                 label=f"warm-up {warmup} epochs")
axes[0].set(xlabel="latent dimension (sorted)", ylabel="KL per dimension (nats)",
            title=f"Digits, $\\beta$ = {digits_beta:.0f}: KL of each latent dimension")
axes[1].set(xlabel="epoch", ylabel="test rate $R$ (nats per image)",
            title="Rate during training")
for ax in axes:
    ax.legend()
plt.show()
no_warmup, warm = digits[0], digits[10]

# %% [markdown]
# Without warm-up the large $\beta$ shuts almost every latent dimension; with warm-up
# more stay in use, and the test NLL is better by a few nats. The right panel shows how:
# while the KL weight is small the code is used freely, then it is squeezed as the weight
# climbs to 8, and 20 epochs end before it is squeezed as far as in the other run. On
# the number both runs minimise, $D + 8R$, the warm-up run is *not* better. So warm-up
# is a training schedule: it changed where 20 epochs end, not the optimum. For Gaussian
# data the closed form showed that with $\beta > 1$ part of the collapse is what the
# objective itself asks for; for the digits we have no closed form, and these runs show
# only that warm-up did not find a lower $D + 8R$. Over seeds 0–2
# (`python -m benchmarks.rate_distortion`) warm-up kept more units active and gave a
# lower test NLL every time. Free bits (a KL allowance per dimension) are the other
# common remedy, left out here.
#
# ## Exercises
#
# **1. Read the closed form.** For data with $\Sigma = \operatorname{diag}(4, 1, 0.25)$
# and a fixed $\sigma^2 = 0.5$, predict the number of active directions and the rate at
# $\beta = 1$, the active directions at $\beta = 4$, and the $\beta$ at which everything
# collapses.

# %% tags=["hide-cell"]
# beta = 1: t = 0.5, so 4 and 1 are active and 0.25 is not; rate 1/2 log(4 / 0.5)
# + 1/2 log(1 / 0.5) = 1/2 log 16 = log 4.  beta = 4: t = 2, only 4.  Collapse: 4 / 0.5.
cov3 = np.diag([4.0, 1.0, 0.25])
one, four = beta_optimum(cov3, 1.0, 0.5), beta_optimum(cov3, 4.0, 0.5)
print(f"beta = 1: {one.active.sum()} active, rate {one.rate:.4f} "
      f"(log 4 = {np.log(4):.4f})")
print(f"beta = 4: {four.active.sum()} active; "
      f"collapse at beta = {collapse_beta(cov3, 0.5)}")
assert one.active.sum() == 2 and abs(one.rate - np.log(4)) < 1e-12
assert four.active.sum() == 1 and collapse_beta(cov3, 0.5) == 8.0

# %% [markdown]
# **2. One latent, learned variance, β < 1.** With a single latent dimension on the
# source data and $\beta = 0.5$, does the learned-variance objective have a minimum? If
# so, predict $\sigma^2$ and the rate, then check with `fit_linear_vae`.

# %% tags=["hide-cell"]
# Yes: the second direction cannot be active, so its error lambda_2 / (2 sigma^2) blows
# up as sigma^2 -> 0.  With a = 1: sigma^2 = lambda_2 / (d - beta) = 0.5 / 1.5 = 1/3,
# and the rate 1/2 log(lambda_1 / (beta sigma^2)) = 1/2 log 9 = log 3.
one_latent = beta_optimum(SOURCE_COV, 0.5, "learned", latent_dim=1)
fit_one = fit_linear_vae(SOURCE_COV, 0.5, "learned", latent_dim=1)
print(f"sigma^2 = {one_latent.variance:.4f} (L-BFGS {fit_one.variance:.4f}), "
      f"rate {one_latent.rate:.4f} (L-BFGS {fit_one.rate:.4f}, "
      f"log 3 = {np.log(3):.4f})")
assert abs(one_latent.variance - 1 / 3) < 1e-12 and abs(fit_one.variance - 1 / 3) < 1e-4
assert abs(fit_one.rate - np.log(3)) < 1e-4

# %% [markdown]
# **3. Halve the decoder variance.** With $\sigma^2 = 0.25$ at $\beta = 2$, predict the
# rate of the optimum and where the collapse threshold moves. Which model of the sweep
# above should have the same rate?

# %% tags=["hide-cell"]
# Only beta sigma^2 matters: 2 x 0.25 = 0.5, the same as beta = 1 with sigma^2 = 0.5, so
# the rate is 1/2 log 3 = 0.549 nats again (the sweep's beta = 1 model); the threshold
# moves to 1.5 / 0.25 = 6.  (Training the MLP with these settings gives 0.550.)
halved = fit_linear_vae(SOURCE_COV, 2.0, 0.25)
(same,) = [p for p in sweep if p.beta == 1.0]
print(f"rate {halved.rate:.4f} nats (predicted {0.5 * np.log(3):.4f}; the sweep's "
      f"beta = 1 model: {same.rate:.3f})")
print(f"collapse at beta = {collapse_beta(SOURCE_COV, 0.25):.0f}")
assert abs(halved.rate - 0.5 * np.log(3)) < 1e-4 and abs(same.rate - halved.rate) < 0.02
assert collapse_beta(SOURCE_COV, 0.25) == 6.0

# %% [markdown]
# ## Summary
#
# - The $-$ELBO is distortion plus rate, $D + R$; a $\beta$-VAE minimises $D + \beta R$,
#   and with a fixed decoder variance only $\beta\sigma^2$ matters.
# - For Gaussian data the $\beta$-optimum is known exactly: direction $i$ is active iff
#   $\lambda_i > \beta\sigma^2$, with rate $\tfrac12\log(\lambda_i/\beta\sigma^2)$. It is
#   Shannon's rate–distortion curve, the frontier for any VAE whose decoder variance is
#   fixed; with a learned, $\mathbf{z}$-dependent one only $D + R \ge H$ holds. Seven
#   trained MLP VAEs sit on it within a hundredth of a nat.
# - Collapse is the optimum, not a bug, once $\beta\sigma^2 \ge \lambda_1$, and it sets
#   in continuously.
# - For the linear VAE with one shared, learned $\sigma^2$ the objective has a minimum
#   only for $\beta > 1$ (or fewer latents than dimensions), a ridge at $\beta = 1$, and
#   none for $\beta < 1$.
# - KL warm-up is a training schedule: on the digits at $\beta = 8$ it kept more units
#   active and lowered the test NLL, without being better on $D + 8R$.
#
# **Next:** [07 · MNIST](07_mnist.ipynb) takes the VAE to real 28×28 digits, with a
# Bernoulli decoder, an MLP and a convolutional network.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, for this seed (and the rules behind them).
# The picture's closed form: 1/2 log 12 at beta = 0.5, nothing left at beta = 4
assert abs(beta_optimum(SOURCE_COV, 0.5, sigma2).rate - 0.5 * np.log(12)) < 1e-12
assert beta_optimum(SOURCE_COV, 4.0, sigma2).rate == 0
# L-BFGS on the exact linear objective agrees with the closed form to 1e-4 nats
assert max(lbfgs_errors) < 1e-4
# The MLP sweep: rates within 0.02 of the closed form, every point within 0.02 of it
assert all(abs(gap) < 0.02 for gap in rate_gaps.values()), rate_gaps
assert distances.max() < 0.02
# KL per dimension: the active units and each dimension's KL as the closed form says
for units, closed, kl_dims in per_dimension:
    assert units == (closed > 0).sum()
    np.testing.assert_allclose(kl_dims, closed, atol=0.02)
# Learned variance: beta = 1.2 settles at 0.625; beta = 0.5 keeps falling
assert abs(fit_12.variance - 0.625) < 1e-4
assert fit_05.variance < 1e-3 and fit_05.rate > 5
half = len(fit_05.objective) // 2  # still falling in the second half of the run
assert fit_05.objective[half:].min() < fit_05.objective[:half].min() - 0.1
# Samples: covariances as the closed form says, within sampling noise; the rates
assert max(sample_cov_errors) < 0.06, sample_cov_errors
assert abs(runs["learned"].test_losses[-1, 2] - 0.55) < 0.02
assert abs(runs[0.05].test_losses[-1, 2] - 2.85) < 0.05
# Digits: warm-up keeps more units, a few nats better NLL, not better on D + 8R, and
# the code is used early on (several nats)
assert warm["units"] > no_warmup["units"]
assert warm["nll"] < no_warmup["nll"] - 1
assert warm["objective"] > no_warmup["objective"] - 0.05
assert warm["run"].test_losses[1:, 2].max() > 2
