# %% [markdown]
# # 05 · Training
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/05_training.ipynb)
#
# **What you will learn**
#
# - how one optimisation step works (`train_step`), and what it returns;
# - how to measure the test loss fairly, with Monte-Carlo noise that is fixed once (`run_test`);
# - how `run_model` ties everything together on the source post's settings, and what its
#   `TrainingResult` holds;
# - how to read the train and test loss curves;
# - how seeding makes two runs agree bit for bit, and how the device is chosen.

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
import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import torch

from vae_tutorial import (
    SOURCE_COV,
    SOURCE_MU,
    TrainingResult,
    build_vae,
    default_config,
    gaussian_entropy,
    ignore_z_ceiling,
    resolve_device,
    run_model,
    run_test,
    show_source,
    source_dataset,
    train_step,
    true_log_prob,
)
from vae_tutorial.plotting import plot_losses

# %% [markdown]
# ## Data and settings
#
# We use the source post's data: 12,500 points from $\mathcal{N}(\boldsymbol{\mu}, \Sigma)$ with
# $\boldsymbol{\mu} = (1, 0.5)$ and $\Sigma = \begin{pmatrix} 1 & 0.5 \\ 0.5 & 1 \end{pmatrix}$,
# the first 10,000 for training and the last 2,500 for testing. `source_dataset` draws them
# with a seed, so they are the same points every time.

# %%
train_data, test_data = source_dataset(seed=0)
print("train:", train_data.shape, train_data.dtype,
      "  test:", test_data.shape, test_data.dtype)
assert train_data.shape == (10_000, 2) and test_data.shape == (2_500, 2)

# %% [markdown]
# The settings live in one `EasyDict`. `default_config()` returns the source post's values (a
# 2-D latent, 512 hidden units, batches of 128, one Monte-Carlo sample, one epoch, Adam with a
# learning rate of $10^{-3}$), plus fields the post did not have: a `seed`, a `device`, a
# learning-rate schedule, a switch for the progress bar, and settings that later notebooks
# change (the decoder's likelihood, the KL weight `beta`, a KL warm-up, weight decay, ...;
# at their defaults they leave the source post's model and loss unchanged). Every field is
# validated, and an unknown key is an error rather than a silent typo.

# %%
cfg = default_config()
for key, value in cfg.items():
    print(f"{key:17s} {value!r}")

# %% [markdown]
# For example, a misspelt key is caught at once, with the list of allowed keys:

# %%
try:
    default_config(batchsize=64)
except KeyError as error:
    print(textwrap.fill(f"KeyError: {error}", width=88))

# %% [markdown]
# ## One optimisation step: `train_step`
#
# A training step draws fresh noise $\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)$ of
# shape `[num_mc, batch, latent]`, computes the negative ELBO of the batch (notebook 04),
# back-propagates, and lets the optimiser update the weights of both encoder and decoder at once.

# %%
show_source(train_step)

# %% [markdown]
# It returns the three losses **before** the update, as a NumPy array `[3]` in the fixed order
# (total, recon, kl), in nats per data point. The same order is used everywhere in the package.
#
# > **If you are reading the source blog post:** its `train_step` returns `(loss, KL, recon)`,
# > while its `loss` and its test function return `(loss, recon, KL)`. So the second and third
# > columns of its training losses are swapped relative to its test losses, and a plot of
# > "reconstruction" compares the training KL with the test reconstruction.
#
# Let us take five steps by hand on a fresh model, all on the same batch, to see the numbers
# move. The optional `generator` makes the noise reproducible.

# %%
torch.manual_seed(0)  # the same initial weights on every run
model = build_vae(cfg)
optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
generator = torch.Generator().manual_seed(0)
batch = torch.from_numpy(train_data[:cfg.batch_size])

history = []
for step in range(5):
    losses = train_step(cfg, model, optim, batch, generator)
    history.append(losses)
    print(f"step {step}: total {losses[0]:.4f} = recon {losses[1]:.4f} "
          f"+ kl {losses[2]:.4f}")

assert losses.shape == (3,)
assert history[-1][0] < history[0][0]  # five steps on one batch lower its loss
assert math.isclose(losses[0], losses[1] + losses[2], rel_tol=1e-5)  # recon + kl

