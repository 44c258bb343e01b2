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
# - what the encoder does: where it puts the test points in latent space, and what a
#   reconstruction $\mathbf{x} \to \mathbf{z} \to \hat{\mathbf{x}}$ looks like;
# - what the decoder does along each latent dimension, the used one and the unused one.

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
    VAE,
    default_config,
    gaussian_kl,
    generate_samples,
    run_model,
    show_source,
    source_dataset,
)
from vae_tutorial.plotting import (
    density_grid,
    plot_density,
    plot_latents,
    plot_samples_grid,
)

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
plot_density(axes[0], true_points, mu, cov, "1,000 test points (true distribution)",
             bins=40)
plot_density(axes[1], learned_points, mu, cov, "1,000 generated points (learned)",
             bins=40)
fig.suptitle("Histograms of samples under the contours of the true density")
fig.tight_layout()
plt.show()

# %% [markdown]
# By eye the two look alike. Eyes are a poor judge of a tilt, though, and notebook 05's
# likelihood put this one-epoch model only about halfway from the ignore-$z$ ceiling down to
# the exact floor. Numbers are more honest: we compare the sample mean and covariance of the
# generated points with the true $\boldsymbol{\mu}$ and $\Sigma$, and, as a yardstick, with
# the same statistics of 1,000 true test points (which differ from $\boldsymbol{\mu}$ and
# $\Sigma$ only by sampling error).

# %%
for name, points in (("test points", true_points), ("generated", learned_points)):
    m, c = points.mean(axis=0), np.cov(points.T)
    print(f"{name:12s} mean {m.round(3)}  cov [[{c[0, 0]:.3f}, {c[0, 1]:.3f}], "
          f"[{c[1, 0]:.3f}, {c[1, 1]:.3f}]]")
print(f"{'true':12s} mean {mu}  cov {cov.tolist()}")

cov_error = np.cov(learned_points.T) - cov
print("generated cov - Sigma:", cov_error.round(3).tolist())
assert np.abs(learned_points.mean(axis=0) - mu).max() < 0.15
assert np.abs(cov_error).max() < 0.2
assert cov_error[0, 1] < -0.05  # too little correlation (this seed)
assert np.abs(np.cov(true_points.T) - cov).max() < 0.06  # the yardstick

# %% [markdown]
# After one epoch (79 steps) the generated mean and covariance are off by up to about 0.15
# in this run, while the test points themselves are within a few hundredths. The clearest
# miss is the covariance between $x_1$ and $x_2$: too small, so the generated cloud is
# tilted less than the data. The correlation is exactly the part of the data that only
# $\mathbf{z}$ can explain (next section), and it is what one epoch has learned least: the
# same "about halfway" that the likelihood showed in notebook 05. Notebook 07 trains longer
# and measures the remaining difference with the exact likelihood.

# %% [markdown]
# ## With and without the decoder's noise
#
# `generate_samples` draws $\mathbf{z}$ from the prior and hands it to `VAE.sample_x`, which
# returns either a draw from $p_\theta(\mathbf{x} \mid \mathbf{z})$ (`noise=True`) or just
# its mean $\boldsymbol{\mu}_x(\mathbf{z})$ (`noise=False`). For images one often shows the
# means, because pixel-wise noise looks like static. Here the difference is instructive.

# %%
show_source(generate_samples)

