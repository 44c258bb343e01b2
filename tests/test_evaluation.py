"""iwae_nll on a linear-Gaussian VAE, where -log p(x) and the ELBO are known exactly."""

import numpy as np
import pytest
from linear_gaussian import exact_negative_elbo, exact_nll, make_vae

from vae_tutorial import iwae_nll

X = np.array([[1.2, 0.1], [-0.5, 1.5], [2.0, 2.5], [0.3, -1.0]], dtype=np.float32)


def test_exact_posterior_gives_the_exact_nll_with_one_sample():
    # With q(z|x) = p(z|x) every importance weight equals p(x): no variance, no gap.
    per_point = iwae_nll(make_vae(), X, num_samples=1, per_point=True)
    np.testing.assert_allclose(per_point, exact_nll(X), rtol=1e-5)


def test_one_sample_is_the_negative_elbo_in_expectation():
    x = np.repeat(X, 20_000, axis=0)  # many single-sample estimates per point
    estimate = iwae_nll(make_vae(0.7, 2.0), x, num_samples=1, per_point=True)
    means = estimate.reshape(len(X), -1).mean(1)
    np.testing.assert_allclose(means, exact_negative_elbo(X, 0.7, 2.0), atol=0.03)
    assert np.all(exact_negative_elbo(X, 0.7, 2.0) > exact_nll(X) + 0.1)  # a real gap


def test_bound_is_never_below_the_exact_nll_and_tightens_with_k():
    vae = make_vae(0.7, 2.0)
    x = np.repeat(X, 500, axis=0)
    exact = exact_nll(x).mean()
    gaps = [iwae_nll(vae, x, k, seed=k) - exact for k in (1, 10, 100, 1000)]
    assert all(g > -0.005 for g in gaps)  # an upper bound, up to Monte-Carlo error
    assert gaps[0] > gaps[1] > gaps[2] > gaps[3]
    assert gaps[3] < 0.1 * gaps[0]


def test_same_seed_same_estimate_and_chunking_does_not_matter():
    vae = make_vae(0.7, 2.0)
    a = iwae_nll(vae, X, 64, seed=5, per_point=True)
    np.testing.assert_array_equal(a, iwae_nll(vae, X, 64, seed=5, per_point=True))
    # One point per chunk: each point keeps its own value, in order. With the exact
    # posterior every weight is p(x), so the chunked values are exact whatever the draws.
    exact = iwae_nll(make_vae(), X, 64, seed=5, per_point=True, max_rows=64)
    np.testing.assert_allclose(exact, exact_nll(X), rtol=1e-5)
    chunked = iwae_nll(vae, X, 64, seed=5, per_point=True, max_rows=64)
    assert chunked.shape == a.shape
    # Other draws, the same estimator: within Monte-Carlo error of each other, per point.
    spread = np.std([iwae_nll(vae, X, 64, seed=s, per_point=True) for s in range(20)],
                    axis=0)
    assert np.all(np.abs(chunked - a) < 5 * spread + 1e-6), (chunked, a, spread)


@pytest.mark.parametrize("k", [0, -1, 2.0])
def test_bad_sample_count_is_a_value_error(k):
    with pytest.raises(ValueError, match="num_samples must be a positive integer"):
        iwae_nll(make_vae(), X, k)
