"""The explorers of notebooks 01 and 02: every control driven over its range changes the display,
and the numbers they show agree with independent routes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from utils import numerical_jacobian
from utils.chain import chain_costs, chain_widths
from utils.maps import PLANE_MAPS
from utils.widgets import chain_cost_explorer, jacobian_explorer


def values_over_range(control):
    """Every option of a dropdown; min, max and a few values between for a slider."""
    if hasattr(control, "options"):
        return list(control.options)
    low, high = control.min, control.max
    values = np.linspace(low, high, 5)
    return [type(control.value)(v) for v in values]


def drive(explorer, capsys):
    """Set every control to each value of its range; each change must change the display."""
    for name, control in explorer.controls.items():
        for value in values_over_range(control)[::-1] + values_over_range(control):
            if value == control.value:
                continue
            before = (explorer.view.image.value, explorer.readout.value)
            control.value = value
            after = (explorer.view.image.value, explorer.readout.value)
            assert after[0] != before[0], f"{name} = {value!r} did not change the picture"
            assert after[1] != before[1], f"{name} = {value!r} did not change the readout"
    assert capsys.readouterr().out == "", "callbacks must not print (nbval would see it)"


def test_jacobian_explorer_every_control_changes_the_display(capsys):
    drive(jacobian_explorer(), capsys)


def test_chain_cost_explorer_every_control_changes_the_display(capsys):
    drive(chain_cost_explorer(), capsys)


def readout_number(readout: str, label: str) -> float:
    match = re.search(re.escape(label) + r"[^0-9+\-]*([+\-]?[0-9.,]+)", readout)
    assert match, f"{label!r} not in the readout"
    return float(match.group(1).replace(",", ""))


@pytest.mark.parametrize("map_name", list(PLANE_MAPS))
def test_jacobian_explorer_shows_the_jacobian_and_its_determinant(map_name):
    explorer = jacobian_explorer(map_name)
    plane_map = PLANE_MAPS[map_name]
    explorer.controls["size"].value = 0.02
    point = np.array([explorer.controls["x1"].value, explorer.controls["x2"].value])
    assert np.allclose(point, plane_map.default_point)
    expected = numerical_jacobian(plane_map, point)
    readout = explorer.readout.value
    shown = [float(v) for v in re.findall(r">([+\-][0-9.]+)</td>", readout)]
    assert np.allclose(shown, expected.reshape(-1), atol=1e-3)
    det = readout_number(readout, "det J =")
    assert det == pytest.approx(np.linalg.det(expected), abs=1e-4)
    # a small square's image has area close to |det J| δ²
    assert readout_number(readout, "area of f(square) / δ² =") == pytest.approx(det, rel=0.05)


def test_jacobian_explorer_switching_maps_resets_the_sliders_to_the_new_domain():
    explorer = jacobian_explorer()
    for name, plane_map in PLANE_MAPS.items():
        explorer.controls["map"].value = name
        x1, x2 = explorer.controls["x1"], explorer.controls["x2"]
        assert (x1.min, x1.max) == pytest.approx(plane_map.domain[0])
        assert (x2.min, x2.max) == pytest.approx(plane_map.domain[1])
        assert (x1.value, x2.value) == pytest.approx(plane_map.default_point)
        assert x1.description == plane_map.input_names[0]


def test_jacobian_explorer_refuses_an_unknown_map():
    with pytest.raises(ValueError, match="map_name must be one of"):
        jacobian_explorer("mobius")


def test_chain_cost_explorer_counts_match_utils_chain():
    explorer = chain_cost_explorer()
    controls = explorer.controls
    controls["length"].value, controls["input_width"].value = 5, 200
    controls["hidden_width"].value, controls["output_width"].value = 30, 1
    costs = chain_costs(chain_widths(5, 200, 30, 1))
    readout = explorer.readout.value
    assert readout_number(readout, "input side first: <b>") == costs.forward_multiplications
    assert readout_number(readout, "loss side first: <b>") == costs.reverse_multiplications
    assert "vector-Jacobian product" in readout


@pytest.mark.parametrize("map_name", list(PLANE_MAPS))
def test_jacobian_explorer_keeps_the_largest_square_inside_the_axes_at_every_corner(map_name):
    explorer = jacobian_explorer(map_name)
    controls = explorer.controls
    controls["size"].value = controls["size"].max
    ax_in, ax_out = explorer.view.figure.axes[:2]
    for x1 in (controls["x1"].min, controls["x1"].max):
        for x2 in (controls["x2"].min, controls["x2"].max):
            controls["x1"].value, controls["x2"].value = x1, x2
            square, image = ax_in.patches[0].get_xy(), ax_out.lines[-1].get_xydata()
            for ax, points in ((ax_in, square), (ax_out, image)):
                (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
                assert x_low <= points[:, 0].min() and points[:, 0].max() <= x_high
                assert y_low <= points[:, 1].min() and points[:, 1].max() <= y_high


@pytest.mark.parametrize("map_name", list(PLANE_MAPS))
def test_jacobian_explorer_square_is_centred_so_its_area_ratio_is_close_to_det_j(map_name):
    explorer = jacobian_explorer(map_name)  # default δ = 0.25: the error is O(δ²)
    readout = explorer.readout.value
    det = readout_number(readout, "det J =")
    ratio = readout_number(readout, "area of f(square) / δ² =")
    assert abs(ratio - det) <= 0.05 * abs(det), (ratio, det)
    point = np.array([explorer.controls["x1"].value, explorer.controls["x2"].value])
    centre = explorer.view.figure.axes[0].patches[0].get_xy()[:4].mean(axis=0)
    assert np.allclose(centre, point)


def test_chain_cost_explorer_says_one_multiplication_in_the_singular():
    explorer = chain_cost_explorer(length=2, input_width=1, hidden_width=1, output_width=1)
    readout = explorer.readout.value
    assert "<b>1</b> multiplication," in readout and "1</b> multiplications" not in readout

