# %% [markdown]
# # 01 · The data: a correlated 2-D Gaussian
#
# A VAE learns a distribution from its samples. We choose one ourselves, a correlated 2-D
# Gaussian, so we know its exact density and can grade the model against it. Then we meet
# the idea a VAE is built on: a hidden variable that explains the correlation. It needs
# nothing earlier; [00 · A VAE in one page](00_vae_in_one_page.ipynb) shows where it leads.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/01_data.ipynb)

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
# The picture: the data under its exact density, and round clouds x | z that explain it.
import matplotlib.pyplot as plt
import numpy as np

from vae_tutorial import SOURCE_COV, SOURCE_MU, source_dataset
from vae_tutorial.plotting import plot_density

train_data, _ = source_dataset(seed=0)
fig, (ax_data, ax_z) = plt.subplots(1, 2, figsize=(9, 3.6))
plot_density(ax_data, train_data, SOURCE_MU, SOURCE_COV,
             title="10,000 data points, exact density")
rng = np.random.default_rng(3)
w = np.full(2, 1 / np.sqrt(2))
for z_value, color in zip((-1.5, 0.0, 1.5), ("tab:purple", "tab:green", "tab:red")):
    cloud = SOURCE_MU + z_value * w + rng.standard_normal((300, 2)) * np.sqrt(0.5)
    ax_z.scatter(*cloud.T, s=3, alpha=0.5, color=color, label=f"$z = {z_value:+.1f}$")
line = SOURCE_MU + np.outer([-3, 3], w)
ax_z.plot(*line.T, "k--", lw=1, label=r"$\boldsymbol{\mu} + \mathbf{w} z$")
ax_z.set(title=r"Given $z$, $x_1$ and $x_2$ are independent", xlabel="$x_1$",
         ylabel="$x_2$", xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax_z.legend(loc="upper left", fontsize=8, markerscale=3)
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - the data: seeded samples from $\mathcal{N}(\boldsymbol{\mu}, \Sigma)$ and their
#   **exact** log-density;
# - how one hidden (*latent*) variable $z$ explains the correlation (right panel above);
# - the entropy $H$, the floor for the expected loss of any model;
# - what the **posterior** $p(z \mid \mathbf{x})$ is, and why a VAE learns an encoder
#   instead.

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    check_gaussian,
    gaussian_entropy,
    sample_gaussian,
    show_source,
    source_dataset,
    true_log_prob,
)

# %% [markdown]
# ## The data distribution
#
# Every data point has two coordinates, $\mathbf{x} = [x_1, x_2]^\top$, drawn from a Gaussian
# with mean $\boldsymbol{\mu}$ and a **full** covariance $\Sigma$ (its off-diagonal entries
# may be non-zero):
#
# $$
# \mathbf{x} \sim \mathcal{N}(\boldsymbol{\mu}, \Sigma), \qquad
# \boldsymbol{\mu} = \begin{bmatrix} 1 \\ 0.5 \end{bmatrix}, \qquad
# \Sigma = \begin{bmatrix} 1 & 0.5 \\ 0.5 & 1 \end{bmatrix}.
# $$
#
# Both coordinates have variance 1 and covariance 0.5: their correlation is $\rho = 0.5$, and
# the cloud of samples is an ellipse tilted along the diagonal (left panel above): the
# source post's settings.

# %%
mu, cov = np.array(SOURCE_MU), np.array(SOURCE_COV)
print("mu =", mu, "  Sigma =", cov.tolist())
print("correlation rho =", cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))

# %% [markdown]
# `sample_gaussian` checks its inputs (see the appendix) and draws from an explicit `seed`,
# so the same call gives the same points on every run, as `float32` for PyTorch.

# %%
show_source(sample_gaussian)

# %% [markdown]
# The tutorial trains on the source post's data set, drawn and split by `source_dataset`:
# 12,500 points, the first 10,000 for training, the last 2,500 for testing. Their sample
# moments should be close to $\boldsymbol{\mu}$ and $\Sigma$:

# %%
train_data, test_data = source_dataset(seed=0)
print("train:", train_data.shape, train_data.dtype, "  test:", test_data.shape)
sample_mean, sample_cov = train_data.mean(axis=0), np.cov(train_data, rowvar=False)
print(f"sample mean {sample_mean.round(3)}        vs mu    {mu}")
print(f"sample cov  {sample_cov.round(3).tolist()} vs Sigma {cov.tolist()}")

