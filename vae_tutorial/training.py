"""Training: one optimisation step, a fixed-noise test pass, and the whole run.

Taught in ``notebooks/05_training``; validation-based model selection and KL warm-up in
``notebooks/11_digits``.  Every loss is (total, recon, kl), in that order, in nats per
data point.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from .conditional import check_labels, split_labelled
from .config import validate_config
from .model import VAE
from .progress import progress_bar
from .sampling import check_decoder_data, generate_samples
from .variants import make_vae


def resolve_device(name: str) -> torch.device:
    """``"auto"`` picks CUDA when it is available, else the CPU; ``"cpu"``/``"cuda"``
    force one."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("config.device is 'cuda' but no CUDA device is available; "
                         "use 'auto' or 'cpu'")
    return torch.device(name)


def batch_loss(model: VAE, batch, noise, objective=None, labels=None) -> tuple:
    """``model.loss`` (or ``objective``) of ``batch``, with its ``labels`` for a
    conditional model (an ``objective`` then takes them as a fourth argument)."""
    if objective is None:
        return model.loss(batch, noise, labels)
    return objective(model, batch, noise) if labels is None \
        else objective(model, batch, noise, labels)


def train_step(cfg, model: VAE, optim: torch.optim.Optimizer, batch: torch.Tensor,
               generator: torch.Generator | None = None, objective=None,
               labels: torch.Tensor | None = None) -> np.ndarray:
    """One gradient step on the negative ELBO of ``batch`` ``[batch, input]``.

    Draws fresh noise ``[num_mc, batch, latent]`` and returns the losses before the step
    as an array ``[3]``: (total, recon, kl), nats per data point.  Another
    ``objective(model, batch, noise)`` may replace ``VAE.loss``: it returns a tuple of
    losses, the first one minimised (e.g. ``iwae_training.iwae_objective``).
    A conditional model (notebook 08) takes the batch's ``labels`` ``[batch]``.
    """
    model.train()
    noise = torch.randn([cfg.num_mc, len(batch), cfg.latent_dim], generator=generator)
    optim.zero_grad()
    parts = batch_loss(model, batch, noise.to(batch.device), objective, labels)
    parts[0].backward()  # the total
    optim.step()
    return torch.stack(parts).detach().cpu().numpy()


@torch.no_grad()
def run_test(model: VAE, data: torch.Tensor, batch_size: int,
             noise: torch.Tensor, objective=None,
             labels: torch.Tensor | None = None) -> np.ndarray:
    """Negative ELBO on ``data`` ``[N, input]`` with fixed ``noise``
    ``[num_batches, num_mc, batch_size, latent]`` (the same draws at every evaluation).

    Returns (total, recon, kl) ``[3]``, the mean over all N points (batches weighted by
    size); with an ``objective`` (see ``train_step``), the mean of its losses.
    A conditional model takes the ``labels`` ``[N]`` of ``data``.
    """
    model.eval()
    totals = None  # a running sum per loss, in float64
    for i, start in enumerate(range(0, len(data), batch_size)):
        batch = data[start:start + batch_size]
        batch_noise = noise[i, :, :len(batch)].to(batch.device)
        batch_labels = None if labels is None else labels[start:start + batch_size]
        parts = batch_loss(model, batch, batch_noise, objective, batch_labels)
        weighted = torch.stack(parts).cpu().numpy() * len(batch)
        totals = weighted.astype(np.float64) if totals is None else totals + weighted
    return totals / len(data)


@dataclass
class TrainingResult:
    """Everything ``run_model`` produces; loss columns are (total, recon, kl)."""

    model: VAE
    train_losses: np.ndarray  # [steps, 3], one row per training step
    test_losses: np.ndarray | None  # [epochs + 1, 3]: before training, after each epoch
    samples_with_noise: np.ndarray  # [n_samples, input], x ~ p_theta(x|z), z ~ N(0, I)
    samples_no_noise: np.ndarray  # [n_samples, input], the decoder means mu_x
    samples_per_step: np.ndarray | None  # [steps, n_samples, input] if sample_each_step
    val_losses: np.ndarray | None = None  # [epochs + 1, 3] if val_data was given
    best_epoch: int | None = None  # the epoch of `model`'s weights (with val_data)