# %%
show_source(VAE.sample_x)

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
# has to come from $\mathbf{z}$; the rest can come from the noise. One way to split our
# $\Sigma$ like that is
#
# $$
# \Sigma = \begin{pmatrix} 1 & 0.5 \\ 0.5 & 1 \end{pmatrix}
# = \underbrace{\begin{pmatrix} 0.5 & 0.5 \\ 0.5 & 0.5 \end{pmatrix}}_{\text{along } (1, 1)
# \text{, from } \mathbf{z}}
# + \underbrace{\begin{pmatrix} 0.5 & 0 \\ 0 & 0.5 \end{pmatrix}}_{\text{independent noise}}.
# $$
#
# The first part has rank one: a single latent direction, moving $\mathbf{x}$ along the line
# $x_1 = x_2$, is enough. But it is not the only split that works. Less noise and more
# $\mathbf{z}$ works too: $\Sigma = (\Sigma - sI) + sI$ for any noise variance $0 < s \le
# 0.5$, where the first part now has rank two and uses both latent dimensions; so do splits
# with unequal noise in the two coordinates. Every one of them reproduces $\Sigma$ exactly,
# and notebook 07 shows that they all have the same ELBO: the optimum is a *ridge*, not a
# point. What singles out the split above is that it puts the *least* information into
# $\mathbf{z}$ (the lowest KL, or rate, of all exact fits), and training tends to end there;
# notebook 07 measures how close, for a longer run and more than one seed. When it does, one
# latent dimension is used and the other stays at the prior, the means
# $\boldsymbol{\mu}_x(\mathbf{z})$ trace a one-dimensional curve, and the decoder's noise,
# with variance 0.5 in each coordinate at that point of the ridge, spreads the points back
# out into the full ellipse.
#
# Let us check this with numbers: the covariance of the means should be nearly rank one, with
# its main direction along $(1, 1)/\sqrt{2}$; and by the law of total covariance,
# $\operatorname{Cov}[\mathbf{x}] = \operatorname{Cov}[\boldsymbol{\mu}_x(\mathbf{z})] +
# \mathbb{E}\big[\operatorname{diag}(\boldsymbol{\sigma}_x^2(\mathbf{z}))\big]$ should add up to
# roughly $\Sigma$.

# %%
cov_means = np.cov(result.samples_no_noise.T)
eigenvalues, eigenvectors = np.linalg.eigh(cov_means)  # ascending order
# An eigenvector's sign is arbitrary: make its first entry positive.
direction = eigenvectors[:, -1] * np.sign(eigenvectors[0, -1])
print(f"eigenvalues of Cov[mu_x]: {eigenvalues.round(4)}, "
      f"main direction: {direction.round(3)}")

with torch.no_grad():
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(10_000, cfg.latent_dim, generator=gen)
    _, log_var_x = result.model.decode(z)
noise_var = log_var_x.exp().mean(dim=0).numpy()
print(f"mean decoder variance E[sigma_x^2]: {noise_var.round(3)}")
print("Cov[mu_x] + diag(E[sigma_x^2]):\n", (cov_means + np.diag(noise_var)).round(3))

assert eigenvalues[0] < 0.05 * eigenvalues[-1]  # nearly rank one: the means on a line
assert abs(direction @ np.array([1, 1]) / np.sqrt(2)) > 0.99  # ... along the diagonal
# The two parts add up to roughly Sigma:
assert np.abs(cov_means + np.diag(noise_var) - cov).max() < 0.2
# This seed after one epoch: too little variance from z, too much from the noise.
assert eigenvalues[-1] < 0.9 and noise_var.min() > 0.55

# %% [markdown]
# At the lowest-rate point of the ridge, $\operatorname{Cov}[\boldsymbol{\mu}_x]$ has
# eigenvalues 1 (along the diagonal) and 0, and the decoder variances are 0.5. After one
# short epoch this run is already rank one, but its large eigenvalue is well below 1 and its
# decoder variances are well above 0.5 (the numbers above): too much of the data's spread is
# still put down to independent noise and too little to $\mathbf{z}$. That is the missing
# correlation again, seen from the decoder's side.

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
fig.suptitle("Generated samples across training (green) and the true data (blue)",
             y=1.015)
plt.show()

# %% [markdown]
# What this run shows: after the first step the samples are a round, too-wide blob
# off-centre. Within the first dozen or so steps the cloud moves towards the right place,
# but the tilt of the ellipse, the correlation between $x_1$ and $x_2$, builds up only
# gradually (and not monotonically), and is still short of the data's 0.5 at the end. That
# is the part the model can only get through $\mathbf{z}$, so it grows as the encoder starts
# to use its latents (the rising KL in notebook 05). The numbers at a few checkpoints:

# %%
checkpoints = [0, 9, 19, 39, len(result.samples_per_step) - 1]
mean_errors, correlations, cov_errors = [], [], []
for s in checkpoints:
    points = result.samples_per_step[s]
    mean_errors.append(np.abs(points.mean(axis=0) - mu).max())
    correlations.append(np.corrcoef(points.T)[0, 1])
    cov_errors.append(np.abs(np.cov(points.T) - cov).max())
    print(f"after step {s + 1:2d}: max |mean - mu| {mean_errors[-1]:.3f}, "
          f"corr. {correlations[-1]:+.3f}, max |cov - Sigma| {cov_errors[-1]:.3f}")
assert mean_errors[1] < mean_errors[0] and cov_errors[-1] < cov_errors[0]
assert abs(correlations[0]) < 0.1 < 0.25 < correlations[-1] < 0.45  # this seed

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
# The same scale on both axes:
ax_latent.set(xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), aspect="equal")
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
# other dimension is nearly unused: its means stay close to zero, with a spread several
# times smaller (the cell below prints both), and its KL is close to zero. This is the same picture as the line of decoder means
# above, seen from the encoder's side. (Which of the two dimensions wins depends on the
# random initialisation.)

# %%
active = int(np.argmax(kl_per_dim))
dead = 1 - active
corr = np.corrcoef(mu_z[:, active].numpy(), test_data.sum(axis=1))[0, 1]
print(f"active dimension: z_{active + 1}; "
      f"correlation of its mean with x1 + x2: {corr:.3f}")
spread_active, spread_dead = mu_z[:, active].std().item(), mu_z[:, dead].std().item()
print(f"standard deviation of the means: z_{active + 1} {spread_active:.3f}, "
      f"z_{dead + 1} {spread_dead:.3f}")
assert kl_per_dim.min() < 0.1 * kl_per_dim.max()  # one dimension is (nearly) unused
assert abs(corr) > 0.95  # the active dimension encodes the position along the long axis
assert spread_dead < 0.3 * spread_active

# %% [markdown]
# ## One reconstruction: $\mathbf{x} \to \mathbf{z} \to \hat{\mathbf{x}}$
#
# An autoencoder is usually judged by how well it reconstructs its input, so let us follow
# one test point through both networks: the encoder gives $q_\phi(\mathbf{z} \mid \mathbf{x})$,
# we take its mean $\boldsymbol{\mu}_z$ (and, for comparison, a few draws from it), and the
# decoder's `sample_x` turns each code back into its mean $\hat{\mathbf{x}} =
# \boldsymbol{\mu}_x(\mathbf{z})$. We pick a test point well off the diagonal line, to see what
# happens to the part of $\mathbf{x}$ that $\mathbf{z}$ does not carry.

# %%
x_point = test_data[[np.argmax(np.abs(test_data[:, 0] - test_data[:, 1]))]]  # [1, 2]
with torch.no_grad():
    x_tensor = torch.from_numpy(x_point)
    mu_z_1, log_var_z_1 = result.model.encode(x_tensor)
    x_hat = result.model.sample_x(mu_z_1)  # decoder mean at the encoder mean
    gen = torch.Generator().manual_seed(3)
    z_draws = mu_z_1 + torch.exp(log_var_z_1 / 2) * torch.randn(200, 2, generator=gen)
    x_hat_draws = result.model.sample_x(z_draws)  # decoder means at 200 draws of z
print(f"x = {x_point[0].round(3)}  ->  mu_z = {mu_z_1[0].numpy().round(3)}, "
      f"sigma_z = {torch.exp(log_var_z_1[0] / 2).numpy().round(3)}")
print(f"x_hat = mu_x(mu_z) = {x_hat[0].numpy().round(3)}")

fig, ax = plt.subplots(figsize=(6.5, 5.5))
ax.contour(xx, yy, density, levels=8, colors="darkorange", linewidths=1)
ax.scatter(*result.samples_no_noise.T, s=2, color="lightgray",
           label=r"decoder means $\boldsymbol{\mu}_x(\mathbf{z})$, "
                 r"$\mathbf{z} \sim p(\mathbf{z})$")
