"""Tests for the less-used paths, each written to fail on one bug a change could make
there (issue 26, item 7): binarisation drawn once instead of every epoch, decoder noise
scaled by sigma^2 instead of sigma, z drawn from anything but N(0, I), weight decay not
reaching the optimiser, validation under beta != 1 and KL warm-up, and the gap split
keeping the worse of its two starting points."""

import numpy as np
import pytest
import torch
from linear_gaussian import B, W, exact_negative_elbo, exact_nll
from linear_gaussian import make_vae as linear_gaussian_vae
from scipy import stats

from vae_tutorial import (
    VAE,
    default_config,
    gap_split,
    generate_samples,
    make_vae,
    mnist_config,
    run_model,
    source_dataset,
)
from vae_tutorial.analysis import AffineGaussian


def _rows(images: torch.Tensor) -> list:
    """The images of one epoch as a sorted list of rows: the same whatever the order."""
    return sorted(tuple(row) for row in images.to(torch.int8).tolist())


def test_every_epoch_draws_new_black_and_white_images_not_a_shuffle_of_one_draw():
    grey = np.full((16, 64), 0.5, dtype=np.float32)  # identical grey images
    seen = []

    def recording(model, batch, noise):
        seen.append(batch.clone())
        return model.loss(batch, noise)

    cfg = mnist_config(input_dim=64, image_shape=(8, 8), hidden_dim=8, latent_dim=2,
                       batch_size=16, num_epochs=3, progress=False)
    run_model(cfg, grey, None, objective=recording)
    epochs = [_rows(batch) for batch in seen]  # one batch per epoch
    # A shuffle of one draw would give the same set of images every epoch.
    assert epochs[0] != epochs[1] and epochs[1] != epochs[2]
    assert set(torch.cat(seen).unique().tolist()) == {0.0, 1.0}


def _sigma_vae(decoder_variance):
    """A 2-D VAE whose decoder variance is far from 1 (so sigma and sigma^2 differ)."""
    torch.manual_seed(0)
    model = make_vae(default_config(hidden_dim=16, decoder_variance=decoder_variance))
    if decoder_variance == "learned":  # log sigma^2 around -3: sigma 0.22, sigma^2 0.05
        with torch.no_grad():
            model.decoder.param_layer.bias[2:] -= 3.0
    return model


def test_generated_noise_is_the_decoders_sigma_times_a_standard_normal():
    cfg = default_config(hidden_dim=16)
    for variance in ("learned", 0.25):
        model = _sigma_vae(variance)
        n = 20_000
        x = generate_samples(cfg, model, n, True, torch.Generator().manual_seed(4))
        # The same generator state gives the same z: recompute the decoder there.
        z = torch.randn([n, 2], generator=torch.Generator().manual_seed(4))
        with torch.no_grad():
            mu_x, log_var_x = model.decode(z)
        standard = ((torch.as_tensor(x) - mu_x) / torch.exp(log_var_x / 2)).numpy()
        assert abs(standard.mean()) < 0.02, variance
        assert abs(standard.std() - 1) < 0.02, (variance, standard.std())
        assert stats.kstest(standard.ravel(), "norm").pvalue > 1e-3


def test_samples_of_a_linear_gaussian_decoder_have_its_exact_marginal():
    # p(x|z) = N(W z + b, diag(psi)), z ~ N(0, I): x ~ N(b, W W^T + diag(psi)) exactly.
    w = np.array([[1.0, 0.5], [0.0, 0.8]])
    psi = np.array([0.25, 0.09])
    b = np.array([1.0, -2.0])
    decoder = AffineGaussian(w, b, np.log(psi))
    model = VAE(AffineGaussian(np.zeros((4, 2)), np.zeros(4), np.zeros(2)), decoder)
    cfg = default_config()
    n = 40_000
    means = generate_samples(cfg, model, n, False, torch.Generator().manual_seed(1))
    draws = generate_samples(cfg, model, n, True, torch.Generator().manual_seed(2))
    # Without noise x = W z + b: z itself, recovered, must be N(0, I).
    z = np.linalg.solve(w, (means - b).T).T
    for j in range(2):
        assert stats.kstest(z[:, j], "norm").pvalue > 1e-3, j
    np.testing.assert_allclose(np.cov(z.T), np.eye(2), atol=0.03)
    np.testing.assert_allclose(draws.mean(0), b, atol=0.03)
    np.testing.assert_allclose(np.cov(draws.T), w @ w.T + np.diag(psi), atol=0.04)


