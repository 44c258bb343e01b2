"""Notebook 15's package: latent maps (config.latent_shape), the scaling factor, the
second stage, and the two-stage bound against answers known in closed form."""

import math

import numpy as np
import pytest
import torch

from vae_tutorial import default_config, load_model, mnist_config, run_model, save_model
from vae_tutorial.analysis import negative_elbo
from vae_tutorial.evaluation import iwae_nll
from vae_tutorial.latent_diffusion import (
    SpatialConvDecoder,
    SpatialConvEncoder,
    decode_second_stage,
    encode_latents,
    latent_maps,
    latent_scale,
    refit_encoder,
    scaled_latents,
    second_stage_config,
    two_stage_bound,
)
from vae_tutorial.variants import BernoulliVAE, ConvDecoder, ConvEncoder, make_vae

SHAPE = (4, 7, 7)


def spatial_config(**overrides):
    return mnist_config(network="conv", latent_shape=SHAPE, latent_dim=196,
                        progress=False, **overrides)


def small_config(**overrides):
    """8 x 8 images, latent maps 2 x 2 x 2: fast enough for many Monte Carlo draws."""
    return mnist_config(network="conv", input_dim=64, image_shape=(8, 8),
                        latent_shape=(2, 2, 2), latent_dim=8, channels=4,
                        progress=False, **overrides)


def images(n, dim=784, seed=0):
    return (np.random.default_rng(seed).random((n, dim)) < 0.3).astype(np.float32)


def standard_normal_vae(dim):
    """A Gaussian VAE with every weight zero: q(v|u) = p(v) = N(0, I) and p(u|v) =
    N(0, I), so every importance weight is exactly N(u; 0, I): a second stage whose
    density is known."""
    model = make_vae(default_config(input_dim=dim, latent_dim=2, hidden_dim=8))
    with torch.no_grad():
        for param in model.parameters():
            param.zero_()
    return model


# --- latent maps -----------------------------------------------------------------------

def test_latent_maps_have_the_configured_shape():
    torch.manual_seed(0)
    model = make_vae(spatial_config())
    assert isinstance(model.encoder, SpatialConvEncoder)
    assert isinstance(model.decoder, SpatialConvDecoder)
    x = torch.as_tensor(images(5))
    mu, log_var = latent_maps(model, x)
    assert mu.shape == log_var.shape == (5, *SHAPE)
    flat_mu, flat_log_var = model.encode(x)
    assert flat_mu.shape == (5, 196)
    assert torch.equal(flat_mu, mu.flatten(1))
    assert torch.equal(flat_log_var, log_var.flatten(1))
    out = model(x, torch.randn(3, 5, 196))
    assert out.z.shape == (3, 5, 196) and out.logits_x.shape == (3, 5, 784)


def test_a_latent_map_cell_sees_its_own_part_of_the_image():
    """Latents are maps, not a vector: ink in the top-left corner moves the top-left
    cells of mu and leaves the bottom-right ones alone."""
    torch.manual_seed(0)
    model = make_vae(spatial_config())
    blank = torch.zeros(1, 784)
    corner = blank.clone().reshape(1, 28, 28)
    corner[:, :4, :4] = 1
    mu0, _ = latent_maps(model, blank)
    mu1, _ = latent_maps(model, corner.reshape(1, 784))
    moved = (mu1 - mu0).abs()[0].sum(0)  # [7, 7]
    assert moved[0, 0] > 0 and moved[-1, -1] == 0


def test_flat_latent_models_are_unchanged():
    """latent_shape=None builds 07's conv model, weight for weight."""
    cfg = mnist_config(network="conv")
    assert cfg.latent_shape is None
    torch.manual_seed(0)
    model = make_vae(cfg)
    torch.manual_seed(0)
    sizes = (cfg.image_shape, cfg.channels, cfg.hidden_dim, cfg.latent_dim,
             cfg.hidden_layers, cfg.activation)
    reference = BernoulliVAE(ConvEncoder(*sizes), ConvDecoder(*sizes), cfg.beta)
    assert isinstance(model.encoder, ConvEncoder)
    for (name, a), (_, b) in zip(model.state_dict().items(),
                                 reference.state_dict().items()):
        assert torch.equal(a, b), name


def test_a_model_with_latent_maps_trains_saves_and_loads(tmp_path):
    result = run_model(small_config(num_epochs=1, batch_size=20), images(40, 64),
                       images(20, 64, seed=1))
    assert np.all(np.isfinite(result.test_losses))
    path = save_model(result, tmp_path / "maps.pt")
    loaded = load_model(path)
    assert loaded.config.latent_shape == (2, 2, 2)
    x = torch.as_tensor(images(3, 64))
    assert torch.equal(loaded.encode(x)[0], result.model.eval().encode(x)[0])


# --- settings --------------------------------------------------------------------------

