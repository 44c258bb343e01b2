# %% [markdown]
# # 15 · The VAE inside latent diffusion
#
# Most people now meet a VAE as the first stage of a latent diffusion model such as
# Stable Diffusion: an `AutoencoderKL`, a KL weight near zero and a
# `scaling_factor = 0.18215`. Here we train a small one on MNIST, see what the tiny KL
# weight buys and costs, and let a second model carry the prior, measured in nats. It
# builds on notebook 07's conv VAE on MNIST and notebook 14's rate and distortion.
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/vae-tutorial/vae_tutorial/blob/main/notebooks/15_latent_diffusion.ipynb)

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
# The picture: a conv VAE whose latents are 4 maps of 7 x 7 (beta = 1e-3), trained for a
# few seconds: two test digits, their latent maps (the posterior means), the
# reconstructions.
import matplotlib.pyplot as plt

from vae_tutorial import mnist_config, mnist_dataset, run_model
from vae_tutorial.latent_diffusion import latent_maps

SEED, EPOCHS, TRAIN_IMAGES, SMALL_BETA = 0, 4, 2000, 1e-3
train, val, test = mnist_dataset(binarized=True)


def maps_config(beta):
    return mnist_config(network="conv", latent_shape=(4, 7, 7), latent_dim=196,
                        beta=beta, num_epochs=EPOCHS, seed=SEED, progress=False)


