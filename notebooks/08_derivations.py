# %% [markdown]
# # 08 · Derivations, checked numerically
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/08_derivations.ipynb)
#
# **What you will learn**
#
# - where the ELBO comes from: Jensen's inequality applied to $\log p_\theta(\mathbf{x})$, and the
#   exact identity $\log p_\theta(\mathbf{x}) = \text{ELBO} + D_{\mathrm{KL}}(q \,\|\, p_\theta(\mathbf{z}|\mathbf{x}))$;
# - how the closed-form KL between a diagonal Gaussian and $\mathcal{N}(0, I)$ is derived;
# - why the importance-weighted (IWAE) bound is tighter than the ELBO and tightens with $K$;
# - why a closed-form KL gives less noisy gradients than a Monte-Carlo one;
# - how the number of Monte-Carlo samples `num_mc` trades gradient noise against time.
#
# The source post promised these derivations for "a future post". Every step here is checked
# on a model where the answer is known exactly: the linear-Gaussian model of notebook 07.

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
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.distributions import Normal, kl_divergence

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    converged_config,
    gaussian_kl,
    iwae_nll,
    run_model,
    sample_gaussian,
    show_source,
    source_dataset,
)
from vae_tutorial.analysis import (
    elbo_gradient_noise,
    gaussian_kl_full,
    kl_gradient_samples,
    linear_elbo,
    linear_log_marginal,
    linear_optimum,
    linear_posterior,
    linear_vae,
    mc_gaussian_kl,
    negative_elbo,
)

# %% [markdown]
# ## A model with known answers
#
# Take one latent $z \sim \mathcal{N}(0, 1)$ and a linear decoder
# $p_\theta(\mathbf{x}|z) = \mathcal{N}(\mathbf{w}z + \mathbf{b}, \Psi)$, $\Psi$ diagonal, with
# parameters $\theta = (\mathbf{w}, \mathbf{b}, \Psi)$. Everything
# is Gaussian, so everything is known in closed form: the marginal
# $p_\theta(\mathbf{x}) = \mathcal{N}(\mathbf{b}, \mathbf{w}\mathbf{w}^\top + \Psi)$ and the posterior
# $p_\theta(z|\mathbf{x}) = \mathcal{N}(m(\mathbf{x}), S)$ with $S = (1 + \mathbf{w}^\top\Psi^{-1}
# \mathbf{w})^{-1}$ and $m(\mathbf{x}) = S\,\mathbf{w}^\top\Psi^{-1}(\mathbf{x} - \mathbf{b})$.
# We use the lowest-rate exact fit of the source data (notebook 07; any point of its ridge
# of exact fits would do) and a handful of points.

# %%
opt = linear_optimum(SOURCE_COV)
w, psi, b = opt.w, opt.psi, np.array(SOURCE_MU)
x = sample_gaussian(SOURCE_MU, SOURCE_COV, 2000, seed=1).astype(np.float64)  # [2000, 2]
log_px = linear_log_marginal(x, w, psi, b)  # [2000], exact
post_mean, post_var = linear_posterior(x, w, psi, b)  # [2000, 1], [1, 1]
print("w =", w.round(3), " psi =", psi, f" S = {post_var[0, 0]:.4f}",
      f" mean log p(x) = {log_px.mean():.4f}")

