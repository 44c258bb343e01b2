# %% [markdown]
# # 01 · The data: a correlated 2-D Gaussian
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/01_data.ipynb)
#
# **What you will learn**
#
# - the data set of this tutorial: points from a 2-D Gaussian $\mathcal{N}(\boldsymbol{\mu},
#   \Sigma)$ whose two coordinates are correlated;
# - why a covariance matrix must be positive definite, and how the package checks it;
# - how to draw reproducible samples, and how to compute their **exact** log-density (which most
#   VAE tutorials never have, and which we will use to grade our model);
# - how a single hidden (*latent*) variable $z$ can explain the correlation between $x_1$ and
#   $x_2$, the idea at the heart of a variational autoencoder;
# - what a **posterior** $p(\mathbf{z} \mid \mathbf{x})$ is, and why a VAE cannot compute
#   it and learns an encoder instead.

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
# We import NumPy, matplotlib, SciPy (only to cross-check our own code) and the parts of the
# package this notebook teaches.

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
from vae_tutorial.plotting import plot_density

# %% [markdown]
# ## The data distribution
#
# Every data point is a vector with two coordinates, $\mathbf{x} = [x_1, x_2]^\top$, drawn from
# a Gaussian with mean $\boldsymbol{\mu}$ and a **full** covariance matrix $\Sigma$:
#
# $$
# \mathbf{x} \sim \mathcal{N}(\boldsymbol{\mu}, \Sigma), \qquad
# \boldsymbol{\mu} = \begin{bmatrix} 1 \\ 0.5 \end{bmatrix}, \qquad
# \Sigma = \begin{bmatrix} 1 & 0.5 \\ 0.5 & 1 \end{bmatrix}.
# $$
#
# "Full" means that the off-diagonal entries may be non-zero. Here $\Sigma_{12} = 0.5$: both
# coordinates have variance 1 and their covariance is 0.5, so their correlation is
# $\rho = 0.5 / \sqrt{1 \cdot 1} = 0.5$. When $x_1$ is above its mean, $x_2$ tends to be above
# its mean too, and a cloud of samples is an ellipse tilted along the diagonal.
#
# The package stores these two settings of the source post as constants:

# %%
mu, cov = np.array(SOURCE_MU), np.array(SOURCE_COV)
print("mu    =", mu)
print("Sigma =\n", cov)
print("correlation rho =", cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))

# %% [markdown]
# ## A covariance matrix must be positive definite
#
# Not every symmetric matrix is a valid covariance. The variance of any projection
# $\mathbf{v}^\top \mathbf{x}$ of the data is $\mathbf{v}^\top \Sigma \mathbf{v}$, and a
# variance cannot be negative. For the density to exist we need more: $\Sigma$ must be
# invertible, so every direction must have a *strictly* positive variance,
#
# $$
# \mathbf{v}^\top \Sigma\, \mathbf{v} > 0 \quad \text{for every } \mathbf{v} \neq \mathbf{0}
# \quad\Longleftrightarrow\quad \text{all eigenvalues of } \Sigma \text{ are } > 0.
# $$
#
# Such a matrix is called **positive definite**. The package checks this (and the shapes,
# symmetry and finiteness) before using any mean and covariance:

# %%
show_source(check_gaussian)

# %% [markdown]
# Our $\Sigma$ has eigenvalues $1 \pm 0.5$, that is $1.5$ along the diagonal direction
# $[1, 1]/\sqrt{2}$ and $0.5$ across it. Both are positive, so it passes:

# %%
eigenvalues = np.linalg.eigvalsh(cov)
print("eigenvalues of Sigma:", eigenvalues)
check_gaussian(mu, cov)  # returns quietly: a valid mean and covariance
assert np.allclose(eigenvalues, [0.5, 1.5])

# %% [markdown]
# Now a matrix that looks harmless but is not a covariance: variances 1 and a covariance of 2.
# That would be a correlation of 2, and correlations live in $[-1, 1]$. One of its eigenvalues,
# $1 - 2 = -1$, is negative, so along the direction $[1, -1]/\sqrt{2}$ the "variance" would be
# $-1$. The check refuses it with a clear message instead of returning nonsense samples:

# %%
bad_cov = np.array([[1.0, 2.0], [2.0, 1.0]])
print("eigenvalues of bad_cov:", np.linalg.eigvalsh(bad_cov))
try:
    sample_gaussian(mu, bad_cov, size=10, seed=0)
    raised = False
except ValueError as error:
    print("ValueError:", error)
    raised = True
assert raised, "a non-positive-definite covariance must be rejected"

# %% [markdown]
# ## Drawing samples
#
# `sample_gaussian` validates its inputs, then draws `size` points with NumPy's random
# generator. It takes an explicit `seed`, so the same call gives the same points on every run
# and every machine; it returns `float32`, the type PyTorch networks use by default.

# %%
show_source(sample_gaussian)

# %% [markdown]
# > **If you are reading the source blog post:** it draws its data with
# > `np.random.multivariate_normal` and no seed, so every run sees different data and no two
# > readers get the same numbers. Here every random draw is seeded.
#
# Let us draw 10,000 points and check that their sample mean and sample covariance are close to
# $\boldsymbol{\mu}$ and $\Sigma$. With $n = 10{,}000$ points the standard error of a sample mean
# is about $1/\sqrt{n} = 0.01$, and that of a sample variance about $\sqrt{2/n} \approx 0.014$,
# so we allow a few times that.

# %%
x = sample_gaussian(mu, cov, size=10_000, seed=0)
sample_mean, sample_cov = x.mean(axis=0), np.cov(x, rowvar=False)
print("x:", x.shape, x.dtype)
print("sample mean      :", sample_mean.round(3))
print("sample covariance:\n", sample_cov.round(3))

assert x.shape == (10_000, 2) and x.dtype == np.float32
assert np.allclose(sample_mean, mu, atol=0.04)
assert np.allclose(sample_cov, cov, atol=0.06)
# The same seed gives the same points:
assert np.array_equal(x, sample_gaussian(mu, cov, size=10_000, seed=0))

# %% [markdown]
# ## The exact log-density
#
# Because we chose the data distribution ourselves, we know its density exactly. For a
# $d$-dimensional Gaussian,
#
# $$
# \log \mathcal{N}(\mathbf{x} \mid \boldsymbol{\mu}, \Sigma) = -\frac{1}{2}\Big[d \log 2\pi
# + \log\det\Sigma + (\mathbf{x} - \boldsymbol{\mu})^\top \Sigma^{-1} (\mathbf{x} -
# \boldsymbol{\mu})\Big].
# $$
#
# The last term is the squared *Mahalanobis distance*: the distance from the mean measured in
# units of the data's spread in each direction. The code never inverts $\Sigma$ directly. It
# factors $\Sigma = L L^\top$ (Cholesky, $L$ lower triangular), so that $\log\det\Sigma = 2
# \sum_i \log L_{ii}$ and the Mahalanobis term is $\lVert L^{-1}(\mathbf{x} -
# \boldsymbol{\mu}) \rVert^2$, one triangular solve. This is both faster and numerically safer.

# %%
show_source(true_log_prob)

# %% [markdown]
# We check it against SciPy's implementation on the first 1,000 samples:

# %%
ours = true_log_prob(x[:1000], mu, cov)
scipy_reference = stats.multivariate_normal(mu, cov).logpdf(x[:1000])
print("true_log_prob :", ours[:4].round(6))
print("scipy logpdf  :", scipy_reference[:4].round(6))
assert ours.shape == (1000,)
assert np.allclose(ours, scipy_reference, atol=1e-10)
# At the mean the quadratic term vanishes: log p = -(2 log 2pi + log det Sigma) / 2.
at_mean = true_log_prob(mu[None, :], mu, cov)[0]
assert np.isclose(at_mean, -0.5 * (2 * np.log(2 * np.pi) + np.log(0.75)))

# %% [markdown]
# Averaged over the data, $-\log p(\mathbf{x})$ estimates the **entropy** of the distribution,
# $H = \tfrac12 \log\big((2\pi e)^d \det\Sigma\big)$. No model, however clever, beats it
# *in expectation*: for every density $p_\theta$, $\mathbb{E}_{p}[-\log p_\theta(\mathbf{x})]
# \ge H$ (Gibbs' inequality), with equality only when $p_\theta = p$. On a finite sample the
# average is a random number that can land a little below $H$ (an exercise at the end shows
# how often), so $H$ is a floor for the *expected* loss, not for every data set. It is the
# floor that the VAE's loss will approach in later notebooks, measured in **nats**
# (natural-log units) per data point.