small = run_model(maps_config(SMALL_BETA), train[:TRAIN_IMAGES], test)
mu_maps, _ = latent_maps(small.model, test[:2])
recon = small.model.sample_x(mu_maps.flatten(1)).detach().numpy()
fig, axes = plt.subplots(2, 6, figsize=(9, 3.2))
for row in range(2):
    axes[row, 0].imshow(test[row].reshape(28, 28), cmap="gray_r")
    m = float(mu_maps[row].abs().max())  # symmetric colours: white is 0
    for c in range(4):
        axes[row, c + 1].imshow(mu_maps[row, c], cmap="RdBu_r", vmin=-m, vmax=m)
    axes[row, 5].imshow(recon[row].reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
titles = ["image 28×28", *(f"latent map {c + 1}, 7×7" for c in range(4)),
          "decoded"]
for ax, title in zip(axes[0], titles):
    ax.set_title(title, fontsize=9)
for ax in axes.flat:
    ax.set(xticks=[], yticks=[])
fig.suptitle("image → 4 × 7 × 7 latent map → image (β = 1e-3)", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# **What you will learn**
#
# - what Stable Diffusion's autoencoder is, beside the one we train;
# - what a KL weight far below 1 does on images: sharp reconstructions, noise from the
#   prior (the rate–distortion trade-off of notebook 14, now on MNIST);
# - what the scaling factor is and why a diffusion model wants it;
# - how a second model on the latents draws digits again, what that does to the
#   test likelihood bound, and how much of that bound is the encoder's looseness;
# - VQ-VAE, the discrete sibling, in one paragraph.

# %%
import math

import torch

from vae_tutorial import binarize, own_settings, plot_images, show_source
from vae_tutorial.latent_diffusion import (
    SpatialConvEncoder,
    decode_second_stage,
    encode_latents,
    latent_scale,
    refit_encoder,
    scaled_latents,
    second_stage_config,
    two_stage_bound,
)
from vae_tutorial.results import load_results

bench = load_results("latent_diffusion")

# %% [markdown]
# ## Stable Diffusion's autoencoder beside ours
#
# Latent diffusion (Rombach et al. 2022) splits image generation in two. An autoencoder
# compresses an image into a smaller latent map and decodes it back; a diffusion model
# then learns the distribution of those maps. Only the first stage is a VAE:
#
# | | Stable Diffusion (v1) | this page |
# | --- | --- | --- |
# | image | 512 × 512 × 3 | 28 × 28 × 1 (binarised) |
# | latent map | 64 × 64 × 4 (8× downsampling) | 7 × 7 × 4 (4× downsampling) |
# | KL weight β | about 1e-6 | 1 down to 1e-4; 1e-3 below |
# | reconstruction loss | L1 + perceptual (LPIPS) + adversarial (a patch discriminator) | Bernoulli −log p(x\|z) |
# | prior over the latents | a diffusion model | a second VAE (an MLP) |
#
# The two KL weights are in different units: Stable Diffusion's weighs the KL against
# a summed L1 + LPIPS loss with a learned log-variance, ours against a log-likelihood
# in nats.
#
# Perceptual and adversarial losses make reconstructions look sharp to people; we name
# them and do not build them. Our encoder is notebook 07's two strided convolutions,
# with a 3 × 3 convolution to mean and log-variance *maps* in place of the dense layer
# (`config.latent_shape=(4, 7, 7)`, `latent_dim=196`: the picture's `maps_config`); the
# rest of the package sees 196 flat latents:

# %%
show_source(SpatialConvEncoder)

# %% [markdown]
# ## A β sweep: sharp reconstructions, noise from the prior
#
# Notebook 14 showed that a $\beta$-VAE minimises $D + \beta R$. With $\beta = 10^{-3}$
# a nat of rate costs a thousandth of a nat of distortion, so the encoder spends rate
# freely: narrow posteriors, far from $\mathcal{N}(\mathbf{0}, I)$. We train $\beta = 1$
# beside the picture's model: same network and data, the first 2,000 training images,
# 4 epochs (the bench trains on all 4,000 for 14 epochs):

# %%
big = run_model(maps_config(1.0), train[:TRAIN_IMAGES], test)
runs = {1.0: big, SMALL_BETA: small}
fig, axes = plt.subplots(2, 3, figsize=(9, 3.0))
for row, (beta, run) in enumerate(runs.items()):
    model = run.model.eval()
    with torch.no_grad():
        mu, _ = model.encode(torch.as_tensor(test[:16]))
        recon_16 = model.sample_x(mu).numpy()
    _, distortion, rate = run.test_losses[-1]
    plot_images(axes[row, 0], test[:16], 8, "test images")
    plot_images(axes[row, 1], recon_16, 8, f"β = {beta:g}: reconstructions")
    plot_images(axes[row, 2], run.samples_no_noise[:16], 8, "decoded z ~ N(0, I)")
    axes[row, 1].set_xlabel(f"D = {distortion:.0f} nats, R = {rate:.0f} nats")
    print(f"beta = {beta:g}: distortion {distortion:.1f}, rate {rate:.1f}, "
          f"test -ELBO {distortion + rate:.1f} nats")
for ax in axes[:, ::2].flat:
    ax.set_xlabel("")
fig.tight_layout()
plt.show()

# %% [markdown]
# At $\beta = 1$ the reconstructions are blurred, and decoded prior draws are scattered
# strokes. Independent latents are not the reason (07's 32 latents are independent
# too): this decoder is local. Each pixel is decoded from at most 5 × 5 of the 7 × 7
# cells, so distant parts of a digit come from different cells, drawn independently.
# At $\beta = 10^{-3}$ the reconstructions are sharp and the prior draws are
# noise: $\mathcal{N}(\mathbf{0}, I)$ is no longer where the codes live. The bench's sweep
# over seeds 0–2 (all 4,000 training images, 14 epochs, 500 test images):

# %%
print(f"{'beta':>6} {'rate R':>15} {'distortion D':>15} {'-ELBO = D + R':>15} "
      f"{'std of z':>12}")
for e in bench["sweep"]:
    cells = [f"{e[k + '_mean']:.1f} ± {e[k + '_sd']:.1f}"
             for k in ("rate", "distortion", "neg_elbo")]
    print(f"{e['beta']:>6g} " + " ".join(f"{c:>15}" for c in cells)
          + f" {e['latent_std_mean']:>5.2f} ± {e['latent_std_sd']:.2f}")
sweep = {e["beta"]: e for e in bench["sweep"]}

# %% [markdown]
# Rate climbs as $\beta$ shrinks, distortion falls down to $\beta = 10^{-2}$, and the
# $-$ELBO, $D + R$, gets worse: a small $\beta$ buys reconstructions with nats of rate.
# Below $\beta = 10^{-2}$ the distortion barely moves while the rate keeps growing.
#
# ## The scaling factor
#
# The encoder is now free to put its codes anywhere. A diffusion model adds Gaussian
# noise to its inputs on a schedule made for data of unit variance: with inputs of
# standard deviation 5, the signal-to-noise ratio at every step would be 25 times the
# one the schedule was designed for, and its last step would be further from pure
# noise. So the latents are multiplied by $s = 1/\mathrm{std}(\mathbf{z})$, taken over
# training images and every latent element, with $\mathbf{z} \sim
# q_\phi(\mathbf{z}|\mathbf{x})$. Stable Diffusion's $s = 0.18215$ stands for a
# standard deviation of about 5.5.

# %%
show_source(latent_scale)

# %%
train_copy = binarize(train[:TRAIN_IMAGES], 3)  # one fixed black-and-white copy
scale = latent_scale(small.model, train_copy, seed=SEED)
z = encode_latents(small.model, train_copy, seed=SEED)
with torch.no_grad():
    _, log_var_small = small.model.encode(torch.as_tensor(test))
posterior_sd = float(torch.exp(log_var_small / 2).mean())
print(f"beta = {SMALL_BETA:g}: std of z {z.std():.2f}, scale s = {scale:.3f}, "
      f"std of s z {(scale * z).std():.3f}; the posterior's sd {posterior_sd:.3f}")
two = bench["two_stage"]
print(f"bench (seeds 0-2): s = {two['scale_mean']:.3f} ± {two['scale_sd']:.3f}; "
      f"std of s z: train {two['scaled_std_train_mean']:.3f}, "
      f"test {two['scaled_std_test_mean']:.3f} ± {two['scaled_std_test_sd']:.3f}")

# %% [markdown]
# Our latents spread wider than $\mathcal{N}(\mathbf{0}, I)$ while each posterior is
# narrow: each code is pinned down to a small region. Scaled, the test latents have
# standard deviation close to 1 too. A scale changes nothing a model can express; it
# changes what the diffusion schedule's numbers mean.
#
# ## A second stage carries the prior
#
# Instead of a diffusion model we fit a Gaussian MLP VAE (two 512-unit layers each
# way, 32 latents) to the scaled latents $s\mathbf{z}$: a two-stage VAE, as Dai & Wipf
# (2019) call it, though their first stage is an ordinary $\beta = 1$ VAE with a learned
# decoder variance, not rescaled, judged by FID. To draw a digit, draw $\mathbf{v} \sim
# \mathcal{N}(\mathbf{0}, I)$, decode it to $\mathbf{u}$ (the second stage's decoder
# mean, not a draw), divide by $s$ and decode with the first.

# %%
cfg2 = second_stage_config(196, num_epochs=15, seed=SEED)
u_train = scaled_latents(small.model, train_copy, scale, seed=SEED)
u_test = scaled_latents(small.model, test, scale, seed=SEED + 1)
second = run_model(cfg2, u_train, u_test)
drawn = decode_second_stage(small.model, second.model, scale, 16, seed=SEED)
fig, axes = plt.subplots(1, 2, figsize=(9, 2.3))
plot_images(axes[0], small.samples_no_noise[:16], 8, "β = 1e-3, z ~ N(0, I)")
plot_images(axes[1], drawn, 8, "β = 1e-3, z from the second stage")
fig.tight_layout()
plt.show()

# %% [markdown]
# The same decoder now draws some digit-like shapes: the first stage's prior was the
# problem, not its decoder.
#
# **In nats.** The two-stage model is $\mathbf{x} \sim p_\theta(\mathbf{x}|\mathbf{z})$
# with $\mathbf{z} = \mathbf{u}/s$, $\mathbf{u} \sim p_2'$. By the change of variables its
# prior is $p_2(\mathbf{z}) = s^D p_2'(s\mathbf{z})$, $D = 196$. The ELBO with this prior,
# and the second stage's own $-$ELBO in place of $-\log p_2'$, bound $-\log p(\mathbf{x})$
# from above:
#
# $$
# \begin{aligned}
# -\log p(\mathbf{x}) \le\ & \mathbb{E}_q\left[-\log p_\theta(\mathbf{x}|\mathbf{z})\right]
#   - H\left[q_\phi(\mathbf{z}|\mathbf{x})\right]
#   + \mathbb{E}_q\left[-\log p_2(\mathbf{z})\right], \\
# -\log p_2(\mathbf{z}) =\ & -D\log s - \log p_2'(s\mathbf{z})
#   \ \le\ -D\log s - \mathrm{ELBO}_2(s\mathbf{z}).
# \end{aligned}
# $$
#
# With $p_2 = \mathcal{N}(\mathbf{0}, I)$ the first line is the usual $-$ELBO, so the
# numbers compare.

# %%
bound = two_stage_bound(small.model, second.model, scale, test, num_samples=10)
single = sum(small.test_losses[-1][1:])
print(f"beta = {SMALL_BETA:g}, test -ELBO with N(0, I): {single:.1f} nats; "
      f"two-stage bound: {bound.total:.1f}")
print(f"  parts: recon {bound.recon:.1f}, -entropy {-bound.entropy:.1f} "
      f"({-bound.entropy / 196:.2f} per latent), prior {bound.prior:.1f}")
print(f"  prior = second stage {bound.second:.1f} + (-D log s) {-bound.jacobian:.1f}")
print(f"beta = 1, test -ELBO: {sum(big.test_losses[-1][1:]):.1f} nats")
print(f"  (page: first stages {EPOCHS} epochs on {TRAIN_IMAGES:,} images, second "
      f"stage {cfg2.num_epochs} epochs on {len(u_train):,} codes)")
print(f"bench (seeds 0-2): N(0, I) {two['single_neg_elbo_mean']:.1f} ± "
      f"{two['single_neg_elbo_sd']:.1f}, two-stage {two['bound_k1_mean']:.1f} ± "
      f"{two['bound_k1_sd']:.1f}, beta = 1: {sweep[1.0]['neg_elbo_mean']:.1f} ± "
      f"{sweep[1.0]['neg_elbo_sd']:.1f}")
print(f"  two-stage with IWAE K = 100 in the second stage: "
      f"{two['bound_k100_mean']:.1f} ± {two['bound_k100_sd']:.1f}")
bench_epochs = (mnist_config(network="conv").num_epochs,  # the bench's defaults
                second_stage_config(196).num_epochs)
print(f"  (bench: first stages {bench_epochs[0]} epochs on {len(train):,} images, "
      f"second stage {bench_epochs[1]} epochs on {len(train):,} codes)")
conv07 = load_results("mnist")["models"]["ours_conv"]
n07 = conv07["params"]
print("07's conv VAE (bench, 32 flat latents, beta = 1, 100 draws per image):")
print(f"  -ELBO {conv07['neg_elbo_mean']:.1f} ± {conv07['neg_elbo_sd']:.1f}, IWAE "
      f"{conv07['iwae5000_mean']:.1f} ± {conv07['iwae5000_sd']:.1f}")
params = [sum(p.numel() for p in m.parameters()) for m in (small.model, second.model)]
print(f"parameters: first stage {params[0]:,}, second stage {params[1]:,} "
      f"({params[1] / params[0]:.0f}x), 07's conv VAE {n07:,}")

# %% [markdown]
# **What the numbers say.** The second stage cuts the bound by hundreds of nats against
# $\mathcal{N}(\mathbf{0}, I)$: it does carry the prior. Yet the two-stage bound stays
# far above the $\beta = 1$ model's $-$ELBO, whose prior samples look worse. Notebook
# 07's conv VAE is lower still, but it differs in much more than $\beta$: a 256-unit
# dense layer to 32 flat latents, about 40 times the parameters of our first stage,
# 14 epochs on all images, and a $-$ELBO averaged over 100 draws per image (one here).
#
# **The model, or the bound?** The bound is $-\log p(\mathbf{x})$ plus the gap
# $\mathrm{KL}(q_\phi(\mathbf{z}|\mathbf{x}) \,\|\, p(\mathbf{z}|\mathbf{x}))$ (and
# the second stage's own gap). This $q$ was trained for $D + 10^{-3}R$, never for this
# bound: its posteriors are narrow (a standard deviation near 0.1), and $-H[q]$ is the
# largest part. A worse $q$ makes a looser bound, not a worse model. So we hold the
# decoder, the second stage and $s$ fixed, which fixes $p(\mathbf{x})$, and re-fit only
# the encoder to the two-stage $-$ELBO on the same training images, for a few seconds
# (`refit_encoder`):

# %%
REFIT_EPOCHS = 2
refit = refit_encoder(small.model, second.model, scale, train[:TRAIN_IMAGES],
                      num_epochs=REFIT_EPOCHS, seed=SEED)
tight = two_stage_bound(refit, second.model, scale, test, num_samples=10)
with torch.no_grad():
    _, log_var_refit = refit.encode(torch.as_tensor(test))
refit_sd = float(torch.exp(log_var_refit / 2).mean())
print(f"same model, encoder re-fitted for {REFIT_EPOCHS} epochs: bound "
      f"{tight.total:.1f} nats (was {bound.total:.1f}; beta = 1: "
      f"{sum(big.test_losses[-1][1:]):.1f})")
print(f"  parts: recon {tight.recon:.1f}, -entropy {-tight.entropy:.1f}, prior "
      f"{tight.prior:.1f}; the posterior's sd {refit_sd:.3f} (was {posterior_sd:.3f})")

# %% [markdown]
# The same model's bound falls by more than 200 nats, to within 50 nats of the
# $\beta = 1$ $-$ELBO: most of the gap was the looseness of this $q$. The re-fitted
# posteriors are wider: $-H[q]$ falls by hundreds of nats, reconstruction costs under
# 30 more. What remains, model or bound, this page does not split. The bounds still
# disagree with the samples (Theis et al. 2016, "A note on the evaluation of generative
# models"); whether the likelihoods do, this page does not show. With the $\beta =
# 10^{-3}$ $q$, a sharper encoder even gives
# a looser bound: the bench's first stage, trained longer on twice the images,
# reconstructs better, yet its two-stage bound is higher than the page's, while its
# $\beta = 1$ $-$ELBO is lower.
#
# **The discrete sibling.** VQ-VAE (van den Oord et al. 2017, "Neural Discrete
# Representation Learning") replaces the Gaussian posterior by a lookup: each encoder
# output vector snaps to its nearest entry in a learned *codebook*, and the gradient
# skips the non-differentiable snapping (the *straight-through* estimator: the decoder's
# gradient is copied to the encoder's output). Its rate is fixed by the codebook size;
# an autoregressive model or a diffusion model learns the prior over codes afterwards,
# the same two-stage recipe.
#
# ## Exercises
#
# **1. Forget the Jacobian.** What would the bound be without $-D\log s$? Is the
# two-stage model then better or worse than it really is?

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# -D log s > 0 since s < 1: leaving it out would make the model look better by that
# many nats, and the result is no longer guaranteed to be a bound.
without = bound.total + bound.jacobian
print(f"s = {scale:.3f}: -D log s = {-bound.jacobian:.1f} nats; without it the "
      f"'bound' would be {without:.1f}, not {bound.total:.1f}")
assert abs(bound.jacobian - 196 * math.log(scale)) < 1e-9
assert (without < bound.total) == (scale < 1)

# %% [markdown]
# **2. The scale cancels.** Multiply $s$ by 2 and use the second stage on $2s\mathbf{z}$
# with the same density shape stretched by 2, that is $p_2''(\mathbf{w}) =
# 2^{-D}p_2'(\mathbf{w}/2)$. Show the bound is unchanged, then check it with the
# first-stage's $\mathcal{N}(\mathbf{0}, I)$ prior written as a second stage at two
# scales.

# %% jupyter={"source_hidden": true} tags=["hide-cell"]
# p2(z) = (2s)^D p2''(2 s z) = (2s)^D 2^-D p2'(s z) = s^D p2'(s z): the same prior.
# Check: a "second stage" that is exactly N(0, r^2 I) (zero weights, decoder variance
# r^2) at scale r is N(z; 0, I) for every r, so it gives the same bound.
from vae_tutorial import default_config
from vae_tutorial.variants import make_vae


def gaussian_stage(r):
    stage = make_vae(default_config(input_dim=196, latent_dim=2, hidden_dim=8))
    with torch.no_grad():
        for param in stage.parameters():
            param.zero_()
        stage.decoder.param_layer.bias[196:] = 2 * math.log(r)
    return stage


totals = [two_stage_bound(small.model, gaussian_stage(r), r, test[:100], 5).total
          for r in (0.5, 2.0)]
print(f"bounds at r = 0.5 and r = 2: {totals[0]:.3f}, {totals[1]:.3f} nats")
assert abs(totals[0] - totals[1]) < 1e-3

# %% [markdown]
# ## Summary
#
# - Stable Diffusion's first stage is a VAE with latent maps (8× smaller per side,
#   4 channels) and a KL weight near $10^{-6}$; a diffusion model learns the latents'
#   distribution.
# - A small $\beta$ trades rate for distortion (notebook 14): sharp reconstructions,
#   but $\mathcal{N}(\mathbf{0}, I)$ no longer describes the codes, and prior samples
#   are noise.
# - The scaling factor is $1/\mathrm{std}(\mathbf{z})$, so that the diffusion schedule
#   sees unit-variance inputs.
# - A second model on the scaled latents draws digits again; in nats, with the
#   Jacobian $D\log s$, it improves the bound by hundreds of nats. It stays far above
#   a $\beta = 1$ VAE's $-$ELBO mostly because the encoder was fitted to $D + \beta R$,
#   not to this bound: re-fitting the encoder alone closes most of the gap.
# - VQ-VAE is the discrete version: a codebook and a straight-through gradient.
#
# **Next:** back to the start, [00 · A VAE in one page](00_vae_in_one_page.ipynb), to
# read it again with everything since.

# %% jupyter={"source_hidden": true} tags=["hide-cell", "checks"]
# Checks: the numbers this page states, at its own settings (and the rules behind them).
# Rules: the scaled latents have unit std; the bound adds up; the bench's rows
assert abs(float((scale * z).std()) - 1) < 1e-4
assert abs(bound.total - (bound.recon - bound.entropy + bound.prior)) < 1e-6
assert len(bench["sweep"]) == 5 and bench["seeds"] == [0, 1, 2]
# The bench: rate rises and distortion falls as beta shrinks; scaled latents' std ~ 1;
# the second stage cuts hundreds of nats; still far above beta = 1
betas = sorted(sweep, reverse=True)
assert all(sweep[a]["rate_mean"] < sweep[b]["rate_mean"]
           for a, b in zip(betas, betas[1:]))
assert sweep[1.0]["distortion_mean"] > sweep[1e-2]["distortion_mean"] + 20
assert abs(sweep[1e-4]["distortion_mean"] - sweep[1e-2]["distortion_mean"]) < 3
assert sweep[1e-4]["rate_mean"] > 2 * sweep[1e-2]["rate_mean"]
assert all(sweep[a]["neg_elbo_mean"] < sweep[b]["neg_elbo_mean"]
           for a, b in zip(betas, betas[1:]))
assert two["bound_k1_mean"] > conv07["neg_elbo_mean"] + 100
assert -two["entropy_mean"] > max(two["recon_mean"], two["prior_mean"])
assert abs(two["scaled_std_test_mean"] - 1) < 0.05
assert two["single_neg_elbo_mean"] - two["bound_k1_mean"] > 200
assert two["bound_k1_mean"] > sweep[1.0]["neg_elbo_mean"] + 100
if own_settings(seed=0, epochs=(EPOCHS, 4), train_images=(TRAIN_IMAGES, 2000),
                small_beta=(SMALL_BETA, 1e-3), second_epochs=(cfg2.num_epochs, 15),
                refit_epochs=(REFIT_EPOCHS, 2)):
    # Picture and sweep: beta = 1e-3 reconstructs better and pays more rate
    assert small.test_losses[-1][1] < big.test_losses[-1][1] - 20
    assert small.test_losses[-1][2] > 5 * big.test_losses[-1][2]
    # Scaling: latents wider than N(0, I), the posterior narrow (sd near 0.1)
    assert scale < 0.8 and 0.05 < posterior_sd < 0.2
    # The second stage: hundreds of nats better than N(0, I), above beta = 1
    assert single - bound.total > 200
    assert bound.total > sum(big.test_losses[-1][1:]) + 100
    assert -bound.entropy > max(bound.recon, bound.prior)  # the largest part
    # 07's conv VAE: 14 epochs, about 40 times the first stage's parameters
    assert conv07["rows"][0]["epochs"] == 14 and 35 < n07 / params[0] < 45
    assert 40 < params[1] / params[0] < 50  # the second stage's size
    # Page and bench protocols as printed; the bench's sharper encoder, looser bound
    assert (EPOCHS, cfg2.num_epochs, len(u_train)) == (4, 15, 2000)
    assert bench_epochs == (14, 30) and len(train) == 4000
    assert two["recon_mean"] < bound.recon and two["bound_k1_mean"] > bound.total
    assert sweep[1.0]["neg_elbo_mean"] < sum(big.test_losses[-1][1:])
    # The re-fitted encoder: same model, bound down > 200 nats, within 50 of beta = 1
    assert bound.total - tight.total > 200
    assert tight.total < sum(big.test_losses[-1][1:]) + 50
    assert refit_sd > posterior_sd and -bound.entropy + tight.entropy > 200
    assert 0 < tight.recon - bound.recon < 30
    # The decoder is local: each pixel sees at most 5 x 5 of the 7 x 7 cells
    jac = torch.autograd.functional.jacobian(small.model.decode, torch.zeros(196))
    seen = (jac != 0).reshape(784, 4, 7, 7).any(1)
    assert max(int(seen[i].any(1).sum()) for i in range(784)) == 5
    assert max(int(seen[i].any(0).sum()) for i in range(784)) == 5
