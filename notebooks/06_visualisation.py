# %% [markdown]
# # 06 · Visualising what the VAE learned
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/06_visualisation.ipynb)
#
# **What you will learn**
#
# - how to compare the learned distribution with the true one, by eye and by numbers;
# - why samples *without* the decoder's noise collapse onto a line, and what that says about
#   how the model splits the data's variation between $\mathbf{z}$ and the noise;
# - how the generated samples improve step by step during training;
# - what the encoder does: where it puts the test points in latent space.

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
# We import what this notebook uses; the figure helpers live in `vae_tutorial.plotting`.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    default_config,
    gaussian_kl,
    generate_samples,
    run_model,
    show_source,
    source_dataset,
)
from vae_tutorial.plotting import density_grid, plot_density, plot_latents, plot_samples_grid

# %% [markdown]
# ## A trained model
#
# Each notebook runs on its own, so we train a model here exactly as in notebook 05: the source
# post's data and settings, one epoch, seed 0. It takes a second or two on a laptop CPU.

# %%
train_data, test_data = source_dataset(seed=0)
cfg = default_config(progress=False)
result = run_model(cfg, train_data, test_data)
mu, cov = np.array(SOURCE_MU), np.array(SOURCE_COV)
print(f"test loss after training: {result.test_losses[-1, 0]:.4f} nats per data point")

# %% [markdown]
# ## True versus learned distribution
#
# To generate new data, the VAE draws $\mathbf{z} \sim \mathcal{N}(\mathbf{0}, I)$ from the
# prior and then $\mathbf{x} \sim p_\theta(\mathbf{x} \mid \mathbf{z}) =
# \mathcal{N}\big(\boldsymbol{\mu}_x(\mathbf{z}), \operatorname{diag}(\boldsymbol{\sigma}_x^2(\mathbf{z}))\big)$.
# `run_model` already did this once at the end of training and stored the result in
# `result.samples_with_noise` (1,000 points). `plot_density` draws a 2-D histogram of samples
# under the contours of the true density:

# %%
show_source(plot_density)

# %% [markdown]
# We draw 1,000 test points and the 1,000 generated points side by side, on the same axes, so
# the two histograms are directly comparable.
#
# > **If you are reading the source blog post:** its "learned distribution" panel plots
# > `result[-1][-3]`, which is the list of samples saved after each training step, indexed at
# > the third-to-last step. Those are not the final model's samples (and with
# > `sample_each_step=False` the same index silently picks something else). Here the final
# > samples have a name: `result.samples_with_noise`.

# %%
true_points = test_data[: cfg.n_samples]
learned_points = result.samples_with_noise
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
plot_density(axes[0], true_points, mu, cov, "1,000 test points (true distribution)", bins=40)
plot_density(axes[1], learned_points, mu, cov, "1,000 generated points (learned)", bins=40)
fig.suptitle("Histograms of samples under the contours of the true density")
fig.tight_layout()
plt.show()

# %% [markdown]
# By eye the two look alike. Numbers are more honest than eyes: we compare the sample mean and
# covariance of the generated points with the true $\boldsymbol{\mu}$ and $\Sigma$, and, as a
# yardstick, with the same statistics of 1,000 true test points (which differ from
# $\boldsymbol{\mu}$ and $\Sigma$ only by sampling error).

# %%
for name, points in (("test points", true_points), ("generated", learned_points)):
    m, c = points.mean(axis=0), np.cov(points.T)
    print(f"{name:12s} mean {m.round(3)}  cov [[{c[0, 0]:.3f}, {c[0, 1]:.3f}], "
          f"[{c[1, 0]:.3f}, {c[1, 1]:.3f}]]")
print(f"{'true':12s} mean {mu}  cov {cov.tolist()}")

assert np.abs(learned_points.mean(axis=0) - mu).max() < 0.15
assert np.abs(np.cov(learned_points.T) - cov).max() < 0.2

# %% [markdown]
# After only one epoch (79 steps) the generated mean and covariance are within about 0.1 of the
# truth; the test points themselves are within a few hundredths. Notebook 07 trains longer and
# measures the remaining difference with the exact likelihood.

# %% [markdown]
# ## With and without the decoder's noise
#
# `generate_samples` can return either a draw from $p_\theta(\mathbf{x} \mid \mathbf{z})$
# (`noise=True`) or just its mean $\boldsymbol{\mu}_x(\mathbf{z})$ (`noise=False`). For images
# one often shows the means, because pixel-wise noise looks like static. Here the difference is
# instructive.

# %%
show_source(generate_samples)

# %% [markdown]
# We plot both sets from the trained model: `result.samples_no_noise` (the means) on top of
# `result.samples_with_noise`.

