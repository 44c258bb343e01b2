# %% [markdown]
# # 06 · Visualising what the VAE learned
#
# A loss curve says how well a model fits; pictures show *what* it learned. We compare the
# model's samples with the true distribution, look at its decoder with and without noise,
# watch the samples improve step by step, and open the encoder to see how it arranges the
# data in latent space. It needs the one-epoch model of [05 · Training](05_training.ipynb),
# retrained here in seconds.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/06_visualisation.ipynb)

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
# The picture: true and generated points after one epoch, and the decoder's means.
import matplotlib.pyplot as plt

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    default_config,
    run_model,
    source_dataset,
)
from vae_tutorial.plotting import plot_density

train_data, test_data = source_dataset(seed=0)
preview = run_model(default_config(progress=False), train_data, test_data)
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2), sharey=True)
plot_density(axes[0], test_data[:1000], SOURCE_MU, SOURCE_COV, "true: test points",
             bins=40)
plot_density(axes[1], preview.samples_with_noise, SOURCE_MU, SOURCE_COV,
             "learned: generated", bins=40)
plot_density(axes[2], preview.samples_no_noise, SOURCE_MU, SOURCE_COV,
             "learned: decoder means", bins=40)
axes[1].set_ylabel("")
axes[2].set_ylabel("")
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - how to compare the learned distribution with the true one, by eye and by numbers;
# - why samples *without* the decoder's noise fall on a line, and how the model splits the
#   data's variation between $\mathbf{z}$ and the noise;
# - how the samples improve during training;
# - what the encoder does, what a reconstruction $\mathbf{x} \to \mathbf{z} \to
#   \hat{\mathbf{x}}$ looks like, and what each latent dimension decodes to.

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
    quadrature_nll,
    show_source,
    true_log_prob,
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
# Each notebook runs on its own: the picture cell retrained notebook 05's model, the
# source post's data and settings, one epoch, seed 0.

# %%
cfg = preview.model.config  # the settings the picture cell trained with
result = preview  # run_model(cfg, train_data, test_data), trained once, above
mu, cov = np.array(SOURCE_MU), np.array(SOURCE_COV)
print(f"test -ELBO after one epoch: {result.test_losses[-1, 0]:.4f} nats per point")

# %% [markdown]
# ## True versus learned distribution
#
# To generate, the VAE draws $\mathbf{z} \sim \mathcal{N}(\mathbf{0}, I)$ and then
# $\mathbf{x} \sim p_\theta(\mathbf{x} \mid \mathbf{z})$. `run_model` did this 1,000 times at
# the end of training and kept the points in `result.samples_with_noise`. `plot_density`
# draws a 2-D histogram of points under the contours of the true density:

# %%
show_source(plot_density)

# %% [markdown]
# <details><summary><b>For readers of the source post</b></summary>
#
# The post's "learned distribution" panel plots `result[-1][-3]`: the samples saved after
# each training step, indexed at the third-to-last step. Those are not the final model's
# samples, and with `sample_each_step=False` the same index picks something else. Here the
# final samples have a name, `result.samples_with_noise`.
#
# </details>

# %%
true_points, learned_points = test_data[: cfg.n_samples], result.samples_with_noise
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
plot_density(axes[0], true_points, mu, cov, "1,000 test points (true)", bins=40)
plot_density(axes[1], learned_points, mu, cov, "1,000 generated points (learned)",
             bins=40)
fig.suptitle("Histograms of samples under the contours of the true density")
fig.tight_layout()
plt.show()

for name, points in (("test points", true_points), ("generated", learned_points)):
    m, c = points.mean(axis=0), np.cov(points.T)
    print(f"{name:12s} mean {m.round(3)}  cov [[{c[0, 0]:.3f}, {c[0, 1]:.3f}], "
          f"[{c[1, 0]:.3f}, {c[1, 1]:.3f}]]")
print(f"{'true':12s} mean {mu}  cov {cov.tolist()}")

# %% [markdown]
# By eye the two look alike. The numbers are more honest: the test points match the true
# $\boldsymbol{\mu}$ and $\Sigma$ to a few hundredths (sampling error), the generated ones
# are off by up to about 0.15. The clearest miss is the covariance of $x_1$ and $x_2$, too
# small: the generated cloud is tilted less than the data.
#
# ## With and without the decoder's noise
#
# `generate_samples` hands prior draws of $\mathbf{z}$ to `VAE.sample_x`, which returns a
# draw from $p_\theta(\mathbf{x} \mid \mathbf{z})$ (`noise=True`) or only its mean
# $\boldsymbol{\mu}_x(\mathbf{z})$ (`noise=False`):

