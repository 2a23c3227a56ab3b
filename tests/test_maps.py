"""utils.maps: the plane maps' Jacobians agree with finite differences; the area helpers."""

from __future__ import annotations

import numpy as np
import pytest

from utils import numerical_jacobian
from utils.maps import PLANE_MAPS, enclosed_area, grid_lines, square_outline


@pytest.mark.parametrize("name", list(PLANE_MAPS))
def test_jacobians_agree_with_finite_differences(name):
    plane_map = PLANE_MAPS[name]
    rng = np.random.default_rng(0)
    (x_low, x_high), (y_low, y_high) = plane_map.domain
    for _ in range(5):
        point = np.array([rng.uniform(x_low, x_high), rng.uniform(y_low, y_high)])
        assert np.allclose(plane_map.jacobian(point), numerical_jacobian(plane_map, point))


@pytest.mark.parametrize("name", list(PLANE_MAPS))
def test_default_point_lies_in_the_domain(name):
    plane_map = PLANE_MAPS[name]
    for value, (low, high) in zip(plane_map.default_point, plane_map.domain, strict=True):
        assert low <= value <= high


@pytest.mark.parametrize("name", list(PLANE_MAPS))
def test_image_of_a_small_square_has_area_det_j_times_its_area(name):
    plane_map = PLANE_MAPS[name]
    point, size = np.array(plane_map.default_point), 1e-3
    area = enclosed_area(plane_map(square_outline(point, size)))
    assert area / size**2 == pytest.approx(np.linalg.det(plane_map.jacobian(point)), rel=1e-2)


def test_square_outline_is_closed_and_has_the_right_area():
    outline = square_outline((1.0, 2.0), 0.5)
    assert np.array_equal(outline[:, 0], outline[:, -1])
    assert enclosed_area(outline) == pytest.approx(0.25)
    assert enclosed_area(outline[:, ::-1]) == pytest.approx(-0.25)


def test_grid_lines_cover_the_domain():
    lines = grid_lines(((0.0, 1.0), (-2.0, 2.0)), lines=3, samples=10)
    assert len(lines) == 6 and all(line.shape == (2, 10) for line in lines)
    points = np.concatenate(lines, axis=1)
    assert np.allclose(points.min(axis=1), [0.0, -2.0])
    assert np.allclose(points.max(axis=1), [1.0, 2.0])


def test_centred_square_outline_has_its_centre_at_the_point():
    outline = square_outline((1.0, 2.0), 0.5, centred=True)
    assert np.allclose(outline[:, :-1].mean(axis=1), (1.0, 2.0))
    assert np.isclose(enclosed_area(outline), 0.25)
    assert np.allclose(outline[:, 0], (0.75, 1.75))  # starts at the bottom-left corner
