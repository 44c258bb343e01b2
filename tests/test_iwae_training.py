"""The importance-weighted training loss against the linear-Gaussian closed forms, and
its training loop's seeding."""

import numpy as np
import pytest
import torch
from linear_gaussian import B, exact_negative_elbo, exact_nll, make_vae

from vae_tutorial import default_config
from vae_tutorial import make_vae as make_vae_from
from vae_tutorial.iwae_training import iwae_loss, train_iwae

X = torch.as_tensor(np.random.default_rng(0).normal(size=(200, 2)) + B,
                    dtype=torch.float32)
WRONG = dict(mean_scale=0.7, var_scale=2.0)


def noise(k, n, seed=0):
    return torch.randn(k, n, 2, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("k", [1, 10])
def test_exact_posterior_gives_the_exact_nll_for_any_k(k):
    # With q = p(z|x), every weight equals p(x): the bound is tight for every draw.
    with torch.no_grad():
        loss = iwae_loss(make_vae(), X, noise(k, len(X)))
    assert abs(loss.item() - exact_nll(X.numpy()).mean()) < 1e-4


def test_one_sample_is_the_negative_elbo_and_many_approach_the_nll():
    model = make_vae(**WRONG)
    many = X.repeat(50, 1)  # 50 independent draws per point
    with torch.no_grad():
        one = iwae_loss(model, many, noise(1, len(many))).item()
        big = iwae_loss(model, X, noise(2000, len(X))).item()
    elbo = exact_negative_elbo(X.numpy(), **WRONG).mean()
    nll = exact_nll(X.numpy()).mean()
    assert elbo - nll > 0.1
    assert abs(one - elbo) < 0.03
    assert nll - 1e-3 < big < nll + 0.01


def test_train_iwae_is_seeded_and_learns():
    cfg = default_config(hidden_dim=16, num_epochs=3, batch_size=64, lr=1e-2,
                         progress=False, sample_each_step=False)
    data = X.numpy()
    model, losses = train_iwae(cfg, data, num_samples=4)
    _, again = train_iwae(cfg, data, num_samples=4)
    np.testing.assert_array_equal(losses, again)
    assert losses[-4:].mean() < losses[:4].mean()
    assert not model.training


@pytest.mark.parametrize("k", [0, 2.0, True])
def test_bad_sample_count_is_a_value_error(k):
    with pytest.raises(ValueError, match="num_samples"):
        train_iwae(default_config(), X.numpy(), num_samples=k)


def iwae_loop(cfg, train_data, num_samples):
    """train_iwae's own loop before it became a call to run_model (the reference)."""
    train = torch.as_tensor(train_data, dtype=torch.float32)
    torch.manual_seed(cfg.seed)
    generator = torch.Generator().manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    model = make_vae_from(cfg)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    losses = []
    for _ in range(cfg.num_epochs):
        order = rng.permutation(len(train))
        for start in range(0, len(train), cfg.batch_size):
            batch = train[order[start:start + cfg.batch_size]]
            eps = torch.randn([num_samples, len(batch), cfg.latent_dim],
                              generator=generator)
            loss = iwae_loss(model, batch, eps)
            optim.zero_grad()
            loss.backward()
            optim.step()
            losses.append(loss.item())
    return np.array(losses)


def test_train_iwae_is_run_model_with_the_iwae_objective_step_for_step():
    cfg = default_config(hidden_dim=16, num_epochs=2, batch_size=64, lr=1e-2,
                         progress=False)
    data = X.numpy()
    _, losses = train_iwae(cfg, data, num_samples=4)
    np.testing.assert_array_equal(losses, iwae_loop(cfg, data, 4))