# %%
show_source(generate_samples)

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
# The means fall on a thin line along the diagonal, although $\mathbf{z}$ is 2-D. The
# decoder's noise is *independent* in $x_1$ and $x_2$, so it cannot make their correlation:
# that part must come from $\mathbf{z}$. One exact split of our $\Sigma$ is
#
# $$
# \Sigma = \begin{pmatrix} 1 & 0.5 \\ 0.5 & 1 \end{pmatrix}
# = \underbrace{\begin{pmatrix} 0.5 & 0.5 \\ 0.5 & 0.5 \end{pmatrix}}_{\text{from }
# \mathbf{z} \text{, along } (1, 1)}
# + \underbrace{\begin{pmatrix} 0.5 & 0 \\ 0 & 0.5 \end{pmatrix}}_{\text{independent noise}},
# $$
#
# whose $\mathbf{z}$ part has rank one: decoded, the codes fall on a line. Other splits,
# with less noise and more from $\mathbf{z}$, fit $\Sigma$ exactly too (notebook 09).
# This one is special (with noise independent in $x_1$ and $x_2$, as here): among exact
# fits whose bound is tight (ELBO $= \log p(\mathbf{x})$), none has an encoder that pays
# less KL on average: $\tfrac12\ln 3 \approx 0.549$ nats, Wyner's common information
# (notebook 09).
#
# Our one-epoch model does not split $\Sigma$ like this. By the law of total covariance,
# $\operatorname{Cov}[\mathbf{x}] = \operatorname{Cov}[\boldsymbol{\mu}_x(\mathbf{z})] +
# \mathbb{E}[\operatorname{diag}(\boldsymbol{\sigma}_x^2(\mathbf{z}))]$; we measure both
# parts:

# %%
cov_means = np.cov(result.samples_no_noise.T)
eigenvalues, eigenvectors = np.linalg.eigh(cov_means)  # ascending order
direction = eigenvectors[:, -1] * np.sign(eigenvectors[0, -1])  # sign is arbitrary
with torch.no_grad():
    z = torch.randn(10_000, cfg.latent_dim, generator=torch.Generator().manual_seed(1))
    noise_var = result.model.decode(z)[1].exp().mean(dim=0).numpy()  # E[sigma_x^2]
kl_total = result.test_losses[-1, 2]
print(f"eigenvalues of Cov[mu_x] {eigenvalues.round(3)} (least-KL split: 0 and 1), "
      f"along {direction.round(3)}")
print(f"decoder variances E[sigma_x^2] {noise_var.round(2)} (least-KL split: 0.5, 0.5)")
print(f"KL {kl_total:.2f} nats (least-KL split: {0.5 * np.log(3):.3f})")
total_cov = cov_means + np.diag(noise_var)
print("Cov[mu_x] + diag(E[sigma_x^2]):", total_cov.round(2).tolist())
exact_fit_test = np.prod(1 - noise_var)  # an exact fit needs >= 1/4
print(f"(1 - psi_1)(1 - psi_2) with psi = E[sigma_x^2]: {exact_fit_test:.2f}")
neg_elbo = result.test_losses[-1, 0]
model_nll = quadrature_nll(result.model, test_data)  # exact, by a grid over z
floor = -true_log_prob(test_data, mu, cov).mean()
print(f"test -ELBO {neg_elbo:.3f} | the model's own -log p_theta(x) {model_nll:.3f} | "
      f"floor {floor:.3f}")

# %% [markdown]
# The two parts add up to roughly $\Sigma$, but split wrongly. An exact fit needs
# $\Sigma - \operatorname{diag}(\boldsymbol{\psi})$, $\boldsymbol{\psi} =
# \mathbb{E}[\boldsymbol{\sigma}_x^2]$, to be a covariance (it is
# $\operatorname{Cov}[\boldsymbol{\mu}_x]$): $(1-\psi_1)(1-\psi_2) \ge \tfrac14$, so a top
# eigenvalue of at least 1. Our variances, 0.72 and 0.62, are too much noise for any
# exact fit: the product is 0.11, the top eigenvalue 0.75. Too little of the spread is
# put down to $\mathbf{z}$: the missing correlation, left by one short epoch.
#
# The line is not a flaw of training: the split above has its means on a line too, and
# the converged model of notebook 09 also uses one latent dimension. Nor is a KL of 0.39,
# below 0.549, a contradiction: 0.549 is the least KL of an exact fit with a tight bound,
# and this model is neither (an exact-fit decoder with an encoder equal to the prior
# pays a KL of 0). Its $-$ELBO, 2.76, lies 0.04 nats above its own $-\log
# p_\theta(\mathbf{x})$, 2.72 (exact, by a grid over $\mathbf{z}$: `quadrature_nll`,
# notebook 12), 0.03 above the floor.
#
# ## How the samples improve during training
#
# `run_model` also drew 1,000 samples after each of the 79 steps
# (`result.samples_per_step`, `[steps, n_samples, 2]`). `plot_samples_grid` shows the true
# data, then 15 snapshots from the first step to the last:

# %%
fig = plot_samples_grid(result.samples_per_step, true_points)
fig.suptitle("Generated samples across training (green) and the true data (blue)",
             y=1.015)
plt.show()

checkpoints = [0, 9, 19, 39, len(result.samples_per_step) - 1]
mean_errors, correlations = [], []
for s in checkpoints:
    points = result.samples_per_step[s]
    mean_errors.append(np.abs(points.mean(axis=0) - mu).max())
    correlations.append(np.corrcoef(points.T)[0, 1])
    print(f"after step {s + 1:2d}: max |mean - mu| {mean_errors[-1]:.3f}, "
          f"correlation {correlations[-1]:+.3f}")

# %% [markdown]
# After the first step the samples are a round blob off-centre. By step 40 the centre of
# the cloud is within 0.03 of the data's, but it does not stay there: after the last step
# it is 0.10 off. The correlation, the part only $\mathbf{z}$ can explain, builds up
# slowly and unevenly, and is still short of the data's 0.5 at the end.
#
# ## The latent space
#
# Now the encoder $q_\phi(\mathbf{z} \mid \mathbf{x})$. `plot_latents` scatters the encoder
# means $\boldsymbol{\mu}_z$ of the test points, coloured by $x_1 + x_2$, the position along
# the data's long axis. Beside it, the KL of each latent dimension, averaged over the test
# set (`gaussian_kl`, notebook 04): how much the encoder uses it.

# %%
show_source(plot_latents)

# %%
with torch.no_grad():
    mu_z, log_var_z = result.model.encode(torch.from_numpy(test_data))
kl_per_dim = gaussian_kl(mu_z, log_var_z).mean(dim=0).numpy()
active = int(np.argmax(kl_per_dim))
dead = 1 - active

fig, (ax_latent, ax_kl) = plt.subplots(1, 2, figsize=(12, 4.6),
                                       gridspec_kw={"width_ratios": [1.6, 1]})
plot_latents(ax_latent, result.model, test_data)
ax_latent.set(xlim=(-2.5, 2.5), ylim=(-2.5, 2.5), aspect="equal")  # the prior's scale
ax_kl.bar(["$z_1$", "$z_2$"], kl_per_dim, color="tab:purple")
ax_kl.set(title="KL per latent dimension (test mean)", xlabel="latent dimension",
          ylabel="nats per data point")
fig.tight_layout()
plt.show()
corr = np.corrcoef(mu_z[:, active].numpy(), test_data.sum(axis=1))[0, 1]
print(f"KL per dimension {kl_per_dim.round(3)} nats; z_{active + 1}'s mean vs x1 + x2: "
      f"correlation {corr:.3f}")

# %% [markdown]
# One dimension carries almost all of the KL: along it the means spread over the width of
# the prior and follow $x_1 + x_2$ smoothly. The other is close to the prior on average
# (a KL of 0.02 nats), its means bunched near zero. That is the line of decoder means,
# seen from the encoder's side. (Which dimension wins depends on the initial weights.)
#
# ## One reconstruction: $\mathbf{x} \to \mathbf{z} \to \hat{\mathbf{x}}$
#
# We follow one test point well off the diagonal through both networks: encode it, decode
# the mean code $\boldsymbol{\mu}_z$ to $\hat{\mathbf{x}} = \boldsymbol{\mu}_x
# (\boldsymbol{\mu}_z)$, and, for comparison, decode 200 draws from $q_\phi(\mathbf{z} \mid
# \mathbf{x})$.

