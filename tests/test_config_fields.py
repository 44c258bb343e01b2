"""The config fields of notebook 14 (beta, decoder_variance, kl_warmup_epochs): their
defaults keep the tutorial's model, bad values are a ValueError naming the field, and
good values reach the model and the training loop."""

import math

import pytest
import torch

from vae_tutorial import converged_config, default_config, digits_config
from vae_tutorial.model import GaussianMLP
from vae_tutorial.training import kl_weight
from vae_tutorial.variants import FixedVarianceDecoder, make_vae

CONFIGS = (default_config, converged_config, digits_config)


@pytest.mark.parametrize("make", CONFIGS)
def test_defaults_are_the_elbo_with_a_learned_variance_and_no_warmup(make):
    cfg = make()
    assert cfg.beta == 1.0 and cfg.decoder_variance == "learned"
    assert cfg.kl_warmup_epochs == 0


def test_default_model_is_the_tutorials_network():
    """Notebooks 01-06, 09 and 10 keep their model: two GaussianMLPs and beta = 1."""
    model = make_vae(default_config())
    assert isinstance(model.encoder, GaussianMLP) and isinstance(model.decoder, GaussianMLP)
    assert model.beta == 1.0


@pytest.mark.parametrize("value", [0, 0.0, -1.0, float("nan"), float("inf"), True, "1",
                                   None])
def test_bad_beta_is_a_value_error_naming_the_field(value):
    for make in (default_config, converged_config):
        with pytest.raises(ValueError, match=r"config\.beta must be a positive finite"):
            make(beta=value)


@pytest.mark.parametrize("value", [0, 0.0, -0.5, float("nan"), float("inf"), True,
                                   "learnt", "Learned", "fixed", "0.5", None])
def test_bad_decoder_variance_is_a_value_error_naming_the_field(value):
    with pytest.raises(ValueError, match=r"config\.decoder_variance must be 'learned' or "
                                         r"a positive finite number"):
        default_config(decoder_variance=value)


def test_a_fixed_variance_is_gaussian_only():
    with pytest.raises(ValueError,
                       match=r"config\.decoder_variance must be 'learned'.*categorical"):
        digits_config(decoder_variance=0.5)


@pytest.mark.parametrize("value", [-1, 1.5, True, "2", None])
def test_bad_kl_warmup_epochs_is_a_value_error_naming_the_field(value):
    with pytest.raises(ValueError, match=r"config\.kl_warmup_epochs must be a "
                                         r"non-negative integer"):
        default_config(kl_warmup_epochs=value)


@pytest.mark.parametrize("beta", [0.25, 2, 8.0])
def test_beta_weighs_the_kl_in_the_total(beta):
    """total = recon + beta * kl, while recon and kl are the unweighted parts."""
    cfg = default_config(beta=beta, hidden_dim=8)
    torch.manual_seed(0)
    model = make_vae(cfg)
    x, noise = torch.randn(16, 2), torch.randn(1, 16, 2)
    total, recon, kl = model.loss(x, noise)
    assert model.beta == beta
    torch.testing.assert_close(total, recon + beta * kl)
    model.beta = 1.0
    _, recon1, kl1 = model.loss(x, noise)
    torch.testing.assert_close((recon1, kl1), (recon, kl))


@pytest.mark.parametrize("variance", [0.5, 2])
def test_a_fixed_variance_is_the_decoders_variance_for_every_z(variance):
    model = make_vae(default_config(decoder_variance=variance, hidden_dim=8))
    assert isinstance(model.decoder, FixedVarianceDecoder)
    _, log_var_x = model.decode(torch.randn(3, 5, 2))
    assert log_var_x.shape == (3, 5, 2)
    torch.testing.assert_close(log_var_x, torch.full_like(log_var_x, math.log(variance)))
    assert not any("log_var" in name for name, _ in model.named_parameters())


def test_kl_warmup_rises_linearly_to_beta():
    cfg = default_config(beta=2.0, kl_warmup_epochs=2)
    weights = [kl_weight(cfg, step, steps_per_epoch=5) for step in range(12)]
    assert weights[:10] == pytest.approx([2.0 * (s + 1) / 10 for s in range(10)])
    assert weights[10:] == [2.0, 2.0]
    assert kl_weight(default_config(beta=3.0), 0, 5) == 3.0  # no warm-up