# %%
entropy = gaussian_entropy(cov)
mean_nll = -true_log_prob(x, mu, cov).mean()
print(f"entropy H                   = {entropy:.4f} nats")
print(f"mean -log p(x) over samples = {mean_nll:.4f} nats per data point")
assert abs(mean_nll - entropy) < 0.03

# %% [markdown]
# ## Looking at the samples
#
# The figure shows a 2-D histogram of the 10,000 samples (darker means more points) under the
# contour lines of the exact density, computed on a grid with `true_log_prob`. The ellipses are
# tilted at $45^\circ$, stretched along $[1, 1]$ (variance 1.5) and squeezed across it
# (variance 0.5), exactly as the eigenvalues said.

# %%
fig, ax = plt.subplots(figsize=(6, 5))
plot_density(ax, x, mu, cov,
             title=r"10,000 samples $\mathbf{x}^{(i)} \sim "
                   r"\mathcal{N}(\boldsymbol{\mu}, \Sigma)$"
                   "\nand contours of the exact density")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The data set used in the rest of the tutorial
#
# The later notebooks train on the same data as the source post: 12,500 points, the first
# 10,000 for training and the last 2,500 for testing. `source_dataset` draws them with a seed
# and splits them:

# %%
show_source(source_dataset)

# %%
train_data, test_data = source_dataset(seed=0)
print("train:", train_data.shape, train_data.dtype,
      "  test:", test_data.shape, test_data.dtype)
assert train_data.shape == (10_000, 2) and test_data.shape == (2_500, 2)
assert train_data.dtype == np.float32
assert np.allclose(test_data.mean(axis=0), mu, atol=0.08)  # standard error ~ 0.02

# %% [markdown]
# ## A latent variable can explain the correlation
#
# A VAE models data through an unobserved **latent** variable $\mathbf{z}$. It assumes a
# simple prior, the standard normal,
#
# $$
# \mathbf{z} \sim \mathcal{N}(\mathbf{0}, I),
# $$
#
# and that, *once $\mathbf{z}$ is known*, the coordinates of $\mathbf{x}$ are independent: the
# conditional distribution has a diagonal covariance,
#
# $$
# \mathbf{x} \mid \mathbf{z} \sim \mathcal{N}\big(\boldsymbol{\mu}(\mathbf{z}),
# \operatorname{diag}(\boldsymbol{\sigma}^2(\mathbf{z}))\big),
# $$
#
# where $\operatorname{diag}(\boldsymbol{\sigma}^2)$ is the diagonal matrix with the variances
# $\sigma_1^2, \sigma_2^2$ on its diagonal. In a VAE a neural network computes
# $\boldsymbol{\mu}(\mathbf{z})$ and $\boldsymbol{\sigma}^2(\mathbf{z})$ (the next notebook).
#
# > **If you are reading the source blog post:** it writes this covariance as
# > $\operatorname{diag}(\boldsymbol{\sigma})$. A covariance matrix holds *variances*, so it is
# > $\operatorname{diag}(\boldsymbol{\sigma}^2)$; with $\operatorname{diag}(\boldsymbol{\sigma})$
# > every standard deviation other than 1 would come out wrong.
#
# Here is what the prior looks like for one latent dimension: a histogram of 10,000 draws of
# $z \sim \mathcal{N}(0, 1)$ next to its exact density.

# %%
z = np.random.default_rng(1).standard_normal(10_000)
grid = np.linspace(-4, 4, 200)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.hist(z, bins=80, density=True, color="tab:blue", alpha=0.6, label="10,000 samples")
ax.plot(grid, stats.norm.pdf(grid), color="darkorange", lw=2,
        label=r"density of $\mathcal{N}(0, 1)$")
ax.set(title=r"The prior: samples $z^{(i)} \sim \mathcal{N}(0, 1)$", xlabel="$z$",
       ylabel="probability density")