# %% [markdown]
# ## A latent variable can explain the correlation
#
# A VAE explains data through an unobserved **latent** variable $\mathbf{z}$ with the prior
# $\mathcal{N}(\mathbf{0}, I)$. It assumes that *once $\mathbf{z}$ is known* the coordinates
# of $\mathbf{x}$ are independent, so their covariance is diagonal:
#
# $$
# \mathbf{x} \mid \mathbf{z} \sim \mathcal{N}\big(\boldsymbol{\mu}(\mathbf{z}),
# \operatorname{diag}(\boldsymbol{\sigma}^2(\mathbf{z}))\big),
# $$
#
# where, in a VAE, a neural network computes the mean and the variances (notebook 02).
#
# How can coordinates that are independent given $\mathbf{z}$ be correlated overall? They
# share $\mathbf{z}$. The simplest case makes this exact: one latent $z \sim \mathcal{N}(0,
# 1)$, a weight vector $\mathbf{w}$ and independent noise,
#
# $$
# \mathbf{x} = \boldsymbol{\mu} + \mathbf{w}\, z + \boldsymbol{\eta}, \qquad
# \boldsymbol{\eta} \sim \mathcal{N}\big(\mathbf{0}, \Psi\big), \qquad
# \Psi = \operatorname{diag}(\psi_1, \psi_2).
# $$
#
# Given $z$, the covariance of $\mathbf{x}$ is the diagonal $\Psi$. Overall, as a sum of
# independent terms,
#
# $$
# \operatorname{Cov}(\mathbf{x}) = \mathbf{w}\mathbf{w}^\top + \Psi .
# $$
#
# The shared term $\mathbf{w}\mathbf{w}^\top$ creates the off-diagonal entry $w_1 w_2$
# (this model is *factor analysis*). With $\mathbf{w} = [1/\sqrt2, 1/\sqrt2]^\top$ and
# $\psi_1 = \psi_2 = 0.5$ it reproduces $\Sigma$ exactly:
#
# $$
# \mathbf{w}\mathbf{w}^\top + \Psi =
# \begin{bmatrix} 0.5 & 0.5 \\ 0.5 & 0.5 \end{bmatrix} +
# \begin{bmatrix} 0.5 & 0 \\ 0 & 0.5 \end{bmatrix} = \Sigma .
# $$
#
# We check the formula, then simulate the model: draw $z$, then $\mathbf{x}$ given $z$.

# %%
w = np.array([[1 / np.sqrt(2)], [1 / np.sqrt(2)]])  # [2, 1]: one latent dimension
psi = np.array([0.5, 0.5])  # variances of the independent noise
print("w w^T + diag(psi) =", (w @ w.T + np.diag(psi)).round(12).tolist())

rng = np.random.default_rng(2)
z = rng.standard_normal((10_000, 1))
x_latent = mu + z @ w.T + rng.standard_normal((10_000, 2)) * np.sqrt(psi)
x_given_z = mu + 1.0 * w.T + rng.standard_normal((10_000, 2)) * np.sqrt(psi)  # z = 1
corr_latent = np.corrcoef(x_latent, rowvar=False)[0, 1]
corr_given_z = np.corrcoef(x_given_z, rowvar=False)[0, 1]
print(f"correlation of x1 and x2: simulated {corr_latent:.3f} vs rho 0.5; "
      f"given z = 1: {corr_given_z:+.3f}")

# %% [markdown]
# The right panel at the top shows it: for a fixed $z$, the points $\mathbf{x} \mid z$ form
# a round cloud centred on $\boldsymbol{\mu} + \mathbf{w} z$; the tilt comes from $z$
# sliding that cloud along $\mathbf{w}$. A VAE learns such structure with small neural
# networks in place of $\mathbf{w}$, and two latent dimensions (`latent_dim = 2`), one more
# than this data needs.

# %% [markdown]
# ## The exact log-density, and the floor
#
# Because we chose the distribution, we know its density exactly. For a Gaussian in $D$
# dimensions,
#
# $$
# \log \mathcal{N}(\mathbf{x} \mid \boldsymbol{\mu}, \Sigma) = -\frac{1}{2}\Big[D \log 2\pi
# + \log\det\Sigma + (\mathbf{x} - \boldsymbol{\mu})^\top \Sigma^{-1} (\mathbf{x} -
# \boldsymbol{\mu})\Big].
# $$
#
# The last term is the squared *Mahalanobis distance*. The code never inverts $\Sigma$: it
# factors $\Sigma = L L^\top$ (Cholesky, $L$ lower triangular), so $\log\det\Sigma = 2
# \sum_i \log L_{ii}$ and the Mahalanobis term is $\lVert L^{-1}(\mathbf{x} -
# \boldsymbol{\mu}) \rVert^2$, one triangular solve: faster and numerically safer.

