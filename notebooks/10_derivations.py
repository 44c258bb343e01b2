# %% [markdown]
# # 10 · Derivations, checked numerically
#
# Notebooks 04 to 06 and 09 used three results without proof: the ELBO is a lower bound
# whose gap is a KL divergence, the Gaussian KL has a closed form, and the
# importance-weighted bound closes that gap as $K$ grows. Here we derive each and
# check it on a model whose answers are all known exactly. It needs the loss of 04 and the
# measurements of [09 · Evaluation](09_evaluation.ipynb). The picture shows the last
# result, and how fast it happens.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/10_derivations.ipynb)

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
# The picture: the IWAE gap over K on the linear model, for encoders N(a m, c S) of the
# posterior N(m, S) with a = 0.5 and four widths c (section 3 explains it).
import matplotlib.pyplot as plt
import numpy as np

from vae_tutorial import SOURCE_COV, SOURCE_MU, sample_gaussian
from vae_tutorial.analysis import (
    linear_iwae_gap,
    linear_optimum,
    linear_posterior,
    linear_weight_variance,
)

opt = linear_optimum(SOURCE_COV)
x = sample_gaussian(SOURCE_MU, SOURCE_COV, 2000, seed=1).astype(np.float64)  # [2000, 2]
post_mean, post_var = linear_posterior(x, opt.w, opt.psi, np.array(SOURCE_MU))
ks = np.array([1, 5, 10, 50, 100, 500, 1000, 5000, 10_000])
widths = (0.3, 0.5, 1.0, 3.0)
sweep = {c: linear_iwae_gap(post_mean[:500], post_var, 0.5, c, ks, seed=0)
         for c in widths}  # [len(ks)] per width, nats, 500 points
var_w = {c: linear_weight_variance(post_mean[:500], post_var, 0.5, c).mean()
         for c in widths}  # Var(w) / p(x)^2, averaged over the points

fig, ax = plt.subplots(figsize=(9, 3.2))
for c, marker in zip(widths, "ovsD"):
    ax.loglog(ks, sweep[c], marker + "-", ms=4, label=f"$c = {c}$")
ax.loglog(ks, var_w[3.0] / (2 * ks), "k:", label=r"$\mathrm{Var}(w)/(2Kp^2)$, $c = 3$")
ax.set(xlabel="number of importance samples $K$",
       ylabel=r"$\log p(x) - \mathcal{L}_K$ (nats)",
       title="The IWAE gap closes for every width $c$; averaged over $x$, like $1/K$ "
             "only for $c = 3$")
