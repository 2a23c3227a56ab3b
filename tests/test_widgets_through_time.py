"""The explorer of 06-jacobians-through-time (utils/widgets/through_time.py): every control
changes the picture or the readout, and the curves are the Jacobians' norms."""

from __future__ import annotations

import numpy as np
import pytest

from utils.widgets import (
    Explorer,
    rnn_gradient_explorer,
)
from utils.widgets.through_time import _rnn_log_range


@pytest.fixture(scope="module")
def explorer():
    return rnn_gradient_explorer()


def test_it_is_an_explorer_with_the_three_controls(explorer):
    assert isinstance(explorer, Explorer)
    assert set(explorer.controls) == {"radius", "nonlinearity", "length"}
    assert explorer.view.image.value and "∂h" in explorer.readout.value


@pytest.mark.parametrize("name, values", [
    ("radius", [0.5, 0.75, 1.25, 1.6, 1.0]),
    ("nonlinearity", ["linear", "relu", "tanh"]),
    ("length", [5, 60, 100, 40]),
])
def test_every_control_changes_the_picture_and_the_readout(explorer, name, values):
    for value in values:
        before = (explorer.view.image.value, explorer.readout.value)
        explorer.controls[name].value = value
        assert explorer.view.image.value != before[0], f"{name} = {value}: picture unchanged"
        assert explorer.readout.value != before[1], f"{name} = {value}: readout unchanged"


def norm_line(explorer):
    [line] = [ln for ln in explorer.view.figure.axes[0].lines if "partial h_T" in ln.get_label()]
    return line


def test_the_plotted_norms_are_the_jacobian_norms(explorer):
    from utils import rnn

    explorer.controls["nonlinearity"].value = "linear"
    explorer.controls["length"].value = 20
    explorer.controls["radius"].value = 1.2
    k, norms = norm_line(explorer).get_data()
    assert len(k) == 21 and norms[-1] == pytest.approx(1.0)
    assert norms[0] > 1.0, "radius 1.2 with a linear RNN should explode"
    explorer.controls["radius"].value = 0.6
    assert norm_line(explorer).get_data()[1][0] < 1e-2, "should vanish"
    assert rnn.NONLINEARITIES == tuple(explorer.controls["nonlinearity"].options)


def test_the_axes_follow_the_length_and_the_range_of_the_curves(explorer):
    explorer.controls["nonlinearity"].value = "linear"
    explorer.controls["radius"].value = 1.1
    ax = explorer.view.figure.axes[0]
    for T in (40, 100):
        explorer.controls["length"].value = T
        low, high = ax.get_xlim()
        assert low <= 0 < T <= high <= 1.05 * T, "x runs over the distances 0..T"
        steps, norms = norm_line(explorer).get_data()
        assert steps.max() == T and steps.min() == 0
        bottom, top = ax.get_ylim()
        assert bottom <= np.nanmin(norms) and np.nanmax(norms) <= top
        assert top / bottom <= 1e50, "the range fits the curves instead of 1e-30..1e22"
    assert len(explorer.view.backgrounds) <= 20, "one cached background per (T, range)"


def test_the_log_range_snaps_to_decades():

    assert _rnn_log_range(np.array([0.5, 2.0])) == (-10, 5)
    assert _rnn_log_range(np.array([1e-12, 3e7, 0.0, np.nan])) == (-20, 10)
    assert _rnn_log_range(np.array([1e-300, 1.0]))[0] == -40


def test_the_controls_stay_within_small_sizes(explorer):
    assert explorer.controls["length"].max <= 100
    assert explorer.controls["radius"].max <= 2.0