# %% [markdown]
# ## 1 · The ELBO from $\log p_\theta(\mathbf{x})$
#
# For any density $q(\mathbf{z}|\mathbf{x})$ that is positive wherever $p_\theta(\mathbf{x}, \mathbf{z})$
# is, multiply and divide inside the integral:
#
# $$
# \log p_\theta(\mathbf{x}) = \log \int p_\theta(\mathbf{x}, \mathbf{z})\,d\mathbf{z}
# = \log \mathbb{E}_{q(\mathbf{z}|\mathbf{x})}\!\left[\frac{p_\theta(\mathbf{x}, \mathbf{z})}{q(\mathbf{z}|\mathbf{x})}\right]
# \;\ge\; \mathbb{E}_{q(\mathbf{z}|\mathbf{x})}\!\left[\log \frac{p_\theta(\mathbf{x}, \mathbf{z})}{q(\mathbf{z}|\mathbf{x})}\right]
# = \text{ELBO}(\mathbf{x}).
# $$
#
# The inequality is Jensen's: $\log$ is concave, so the log of an average is at least the
# average of the logs. Splitting $p_\theta(\mathbf{x}, \mathbf{z}) = p_\theta(\mathbf{x}|\mathbf{z})\,p(\mathbf{z})$
# gives the two terms the VAE optimises,
# $\text{ELBO} = \mathbb{E}_q[\log p_\theta(\mathbf{x}|\mathbf{z})] - D_{\mathrm{KL}}(q(\mathbf{z}|\mathbf{x}) \,\|\, p(\mathbf{z}))$.
#
# Jensen tells us the direction but not the size of the gap. Write instead
# $p_\theta(\mathbf{x}, \mathbf{z}) = p_\theta(\mathbf{z}|\mathbf{x})\,p_\theta(\mathbf{x})$:
#
# $$
# \text{ELBO} = \mathbb{E}_q\!\left[\log p_\theta(\mathbf{x}) + \log\frac{p_\theta(\mathbf{z}|\mathbf{x})}{q(\mathbf{z}|\mathbf{x})}\right]
# = \log p_\theta(\mathbf{x}) - D_{\mathrm{KL}}\big(q(\mathbf{z}|\mathbf{x}) \,\|\, p_\theta(\mathbf{z}|\mathbf{x})\big).
# $$
#
# The gap is exactly the KL from $q$ to the true posterior: zero if and only if $q$ *is* the
# posterior. For the linear model both sides are closed forms, so we can check the identity
# for encoders that are deliberately wrong: the posterior mean scaled by $a$, the posterior
# variance scaled by $c$.

# %%
show_source(linear_elbo)

# %%
def elbo_and_gap(mean_scale, var_scale):
    q_mean, q_var = mean_scale * post_mean, var_scale * post_var[0]
    elbo = linear_elbo(x, w, psi, b, q_mean, q_var)  # [2000]
    # D_KL(q || p_theta(z|x)) per point: [2000]
    kl_to_posterior = gaussian_kl_full(q_mean, np.diag(q_var), post_mean, post_var)
    return elbo, kl_to_posterior


for a, c in [(1.0, 1.0), (0.7, 1.0), (1.0, 3.0), (0.5, 0.2)]:
    elbo, gap = elbo_and_gap(a, c)
    residual = np.abs(log_px - elbo - gap).max()
    print(f"a = {a:3.1f}, c = {c:3.1f}: ELBO {elbo.mean():8.4f}  KL(q||p(z|x)) "
          f"{gap.mean():7.4f}  max |log p - ELBO - KL| {residual:.1e}")
    assert np.all(elbo <= log_px + 1e-12)  # Jensen: a lower bound, point by point
    assert np.allclose(elbo + gap, log_px, atol=1e-10)  # the identity, point by point
# Tight when q is the posterior:
assert np.allclose(elbo_and_gap(1.0, 1.0)[0], log_px, atol=1e-10)

# %% [markdown]
# The closed form of `linear_elbo` could share a mistake with the derivation, so we also
# estimate the ELBO the way the VAE does, by sampling $z \sim q$ through the package's own
# `VAE.loss` machinery (`linear_vae` builds a `VAE` whose decoder is the linear model and whose
# encoder is the posterior, scaled by $a$ and $c$; `negative_elbo` averages $-\log w$ over
# draws).

# %%
scales = np.linspace(0.2, 4.0, 20)
closed, monte_carlo = [], []
for c in scales:
    closed.append(elbo_and_gap(1.0, c)[0].mean())
    vae = linear_vae(w, psi, b, mean_scale=1.0, var_scale=float(c))
    monte_carlo.append(-negative_elbo(vae, x.astype(np.float32), 50, seed=0))
