# %% [markdown]
# # 02 · The networks: encoder and decoder
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/02_network.ipynb)
#
# **What you will learn**
#
# - the two conditional distributions of a VAE, the **encoder** $q_\phi(\mathbf{z} \mid
#   \mathbf{x})$ and the **decoder** $p_\theta(\mathbf{x} \mid \mathbf{z})$, both diagonal
#   Gaussians whose parameters come from a small neural network;
# - `GaussianMLP`, the one two-layer network used for both, and why it predicts a
#   **log-variance** rather than a variance;
# - how `VAE.encode` and `VAE.decode` split the network's output into a mean and a
#   log-variance, and the shape of every tensor along the way;
# - how many parameters the model has, counted by hand and checked against PyTorch.

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
# We import PyTorch, matplotlib and the parts of the package this notebook teaches.

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
# In notebook 01 we saw that a latent variable $\mathbf{z} \sim \mathcal{N}(\mathbf{0}, I)$ can
# explain correlated data if, given $\mathbf{z}$, the coordinates of $\mathbf{x}$ are
# independent. A VAE needs two conditional distributions to work with this idea:
#
# - the **decoder** $p_\theta(\mathbf{x} \mid \mathbf{z})$, which goes from a latent to data.
#   It is the generative model: draw $\mathbf{z}$ from the prior, then $\mathbf{x}$ from the
#   decoder;
# - the **encoder** $q_\phi(\mathbf{z} \mid \mathbf{x})$, which goes from a data point to the
#   latents that could have produced it. It approximates the model's posterior
#   $p_\theta(\mathbf{z} \mid \mathbf{x})$, which notebook 01 showed we cannot compute once
#   the decoder is a neural network. Training needs the encoder (notebook 04), and so does
#   everything that maps data to codes afterwards: reconstructions (notebook 06) and the
#   likelihood estimates of notebook 07. Only *generating* new data needs the decoder
#   alone.
#
# Both are diagonal Gaussians whose mean and variances are computed by a neural network, with
# parameters $\theta$ (decoder) and $\phi$ (encoder):
#
# $$
# q_\phi(\mathbf{z} \mid \mathbf{x}) = \mathcal{N}\big(\mathbf{z} \mid \boldsymbol{\mu}_z(\mathbf{x}),
# \operatorname{diag}(\boldsymbol{\sigma}_z^2(\mathbf{x}))\big), \qquad
# p_\theta(\mathbf{x} \mid \mathbf{z}) = \mathcal{N}\big(\mathbf{x} \mid \boldsymbol{\mu}_x(\mathbf{z}),
# \operatorname{diag}(\boldsymbol{\sigma}_x^2(\mathbf{z}))\big).
# $$
#
# > **If you are reading the source blog post:** it calls $p_\theta(\mathbf{x} \mid \mathbf{z})$
# > the encoder and $q_\phi(\mathbf{z} \mid \mathbf{x})$ the decoder. That is swapped. The
# > *en*coder turns data into a code, $\mathbf{x} \to \mathbf{z}$, so it is $q_\phi(\mathbf{z}
# > \mid \mathbf{x})$; the *de*coder turns a code back into data, $\mathbf{z} \to \mathbf{x}$, so
# > it is $p_\theta(\mathbf{x} \mid \mathbf{z})$. Its code (and ours) wires them the right way
# > round; only the names in the text are swapped.

# %% [markdown]
# ## One network for both: `GaussianMLP`
#
# Encoder and decoder have the same form, so one class serves for both. It is the two-layer
# network of the original VAE paper (Kingma & Welling, 2014): a linear layer, a $\tanh$, and a
# second linear layer whose output holds the mean and the log-variance side by side. For an
# input $\mathbf{u}$ (a data point for the encoder, a latent for the decoder):
#
# $$
# \mathbf{h} = \tanh(W_1 \mathbf{u} + \mathbf{b}_1), \qquad
# \begin{bmatrix} \boldsymbol{\mu} \\ \log \boldsymbol{\sigma}^2 \end{bmatrix}
# = W_2 \mathbf{h} + \mathbf{b}_2 .
# $$
#
# With `output_dim` $= m$, the second layer has $2m$ outputs: the first $m$ are the mean, the
# last $m$ the log-variance. Here is the class:

# %%
show_source(GaussianMLP)