# %%
show_source(true_log_prob)

# %% [markdown]
# Averaged over the data, $-\log p(\mathbf{x})$ estimates the **entropy** $H = \tfrac12
# \log\big((2\pi e)^D \det\Sigma\big)$. No model beats it in expectation: for every density
# $p_\theta$, $\mathbb{E}_{p}[-\log p_\theta(\mathbf{x})] \ge H$ (Gibbs' inequality), with
# equality only when $p_\theta = p$; a finite sample's average can land a little below $H$
# (exercise 2). $H$ is the floor for the VAE's loss, in **nats** (natural-log units) per
# data point. We check `true_log_prob` against SciPy, then the average against $H$:

# %%
ours = true_log_prob(train_data, mu, cov)
scipy_reference = stats.multivariate_normal(mu, cov).logpdf(train_data)
print(f"largest difference from SciPy: {np.abs(ours - scipy_reference).max():.1e}")
entropy = gaussian_entropy(cov)
print(f"entropy H {entropy:.4f} nats vs mean -log p(x) over the training data "
      f"{-ours.mean():.4f}")

# %% [markdown]
# ## Going backwards: the posterior
#
# The model runs forwards: draw $z$, then $\mathbf{x}$. Learning needs the opposite: given
# $\mathbf{x}$, which values of $z$ could have produced it? The answer, the **posterior**,
# comes from Bayes' rule:
#
# $$
# p(z \mid \mathbf{x}) = \frac{p(\mathbf{x} \mid z)\, p(z)}{p(\mathbf{x})}, \qquad
# p(\mathbf{x}) = \int p(\mathbf{x} \mid z)\, p(z)\, dz .
# $$
#
# (Later notebooks write $p_\theta$, once there are parameters $\theta$ to learn.) The
# numerator is easy. The **evidence** $p(\mathbf{x})$ is an integral over every $z$; for our
# linear model it has a closed form, and the posterior is $\mathcal{N}\big(m(\mathbf{x}),
# S\big)$ with
#
# $$
# S = \frac{1}{1 + \mathbf{w}^\top \Psi^{-1} \mathbf{w}} = \frac{1}{1 + 2} = \frac13,
# \qquad m(\mathbf{x}) = S\, \mathbf{w}^\top \Psi^{-1} (\mathbf{x} - \boldsymbol{\mu}).
# $$
#
# We check it by brute force for one point: prior times likelihood on a fine grid of $z$,
# divided by its sum (the integral, by a Riemann sum).

# %%
x_obs = np.array([2.0, 1.5])  # one data point, up and to the right of the mean
z_grid = np.linspace(-6, 6, 4001)
dz = z_grid[1] - z_grid[0]
means = mu + np.outer(z_grid, w[:, 0])  # [grid, 2]: the mean of x given each z
log_lik = stats.norm.logpdf(x_obs, means, np.sqrt(psi)).sum(axis=1)
unnormalised = np.exp(log_lik) * stats.norm.pdf(z_grid)  # p(x | z) p(z)
evidence = unnormalised.sum() * dz  # p(x), the integral over z
posterior_grid = unnormalised / evidence

S = 1 / (1 + (w[:, 0] ** 2 / psi).sum())
m = S * (w[:, 0] / psi) @ (x_obs - mu)
grid_mean = (z_grid * posterior_grid).sum() * dz
grid_var = ((z_grid - grid_mean) ** 2 * posterior_grid).sum() * dz
exact_evidence = np.exp(true_log_prob(x_obs[None], mu, cov))[0]
print(f"posterior mean    : closed form {m:.4f} vs grid {grid_mean:.4f}")
print(f"posterior variance: closed form {S:.4f} vs grid {grid_var:.4f}")
print(f"evidence p(x)     : exact       {exact_evidence:.4f} vs grid {evidence:.4f}")

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(z_grid, stats.norm.pdf(z_grid), color="gray", label="prior $p(z)$")
ax.plot(z_grid, posterior_grid, lw=3, alpha=0.5, label="posterior on the grid")
ax.plot(z_grid, stats.norm.pdf(z_grid, m, np.sqrt(S)), "k--", lw=1,
        label=r"closed form $\mathcal{N}(m(\mathbf{x}), S)$")
ax.set(title=r"What $\mathbf{x} = [2, 1.5]$ says about $z$", xlabel="$z$",
       ylabel="probability density", xlim=(-4, 4))
