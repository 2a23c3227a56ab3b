"""Pictures of 04a (utils/plotting/linear_maps.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.linear_maps import matmul_kron  # noqa: E402
from utils.plotting import plot_kron_beside_tensor, plot_kron_cost  # noqa: E402


def test_the_two_panels_show_the_same_numbers_at_one_colour_scale():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    fig, axes = plt.subplots(1, 2)
    plot_kron_beside_tensor(axes, A, B)
    left, right = axes[0].images[0], axes[1].images[0]
    assert np.array_equal(right.get_array(), matmul_kron(A, B))
    assert sorted(np.ravel(left.get_array())) == sorted(np.ravel(right.get_array()))
    assert left.get_clim() == right.get_clim()
    assert len(axes[1].lines) == (2 - 1) * 2  # one horizontal and one vertical block line
    plt.close(fig)
    with pytest.raises(ValueError, match="two axes"):
        plot_kron_beside_tensor([axes[0]], A, B)


def test_the_cost_picture_returns_the_time_ratio_at_the_largest_size():
    measured = {"n": np.array([4, 8]), "kron_seconds": np.array([1e-5, 8e-4]),
                "product_seconds": np.array([1e-6, 2e-6]),
                "kron_bytes": np.array([4**4 * 8, 8**4 * 8]),
                "gradient_bytes": np.array([4**2 * 8, 8**2 * 8])}
    fig, axes = plt.subplots(1, 2)
    assert plot_kron_cost(*axes, measured) == pytest.approx(400)
    assert "32.0 KiB" in axes[1].get_title() and len(axes[0].lines) == 2
    plt.close(fig)
