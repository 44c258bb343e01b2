"""A reference beside our digits model: the VAE of Tomczak's *Deep Generative Modeling*
code (github.com/jmtomczak/intro_dgm, ``vaes/vae_example.ipynb``), re-implemented from
its description with its settings, so that ``make bench`` prints its numbers next to
ours.

Its settings: scikit-learn's digits, the same split (the first 1,000 images train, the
next 350 validate, the last 447 test); encoder 64 -> 256 -> 256 -> 2 x 16 and decoder
16 -> 256 -> 256 -> 64 x 17, LeakyReLU; the encoder sees the raw grey levels 0..16 as
floats; p(x|z) is a categorical over 17 levels per pixel (probabilities clamped to
[1e-5, 1 - 1e-5] inside the training loss, as there); the KL term is the one-sample
estimate log q(z|x) - log p(z); Adamax, lr 1e-3, batch 64, up to 1,000 epochs with early
stopping (patience 20) on the validation -ELBO; the weights of the best validation epoch
are kept.

Its own small training loop lives here (it is the reference, not the tutorial); it is
*evaluated* with the tutorial's ``iwae_nll``, through a ``CategoricalVAE`` whose encoder
takes raw levels, with exact log-softmax probabilities (no clamp).  ``make bench``
(``benchmarks/digits.py``) trains it with ``train_reference`` and scores it with the
same function as every other row there.

    python -m benchmarks.intro_dgm_reference [--seeds 0 1 2] [--iwae-k 1000 5000]
"""

from __future__ import annotations

import argparse
import copy
import math
import time

import numpy as np
import torch
from torch import nn

from vae_tutorial.digits import digits_dataset
from vae_tutorial.evaluation import iwae_nll
from vae_tutorial.model import VAE
from vae_tutorial.variants import CategoricalVAE

SETTINGS = dict(latent_dim=16, hidden_dim=256, num_values=17, lr=1e-3, batch_size=64,
                max_epochs=1000, patience=20)
EPS = 1e-5  # intro_dgm's clamp of the categorical probabilities in the training loss


class RawInputVAE(CategoricalVAE):
    """intro_dgm's encoder reads the grey levels 0..16 as they are (not / 16)."""

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return VAE.encode(self, x)


def build_reference(seed: int) -> RawInputVAE:
    """intro_dgm's networks, initialised with ``torch.manual_seed(seed)``."""
    s = SETTINGS
    torch.manual_seed(seed)
    d, h, latent, k = 64, s["hidden_dim"], s["latent_dim"], s["num_values"]
    encoder = nn.Sequential(nn.Linear(d, h), nn.LeakyReLU(), nn.Linear(h, h),
                            nn.LeakyReLU(), nn.Linear(h, 2 * latent))
    decoder = nn.Sequential(nn.Linear(latent, h), nn.LeakyReLU(), nn.Linear(h, h),
                            nn.LeakyReLU(), nn.Linear(h, d * k))
    return RawInputVAE(encoder, decoder, k)


def reference_loss(model: RawInputVAE, x: torch.Tensor, noise: torch.Tensor,
                   clamp: bool = True) -> torch.Tensor:
    """intro_dgm's -ELBO of a batch, mean over the batch: -log p(x|z) with (clamped)
    categorical probabilities, plus the one-sample KL estimate log q(z|x) - log p(z)."""
    out = model(x, noise[None])
    z, mu, log_var = out.z[0], out.mu_z, out.log_var_z
    probs = torch.softmax(out.logits_x[0], dim=-1)
    if clamp:
        probs = probs.clamp(EPS, 1 - EPS)
    log_px = torch.log(probs).gather(-1, x.long().unsqueeze(-1)).squeeze(-1).sum(-1)
    log_2pi = math.log(2 * math.pi)
    log_q = -0.5 * (log_2pi + log_var + (z - mu) ** 2 / log_var.exp()).sum(-1)
    log_p = -0.5 * (log_2pi + z ** 2).sum(-1)
    return (-log_px + log_q - log_p).mean()


@torch.no_grad()
def reference_eval(model: RawInputVAE, data: torch.Tensor, generator) -> float:
    """The validation -ELBO of intro_dgm's early stopping: one fresh sample per point,
    nats per data point."""
    model.eval()
    total = 0.0
    for start in range(0, len(data), SETTINGS["batch_size"]):
        x = data[start:start + SETTINGS["batch_size"]]
        noise = torch.randn(x.shape[0], SETTINGS["latent_dim"], generator=generator)
        total += float(reference_loss(model, x, noise)) * len(x)
    return total / len(data)


def train_reference(seed: int, train, val) -> tuple[RawInputVAE, dict]:
    """Adamax, batch 64, early stopping with patience 20 on the validation -ELBO;
    returns the best validation epoch's model and its training record."""
    s = SETTINGS
    model = build_reference(seed)
    optim = torch.optim.Adamax(model.parameters(), lr=s["lr"])
    generator = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    train = torch.as_tensor(train, dtype=torch.float32)
    val = torch.as_tensor(val, dtype=torch.float32)
    best, best_epoch, best_state, val_curve = math.inf, 0, None, []
    start_time = time.perf_counter()
    for epoch in range(s["max_epochs"]):
        model.train()
        order = torch.as_tensor(rng.permutation(len(train)))
        for start in range(0, len(train), s["batch_size"]):
            x = train[order[start:start + s["batch_size"]]]
            noise = torch.randn(len(x), s["latent_dim"], generator=generator)
            loss = reference_loss(model, x, noise)
            optim.zero_grad()
            loss.backward()
            optim.step()
        val_curve.append(reference_eval(model, val, generator))
        if val_curve[-1] < best:
            best, best_epoch, best_state = val_curve[-1], epoch, copy.deepcopy(
                model.state_dict())
        elif epoch - best_epoch > s["patience"]:
            break
    seconds = time.perf_counter() - start_time
    model.load_state_dict(best_state)
    return model, {"seconds": seconds, "epochs": len(val_curve),
                   "best_epoch": best_epoch, "val_curve": val_curve}


def evaluate(model, test, ks=(1000, 5000), seed: int = 0) -> dict:
    """Test -ELBO (a 100-sample average per point) and IWAE NLL for each K, in nats per
    image, with the tutorial's ``iwae_nll`` (exact log-softmax, no clamp)."""
    elbo = float(np.mean([iwae_nll(model, test, 1, seed=seed + 1 + i, max_rows=2**13)
                          for i in range(100)]))
    out = {"neg_elbo": elbo}
    for k in ks:
        out[f"iwae{k}"] = iwae_nll(model, test, k, seed=seed, max_rows=2**13)
    return out


def reference_rows(seeds=(0, 1, 2), ks=(1000, 5000)) -> list[dict]:
    """Train and evaluate the reference for each seed: one dict per seed."""
    train, val, test = digits_dataset()
    rows = []
    for seed in seeds:
        model, record = train_reference(seed, train, val)
        rows.append({"seed": seed, **record, **evaluate(model, test, ks)})
    return rows


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--iwae-k", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args(argv)
    rows = reference_rows(tuple(args.seeds), tuple(args.iwae_k))
    keys = ["neg_elbo"] + [f"iwae{k}" for k in args.iwae_k]
    print("seed | train s | epochs | best | " + " | ".join(keys))
    for r in rows:
        print(f"{r['seed']} | {r['seconds']:.1f} | {r['epochs']} | {r['best_epoch']} | "
              + " | ".join(f"{r[k]:.2f}" for k in keys))
    return rows


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
