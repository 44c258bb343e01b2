"""Keep a trained model: its weights and its validated config in one file.

``save_model(result, "digits.pt")`` at the end of a long run,
``load_model("digits.pt")`` in a later session, on any device.  The file is a
``torch.save`` of plain data (a format tag, the config as a dict of numbers and
strings, the ``state_dict``), read back with ``torch.load(weights_only=True)``:
loading never runs code from the file.
``load_model`` rebuilds the VAE variant that the config asks for (``make_vae``) and
refuses a file that would give a different model.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .config import validate_config
from .model import VAE
from .training import TrainingResult, resolve_device
from .variants import make_vae

FORMAT = "vae_tutorial.model"
# Config fields newer than format version 1, with the value that reproduces older files.
ADDED_LATER = {"num_classes": 0, "latent_shape": None}
VERSION = 1


def _config_of(model: VAE, config) -> dict:
    if config is None:
        config = getattr(model, "config", None)
    if config is None:
        raise ValueError("the model has no .config (run_model sets it); pass "
                         "config=the config it was built from")
    return dict(validate_config(dict(config)))


def save_model(model_or_result: VAE | TrainingResult, path, config=None) -> Path:
    """Write the weights and the config of a model (or of ``run_model``'s result) to
    ``path``; return the path.  ``config`` defaults to ``model.config``."""
    model = getattr(model_or_result, "model", model_or_result)
    if not isinstance(model, VAE):
        raise ValueError("save_model expects a VAE or run_model's TrainingResult, got "
                         f"{type(model_or_result).__name__}")
    cfg = _config_of(model, config)
    fresh = make_vae(validate_config(cfg))
    def shapes(m):
        return {name: tensor.shape for name, tensor in m.state_dict().items()}

    if type(fresh) is not type(model) or shapes(fresh) != shapes(model):
        raise ValueError("the config does not describe this model: make_vae(config) "
                         f"builds a {type(fresh).__name__} with other weights")
    state = {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}
    path = Path(path)
    torch.save({"format": FORMAT, "version": VERSION, "config": cfg,
                "state_dict": state}, path)
    return path


def _misfit(model: VAE, state) -> str:
    """What keeps ``state`` from loading into ``model``, in a few words ('' if
    nothing)."""
    if not isinstance(state, dict) or \
            not all(isinstance(v, torch.Tensor) for v in state.values()):
        return "no table of weights"
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    wrong = [f"{name} {tuple(state[name].shape)} instead of "
             f"{tuple(expected[name].shape)}"
             for name in expected if name in state
             and state[name].shape != expected[name].shape]
    parts = [f"missing {missing[:3]}" if missing else "",
             f"unexpected {extra[:3]}" if extra else "",
             f"shapes: {', '.join(wrong[:3])}" if wrong else ""]
    return "; ".join(p for p in parts if p)


def load_model(path, device: str | torch.device | None = None) -> VAE:
    """The model saved at ``path``, rebuilt by ``make_vae`` from its config (reachable
    as ``model.config``), in eval mode, on ``device`` (default: the config's device,
    ``"auto"`` being CUDA when available).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the
    problem for a file that is truncated, from something else, or holds an invalid
    config or weights that do not fit it.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no saved model at {path}")
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch's own words stay in the chain (err.__cause__)
        raise ValueError(f"{path} is not a readable model file: it is truncated, or "
                         "was not written by vae_tutorial.save_model") from err
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise ValueError(f"{path} was not written by vae_tutorial.save_model (no "
                         f"'format': {FORMAT!r} entry)")
    if saved.get("version") != VERSION:
        raise ValueError(f"{path} has format version {saved.get('version')!r}; this "
                         f"vae_tutorial reads version {VERSION}")
    try:
        # Fields that came later (08's num_classes, 15's latent_shape): a file without
        # them holds an unconditional model with flat latents.
        cfg = validate_config({**ADDED_LATER, **dict(saved["config"])})
    except KeyError as err:
        raise ValueError(f"{path} holds an invalid config: {err.args[0]}") from err
    except ValueError as err:
        raise ValueError(f"{path} holds an invalid config: {err}") from err
    model = make_vae(cfg)
    state = saved.get("state_dict")
    problem = _misfit(model, state)
    if problem:
        raise ValueError(f"{path}: the weights do not fit the model its config "
                         f"describes ({problem})")
    try:
        model.load_state_dict(state, strict=True)
    except Exception as err:  # torch's own words stay in the chain
        raise ValueError(f"{path}: the weights do not fit the model its config "
                         "describes") from err
    model.config = cfg
    device = resolve_device(cfg.device) if device is None else torch.device(device)
    return model.to(device).eval()