def test_weight_decay_reaches_adam_as_an_l2_penalty():
    # With a zero loss, Adam's only gradient is weight_decay * theta: every weight moves
    # towards 0 by lr per step (Adam's step is lr * sign(gradient)); without weight
    # decay nothing moves.
    def zero_loss(model, batch, noise):
        return (0.0 * model.loss(batch, noise).total,)

    train, _ = source_dataset(seed=0, n_train=256, n_test=10)
    cfg = default_config(hidden_dim=16, batch_size=64, num_epochs=2, lr=1e-3,
                         progress=False, sample_each_step=False)
    steps = 8
    torch.manual_seed(cfg.seed)
    start = make_vae(cfg)
    still = run_model(cfg, train, None, objective=zero_loss).model
    decayed = run_model({**cfg, "weight_decay": 0.1}, train, None,
                        objective=zero_loss).model
    for a, b, c in zip(start.parameters(), still.parameters(), decayed.parameters(),
                       strict=True):
        assert torch.equal(a, b)
        big = a.abs() > 10 * steps * cfg.lr
        shrink = (a.abs() - c.abs())[big] / (steps * cfg.lr)
        torch.testing.assert_close(shrink, torch.ones_like(shrink), atol=0.02, rtol=0)


# A run whose validation -ELBO is lowest in the middle (epoch 2 of 6) and whose beta-
# weighted total is lowest at epoch 5, under beta = 4 and two epochs of KL warm-up
# (seed 6: found by trying seeds 0-11).
BETA_RUN = dict(hidden_dim=16, batch_size=64, num_epochs=6, lr=0.05, beta=4.0,
                kl_warmup_epochs=2, progress=False, sample_each_step=False, seed=6)


def test_validation_under_beta_and_warmup_selects_by_the_elbo_and_reports_beta():
    train, test = source_dataset(seed=0, n_train=512, n_test=256)
    val = test[:128]
    cfg = default_config(**BETA_RUN)
    result = run_model(cfg, train, test, val_data=val)
    for losses in (result.test_losses, result.val_losses):
        # Every evaluation uses cfg.beta, never the warm-up weight of the last step.
        np.testing.assert_allclose(losses[:, 0], losses[:, 1] + 4.0 * losses[:, 2],
                                   rtol=1e-6)
    elbo = result.val_losses[:, 1:].sum(1)
    total = result.val_losses[:, 0]
    assert np.argmin(total) != np.argmin(elbo)  # the run tells the two apart
    assert result.best_epoch == int(np.argmin(elbo))
    assert 0 < result.best_epoch < cfg.num_epochs  # not the start, not the end
    # The returned weights are those after best_epoch epochs of the same run.
    short = run_model({**cfg, "num_epochs": result.best_epoch}, train, test)
    for a, b in zip(result.model.parameters(), short.model.parameters(), strict=True):
        assert torch.equal(a, b)


def test_the_gap_split_keeps_the_better_start_for_each_point():
    # An encoder far from the posterior and a short optimisation: the grid's posterior
    # start ends lower than the encoder start, so keeping the better one must gain.
    wrong = dict(mean_scale=0.2, var_scale=6.0)
    model = linear_gaussian_vae(**wrong)
    x = np.random.default_rng(0).multivariate_normal(B, W @ W.T + 0.3 * np.eye(2), 40)
    split = gap_split(model, x, -exact_nll(x), eval_samples=500, num_steps=3)
    assert split.neg_elbo == pytest.approx(exact_negative_elbo(x, **wrong).mean(), abs=0.05)
    assert split.multistart_gain > 0.05
    assert split.neg_elbo_diag <= split.neg_elbo_diag_encoder
    # The best start is close to the posterior itself: near the model's NLL.
    assert split.neg_elbo_diag - split.model_nll < 0.05

