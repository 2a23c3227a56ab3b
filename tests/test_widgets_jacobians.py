"""The explorer of 01-jacobians (utils/widgets/jacobians.py): the numbers shown are the map's
Jacobian and determinant, and the square stays in view."""

from __future__ import annotations

import re

import numpy as np
import pytest
from explorer_driving import readout_number

from utils import numerical_jacobian
from utils.maps import PLANE_MAPS
from utils.widgets import (
    jacobian_explorer,
)


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
    # a small square's image has area close to |det J| Δ²
    assert readout_number(readout, "area of f(square) / Δ² =") == pytest.approx(det, rel=0.05)


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
    explorer = jacobian_explorer(map_name)  # default Δ = 0.25: the error is O(Δ²)
    readout = explorer.readout.value
    det = readout_number(readout, "det J =")
    ratio = readout_number(readout, "area of f(square) / Δ² =")
    assert abs(ratio - det) <= 0.05 * abs(det), (ratio, det)
    point = np.array([explorer.controls["x1"].value, explorer.controls["x2"].value])
    centre = explorer.view.figure.axes[0].patches[0].get_xy()[:4].mean(axis=0)
    assert np.allclose(centre, point)
