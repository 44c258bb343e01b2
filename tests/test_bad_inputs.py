"""Every public function that takes data refuses bad data with a ValueError naming the
argument: non-finite values, the wrong width, the wrong number of dimensions, no rows.

The table CASES says how to call each one with a bad array; a public function that takes
data (a parameter named like data) and is missing from CASES and from TENSOR_LEVEL
fails `test_every_public_function_that_takes_data_is_in_the_table`.
"""

import inspect
import re

import matplotlib
import numpy as np
import pytest
import torch

import vae_tutorial as vt

matplotlib.use("Agg")

DATA_PARAMS = {"x", "data", "train_data", "test_data", "val_data", "train", "test",
               "images", "batch"}

# Functions on torch tensors inside a training or evaluation step: the public function
# that calls them (run_model, iwae_nll, train_iwae) checks the data first.
TENSOR_LEVEL = {
    "log_weights": "a tensor step inside iwae_nll / negative_elbo",
    "run_test": "a tensor step inside run_model",
    "train_step": "a tensor step inside run_model",
    "iwae_loss": "a tensor step inside train_iwae",
    "gaussian_nll": "elementwise tensor maths, any shape",
    "bernoulli_nll": "elementwise tensor maths, any shape",
    "categorical_nll": "elementwise tensor maths, any shape",
}

ALL_KINDS = ("nan", "inf", "width", "1-d", "3-d", "empty")
ANY_WIDTH = ("nan", "inf", "1-d", "3-d", "empty")  # functions for data of any width
ANY_SHAPE = ("nan", "inf", "empty")  # elementwise on any shape


def bad(good: np.ndarray, kind: str) -> np.ndarray:
    """``good`` ``[N, D]`` made bad in one way."""
    x = np.array(good, dtype=np.float32)
    if kind == "nan":
        x[1, 0] = np.nan
    elif kind == "inf":
        x[-1, -1] = np.inf
    elif kind == "width":
        x = np.concatenate([x, x[:, :1]], axis=1)
    elif kind == "1-d":
        x = x[0]
    elif kind == "3-d":
        x = x[None]
    elif kind == "empty":
        x = x[:0]
    return x


@pytest.fixture(scope="module")
def kit():
    torch.manual_seed(0)
    gauss = vt.default_config(hidden_dim=8, progress=False, sample_each_step=False,
                              n_samples=4)
    model = vt.build_vae(gauss)
    x2 = vt.sample_gaussian(vt.SOURCE_MU, vt.SOURCE_COV, 6, seed=0)
    digits = np.random.default_rng(0).integers(0, 17, (6, 64)).astype(np.float32)
    pixels = np.random.default_rng(0).random((6, 784)).astype(np.float32)
    mixture = vt.mixture_preset("ring")
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    spatial = vt.make_vae(vt.mnist_config(network="conv", input_dim=64, image_shape=(8, 8),
                                          latent_shape=(2, 2, 2), latent_dim=8, channels=4,
                                          progress=False))
    second = vt.build_vae(vt.default_config(input_dim=8, hidden_dim=8, progress=False))
    conditional = vt.make_vae(vt.default_config(num_classes=3, hidden_dim=8,
                                                progress=False))
    return dict(cfg=gauss, model=model, spatial=spatial, second=second,
                conditional=conditional,
                pixels64=(pixels[:, :64] < 0.5).astype(np.float32),
                x2=x2, digits=digits, pixels=pixels,
                mixture=mixture, ax=ax,
                log_probs=vt.ignore_z_log_probs(digits, 17),
                probs=vt.ignore_z_pixel_probs(pixels))


def _gap(k, x):
    return vt.gap_split(k["model"], x, np.zeros(max(len(x), 1)), eval_samples=2,
                        num_steps=1, q_samples=1)