closed, monte_carlo = np.array(closed), np.array(monte_carlo)
assert np.allclose(closed, monte_carlo, atol=0.01)

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(scales, closed, "-", label="ELBO, closed form")
ax.plot(scales, monte_carlo, "o", ms=4, label="ELBO, Monte Carlo (50 draws/point)")
ax.axhline(log_px.mean(), color="k", linestyle="--", label="exact $\\log p(x)$")
ax.axvline(1.0, color="gray", linestyle=":", label="$q$ variance = posterior variance")
ax.set(xlabel="$c$: encoder variance / posterior variance", ylabel="nats per point",
       title="The ELBO touches $\\log p(x)$ only when $q = p(z|x)$")
ax.legend()
plt.show()

# %% [markdown]
# ## 2 · The Gaussian KL in closed form
#
# The VAE's KL term compares $q = \mathcal{N}(\mu, \sigma^2)$ with the prior
# $p = \mathcal{N}(0, 1)$, one latent dimension at a time (both are diagonal, so the KL of the
# vector is the sum over dimensions). Write out the two log-densities,
#
# $$
# \log q(z) = -\tfrac12\log(2\pi\sigma^2) - \frac{(z-\mu)^2}{2\sigma^2}, \qquad
# \log p(z) = -\tfrac12\log(2\pi) - \frac{z^2}{2},
# $$
#
# and take expectations under $q$, using $\mathbb{E}_q[(z-\mu)^2] = \sigma^2$ and
# $\mathbb{E}_q[z^2] = \mu^2 + \sigma^2$:
#
# $$
# D_{\mathrm{KL}}(q\,\|\,p) = \mathbb{E}_q[\log q(z) - \log p(z)]
# = -\tfrac12\log\sigma^2 - \tfrac12 + \tfrac12(\mu^2 + \sigma^2)
# = \tfrac12\left(\mu^2 + \sigma^2 - 1 - \log\sigma^2\right).
# $$
#
# (The source post writes its negative, with $\sigma^2$ inside the logarithm.) The package
# computes it per dimension from the log-variance:

# %%
show_source(gaussian_kl)

# %% [markdown]
# Three checks: against `torch.distributions`, against a Monte-Carlo average of
# $\log q(z) - \log p(z)$ with $z \sim q$, and the minimum, which must be zero at $\mu = 0$,
# $\sigma^2 = 1$.

# %%
show_source(mc_gaussian_kl)

# %%
mu = torch.tensor([[0.8, -1.5, 0.0]])
log_var = torch.tensor([[-1.0, 0.4, 0.0]])
closed_kl = gaussian_kl(mu, log_var)  # [1, 3]
reference = kl_divergence(Normal(mu, (log_var / 2).exp()), Normal(0.0, 1.0))
generator = torch.Generator().manual_seed(0)
noise = torch.randn(200_000, 1, 3, generator=generator)
mc = torch.stack([mc_gaussian_kl(mu[:, j:j + 1], log_var[:, j:j + 1],
                                 noise[..., j:j + 1]) for j in range(3)], -1)
print("closed form      ", closed_kl.numpy().round(4))
print("torch.distributions", reference.numpy().round(4))
print("Monte Carlo (2e5)", mc.numpy().round(4))
assert torch.allclose(closed_kl, reference, atol=1e-6)
assert torch.allclose(closed_kl, mc, atol=0.01)
assert closed_kl[0, 2] == 0

