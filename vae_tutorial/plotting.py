"""Figures used by the notebooks: density contours with histograms, loss curves, a grid
of samples across training, the latent space, true posteriors beside Gaussians (10, 11),
and the computational graph of the reparameterization trick.  Every axis is titled and
labelled.

Used from ``notebooks/01_data`` onwards.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from .data import true_log_prob
from .sampling import model_device

LOSS_NAMES = ("total (-ELBO)", "reconstruction", "KL")


def density_grid(mu, cov, xlim, ylim, num: int = 150):
    """The exact density of N(mu, cov) on a ``num x num`` grid: (xx, yy, p), each
    ``[num, num]``."""
    xx, yy = np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))
    points = np.stack([xx.ravel(), yy.ravel()], axis=-1)
    return xx, yy, np.exp(true_log_prob(points, mu, cov)).reshape(xx.shape)


def plot_density(ax, samples, mu, cov, title, xlim=(-3, 5), ylim=(-3, 4), bins=80):
    """2-D histogram of ``samples`` ``[N, 2]`` under the contours of the true
    density."""
    ax.hist2d(samples[:, 0], samples[:, 1], bins=bins, range=[xlim, ylim], cmap="Blues")
    ax.contour(*density_grid(mu, cov, xlim, ylim), levels=8, colors="darkorange",
               linewidths=1)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", xlim=xlim, ylim=ylim,
           aspect="equal")
    return ax


def plot_losses(result, floor=None, ceiling=None):
    """Train (per step) and test (per epoch) losses, one panel per column (total, recon,
    KL).

    ``floor``/``ceiling`` draw horizontal reference lines on the total: e.g. the exact
    NLL, and the best a decoder that ignores z can do.
    """
    steps_per_epoch = len(result.train_losses) / (len(result.test_losses) - 1)
    test_steps = np.arange(len(result.test_losses)) * steps_per_epoch
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for col, (ax, name) in enumerate(zip(axes, LOSS_NAMES)):
        ax.plot(np.arange(1, len(result.train_losses) + 1), result.train_losses[:, col],
                lw=0.8, alpha=0.7, label="train (per step)")
        # markers only: a line between two epochs would suggest a steady decline
        ax.plot(test_steps, result.test_losses[:, col], "o", label="test (per epoch)")
        ax.set(title=name, xlabel="training step", ylabel="nats per data point")
    for value, label, style in ((floor, "exact NLL (floor)", "k--"),
                                (ceiling, "decoder ignores z", "r:")):
        if value is not None:
            axes[0].axhline(value, color=style[0], linestyle=style[1:], label=label)
    axes[0].legend()
    fig.tight_layout()
    return fig


def plot_samples_grid(samples_per_step, reference, lims=((-3, 5), (-3, 4)),
                      n_panels=16):
    """A 4x4 grid: ``reference`` data first, then samples from ``n_panels - 1`` training
    steps evenly spaced from the first to the last (``samples_per_step``
    ``[steps, N, 2]``)."""
    last = len(samples_per_step) - 1
    steps = np.unique(np.linspace(0, last, n_panels - 1).round().astype(int))
    fig, axes = plt.subplots(4, 4, figsize=(12, 12), sharex=True, sharey=True)
    panels = [(reference, "true data", "tab:blue")]
    panels += [(samples_per_step[s], f"generated, step {s + 1}", "tab:green")
               for s in steps]
    for ax, (points, title, color) in zip(axes.ravel(), panels):
        ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.5, color=color)
        ax.set(title=title, xlim=lims[0], ylim=lims[1])
    for ax in axes[-1]:
        ax.set_xlabel("$x_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_2$")
    fig.tight_layout()
    return fig


@torch.no_grad()
def plot_latents(ax, model, data, title="encoder means $\\mu_z$ of test points"):
    """Scatter the encoder means mu_z ``[N, latent]`` of ``data`` ``[N, 2]`` (first two
    latent dimensions), coloured by x1 + x2, the direction along which the data vary
    most."""
    model.eval()
    x = torch.as_tensor(data, dtype=torch.float32).to(model_device(model))
    mu_z = model.encode(x)[0].cpu().numpy()
    points = ax.scatter(mu_z[:, 0], mu_z[:, 1], c=data[:, 0] + data[:, 1], s=4,
                        cmap="viridis")
    ax.figure.colorbar(points, ax=ax, label="$x_1 + x_2$")
    ax.set(title=title, xlabel="$z_1$", ylabel="$z_2$", aspect="equal")
    return ax



def gaussian_ring(mean, tril, k: float = 1.0, num: int = 100) -> np.ndarray:
    """The ellipse at ``k`` standard deviations of N(mean, L L^T), ``[2, num]``:
    mean + k L (cos t, sin t) for t in [0, 2 pi]; mean ``[2]``, L = ``tril`` ``[2, 2]``
    (any square root of the covariance)."""
    angle = np.linspace(0, 2 * np.pi, num)
    return np.asarray(mean)[:, None] + k * np.asarray(tril) @ np.stack(
        [np.cos(angle), np.sin(angle)])


def plot_posterior_and_gaussians(ax, z_axis, density, x, gaussians: dict, centre,
                                 half_width: float = 1.5):
    """One panel: a posterior ``density`` ``[num, num]`` (indexed [z1, z2]) on the grid
    ``z_axis`` x ``z_axis`` as grey contours, and for each label -> (mean ``[2]``, tril
    ``[2, 2]``, colour) of ``gaussians`` its ellipses at 1 and 2 standard deviations
    (``gaussian_ring``); titled by the data point ``x`` ``[2]`` and zoomed to ``centre``
    +- ``half_width``."""
    ax.contourf(z_axis, z_axis, density.T, levels=20, cmap="Greys")
    for label, (mean, tril, color) in gaussians.items():
        for k in (1, 2):
            ax.plot(*gaussian_ring(mean, tril, k), color=color,
                    label=label if k == 1 else None)
    ax.set(title=f"x = ({x[0]:.2f}, {x[1]:.2f})", xlabel="$z_1$", ylabel="$z_2$",
           xlim=centre[0] + np.array([-half_width, half_width]),
           ylim=centre[1] + np.array([-half_width, half_width]), aspect="equal")
    return ax


def plot_reparameterization_graph(ax, reparameterized: bool):
    """The computational graph of one loss evaluation, from x (bottom) to the loss
    (top).

    Deterministic nodes are boxes; a random node is red.  Without the trick
    (``reparameterized=False``) z is drawn inside the graph, so the backward pass of the
    reconstruction term (the dashed arrow) stops at the draw and never reaches the
    encoder (the closed-form KL term, computed from mu_z and log_var_z directly, still
    does).  With it, the only
    random node is the noise epsilon, an input on the side, and z = mu + sigma * eps is
    an ordinary function that the gradient passes through.
    """
    box = dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor="black")
    rand = dict(boxstyle="round4,pad=0.5", facecolor="mistyrose", edgecolor="tab:red")
    if reparameterized:
        z_node = (r"$\mathbf{z} = \boldsymbol{\mu}_z + \boldsymbol{\sigma}_z \odot "
                  r"\boldsymbol{\epsilon}$", box)
    else:
        z_node = (r"draw $\mathbf{z} \sim \mathcal{N}(\boldsymbol{\mu}_z, "
                  r"\mathrm{diag}(\boldsymbol{\sigma}_z^2))$", rand)
    labels = [(r"data $\mathbf{x}$", box), (r"encoder $\phi$", box),
              (r"$\boldsymbol{\mu}_z,\ \log\boldsymbol{\sigma}_z^2$", box), z_node,
              (r"decoder $\theta$", box),
              (r"$\boldsymbol{\mu}_x,\ \log\boldsymbol{\sigma}_x^2$", box),
              (r"loss $-\log p_\theta(\mathbf{x} \mid \mathbf{z}) + D_{\mathrm{KL}}$",
               box)]
    for y, (label, style) in enumerate(labels):
        ax.text(0.0, y, label, ha="center", va="center", bbox=style, fontsize=10)
    forward = dict(arrowstyle="->", color="black", lw=1.2)
    for y in range(6):
        ax.annotate("", xy=(0.0, y + 0.72), xytext=(0.0, y + 0.28), arrowprops=forward)
    if reparameterized:
        ax.text(1.2, 3.0, r"$\boldsymbol{\epsilon} \sim \mathcal{N}(\mathbf{0}, I)$",
                ha="center", va="center", bbox=rand, fontsize=10)
        ax.annotate("", xy=(0.78, 3.0), xytext=(0.88, 3.0), arrowprops=forward)
    backward = dict(arrowstyle="->", color="tab:blue", lw=1.5, linestyle="--")
    lowest = 0.6 if reparameterized else 3.35  # how far down the gradient gets
    ax.annotate("", xy=(-1.0, lowest), xytext=(-1.0, 6.0), arrowprops=backward)
    ax.text(-1.08, 5.0, "gradient of\nthe recon-\nstruction", color="tab:blue",
            fontsize=9, ha="right", va="center")
    if not reparameterized:
        ax.text(-1.0, 3.0, "✗", color="tab:red", fontsize=18, ha="center",
                va="center")
        ax.text(-1.08, 2.0, "no gradient\nthrough\nthe draw", color="tab:red",
                fontsize=9, ha="right", va="center")
    title = ("With the trick: the noise is an input" if reparameterized
             else "Without the trick: z is drawn inside the graph")
    ax.set(title=title, xlim=(-1.7, 1.9), ylim=(-0.6, 6.6))
    ax.axis("off")
    return ax


def plot_vae_diagram(ax=None):
    """The VAE at a glance, left to right: data x, the encoder q_phi(z|x), a latent z,
    the decoder p_theta(x|z), and x again; the prior p(z) = N(0, I) above z, labelled
    with its two roles (where generation draws z; what the KL pulls q_phi towards).
    Under it, what each half does and the loss that trains both: the negative ELBO, with
    the expectation over q_phi(z|x) written out (one draw of z estimates it).

    Draws on ``ax`` (a new 9 x 3 inch figure when None) and returns it.  The first
    picture of ``notebooks/00_vae_in_one_page``.
    """
    if ax is None:
        ax = plt.subplots(figsize=(9, 3))[1]
    style = dict(ha="center", va="center", fontsize=11)
    nodes = [(0.7, r"data $\mathbf{x}$", "white"),
             (2.9, "encoder\n" + r"$q_\phi(\mathbf{z} \mid \mathbf{x})$", "#dbe9f6"),
             (5.0, r"latent $\mathbf{z}$", "white"),
             (7.1, "decoder\n" + r"$p_\theta(\mathbf{x} \mid \mathbf{z})$", "#dff2dc"),
             (9.45, r"$\mathbf{x}$ again" + "\n(or a new one)", "white")]
    for x, label, color in nodes:
        ax.text(x, 1.6, label, bbox=dict(boxstyle="round,pad=0.45", facecolor=color,
                                         edgecolor="black"), **style)
    ax.text(5.0, 3.0, r"prior $p(\mathbf{z}) = \mathcal{N}(\mathbf{0}, I)$",
            bbox=dict(boxstyle="round,pad=0.4", facecolor="#eeeeee",
                      edgecolor="gray"), **style)
    arrow = dict(arrowstyle="-|>", color="black", lw=1.3, shrinkA=0, shrinkB=0)
    mu_z = r"$\boldsymbol{\mu}_z$" + "\n" + r"$\log\boldsymbol{\sigma}_z^2$"
    mu_x = r"$\boldsymbol{\mu}_x$" + "\n" + r"$\log\boldsymbol{\sigma}_x^2$"
    edges = [(1.3, 2.1, ""), (3.7, 4.35, mu_z), (5.65, 6.3, ""), (7.9, 8.6, mu_x)]
    for start, end, label in edges:
        ax.annotate("", xy=(end, 1.6), xytext=(start, 1.6), arrowprops=arrow)
        ax.text((start + end) / 2, 1.72, label, ha="center", va="bottom", fontsize=9)
    ax.annotate("", xy=(5.0, 1.95), xytext=(5.0, 2.7), arrowprops=arrow)
    ax.text(5.12, 2.33, "generation draws $\\mathbf{z}$ from the prior;\n"
            "training pulls $q_\\phi$ towards it (the KL)", ha="left", va="center",
            fontsize=8, color="dimgray")
    for x0, x1, text, color in ((0.3, 4.7, "inference: which $\\mathbf{z}$ could have "
                                 "made this $\\mathbf{x}$?", "tab:blue"),
                                (5.3, 9.7, "generation: from $\\mathbf{z}$ to "
                                 "$\\mathbf{x}$", "tab:green")):
        ax.plot([x0, x0, x1, x1], [0.85, 0.75, 0.75, 0.85], color=color, lw=1.2)
        ax.text((x0 + x1) / 2, 0.55, text, color=color, ha="center", va="top",
                fontsize=10)
    ax.text(5.0, -0.15, r"loss $= -\mathbb{E}_{q_\phi(\mathbf{z} \mid \mathbf{x})}"
            r"\left[\log p_\theta(\mathbf{x} \mid \mathbf{z})\right]"
            r" + \mathrm{KL}\left(q_\phi(\mathbf{z} \mid \mathbf{x}) \,\|\,"
            r" p(\mathbf{z})\right)$  (the negative ELBO)", ha="center", va="center",
            fontsize=10.5)
    ax.set(title="A variational autoencoder", xlim=(0, 10.2), ylim=(-0.5, 3.4))
    ax.axis("off")
    return ax