ax.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# Grid and formula agree, and the evidence is the exact data density. Seeing $\mathbf{x}$
# narrowed $z$ down from the prior's variance of 1 to $S = \tfrac13$.
#
# A VAE's decoder is a neural network, and then $p_\theta(\mathbf{x}) = \int
# p_\theta(\mathbf{x} \mid \mathbf{z})\, p(\mathbf{z})\, d\mathbf{z}$ has no closed form. A
# grid with 100 points per latent dimension needs $100^J$ decoder evaluations (shared by
# all the points of a batch) and $100^J$ likelihood terms per data point: exponential in
# the latent dimension $J$. That is feasible for $J = 2$, to grade a trained model once
# (notebook 12), not at every training step, nor for the many latents of images.
#
# So a VAE trains a second network, the **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x})$, to
# output a Gaussian approximation of the posterior, a mean and a variance per data point.
# Its target is the posterior $p_\theta(\mathbf{z} \mid \mathbf{x})$ of the *current*
# decoder, which moves as the decoder learns; many decoders fit this data exactly, each
# with its own posterior (notebook 09). Notebook 04 derives the objective that trains both
# networks without computing $p_\theta(\mathbf{x})$.

# %% [markdown]
# ## Appendix: checking a covariance, and how close sample moments should be
#
# Every covariance matrix is positive *semi*-definite: the variance of a projection
# $\mathbf{v}^\top \mathbf{x}$ is $\mathbf{v}^\top \Sigma \mathbf{v} \ge 0$. A density needs
# a *strictly* positive variance in every direction (all eigenvalues $> 0$): $\Sigma$ must
# be **positive definite**. `check_gaussian` checks this, and shapes, symmetry, finiteness:

# %%
show_source(check_gaussian)

# %% [markdown]
# Our $\Sigma$ has eigenvalues $1 \pm 0.5$: 1.5 along $[1, 1]/\sqrt{2}$ and 0.5 across it.
# A matrix with variances 1 and covariance 2 would mean a correlation of 2; its eigenvalue
# $1 - 2 = -1$ is a negative "variance" along $[1, -1]/\sqrt{2}$, and the check refuses it:

# %%
bad_cov = np.array([[1.0, 2.0], [2.0, 1.0]])
print("eigenvalues of Sigma:", np.linalg.eigvalsh(cov),
      "  of bad_cov:", np.linalg.eigvalsh(bad_cov))
try:
    sample_gaussian(mu, bad_cov, size=10, seed=0)
    rejected = None
except ValueError as error:
    rejected = str(error)
    print("ValueError:", error)

# %% [markdown]
# How close should the sample moments be? With $n = 10{,}000$ points the standard error of a
# sample mean is $\sigma/\sqrt{n} = 0.01$, of a sample variance $\sigma^2\sqrt{2/n}
# \approx 0.014$; the checks at the end allow a few times that.

# %%
print("sample mean - mu, in standard errors:", ((sample_mean - mu) / 0.01).round(1))

# %% [markdown]
# ## Exercises
#
# **1. A stronger correlation.** Replace $\Sigma_{12} = 0.5$ by $0.9$. Predict the two
# eigenvalues of $\Sigma$, and the $\mathbf{w} = [a, a]^\top$ and $\psi_1 = \psi_2$ that
# reproduce it. Does the noise variance grow or shrink?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# Eigenvalues 1 +- 0.9 = 0.1 and 1.9. With w = [a, a]: a^2 = 0.9 (off-diagonal) and
# a^2 + psi = 1 (diagonal), so a = sqrt(0.9) ~ 0.949 and psi = 0.1: the noise shrinks,
# because more of the variance is shared through z.
strong = np.array([[1.0, 0.9], [0.9, 1.0]])
a, psi_strong = np.sqrt(0.9), 0.1
print("eigenvalues:", np.linalg.eigvalsh(strong))
assert np.allclose(np.linalg.eigvalsh(strong), [0.1, 1.9])
assert np.allclose(a**2 * np.ones((2, 2)) + psi_strong * np.eye(2), strong)

