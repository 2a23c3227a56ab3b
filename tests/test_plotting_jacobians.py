"""Pictures of 01-jacobians (utils/plotting/jacobians.py): the finite-difference error against the
step, and a plane map's warp with its Jacobian's parallelogram."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils import numerical_jacobian
from utils.maps import PLANE_MAPS, grid_lines, square_outline
from utils.plotting import E1_COLOUR, E2_COLOUR, WarpPicture, plot_step_errors

EPS = float(np.finfo(float).eps)
STEPS = np.logspace(-16, -1, 61)
X0 = 1.0


def step_errors():
    """Errors of the one-sided and central differences of sin at 1 (the notebook's data)."""
    one_sided = np.abs((np.sin(X0 + STEPS) - np.sin(X0)) / STEPS - np.cos(X0))
    central = np.abs((np.sin(X0 + STEPS) - np.sin(X0 - STEPS)) / (2 * STEPS) - np.cos(X0))
    return {"one-sided": one_sided, "central": central}


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def loglog_slope(line):
    return np.polyfit(np.log(line.get_xdata()), np.log(line.get_ydata()), 1)[0]


# --- plot_step_errors ---------------------------------------------------------------------------

def test_step_errors_draws_each_curve_on_log_axes_with_zeros_lifted_below_eps():
    ax = Figure().add_subplot()
    errors = step_errors()
    errors["central"][40] = 0.0  # a step where the difference happens to be exact
    plot_step_errors(ax, STEPS, errors)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    lines = lines_by_label(ax)
    for label, values in errors.items():
        assert np.array_equal(lines[label].get_xdata(), STEPS)
        assert np.allclose(lines[label].get_ydata(), np.maximum(values, EPS / 10))
    assert lines["central"].get_ydata()[40] == EPS / 10, "a zero has no place on a log axis"


@pytest.mark.parametrize("label, power", [("one-sided", 1), ("central", 2)])
def test_truncation_guides_have_slope_h_or_h2_and_sit_5x_above_the_largest_step(label, power):
    ax = Figure().add_subplot()
    errors = step_errors()
    plot_step_errors(ax, STEPS, errors)
    name = "h" if power == 1 else "h²"
    guide = lines_by_label(ax)[f"∝ {name}: truncation (guide, 5× above)"]
    assert guide.get_linestyle() == "--"
    assert loglog_slope(guide) == pytest.approx(power)
    assert guide.get_xdata()[-1] == STEPS[-1]
    assert guide.get_ydata()[-1] == pytest.approx(5 * errors[label][-1])
    # right of the minimum only (from a third of the best step on), where truncation rules
    best = STEPS[np.argmin(np.maximum(errors[label], EPS / 10))]
    assert np.array_equal(guide.get_xdata(), STEPS[STEPS >= best / 3])


def test_round_off_guide_has_slope_minus_one_above_the_small_step_data():
    ax = Figure().add_subplot()
    errors = step_errors()
    plot_step_errors(ax, STEPS, errors)
    guide = lines_by_label(ax)["∝ ε/h: round-off (guide, 5× above)"]
    assert loglog_slope(guide) == pytest.approx(-1)
    assert np.array_equal(guide.get_xdata(), STEPS[STEPS <= 1e-4])
    tiny = STEPS[: np.count_nonzero(STEPS < 1e-12)]
    worst = max(np.median(v[STEPS < 1e-12] * tiny / EPS) for v in errors.values())
    assert np.allclose(guide.get_ydata()[: len(tiny)], 5 * worst * EPS / tiny)


def test_optimal_steps_are_marked_and_the_limits_show_the_smallest_error():
    ax = Figure().add_subplot()
    errors = step_errors()
    plot_step_errors(ax, STEPS, errors)
    verticals = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert verticals == pytest.approx([np.sqrt(EPS), EPS ** (1 / 3)])
    assert [t.get_text().splitlines()[0] for t in ax.texts] == ["h = √ε", "h = ε^(1/3)"]
    smallest = min(np.maximum(v, EPS / 10).min() for v in errors.values())
    assert ax.get_ylim() == pytest.approx((smallest / 10, 10))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"one-sided", "central"} <= set(legend)


def test_step_errors_can_draw_one_curve_alone():
    ax = Figure().add_subplot()
    plot_step_errors(ax, STEPS, {"central": step_errors()["central"]})
    labels = set(lines_by_label(ax))
    assert "central" in labels and "one-sided" not in labels
    assert not any("∝ h:" in label for label in labels)


# --- WarpPicture --------------------------------------------------------------------------------

def warp_picture(lines=5):
    figure = Figure()
    return WarpPicture(*figure.subplots(1, 3), lines=lines)


def polygon_corners(polygon):
    return np.asarray(polygon.get_xy())[:4]


