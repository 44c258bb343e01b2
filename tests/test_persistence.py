"""save_model / load_model: the same numbers after a round trip, clear errors for bad
files, never a silently different model."""

import pickle

import numpy as np
import pytest
import torch

from vae_tutorial import (
    VAE,
    CategoricalVAE,
    build_vae,
    default_config,
    load_model,
    run_model,
    run_test,
    save_model,
    source_dataset,
)
from vae_tutorial.persistence import FORMAT, VERSION

SMALL = dict(hidden_dim=16, n_samples=10, progress=False, sample_each_step=False,
             num_epochs=1)
VARIANTS = {
    "tutorial": {},
    "fixed-variance, deeper": dict(decoder_variance=0.5, hidden_layers=2, activation="elu"),
    "categorical": dict(likelihood="categorical", num_values=5),
    "bernoulli": dict(likelihood="bernoulli"),
    "bernoulli, conv": dict(likelihood="bernoulli", network="conv", input_dim=64,
                            image_shape=(8, 8), channels=4),
}


@pytest.fixture(scope="module")
def data():
    return source_dataset(seed=0, n_train=300, n_test=100)


def _data_for(cfg, data):
    train, test = data
    if cfg.likelihood == "categorical":  # grey levels 0..num_values-1
        return [np.clip(np.round(d + 2), 0, cfg.num_values - 1) for d in (train, test)]
    if cfg.likelihood == "bernoulli":  # 0/1 pixels
        rng = np.random.default_rng(0)
        return [(rng.random((len(d), cfg.input_dim)) < 0.3).astype(np.float32)
                for d in (train, test)]
    return [train, test]


def _test_losses(model, cfg, test):
    noise = torch.randn([2, cfg.num_mc, 64, cfg.latent_dim],
                        generator=torch.Generator().manual_seed(3))
    return run_test(model, torch.as_tensor(test[:128], dtype=torch.float32), 64, noise)


@pytest.mark.parametrize("name", VARIANTS)
def test_a_reloaded_model_gives_bit_identical_losses(name, data, tmp_path):
    cfg = default_config(**SMALL, **VARIANTS[name])
    train, test = _data_for(cfg, data)
    result = run_model(cfg, train, test)
    path = save_model(result, tmp_path / "model.pt")
    model = load_model(path)
    assert type(model) is type(result.model)
    assert model.config == cfg
    assert not model.training
    before = _test_losses(result.model, cfg, test)
    after = _test_losses(model, cfg, test)
    assert np.array_equal(before, after), (before, after)
    for (key, a), (_, b) in zip(result.model.state_dict().items(),
                                model.state_dict().items()):
        assert torch.equal(a, b), key


def test_the_categorical_config_rebuilds_a_categorical_vae(data, tmp_path):
    cfg = default_config(**SMALL, **VARIANTS["categorical"])
    result = run_model(cfg, *_data_for(cfg, data))
    assert isinstance(load_model(save_model(result.model, tmp_path / "m.pt")),
                      CategoricalVAE)


def test_a_model_saved_for_cuda_loads_on_the_cpu(data, tmp_path):
    cfg = default_config(**SMALL)
    result = run_model(cfg, *data)
    path = save_model(result.model, tmp_path / "m.pt", config=dict(cfg, device="cuda"))
    model = load_model(path, device="cpu")
    assert model.config.device == "cuda"
    assert next(model.parameters()).device == torch.device("cpu")


@pytest.fixture(scope="module")
def saved(data, tmp_path_factory):
    cfg = default_config(**SMALL)
    result = run_model(cfg, *data)
    path = tmp_path_factory.mktemp("saved") / "model.pt"
    save_model(result, path)
    return path


def _rewrite(saved, tmp_path, change):
    content = torch.load(saved, weights_only=True)
    change(content)
    path = tmp_path / "changed.pt"
    torch.save(content, path)
    return path


def test_a_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved model at"):
        load_model(tmp_path / "nothing.pt")


def test_a_truncated_file_is_a_value_error(saved, tmp_path):
    path = tmp_path / "truncated.pt"
    path.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    with pytest.raises(ValueError, match="not a readable model file"):
        load_model(path)


def test_random_bytes_are_a_value_error(tmp_path):
    path = tmp_path / "noise.pt"
    path.write_bytes(np.random.default_rng(0).bytes(1000))
    with pytest.raises(ValueError, match="not a readable model file"):
        load_model(path)


class _Payload:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_a_pickle_with_code_is_refused_without_running_it(tmp_path, capsys):
    path = tmp_path / "code.pt"
    path.write_bytes(pickle.dumps(_Payload(), protocol=2))
    with pytest.raises(ValueError, match="not a readable model file"):
        load_model(path)
    assert "must never run" not in capsys.readouterr().out


def test_a_plain_torch_save_of_weights_is_a_value_error(saved, tmp_path):
    path = tmp_path / "state.pt"
    torch.save(torch.load(saved, weights_only=True)["state_dict"], path)
    with pytest.raises(ValueError, match="not written by vae_tutorial.save_model"):
        load_model(path)


def test_another_format_version_is_a_value_error(saved, tmp_path):
    path = _rewrite(saved, tmp_path, lambda c: c.update(version=VERSION + 1))
    with pytest.raises(ValueError, match="format version 2"):
        load_model(path)


def test_an_unknown_config_key_is_a_value_error_naming_it(saved, tmp_path):
    path = _rewrite(saved, tmp_path, lambda c: c["config"].update(hiden_dim=16))
    with pytest.raises(ValueError, match="invalid config.*hiden_dim"):
        load_model(path)


def test_an_invalid_config_value_is_a_value_error_naming_it(saved, tmp_path):
    path = _rewrite(saved, tmp_path, lambda c: c["config"].update(activation="gelu"))
    with pytest.raises(ValueError, match="invalid config.*config.activation"):
        load_model(path)


