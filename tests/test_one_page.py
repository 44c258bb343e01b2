"""notebooks/00_vae_in_one_page writes the model, its loss and its training loop out in
plain PyTorch. These tests run that very code (the cells tagged "one-page", read from
the notebook's .py) and check that it computes the same numbers as the package's VAE,
GaussianMLP and train_step for the same weights, data and noise, and the same loss as an
independent torch.distributions computation. If the notebook's copy drifts, they fail.
"""

import math
import sys
from pathlib import Path

import jupytext
import numpy as np
import pytest
import torch
from torch.distributions import Independent, Normal, kl_divergence

from vae_tutorial import build_vae, default_config, train_step

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "00_vae_in_one_page.py"
CFG = default_config(hidden_dim=64)  # the notebook's sizes: 2 -> 64 -> 2 (x2) each way


def exact(actual, expected):
    torch.testing.assert_close(actual, expected, rtol=0, atol=0)


@pytest.fixture(scope="module")
def one_page():
    """The namespace the notebook's "one-page" cells define: VAE, GaussianNet, train."""
    cells = [c for c in jupytext.read(NOTEBOOK).cells
             if c.cell_type == "code" and "one-page" in c.metadata.get("tags", [])]
    assert len(cells) == 2, "expected the model cell and the training cell"
    namespace = {}
    for cell in cells:
        exec(compile(cell.source, str(NOTEBOOK), "exec"), namespace)
    return namespace


def pair(one_page, seed=0):
    """The notebook's VAE with seeded weights, and the package's VAE with a copy."""
    torch.manual_seed(seed)
    ours = one_page["VAE"]()
    package = build_vae(CFG)
    package.load_state_dict(ours.state_dict())  # strict: the same names and shapes
    return ours, package


def test_the_notebook_model_has_the_package_layers(one_page):
    ours, package = pair(one_page)
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: v.shape for k, v in package.state_dict().items()}
    assert isinstance(ours.encoder.shared[1], torch.nn.Tanh)
    assert ours.latent_dim == CFG.latent_dim
    # Default initialisation draws the same weights in the same order as build_vae.
    torch.manual_seed(0)
    fresh = build_vae(CFG)
    for name, value in fresh.state_dict().items():
        exact(ours.state_dict()[name], value)


def test_encoder_and_decoder_match_encode_and_decode(one_page):
    ours, package = pair(one_page, seed=1)
    x, z = torch.randn(50, 2), torch.randn(3, 50, 2)
    for actual, expected in zip(ours.encoder(x), package.encode(x)):
        exact(actual, expected)
    for actual, expected in zip(ours.decoder(z), package.decode(z)):
        exact(actual, expected)


@pytest.mark.parametrize("num_mc", [None, 1, 4])
def test_loss_matches_the_package_loss(one_page, num_mc):
    ours, package = pair(one_page, seed=2)
    x = torch.randn(40, 2) * 1.5 + 0.5
    noise = torch.randn(40, 2) if num_mc is None else torch.randn(num_mc, 40, 2)
    package_noise = noise[None] if num_mc is None else noise  # [num_mc, batch, latent]
    mine, theirs = ours.loss(x, noise), package.loss(x, package_noise)
    for actual, expected in zip(mine, theirs):  # total, recon, kl
        exact(actual, expected)
    mine[0].backward()
    theirs.total.backward()
    for p, q in zip(ours.parameters(), package.parameters()):
        exact(p.grad, q.grad)


def test_loss_matches_torch_distributions(one_page):
    """An independent reference: the ELBO's two terms from torch.distributions."""
    ours, _ = pair(one_page, seed=3)
    x, noise = torch.randn(30, 2), torch.randn(5, 30, 2)
    total, recon, kl = ours.loss(x, noise)
    mu_z, log_var_z = ours.encoder(x)
    q = Independent(Normal(mu_z, torch.exp(0.5 * log_var_z)), 1)
    prior = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)
    z = mu_z + torch.exp(0.5 * log_var_z) * noise
    mu_x, log_var_x = ours.decoder(z)
    decoder = Independent(Normal(mu_x, torch.exp(0.5 * log_var_x)), 1)
    torch.testing.assert_close(kl, kl_divergence(q, prior).mean())
    torch.testing.assert_close(recon, -decoder.log_prob(x).mean())
    torch.testing.assert_close(total, recon + kl)


