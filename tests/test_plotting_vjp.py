"""Pictures of 04-efficient-vjp (utils/plotting/vjp.py): the measured scaling of both routes, and
dL/dX drawn as the weighted sum of the blocks of dC/dX."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils import matmul_jacobian
from utils.costs import format_bytes
from utils.plotting import plot_block_combination, plot_route_scaling, plot_tensor_memory
from utils.routes import RouteMeasurement, measure_routes

SIZES = np.array([4, 8, 16, 32, 64])
LIMIT = 8 * 32**4  # the tensor for n = 64 is over it: NaN, as measure_routes leaves it


def synthetic_measurement(tensor_skipped=True, limit=LIMIT):
    """Costs with known exponents (tensor n⁴, VJP n³ time and n² memory) and a little noise."""
    noise = np.random.default_rng(0).uniform(0.9, 1.1, size=(4, len(SIZES)))
    n = SIZES.astype(float)
    tensor_seconds, tensor_bytes = 1e-9 * n**4 * noise[0], 8 * n**4 * noise[1]
    if tensor_skipped:
        tensor_seconds[-1] = tensor_bytes[-1] = np.nan
    return RouteMeasurement(SIZES, tensor_seconds, 1e-9 * n**3 * noise[2], tensor_bytes,
                            8 * n**2 * noise[3], tensor_max_bytes=limit)


def fitted_slope(measurement, name, smallest):
    values = getattr(measurement, name)
    keep = (measurement.sizes >= smallest) & np.isfinite(values)
    return np.polyfit(np.log(measurement.sizes[keep]), np.log(values[keep]), 1)[0]


def route_axes():
    return Figure().subplots(1, 2)


# --- plot_route_scaling -------------------------------------------------------------------------

@pytest.mark.parametrize("smallest", [4, 16])
def test_route_scaling_returns_and_shows_the_slopes_fitted_from_smallest_on(smallest):
    ax_time, ax_memory = route_axes()
    measurement = synthetic_measurement()
    slopes = plot_route_scaling(ax_time, ax_memory, measurement, smallest=smallest)
    for name, value in slopes.items():
        assert value == pytest.approx(fitted_slope(measurement, name, smallest))
    for ax, unit in ((ax_time, "seconds"), (ax_memory, "bytes")):
        tensor, vjp = ax.get_lines()[:2]
        assert tensor.get_label() == f"tensor route: slope {slopes[f'tensor_{unit}']:.1f}"
        assert vjp.get_label() == f"VJP route: slope {slopes[f'vjp_{unit}']:.1f}"
        assert f"n ≥ {smallest}" in ax.get_legend().get_title().get_text()
        verticals = [line.get_xdata()[0] for line in ax.get_lines()[2:]]
        assert verticals == [smallest]


def test_route_scaling_draws_the_measured_values_on_log_axes():
    ax_time, ax_memory = route_axes()
    measurement = synthetic_measurement()
    plot_route_scaling(ax_time, ax_memory, measurement, smallest=8)
    for ax, unit in ((ax_time, "seconds"), (ax_memory, "bytes")):
        assert ax.get_xscale() == ax.get_yscale() == "log"
        tensor, vjp = ax.get_lines()[:2]
        assert np.array_equal(tensor.get_xdata(), SIZES)
        assert np.allclose(tensor.get_ydata(), getattr(measurement, f"tensor_{unit}"),
                           equal_nan=True)
        assert np.allclose(vjp.get_ydata(), getattr(measurement, f"vjp_{unit}"))


def test_route_scaling_marks_where_the_tensor_was_not_tried():
    ax_time, ax_memory = route_axes()
    measurement = synthetic_measurement()
    plot_route_scaling(ax_time, ax_memory, measurement, smallest=8)
    for ax, unit in ((ax_time, "seconds"), (ax_memory, "bytes")):
        (note,) = ax.texts
        assert note.get_text().startswith("n > 32:")
        assert format_bytes(LIMIT) in note.get_text()
        assert note.xy == (32, getattr(measurement, f"tensor_{unit}")[3])


def test_route_scaling_labels_only_the_time_ticks_inside_the_measured_range():
    ax_time, ax_memory = route_axes()
    measurement = synthetic_measurement()
    plot_route_scaling(ax_time, ax_memory, measurement, smallest=8)
    seconds = np.concatenate([measurement.tensor_seconds, measurement.vjp_seconds])
    low, high = np.nanmin(seconds), np.nanmax(seconds)
    ticks = ax_time.get_yticks()
    assert len(ticks) and all(low <= t <= high for t in ticks)
    decades = [10.0**k for k in range(-6, 2) if low <= 10.0**k <= high]
    assert list(ticks) == pytest.approx(decades)
    assert [t.get_text() for t in ax_memory.get_yticklabels()] == ["1 KiB", "1 MiB", "1 GiB"]


def test_route_scaling_claims_no_limit_when_every_size_was_measured():
    ax_time, ax_memory = route_axes()
    limit = 100 * LIMIT  # the tensor for n = 65 (8 · 65⁴ bytes) would fit too
    measurement = synthetic_measurement(tensor_skipped=False, limit=limit)
    plot_route_scaling(ax_time, ax_memory, measurement, smallest=8)
    notes = [t.get_text() for ax in (ax_time, ax_memory) for t in ax.texts]
    assert not any("measuring limit" in note for note in notes), notes


# --- plot_block_combination ---------------------------------------------------------------------

rng = np.random.default_rng(1)
A = rng.integers(-3, 4, size=(2, 3)).astype(float)
B = rng.integers(-3, 4, size=(3, 2)).astype(float)
dL_dC = np.array([[1.0, -2.0], [0.5, 3.0]])


@pytest.mark.parametrize("wrt, expected", [("A", dL_dC @ B.T), ("B", A.T @ dL_dC)])
def test_block_combination_sums_the_weighted_blocks_to_the_vjp(wrt, expected):
    axes = Figure().subplots(1, 5)
    dC_dX = matmul_jacobian(A, B, wrt=wrt)
    result = plot_block_combination(axes, dL_dC, dC_dX, wrt=wrt)
    assert np.allclose(result, expected)
    for ax, (i, j) in zip(axes[:-1], np.ndindex(2, 2), strict=True):
        (image,) = ax.images
        assert np.array_equal(image.get_array(), dC_dX[i, j])
    assert np.allclose(axes[-1].images[0].get_array(), expected)
    assert axes[-1].get_title() == f"= dL/d{wrt}"


def test_block_combination_panels_share_one_scale_centred_on_zero():
    axes = Figure().subplots(1, 5)
    dC_dA = matmul_jacobian(A, B)
    result = plot_block_combination(axes, dL_dC, dC_dA)
    limit = max(np.abs(dC_dA).max(), np.abs(result).max())
    assert {ax.images[0].get_clim() for ax in axes} == {(-limit, limit)}


def test_block_combination_titles_each_block_with_its_weight_and_entry():
    axes = Figure().subplots(1, 5)
    plot_block_combination(axes, dL_dC, matmul_jacobian(A, B), wrt="A")
    titles = [ax.get_title() for ax in axes[:-1]]
    assert titles[0] == "1 ×\n∂c₁₁/∂A"
    assert titles[1:] == ["+ -2 ×\n∂c₁₂/∂A", "+ 0.5 ×\n∂c₂₁/∂A", "+ 3 ×\n∂c₂₂/∂A"]
    names = ["w₁₁", "w₁₂", "w₂₁", "w₂₂"]
    axes = Figure().subplots(1, 5)
    plot_block_combination(axes, dL_dC, matmul_jacobian(A, B), weight_names=names)
    assert [ax.get_title().split(" ×")[0].removeprefix("+ ") for ax in axes[:-1]] == names
    assert all(not ax.get_xticks().size and not ax.get_yticks().size for ax in axes)


def test_block_combination_refuses_mismatched_shapes_and_axes():
    axes = Figure().subplots(1, 5)
    with pytest.raises(ValueError, match=r"need dC_dX of shape \(2, 2\).*got dC_dX \(3, 2, 3, 2\)"):
        plot_block_combination(axes, dL_dC, np.zeros((3, 2, 3, 2)))
    with pytest.raises(ValueError, match=r"5 axes; got .* and 4 axes"):
        plot_block_combination(axes[:4], dL_dC, matmul_jacobian(A, B))


def test_block_combination_refuses_a_vector_dL_dC_clearly():
    axes = Figure().subplots(1, 4)
    with pytest.raises(ValueError, match=r"dL_dC"):
        plot_block_combination(axes, np.ones(3), np.ones((3, 2, 2)))


def test_route_plot_names_the_measuring_limit_and_memory_plot_the_budget():
    figure = Figure()
    ax_time, ax_memory, ax_budget = figure.subplots(1, 3)
    result = measure_routes([8, 16, 24], repeats=1, tensor_max_bytes=8 * 16**4)
    plot_route_scaling(ax_time, ax_memory, result, smallest=8)
    notes = [text.get_text() for text in ax_time.texts]
    assert any("over the\n512.0 KiB measuring limit" in note for note in notes), notes
    plot_tensor_memory(ax_budget, [1, 10, 100], budget=2**29)
    assert any("512.0 MiB" in text.get_text() for text in ax_budget.texts)


def test_block_combination_picture_sums_the_weighted_blocks():
    from utils.plotting import plot_block_combination

    figure = Figure()
    axes = figure.subplots(1, 5)
    dL_dC = np.array([[1.0, -2.0], [0.5, 3.0]])
    B = np.array([[1.0, 2.0], [3.0, 4.0]])
    dC_dA = matmul_jacobian(np.ones((2, 2)), B)
    result = plot_block_combination(axes, dL_dC, dC_dA)
    assert np.allclose(result, dL_dC @ B.T)
    assert np.allclose(axes[-1].images[0].get_array(), dL_dC @ B.T)
    assert "∂c₂₁/∂A" in axes[2].get_title()
    # the panels share one colour scale (up to 13.5), so the text colour follows it: the
    # block's 3 and 4 sit on pale cells (black text), only the sum's 13.5 on a dark one
    colours = {text.get_text(): text.get_color() for ax in axes for text in ax.texts}
    assert colours["3"] == colours["4"] == "black" and colours["13.5"] == "white", colours
    with pytest.raises(ValueError, match="5 axes"):
        plot_block_combination(axes[:3], dL_dC, dC_dA)