# %% [markdown]
# > **If you are reading the source blog post:** its equation stacks the output as
# > $[\log\boldsymbol{\sigma}^2; \boldsymbol{\mu}]$, but its code takes the *first* half as the
# > mean. The order is a convention the network learns either way; what matters is that the
# > code that splits the output agrees with itself. Here it is always $[\boldsymbol{\mu};
# > \log\boldsymbol{\sigma}^2]$.

# %% [markdown]
# ## Why predict a log-variance?
#
# A variance must be positive, but a linear layer can output any real number. If the network
# predicted $\sigma^2$ directly, a negative output would be an invalid distribution (and
# $\log \sigma^2$ in the loss would be NaN). Predicting $s = \log \sigma^2$ and computing
#
# $$
# \sigma^2 = e^{s}, \qquad \sigma = e^{s/2}
# $$
#
# removes the problem: every real $s$ gives a positive variance. It also helps with the
# *range*: variances worth modelling span many orders of magnitude, from a very confident
# $10^{-4}$ to a vague $10^{2}$, and in log-space that is the modest interval $[-9.2, 4.6]$.
# Equal steps in $s$ multiply the variance by equal factors, which suits a network whose
# outputs start near zero. The left panel shows that a raw output used as a variance goes
# negative while $e^s$ never does; the right panel, on a logarithmic axis, shows how a small
# range of $s$ covers a huge range of variances.

# %%
s = np.linspace(-10, 10, 400)
fig, (ax_lin, ax_log) = plt.subplots(1, 2, figsize=(12, 4))
s_small = np.linspace(-3, 2, 200)
ax_lin.plot(s_small, np.exp(s_small), lw=2, label=r"$\sigma^2 = e^{s}$ (always $> 0$)")
ax_lin.plot(s_small, s_small, "--", color="tab:red",
            label=r"$\sigma^2 = s$ (raw output)")
ax_lin.axhspan(-3, 0, color="tab:red", alpha=0.1, label="invalid: negative variance")
ax_lin.axhline(0, color="black", lw=0.8)
ax_lin.set(title="Turning a network output into a variance",
           xlabel="network output $s$", ylabel=r"variance $\sigma^2$", ylim=(-3, 7.5))
ax_lin.legend(loc="upper left")
ax_log.semilogy(s, np.exp(s), lw=2, label=r"variance $\sigma^2 = e^{s}$")
ax_log.semilogy(s, np.exp(s / 2), lw=2, label=r"standard deviation $\sigma = e^{s/2}$")
ax_log.set(title=r"A log-variance in $[-10, 10]$ spans nearly 9 orders of magnitude",
           xlabel=r"log-variance $s = \log \sigma^2$", ylabel="value (log scale)")
ax_log.grid(True, which="major", alpha=0.3)
ax_log.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# In code, the variance is `torch.exp(log_var)` and the standard deviation is
# `torch.exp(log_var / 2)`, never `torch.sqrt` of something that might be negative. Even extreme
# log-variances give a valid, positive variance in `float32`:

# %%
log_var = torch.tensor([-30.0, -1.0, 0.0, 1.0, 30.0])
variance, std = torch.exp(log_var), torch.exp(log_var / 2)
print("log_var :", log_var.numpy())
print("variance:", variance.numpy())
assert (variance > 0).all() and torch.isfinite(variance).all()
assert torch.allclose(std, variance.sqrt())  # exp(s / 2) is the square root of exp(s)

# %% [markdown]
# > **If you are reading the source blog post:** the decoder's second output is called
# > `log_sig2_x` in some functions and `log_sig_x` in others. The name `log_sig_x` suggests
# > $\log \sigma$, but every use of it (`torch.exp(log_sig_x / 2)` as a standard deviation)
# > treats it as $\log \sigma^2$. It is a log-**variance** everywhere; in this package it is
# > always called `log_var`.

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
# The sizes are the source post's settings, held in `default_config()` (notebook 05 covers the
# config in full). We seed PyTorch first so that the random initial weights are the same on
# every run, then print the model: PyTorch lists each module with its sizes.

# %%
cfg = default_config()
print(f"input_dim = {cfg.input_dim}, hidden_dim = {cfg.hidden_dim}, "
      f"latent_dim = {cfg.latent_dim}")
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
# Let us follow a batch of $B = 5$ training points through the model and print every shape. The
# raw network output has $2J = 4$ columns; `encode` hands back two tensors of $J = 2$ columns.

