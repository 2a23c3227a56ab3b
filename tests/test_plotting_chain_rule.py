"""Pictures of 02-chain-rule (utils/plotting/chain_rule.py): bars of the multiplications counted
and the time measured for the two orders of a chain product."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import same_color
from matplotlib.figure import Figure

from utils.plotting import ORDER_COLOURS, ChainCostBars


def cost_bars(**ranges):
    ax_count, ax_time = Figure().subplots(1, 2)
    return ChainCostBars(ax_count, ax_time, **ranges)


def heights(bars):
    return [bar.get_height() for bar in bars]


def test_two_log_panels_with_one_bar_per_order_in_its_colour():
    picture = cost_bars()
    assert len(picture.bars) == 2
    for ax, bars in zip(picture.axes, picture.bars, strict=True):
        assert ax.get_yscale() == "log"
        assert [t.get_text() for t in ax.get_xticklabels()] == list(ChainCostBars.LABELS)
        assert len(bars) == 2
        for bar, order in zip(bars, ("forward", "reverse"), strict=True):
            assert same_color(bar.get_facecolor(), ORDER_COLOURS[order])
    assert picture.axes[0].get_ylim() == pytest.approx((0.5, 1e10))
    assert picture.axes[1].get_ylim() == pytest.approx((1e-6, 10.0))


def test_show_sets_the_bars_to_the_values_and_labels_them():
    picture = cost_bars()
    multiplications, seconds = (123_456, 2_000), (0.0125, 3e-5)
    picture.show(multiplications, seconds)
    assert heights(picture.bars[0]) == list(multiplications)
    assert heights(picture.bars[1]) == pytest.approx(seconds)
    count_texts, time_texts = ([t.get_text() for t in texts] for texts in picture.texts)
    assert count_texts == [f"{v:,}" for v in multiplications]
    assert [float(t.removesuffix(" ms")) for t in time_texts] == pytest.approx(
        [1e3 * s for s in seconds], rel=1e-2)
    for texts, values in zip(picture.texts, (multiplications, seconds), strict=True):
        assert [t.get_position()[1] for t in texts] == pytest.approx([1.2 * v for v in values])


def test_values_outside_the_fixed_range_are_clipped_but_labelled_truly():
    picture = cost_bars(count_range=(1.0, 1e6), time_range=(1e-3, 1.0))
    picture.show((1e9, 0), (5.0, 1e-7))
    assert heights(picture.bars[0]) == [1e6, 1.0]
    assert heights(picture.bars[1]) == pytest.approx([1.0, 1e-3])
    assert [t.get_text() for t in picture.texts[0]] == [f"{1e9:,.0f}", "0"]
    for ax, texts in zip(picture.axes, picture.texts, strict=True):
        low, high = ax.get_ylim()
        assert all(low <= t.get_position()[1] <= high for t in texts), "a label left the axes"
    assert np.allclose([ax.get_ylim() for ax in picture.axes], [(1.0, 1e6), (1e-3, 1.0)])


def test_show_moves_the_same_artists_it_lists_as_moving():
    picture = cost_bars()
    moving = picture.moving_artists()
    assert len(moving) == 8
    patches = [len(ax.patches) for ax in picture.axes]
    picture.show((10, 20), (1e-3, 2e-3))
    first = [np.copy(a.get_height() if hasattr(a, "get_height") else a.get_position())
             for a in moving]
    picture.show((3e3, 4e4), (1e-2, 2e-2))
    second = [np.copy(a.get_height() if hasattr(a, "get_height") else a.get_position())
              for a in moving]
    assert all(not np.allclose(a, b) for a, b in zip(first, second, strict=True))
    assert [len(ax.patches) for ax in picture.axes] == patches, "bars moved, not added"