# %%
xx, yy, density = density_grid(mu, cov, (-3, 5), (-3, 4))
fig, ax = plt.subplots(figsize=(6.5, 5.5))
ax.contour(xx, yy, density, levels=8, colors="darkorange", linewidths=1)
ax.scatter(*result.samples_with_noise.T, s=4, alpha=0.4, color="tab:blue",
           label=r"with noise: $\mathbf{x} \sim p_\theta(\mathbf{x} \mid \mathbf{z})$")
ax.scatter(*result.samples_no_noise.T, s=4, color="tab:red",
           label=r"without noise: $\boldsymbol{\mu}_x(\mathbf{z})$")
ax.set(title="Generated samples with and without the decoder's noise", xlabel="$x_1$",
       ylabel="$x_2$", xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax.legend(loc="lower right", markerscale=3)
plt.show()

# %% [markdown]
# The means fall on a thin, nearly straight line along the diagonal, even though $\mathbf{z}$
# is two-dimensional. Why?
#
# The decoder says $\mathbf{x} = \boldsymbol{\mu}_x(\mathbf{z}) + \boldsymbol{\sigma}_x(\mathbf{z})
# \odot \boldsymbol{\epsilon}$ with *independent* noise in $x_1$ and $x_2$. Independent noise
# cannot produce the correlation between $x_1$ and $x_2$, so the correlated part of the data
# has to come from $\mathbf{z}$; the rest can come from the noise. Our $\Sigma$ splits exactly
# that way:
#
# $$
# \Sigma = \begin{pmatrix} 1 & 0.5 \\ 0.5 & 1 \end{pmatrix}
# = \underbrace{\begin{pmatrix} 0.5 & 0.5 \\ 0.5 & 0.5 \end{pmatrix}}_{\text{along } (1, 1)
# \text{, from } \mathbf{z}}
# + \underbrace{\begin{pmatrix} 0.5 & 0 \\ 0 & 0.5 \end{pmatrix}}_{\text{independent noise}}.
# $$
#
# The first part has rank one: a single latent direction, moving $\mathbf{x}$ along the line
# $x_1 = x_2$, is enough. Every nat of information the encoder puts into $\mathbf{z}$ costs KL,
# so the model uses one latent dimension and leaves the other at the prior, where it costs
# nothing. The means $\boldsymbol{\mu}_x(\mathbf{z})$ therefore trace a one-dimensional curve,
# and the decoder's noise, ideally with variance 0.5 in each coordinate, spreads the points
# back out into the full ellipse. (This is the factor-analysis model; notebook 07 measures how close
# the trained VAE gets to its optimum.)
#
# Let us check this with numbers: the covariance of the means should be nearly rank one, with
# its main direction along $(1, 1)/\sqrt{2}$; and by the law of total covariance,
# $\operatorname{Cov}[\mathbf{x}] = \operatorname{Cov}[\boldsymbol{\mu}_x(\mathbf{z})] +
# \mathbb{E}\big[\operatorname{diag}(\boldsymbol{\sigma}_x^2(\mathbf{z}))\big]$ should add up to
# roughly $\Sigma$.

# %%
cov_means = np.cov(result.samples_no_noise.T)
eigenvalues, eigenvectors = np.linalg.eigh(cov_means)  # ascending order
direction = eigenvectors[:, -1] * np.sign(eigenvectors[0, -1])  # an eigenvector's sign is arbitrary
print(f"eigenvalues of Cov[mu_x]: {eigenvalues.round(4)}  main direction: {direction.round(3)}")

with torch.no_grad():
    z = torch.randn(10_000, cfg.latent_dim, generator=torch.Generator().manual_seed(1))
    _, log_var_x = result.model.decode(z)
noise_var = log_var_x.exp().mean(dim=0).numpy()
print(f"mean decoder variance E[sigma_x^2]: {noise_var.round(3)}")
print("Cov[mu_x] + diag(E[sigma_x^2]):\n", (cov_means + np.diag(noise_var)).round(3))

assert eigenvalues[0] < 0.05 * eigenvalues[-1]  # nearly rank one: the means lie on a line
assert abs(direction @ np.array([1, 1]) / np.sqrt(2)) > 0.99  # ... along the diagonal
assert np.abs(cov_means + np.diag(noise_var) - cov).max() < 0.2  # the two parts add up to Sigma

# %% [markdown]
# The ideal split above has one eigenvalue of $\operatorname{Cov}[\boldsymbol{\mu}_x]$ equal to
# 1 (along the diagonal) and the other 0, with decoder variances of 0.5. After one short epoch
# the model is close on the eigenvalues, while its decoder variances are a little too large:
# that is why the generated points above have slightly too large variances on the diagonal of
# their covariance.

# %% [markdown]
# ## How the samples improve during training
#
# With `cfg.sample_each_step = True`, `run_model` drew 1,000 samples after every one of the 79
# training steps (`result.samples_per_step`, shape `[steps, n_samples, 2]`). `plot_samples_grid`
# shows the true data and then 15 snapshots, evenly spaced from the first step to the last:

# %%
show_source(plot_samples_grid)

# %%
fig = plot_samples_grid(result.samples_per_step, test_data[: cfg.n_samples])
fig.suptitle("Generated samples across training (green) and the true data (blue)", y=1.015)
plt.show()

# %% [markdown]
# After the first step the samples are a round, too-wide blob off-centre. Within the first
# dozen or so steps the cloud moves to the right place, but it stays round; only after about 40
# steps does it pick up the tilt of the ellipse, the correlation between $x_1$ and $x_2$. That
# is the part the model can only get through $\mathbf{z}$, so it appears once the encoder has
# started to use its latents (the rising KL in notebook 05). We can follow the same story in numbers: the largest error in
# the sample covariance shrinks as training goes on.

# %%
checkpoints = [0, 9, 39, len(result.samples_per_step) - 1]
cov_errors = [np.abs(np.cov(result.samples_per_step[s].T) - cov).max() for s in checkpoints]
for step, err in zip(checkpoints, cov_errors):
    print(f"after step {step + 1:2d}: max |sample cov - Sigma| = {err:.3f}")
assert cov_errors[-1] < cov_errors[0]

# %% [markdown]
# ## The latent space
#
# Finally we look at the other direction: the encoder $q_\phi(\mathbf{z} \mid \mathbf{x})$.
# `plot_latents` encodes the test points and scatters their means $\boldsymbol{\mu}_z$,
# coloured by $x_1 + x_2$, the position along the data's long axis:

# %%
show_source(plot_latents)

# %% [markdown]
# Next to it we measure how much each latent dimension is used: the KL of that dimension,
# averaged over the test set (with `gaussian_kl` from notebook 04). A dimension the encoder
# ignores stays at the prior, $\mu_j = 0$ and $\sigma_j = 1$, and has a KL of zero.

# %%
with torch.no_grad():
    mu_z, log_var_z = result.model.encode(torch.from_numpy(test_data))
kl_per_dim = gaussian_kl(mu_z, log_var_z).mean(dim=0).numpy()

fig, (ax_latent, ax_kl) = plt.subplots(1, 2, figsize=(12, 4.6),
                                       gridspec_kw={"width_ratios": [1.6, 1]})
plot_latents(ax_latent, result.model, test_data)
ax_latent.set(xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), aspect="equal")  # same scale on both axes
ax_kl.bar(["$z_1$", "$z_2$"], kl_per_dim, color="tab:purple")
ax_kl.set(title="KL per latent dimension (test mean)", xlabel="latent dimension",
          ylabel="nats per data point")
