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
#   $x_2$, the idea at the heart of a variational autoencoder.

# %% tags=["hide-input"]
# Set-up: on Colab, install this tutorial's package; everywhere, print versions and seed.
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
assert np.array_equal(x, sample_gaussian(mu, cov, size=10_000, seed=0))  # same seed, same points

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
# $H = \tfrac12 \log\big((2\pi e)^d \det\Sigma\big)$. No model, however clever, can assign the
# data a lower average negative log-likelihood than this. It is the floor that the VAE's loss
# will approach in later notebooks, measured in **nats** (natural-log units) per data point.

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
             title=r"10,000 samples $\mathbf{x}^{(i)} \sim \mathcal{N}(\boldsymbol{\mu}, \Sigma)$"
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
print("train:", train_data.shape, train_data.dtype, "  test:", test_data.shape, test_data.dtype)
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
ax.plot(grid, stats.norm.pdf(grid), color="darkorange", lw=2, label=r"density of $\mathcal{N}(0, 1)$")
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
# $w_1 w_2$. (This model is called *factor analysis*; notebook 07 returns to it as the best a
# VAE can do on this data.) With $\mathbf{w} = [1/\sqrt2, 1/\sqrt2]^\top \approx [0.707,
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
print("sample covariance of the latent-variable model:\n", np.cov(x_latent, rowvar=False).round(3))
assert np.allclose(np.cov(x_latent, rowvar=False), cov, atol=0.06)

# Given z, x1 and x2 are uncorrelated: check it for z fixed at 1.
x_given_z = mu + 1.0 * w.T + rng.standard_normal((n, 2)) * np.sqrt(psi)
corr_given_z = np.corrcoef(x_given_z, rowvar=False)[0, 1]
print(f"correlation of x1 and x2 given z = 1: {corr_given_z:+.3f} (overall: 0.5)")
assert abs(corr_given_z) < 0.05

fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(12, 5))
plot_density(ax_left, x_latent, mu, cov,
             title=r"$\mathbf{x} = \boldsymbol{\mu} + \mathbf{w} z + \boldsymbol{\varepsilon}$:"
                   " samples and exact contours")
for z_value, color in zip((-1.5, 0.0, 1.5), ("tab:purple", "tab:green", "tab:red")):
    centre = mu + z_value * w[:, 0]
    cloud = centre + rng.standard_normal((400, 2)) * np.sqrt(psi)
    ax_right.scatter(cloud[:, 0], cloud[:, 1], s=4, alpha=0.5, color=color,
                     label=rf"$\mathbf{{x}} \mid z = {z_value:+.1f}$")
    ax_right.plot(*centre, "k+", ms=12, mew=2)
line = mu + np.outer(np.linspace(-3, 3, 2), w[:, 0])
ax_right.plot(line[:, 0], line[:, 1], "k--", lw=1, label=r"$\boldsymbol{\mu} + \mathbf{w} z$")
ax_right.set(title=r"Given $z$, $x_1$ and $x_2$ are independent", xlabel="$x_1$", ylabel="$x_2$",
             xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax_right.legend(loc="upper left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# A VAE learns this kind of structure from data, but with two changes: the maps from
# $\mathbf{z}$ to the mean and variance of $\mathbf{x}$ are small neural networks rather than a
# fixed $\mathbf{w}$, and it uses two latent dimensions (the source post's `latent_dim = 2`), one
# more than this data strictly needs.

# %% [markdown]
# ## Summary
#
# - The data are points from $\mathcal{N}(\boldsymbol{\mu}, \Sigma)$ with $\boldsymbol{\mu} =
#   [1, 0.5]^\top$ and a full covariance $\Sigma$ (correlation 0.5): `SOURCE_MU`, `SOURCE_COV`.
# - A covariance must be symmetric and positive definite (all eigenvalues $> 0$);
#   `check_gaussian` raises a `ValueError` otherwise, and `sample_gaussian` draws seeded,
#   reproducible `float32` samples.
# - `true_log_prob` is the exact log-density (via a Cholesky factor), equal to SciPy's; its
#   average over the data approaches the entropy, the lowest loss any model can reach.
# - `source_dataset` gives the tutorial's 10,000 training and 2,500 test points.
# - A shared latent variable explains correlation: with $x_1, x_2$ independent given $z$,
#   $\operatorname{Cov}(\mathbf{x}) = \mathbf{w}\mathbf{w}^\top + \operatorname{diag}(\boldsymbol{\psi})$,
#   which equals $\Sigma$ for $\mathbf{w} = [0.707, 0.707]^\top$ and $\boldsymbol{\psi} = [0.5, 0.5]$.
#
# **Next:** [02 · The networks](02_network.ipynb) builds the encoder $q_\phi(\mathbf{z} \mid
# \mathbf{x})$ and the decoder $p_\theta(\mathbf{x} \mid \mathbf{z})$ that a VAE uses in place of
# the fixed $\mathbf{w}$.