# %%
train_data, _ = source_dataset(seed=0)
x = torch.from_numpy(train_data[:5])  # [batch, input] = [5, 2]
params_z = model.encoder(x)  # the raw network output, [mu_z; log_var_z]
mu_z, log_var_z = model.encode(x)
print("x          ", list(x.shape))
print("params_z   ", list(params_z.shape))
print("mu_z       ", list(mu_z.shape))
print("log_var_z  ", list(log_var_z.shape))

assert params_z.shape == (5, 4) and mu_z.shape == (5, 2) and log_var_z.shape == (5, 2)
assert torch.equal(mu_z, params_z[:, :2]) and torch.equal(log_var_z, params_z[:, 2:])

# %% [markdown]
# The decoder takes latents and returns the mean and log-variance of $\mathbf{x}$. We feed it
# latents drawn from the encoder's distribution, $\mathbf{z} = \boldsymbol{\mu}_z +
# \boldsymbol{\sigma}_z \odot \boldsymbol{\epsilon}$ (notebook 03 explains this line).
# Because `nn.Linear` acts on the last axis only, `decode` also accepts extra leading axes: with
# $T = 3$ draws per data point, `z` has shape `[num_mc, batch, latent]` = `[3, 5, 2]`, and the
# outputs keep the leading `[3, 5]`. This is how the loss will decode several draws at once.

# %%
gen = torch.Generator().manual_seed(0)
noise = torch.randn(3, 5, 2, generator=gen)  # [num_mc, batch, latent]
z = mu_z + torch.exp(log_var_z / 2) * noise  # [num_mc, batch, latent]
mu_x, log_var_x = model.decode(z)
print("z          ", list(z.shape))
print("mu_x       ", list(mu_x.shape))
print("log_var_x  ", list(log_var_x.shape))

assert mu_x.shape == (3, 5, 2) and log_var_x.shape == (3, 5, 2)
# Decoding all draws at once equals decoding them one flat batch at a time.
mu_flat, _ = model.decode(z.reshape(15, 2))
assert torch.allclose(mu_x, mu_flat.reshape(3, 5, 2))

# %% [markdown]
# > **If you are reading the source blog post:** its shape comments, such as `inputs: [B, H, W,
# > F]` and `[N, B, H, W, F]`, come from image code (height, width, features). Here a data point
# > is a 2-vector, so the inputs are `[batch, 2]` and the decoder's outputs are
# > `[num_mc, batch, 2]`.

# %% [markdown]
# ## Counting parameters
#
# A linear layer from $n_\text{in}$ to $n_\text{out}$ units has a weight matrix
# $n_\text{out} \times n_\text{in}$ and a bias of $n_\text{out}$, so $n_\text{in} n_\text{out} +
# n_\text{out}$ parameters. A `GaussianMLP` with input size $n$, hidden size $H$ and output
# size $m$ therefore has
#
# $$
# \underbrace{n H + H}_{\text{first layer}} \;+\; \underbrace{2m H + 2m}_{\text{second layer}}
# $$
#
# parameters. For the encoder ($n = 2$, $m = 2$) and the decoder ($n = 2$, $m = 2$) alike, with
# $H = 512$: $2 \cdot 512 + 512 = 1{,}536$ and $512 \cdot 4 + 4 = 2{,}052$, so $3{,}588$ each and
# $7{,}176$ in total. PyTorch agrees:

# %%
def count(module):
    return sum(p.numel() for p in module.parameters())


def mlp_formula(n_in, hidden, n_out):
    return (n_in * hidden + hidden) + (hidden * 2 * n_out + 2 * n_out)


for name, parameter in model.named_parameters():
    print(f"{name:28s} {str(list(parameter.shape)):12s} {parameter.numel():6,d}")
print(f"encoder {count(model.encoder):,}, decoder {count(model.decoder):,}, "
      f"total {count(model):,}")

encoder_formula = mlp_formula(cfg.input_dim, cfg.hidden_dim, cfg.latent_dim)
decoder_formula = mlp_formula(cfg.latent_dim, cfg.hidden_dim, cfg.input_dim)
assert count(model.encoder) == encoder_formula == 3_588
assert count(model.decoder) == decoder_formula == 3_588
assert count(model) == 7_176