def learning_rate_factor(cfg, total_steps: int):
    """Multiplier of ``cfg.lr`` at each step: 1 (constant) or a cosine decay to 0."""
    if cfg.lr_schedule == "cosine":
        return lambda step: 0.5 * (1 + math.cos(math.pi * step / total_steps))
    return lambda step: 1.0


def kl_weight(cfg, step: int, steps_per_epoch: int) -> float:
    """The KL weight at training step ``step`` (from 0): ``cfg.beta``, reached linearly
    from 0 over the first ``cfg.kl_warmup_epochs`` epochs (KL warm-up)."""
    warmup_steps = cfg.kl_warmup_epochs * steps_per_epoch
    return cfg.beta * min(1.0, (step + 1) / warmup_steps) if warmup_steps else cfg.beta


def as_tensor(cfg, data, name: str, device: torch.device) -> torch.Tensor:
    """Check ``data`` ``[N, cfg.input_dim]`` (its levels for a categorical decoder,
    values in [0, 1] for a Bernoulli one); return it as float32 on ``device``."""
    data = check_decoder_data(data, cfg.input_dim, cfg.likelihood, cfg.num_values, name)
    return torch.as_tensor(data, dtype=torch.float32).to(device)


def warn_integer_data(cfg, train: torch.Tensor) -> None:
    """A ``UserWarning`` when every training value is a whole number under a Gaussian
    decoder: a density on integers can climb without limit (its -log p is not a
    likelihood of the data), so name the decoder that fits, or dequantisation."""
    if cfg.likelihood == "gaussian" and bool(torch.all(train == torch.round(train))):
        warnings.warn(
            "train_data holds only whole numbers, but config.likelihood='gaussian' is "
            "a density for continuous data. For K levels 0..K-1 use "
            "likelihood='categorical', num_values=K; for 0/1 data "
            "likelihood='bernoulli'; or dequantise (add uniform noise in [0, 1) to "
            "each value) to keep the Gaussian. See docs/own_data.md.",
            UserWarning, stacklevel=3)


def as_labelled(cfg, data, name: str, device: torch.device):
    """``as_tensor`` for ``x`` or, when ``cfg.num_classes`` > 0, for the pair
    ``(x, labels)``: returns (x, the checked labels on ``device`` or None)."""
    x, labels = split_labelled(data, cfg.num_classes, name)
    x = as_tensor(cfg, x, name, device)
    labels = check_labels(labels, cfg.num_classes, len(x), f"{name} labels")
    return x, None if labels is None else labels.to(device)


