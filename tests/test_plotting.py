"""The posterior panels of notebooks 12 and 13: each Gaussian's ellipses lie at exactly k
standard deviations (Mahalanobis distance), and the panel draws what it says."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from vae_tutorial.plotting import gaussian_ring, plot_posterior_and_gaussians  # noqa: E402


@pytest.mark.parametrize("k", [1.0, 2.0])
def test_gaussian_ring_is_at_k_standard_deviations(k):
    mean = np.array([0.5, -1.0])
    cov = np.array([[2.0, 0.6], [0.6, 0.5]])
    ring = gaussian_ring(mean, np.linalg.cholesky(cov), k, num=50)  # [2, 50]
    offsets = ring - mean[:, None]
    mahalanobis = np.sqrt(np.einsum("in,ij,jn->n", offsets, np.linalg.inv(cov), offsets))
    assert ring.shape == (2, 50)
    np.testing.assert_allclose(mahalanobis, k, rtol=1e-12)
    # the ellipse's extent along z1 is k times the standard deviation of z1
    np.testing.assert_allclose(np.abs(offsets[0]).max(), k * np.sqrt(cov[0, 0]), rtol=1e-2)


def test_posterior_panel_draws_two_rings_per_gaussian_and_zooms():
    z_axis = np.linspace(-3, 3, 31)
    density = np.exp(-0.5 * (z_axis[:, None] ** 2 + z_axis[None, :] ** 2))
    gaussians = {"a": (np.zeros(2), np.eye(2), "C0"),
                 "b": (np.ones(2), 0.5 * np.eye(2), "C1")}
    fig, ax = plt.subplots()
    plot_posterior_and_gaussians(ax, z_axis, density, np.array([2.0, 0.0]), gaussians,
                                 centre=np.array([0.2, -0.1]), half_width=1.5)
    assert len(ax.lines) == 4
    assert [line.get_label() for line in ax.lines][::2] == ["a", "b"]
    assert ax.get_title() == "x = (2.00, 0.00)"
    np.testing.assert_allclose(ax.get_xlim(), (-1.3, 1.7))
    np.testing.assert_allclose(ax.get_ylim(), (-1.6, 1.4))
    plt.close(fig)
