"""Pictures of 07-second-order (utils/plotting/second_order.py): the Hessian beside v and ∇²L v,
and the measured costs with their fitted slopes."""

from __future__ import annotations

import re

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
    assert [ax.get_title() for ax in axes] == [r"$\nabla^2 L$ (5 × 5), symmetric", "$v$",
                                                r"$\nabla^2 L\,v$"]


def test_mismatched_sizes_are_refused_with_the_shapes():
    with pytest.raises(ValueError, match=r"Hessian \(3, 3\), v \(4,\)"):
        plot_hessian_and_hvp(Figure(), np.eye(3), np.ones(4), np.ones(4))


def fabricated_costs():
    n = np.array([4, 16, 64, 256])
    flat = np.full(4, 2e-4)
    return {"n": n, "gradient": flat / 3, "forward-over-reverse": flat,
            "reverse-over-reverse": flat * 1.2, "reverse-over-forward": flat * 1.1,
            "n products in a loop": 2e-4 * n, "forming the Hessian": 2.2e-4 * n}


def test_each_route_is_a_line_with_its_fitted_slope():
    ax = Figure().subplots()
    plot_hvp_costs(ax, fabricated_costs())
    labels = [line.get_label() for line in ax.get_lines()]
    assert len(labels) == 6
    assert r"$n$ products $\nabla^2 L\,v$ in a loop: slope 1.0" in labels
    assert r"$\nabla^2 L$ formed, then times $v$: slope 1.0" in labels
    assert r"$\nabla^2 L\,v$ forward-over-reverse: slope 0.0" in labels


def test_costs_missing_a_route_are_refused():
    costs = fabricated_costs()
    del costs["forming the Hessian"]
    with pytest.raises((ValueError, KeyError), match="forming the Hessian|hvp_costs"):
        plot_hvp_costs(Figure().subplots(), costs)


def test_no_text_in_the_pictures_writes_the_hessian_as_h():
    # 00a's H is a layer's outputs: every title, label and legend entry writes the Hessian ∇²L.
    figure = Figure()
    A = np.random.default_rng(1).normal(size=(4, 4))
    plot_hessian_and_hvp(figure, A + A.T, np.ones(4), (A + A.T).sum(axis=1))
    costs_ax = Figure().subplots()
    plot_hvp_costs(costs_ax, fabricated_costs())
    texts = [text.get_text() for fig in (figure, costs_ax.figure)
             for text in fig.findobj(lambda artist: hasattr(artist, "get_text"))]
    assert any("nabla" in text for text in texts)
    stray = [text for text in texts if re.search(r"(?<![\w\\])H(?!\w)|α|Hv\b", text)]
    assert not stray, stray