ax.scatter(*x_hat_draws.numpy().T, s=6, color="tab:green",
           label=r"$\boldsymbol{\mu}_x(\mathbf{z})$, "
                 r"$\mathbf{z} \sim q_\phi(\mathbf{z}|\mathbf{x})$")
ax.plot(*x_point[0], "k*", ms=14, label=r"the test point $\mathbf{x}$")
ax.plot(*x_hat[0].numpy(), "rX", ms=11, label=r"$\hat{\mathbf{x}}$ from the mean code")
ax.set(title=r"One reconstruction $\mathbf{x} \to \mathbf{z} \to \hat{\mathbf{x}}$",
       xlabel="$x_1$", ylabel="$x_2$", xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# The reconstruction lands on the line of decoder means, near the point's projection
# onto the diagonal direction (1, 1) / sqrt(2) through the mean:
u = np.array([1.0, 1.0]) / np.sqrt(2)
projection = mu + ((x_point[0] - mu) @ u) * u
print(f"projection of x onto the diagonal: {projection.round(3)}")
assert np.abs(x_hat[0].numpy() - projection).max() < 0.5
assert np.linalg.norm(x_hat[0].numpy() - x_point[0]) > 1.0  # far from x itself

# %% [markdown]
# The reconstruction is *not* the input. The code $\mathbf{z}$ carries (almost only) the
# position along the diagonal, so $\hat{\mathbf{x}}$ lands on the line of decoder means, near
# the projection of $\mathbf{x}$ onto it; the distance across the line is exactly what the
# model leaves to the decoder's independent noise. Draws of $\mathbf{z}$ from $q_\phi$ (green)
# spread the reconstruction along the line: the encoder is not certain of the code. For a VAE
# this is by design, not a failure: it is a density model, and on this data the ridge's
# lowest-rate point reconstructs only what is shared between $x_1$ and $x_2$.
#
# ## Walking along each latent dimension
#
# What does the decoder do with each dimension? We fix one latent at 0 and move the other
# from $-2.5$ to $2.5$ (the bulk of the prior), decoding the means $\boldsymbol{\mu}_x$ along
# the way. (Notebook 07 asks the same question of the encoder with the KL per dimension; a
# dimension that the *encoder* ignores can still move the *decoder's* output.)

# %%
steps = torch.linspace(-2.5, 2.5, 11)
paths = {}
with torch.no_grad():
    for name, j in (("active", active), ("unused", dead)):
        z_path = torch.zeros(len(steps), 2)
        z_path[:, j] = steps
        paths[name] = result.model.sample_x(z_path).numpy()  # [11, 2] decoder means

fig, ax = plt.subplots(figsize=(6.5, 5.5))
ax.contour(xx, yy, density, levels=8, colors="darkorange", linewidths=1)
for (name, path), color in zip(paths.items(), ("tab:blue", "tab:red")):
    j = active if name == "active" else dead
    ax.plot(*path.T, "o-", color=color, ms=4,
            label=rf"{name}: $z_{j + 1}$ from $-2.5$ to $2.5$, other $= 0$")
    ax.annotate("start", path[0], textcoords="offset points", xytext=(5, 5), fontsize=8)
ax.set(title="Decoder means along each latent dimension", xlabel="$x_1$",
       ylabel="$x_2$", xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax.legend(loc="lower right", fontsize=8)
plt.show()

lengths = {name: np.linalg.norm(np.diff(path, axis=0), axis=1).sum()
           for name, path in paths.items()}
print("length of each decoded path:",
      {k: round(float(v), 2) for k, v in lengths.items()})
assert lengths["active"] > 3 * lengths["unused"]

# %% [markdown]
# Along the active dimension the decoded means sweep the whole diagonal of the data, bending
# a little where the $\tanh$ units saturate. Along the unused one they move much less, but in
# this one-epoch model not zero: the encoder has switched that dimension off (its
# $q_\phi(z_j \mid \mathbf{x})$ is the prior for every $\mathbf{x}$), yet the decoder still
# responds to it a little. Since new samples draw that dimension from the prior, the decoder's
# response adds some extra spread to the generated points.

# %% [markdown]
# ## Exercises
#
# **1. The centre of the code.** Which point does the decoder return for $\mathbf{z} =
# \mathbf{0}$, the centre of the prior? Predict it before decoding.

# %% tags=["hide-cell"]
# Roughly the data mean mu = (1, 0.5): the prior's centre codes the middle of the line.
# (After one short epoch it is off by about a tenth.)
with torch.no_grad():
    centre = result.model.sample_x(torch.zeros(1, 2))[0].numpy()
print("mu_x(0) =", centre.round(3), " data mean:", mu)
assert np.abs(centre - mu).max() < 0.25

# %% [markdown]
# **2. A point across the line.** Reconstruct $\mathbf{x} = \boldsymbol{\mu} + (1, -1)$, a
# point straight across the data's long axis from the mean. Predict $\hat{\mathbf{x}}$.

# %% tags=["hide-cell"]
# Its projection onto the diagonal is the mean itself, so the code is near 0 and the
# reconstruction lands near mu (near mu_x(0) of exercise 1): the offset across the line
# is left to the noise.
x_across = torch.tensor([[mu[0] + 1, mu[1] - 1]], dtype=torch.float32)
with torch.no_grad():
    x_hat_across = result.model.sample_x(result.model.encode(x_across)[0])[0].numpy()
print("x =", x_across[0].numpy(), " x_hat =", x_hat_across.round(3))
assert np.abs(x_hat_across - centre).max() < 0.3

# %% [markdown]
# **3. The noise at one code.** Draw 2,000 samples $\mathbf{x} \sim p_\theta(\mathbf{x} \mid
# \mathbf{z} = \mathbf{0})$ with `sample_x(..., noise=True)`. Predict their correlation.

# %% tags=["hide-cell"]
# Given z the decoder's noise is independent in x1 and x2 (a diagonal Gaussian), so the
# correlation is about 0, whatever the model learned: 2,000 draws give about +-0.02.
with torch.no_grad():
    gen = torch.Generator().manual_seed(5)
    at_zero = result.model.sample_x(torch.zeros(2000, 2), noise=True, generator=gen)
corr_at_zero = np.corrcoef(at_zero.numpy().T)[0, 1]
print(f"correlation of x1 and x2 given z = 0: {corr_at_zero:+.3f}")
assert abs(corr_at_zero) < 0.08

# %% [markdown]
# ## Summary
#
# - After one epoch the generated samples, `result.samples_with_noise`, look right by eye,
#   but their covariance is off by up to about 0.15, mostly a too-weak correlation: the part
#   only $\mathbf{z}$ can explain, and the "about halfway" of notebook 05's likelihood.
# - Without the decoder's noise, the samples are the means $\boldsymbol{\mu}_x(\mathbf{z})$;
#   they lie on a line along $(1, 1)$. Independent noise cannot make a correlation, so
#   $\mathbf{z}$ must explain it; the rank-one split with noise 0.5 is the lowest-rate of
#   many exact splits (a ridge, notebook 07), and the one training tends towards.
# - The grid of snapshots shows the model finding the location within a few steps, and the
#   correlation more slowly and unevenly.
# - The encoder uses one latent dimension, which encodes the position along the data's long
#   axis; the other stays near the prior and costs almost no KL. A reconstruction
#   $\mathbf{x} \to \mathbf{z} \to \hat{\mathbf{x}}$ keeps only the position along the
#   diagonal; decoding along the unused dimension moves the output much less than along the
#   active one, though not by zero after one epoch.
#
# **Next:** [07 · Evaluation](07_evaluation.ipynb) asks how close this is to the truth in the
# one measure that matters for a density model, the likelihood: the exact $-\log p(\mathbf{x})$
# against the $-$ELBO and a tighter importance-weighted estimate.