# %% [markdown]
# Seven thousand parameters is tiny by deep-learning standards, which is why every notebook in
# this tutorial trains in seconds on a CPU.

# %% [markdown]
# ## What an untrained encoder says
#
# PyTorch initialises the weights of a linear layer with small random values (uniform in
# $\pm 1/\sqrt{n_\text{in}}$). After the $\tanh$, the second layer sums 512 small terms, so
# the untrained outputs are modest numbers: for the encoder, means $\boldsymbol{\mu}_z$
# within about $\pm 1$ and log-variances within about $\pm 0.5$, i.e. variances $\sigma_z^2$
# between roughly 0.6 and 1.5. Before training, then, each $q_\phi(\mathbf{z} \mid
# \mathbf{x})$ is a broad blob not far from the prior $\mathcal{N}(\mathbf{0}, I)$, and it
# carries little information about $\mathbf{x}$. The histograms below show this for all 10,000
# training points. Training (notebook 05) will shape these outputs so that different points get
# usefully different codes.

# %%
with torch.no_grad():
    mu_all, log_var_all = model.encode(torch.from_numpy(train_data))
print(f"mu_z      in [{mu_all.min():+.2f}, {mu_all.max():+.2f}]")
print(f"log_var_z in [{log_var_all.min():+.2f}, {log_var_all.max():+.2f}]"
      f"  ->  sigma_z^2 in [{log_var_all.exp().min():.2f}, "
      f"{log_var_all.exp().max():.2f}]")
# Small outputs at initialisation:
assert mu_all.abs().max() < 2 and log_var_all.abs().max() < 1

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

# %% tags=["hide-cell"]
# Each network: (2 * 8 + 8) + (8 * 4 + 4) = 24 + 36 = 60 parameters, so 120 in total,
# sixty times fewer than with 512 hidden units.
small = build_vae(default_config(hidden_dim=8))
print("parameters with hidden_dim=8:", count(small))
assert count(small) == 2 * mlp_formula(2, 8, 2) == 120

# %% [markdown]
# **2. One latent dimension.** With `latent_dim=1`, predict the shapes of `mu_z` for our batch
# of 5 points, of the decoder's first weight matrix, and of `mu_x` for 3 draws per point.

# %% tags=["hide-cell"]
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

# %% tags=["hide-cell"]
# sigma = exp(s / 2), so s = 2 log(0.1) = log(0.01) ~ -4.61;
# s = 2 gives sigma = e ~ 2.72.
s_answer = torch.log(torch.tensor(0.01))
print(f"s = {s_answer:.3f};  sigma at s = 2: {torch.exp(torch.tensor(2.0) / 2):.3f}")
assert torch.isclose(torch.exp(s_answer / 2), torch.tensor(0.1))

# %% [markdown]
# ## Summary
#
# - The **encoder** is $q_\phi(\mathbf{z} \mid \mathbf{x})$ (data to latent) and the
#   **decoder** is $p_\theta(\mathbf{x} \mid \mathbf{z})$ (latent to data); both are diagonal
#   Gaussians. (The source post swaps the two names.)
# - `GaussianMLP` is Linear $\to$ tanh $\to$ Linear, with $2m$ outputs stacked as
#   $[\boldsymbol{\mu}; \log\boldsymbol{\sigma}^2]$. Predicting the log-variance keeps every
#   variance positive ($\sigma^2 = e^s$) and a wide range of variances within a small range of
#   outputs.
# - `VAE.encode` and `VAE.decode` split the output with `chunk(2, dim=-1)`: `[batch, 2]` data
#   gives `[batch, 2]` means and log-variances, and `decode` keeps any leading axes such as
#   `[num_mc, batch, ...]`.
# - `build_vae(default_config())` has $2 \times (2 \cdot 512 + 512 + 512 \cdot 4 + 4) = 7{,}176$
#   parameters; untrained, its encoder maps every point to roughly $\mathcal{N}(\mathbf{0}, I)$.
#
# **Next:** [03 · The reparameterization trick](03_reparameterization.ipynb) shows how to draw
# $\mathbf{z} \sim q_\phi(\mathbf{z} \mid \mathbf{x})$ so that gradients can flow back into the
# encoder.
