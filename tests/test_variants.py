"""The model beyond the 2-D tutorial: make_vae for every config, a fixed decoder
variance, beta, KL warm-up, validation-based model selection, and sampling that leaves
training unchanged."""

import math

import numpy as np
import pytest
import torch
from torch.distributions import Independent, Normal

from vae_tutorial import build_vae, default_config, make_vae, run_model, source_dataset
from vae_tutorial.training import kl_weight
from vae_tutorial.variants import FixedVarianceDecoder


def small(**overrides):
    return default_config(hidden_dim=16, progress=False, sample_each_step=False,
                          **overrides)


def test_make_vae_gives_build_vaes_model_for_the_default_network():
    torch.manual_seed(0)
    reference = build_vae(small())
    torch.manual_seed(0)
    model = make_vae(small(beta=2.0))
    assert type(model.encoder) is type(reference.encoder) and model.beta == 2.0
    for a, b in zip(model.parameters(), reference.parameters(), strict=True):
        assert torch.equal(a, b)


def test_make_vae_builds_deeper_networks_of_the_chosen_activation():
    model = make_vae(small(hidden_layers=3, activation="relu"))
    layers = list(model.encoder)
    assert sum(isinstance(m, torch.nn.Linear) for m in layers) == 4
    assert sum(isinstance(m, torch.nn.ReLU) for m in layers) == 3
    mu_x, log_var_x = model.decode(torch.zeros(5, 2))
    assert mu_x.shape == log_var_x.shape == (5, 2)


def test_fixed_decoder_variance_is_constant_and_enters_the_loss_as_sigma_squared():
    torch.manual_seed(0)
    model = make_vae(small(decoder_variance=0.3))
    assert isinstance(model.decoder, FixedVarianceDecoder)
    x, noise = torch.randn(8, 2), torch.randn(2, 8, 2)
    out = model(x, noise)
    torch.testing.assert_close(out.log_var_x, torch.full_like(out.mu_x, math.log(0.3)))
    expected = -Independent(Normal(out.mu_x, math.sqrt(0.3)), 1).log_prob(x).mean()
    torch.testing.assert_close(model.loss(x, noise).recon, expected)
    # Nothing learns the variance: it is a buffer, not a parameter.
    assert all(p.shape != () for p in model.decoder.parameters())


def test_beta_weighs_only_the_kl_term():
    torch.manual_seed(0)
    model = make_vae(small())
    x, noise = torch.randn(8, 2), torch.randn(1, 8, 2)
    one = model.loss(x, noise)
    model.beta = 3.5
    three = model.loss(x, noise)
    torch.testing.assert_close(three.recon, one.recon)
    torch.testing.assert_close(three.kl, one.kl)
    torch.testing.assert_close(three.total, one.recon + 3.5 * one.kl)


def test_kl_warmup_rises_linearly_to_beta():
    cfg = small(beta=2.0, kl_warmup_epochs=2)
    weights = [kl_weight(cfg, step, steps_per_epoch=5) for step in range(12)]
    np.testing.assert_allclose(weights[:10], 2.0 * np.arange(1, 11) / 10)
    assert weights[10:] == [2.0, 2.0]
    assert kl_weight(small(beta=0.5), 0, 5) == 0.5  # no warm-up: beta from the start


def test_validation_keeps_the_best_epoch_and_leaves_training_unchanged():
    train, test = source_dataset(seed=0, n_train=512, n_test=256)
    val = test[:128]
    cfg = small(num_epochs=6, lr=0.05, batch_size=64)
    with_val = run_model(cfg, train, test, val_data=val)
    without = run_model(cfg, train, test)
    np.testing.assert_array_equal(with_val.train_losses, without.train_losses)
    np.testing.assert_array_equal(with_val.test_losses, without.test_losses)
    assert with_val.val_losses.shape == (7, 3) and without.val_losses is None
    elbo = with_val.val_losses[:, 1:].sum(1)  # recon + kl
    assert with_val.best_epoch == int(np.argmin(elbo))
    # The returned weights are those after `best_epoch` epochs of the same run.
    assert 0 < with_val.best_epoch < 6  # not the start, not the end: the check bites
    short = run_model(small(num_epochs=with_val.best_epoch, lr=0.05, batch_size=64),
                      train, test)
    for a, b in zip(with_val.model.parameters(), short.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_drawing_samples_each_step_leaves_training_unchanged():
    train, test = source_dataset(seed=0, n_train=256, n_test=128)
    cfg = small(batch_size=64, n_samples=10)
    sampled = run_model({**cfg, "sample_each_step": True}, train, test)
    plain = run_model(cfg, train, test)
    np.testing.assert_array_equal(sampled.train_losses, plain.train_losses)
    assert sampled.samples_per_step.shape == (4, 10, 2)


@pytest.mark.parametrize("field, value, message", [
    ("likelihood", "poisson", "config.likelihood must be one of"),
    ("num_values", 17, "config.num_values must be None for likelihood='gaussian'"),
    ("hidden_layers", 0, "config.hidden_layers must be a positive integer"),
    ("activation", "gelu", "config.activation must be one of"),
    ("weight_decay", -1e-4, "config.weight_decay must be a non-negative"),
    ("kl_warmup_epochs", 1.5, "config.kl_warmup_epochs must be a non-negative integer"),
])
def test_new_fields_are_validated(field, value, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        default_config(**{field: value})


def test_categorical_needs_levels_and_no_fixed_variance():
    with pytest.raises(ValueError, match="config.num_values must be an integer >= 2"):
        default_config(likelihood="categorical")
    with pytest.raises(ValueError, match="config.decoder_variance must be 'learned'"):
        default_config(likelihood="categorical", num_values=3, decoder_variance=0.5)