fig.tight_layout()
plt.show()
print(f"KL per latent dimension: {kl_per_dim.round(4)} nats")

# %% [markdown]
# We drew both latent axes on the same scale, the scale of the prior $\mathcal{N}(0, 1)$. One
# latent dimension carries almost all of the KL; along it, the encoder means spread over the
# width of the prior and vary smoothly with $x_1 + x_2$, so the colours form a gradient. The
# other dimension is nearly unused: its means stay within a few tenths of zero, and its KL is
# close to zero. This is the same picture as the line of
# decoder means above, seen from the encoder's side. (Which of the two dimensions wins depends
# on the random initialisation.)

# %%
active = int(np.argmax(kl_per_dim))
corr = np.corrcoef(mu_z[:, active].numpy(), test_data.sum(axis=1))[0, 1]
print(f"active dimension: z_{active + 1}; correlation of its mean with x1 + x2: {corr:.3f}")
assert kl_per_dim.min() < 0.1 * kl_per_dim.max()  # one dimension is (nearly) unused
assert abs(corr) > 0.95  # the active dimension encodes the position along the long axis

# %% [markdown]
# ## Summary
#
# - The final generated samples, `result.samples_with_noise`, match the true distribution
#   closely after one epoch: mean and covariance within about 0.1.
# - Without the decoder's noise, the samples are the means $\boldsymbol{\mu}_x(\mathbf{z})$;
#   they lie on a line along $(1, 1)$, because $\mathbf{z}$ only needs to explain the correlated
#   part of $\Sigma$ and independent noise explains the rest.
# - The grid of snapshots shows the model finding the location and scale within a few steps,
#   and the correlation more slowly.
# - The encoder uses one latent dimension, which encodes the position along the data's long
#   axis; the other stays at the prior and costs no KL.
#
# **Next:** [07 · Evaluation](07_evaluation.ipynb) asks how close this is to the truth in the
# one measure that matters for a density model, the likelihood: the exact $-\log p(\mathbf{x})$
# against the $-$ELBO and a tighter importance-weighted estimate.