@pytest.mark.parametrize("name", sorted(PLANE_MAPS))
def test_show_map_draws_the_grid_and_its_image(name):
    plane_map = PLANE_MAPS[name]
    picture = warp_picture()
    picture.show_map(plane_map)
    lines = grid_lines(plane_map.domain, 5)
    assert len(picture.grid_in) == len(lines) == 10
    for artist, line, image in zip(picture.grid_in, lines, picture.grid_out, strict=True):
        assert np.array_equal(np.vstack(artist.get_data()), line)
        assert np.allclose(np.vstack(image.get_data()), plane_map(line))
    for ax, paths in ((picture.ax_in, lines), (picture.ax_out, [plane_map(p) for p in lines])):
        points = np.concatenate(paths, axis=1)
        (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
        assert x_low < points[0].min() and points[0].max() < x_high
        assert y_low < points[1].min() and points[1].max() < y_high
    assert (picture.ax_in.get_xlabel(), picture.ax_in.get_ylabel()) == plane_map.input_names


def test_show_map_leaves_room_for_a_square_past_the_domain():
    plane_map = PLANE_MAPS["smooth warp"]
    picture = warp_picture()
    picture.show_map(plane_map, margin=0.5)
    (low, high), _ = plane_map.domain
    x_low, x_high = picture.ax_in.get_xlim()
    assert x_low < low - 0.5 and x_high > high + 0.5


@pytest.mark.parametrize("name", sorted(PLANE_MAPS))
def test_show_point_draws_the_square_its_image_and_the_jacobians_parallelogram(name):
    plane_map = PLANE_MAPS[name]
    picture = warp_picture()
    picture.show_map(plane_map)
    point, size = np.array(plane_map.default_point), 0.2
    jacobian, image_path, corners_out = picture.show_point(plane_map, point, size)
    # the Jacobian drawn is the one finite differences find
    assert np.allclose(jacobian, numerical_jacobian(plane_map, point), atol=1e-6)
    corners_in = point - size / 2 + size * np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    assert np.allclose(polygon_corners(picture.square), corners_in)
    assert np.allclose(np.vstack(picture.point_in.get_data()).ravel(), point)
    assert np.allclose(image_path, plane_map(square_outline(point, size, centred=True)))
    centre = plane_map(point)
    assert np.allclose(corners_out, centre + (corners_in - point) @ jacobian.T)
    for parallelogram, image, dot in zip(picture.parallelograms, picture.images,
                                         picture.points_out, strict=True):
        assert np.allclose(polygon_corners(parallelogram), corners_out)
        assert np.allclose(np.vstack(image.get_data()), image_path)
        assert np.allclose(np.vstack(dot.get_data()).ravel(), centre)


def test_the_coloured_edges_are_the_unit_steps_and_their_images_are_jacobian_columns():
    plane_map = PLANE_MAPS["complex square (x₁ + i x₂)²"]
    picture = warp_picture()
    point, size = np.array([1.0, 0.5]), 0.1
    jacobian, _, corners_out = picture.show_point(plane_map, point, size)
    corner = point - size / 2
    for edge, direction, colour in zip(picture.edges_in, np.eye(2), (E1_COLOUR, E2_COLOUR),
                                       strict=True):
        start, end = np.vstack(edge.get_data()).T
        assert np.allclose(start, corner) and np.allclose(end, corner + size * direction)
        assert edge.get_color() == colour
    assert len(picture.columns) == 4  # two in the output panel, two in the zoom
    for line, column, colour in zip(picture.columns, [*jacobian.T] * 2,
                                    [E1_COLOUR, E2_COLOUR] * 2, strict=True):
        start, end = np.vstack(line.get_data()).T
        assert np.allclose(start, corners_out[0])
        assert np.allclose(end, corners_out[0] + size * column)
        assert line.get_color() == colour


def test_the_zoom_shows_the_whole_image_and_parallelogram_which_meet_as_the_square_shrinks():
    plane_map = PLANE_MAPS["polar → Cartesian"]
    picture = warp_picture()
    point = np.array(plane_map.default_point)
    gaps = []
    for size in (0.2, 0.02):
        jacobian, image_path, corners_out = picture.show_point(plane_map, point, size)
        shown = np.concatenate([image_path, corners_out.T], axis=1)
        (x_low, x_high), (y_low, y_high) = picture.ax_zoom.get_xlim(), picture.ax_zoom.get_ylim()
        assert x_low < shown[0].min() and shown[0].max() < x_high
        assert y_low < shown[1].min() and shown[1].max() < y_high
        outline = square_outline(point, size, centred=True)
        linear = plane_map(point)[:, None] + jacobian @ (outline - point[:, None])
        gaps.append(np.abs(image_path - linear).max() / size)
    assert gaps[1] < gaps[0] / 5, "relative to the square, the gap must shrink like its side"


def test_moving_artists_are_the_ones_show_point_changes():
    plane_map = PLANE_MAPS["smooth warp"]
    picture = warp_picture()
    picture.show_map(plane_map)
    moving = picture.moving_artists()
    assert len(moving) == len({id(a) for a in moving}) == 14
    assert not any(a in moving for a in picture.grid_in + picture.grid_out)
    picture.show_point(plane_map, plane_map.default_point, 0.3)
    before = [np.copy(np.asarray(a.get_xy() if hasattr(a, "get_xy") else a.get_data(),
                                 dtype=float)) for a in moving]
    picture.show_point(plane_map, (1.0, 1.0), 0.2)
    after = [np.asarray(a.get_xy() if hasattr(a, "get_xy") else a.get_data(), dtype=float)
             for a in moving]
    assert all(not np.allclose(b, a) for b, a in zip(before, after, strict=True))
