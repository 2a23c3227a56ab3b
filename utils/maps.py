"""Smooth maps of the plane with their Jacobians: pictures of J as the best local linear map.

Each map takes points as an array of shape (2, ...) (x_1 values, x_2 values) and returns the
image points in the same layout, so a whole grid of lines is mapped in one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .costs import check_memory
from .validation import (
    as_float_array,
    as_matrix,
    check_count,
    check_finite,
    check_number,
    describe,
)

MAX_SAMPLES = 100_000  # points per line or side: far more than any picture can show
MAX_LINES = 1_000      # grid lines each way: a picture shows tens; each is a Python step


@dataclass(frozen=True)
class PlaneMap:
    """A map R^2 -> R^2 with its Jacobian, a domain to draw it on and a point to start at."""

    name: str
    formula: str                     # HTML, for readouts
    function: Callable               # (2, ...) -> (2, ...)
    jacobian: Callable               # point (2,) -> (2, 2), rows = outputs, columns = inputs
    domain: tuple                    # ((x1_low, x1_high), (x2_low, x2_high))
    default_point: tuple
    input_names: tuple = ("x₁", "x₂")

    def __call__(self, points):
        points = as_float_array(points, "points")
        if points.ndim == 0 or points.shape[0] != 2:
            raise ValueError(f"points must have shape (2, ...): x_1 values, then x_2 values; got "
                             f"shape {points.shape}")
        return self.function(points)


def _as_point(point) -> np.ndarray:
    """One point of the plane, shape (2,), where a Jacobian is taken."""
    point = as_float_array(point, "point")
    if point.shape != (2,):
        raise ValueError(f"point must be one point of the plane, shape (2,); got {point.shape}")
    return point


def _polar(points):
    r, theta = points
    return np.stack([r * np.cos(theta), r * np.sin(theta)])


def _polar_jacobian(point):
    r, theta = _as_point(point)
    return np.array([[np.cos(theta), -r * np.sin(theta)],
                     [np.sin(theta), r * np.cos(theta)]])


def _warp(points):
    x, y = points
    return np.stack([x + 0.5 * np.sin(1.5 * y), y + 0.5 * np.sin(1.5 * x)])


def _warp_jacobian(point):
    x, y = _as_point(point)
    return np.array([[1.0, 0.75 * np.cos(1.5 * y)],
                     [0.75 * np.cos(1.5 * x), 1.0]])


def _square(points):
    x, y = points  # (x + iy)² = (x² - y²) + i·2xy
    return np.stack([x**2 - y**2, 2 * x * y])


def _square_jacobian(point):
    x, y = _as_point(point)
    return np.array([[2 * x, -2 * y],
                     [2 * y, 2 * x]])


PLANE_MAPS = {
    "polar → Cartesian": PlaneMap(
        "polar → Cartesian", "(r, θ) ↦ (r cos θ, r sin θ)", _polar, _polar_jacobian,
        ((0.2, 2.0), (0.0, np.pi)), (1.2, 0.6), ("r", "θ")),
    "smooth warp": PlaneMap(
        "smooth warp", "(x₁, x₂) ↦ (x₁ + ½ sin 1.5x₂, x₂ + ½ sin 1.5x₁)", _warp, _warp_jacobian,
        ((-2.0, 2.0), (-2.0, 2.0)), (0.4, -0.5)),
    "complex square (x₁ + i x₂)²": PlaneMap(
        "complex square (x₁ + i x₂)²", "(x₁, x₂) ↦ (x₁² − x₂², 2x₁x₂)", _square,
        _square_jacobian, ((0.2, 1.6), (-1.2, 1.2)), (1.0, 0.5)),
}


def grid_lines(domain, lines: int = 9, samples: int = 60) -> list[np.ndarray]:
    """Lines of constant x_1 and of constant x_2 across the domain, each of shape (2, samples)."""
    domain = as_float_array(domain, "domain")
    if domain.shape != (2, 2) or not np.all(np.isfinite(domain)):
        raise ValueError(f"domain must be ((x1_low, x1_high), (x2_low, x2_high)) of finite "
                         f"numbers, shape (2, 2); got shape {domain.shape}")
    lines, samples = check_count(lines, "lines", 2), check_count(samples, "samples", 2)
    check_memory(2 * lines * 2 * samples * 8, f"grid_lines(lines={lines:,}, samples={samples:,}),"
                 f" 2 × {lines:,} lines of {samples:,} points,")  # the product first, then each
    check_count(lines, "lines", 2, MAX_LINES)
    check_count(samples, "samples", 2, MAX_SAMPLES)
    (x_low, x_high), (y_low, y_high) = domain
    xs, ys = np.linspace(x_low, x_high, lines), np.linspace(y_low, y_high, lines)
    along_x, along_y = np.linspace(x_low, x_high, samples), np.linspace(y_low, y_high, samples)
    return ([np.stack([np.full(samples, x), along_y]) for x in xs]
            + [np.stack([along_x, np.full(samples, y)]) for y in ys])


def square_outline(point, size: float, samples_per_side: int = 25,
                   centred: bool = False) -> np.ndarray:
    """The square spanned by size·e1 and size·e2 with its corner (or with `centred`, its centre)
    at `point`, as a closed (2, N) path, anticlockwise from the bottom-left corner."""
    point = _as_point(point)
    size = check_number(size, "size")
    samples_per_side = check_count(samples_per_side, "samples_per_side", 1, MAX_SAMPLES)
    if not isinstance(centred, (bool, np.bool_)):
        raise TypeError(f"centred must be True or False; got {describe(centred)}")
    if centred:
        point = point - size / 2
    t = np.linspace(0.0, 1.0, samples_per_side, endpoint=False)
    zero, one = np.zeros_like(t), np.ones_like(t)
    unit = np.concatenate([np.stack([t, zero]), np.stack([one, t]),
                           np.stack([1 - t, one]), np.stack([zero, 1 - t])], axis=1)
    outline = np.asarray(point, dtype=float)[:, None] + size * unit
    return np.concatenate([outline, outline[:, :1]], axis=1)


def enclosed_area(path) -> float:
    """Signed area inside a closed path (2, N) by the shoelace formula (positive anticlockwise)."""
    path = as_matrix(path, "path")
    if path.shape[0] != 2:
        raise ValueError(f"path must have shape (2, N): x on row 0, y on row 1; got "
                         f"{path.shape}")
    check_finite(path, "path")
    largest = np.abs(path).max()  # scaled to 1 first: x * y neither overflows nor underflows
    if largest == 0:
        return 0.0
    x, y = path / largest
    with np.errstate(over="ignore"):  # an area past 1.8e308 is infinite, and says so
        return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])) * largest * largest