# %% [markdown]
# ## 3 · The importance-weighted bound
#
# Jensen's inequality lost information by pulling the $\log$ past one weight
# $w = p_\theta(\mathbf{x}, \mathbf{z})/q(\mathbf{z}|\mathbf{x})$. Averaging $K$ independent weights
# first loses less:
#
# $$
# \mathcal{L}_K(\mathbf{x}) = \mathbb{E}_{\mathbf{z}_1..\mathbf{z}_K \sim q}
# \left[\log \frac1K\sum_{k=1}^K w_k\right] \;\le\;
# \log \mathbb{E}\left[\frac1K \sum_k w_k\right] = \log p_\theta(\mathbf{x}),
# $$
#
# because each $w_k$ has mean $p_\theta(\mathbf{x})$. With $K=1$ it is the ELBO. Why does it grow with
# $K$? The average of $K$ weights equals the average, over all subsets $I$ of size $m < K$, of
# the subset averages; Jensen once more (now on the average over subsets) gives
# $\mathcal{L}_K \ge \mathbb{E}_I\,\mathbb{E}\left[\log\frac1m\sum_{k\in I} w_k\right] =
# \mathcal{L}_m$. And as $K\to\infty$ the average of the weights converges to $p_\theta(\mathbf{x})$,
# so $\mathcal{L}_K \to \log p_\theta(\mathbf{x})$: the log of a less noisy average is closer to the log
# of its mean.
#
# That last step needs a condition. The law of large numbers makes the average converge, but
# the *expected log* of the average converges to $\log p_\theta(\mathbf{x})$ only if the
# weights are well behaved; Burda et al. (2015, Theorem 1) assume they are **bounded**. For
# Gaussians this is a statement about tails. With the posterior $\mathcal{N}(m, S)$ and an
# encoder $q = \mathcal{N}(a\,m, c\,S)$,
#
# $$
# \log w(z) = \log p_\theta(\mathbf{x}) + \log \mathcal{N}(z \mid m, S)
# - \log \mathcal{N}(z \mid a\,m, c\,S)
# = \text{const} - \Big(1 - \frac1c\Big) \frac{z^2}{2S} + (\text{linear in } z),
# $$
#
# so the weights are bounded when $c > 1$ (the encoder is *wider* than the posterior, with
# heavier tails) and unbounded when $c < 1$, where rare draws far out get enormous weights.
# Our poor encoder has $c = 3$, so the theorem applies; the cell below checks the tails on a
# grid of $z$. We then check all three facts with $a = 0.5$, $c = 3$, using the package's
# `iwae_nll`.

# %%
def log_weight_grid(mean_scale, var_scale, z, i=0):
    """log w(z) - log p(x) for data point i, on a grid z, in closed form."""
    m, s = post_mean[i, 0], post_var[0, 0]
    q_m, q_v = mean_scale * m, var_scale * s
    log_post = -0.5 * (np.log(2 * np.pi * s) + (z - m) ** 2 / s)
    return log_post + 0.5 * (np.log(2 * np.pi * q_v) + (z - q_m) ** 2 / q_v)


z_far = np.linspace(-30, 30, 6001)
wide, narrow = log_weight_grid(0.5, 3.0, z_far), log_weight_grid(0.5, 0.5, z_far)
print(f"c = 3  : max log w - log p(x) = {wide.max():.3f}, "
      f"at the ends {wide[[0, -1]].round(1)}")
print(f"c = 0.5: max log w - log p(x) = {narrow.max():.1f} (at the edge of the grid)")
assert wide.max() < 1 and wide[[0, -1]].max() < wide.max() - 100  # bounded
assert narrow[[0, -1]].max() == narrow.max() > 100  # grows without bound in the tails

# %%
poor = linear_vae(w, psi, b, mean_scale=0.5, var_scale=3.0)
points = x[:300].astype(np.float32)
exact_nll = -log_px[:300].mean()
ks = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
repeats = 4  # average a few independent estimates per K to show the expectation
iwae = np.array([np.mean([iwae_nll(poor, points, k, seed=100 * r + k)
                          for r in range(repeats)]) for k in ks])
closed_neg_elbo = -linear_elbo(x[:300], w, psi, b, 0.5 * post_mean[:300],
                               3.0 * post_var[0]).mean()