# %%
x_point = test_data[[np.argmax(np.abs(test_data[:, 0] - test_data[:, 1]))]]  # [1, 2]
with torch.no_grad():
    mu_z_1, log_var_z_1 = result.model.encode(torch.from_numpy(x_point))
    x_hat = result.model.sample_x(mu_z_1)  # decoder mean at the encoder mean
    gen = torch.Generator().manual_seed(3)
    z_draws = mu_z_1 + torch.exp(log_var_z_1 / 2) * torch.randn(200, 2, generator=gen)
    x_hat_draws = result.model.sample_x(z_draws)
u = np.array([1.0, 1.0]) / np.sqrt(2)
projection = mu + ((x_point[0] - mu) @ u) * u  # x projected onto the diagonal
print(f"x = {x_point[0].round(3)} -> mu_z = {mu_z_1[0].numpy().round(3)}, "
      f"sigma_z = {torch.exp(log_var_z_1[0] / 2).numpy().round(3)}")
print(f"x_hat = {x_hat[0].numpy().round(3)}; x projected onto the diagonal: "
      f"{projection.round(3)}")

fig, ax = plt.subplots(figsize=(6.5, 5.5))
ax.contour(xx, yy, density, levels=8, colors="darkorange", linewidths=1)
ax.scatter(*result.samples_no_noise.T, s=2, color="lightgray",
           label=r"decoder means, $\mathbf{z} \sim p(\mathbf{z})$")
ax.scatter(*x_hat_draws.numpy().T, s=6, color="tab:green",
           label=r"decoder means, $\mathbf{z} \sim q_\phi(\mathbf{z}|\mathbf{x})$")
ax.plot(*x_point[0], "k*", ms=14, label=r"the test point $\mathbf{x}$")
ax.plot(*x_hat[0].numpy(), "rX", ms=11, label=r"$\hat{\mathbf{x}}$ from the mean code")
ax.set(title=r"One reconstruction $\mathbf{x} \to \mathbf{z} \to \hat{\mathbf{x}}$",
       xlabel="$x_1$", ylabel="$x_2$", xlim=(-3, 5), ylim=(-3, 4), aspect="equal")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# The reconstruction is *not* the input. The code carries (almost only) the position along
# the diagonal, so $\hat{\mathbf{x}}$ lands on the line of means, near the projection of
# $\mathbf{x}$; the offset across the line is left to the decoder's noise. Draws from
# $q_\phi$ (green) spread along the line: the encoder is unsure of the code.
#
# ## Walking along each latent dimension
#
# We fix one latent at 0, move the other from $-2.5$ to $2.5$, and decode the means:

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

# %% [markdown]
# Along the active dimension the means sweep the data's diagonal. Along the unused one they
# move much less, but not zero: the encoder keeps that dimension close to the prior on
# average, yet the decoder still responds to it a little, which adds some spread to the
# generated points.
#
# ## Exercises
#
# **1. The centre of the code.** Which point does the decoder return for $\mathbf{z} =
# \mathbf{0}$, the centre of the prior? Predict it before decoding.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# Roughly the data mean mu = (1, 0.5): the prior's centre codes the middle of the line.
# (After one short epoch it is off by about a tenth.)
with torch.no_grad():
    centre = result.model.sample_x(torch.zeros(1, 2))[0].numpy()
print("mu_x(0) =", centre.round(3), " data mean:", mu)
assert centre.shape == (2,)  # how close: checked at the end, for seed 0

# %% [markdown]
# **2. A point across the line.** Reconstruct $\mathbf{x} = \boldsymbol{\mu} + (1, -1)$, a
# point straight across the data's long axis from the mean. Predict $\hat{\mathbf{x}}$.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# Its projection onto the diagonal is the mean itself, so the code is near 0 and the
# reconstruction lands near mu (near mu_x(0) of exercise 1): the offset across the line
# is left to the noise.
x_across = torch.tensor([[mu[0] + 1, mu[1] - 1]], dtype=torch.float32)
with torch.no_grad():
    x_hat_across = result.model.sample_x(result.model.encode(x_across)[0])[0].numpy()
print("x =", x_across[0].numpy(), " x_hat =", x_hat_across.round(3),
      " mu_x(0) =", centre.round(3))
assert x_hat_across.shape == (2,)  # how close: checked at the end, for seed 0

