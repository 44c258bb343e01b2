# %% [markdown]
# # 02 · The networks: encoder and decoder
#
# A VAE has two halves: an encoder that maps a data point to a distribution over latents,
# and a decoder that maps a latent back to a distribution over data. Both are the same small
# neural network, which outputs a mean and a log-variance. Here we build them, follow a batch
# through them, and count their parameters. It needs the latent-variable idea of
# [01 · The data](01_data.ipynb).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/02_network.ipynb)

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
# The picture: the two networks of a VAE and what flows between them.
import matplotlib.pyplot as plt

from vae_tutorial.plotting import plot_vae_diagram

ax = plot_vae_diagram()
ax.set_title("The two networks of a VAE, and what they output")
plt.show()

# %% [markdown]
# **What you will learn**
#
# - the **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x})$ and the **decoder**
#   $p_\theta(\mathbf{x} \mid \mathbf{z})$, both diagonal Gaussians computed by a network;
# - `GaussianMLP`, the network used for both, and why it outputs a **log-variance**;
# - how `VAE.encode` and `VAE.decode` split that output, and the shape of every tensor;
# - how many parameters the model has, counted by hand and by PyTorch.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    VAE,
    GaussianMLP,
    build_vae,
    default_config,
    show_source,
    source_dataset,
)

# %% [markdown]
# ## Two conditional distributions
#
# Notebook 01 explained correlated data by a latent $\mathbf{z} \sim \mathcal{N}(\mathbf{0},
# I)$ given which the coordinates of $\mathbf{x}$ are independent. A VAE works with two
# conditional distributions:
#
# - the **decoder** $p_\theta(\mathbf{x} \mid \mathbf{z})$ goes from a latent to data. It is
#   the generative model: draw $\mathbf{z}$ from the prior, then $\mathbf{x}$ from the
#   decoder;
# - the **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x})$ goes from a data point to the latents
#   that could have produced it. It approximates the posterior $p_\theta(\mathbf{z} \mid
#   \mathbf{x})$, which we cannot compute once the decoder is a neural network. Training needs
#   it (notebook 04), and so do reconstructions and likelihood estimates; only *generating*
#   new data needs the decoder alone.
#
# Both are diagonal Gaussians whose means and variances a network computes, with parameters
# $\theta$ (decoder) and $\phi$ (encoder):
#
# $$
# q_\phi(\mathbf{z} \mid \mathbf{x}) = \mathcal{N}\big(\mathbf{z} \mid \boldsymbol{\mu}_z(\mathbf{x}),
# \operatorname{diag}(\boldsymbol{\sigma}_z^2(\mathbf{x}))\big), \qquad
# p_\theta(\mathbf{x} \mid \mathbf{z}) = \mathcal{N}\big(\mathbf{x} \mid \boldsymbol{\mu}_x(\mathbf{z}),
# \operatorname{diag}(\boldsymbol{\sigma}_x^2(\mathbf{z}))\big).
# $$

# %% [markdown]
# <details><summary><b>For readers of the source post</b></summary>
#
# - It calls $p_\theta(\mathbf{x} \mid \mathbf{z})$ the encoder and $q_\phi(\mathbf{z} \mid
#   \mathbf{x})$ the decoder: swapped. The *en*coder turns data into a code, $\mathbf{x} \to
#   \mathbf{z}$. Its code wires them the right way round.
# - Its shape comments, such as `[B, H, W, F]`, come from image code (height, width,
#   features). Here a data point is a 2-vector: inputs are `[batch, 2]`, decoder outputs
#   `[num_mc, batch, 2]`.
# - The decoder's second output is called `log_sig2_x` in some functions and `log_sig_x` in
#   others. Every use treats it as $\log\sigma^2$ (the loss takes $e^{s/2}$ of it as a
#   standard deviation): it is a log-**variance** everywhere, here always `log_var`.
# - Its equation stacks the output as $[\log\boldsymbol{\sigma}^2; \boldsymbol{\mu}]$, its
#   code as $[\boldsymbol{\mu}; \log\boldsymbol{\sigma}^2]$, as here.
#
# </details>

# %% [markdown]
# ## One network for both: `GaussianMLP`
#
# Encoder and decoder have the same form, so one class serves both: the two-layer network of
# the original VAE paper (Kingma & Welling, 2014). For an input $\mathbf{u}$ (a data point for
# the encoder, a latent for the decoder):
#
# $$
# \mathbf{h} = \tanh(W_1 \mathbf{u} + \mathbf{b}_1), \qquad
# \begin{bmatrix} \boldsymbol{\mu} \\ \log \boldsymbol{\sigma}^2 \end{bmatrix}
# = W_2 \mathbf{h} + \mathbf{b}_2 .
# $$
#
# With `output_dim` $= m$, the second layer has $2m$ outputs: the first $m$ are the mean, the
# last $m$ the log-variance.

