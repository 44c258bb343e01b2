"""The categorical decoder (notebooks/11_digits): its NLL against torch.distributions,
normalised probabilities, its samples, and bad input."""

import numpy as np
import pytest
import torch
from torch.distributions import Categorical

from vae_tutorial.config import digits_config
from vae_tutorial.objectives import categorical_nll
from vae_tutorial.training import run_model
from vae_tutorial.variants import CategoricalVAE, make_vae


def small_cfg(**overrides):
    return digits_config(hidden_dim=16, latent_dim=3, num_epochs=1, progress=False,
                         **overrides)


def levels(shape, num_values=17, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, num_values, shape, generator=gen)


def test_categorical_nll_matches_torch_distributions():
    gen = torch.Generator().manual_seed(0)
    logits = 3 * torch.randn(4, 5, 64, 17, generator=gen)
    x = levels((5, 64))
    expected = -Categorical(logits=logits).log_prob(x)
    actual = categorical_nll(x.float(), logits)
    assert actual.shape == (4, 5, 64)
    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)


def test_categorical_nll_of_a_certain_level_is_zero_and_uniform_is_log_k():
    x = torch.tensor([[0.0, 5.0, 16.0]])
    uniform = torch.zeros(1, 3, 17)
    torch.testing.assert_close(categorical_nll(x, uniform),
                               torch.full((1, 3), float(np.log(17))))
    certain = torch.full((1, 3, 17), -1e4)
    certain[0, [0, 1, 2], [0, 5, 16]] = 1e4
    assert categorical_nll(x, certain).abs().max() < 1e-4


def test_decoder_probabilities_over_the_17_levels_sum_to_one():
    torch.manual_seed(0)
    model = make_vae(small_cfg())
    assert isinstance(model, CategoricalVAE)
    logits = model.decode(torch.randn(2, 7, 3))
    assert logits.shape == (2, 7, 64, 17)
    probs = torch.softmax(logits, dim=-1)
    torch.testing.assert_close(probs.sum(-1), torch.ones(2, 7, 64))


def test_log_likelihood_sums_torch_categorical_over_pixels():
    torch.manual_seed(1)
    model = make_vae(small_cfg())
    x = levels((6, 64)).float()
    out = model(x, torch.randn(2, 6, 3))
    expected = Categorical(logits=out.logits_x).log_prob(x.long()).sum(-1)
    torch.testing.assert_close(model.log_likelihood(x, out.decoded), expected)
    loss = model.loss(x, torch.randn(2, 6, 3))
    torch.testing.assert_close(loss.total, loss.recon + loss.kl)


def test_encoder_sees_levels_scaled_to_unit_interval():
    torch.manual_seed(2)
    model = make_vae(small_cfg())
    x = levels((4, 64)).float()
    mu, log_var = model.encode(x)
    mu_raw, log_var_raw = model.encoder(x / 16).chunk(2, dim=-1)
    torch.testing.assert_close(mu, mu_raw)
    torch.testing.assert_close(log_var, log_var_raw)


def test_sample_x_mean_level_and_draws():
    torch.manual_seed(3)
    model = make_vae(small_cfg())
    z = torch.randn(5, 3)
    probs = torch.softmax(model.decode(z), dim=-1)
    mean = model.sample_x(z)
    torch.testing.assert_close(mean, (probs * torch.arange(17.0)).sum(-1))
    draws = model.sample_x(z, noise=True, generator=torch.Generator().manual_seed(0))
    again = model.sample_x(z, noise=True, generator=torch.Generator().manual_seed(0))
    assert draws.shape == (5, 64) and torch.equal(draws, again)
    assert torch.equal(draws, draws.round()) and draws.min() >= 0 and draws.max() <= 16
    # Many draws at one z: the empirical frequencies approach the decoder probabilities.
    many = model.sample_x(z[:1].expand(4000, 3), noise=True,
                          generator=torch.Generator().manual_seed(1))
    freq = torch.stack([(many == k).float().mean(0) for k in range(17)], dim=-1)
    assert (freq - probs[0]).abs().max() < 0.04


@pytest.mark.parametrize("bad, match", [
    (17, r"train_data values must lie in 0\.\.16 \(config\.num_values=17\)"),
    (-1, r"train_data values must lie in 0\.\.16"),
    (2.5, r"train_data must hold integers 0\.\.16"),
])
def test_run_model_rejects_levels_a_categorical_decoder_cannot_model(bad, match):
    data = levels((20, 64)).numpy().astype(float)
    data[3, 7] = bad
    with pytest.raises(ValueError, match=match):
        run_model(small_cfg(), data, levels((5, 64)).numpy())


def test_run_model_rejects_wrong_width_and_bad_test_or_val_levels():
    good = levels((20, 64)).numpy()
    with pytest.raises(ValueError, match=r"train_data must have shape \[N, 64\]"):
        run_model(small_cfg(), good[:, :63], good)
    with pytest.raises(ValueError, match=r"test_data values must lie in 0\.\.16"):
        run_model(small_cfg(), good, good + 1)
    with pytest.raises(ValueError, match=r"val_data must hold integers"):
        run_model(small_cfg(), good, good, good + 0.5)


def test_num_values_must_fit_the_likelihood():
    with pytest.raises(ValueError, match=r"config\.num_values must be an integer >= 2"):
        digits_config(num_values=1)
    with pytest.raises(ValueError, match=r"config\.num_values must be None"):
        digits_config(likelihood="gaussian")