print("K:             ", ks)
print("-L_K - exact:  ", np.array2string(iwae - exact_nll, precision=4))
print(f"closed-form -ELBO - exact: {closed_neg_elbo - exact_nll:.4f}")
assert abs(iwae[0] - closed_neg_elbo) < 0.02  # K = 1 is the ELBO
assert np.all(np.diff(iwae) < 0.003)  # tightens with K (up to Monte-Carlo noise)
assert np.all(iwae > exact_nll - 0.003)  # never below the exact NLL
# Most of the gap is closed by K = 1000:
assert iwae[-1] - exact_nll < 0.1 * (iwae[0] - exact_nll)

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(ks, iwae - exact_nll, "o-",
        label="$-\\mathcal{L}_K$ (iwae_nll) minus exact NLL")
ax.axhline(closed_neg_elbo - exact_nll, color="tab:red", linestyle=":",
           label="$-$ELBO, closed form ($K = 1$)")
ax.axhline(0, color="k", linestyle="--", label="exact $-\\log p(x)$")
ax.set(xscale="log", xlabel="number of importance samples $K$",
       ylabel="gap above exact NLL (nats/point)",
       title="IWAE bound on the linear model with a poor encoder")
ax.legend()
plt.show()

# %% [markdown]
# ## 4 · Why compute the KL in closed form?
#
# The KL term could also be estimated by Monte Carlo like the reconstruction term:
# $\log q(\mathbf{z}) - \log p(\mathbf{z})$ at the sampled $\mathbf{z}$. That estimate is unbiased
# and so is its gradient, but it is noisy, and the noise enters every training step. The closed
# form has the same expectation and *no* noise: its gradient is
# $\partial/\partial\mu = \mu$, $\partial/\partial\log\sigma^2 = \tfrac12(\sigma^2 - 1)$ exactly.

# %%
show_source(kl_gradient_samples)

# %%
q_mu, q_log_var = torch.tensor([0.8, -1.5]), torch.tensor([-1.0, 0.4])
rows = []
for num_mc in (1, 4, 16, 64):
    exact_grad, grads = kl_gradient_samples(q_mu, q_log_var, num_mc, num_repeats=4000,
                                            seed=num_mc)
    rows.append((num_mc, grads.mean(0), grads.var(0)))
print("exact gradient (mu_1, mu_2, log_var_1, log_var_2):", exact_grad.round(4))
for num_mc, mean, var in rows:
    print(f"num_mc = {num_mc:3d}: mean {mean.round(3)}  variance {var.round(4)}")
assert np.allclose(rows[0][1], exact_grad, atol=0.1)  # unbiased
variance_ratio = rows[0][2].sum() / rows[2][2].sum()
assert 10 < variance_ratio < 25  # ~16 = 16x the samples

fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog([r[0] for r in rows], [r[2].sum() for r in rows], "o-",
          label="Monte-Carlo KL estimate")
ax.loglog([1, 64], [rows[0][2].sum(), rows[0][2].sum() / 64], "k:",
          label="$\\propto$ 1/num_mc")
ax.set(xlabel="Monte-Carlo samples num_mc", ylabel="total gradient variance",
       title="KL gradient noise (closed form: exactly 0)")
ax.legend()
plt.show()

# %% [markdown]
# ## 5 · How many Monte-Carlo samples per step?
#
# The reconstruction term has no closed form for a neural decoder, so the VAE samples
# `num_mc` draws of $\mathbf{z}$ per point. More draws average away the noise that comes from
# $\mathbf{z}$, whose variance falls like $1/\text{num\_mc}$, but each step costs more. We
# measure both on a trained model (`converged_config`, about a second) and one fixed batch of
# 256 points: `elbo_gradient_noise` computes the full parameter gradient of the loss for 30
# independent noise draws and reports the summed variance and the time per gradient.

# %%
show_source(elbo_gradient_noise)