# %%
show_source(GaussianMLP)

# %% [markdown]
# ## Why predict a log-variance?
#
# A variance must be positive, but a linear layer outputs any real number. Predicting $s =
# \log \sigma^2$ and using
#
# $$
# \sigma^2 = e^{s}, \qquad \sigma = e^{s/2}
# $$
#
# turns a constrained quantity into an unconstrained one: every real $s$ is a valid
# variance, so gradient descent can move $s$ freely, with no clipping and no invalid steps.
# A second benefit is range: variances from $10^{-4}$ to $10^{2}$ are
# the modest interval $s \in [-9.2, 4.6]$, and equal steps in $s$ multiply the variance by
# equal factors. The figure shows both.

# %%
s = np.linspace(-10, 10, 400)
s_small = np.linspace(-3, 2, 200)
fig, (ax_lin, ax_log) = plt.subplots(1, 2, figsize=(12, 4))
ax_lin.plot(s_small, np.exp(s_small), lw=2, label=r"$\sigma^2 = e^{s}$ (always $> 0$)")
ax_lin.plot(s_small, s_small, "--", color="tab:red",
            label=r"$\sigma^2 = s$ (raw output)")
ax_lin.axhspan(-3, 0, color="tab:red", alpha=0.1, label="invalid: negative variance")
ax_lin.set(title="Turning a network output into a variance",
           xlabel="network output $s$", ylabel=r"variance $\sigma^2$", ylim=(-3, 7.5))
ax_lin.legend(loc="upper left")
ax_log.semilogy(s, np.exp(s), lw=2, label=r"variance $\sigma^2 = e^{s}$")
ax_log.semilogy(s, np.exp(s / 2), lw=2, label=r"standard deviation $\sigma = e^{s/2}$")
ax_log.set(title=r"A log-variance in $[-10, 10]$ spans nearly 9 orders of magnitude",
           xlabel=r"log-variance $s = \log \sigma^2$", ylabel="value (log scale)")
ax_log.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# In code, the variance is `torch.exp(log_var)` and the standard deviation
# `torch.exp(log_var / 2)`, never the square root of something that might be negative. The
# floating-point range still sets limits: in `float32`, $e^s$ overflows to infinity beyond
# $s \approx 88.7$ and underflows to 0 below about $-104$. Inside that range, every output
# is a valid variance:

# %%
log_var = torch.tensor([-104.0, -103.0, -1.0, 0.0, 88.0, 89.0])
for s_value, variance_value in zip(log_var.tolist(), torch.exp(log_var).tolist()):
    print(f"log_var {s_value:+7.1f}  ->  variance {variance_value:.4g}")

# %% [markdown]
# ## Building the VAE
#
# `build_vae` creates the two networks with the sizes in a config and wraps them in a `VAE`:
#
# - encoder: data ($D$ = `input_dim` = 2) $\to$ hidden (512) $\to$ $2J$ = 4 values, the mean and
#   log-variance of the $J$ = `latent_dim` = 2 latent dimensions;
# - decoder: latent ($J$ = 2) $\to$ hidden (512) $\to$ $2D$ = 4 values, the mean and
#   log-variance of the 2 data dimensions.

# %%
show_source(build_vae)

# %% [markdown]
# The sizes are the source post's settings, held in `default_config()` (notebook 05 covers
# the config). We seed PyTorch so the random initial weights are the same on every run, then
# print the model.

# %%
cfg = default_config()
torch.manual_seed(0)
model = build_vae(cfg)
print(model)

# %% [markdown]
# ## Encoding and decoding
#
# `VAE.encode` runs the encoder network and cuts its output in two along the last axis with
# `chunk(2, dim=-1)`: the first half is $\boldsymbol{\mu}_z$, the second $\log
# \boldsymbol{\sigma}_z^2$. `VAE.decode` does the same with the decoder network.

# %%
show_source(VAE.encode)

# %%
show_source(VAE.decode)

# %% [markdown]
# We follow a batch of $B = 5$ training points through the model. Then we decode latents
# drawn from the encoder's distribution, $\mathbf{z} = \boldsymbol{\mu}_z +
# \boldsymbol{\sigma}_z \odot \boldsymbol{\epsilon}$ (notebook 03 explains this line), with
# $T = 3$ draws per point. Because `nn.Linear` acts on the last axis only, `decode` accepts
# the extra leading axis: `z` is `[num_mc, batch, latent]` = `[3, 5, 2]`, and so are the
# outputs. This is how the loss decodes several draws at once.