ax.legend(fontsize=8, ncol=2, title="$a = 0.5$; $c$ = encoder / posterior variance",
          title_fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - the ELBO from Jensen's inequality, and the exact identity $\log p_\theta(\mathbf{x}) =
#   \text{ELBO} + D_{\mathrm{KL}}(q \,\|\, p_\theta(\mathbf{z}|\mathbf{x}))$;
# - the closed-form KL between a diagonal Gaussian and $\mathcal{N}(0, I)$;
# - why the IWAE bound tightens with $K$, when it reaches $\log p_\theta(\mathbf{x})$, and
#   what sets the speed;
# - three unbiased ELBO gradients, and which is the least noisy;
# - how `num_mc` trades gradient noise against time.

# %%
import torch
from scipy import stats
from torch.distributions import Normal, kl_divergence

from vae_tutorial import (
    converged_config,
    gaussian_kl,
    iwae_nll,
    run_model,
    show_source,
    source_dataset,
)
from vae_tutorial.analysis import (
    elbo_gradient_noise,
    elbo_gradients,
    gaussian_kl_full,
    kl_gradient_samples,
    linear_elbo,
    linear_log_marginal,
    linear_vae,
    mc_gaussian_kl,
    negative_elbo,
)

# %% [markdown]
# ## A model with known answers
#
# Take one latent $z \sim \mathcal{N}(0, 1)$ and a linear decoder
# $p_\theta(\mathbf{x}|z) = \mathcal{N}(\mathbf{w}z + \mathbf{b}, \Psi)$, $\Psi$ diagonal.
# Everything is Gaussian, so known in closed form: the marginal
# $p_\theta(\mathbf{x}) = \mathcal{N}(\mathbf{b}, \mathbf{w}\mathbf{w}^\top + \Psi)$ and the
# posterior $p_\theta(z|\mathbf{x}) = \mathcal{N}(m(\mathbf{x}), S)$ with
# $S = (1 + \mathbf{w}^\top\Psi^{-1}\mathbf{w})^{-1}$ and
# $m(\mathbf{x}) = S\,\mathbf{w}^\top\Psi^{-1}(\mathbf{x} - \mathbf{b})$. We use the
# lowest-rate exact fit of the source data (notebook 09) and 2,000 points.

# %%
w, psi, b = opt.w, opt.psi, np.array(SOURCE_MU)
log_px = linear_log_marginal(x, w, psi, b)  # [2000], exact
print("w =", w.round(3), " psi =", psi, f" S = {post_var[0, 0]:.4f}",
      f" mean log p(x) = {log_px.mean():.4f}")

# %% [markdown]
# ## 1 · The ELBO from $\log p_\theta(\mathbf{x})$
#
# For any density $q(\mathbf{z}|\mathbf{x})$ that is positive wherever
# $p_\theta(\mathbf{x}, \mathbf{z})$ is, multiply and divide inside the integral:
#
# $$
# \begin{aligned}
# \log p_\theta(\mathbf{x}) &= \log \int p_\theta(\mathbf{x}, \mathbf{z})\,d\mathbf{z}
# = \log \mathbb{E}_{q(\mathbf{z}|\mathbf{x})}\!\left[
#   \frac{p_\theta(\mathbf{x}, \mathbf{z})}{q(\mathbf{z}|\mathbf{x})}\right] \\
# &\ge \mathbb{E}_{q(\mathbf{z}|\mathbf{x})}\!\left[\log
#   \frac{p_\theta(\mathbf{x}, \mathbf{z})}{q(\mathbf{z}|\mathbf{x})}\right]
# = \text{ELBO}(\mathbf{x}).
# \end{aligned}
# $$
#
# The inequality is Jensen's: $\log$ is concave, so the log of an average is at least the
# average of the logs. Splitting $p_\theta(\mathbf{x}, \mathbf{z}) =
# p_\theta(\mathbf{x}|\mathbf{z})\,p(\mathbf{z})$ gives the two terms the VAE optimises,
# $\text{ELBO} = \mathbb{E}_q[\log p_\theta(\mathbf{x}|\mathbf{z})] -
# D_{\mathrm{KL}}(q(\mathbf{z}|\mathbf{x}) \,\|\, p(\mathbf{z}))$.
#
# Jensen gives the direction but not the size of the gap. Write instead
# $p_\theta(\mathbf{x}, \mathbf{z}) = p_\theta(\mathbf{z}|\mathbf{x})\,p_\theta(\mathbf{x})$:
#
# $$
# \begin{aligned}
# \text{ELBO} &= \mathbb{E}_q\!\left[\log p_\theta(\mathbf{x})
#   + \log\frac{p_\theta(\mathbf{z}|\mathbf{x})}{q(\mathbf{z}|\mathbf{x})}\right] \\
# &= \log p_\theta(\mathbf{x})
#   - D_{\mathrm{KL}}\big(q(\mathbf{z}|\mathbf{x}) \,\|\, p_\theta(\mathbf{z}|\mathbf{x})\big).
# \end{aligned}
# $$
#
# The gap is exactly the KL from $q$ to the true posterior: zero if and only if $q$ *is* the
# posterior. For the linear model both sides are closed forms, so we check the identity for
# encoders that are deliberately wrong: the posterior mean scaled by $a$, the posterior
# variance by $c$.

# %%
show_source(linear_elbo)

# %%
def elbo_and_gap(mean_scale, var_scale):
    q_mean, q_var = mean_scale * post_mean, var_scale * post_var[0]
    elbo = linear_elbo(x, w, psi, b, q_mean, q_var)  # [2000]
    # D_KL(q || p_theta(z|x)) per point: [2000]
    kl_to_posterior = gaussian_kl_full(q_mean, np.diag(q_var), post_mean, post_var)
    return elbo, kl_to_posterior


identity = {}
for a, c in [(1.0, 1.0), (0.7, 1.0), (1.0, 3.0), (0.5, 0.2)]:
    identity[a, c] = elbo, gap = elbo_and_gap(a, c)
    print(f"a = {a:3.1f}, c = {c:3.1f}: ELBO {elbo.mean():8.4f}  KL(q||p(z|x)) "
          f"{gap.mean():7.4f}  max |log p - ELBO - KL| "
          f"{np.abs(log_px - elbo - gap).max():.1e}")
    assert np.allclose(elbo + gap, log_px, atol=1e-10)  # the identity, point by point

# %% [markdown]
# The closed form could share a mistake with the derivation, so we also estimate the ELBO
# as the VAE does, sampling $z \sim q$ (`linear_vae` builds that `VAE`).

# %%
scales = np.linspace(0.2, 4.0, 20)
closed, monte_carlo = [], []
for c in scales:
    closed.append(elbo_and_gap(1.0, c)[0].mean())
    vae = linear_vae(w, psi, b, mean_scale=1.0, var_scale=float(c))
    monte_carlo.append(-negative_elbo(vae, x.astype(np.float32), 50, seed=0))
closed, monte_carlo = np.array(closed), np.array(monte_carlo)
print(f"largest |closed form - Monte Carlo| over the 20 widths: "
      f"{np.abs(closed - monte_carlo).max():.4f} nats")

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
# $p = \mathcal{N}(0, 1)$, one latent dimension at a time (both are diagonal, so the KL of
# the vector is the sum over dimensions). Write out the two log-densities,
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
# \begin{aligned}
# D_{\mathrm{KL}}(q\,\|\,p) &= \mathbb{E}_q[\log q(z) - \log p(z)]
# = -\tfrac12\log\sigma^2 - \tfrac12 + \tfrac12(\mu^2 + \sigma^2) \\
# &= \tfrac12\left(\mu^2 + \sigma^2 - 1 - \log\sigma^2\right).
# \end{aligned}
# $$
#
# The package computes it from the log-variance:

# %%
show_source(gaussian_kl)

# %% [markdown]
# We check it against `torch.distributions` and against a Monte-Carlo average of
# $\log q(z) - \log p(z)$ with $z \sim q$ (`mc_gaussian_kl`). The
# third dimension is the prior itself, where the KL is zero.

# %%
mu = torch.tensor([[0.8, -1.5, 0.0]])
log_var = torch.tensor([[-1.0, 0.4, 0.0]])
closed_kl = gaussian_kl(mu, log_var)  # [1, 3]
reference = kl_divergence(Normal(mu, (log_var / 2).exp()), Normal(0.0, 1.0))
generator = torch.Generator().manual_seed(0)
noise = torch.randn(200_000, 1, 3, generator=generator)
mc = torch.stack([mc_gaussian_kl(mu[:, j:j + 1], log_var[:, j:j + 1],
                                 noise[..., j:j + 1]) for j in range(3)], -1)
print("closed form        ", closed_kl.numpy().round(4))
print("torch.distributions", reference.numpy().round(4))
print("Monte Carlo (2e5)  ", mc.numpy().round(4))
assert torch.allclose(closed_kl, reference, atol=1e-6)

# %% [markdown]
# ## 3 · The importance-weighted bound
#
# Jensen lost information by pulling the $\log$ past one weight
# $w = p_\theta(\mathbf{x}, \mathbf{z})/q(\mathbf{z}|\mathbf{x})$. Averaging $K$ independent
# weights first loses less:
#
# $$
# \begin{aligned}
# \mathcal{L}_K(\mathbf{x}) &= \mathbb{E}_{\mathbf{z}_1..\mathbf{z}_K \sim q}
# \left[\log \frac1K\sum_{k=1}^K w_k\right] \\
# &\le \log \mathbb{E}\left[\frac1K \sum_k w_k\right] = \log p_\theta(\mathbf{x}),
# \end{aligned}
# $$
#
# because each $w_k$ has mean $p_\theta(\mathbf{x})$. With $K = 1$ it is the ELBO. Why does
# it grow with $K$ (Burda et al., 2015)? For $m < K$, the average of $K$ weights is the
# average of the $\binom{K}{m}$ averages over subsets $I$ of size $m$, since each weight sits
# in the same share $m/K$ of the subsets:
#
# $$
# \begin{aligned}
# \frac1K\sum_{k=1}^K w_k &= \binom{K}{m}^{-1} \sum_{|I| = m} \frac1m \sum_{k \in I} w_k
# \quad\Rightarrow \\
# \mathcal{L}_K &\ge \binom{K}{m}^{-1} \sum_{|I| = m}
# \mathbb{E}\left[\log \frac1m \sum_{k \in I} w_k\right] = \mathcal{L}_m,
# \end{aligned}
# $$
#
# by Jensen once more, on the average over subsets.
#
# ### When does it reach $\log p_\theta(\mathbf{x})$, and how fast?
#
# The law of large numbers makes the average of the weights converge to
# $p_\theta(\mathbf{x})$, and $\mathcal{L}_K \to \log p_\theta(\mathbf{x})$ whenever
# $\mathbb{E}_q|\log w| < \infty$ (a finite ELBO); bounded weights, as Burda et al.
# (2015, Theorem 1) assume, are not needed.
#
# What the encoder controls is the **speed**. Expanding the log around $p_\theta(\mathbf{x})$
# gives, for large $K$ and when the variance is finite,
#
# $$
# \log p_\theta(\mathbf{x}) - \mathcal{L}_K \approx
# \frac{\mathrm{Var}_q[w]}{2K\,p_\theta(\mathbf{x})^2} = O(1/K).
# $$
#
# For the posterior $\mathcal{N}(m, S)$ and an encoder $q = \mathcal{N}(a\,m, c\,S)$ the
# variance has a closed form per point (`linear_weight_variance`, derived below), finite
# only for $c > \tfrac12$.
#
# <details><summary><b>Proof details</b></summary>
#
# *Convergence.* The log of the average $\bar w$ lies between the average of the logs
# (Jensen) and $\log p_\theta(\mathbf{x}) + \bar w/p_\theta(\mathbf{x}) - 1$ (as $\log t
# \le t - 1$). Both bounds are averages of $K$ i.i.d. integrable terms, hence uniformly
# integrable, and so is $\log \bar w$ between them. Build every $\bar w$ from one i.i.d.
# sequence ($\mathcal{L}_K$ depends only on its law): then $\log \bar w \to \log
# p_\theta(\mathbf{x})$ almost surely, and its expectation converges too.
#
# *The weight variance.* $w / p_\theta(\mathbf{x}) = p_\theta(z|\mathbf{x}) /
# q(z|\mathbf{x})$, so
#
# $$
# \frac{\mathbb{E}_q[w^2]}{p_\theta(\mathbf{x})^2}
# = \int \frac{\mathcal{N}(z; m, S)^2}{\mathcal{N}(z; a m, c S)}\, dz .
# $$
#
# The exponent of the integrand is quadratic in $z$ with leading coefficient
# $-(2c - 1)/(2cS)$: integrable only for $c > \tfrac12$. Completing the square, and
# subtracting $(\mathbb{E}_q[w] / p_\theta(\mathbf{x}))^2 = 1$,
#
# $$
# \frac{\mathrm{Var}_q[w]}{p_\theta(\mathbf{x})^2} = \frac{c}{\sqrt{2c - 1}}
# \exp\!\left(\frac{(1 - a)^2\, m^2}{(2c - 1)\, S}\right) - 1 .
# $$
#
# </details>
#
# A narrower encoder ($c \le \frac12$) still converges, but more slowly than $1/K$: rare draws
# in the posterior's tails, where $q$ has almost no mass, carry huge weights. The picture at
# the top is this sweep, with $a = 0.5$ on 500 of the points: `linear_iwae_gap` draws
# $10^4$ values of $z$ per point and splits them into blocks of $K$.

# %%
show_source(linear_iwae_gap)

# %%
# `sweep` and `var_w` come from the picture cell at the top: linear_iwae_gap and
# linear_weight_variance for a = 0.5 and each width c.
shown = [0, 2, 4, 6, 8]  # K = 1, 10, 100, 1000, 10000
print("log p(x) - L_K, nats  | K = " + "".join(f"{k:>9,}" for k in ks[shown]))
for c in widths:
    print(f"c = {c:3}: Monte Carlo  |     "
          + "".join(f"{g:9.4f}" for g in sweep[c][shown]))
    if np.isfinite(var_w[c]):
        print("   Var(w)/(2K p^2)    |     "
              + "".join(f"{var_w[c] / (2 * k):9.4f}" for k in ks[shown]))
per_point = linear_weight_variance(post_mean[:500], post_var, 0.5, 1.0)  # [500]
top5 = np.sort(per_point)[-5:].sum() / per_point.sum()
print(f"c = 1, Var(w)/p^2 per point: median {np.median(per_point):.2f}, mean "
      f"{per_point.mean():.2f}; the largest five: {top5:.0%} of the sum")
print("c = 1, gap at K / gap at 10K:", (sweep[1.0][:7:2] / sweep[1.0][2::2]).round(1))

# %% [markdown]
# For $c = 3$ the gap follows $\mathrm{Var}(w)/(2Kp^2)$ from $K \approx 10$ on. For
# $c = 1$ each point's gap ends up like $1/K$, but not the average: with $m \sim
# \mathcal{N}(0, 1 - S)$ over the data, the mean of $\mathrm{Var}(w)/p^2$ is finite only if
# $4(1 - a)^2 < 2c - 1$ (at $S = \tfrac13$); $a = 0.5$, $c = 1$ sits on the edge, where it
# diverges. Here five points far from the mean carry most of it (printed above), and the
# averaged gap falls slower than $1/K$ at every $K$ shown. For $c = 0.5$ and $0.3$ the
# variance is infinite, yet the gap still falls: from a third of a nat to a few thousandths at
# $c = 0.5$, from half a nat to a few hundredths at $c = 0.3$, still falling at $K = 10^4$.
#
# Which case is typical? Training minimises the *exclusive* KL, $D_{\mathrm{KL}}(q \,\|\,
# p_\theta(z|\mathbf{x}))$, which punishes $q$ for mass where the posterior has little;
# such encoders are usually **narrower** than the posterior (Bishop, *PRML*, section
# 10.1.2), so $c = 3$ is atypical. $c = 1$ with $a \ne 1$ sits between: $\log w$ is linear
# in $z$, so the weights are unbounded, yet each point's variance is finite.
# The tails, on a wide grid of $z$ for one point:

# %%
z_far = np.linspace(-30, 30, 6001)
m0, s0 = post_mean[0, 0], post_var[0, 0]
tails = {}
for c in (3.0, 1.0, 0.5):  # log w(z) - log p(x) = log p(z|x) - log q(z|x), exactly
    tails[c] = (stats.norm.logpdf(z_far, m0, np.sqrt(s0))
                - stats.norm.logpdf(z_far, 0.5 * m0, np.sqrt(c * s0)))
    print(f"a = 0.5, c = {c}: largest log w - log p(x) on z in [-30, 30] = "
          f"{tails[c].max():7.2f}, at z = {z_far[tails[c].argmax()]:+.1f}")

# %% [markdown]
# Bounded for $c = 3$; growing linearly ($c = 1$) or quadratically ($c = 0.5$)
# towards the edge of the grid. Last, `iwae_nll` on the linear VAE ($a = 0.5$, $c = 3$)
# agrees with the sweep within its Monte-Carlo error:

# %%
poor = linear_vae(w, psi, b, mean_scale=0.5, var_scale=3.0)
points = x[:500].astype(np.float32)
exact_nll = -log_px[:500].mean()
iwae = {}  # K -> (mean of the estimates minus the exact NLL, its standard error)
for k in ks[shown[:4]]:
    repeats = 16 if k < 1000 else 4  # independent estimates, averaged
    runs = [iwae_nll(poor, points, int(k), seed=100 * r + int(k))
            for r in range(repeats)]
    iwae[k] = (np.mean(runs) - exact_nll, np.std(runs, ddof=1) / np.sqrt(repeats))
    print(f"K = {k:4d}: iwae_nll - exact NLL {iwae[k][0]:7.4f} +- {iwae[k][1]:.4f};  "
          f"linear_iwae_gap {sweep[3.0][list(ks).index(k)]:.4f}")

# %% [markdown]
# ## 4 · Three gradients of the same ELBO
#
# Three unbiased estimators of the ELBO's gradient from a draw of $\mathbf{z}$:
#
# - **closed-form KL**, the training loss of notebook 04;
# - **full Monte Carlo**: $-\log w$ at the draw, the KL estimated too;
# - **sticking the landing** (STL, Roeder, Wu & Duvenaud, 2017): $-\log w$ with the
#   gradient stopped through the encoder's outputs inside $\log q_\phi(\mathbf{z}|\mathbf{x})$.
#
# STL drops the *score* $\nabla_\phi \log q_\phi(\mathbf{z}|\mathbf{x})$ at fixed
# $\mathbf{z}$, whose expectation is zero. What is left is $\nabla_\mathbf{z} \log w \cdot
# \partial\mathbf{z}/\partial\phi$; when $q$ is the posterior, $\log w = \log
# p_\theta(\mathbf{x})$ for every $\mathbf{z}$, and the encoder's gradient is zero. We
# compare the three on a converged model (`converged_config`) and one batch of 256 points,
# 30 draws each.

# %%
show_source(elbo_gradients)

# %%
train_data, test_data = source_dataset(seed=0)
trained = run_model(converged_config(progress=False), train_data, test_data).model
batch = train_data[:256]
num_encoder = sum(p.numel() for p in trained.encoder.parameters())
noise_of = {}
print(f"{'summed gradient variance':>26} | {'encoder':>8} | {'decoder':>8} | total")
for name in ("closed_kl", "mc_log_w", "stl"):
    var = elbo_gradients(trained, batch, name, num_repeats=30, seed=0).var(0, ddof=1)
    noise_of[name] = (var[:num_encoder].sum(), var[num_encoder:].sum(), var.sum())
    print(f"{name:>26} | {noise_of[name][0]:8.4f} | {noise_of[name][1]:8.4f} | "
          f"{noise_of[name][2]:.4f}")

# %% [markdown]
# The decoder's gradient is the same in all three (only $\log p_\theta(\mathbf{x}|\mathbf{z})$
# depends on the decoder). For the encoder, estimating the KL by Monte Carlo roughly triples
# the noise of the closed form, and STL cuts it by about two orders of magnitude: this
# encoder is close to its posterior.
#
# ## 5 · How many Monte-Carlo samples per step?
#
# The VAE samples `num_mc` draws of $\mathbf{z}$ per point: more draws average away their
# noise, but each step costs more. `elbo_gradient_noise` measures both on
# one model and batch: the summed variance over 30 noise draws, and the time per gradient.

# %%
show_source(elbo_gradient_noise)

# %%
mc_values = [1, 2, 4, 8, 16, 32]
variances, seconds = zip(*(elbo_gradient_noise(trained, batch, n, num_repeats=30,
                                               seed=n) for n in mc_values))
variances, seconds = np.array(variances), np.array(seconds)
for n, v, s in zip(mc_values, variances, seconds):
    print(f"num_mc = {n:2d}: gradient variance {v:8.4f}, {1e3 * s:6.2f} ms/gradient")

# %% [markdown]
# During training the batch itself is random too, and `num_mc` does not touch that noise.
# We measure it the same way: 30 random batches of 256, each with 32 draws of
# $\mathbf{z}$ (so what varies is mostly the data).

# %%
params = list(trained.parameters())
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
# On a fixed batch the noise from $\mathbf{z}$ falls roughly like $1/\text{num\_mc}$, as
# expected for an average of independent draws; the cost (printed above, on this
# machine) grows slowly at first, as fixed overheads dominate a network this small. Here one draw of
# $\mathbf{z}$ is noisier than the choice of batch, so why do VAEs use `num_mc = 1`? Take
# the gradient as an average over $B$ points with $T$ draws each: per point, the data
# contribute a variance $\sigma^2_{\text{data}}$ and the draws $\sigma^2_z/T$, so
#
# $$
# \mathrm{Var}[\hat g] \approx \frac{\sigma^2_{\text{data}} + \sigma^2_z / T}{B}
# = \frac{T\,\sigma^2_{\text{data}} + \sigma^2_z}{B T}.
# $$
#
# For a fixed budget of decoder evaluations $BT$, the variance is smallest at $T = 1$:
# spending the compute on more *points* reduces both kinds of noise, more *draws* only one
# (extra draws are a little cheaper: the encoder runs once per point).

# %% [markdown]
# ## Exercises
#
# **1. An over-confident encoder.** Keep the posterior mean ($a = 1$) but halve the variance
# ($c = 0.5$). Predict the ELBO gap $D_{\mathrm{KL}}(q \,\|\, p_\theta(z|\mathbf{x}))$; is
# it larger or smaller than for $c = 2$, the same factor in the other direction?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# With equal means the KL of two 1-D Gaussians is 1/2 (c - 1 - log c): 0.097 nats for
# c = 0.5 and 0.153 for c = 2.  The same factor costs more when q is too wide.
for c in (0.5, 2.0):
    predicted = 0.5 * (c - 1 - np.log(c))
    gap_c = elbo_and_gap(1.0, c)[1].mean()
    print(f"c = {c}: gap {gap_c:.4f} nats (predicted {predicted:.4f})")
    assert np.isclose(gap_c, predicted, atol=1e-10)

# %% [markdown]
# **2. The KL term alone.** Its closed-form gradient, $\partial/\partial\mu = \mu$ and
# $\partial/\partial\log\sigma^2 = \frac12(\sigma^2 - 1)$, has no noise. Its Monte-Carlo
# estimate is unbiased too. Predict how the variance of that estimate's gradient changes
# from `num_mc = 1` to 16 and to 256 (`kl_gradient_samples`, 4,000 repeats).

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# An average of n independent draws: 1/n of the variance (up to the noise of
# estimating a variance from 4,000 repeats); the mean stays at the exact gradient.
q_mu, q_log_var = torch.tensor([0.8, -1.5]), torch.tensor([-1.0, 0.4])
exact_grad, grads_1 = kl_gradient_samples(q_mu, q_log_var, 1, num_repeats=4000, seed=1)
ratios = {}
for n in (16, 256):
    _, grads_n = kl_gradient_samples(q_mu, q_log_var, n, num_repeats=4000, seed=n)
    ratios[n] = grads_1.var(0).sum() / grads_n.var(0).sum()
print("exact gradient (mu_1, mu_2, log_var_1, log_var_2):", exact_grad.round(4))
print("Monte-Carlo mean, num_mc = 1:                      ", grads_1.mean(0).round(4))
print(f"variance ratio num_mc = 1 vs 16: {ratios[16]:.1f}, vs 256: {ratios[256]:.0f}")
assert exact_grad.shape == (4,)  # the measured ratios: checked at the end

# %% [markdown]
# **3. The gradient budget.** Suppose (made-up numbers) $\sigma^2_{\text{data}} = 1$ and
# $\sigma^2_z = 4$ per point. With 256 decoder evaluations per step, compare $B = 256, T = 1$
# with $B = 64, T = 4$ using the formula of section 5.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
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
# - $\log p_\theta(\mathbf{x}) = \text{ELBO} + D_{\mathrm{KL}}(q \,\|\,
#   p_\theta(\mathbf{z}|\mathbf{x}))$, checked in closed form and by Monte Carlo.
# - $D_{\mathrm{KL}}(\mathcal{N}(\mu,\sigma^2) \,\|\, \mathcal{N}(0,1)) =
#   \tfrac12(\mu^2 + \sigma^2 - 1 - \log\sigma^2)$ per dimension.
# - $\mathcal{L}_K$ grows from the ELBO to $\log p_\theta(\mathbf{x})$ whenever
#   $\mathbb{E}_q|\log w|$ is finite; per point like $\mathrm{Var}(w)/(2Kp^2)$ when
#   $c > \frac12$, slower when $c \le \frac12$ (variance under half the posterior's).
# - At a converged model, sticking the landing has by far the least encoder noise.
# - For a fixed budget, more points per step reduce the gradient noise more than more
#   Monte-Carlo draws.
#
# **Next:** [11 · Digits](11_digits.ipynb), the same VAE on real images with an honest
# likelihood.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings (and the rules behind them).
from vae_tutorial import own_settings

if own_settings(seed=0):
    # 1 · The ELBO: Jensen point by point, tight at the posterior, the Monte-Carlo ELBO
    for elbo, _ in identity.values():
        assert np.all(elbo <= log_px + 1e-12)  # a lower bound, point by point
    assert np.allclose(identity[1.0, 1.0][0], log_px, atol=1e-10)  # tight at q = p(z|x)
    assert np.allclose(closed, monte_carlo, atol=0.01)
    # 2 · The Gaussian KL: Monte Carlo, and zero at the prior
    assert torch.allclose(closed_kl, mc, atol=0.01)
    assert closed_kl[0, 2] == 0
    # 3 · The sweep: K = 1 is the KL to the posterior; c = 3 follows Var(w) / (2K p^2)
    for c in widths:
        q_mean, q_var = 0.5 * post_mean[:500], c * post_var[0]
        kl_c = gaussian_kl_full(q_mean, np.diag(q_var), post_mean[:500], post_var)
        kl_c = kl_c.mean()
        assert abs(sweep[c][0] - kl_c) < 0.02, c
        assert np.all(np.diff(sweep[c]) < 0), c  # still falling at every K
    # from K = 10 on
    assert np.allclose(sweep[3.0][2:8], var_w[3.0] / (2 * ks[2:8]), rtol=0.2)
    assert np.isinf(var_w[0.5]) and np.isinf(var_w[0.3]) and np.isfinite(var_w[1.0])
    # a = c = 0.5, K = 1 ... 10^4: 0.3335 / 0.1282 / 0.0432 / 0.0151 / 0.0037 (seed 0)
    assert 0.3 < sweep[0.5][0] < 0.37 and sweep[0.5][-1] < 0.01
    # "a few hundredths"
    assert 0.45 < sweep[0.3][0] < 0.55 and 0.01 < sweep[0.3][-1] < 0.05
    # narrow encoders are slower than 1/K: ten times K cuts the gap by far less than 10
    assert sweep[0.3][6] / sweep[0.3][8] < 5 and sweep[3.0][6] / sweep[3.0][8] > 7
    # c = 1: "a few far from the mean carry most of it", "slower than 1/K at every K"
    assert np.median(per_point) < 0.1 * per_point.mean() and top5 > 0.5
    for c in (0.3, 0.5, 1.0):  # the title: only c = 3 falls like 1/K (above)
        assert np.all(sweep[c][:7:2] / sweep[c][2::2] < 8.5), c
    assert 4 * (1 - 0.5) ** 2 == 2 * 1.0 - 1  # a = 0.5, c = 1: on the edge
    # the tails: bounded at c = 3, growing at c = 1 (linearly), c = 0.5 (quadratically)
    assert tails[3.0].max() < 1 and tails[3.0][[0, -1]].max() < tails[3.0].max() - 100
    assert tails[1.0][[0, -1]].max() == tails[1.0].max() > 10
    assert tails[0.5][[0, -1]].max() == tails[0.5].max() > 100
    # iwae_nll: K = 1 is the closed-form -ELBO, tightens with K, never below the exact,
    # agrees with the sweep
    closed_neg_elbo = -linear_elbo(x[:500], w, psi, b, 0.5 * post_mean[:500],
                                   3.0 * post_var[0]).mean()
    assert abs(iwae[1][0] - (closed_neg_elbo - exact_nll)) < 4 * iwae[1][1]
    gaps_k = np.array([iwae[k][0] for k in iwae])
    assert np.all(np.diff(gaps_k) < 0) and np.all(gaps_k > -0.003)
    assert gaps_k[-1] < 0.1 * gaps_k[0]
    for k, (gap_k, stderr) in iwae.items():
        assert abs(gap_k - sweep[3.0][list(ks).index(k)]) < 4 * stderr + 1e-3, k
    # 4 · Three gradients: same decoder noise; STL quietest, full Monte Carlo noisiest
    assert np.isclose(noise_of["stl"][1], noise_of["closed_kl"][1], rtol=1e-6)
    assert np.isclose(noise_of["mc_log_w"][1], noise_of["closed_kl"][1], rtol=1e-6)
    # "two orders of magnitude", "roughly triples"
    assert noise_of["stl"][0] < noise_of["closed_kl"][0] / 30
    assert 1.5 < noise_of["mc_log_w"][0] / noise_of["closed_kl"][0] < 6
    # 5 · num_mc: less noise with more samples (ideal ratio 32); batches noisier
    assert variances[0] > 8 * variances[-1]
    assert batch_variance > variances[-1]
    # Exercise 2: unbiased, and 1/n of the variance (4,000 repeats)
    assert np.allclose(grads_1.mean(0), exact_grad, atol=0.1)
    assert 10 < ratios[16] < 25 and 200 < ratios[256] < 320
    print("all checks passed")
