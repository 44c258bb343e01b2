"""Config: the source's settings, and a clear error for every bad field."""

import pytest

from vae_tutorial import converged_config, default_config


def test_default_config_is_the_source_settings():
    cfg = default_config()
    expected = dict(input_dim=2, latent_dim=2, hidden_dim=512, batch_size=128, num_mc=1,
                    num_epochs=1, lr=1e-3, n_samples=1000, sample_each_step=True)
    assert {k: cfg[k] for k in expected} == expected
    assert cfg.lr_schedule == "constant" and cfg.seed == 0
    assert cfg.batch_size == cfg["batch_size"]  # an EasyDict: attribute and key access


def test_overrides_and_converged_config_share_fields():
    assert default_config(seed=7).seed == 7
    assert set(converged_config()) == set(default_config())
    assert converged_config(seed=3).seed == 3


def test_unknown_key_is_rejected_with_the_allowed_keys():
    with pytest.raises(KeyError, match=r"unknown config key\(s\) \['hiden_dim'\].*hidden_dim"):
        default_config(hiden_dim=10)


@pytest.mark.parametrize("field, value, allowed", [
    ("hidden_dim", 0, "positive integer"),
    ("batch_size", -1, "positive integer"),
    ("num_epochs", 1.5, "positive integer"),
    ("num_mc", True, "positive integer"),
    ("n_samples", 0, "positive integer"),
    ("lr", 0.0, "positive finite number"),
    ("lr", -1e-3, "positive finite number"),
    ("lr", float("nan"), "positive finite number"),
    ("lr_schedule", "linear", "one of"),
    ("device", "tpu", "one of"),
    ("sample_each_step", 1, "True or False"),
    ("seed", -1, "non-negative integer"),
])
def test_bad_value_names_the_field_and_what_is_allowed(field, value, allowed):
    with pytest.raises(ValueError, match=rf"config\.{field} must be .*{allowed}"):
        default_config(**{field: value})
    with pytest.raises(ValueError, match=rf"config\.{field}"):
        converged_config(**{field: value})
