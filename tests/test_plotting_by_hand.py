"""Pictures of 05a-backward-by-hand (utils/plotting/by_hand.py): one loss line per backward pass."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils.plotting import plot_losses


def test_one_line_per_backward_with_its_losses_on_a_log_scale():
    ax = Figure().subplots()
    curves = {"framework's backward": [0.7, 0.2, 0.1], "your backward": [0.7, 0.2, 0.1]}
    plot_losses(ax, curves)
    assert [line.get_label() for line in ax.get_lines()] == list(curves)
    for line, losses in zip(ax.get_lines(), curves.values(), strict=True):
        assert np.array_equal(line.get_ydata(), losses)
        assert np.array_equal(line.get_xdata(), [1, 2, 3])
    assert ax.get_yscale() == "log"
    widths = [line.get_linewidth() for line in ax.get_lines()]
    assert widths[0] > widths[1], "the line drawn first must stay visible under the second"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(curves)


@pytest.mark.parametrize("curves, error", [
    ([0.5, 0.2], TypeError),
    ({}, TypeError),
    ({"a": [1.0], "b": [1.0], "c": [1.0]}, TypeError),
    ({"a": []}, ValueError),
    ({"a": [0.5, -0.1]}, ValueError),
    ({"a": [0.5, np.nan]}, ValueError),
    ({"a": [[0.5]]}, ValueError),
])
def test_bad_curves_get_a_clear_error(curves, error):
    with pytest.raises(error, match="losses"):
        plot_losses(Figure().subplots(), curves)
