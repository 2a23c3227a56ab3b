"""Pictures of 07-second-order (utils/plotting/second_order.py): the Hessian beside v and H·v,
and the measured costs with their fitted slopes."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils.plotting import plot_hessian_and_hvp, plot_hvp_costs


def test_the_three_panels_show_h_v_and_hv():
    gen = np.random.default_rng(0)
    A = gen.normal(size=(5, 5))
    H, v = A + A.T, gen.normal(size=5)
    axes = plot_hessian_and_hvp(Figure(), H, v, H @ v)
    shown = [ax.get_images()[0].get_array() for ax in axes]
    np.testing.assert_array_equal(shown[0], H)
    np.testing.assert_array_equal(shown[1].ravel(), v)
    np.testing.assert_array_equal(shown[2].ravel(), H @ v)
    assert [ax.get_title() for ax in axes] == ["H (5 × 5), symmetric", "v", "H·v"]


def test_mismatched_sizes_are_refused_with_the_shapes():
    with pytest.raises(ValueError, match=r"H \(3, 3\), v \(4,\)"):
        plot_hessian_and_hvp(Figure(), np.eye(3), np.ones(4), np.ones(4))


def fabricated_costs():
    n = np.array([4, 16, 64, 256])
    flat = np.full(4, 2e-4)
    return {"n": n, "gradient": flat / 3, "forward-over-reverse": flat,
            "reverse-over-reverse": flat * 1.2, "reverse-over-forward": flat * 1.1,
            "forming H": 2e-4 * n}


def test_each_route_is_a_line_with_its_fitted_slope():
    ax = Figure().subplots()
    plot_hvp_costs(ax, fabricated_costs())
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == 5
    assert "forming H, then H @ v: slope 1.0" in labels
    assert "H·v forward-over-reverse: slope 0.0" in labels


def test_costs_missing_a_route_are_refused():
    costs = fabricated_costs()
    del costs["forming H"]
    with pytest.raises((ValueError, KeyError), match="forming H|hvp_costs"):
        plot_hvp_costs(Figure().subplots(), costs)