# %%
train_data, _ = source_dataset(seed=0)
x = torch.from_numpy(train_data[:5])  # [batch, input] = [5, 2]
params_z = model.encoder(x)  # the raw network output, [mu_z; log_var_z]
mu_z, log_var_z = model.encode(x)

gen = torch.Generator().manual_seed(0)
noise = torch.randn(3, 5, 2, generator=gen)  # [num_mc, batch, latent]
z = mu_z + torch.exp(log_var_z / 2) * noise  # [num_mc, batch, latent]
mu_x, log_var_x = model.decode(z)
for name, tensor in [("x", x), ("params_z", params_z), ("mu_z", mu_z),
                     ("log_var_z", log_var_z), ("z", z), ("mu_x", mu_x),
                     ("log_var_x", log_var_x)]:
    print(f"{name:10s} {list(tensor.shape)}")
assert mu_x.shape == (3, 5, 2) and log_var_x.shape == (3, 5, 2)

# %% [markdown]
# ## Counting parameters
#
# A linear layer from $n_\text{in}$ to $n_\text{out}$ units has $n_\text{in} n_\text{out} +
# n_\text{out}$ parameters (weights and biases). A `GaussianMLP` with input size $n$, hidden
# size $H$ and output size $m$ therefore has
#
# $$
# \underbrace{n H + H}_{\text{first layer}} \;+\; \underbrace{2m H + 2m}_{\text{second layer}}
# $$
#
# parameters. For the encoder and the decoder alike ($n = m = 2$, $H = 512$): $1{,}536 +
# 2{,}052 = 3{,}588$ each, $7{,}176$ in total: tiny.

# %%
def count(module):
    return sum(p.numel() for p in module.parameters())


def mlp_formula(n_in, hidden, n_out):
    return (n_in * hidden + hidden) + (hidden * 2 * n_out + 2 * n_out)


for name, parameter in model.named_parameters():
    print(f"{name:28s} {str(list(parameter.shape)):12s} {parameter.numel():6,d}")
by_hand = (mlp_formula(cfg.input_dim, cfg.hidden_dim, cfg.latent_dim)
           + mlp_formula(cfg.latent_dim, cfg.hidden_dim, cfg.input_dim))
print(f"total: by hand {by_hand:,} vs PyTorch {count(model):,}")
assert count(model) == by_hand

# %% [markdown]
# ## What an untrained encoder says
#
# PyTorch initialises a linear layer with small random weights (uniform in $\pm
# 1/\sqrt{n_\text{in}}$), so the untrained encoder's outputs are modest: means within about
# $\pm 1$, log-variances within about $\pm 0.5$, variances between roughly 0.6 and 1.5. Each
# $q_\phi(\mathbf{z} \mid \mathbf{x})$ starts as a broad blob not far from the prior, carrying
# little information about $\mathbf{x}$. Training (notebook 05) shapes these outputs so that
# different points get usefully different codes.

# %%
with torch.no_grad():
    mu_all, log_var_all = model.encode(torch.from_numpy(train_data))
print(f"over 10,000 points: mu_z in [{mu_all.min():+.2f}, {mu_all.max():+.2f}], "
      f"sigma_z^2 in [{log_var_all.exp().min():.2f}, {log_var_all.exp().max():.2f}]")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.5), sharey=True)
for ax, values, label in zip(axes, (mu_all, log_var_all),
                             (r"$\mu_{z,j}$", r"$\log \sigma_{z,j}^2$")):
    for j in range(cfg.latent_dim):
        ax.hist(values[:, j].numpy(), bins=60, alpha=0.6,
                label=f"latent dimension $j = {j + 1}$")
    ax.set(title=f"Untrained encoder: {label} over the training data", xlabel=label,
           ylabel="number of data points")
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Exercises
#
# **1. A narrow network.** With `hidden_dim=8`, how many parameters does the whole VAE have?
# Work it out with the formula before building it.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# Each network: (2 * 8 + 8) + (8 * 4 + 4) = 24 + 36 = 60 parameters, so 120 in total,
# sixty times fewer than with 512 hidden units.
small = build_vae(default_config(hidden_dim=8))
print("parameters with hidden_dim=8:", count(small))
assert count(small) == 2 * mlp_formula(2, 8, 2) == 120