# %%
train_data, test_data = source_dataset(seed=0)
trained = run_model(converged_config(progress=False), train_data, test_data).model
batch = train_data[:256]
mc_values = [1, 2, 4, 8, 16, 32]
variances, seconds = zip(*(elbo_gradient_noise(trained, batch, n, num_repeats=30,
                                               seed=n) for n in mc_values))
variances, seconds = np.array(variances), np.array(seconds)
for n, v, s in zip(mc_values, variances, seconds):
    print(f"num_mc = {n:2d}: gradient variance {v:8.4f}, {1e3 * s:6.2f} ms/gradient")
assert variances[0] > 8 * variances[-1]  # more samples, less noise (ideal ratio: 32)
# ...at a price in time, which we print but do not assert: timings depend on the machine
# and on what else runs on it.

# %% [markdown]
# That is the noise from $\mathbf{z}$ on one fixed batch. During training the batch itself is
# random too, and that noise is untouched by `num_mc`. We measure it the same way: the gradient
# for 30 different random batches of 256, each with 32 draws of $\mathbf{z}$ (so what varies
# is mostly the data).

# %%
params = [p for p in trained.parameters()]
rng = np.random.default_rng(0)
generator = torch.Generator().manual_seed(0)
batch_grads = []
for _ in range(30):
    xb = torch.as_tensor(train_data[rng.choice(len(train_data), 256, replace=False)])
    noise = torch.randn([32, 256, 2], generator=generator)
    g = torch.autograd.grad(trained.loss(xb, noise).total, params)
    batch_grads.append(torch.cat([t.reshape(-1) for t in g]).double())
batch_variance = float(torch.stack(batch_grads).var(0).sum())
print(f"gradient variance across random batches (num_mc = 32): {batch_variance:.4f}")
print(f"gradient variance from z alone, num_mc = 1:             {variances[0]:.4f}")
assert batch_variance > variances[-1]

fig, axes = plt.subplots(1, 2, figsize=(12, 4))
axes[0].loglog(mc_values, variances, "o-", label="from $z$, fixed batch")
axes[0].loglog(mc_values, variances[0] / np.array(mc_values), "k:",
               label="$\\propto$ 1/num_mc")
axes[0].axhline(batch_variance, color="tab:red", linestyle="--",
                label="from the choice of batch (num_mc = 32)")
axes[0].set(xlabel="num_mc", ylabel="summed gradient variance",
            title="Gradient noise of the $-$ELBO (batches of 256)")
axes[0].legend(fontsize=8)
axes[1].plot(mc_values, 1e3 * seconds, "o-")
axes[1].set(xscale="log", xlabel="num_mc",
            ylabel="ms per forward + backward (fastest of 30)",
            title="Cost of one gradient")
plt.show()

# %% [markdown]
# On a fixed batch the noise from $\mathbf{z}$ falls like $1/\text{num\_mc}$, as expected for
# an average of independent draws. The cost, on the machine that ran this page, is printed
# above: on an idle machine it grows slowly at first (fixed per-step overheads dominate a
# network this small), then roughly linearly. Here a single draw of
# $\mathbf{z}$ is noisier than the choice of batch, so why do VAEs (the source post and
# `converged_config` included) use `num_mc = 1`? Think of the gradient as an average over $B$
# points with $T$ draws each. Per point, the data contribute a variance $\sigma^2_{\text{data}}$
# and the draws $\sigma^2_z/T$, so
#
# $$
# \mathrm{Var}[\hat g] \approx \frac{\sigma^2_{\text{data}} + \sigma^2_z / T}{B}
# = \frac{T\,\sigma^2_{\text{data}} + \sigma^2_z}{B T}.
# $$
#
# For a fixed budget of decoder evaluations $BT$, the variance is smallest at $T = 1$: spending
# the compute on more *points* reduces both kinds of noise, more *draws* only one. (Extra draws
# are a little cheaper than extra points, since the encoder runs once per point, but on a
# network this size that does not change the conclusion.)