def data(n, seed=0):
    return torch.as_tensor(np.random.default_rng(seed).multivariate_normal(
        [1.0, 0.5], [[1.0, 0.5], [0.5, 1.0]], size=n), dtype=torch.float32)


def test_one_step_of_the_loop_is_the_package_train_step(one_page):
    ours, package = pair(one_page, seed=4)
    batch = data(256)
    losses = one_page["train"](ours, batch, num_epochs=1, batch_size=256, seed=7)
    assert len(losses) == 1
    generator = torch.Generator().manual_seed(7)
    order = torch.randperm(256, generator=generator)  # the loop shuffles first
    optim = torch.optim.Adam(package.parameters(), lr=2e-2)
    expected = train_step(CFG, package, optim, batch[order], generator)
    assert losses[0] == expected[0]
    for name, value in package.state_dict().items():
        exact(ours.state_dict()[name], value)


def test_the_loop_trains_like_train_step_over_epochs(one_page):
    """Two epochs of 1,000 points in batches of 256 (the last one short), cosine decay:
    the notebook's loop and the same loop around the package's train_step agree at
    every step, and both are repeatable."""
    ours, package = pair(one_page, seed=5)
    train_x = data(1000, seed=1)
    losses = one_page["train"](ours, train_x, num_epochs=2, batch_size=256, seed=3)
    assert len(losses) == 8

    generator = torch.Generator().manual_seed(3)
    optim = torch.optim.Adam(package.parameters(), lr=2e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=8)
    expected = []
    for _ in range(2):
        order = torch.randperm(1000, generator=generator)
        for start in range(0, 1000, 256):
            batch = train_x[order[start:start + 256]]
            expected.append(train_step(CFG, package, optim, batch, generator)[0])
            schedule.step()
    np.testing.assert_array_equal(np.float32(losses), np.float32(expected))
    for name, value in package.state_dict().items():
        exact(ours.state_dict()[name], value)
    assert optim.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)  # decayed to 0

    again, _ = pair(one_page, seed=5)
    assert one_page["train"](again, train_x, num_epochs=2, batch_size=256,
                             seed=3) == losses


def test_the_loop_lowers_the_loss(one_page):
    ours, _ = pair(one_page, seed=6)
    train_x = data(2000, seed=2)
    losses = one_page["train"](ours, train_x, num_epochs=3, batch_size=256)
    assert all(math.isfinite(v) for v in losses)
    assert np.mean(losses[-8:]) < np.mean(losses[:8]) - 0.2


def test_the_written_out_vae_is_short_enough_to_type():
    """Issue 15: data, model, loss and training loop in at most 60 code lines, every one
    of them visible (no collapsed cell between "## The data" and the payoff)."""
    sys.path.insert(0, str(NOTEBOOK.parents[1] / "tools"))
    from notebook_stats import code_lines, is_collapsed

    cells = jupytext.read(NOTEBOOK).cells
    start = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                 and "## The data" in c.source)
    end = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
               and c.source.startswith("## The payoff"))
    code = [c for c in cells[start:end] if c.cell_type == "code"]
    assert not any(is_collapsed(c) for c in code)
    assert len(code) == 4  # data, model and loss, loop, training run
    assert sum(len(code_lines(c.source)) for c in code) <= 60  # 59 today


def test_the_vae_diagram_names_every_part():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from vae_tutorial.plotting import plot_vae_diagram

    ax = plot_vae_diagram()
    text = " ".join(t.get_text() for t in ax.texts)
    for part in ("data", "encoder", r"q_\phi", "latent", "decoder", r"p_\theta",
                 r"\mathcal{N}(\mathbf{0}, I)", "KL"):
        assert part in text, part
    assert ax.get_title() and not ax.axison
    assert tuple(ax.figure.get_size_inches()) == (9, 3)
    fig, given = plt.subplots()
    assert plot_vae_diagram(given) is given
    plt.close("all")