# %% [markdown]
# ## Measuring the test loss: `run_test`
#
# The loss of a batch is a Monte-Carlo estimate: it depends on the noise drawn for
# $\mathbf{z}$. If we drew new noise every time we evaluated the test set, the test loss
# would jiggle from one evaluation to the next even if the model had not changed at all, and a
# small improvement could hide behind that jiggle. So `run_model` draws the test noise **once**,
# of shape `[num_batches, num_mc, batch_size, latent]`, and `run_test` reuses it at every
# evaluation. Changes in the test loss then come from the model alone.
#
# `run_test` also switches off gradients, and weights each batch by its size, because the last
# batch is smaller (2,500 = 19 × 128 + 68): the result is the mean over all test points.

# %%
show_source(run_test)

# %% [markdown]
# We check the point of the fixed noise: two evaluations with the same noise agree exactly,
# while an evaluation with fresh noise gives a slightly different number for the same model.

# %%
test = torch.from_numpy(test_data)
n_batches = math.ceil(len(test) / cfg.batch_size)
noise_shape = [n_batches, cfg.num_mc, cfg.batch_size, cfg.latent_dim]
fixed_noise = torch.randn(noise_shape, generator=torch.Generator().manual_seed(1))
other_noise = torch.randn(noise_shape, generator=torch.Generator().manual_seed(2))

first = run_test(model, test, cfg.batch_size, fixed_noise)
again = run_test(model, test, cfg.batch_size, fixed_noise)
fresh = run_test(model, test, cfg.batch_size, other_noise)
print("fixed noise, twice:", first.round(5), again.round(5))
print("fresh noise:       ", fresh.round(5))

assert np.array_equal(first, again)
assert not np.array_equal(first, fresh)
assert np.allclose(first[2], fresh[2])  # the closed-form KL ignores the noise

# %% [markdown]
# Only the reconstruction term moves with the noise; the KL is computed in closed form.

# %% [markdown]
# ## The whole run: `run_model`
#
# `run_model` builds a fresh VAE, then for each epoch shuffles the training data, takes one
# `train_step` per batch, and evaluates the test loss with the fixed noise (also once before
# training, as a baseline). When `cfg.sample_each_step` is on, it also draws `n_samples` new
# points after every step, which notebook 06 turns into a grid of snapshots. Two options are
# off by default and used by later notebooks: `val_data` (keep the weights of the epoch with
# the best validation loss) and a KL warm-up (`cfg.kl_warmup_epochs`, a KL weight that grows
# from 0 to `beta` over the first epochs).
#
# The run has four sources of randomness, and each is seeded from `cfg.seed`: the initial
# weights (`torch.manual_seed`), the training and test noise (one `torch.Generator`, drawn on
# the CPU), the generated samples (a `torch.Generator` of their own) and the shuffling (a
# NumPy generator). So the same seed gives the same run. Because the samples have their own
# generator, drawing them or not does not change the noise that training sees: switching
# `sample_each_step` off leaves the trained model exactly as it was (checked below). If a
# loss ever becomes NaN or infinite, `run_model` stops with a message naming the step,
# instead of training on garbage.

# %%
show_source(run_model)

# %% [markdown]
# The result is a `TrainingResult`, a dataclass with named fields, so no one has to index into
# a tuple (the source post returned a tuple of four or five items, depending on a setting):

# %%
show_source(TrainingResult)

# %% [markdown]
# Now we train on the source post's settings: one epoch of $\lceil 10000 / 128 \rceil = 79$
# steps. The progress bar comes from `tqdm.auto`, which shows a widget in Jupyter and plain text
# elsewhere.
#
# > **If you are reading the source blog post:** it imports `tqdm.notebook`, which only works
# > in a notebook front-end with widgets, so its code fails as a script. And it seeds nothing,
# > so every run (and every reader) gets different numbers.

# %%
result = run_model(cfg, train_data, test_data)

# %% [markdown]
# Here are the shapes of what came back: one row of losses per training step, one row per test
# evaluation (before training and after the epoch), and the generated samples.

# %%
for name in ("train_losses", "test_losses", "samples_with_noise", "samples_no_noise",
             "samples_per_step"):
    print(f"{name:20s} {getattr(result, name).shape}")

steps = math.ceil(len(train_data) / cfg.batch_size)
assert result.train_losses.shape == (steps, 3)
assert result.test_losses.shape == (cfg.num_epochs + 1, 3)
assert result.samples_per_step.shape == (steps, cfg.n_samples, 2)