def test_latent_shape_needs_the_conv_network():
    with pytest.raises(ValueError, match=r"config\.latent_shape needs network='conv'"):
        mnist_config(latent_shape=SHAPE, latent_dim=196)


def test_latent_shape_must_hold_latent_dim_latents():
    with pytest.raises(ValueError, match=r"config\.latent_dim=32 does not match "
                                         r"config\.latent_shape=\(4, 7, 7\)"):
        mnist_config(network="conv", latent_shape=SHAPE)


def test_latent_maps_must_have_a_quarter_of_the_image_sides():
    with pytest.raises(ValueError, match=r"config\.latent_shape=\(4, 14, 14\) must "
                                         r"have the height and width \(7, 7\)"):
        mnist_config(network="conv", latent_shape=(4, 14, 14), latent_dim=784)


@pytest.mark.parametrize("value", [(4, 7), (4, 7, 7, 1), (0, 7, 7), (4.0, 7, 7), "4x7x7",
                                   (True, 7, 7)])
def test_bad_latent_shape_is_a_value_error_naming_the_field(value):
    with pytest.raises(ValueError, match=r"config\.latent_shape must be None or"):
        mnist_config(network="conv", latent_shape=value, latent_dim=196)


def test_a_small_beta_is_allowed_and_a_negative_one_is_not():
    assert spatial_config(beta=1e-4).beta == 1e-4
    assert make_vae(spatial_config(beta=1e-6)).beta == 1e-6
    with pytest.raises(ValueError, match=r"config\.beta must be a positive"):
        spatial_config(beta=-1e-4)


def test_latent_maps_of_a_flat_model_is_a_value_error():
    model = make_vae(mnist_config(network="conv"))
    with pytest.raises(ValueError, match="no latent maps"):
        latent_maps(model, images(2))


# --- the scaling factor ----------------------------------------------------------------

def test_latent_scale_is_one_over_the_std_of_posterior_draws():
    torch.manual_seed(0)
    model = make_vae(spatial_config()).eval()
    x = images(50)
    with torch.no_grad():
        mu, log_var = model.encode(torch.as_tensor(x))
    generator = torch.Generator().manual_seed(7)
    z = mu + torch.exp(log_var / 2) * torch.randn(mu.shape, generator=generator)
    direct = 1 / np.std(z.double().numpy(), ddof=1)  # over images and all elements
    assert latent_scale(model, x, seed=7) == pytest.approx(direct, rel=1e-6)
    assert torch.allclose(encode_latents(model, x, seed=7), z)


def test_scaled_latents_have_unit_standard_deviation():
    """s = 1 / std, not std: the scaled latents of the same draws have std 1."""
    torch.manual_seed(0)
    model = make_vae(spatial_config())
    with torch.no_grad():  # widen the latents, so that std and 1 / std differ
        model.encoder.net[-1].weight[:4] *= 20
    x = images(40)
    scale = latent_scale(model, x, seed=3)
    assert abs(scale - 1) > 0.1
    u = scaled_latents(model, x, scale, seed=3)
    assert np.std(u.astype(np.float64), ddof=1) == pytest.approx(1.0, rel=1e-5)


# --- the two-stage bound ---------------------------------------------------------------

@pytest.mark.parametrize("scale", [0.25, 1.0, 3.0])
def test_the_bound_with_a_standard_normal_second_stage_is_the_closed_form(scale):
    """p2'(u) = N(u; 0, I) gives p2(z) = s^D N(s z; 0, I) = N(z; 0, s^-2 I), so the
    bound is recon + KL(q(z|x) || N(0, s^-2 I)), known in closed form: the Jacobian's
    D log s enters with the right sign (a flipped one misses by 2 D log s)."""
    torch.manual_seed(0)
    first = make_vae(small_config())
    x = images(8, 64)
    bound = two_stage_bound(first, standard_normal_vae(8), scale, x, num_samples=4000,
                            seed=1)
    with torch.no_grad():
        mu, log_var = first.encode(torch.as_tensor(x))
    mu, var = mu.double(), log_var.double().exp()
    prior_var = scale ** -2
    kl = 0.5 * (torch.log(prior_var / var) + (var + mu ** 2) / prior_var - 1).sum(-1)
    assert bound.jacobian == pytest.approx(8 * math.log(scale))
    # Monte Carlo error (4000 draws) well below the 2 D log s = 2.2 to 22 nats of a
    # flipped sign
    assert bound.prior - bound.entropy == pytest.approx(kl.mean().item(), abs=0.5)
    assert bound.total == pytest.approx(bound.recon - bound.entropy + bound.prior)
    assert bound.prior == pytest.approx(bound.second - bound.jacobian)


def test_with_s_1_and_a_standard_normal_second_stage_it_is_the_single_vae_elbo():
    torch.manual_seed(0)
    first = make_vae(small_config())
    x = images(8, 64)
    bound = two_stage_bound(first, standard_normal_vae(8), 1.0, x, num_samples=4000)
    assert bound.jacobian == 0
    assert bound.total == pytest.approx(negative_elbo(first, x, 4000, seed=2),
                                        abs=0.1)