# %% [markdown]
# **2. The floor on a small sample.** Take data sets of only 100 points. Predict the standard
# deviation of their average $-\log p(\mathbf{x})$ around $H$, and whether some land *below*
# $H$. (Hint: $-\log p(\mathbf{x}) = \text{const} + \tfrac12 r^2$, and $r^2 \sim
# \chi^2_2$ has variance 4.)

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# Var(r^2 / 2) = 4 / 4 = 1, so one point's NLL has standard deviation 1 and an
# average of 100 has 1 / sqrt(100) = 0.1.  About half of the small data sets average
# below H: the floor holds in expectation, not for every sample.
samples = [sample_gaussian(mu, cov, 100, seed=s) for s in range(300)]
averages = np.array([-true_log_prob(xs, mu, cov).mean() for xs in samples])
print(f"std of the 100-point average: {averages.std():.3f}; "
      f"below H: {np.mean(averages < entropy):.0%} of 300 data sets")
assert 0.08 < averages.std() < 0.12 and 0.3 < np.mean(averages < entropy) < 0.7

# %% [markdown]
# **3. Less noise, a sharper posterior.** Keep $\mathbf{w}$ but shrink the noise to
# $\psi_1 = \psi_2 = 0.1$ (the model no longer matches $\Sigma$). Predict the posterior
# variance $S$, and check it on the grid.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# w^T Psi^-1 w = 0.5 / 0.1 + 0.5 / 0.1 = 10, so S = 1 / 11: with less noise, x pins z
# down more tightly.
psi_small = np.array([0.1, 0.1])
lik = stats.norm.logpdf(x_obs, means, np.sqrt(psi_small)).sum(axis=1)
post = np.exp(lik) * stats.norm.pdf(z_grid)
post /= post.sum() * dz
post_mean = (z_grid * post).sum() * dz
post_var = ((z_grid - post_mean) ** 2 * post).sum() * dz
print(f"posterior variance on the grid: {post_var:.4f}  (1/11 = {1 / 11:.4f})")
assert np.isclose(post_var, 1 / 11, atol=1e-5)

# %% [markdown]
# ## Summary
#
# - The data: $\mathcal{N}(\boldsymbol{\mu}, \Sigma)$ with correlation 0.5, from
#   `source_dataset`; `true_log_prob` is its exact log-density, and the entropy $H$ is the
#   lowest *expected* loss of any model.
# - A shared latent explains the correlation: $\mathbf{w}\mathbf{w}^\top + \Psi = \Sigma$.
# - A neural decoder's posterior has no closed form, so a VAE learns an encoder that
#   approximates the current decoder's posterior.
#
# **Next:** [02 · The networks](02_network.ipynb) builds the encoder and the decoder.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings (and the rules behind them).
from vae_tutorial import own_settings

# The data distribution, the latent-variable model and the posterior: exact, any seed
assert np.allclose(np.linalg.eigvalsh(cov), [0.5, 1.5])  # eigenvalues 1 -/+ 0.5
assert rejected is not None and "positive definite" in rejected  # bad_cov refused
assert train_data.shape == (10_000, 2) and test_data.shape == (2_500, 2)
assert train_data.dtype == np.float32 and test_data.dtype == np.float32
assert np.allclose(w @ w.T + np.diag(psi), cov, atol=1e-12)
assert ours.shape == (10_000,) and np.allclose(ours, scipy_reference, atol=1e-10)
at_mean = true_log_prob(mu[None, :], mu, cov)[0]  # the quadratic term vanishes
assert np.isclose(at_mean, -0.5 * (2 * np.log(2 * np.pi) + np.log(0.75)))
assert np.isclose(S, 1 / 3) and np.isclose(grid_var, S, atol=1e-6)
assert np.isclose(grid_mean, m, atol=1e-6)
assert np.isclose(evidence, exact_evidence, rtol=1e-6)
if own_settings(seed=0):
    # The data set: sample moments within a few standard errors
    assert np.allclose(sample_mean, mu, atol=0.04)  # 4 standard errors (0.01)
    assert np.allclose(sample_cov, cov, atol=0.06)  # about 4 standard errors (0.014)
    assert np.allclose(test_data.mean(axis=0), mu, atol=0.08)  # standard error ~ 0.02
    assert np.array_equal(train_data, source_dataset(seed=0)[0])  # same seed, same data
    assert np.array_equal(train_data, sample_gaussian(mu, cov, 10_000, seed=0))
    # The simulated latent-variable model: x1, x2 independent given z
    assert abs(z.mean()) < 0.04 and abs(z.var() - 1) < 0.06  # z ~ N(0, 1)
    assert np.allclose(np.cov(x_latent, rowvar=False), cov, atol=0.06)
    assert abs(corr_latent - 0.5) < 0.03 and abs(corr_given_z) < 0.05
    assert abs(-ours.mean() - entropy) < 0.03  # the floor
    print("all checks passed")