# %% [markdown]
# ## The loss curves
#
# `plot_losses` draws one panel per column: the train loss after every step, and the test loss
# before and after the epoch. We add two reference lines to the total, both exact for this
# data (notebook 07 explains them in detail):
#
# - the **floor**: the exact negative log-likelihood of the test points under the true
#   distribution. Its expectation is the entropy of the data distribution,
#   $H = \tfrac12 \log\big((2\pi e)^D \det\Sigma\big) \approx 2.69$ nats, and since the
#   $-$ELBO is an upper bound on $-\log p_\theta(\mathbf{x})$, no VAE can get below this floor
#   in expectation;
# - the **ignore-$z$ ceiling**: the best expected loss of a decoder that ignores $z$ and fits
#   each coordinate on its own, $\sum_i \tfrac12\log(2\pi e\,\Sigma_{ii}) \approx 2.84$ nats.
#   It cannot model the correlation, so a loss clearly below this line means the model is
#   using $z$. The distance between the lines, about 0.144 nats, is all that $z$ can buy on
#   this data.

# %%
exact_nll = -true_log_prob(test_data, SOURCE_MU, SOURCE_COV).mean()
ceiling = ignore_z_ceiling(SOURCE_COV)
print(f"exact NLL of the test set: {exact_nll:.4f} nats "
      f"(entropy {gaussian_entropy(SOURCE_COV):.4f}); ignore-z ceiling {ceiling:.4f}")
print("test losses (total, recon, kl):")
print(f"  before training: {result.test_losses[0].round(4)}")
print(f"  after 1 epoch:   {result.test_losses[-1].round(4)}")
share = (ceiling - result.test_losses[-1, 0]) / (ceiling - exact_nll)
print(f"share of the way from the ceiling down to the floor: {share:.0%}")

fig = plot_losses(result, floor=exact_nll, ceiling=ceiling)
fig.axes[0].set_ylim(exact_nll - 0.2, 3.8)
fig.suptitle("Negative ELBO during one epoch on the source post's settings", y=1.02)
plt.show()

# %% [markdown]
# What to read from the curves (the numbers are this seed's, and the cell below checks them):
#
# - the **total** falls within the first few steps and then fluctuates around a slowly
#   falling level. The untrained model starts far *above* the ceiling: it is worse than the
#   best model that ignores $z$. The train curve is noisy because each point is one batch of
#   128 with one noise draw; a single batch can even dip below the floor, which is an average
#   over the test set, not a bound for every batch. The test loss is measured only twice here
#   (before and after the epoch), so its line is just a chord between two points.
# - the **reconstruction** term falls steadily: the decoder learns where the data are, and the
#   encoder learns to put information about $\mathbf{x}$ into $\mathbf{z}$.
# - the **KL** term first drops, as the randomly initialised encoder is pulled towards the
#   prior, and then *rises*: to reconstruct better, the encoder must move away from the prior
#   again, and the KL is the price it pays, in nats, for the information it puts into
#   $\mathbf{z}$. The total keeps falling because the reconstruction gains more than the KL
#   costs.
#
# After one epoch the test loss is below the ceiling, but only about **halfway** down to the
# floor: the model has learned roughly half of what $z$ can buy. One epoch is a start, not a
# converged model. Notebook 07 measures the rest of the gap and trains a model that closes it.
#
# > **If you are reading the source blog post:** it concludes from its sample plots that the
# > model learns the distribution very quickly. By eye the samples do look right early on,
# > but the likelihood says the one-epoch model is about halfway there.

# %%
before, after = result.test_losses[0], result.test_losses[-1]
train_kl = result.train_losses[:, 2]
assert after[0] < before[0] and before[0] > ceiling  # from above the ceiling, down
assert after[2] > 0  # the encoder uses its latents: a positive KL
totals_add_up = result.train_losses[:, 1:].sum(axis=1)
assert np.allclose(result.train_losses[:, 0], totals_add_up, rtol=1e-5)
assert after[0] > exact_nll - 0.05  # an upper bound: above the floor, up to MC noise
assert 0.3 < share < 0.75  # about halfway from the ceiling to the floor
# The KL drops within the first ten steps, then rises again (this seed):
assert train_kl[:10].min() < 0.3 * train_kl[0]
assert train_kl[-10:].mean() > 3 * train_kl[:10].min()

# %% [markdown]
# ## Same seed, same numbers
#
# Because every source of randomness is seeded from `cfg.seed`, training again with the same
# seed gives **bitwise-identical** losses and samples on the CPU, and a different seed gives
# different ones. A third run switches `sample_each_step` off: since the samples have their
# own generator, its training losses are the same as well. We switch the progress bar off
# for these extra runs.