def test_a_rescaled_second_stage_gives_the_same_bound():
    """The scale must cancel: the second stage N(0, s^2 I) on u = s z (a zero VAE whose
    decoder variance is s^2) is the density N(z; 0, I) for every s."""
    torch.manual_seed(0)
    first = make_vae(small_config())
    x = images(6, 64)
    totals = []
    for scale in (0.5, 2.0):
        second = standard_normal_vae(8)
        with torch.no_grad():  # decoder log-variance = log s^2
            second.decoder.param_layer.bias[8:].fill_(2 * math.log(scale))
        totals.append(two_stage_bound(first, second, scale, x, num_samples=50).total)
    assert totals[0] == pytest.approx(totals[1], abs=1e-3)


def test_a_trained_second_stage_gives_finite_bounds_and_images():
    first = run_model(small_config(num_epochs=1, batch_size=20), images(40, 64),
                      None).model
    x = images(40, 64)
    scale = latent_scale(first, x)
    second = run_model(second_stage_config(8, num_epochs=1, hidden_dim=16,
                                           latent_dim=2, batch_size=20),
                       scaled_latents(first, x, scale), None).model
    assert second.config.input_dim == 8
    bound = two_stage_bound(first, second, scale, x[:5], num_samples=3, second_k=5)
    assert np.isfinite(bound.total)
    drawn = decode_second_stage(first, second, scale, 6)
    assert drawn.shape == (6, 64) and drawn.min() >= 0 and drawn.max() <= 1
    with pytest.raises(ValueError, match="scale must be positive"):
        two_stage_bound(first, second, -1.0, x[:2])


# --- re-fitting the encoder to the two-stage bound --------------------------------------

def state(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_refit_encoder_trains_only_a_copy_of_the_encoder():
    torch.manual_seed(0)
    first, second = make_vae(small_config()), standard_normal_vae(8)
    before_first, before_second = state(first), state(second)
    refit = refit_encoder(first, second, 0.5, images(40, 64), num_epochs=2,
                          batch_size=10)
    assert same(state(first), before_first) and same(state(second), before_second)
    assert all(p.requires_grad for p in (*first.parameters(), *second.parameters()))
    assert same(state(refit.decoder), state(first.decoder))
    assert not same(state(refit.encoder), state(first.encoder))
    zero = refit_encoder(first, second, 0.5, images(40, 64), num_epochs=0)
    assert same(state(zero), before_first)


def test_refit_encoder_tightens_the_bound_of_the_same_model():
    """With s = 1 and a second stage that is exactly N(0, I), the bound is the first
    stage's own -ELBO. A beta = 1e-3 encoder is too narrow for it: re-fitting q lowers
    the bound on the images it was fitted to, and it stays above -log p(x) of the
    unchanged model (an IWAE estimate with K = 1000)."""
    torch.manual_seed(0)
    x = images(100, 64)
    first = run_model(small_config(num_epochs=20, batch_size=20, beta=1e-3), x,
                      None).model
    second = standard_normal_vae(8)
    refit = refit_encoder(first, second, 1.0, x, num_epochs=5, lr=1e-2, batch_size=20,
                          seed=1)
    before = two_stage_bound(first, second, 1.0, x, num_samples=200).total
    after = two_stage_bound(refit, second, 1.0, x, num_samples=200).total
    nll = iwae_nll(refit, x, 1000, seed=2)  # the same p(x): the decoder is unchanged
    assert after < before - 5
    assert after > nll - 0.05


def test_refit_encoder_refuses_bad_settings_and_data():
    first, second = make_vae(small_config()), standard_normal_vae(8)
    with pytest.raises(ValueError, match="scale must be positive"):
        refit_encoder(first, second, 0.0, images(4, 64))
    with pytest.raises(ValueError, match="num_epochs must be"):
        refit_encoder(first, second, 1.0, images(4, 64), num_epochs=-1)
    with pytest.raises(ValueError, match="x "):
        refit_encoder(first, second, 1.0, images(4, 784))
    with pytest.raises(ValueError, match="x "):
        refit_encoder(first, second, 1.0, np.full((4, 64), np.nan))


def test_a_decoded_pixel_sees_only_nearby_cells():
    """The map decoder is local: a pixel depends on at most 5 x 5 of the 7 x 7 cells
    (a 3 x 3 convolution, then two stride-2 transposed convolutions)."""
    torch.manual_seed(0)
    model = make_vae(spatial_config())
    jac = torch.autograd.functional.jacobian(model.decode, torch.zeros(196))
    seen = (jac != 0).reshape(784, *SHAPE).any(1)  # [pixel, 7, 7]
    rows = seen.any(2).sum(1)
    cols = seen.any(1).sum(1)
    assert rows.max() == 5 and cols.max() == 5 and rows.min() >= 2