# name -> (good data in the kit, the argument named, kinds tried, call(kit, bad x))
CASES = {
    "iwae_nll": ("x2", "x", ALL_KINDS, lambda k, x: vt.iwae_nll(k["model"], x, 2)),
    "negative_elbo": ("x2", "x", ALL_KINDS,
                      lambda k, x: vt.negative_elbo(k["model"], x, 2)),
    "log_weight_chunks": ("x2", "x", ALL_KINDS,
                          lambda k, x: list(vt.log_weight_chunks(k["model"], x, 2))),
    "quadrature_nll": ("x2", "x", ALL_KINDS,
                       lambda k, x: vt.quadrature_nll(k["model"], x, num_points=8)),
    "grid_posterior": ("x2", "x", ALL_KINDS,
                       lambda k, x: vt.grid_posterior(k["model"], x, num_points=8)),
    "gap_split": ("x2", "x", ALL_KINDS, _gap),
    "optimise_q": ("x2", "x", ALL_KINDS,
                   lambda k, x: vt.optimise_q(k["model"], x, num_steps=1)),
    "kl_per_dimension": ("x2", "x", ALL_KINDS,
                         lambda k, x: vt.kl_per_dimension(k["model"], x)),
    "active_units": ("x2", "x", ALL_KINDS, lambda k, x: vt.active_units(k["model"], x)),
    "run_model": ("x2", "train_data", ALL_KINDS,
                  lambda k, x: vt.run_model(k["cfg"], x, None)),
    "run_model:test_data": ("x2", "test_data", ALL_KINDS,
                            lambda k, x: vt.run_model(k["cfg"], k["x2"], x)),
    "run_model:val_data": ("x2", "val_data", ALL_KINDS,
                           lambda k, x: vt.run_model(k["cfg"], k["x2"], None, x)),
    "train_iwae": ("x2", "train_data", ALL_KINDS,
                   lambda k, x: vt.train_iwae(k["cfg"], x, 2)),
    "beta_sweep": ("x2", "train_data", ALL_KINDS,
                   lambda k, x: vt.beta_sweep(k["cfg"], [1.0], x, k["x2"])),
    "true_log_prob": ("x2", "x", ALL_KINDS,
                      lambda k, x: vt.true_log_prob(x, vt.SOURCE_MU, vt.SOURCE_COV)),
    "GaussianMixture.log_prob": ("x2", "x", ALL_KINDS,
                                 lambda k, x: k["mixture"].log_prob(x)),
    "linear_posterior": ("x2", "x", ALL_KINDS,
                         lambda k, x: vt.linear_posterior(x, [1.0, 0.5], [0.5, 0.5],
                                                          [0.0, 0.0])),
    "train_test_split": ("x2", "x", ANY_WIDTH, lambda k, x: vt.train_test_split(x, 2)),
    "check_data": ("x2", "x", ALL_KINDS, lambda k, x: vt.check_data(x, 2, "x")),
    "check_levels": ("digits", "x", ANY_SHAPE, lambda k, x: vt.check_levels(x, 17, "x")),
    "check_pixels": ("pixels", "x", ANY_SHAPE, lambda k, x: vt.check_pixels(x, "x")),
    "ignore_z_log_probs": ("digits", "train", ANY_WIDTH,
                           lambda k, x: vt.ignore_z_log_probs(x, 17)),
    "ignore_z_nll": ("digits", "x", ALL_KINDS,
                     lambda k, x: vt.ignore_z_nll(k["log_probs"], x)),
    "ignore_z_pixel_probs": ("pixels", "train", ANY_WIDTH,
                             lambda k, x: vt.ignore_z_pixel_probs(x)),
    "ignore_z_bernoulli_nll": ("pixels", "x", ALL_KINDS,
                               lambda k, x: vt.ignore_z_bernoulli_nll(k["probs"], x)),
    "binarize": ("pixels", "x", ANY_SHAPE, lambda k, x: vt.binarize(x, 0)),
    "image_mosaic": ("digits", "images", ALL_KINDS, lambda k, x: vt.image_mosaic(x, 2)),
    "plot_digits": ("digits", "images", ALL_KINDS,
                    lambda k, x: vt.plot_digits(k["ax"], x, 2, "t")),
    "plot_images": ("pixels", "images", ALL_KINDS,
                    lambda k, x: vt.plot_images(k["ax"], x, 2, "t")),
    "class_log_likelihoods": ("x2", "x", ALL_KINDS,
                              lambda k, x: vt.class_log_likelihoods(k["conditional"], x,
                                                                    2)),
    "latent_maps": ("pixels64", "x", ALL_KINDS,
                    lambda k, x: vt.latent_maps(k["spatial"], x)),
    "latent_scale": ("pixels64", "x", ALL_KINDS,
                     lambda k, x: vt.latent_scale(k["spatial"], x)),
    "scaled_latents": ("pixels64", "x", ALL_KINDS,
                       lambda k, x: vt.scaled_latents(k["spatial"], x, 1.0)),
    "two_stage_bound": ("pixels64", "x", ALL_KINDS,
                        lambda k, x: vt.two_stage_bound(k["spatial"], k["second"], 1.0, x,
                                                        num_samples=2)),
}
PARAMS = [(name, kind) for name, (_, _, kinds, _) in CASES.items() for kind in kinds]


@pytest.mark.parametrize(("name", "kind"), PARAMS, ids=[f"{n}-{k}" for n, k in PARAMS])
def test_bad_data_is_a_value_error_naming_the_argument(kit, name, kind):
    good, argument, _, call = CASES[name]
    with pytest.raises(ValueError) as info:
        call(kit, bad(kit[good], kind))
    message = str(info.value)
    assert re.match(rf"{argument} (must|values)", message), message


@pytest.mark.parametrize("name", sorted(CASES))
def test_good_data_passes_the_same_calls(kit, name):
    good, _, _, call = CASES[name]
    call(kit, kit[good])


def test_every_public_function_that_takes_data_is_in_the_table():
    covered = {name.split(":")[0] for name in CASES} | set(TENSOR_LEVEL)
    missing = []
    for name in vt.__all__:
        obj = getattr(vt, name)
        if not inspect.isfunction(obj):
            continue
        if DATA_PARAMS & set(inspect.signature(obj).parameters) and name not in covered:
            missing.append(name)
    assert not missing, f"public functions taking data without a bad-input case: {missing}"


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "3"])
def test_generate_samples_needs_a_positive_count(kit, n):
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        vt.generate_samples(kit["cfg"], kit["model"], n)


def test_data_must_fit_the_decoder(kit):
    torch.manual_seed(0)
    categorical = vt.make_vae(vt.default_config(likelihood="categorical", num_values=5,
                                                hidden_dim=8))
    with pytest.raises(ValueError, match="x must hold integers 0..4"):
        vt.iwae_nll(categorical, np.full((3, 2), 1.5), 2)
    with pytest.raises(ValueError, match="x values must lie in 0..4"):
        vt.negative_elbo(categorical, np.full((3, 2), 7.0), 2)
    bernoulli = vt.make_vae(vt.default_config(likelihood="bernoulli", hidden_dim=8))
    with pytest.raises(ValueError, match=r"x values must lie in \[0, 1\]"):
        vt.iwae_nll(bernoulli, np.full((3, 2), 2.0), 2)


def test_the_width_comes_from_the_model_without_a_config(kit):
    # A model built by hand (no .config): the encoder's first layer gives the width.
    model = vt.build_vae(vt.default_config(input_dim=3, hidden_dim=8))
    with pytest.raises(ValueError, match=r"x must have shape \[N, 3\]"):
        vt.iwae_nll(model, kit["x2"], 2)