ax.legend()
fig.tight_layout()
plt.show()
assert abs(z.mean()) < 0.04 and abs(z.var() - 1) < 0.06

# %% [markdown]
# How can coordinates that are independent given $\mathbf{z}$ be correlated overall? Because
# they share $\mathbf{z}$. The simplest case makes this exact. Take a single latent $z \sim
# \mathcal{N}(0, 1)$, a weight vector $\mathbf{w} \in \mathbb{R}^2$ and independent noise:
#
# $$
# \mathbf{x} = \boldsymbol{\mu} + \mathbf{w}\, z + \boldsymbol{\varepsilon}, \qquad
# \boldsymbol{\varepsilon} \sim \mathcal{N}\big(\mathbf{0}, \operatorname{diag}(\psi_1, \psi_2)\big).
# $$
#
# Given $z$, $\mathbf{x}$ is Gaussian with mean $\boldsymbol{\mu} + \mathbf{w} z$ and diagonal
# covariance $\operatorname{diag}(\psi_1, \psi_2)$: $x_1$ and $x_2$ are independent. Overall,
# $\mathbf{x}$ is a sum of independent Gaussians, so it is Gaussian with mean $\boldsymbol{\mu}$
# and covariance
#
# $$
# \operatorname{Cov}(\mathbf{x}) = \mathbf{w}\mathbf{w}^\top + \operatorname{diag}(\psi_1, \psi_2).
# $$
#
# The shared term $\mathbf{w}\mathbf{w}^\top$ is what creates the off-diagonal entry
# $w_1 w_2$. (This model is called *factor analysis*. Because it reproduces $\Sigma$ exactly,
# no model can do better on this data; notebook 07 shows that it is only one of a whole
# family of exact fits, all equally good, and compares a trained VAE with them.) With $\mathbf{w} = [1/\sqrt2, 1/\sqrt2]^\top \approx [0.707,
# 0.707]^\top$ and $\psi_1 = \psi_2 = 0.5$ we get
#
# $$
# \mathbf{w}\mathbf{w}^\top + 0.5\, I =
# \begin{bmatrix} 0.5 & 0.5 \\ 0.5 & 0.5 \end{bmatrix} +
# \begin{bmatrix} 0.5 & 0 \\ 0 & 0.5 \end{bmatrix} =
# \begin{bmatrix} 1 & 0.5 \\ 0.5 & 1 \end{bmatrix} = \Sigma,
# $$
#
# our data distribution, exactly. Let us confirm it numerically:

# %%
w = np.array([[1 / np.sqrt(2)], [1 / np.sqrt(2)]])  # [2, 1]: one latent dimension
psi = np.array([0.5, 0.5])  # variances of the independent noise
implied_cov = w @ w.T + np.diag(psi)
print("w w^T + diag(psi) =\n", implied_cov)
assert np.allclose(implied_cov, cov, atol=1e-12)

# %% [markdown]
# And by simulation: we draw $z$, then $\mathbf{x}$ given $z$, and compare with the data. The
# left panel below is the latent-variable model's samples under the same exact contours as
# before. The right panel shows what "independent given $z$" means: for three fixed values of
# $z$, the points $\mathbf{x} \mid z$ form round, untilted clouds (diagonal covariance, equal
# variances) centred on $\boldsymbol{\mu} + \mathbf{w} z$. The tilt of the overall ellipse comes
# only from $z$ sliding those round clouds along the direction $\mathbf{w}$.

# %%
rng = np.random.default_rng(2)
n = 10_000
z = rng.standard_normal((n, 1))
x_latent = mu + z @ w.T + rng.standard_normal((n, 2)) * np.sqrt(psi)
print("sample covariance of the latent-variable model:\n",
      np.cov(x_latent, rowvar=False).round(3))
assert np.allclose(np.cov(x_latent, rowvar=False), cov, atol=0.06)

# Given z, x1 and x2 are uncorrelated: check it for z fixed at 1.
x_given_z = mu + 1.0 * w.T + rng.standard_normal((n, 2)) * np.sqrt(psi)
corr_given_z = np.corrcoef(x_given_z, rowvar=False)[0, 1]
print(f"correlation of x1 and x2 given z = 1: {corr_given_z:+.3f} (overall: 0.5)")
assert abs(corr_given_z) < 0.05

fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(12, 5))
plot_density(ax_left, x_latent, mu, cov,
             title=r"$\mathbf{x} = \boldsymbol{\mu} + \mathbf{w} z + "
                   r"\boldsymbol{\varepsilon}$: samples and exact contours")
for z_value, color in zip((-1.5, 0.0, 1.5), ("tab:purple", "tab:green", "tab:red")):
    centre = mu + z_value * w[:, 0]
    cloud = centre + rng.standard_normal((400, 2)) * np.sqrt(psi)
    ax_right.scatter(cloud[:, 0], cloud[:, 1], s=4, alpha=0.5, color=color,
                     label=rf"$\mathbf{{x}} \mid z = {z_value:+.1f}$")
    ax_right.plot(*centre, "k+", ms=12, mew=2)
line = mu + np.outer(np.linspace(-3, 3, 2), w[:, 0])
ax_right.plot(line[:, 0], line[:, 1], "k--", lw=1,
              label=r"$\boldsymbol{\mu} + \mathbf{w} z$")
ax_right.set(title=r"Given $z$, $x_1$ and $x_2$ are independent", xlabel="$x_1$",
             ylabel="$x_2$", xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax_right.legend(loc="upper left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# A VAE learns this kind of structure from data, but with two changes: the maps from
# $\mathbf{z}$ to the mean and variance of $\mathbf{x}$ are small neural networks rather than a
# fixed $\mathbf{w}$, and it uses two latent dimensions (the source post's `latent_dim = 2`), one
# more than this data strictly needs.

# %% [markdown]
# ## Going backwards: the posterior, and why it is hard
#
# The model above runs forwards: draw $z$, then $\mathbf{x}$ given $z$. Learning needs the
# opposite question: given a data point $\mathbf{x}$, which values of $z$ could have produced
# it? The answer is a distribution over $z$, the **posterior**, and Bayes' rule gives it:
#
# $$
# p(z \mid \mathbf{x}) = \frac{p(\mathbf{x} \mid z)\, p(z)}{p(\mathbf{x})}, \qquad
# p(\mathbf{x}) = \int p(\mathbf{x} \mid z)\, p(z)\, dz .
# $$
#
# (Later notebooks write $p_\theta(\mathbf{x} \mid \mathbf{z})$, $p_\theta(\mathbf{z} \mid
# \mathbf{x})$ and $p_\theta(\mathbf{x})$ once the model has parameters $\theta$ to learn;
# here $\mathbf{w}$ and $\boldsymbol{\psi}$ are fixed.) The numerator is easy: the prior
# times the likelihood of $\mathbf{x}$ for that $z$. The
# denominator, the **evidence** $p(\mathbf{x})$, is an integral over every possible $z$. For
# our linear model everything is Gaussian and the integral has a closed form: the posterior
# is $\mathcal{N}\big(m(\mathbf{x}), S\big)$ with
#
# $$
# S = \frac{1}{1 + \mathbf{w}^\top \Psi^{-1} \mathbf{w}} = \frac{1}{1 + 2} = \frac13,
# \qquad m(\mathbf{x}) = S\, \mathbf{w}^\top \Psi^{-1} (\mathbf{x} - \boldsymbol{\mu}),
# $$
#
# where $\Psi = \operatorname{diag}(\psi_1, \psi_2)$. We check it the brute-force way:
# evaluate prior times likelihood on a fine grid of $z$, and divide by its sum (the integral,
# by a Riemann sum).

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
print(f"closed form: S = {S:.4f}, m(x) = {m:.4f}")
grid_mean = (z_grid * posterior_grid).sum() * dz
grid_var = ((z_grid - grid_mean) ** 2 * posterior_grid).sum() * dz
print(f"grid       : variance {grid_var:.4f}, mean {grid_mean:.4f}")
exact_evidence = np.exp(true_log_prob(x_obs[None], mu, cov))[0]
print(f"evidence p(x): grid {evidence:.6f}, exact {exact_evidence:.6f}")
assert np.isclose(S, 1 / 3) and np.isclose(grid_var, S, atol=1e-6)
assert np.isclose(grid_mean, m, atol=1e-6)
assert np.isclose(evidence, exact_evidence, rtol=1e-6)

# %% [markdown]
# The grid and the formula agree, and the evidence is exactly the data density of this
# section. Seeing $\mathbf{x}$ narrowed $z$ down from the prior's variance of 1 to $S = \tfrac13$.
#
# Why can a VAE not do the same? Its decoder replaces $\boldsymbol{\mu} + \mathbf{w} z$ by a
# neural network $\boldsymbol{\mu}_\theta(\mathbf{z})$ (and learns the noise variances
# too). Then $p_\theta(\mathbf{x}) = \int p_\theta(\mathbf{x} \mid \mathbf{z})\,
# p(\mathbf{z})\, d\mathbf{z}$ has no closed form, and a grid with 100 points per latent
# dimension needs $100^J$ decoder evaluations for a $J$-dimensional latent, for every data
# point, at every training step. The posterior is **intractable**. A VAE therefore trains a
# second network, the **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x})$, to output an
# approximation of the posterior directly, a Gaussian with a mean and variance per data
# point: exactly the $m(\mathbf{x})$ and $S$ we just computed, but learned. Notebook 02 builds
# it, and notebook 04 derives the objective that trains both networks without ever computing
# $p_\theta(\mathbf{x})$.

# %% [markdown]
# ## Exercises
#
# **1. A stronger correlation.** Replace $\Sigma_{12} = 0.5$ by $0.9$. Predict the two
# eigenvalues of $\Sigma$, and the $\mathbf{w} = [a, a]^\top$ and $\psi_1 = \psi_2$ that
# reproduce it. Does the noise variance grow or shrink?

# %% tags=["hide-cell"]
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
# deviation of their average $-\log p(\mathbf{x})$ around $H$, and whether some of them land
# *below* $H$. (Hint: $-\log p(\mathbf{x}) = \text{const} + \tfrac12 r^2$ where the squared
# Mahalanobis distance $r^2$ has a $\chi^2_2$ distribution, whose variance is 4.)

# %% tags=["hide-cell"]
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

# %% tags=["hide-cell"]
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
# - The data are points from $\mathcal{N}(\boldsymbol{\mu}, \Sigma)$ with $\boldsymbol{\mu} =
#   [1, 0.5]^\top$ and a full covariance $\Sigma$ (correlation 0.5): `SOURCE_MU`, `SOURCE_COV`.
# - A covariance must be symmetric and positive definite (all eigenvalues $> 0$);
#   `check_gaussian` raises a `ValueError` otherwise, and `sample_gaussian` draws seeded,
#   reproducible `float32` samples.
# - `true_log_prob` is the exact log-density (via a Cholesky factor), equal to SciPy's; its
#   average over the data approaches the entropy $H$, the lowest *expected* loss any model
#   can reach (a finite sample can land slightly below it).
# - `source_dataset` gives the tutorial's 10,000 training and 2,500 test points.
# - A shared latent variable explains correlation: with $x_1, x_2$ independent given $z$,
#   $\operatorname{Cov}(\mathbf{x}) = \mathbf{w}\mathbf{w}^\top + \operatorname{diag}(\boldsymbol{\psi})$,
#   which equals $\Sigma$ for $\mathbf{w} = [0.707, 0.707]^\top$ and $\boldsymbol{\psi} = [0.5, 0.5]$.
# - The posterior $p(z \mid \mathbf{x})$ says which latents could have produced
#   $\mathbf{x}$; it needs the evidence $p(\mathbf{x}) = \int p(\mathbf{x} \mid z) p(z)\,dz$,
#   which is a closed form here (posterior variance $\tfrac13$) but intractable for a neural
#   decoder. That is why a VAE learns an encoder.
#
# **Next:** [02 · The networks](02_network.ipynb) builds the encoder $q_\phi(\mathbf{z} \mid
# \mathbf{x})$ and the decoder $p_\theta(\mathbf{x} \mid \mathbf{z})$ that a VAE uses in place of
# the fixed $\mathbf{w}$, and the encoder that stands in for the intractable posterior.