# %% [markdown]
# ## Exercises
#
# **1. An over-confident encoder.** Keep the posterior mean ($a = 1$) but halve the variance
# ($c = 0.5$). Predict the ELBO gap $D_{\mathrm{KL}}(q \,\|\, p_\theta(z|\mathbf{x}))$; is
# it larger or smaller than for $c = 2$, the same factor in the other direction?

# %% tags=["hide-cell"]
# With equal means the KL of two 1-D Gaussians is 1/2 (c - 1 - log c): 0.097 nats for
# c = 0.5 and 0.153 for c = 2.  The same factor costs more when q is too wide.
for c in (0.5, 2.0):
    predicted = 0.5 * (c - 1 - np.log(c))
    gap_c = elbo_and_gap(1.0, c)[1].mean()
    print(f"c = {c}: gap {gap_c:.4f} nats (predicted {predicted:.4f})")
    assert np.isclose(gap_c, predicted, atol=1e-10)

# %% [markdown]
# **2. Many more Monte-Carlo samples for the KL.** In section 4, predict the total gradient
# variance of the Monte-Carlo KL with `num_mc = 256`, relative to `num_mc = 1`.

# %% tags=["hide-cell"]
# An average of 256 independent draws: 1/256 of the variance (up to the noise of
# estimating a variance from 4,000 repeats).
_, grads_256 = kl_gradient_samples(q_mu, q_log_var, 256, num_repeats=4000, seed=256)
ratio = rows[0][2].sum() / grads_256.var(0).sum()
print(f"variance ratio num_mc = 1 vs 256: {ratio:.0f} (predicted 256)")
assert 200 < ratio < 320

# %% [markdown]
# **3. The gradient budget.** Suppose (made-up numbers) $\sigma^2_{\text{data}} = 1$ and
# $\sigma^2_z = 4$ per point. With 256 decoder evaluations per step, compare $B = 256, T = 1$
# with $B = 64, T = 4$ using the formula of section 5.

# %% tags=["hide-cell"]
# (T sigma_data^2 + sigma_z^2) / (B T): (1 + 4) / 256 ~ 0.0195 against (4 + 4) / 256 =
# 0.03125.  More points per step win, as the formula says for any positive sigma_data^2.
def gradient_variance(b, t, var_data=1.0, var_z=4.0):
    return (t * var_data + var_z) / (b * t)


print(f"B=256, T=1: {gradient_variance(256, 1):.4f};  "
      f"B=64, T=4: {gradient_variance(64, 4):.4f}")
assert gradient_variance(256, 1) < gradient_variance(64, 4)

# %% [markdown]
# ## Summary
#
# - $\log p_\theta(\mathbf{x}) \ge \text{ELBO}$ by Jensen, and exactly
#   $\log p_\theta(\mathbf{x}) = \text{ELBO} + D_{\mathrm{KL}}(q \,\|\, p_\theta(\mathbf{z}|\mathbf{x}))$: checked
#   point by point on the linear-Gaussian model, in closed form and by Monte Carlo.
# - $D_{\mathrm{KL}}(\mathcal{N}(\mu,\sigma^2) \,\|\, \mathcal{N}(0,1)) =
#   \tfrac12(\mu^2 + \sigma^2 - 1 - \log\sigma^2)$ per dimension: matches `torch.distributions`
#   and a Monte-Carlo average.
# - The IWAE bound $\mathcal{L}_K$ starts at the ELBO, increases with $K$ and, when the
#   weights are bounded (an encoder wider than the posterior, here), approaches
#   $\log p_\theta(\mathbf{x})$: checked with `iwae_nll` against the exact likelihood.
# - The closed-form KL has zero gradient noise; a Monte-Carlo KL's falls like $1/\text{num\_mc}$.
# - More Monte-Carlo samples per step buy less $\mathbf{z}$-noise at a growing cost; for a fixed
#   budget, more data points per step reduce the gradient noise more.
#
# This is the last notebook; back to the start with **01 · Data**, or to **07 · Evaluation** for
# the measurements these derivations explain.