# %% [markdown]
# **2. One latent dimension.** With `latent_dim=1`, predict the shapes of `mu_z` for our batch
# of 5 points, of the decoder's first weight matrix, and of `mu_x` for 3 draws per point.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# mu_z: [5, 1] (one latent per point); the decoder's first layer maps 1 -> 512, so its
# weight is [512, 1]; mu_x keeps the data's 2 dimensions: [3, 5, 2].
torch.manual_seed(0)
one = build_vae(default_config(latent_dim=1))
mu_1, log_var_1 = one.encode(x)
mu_x_1, _ = one.decode(mu_1 + torch.exp(log_var_1 / 2) * torch.randn(3, 5, 1))
print(list(mu_1.shape), list(one.decoder.shared[0].weight.shape), list(mu_x_1.shape))
assert mu_1.shape == (5, 1) and one.decoder.shared[0].weight.shape == (512, 1)
assert mu_x_1.shape == (3, 5, 2)

# %% [markdown]
# **3. Reading a log-variance.** Which network output $s$ means a standard deviation of 0.1?
# And what standard deviation does $s = 2$ mean?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# sigma = exp(s / 2), so s = 2 log(0.1) = log(0.01) ~ -4.61;
# s = 2 gives sigma = e ~ 2.72.
s_answer = torch.log(torch.tensor(0.01))
print(f"s = {s_answer:.3f};  sigma at s = 2: {torch.exp(torch.tensor(2.0) / 2):.3f}")
assert torch.isclose(torch.exp(s_answer / 2), torch.tensor(0.1))

# %% [markdown]
# ## Summary
#
# - The **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x})$ maps data to latents, the
#   **decoder** $p_\theta(\mathbf{x} \mid \mathbf{z})$ latents to data; both are diagonal
#   Gaussians.
# - `GaussianMLP` is Linear $\to$ tanh $\to$ Linear, with $2m$ outputs
#   $[\boldsymbol{\mu}; \log\boldsymbol{\sigma}^2]$. A log-variance makes the variance an
#   unconstrained output ($\sigma^2 = e^s > 0$ for every real $s$).
# - `VAE.encode` and `VAE.decode` split the output with `chunk(2, dim=-1)`; `decode` keeps
#   leading axes such as `[num_mc, batch, ...]`.
# - `build_vae(default_config())` has 7,176 parameters; untrained, its encoder maps every
#   point to roughly the prior.
#
# **Next:** [03 · The reparameterization trick](03_reparameterization.ipynb) draws
# $\mathbf{z} \sim q_\phi(\mathbf{z} \mid \mathbf{x})$ so that gradients reach the encoder.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings (and the rules behind them).
from vae_tutorial import own_settings


# float32 limits of exp: overflow beyond ~88.7, underflow to 0 below ~-104
def exp32(value):
    return torch.exp(torch.tensor(value, dtype=torch.float32))


variance, std = torch.exp(log_var), torch.exp(log_var / 2)
assert torch.isfinite(exp32(88.72)) and exp32(88.73).isinf()  # log(float32 max) = 88.72
assert exp32(-103.9) > 0 and exp32(-104.0) == 0  # log(smallest subnormal) = -103.28
assert (variance[1:-1] > 0).all() and torch.isfinite(variance[:-1]).all()
assert torch.allclose(std[1:-1], variance[1:-1].sqrt())  # exp(s / 2) = sqrt(exp(s))
assert np.allclose(np.log([1e-4, 1e2]), [-9.21, 4.61], atol=0.01)  # the interval for s
if own_settings(seed=0, hidden_dim=(cfg.hidden_dim, 512),
                latent_dim=(cfg.latent_dim, 2)):
    # encode and decode: shapes and the split of the raw output
    assert params_z.shape == (5, 4) and mu_z.shape == (5, 2)
    assert log_var_z.shape == (5, 2)
    assert torch.equal(mu_z, params_z[:, :2])
    assert torch.equal(log_var_z, params_z[:, 2:])
    assert z.shape == (3, 5, 2)
    mu_flat, _ = model.decode(z.reshape(15, 2))  # all draws at once = one flat batch
    assert torch.allclose(mu_x, mu_flat.reshape(3, 5, 2))
    # parameters
    encoder_formula = mlp_formula(cfg.input_dim, cfg.hidden_dim, cfg.latent_dim)
    decoder_formula = mlp_formula(cfg.latent_dim, cfg.hidden_dim, cfg.input_dim)
    assert count(model.encoder) == encoder_formula == 3_588 == 1_536 + 2_052
    assert count(model.decoder) == decoder_formula == 3_588
    assert count(model) == 7_176
    # the untrained encoder: modest outputs (this seed)
    assert mu_all.abs().max() < 2 and log_var_all.abs().max() < 1
    assert mu_all.abs().max() < 1.2 and log_var_all.abs().max() < 0.6  # +-1, +-0.5
    assert 0.55 < log_var_all.exp().min() and log_var_all.exp().max() < 1.6  # 0.6-1.5
    print("all checks passed")