# %%
same = run_model(default_config(progress=False), train_data, test_data)
quiet = run_model(default_config(progress=False, sample_each_step=False),
                  train_data, test_data)
other = run_model(default_config(progress=False, seed=1, sample_each_step=False),
                  train_data, test_data)

print("same seed, identical train losses:",
      np.array_equal(same.train_losses, result.train_losses))
print("without per-step samples, identical train losses:",
      np.array_equal(quiet.train_losses, result.train_losses))
print("seed 1 vs seed 0, final test loss:", other.test_losses[-1, 0].round(4), "vs",
      result.test_losses[-1, 0].round(4))

assert np.array_equal(same.train_losses, result.train_losses)
assert np.array_equal(same.test_losses, result.test_losses)
assert np.array_equal(same.samples_with_noise, result.samples_with_noise)
assert np.array_equal(quiet.train_losses, result.train_losses)  # sampling is separate
assert np.array_equal(quiet.test_losses, result.test_losses)
assert not np.array_equal(other.train_losses, result.train_losses)

# %% [markdown]
# On a GPU, some PyTorch kernels are not deterministic, so runs there agree closely but not
# always to the last bit.
#
# ## Which device?
#
# `cfg.device` is `"auto"` by default: it picks CUDA when a GPU is available and the CPU
# otherwise. `"cpu"` or `"cuda"` force one (asking for CUDA without a GPU is an error, not a
# silent fallback). The data and the model are moved to that device; the noise is always drawn
# on the CPU, so the random numbers do not depend on the device. For a model this small the CPU
# is just as fast.

# %%
show_source(resolve_device)

# %%
print("cfg.device = 'auto' resolves to:", resolve_device(cfg.device))
assert resolve_device("cpu") == torch.device("cpu")

# %% [markdown]
# ## Exercises
#
# **1. A tiny network.** Train one epoch with `hidden_dim=8` (everything else as above).
# Predict: does the test loss get below the ignore-$z$ ceiling? Which term tells you whether
# the model uses $z$?

# %% tags=["hide-cell"]
# With 8 tanh units and the small learning rate, one epoch is not enough: in this run
# the test loss stays above the ceiling, and the KL (what the encoder puts into z) stays
# near zero.  The model has barely started to use z.
tiny = run_model(default_config(progress=False, sample_each_step=False, hidden_dim=8),
                 train_data, test_data)
print("hidden_dim=8, test (total, recon, kl):", tiny.test_losses[-1].round(4))
assert tiny.test_losses[-1, 0] > ceiling and tiny.test_losses[-1, 2] < 0.15

# %% [markdown]
# **2. Ten times the learning rate.** With `lr=1e-2` and the 512-unit network, does one
# epoch get closer to the floor?

# %% tags=["hide-cell"]
# No, in this run it ends worse than it started: steps ten times larger overshoot,
# and the KL term balloons.  A larger learning rate is not free speed; notebook 07 gets
# a 20x rate to work with a smaller network, bigger batches and a decaying schedule.
fast = run_model(default_config(progress=False, sample_each_step=False, lr=1e-2),
                 train_data, test_data)
print("lr=1e-2, test (total, recon, kl):", fast.test_losses[-1].round(4))
assert fast.test_losses[-1, 0] > result.test_losses[-1, 0]
assert fast.test_losses[-1, 2] > 2 * result.test_losses[-1, 2]

# %% [markdown]
# ## Summary
#
# - `train_step` draws fresh noise, computes the negative ELBO of a batch, takes one Adam step,
#   and returns `(total, recon, kl)`, the same order as `VAE.loss` and `run_test`.
# - `run_test` evaluates with noise fixed once per run, so the test loss changes only when the
#   model does; it averages over all test points.
# - `run_model(cfg, train_data, test_data)` returns a `TrainingResult` with the model, the
#   loss histories, and generated samples. In this run, one epoch on the source settings
#   takes the test loss from about 3.4 nats per data point (above the ignore-$z$ ceiling of 2.84) to about
#   2.76: only about halfway down to the exact floor of about 2.69, not yet close to it.
# - Everything is seeded from `cfg.seed`: the same seed gives the same numbers, bit for bit,
#   on the CPU; the generated samples have their own generator, so drawing them does not
#   change training; `cfg.device = "auto"` picks a GPU when there is one.
#
# **Next:** [06 · Visualisation](06_visualisation.ipynb) looks at what the trained model
# generates, and at how the data are arranged in its latent space.
