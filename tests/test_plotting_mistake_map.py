"""The mistake map's picture (utils/plotting/_mistake_map.py): expected, yours and their
difference at one colour scale, the wrong cells outlined, a 4-D tensor as its matrix of matrices."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from utils.plotting import block_layout
from utils.plotting._mistake_map import draw_mistake_map, mistake_map_png


def _drawn(expected, answer):
    wrong = ~np.isclose(answer, expected)
    axes = draw_mistake_map(Figure(), expected, answer, wrong)
    return axes, wrong


def test_three_panels_share_one_colour_scale():
    expected = np.arange(6.0).reshape(2, 3)
    answer = expected.copy()
    answer[0, 1] = -9.0
    axes, _ = _drawn(expected, answer)
    assert [ax.get_title() for ax in axes] == ["expected", "yours", "yours − expected"]
    limits = {ax.images[0].get_clim() for ax in axes}
    assert limits == {(-10.0, 10.0)}  # the largest |value| of all three: the difference, -10
    assert np.array_equal(axes[2].images[0].get_array(), answer - expected)


def test_the_outline_is_the_border_of_the_wrong_cells_and_nothing_else():
    expected = np.zeros((4, 5))
    answer = expected.copy()
    answer[1, 1:4] = 1.0  # one run of three cells: its border is 2·3 + 2 = 8 cell edges
    axes, _ = _drawn(expected, answer)
    for ax in axes:
        (outline,) = [c for c in ax.collections if isinstance(c, LineCollection)]
        segments = outline.get_segments()
        assert len(segments) == 8
        xs = np.concatenate([s[:, 0] for s in segments])
        ys = np.concatenate([s[:, 1] for s in segments])
        assert (xs.min(), xs.max(), ys.min(), ys.max()) == (0.5, 3.5, 0.5, 1.5)


def test_a_4d_tensor_is_drawn_as_its_block_layout_with_the_wrong_block_outlined():
    expected = np.random.default_rng(2).normal(size=(2, 3, 2, 2))
    answer = expected.copy()
    answer[1, 2] += 1.0
    axes, wrong = _drawn(expected, answer)
    assert np.array_equal(axes[1].images[0].get_array(), block_layout(answer))
    (outline,) = [c for c in axes[0].collections if isinstance(c, LineCollection)]
    assert len(outline.get_segments()) == 8  # block (1, 2) is a 2×2 square: 8 cell edges
    assert block_layout(wrong)[2:, 4:].all() and block_layout(wrong).sum() == 4


def test_the_png_is_drawn_off_screen_and_leaves_no_figure_open():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    png = mistake_map_png(np.eye(3), np.eye(3) * 2, np.eye(3, dtype=bool))
    assert png.startswith(b"\x89PNG") and len(png) > 1000
    assert plt.get_fignums() == before