def run_model(cfg, train_data, test_data, val_data=None,
              objective=None) -> TrainingResult:
    """Build a VAE from ``cfg``, train it with Adam on ``train_data`` ``[N, input]`` for
    ``cfg.num_epochs`` epochs, and test it on ``test_data`` with fixed noise after each
    epoch (``test_data=None``: no test, ``test_losses`` is None).  With ``val_data``,
    also evaluate it there after each epoch and return the weights of the epoch with the
    lowest validation -ELBO (recon + kl, whatever ``cfg.beta``): model selection.
    ``objective`` (see ``train_step``) replaces the -ELBO everywhere; validation then
    selects by its first loss.  With ``cfg.num_classes`` > 0 (a conditional VAE)
    each data argument is a pair ``(x, labels)``, labels ``[N]`` in 0..k-1, and the
    samples cycle through the classes (sample i has label i mod k).

    Seeded by ``cfg.seed``: the same seed gives bitwise-identical losses on the CPU.
    Raises ``FloatingPointError`` naming the step if a loss becomes NaN or infinite.
    """
    cfg = validate_config(dict(cfg))
    device = resolve_device(cfg.device)
    train, train_labels = as_labelled(cfg, train_data, "train_data", device)
    warn_integer_data(cfg, train)
    test, test_labels = (None, None) if test_data is None \
        else as_labelled(cfg, test_data, "test_data", device)
    val, val_labels = (None, None) if val_data is None \
        else as_labelled(cfg, val_data, "val_data", device)
    sample_labels = np.arange(cfg.n_samples) % cfg.num_classes \
        if cfg.num_classes else None

    torch.manual_seed(cfg.seed)  # weight initialisation
    generator = torch.Generator().manual_seed(cfg.seed)  # training and test noise, CPU
    sampler = torch.Generator().manual_seed(cfg.seed + 2**32)  # samples, a stream apart
    rng = np.random.default_rng(cfg.seed)  # shuffling
    # Bernoulli decoder: a fresh 0/1 draw of the training images each epoch, pixel i
    # white with probability x_i (dynamic binarisation), on a stream of its own.
    dynamic = cfg.likelihood == "bernoulli" and cfg.dynamic_binarization
    binarizer = torch.Generator().manual_seed(cfg.seed + 2**34)
    model = make_vae(cfg).to(device)
    model.config = cfg  # the validated settings travel with it (save_model)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr,
                             weight_decay=cfg.weight_decay)
    steps_per_epoch = math.ceil(len(train) / cfg.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optim, learning_rate_factor(cfg, steps_per_epoch * cfg.num_epochs))

    def evaluate(data, noise, labels):
        model.beta = cfg.beta
        return run_test(model, data, cfg.batch_size, noise, objective, labels)

    def selection_loss(losses):  # the -ELBO, or the objective's first loss
        return losses[1:].sum() if objective is None else losses[0]

    def fixed_noise(data, noise_generator):
        batches = math.ceil(len(data) / cfg.batch_size)
        return torch.randn([batches, cfg.num_mc, cfg.batch_size, cfg.latent_dim],
                           generator=noise_generator)

    if test is not None:  # drawn first, so that training noise follows it
        test_noise = fixed_noise(test, generator)
        test_losses = [evaluate(test, test_noise, test_labels)]
    if val is not None:
        # A stream apart, so that validating leaves the training run unchanged.
        val_noise = fixed_noise(val, torch.Generator().manual_seed(cfg.seed + 2**33))
        val_losses = [evaluate(val, val_noise, val_labels)]
        best_epoch, best_state = 0, copy.deepcopy(model.state_dict())
    train_losses, samples_per_step = [], []
    bar = progress_bar(steps_per_epoch * cfg.num_epochs, disable=not cfg.progress)
    for epoch in range(cfg.num_epochs):
        order = torch.as_tensor(rng.permutation(len(train)), device=device)
        images = train if not dynamic else (
            torch.rand(train.shape, generator=binarizer).to(device) < train).float()
        for start in range(0, len(train), cfg.batch_size):
            model.beta = kl_weight(cfg, len(train_losses), steps_per_epoch)
            rows = order[start:start + cfg.batch_size]
            losses = train_step(cfg, model, optim, images[rows], generator, objective,
                                None if train_labels is None else train_labels[rows])
            if not np.all(np.isfinite(losses)):
                raise FloatingPointError(
                    f"non-finite loss {losses} at step {len(train_losses)} "
                    f"(epoch {epoch}); try a smaller config.lr, or check the data for "
                    "outliers or NaN")
            train_losses.append(losses)
            schedule.step()
            bar.update()
            if cfg.sample_each_step:
                samples_per_step.append(
                    generate_samples(cfg, model, cfg.n_samples, True, sampler,
                                     sample_labels))
        if test is not None:
            test_losses.append(evaluate(test, test_noise, test_labels))
            bar.set_postfix(test_loss=f"{test_losses[-1][0]:.4f}")
        if val is not None:
            val_losses.append(evaluate(val, val_noise, val_labels))
            if selection_loss(val_losses[-1]) < selection_loss(val_losses[best_epoch]):
                best_epoch, best_state = epoch + 1, copy.deepcopy(model.state_dict())
    bar.close()
    if val is not None:
        model.load_state_dict(best_state)
    return TrainingResult(
        model=model,
        train_losses=np.stack(train_losses),
        test_losses=None if test is None else np.stack(test_losses),
        samples_with_noise=generate_samples(cfg, model, cfg.n_samples, True, sampler,
                                            sample_labels),
        samples_no_noise=generate_samples(cfg, model, cfg.n_samples, False, sampler,
                                          sample_labels),
        samples_per_step=np.stack(samples_per_step) if cfg.sample_each_step else None,
        val_losses=None if val is None else np.stack(val_losses),
        best_epoch=None if val is None else best_epoch,
    )