# %% [markdown]
# **3. The noise at one code.** Draw 2,000 samples $\mathbf{x} \sim p_\theta(\mathbf{x} \mid
# \mathbf{z} = \mathbf{0})$ with `sample_x(..., noise=True)`. Predict their correlation.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
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
# - After one epoch the samples look right by eye, but their covariance is off by up to
#   about 0.15, mostly a too-weak correlation: the part only $\mathbf{z}$ can explain.
# - The exact split with a tight bound and the least KL ($\tfrac12\ln 3 \approx 0.549$)
#   gives noise 0.5 and a $\mathbf{z}$ part of 1; the one-epoch model gives too much to
#   noise (0.72, 0.62: more than any exact fit allows), too little to $\mathbf{z}$
#   (0.75), at a KL of 0.39 and a bound 0.04 nats above its own $-\log
#   p_\theta(\mathbf{x})$.
# - Training brings the samples' centre within 0.03 of the data's by step 40 (0.10 off at
#   the end); the correlation grows slowly.
# - The encoder uses one latent dimension (as a converged model does), so the decoder
#   means lie on a line and a reconstruction keeps only the position along it.
#
# **Next:** [07 · MNIST](07_mnist.ipynb) trains a VAE on real images of handwritten
# digits, with a Bernoulli decoder for black-and-white pixels and convolutional networks
# that have real work to do.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings.
from vae_tutorial import own_settings

page_cfg = default_config()
fields = ("seed", "num_epochs", "lr", "hidden_dim", "batch_size", "num_mc")
if own_settings(seed=0, **{f"cfg.{k}": (cfg[k], page_cfg[k]) for k in fields}):
    # The picture shows the same model as the page
    assert np.array_equal(preview.samples_with_noise, result.samples_with_noise)
    # True vs learned: the test points within a few hundredths, the samples within ~0.15
    cov_error = np.cov(learned_points.T) - cov
    assert np.abs(np.cov(true_points.T) - cov).max() < 0.06
    assert np.abs(learned_points.mean(axis=0) - mu).max() < 0.15
    assert 0.1 < np.abs(cov_error).max() < 0.2
    assert cov_error[0, 1] < -0.05  # too little tilt
    # The means on a line along the diagonal; the parts add up to roughly Sigma
    assert eigenvalues[0] < 0.05 * eigenvalues[-1]
    assert abs(direction @ u) > 0.99
    assert np.abs(total_cov - cov).max() < 0.2
    # The wrong split: 0.75 vs 1, variances 0.72 and 0.62 vs 0.5, KL 0.39 vs 1/2 ln 3
    assert round(eigenvalues[-1], 2) == 0.75
    assert np.allclose(noise_var, [0.72, 0.62], atol=0.005)
    assert round(kl_total, 2) == 0.39 and round(0.5 * np.log(3), 3) == 0.549
    # No exact fit has these noise variances: (1 - psi_1)(1 - psi_2) = 0.11 < 1/4
    assert round(exact_fit_test, 2) == 0.11 and exact_fit_test < 0.25
    # The bound: -ELBO 2.76, 0.04 above the model's own -log p_theta 2.72, 0.03 above
    # the floor
    assert round(neg_elbo, 2) == 2.76 and round(model_nll, 2) == 2.72
    assert round(neg_elbo - model_nll, 2) == 0.04
    assert round(model_nll - floor, 2) == 0.03
    assert np.isclose(kl_per_dim.sum(), kl_total, atol=1e-5)  # the same test KL
    # Snapshots: the mean error falls fast; the correlation grows from ~0, short of 0.5
    assert mean_errors[1] < mean_errors[0] and mean_errors[3] < 0.03
    assert round(mean_errors[-1], 2) == 0.10  # after the last step: off again
    assert abs(correlations[0]) < 0.1 < 0.25 < correlations[-1] < 0.45
    # One latent dimension used; the other close to the prior on average (KL 0.02)
    assert round(kl_per_dim[dead], 2) == 0.02
    assert kl_per_dim[dead] < 0.1 * kl_per_dim[active]
    assert abs(corr) > 0.95
    assert mu_z[:, dead].std() < 0.3 * mu_z[:, active].std()
    # The reconstruction: near the projection onto the diagonal, far from x itself
    assert np.abs(x_hat[0].numpy() - projection).max() < 0.5
    assert np.linalg.norm(x_hat[0].numpy() - x_point[0]) > 1.0
    # Walking the latents: the unused dimension moves the output much less, but not zero
    assert 0 < lengths["unused"] < lengths["active"] / 3
    # The exercises: mu_x(0) near the data mean; the point across the line near it
    assert np.abs(centre - mu).max() < 0.25
    assert np.abs(x_hat_across - centre).max() < 0.3
    print("all checks passed")