def test_weights_that_do_not_fit_the_config_are_a_value_error(saved, tmp_path):
    path = _rewrite(saved, tmp_path, lambda c: c["config"].update(hidden_dim=17))
    with pytest.raises(ValueError, match="weights do not fit"):
        load_model(path)
    path = _rewrite(saved, tmp_path, lambda c: c["state_dict"].popitem())
    with pytest.raises(ValueError, match="weights do not fit"):
        load_model(path)


def test_saving_needs_a_config_that_describes_the_model(data, tmp_path):
    cfg = default_config(**SMALL)
    model = run_model(cfg, *data).model
    bare = VAE(model.encoder, model.decoder)
    with pytest.raises(ValueError, match="has no .config"):
        save_model(bare, tmp_path / "m.pt")
    with pytest.raises(ValueError, match="does not describe this model"):
        save_model(model, tmp_path / "m.pt", config=dict(cfg, hidden_layers=2))
    with pytest.raises(ValueError, match="expects a VAE"):
        save_model({"model": 1}, tmp_path / "m.pt")
    assert save_model(bare, tmp_path / "m.pt", config=cfg).is_file()


def test_the_file_holds_plain_data(saved):
    content = torch.load(saved, weights_only=True)
    assert content["format"] == FORMAT and type(content["config"]) is dict


TORCH_WORDS = ("weights_only", "torch.load", "arbitrary code", "Error(s) in loading",
               "size mismatch", "Unpickler", "PytorchStreamReader", "GLOBAL")


def _junk(saved, tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"this is not a model\n" * 50)
    return path


def _truncated(saved, tmp_path):
    path = tmp_path / "truncated.pt"
    path.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    return path


def _code(saved, tmp_path):
    path = tmp_path / "code.pt"
    path.write_bytes(pickle.dumps(_Payload(), protocol=2))
    return path


def _foreign(saved, tmp_path):
    path = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(3)}, path)
    return path


BAD_FILES = {  # name -> (make the file, what the message says, from torch?)
    "missing": (lambda s, t: t / "nothing.pt", "no saved model at", False),
    "junk": (_junk, "not a readable model file", True),
    "truncated": (_truncated, "not a readable model file", True),
    "pickled code": (_code, "not a readable model file", True),
    "foreign": (_foreign, "not written by vae_tutorial.save_model", False),
    "wrong version": (lambda s, t: _rewrite(s, t, lambda c: c.update(version=9)),
                      "format version 9", False),
    "bad config": (lambda s, t: _rewrite(s, t, lambda c: c["config"].update(lr=-1)),
                   "invalid config: config.lr must be a positive", False),
    "weights of another size": (
        lambda s, t: _rewrite(s, t, lambda c: c["config"].update(hidden_dim=17)),
        r"weights do not fit .*shapes: encoder\.shared\.0\.weight \(16, 2\) instead "
        r"of \(17, 2\)", False),
    "a weight missing": (
        lambda s, t: _rewrite(s, t, lambda c: c["state_dict"].pop(
            "decoder.param_layer.bias")),
        r"weights do not fit .*missing \['decoder\.param_layer\.bias'\]", False),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_load_model_says_only_what_is_ours(name, saved, tmp_path):
    make, says, from_torch = BAD_FILES[name]
    with pytest.raises((ValueError, FileNotFoundError), match=says) as info:
        load_model(make(saved, tmp_path))
    message = str(info.value)
    assert not [w for w in TORCH_WORDS if w in message], message
    assert len(message) < 300, message
    if from_torch:  # torch's own text is kept for debugging, in the chain
        assert info.value.__cause__ is not None


# Every training field away from its default, so that a save or load that drops or
# resets one (a reloaded beta-VAE silently becoming beta = 1) changes the config.
TRAINED = dict(beta=4.0, kl_warmup_epochs=2, weight_decay=1e-3, lr=3e-3,
               lr_schedule="cosine", seed=7, num_mc=2, batch_size=64, num_epochs=2,
               decoder_variance=0.5, hidden_layers=2, activation="elu", latent_dim=3,
               device="cpu", n_samples=7)


def test_a_round_trip_keeps_every_non_default_field(data, tmp_path):
    cfg = default_config(**dict(SMALL, **TRAINED))
    changed = {k for k, v in default_config(**SMALL).items() if cfg[k] != v}
    assert changed == set(TRAINED)
    result = run_model(cfg, *data)
    model = load_model(save_model(result, tmp_path / "beta.pt"))
    assert dict(model.config) == dict(cfg)
    assert model.beta == 4.0
    before = _test_losses(result.model, cfg, data[1])
    assert np.array_equal(before, _test_losses(model, cfg, data[1]))
    for likelihood in ({"likelihood": "categorical", "num_values": 5},
                       {"likelihood": "bernoulli"}):
        cfg = default_config(**dict(SMALL, beta=2.0, **likelihood))
        result = run_model(cfg, *_data_for(cfg, data))
        model = load_model(save_model(result, tmp_path / "other.pt"))
        assert dict(model.config) == dict(cfg) and model.beta == 2.0


def test_a_file_written_before_num_classes_and_latent_shape_still_loads(tmp_path):
    """Files from before notebooks 08 and 15 have neither field: unconditional, flat."""
    cfg = default_config(hidden_dim=8, progress=False)
    path = save_model(build_vae(cfg), tmp_path / "old.pt", config=cfg)
    saved = torch.load(path, weights_only=True)
    for field in ("num_classes", "latent_shape"):
        del saved["config"][field]
    torch.save(saved, path)
    loaded = load_model(path)
    assert loaded.config.num_classes == 0 and loaded.config.latent_shape is None
