"""utils.routes (both routes to dL/dX, timed and measured) and the 03/04 plotting helpers."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.figure import Figure

from utils import TensorTooLargeError, matmul_jacobian, numerical_jacobian
from utils.plotting import (
    TensorPicture,
    block_layout,
    matrix_of_matrices,
    plot_route_scaling,
    plot_tensor_memory,
)
from utils.routes import (
    best_time,
    fit_slope,
    measure_routes,
    peak_bytes,
    tensor_route,
    vjp_route,
)


@pytest.mark.parametrize("wrt", ["A", "B"])
@pytest.mark.parametrize("shape", [(1, 1, 1), (2, 3, 4), (5, 1, 3)])
def test_both_routes_agree_with_finite_differences_of_a_loss(wrt, shape):
    m, n, p = shape
    rng = np.random.default_rng(1)
    A, B, T = rng.standard_normal((m, n)), rng.standard_normal((n, p)), rng.standard_normal((m, p))
    dL_dC = A @ B - T  # L = 0.5 * ||A B - T||^2

    def loss_of_x(X):  # L as a function of the operand we differentiate by
        C = X @ B if wrt == "A" else A @ X
        return 0.5 * np.sum((C - T) ** 2)

    expected = numerical_jacobian(loss_of_x, A if wrt == "A" else B)
    assert np.allclose(tensor_route(dL_dC, A, B, wrt), expected, atol=1e-7)
    assert np.allclose(vjp_route(dL_dC, A, B, wrt), expected, atol=1e-7)


def test_vjp_route_rejects_bad_input():
    A, B = np.ones((2, 3)), np.ones((3, 4))
    with pytest.raises(ValueError, match=r"dL_dC must have the shape of C = A @ B.* = "
                                         r"\(2, 4\) .*got \(4, 2\)"):
        vjp_route(np.ones((4, 2)), A, B)
    with pytest.raises(ValueError, match="wrt must be 'A' or 'B'"):
        vjp_route(np.ones((2, 4)), A, B, wrt="C")
    with pytest.raises(ValueError, match="A's columns"):
        vjp_route(np.ones((2, 4)), A, np.ones((2, 4)))


def test_tensor_route_keeps_the_memory_guard():
    A = np.ones((200, 200))
    with pytest.raises(TensorTooLargeError):
        tensor_route(np.ones((200, 200)), A, A, max_bytes=2**20)


def test_best_time_and_its_input_checks():
    seconds = best_time(lambda: sum(range(1000)), repeats=2, min_seconds=1e-4)
    assert 0 < seconds < 1
    with pytest.raises(TypeError, match="run must be a function"):
        best_time(42)
    with pytest.raises(ValueError, match="repeats must be a whole number >= 1"):
        best_time(lambda: None, repeats=0)


def test_peak_bytes_sees_a_known_allocation():
    n_bytes = 8 * 10**6
    peak = peak_bytes(lambda: np.ones(10**6))
    assert n_bytes <= peak < 1.2 * n_bytes
    assert peak_bytes(lambda: None) < 10_000


def test_fit_slope_recovers_a_power_law_and_checks_input():
    x = np.array([2.0, 4.0, 8.0, 16.0])
    assert fit_slope(x, 3 * x**2.5) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="same length"):
        fit_slope([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="positive"):
        fit_slope([1, 2], [0, 1])


def test_measure_routes_counts_memory_exactly_and_skips_what_is_over_budget():
    calls = []
    sizes = [16, 24, 32, 48]
    budget = 8 * 32**4  # the tensor for n = 48 is over it
    result = measure_routes(sizes, repeats=1, tensor_max_bytes=budget, on_progress=calls.append)
    assert calls == [1, 2, 3, 4]
    assert np.isnan(result.tensor_seconds[-1]) and np.isnan(result.tensor_bytes[-1])
    assert np.all(np.isfinite(result.vjp_seconds)) and np.all(result.vjp_bytes > 0)
    measured = result.tensor_bytes[:3]
    assert np.all(measured >= 8 * np.array(sizes[:3]) ** 4)  # at least the tensor itself
    assert np.all(measured < 1.5 * 8 * np.array(sizes[:3]) ** 4)
    slopes = result.slopes()
    assert slopes["tensor_bytes"] == pytest.approx(4, abs=0.2)
    assert slopes["vjp_bytes"] == pytest.approx(2, abs=0.3)


def test_measure_routes_rejects_bad_sizes():
    with pytest.raises(ValueError, match="at least two whole numbers"):
        measure_routes([8])
    with pytest.raises(TypeError, match=r"sizes\[0\] must be a whole number >= 1; got a float"):
        measure_routes([8.5, 9.0])
    with pytest.raises(ValueError, match="wrt must be"):
        measure_routes([2, 3], wrt="X")


# --- plotting helpers of notebooks 03 and 04 ---------------------------------------------------


def test_tensor_picture_changes_shape_in_place():
    figure = Figure()
    ax = figure.add_subplot()
    picture = TensorPicture(ax, 4, 4)
    rng = np.random.default_rng(0)
    for m, n, p in ((2, 3, 4), (4, 1, 1), (1, 2, 2)):
        tensor = matmul_jacobian(rng.standard_normal((m, n)), rng.standard_normal((n, p)))
        picture.show(tensor, highlight=(m - 1, p - 1))
        rows, cols = m * m, p * n
        assert picture.image.get_array().shape == (rows, cols)
        assert ax.get_xlim() == (-0.5, cols - 0.5) and ax.get_ylim() == (rows - 0.5, -0.5)
        assert sum(line.get_visible() for line in picture.row_lines) == m - 1
        assert sum(line.get_visible() for line in picture.col_lines) == p - 1
        assert picture.highlight.get_xy() == ((p - 1) * n - 0.5, (m - 1) * m - 0.5)
        assert len(ax.images) == 1  # updated, never redrawn
    with pytest.raises(ValueError, match="at most 4 x 4 blocks"):
        picture.show(np.zeros((5, 1, 1, 1)))


def test_matrix_of_matrices_and_memory_plot_draw():
    figure = Figure()
    ax1, ax2, ax3, ax4 = figure.subplots(1, 4)
    tensor = matmul_jacobian(np.eye(2), np.arange(1.0, 5.0).reshape(2, 2))
    image = matrix_of_matrices(ax1, tensor, title="t", annotate=True)
    assert np.array_equal(image.get_array(), block_layout(tensor))
    assert [t.get_text() for t in ax1.texts] == ["1", "3", "2", "4", "1", "3", "2", "4"]
    plot_tensor_memory(ax2, [1, 10, 100], budget=2**29)
    tensor_line = ax2.get_lines()[0]
    assert np.allclose(tensor_line.get_ydata(), 8 * np.array([1, 10, 100]) ** 4)
    with pytest.raises(ValueError, match="4-D"):
        matrix_of_matrices(ax1, np.zeros((2, 2)))
    result = measure_routes([8, 16, 24], repeats=1)
    slopes = plot_route_scaling(ax3, ax4, result, smallest=8)
    assert set(slopes) == {"tensor_seconds", "vjp_seconds", "tensor_bytes", "vjp_bytes"}
    figure.savefig(io.BytesIO(), format="png")


def test_measure_routes_times_on_one_blas_thread_and_keeps_its_limit(monkeypatch):
    from threadpoolctl import threadpool_info

    import utils.routes as routes

    seen = []
    original = routes._measure_one

    def spy(*args):
        seen.append([info["num_threads"] for info in threadpool_info()
                     if info["user_api"] == "blas"])
        return original(*args)

    monkeypatch.setattr(routes, "_measure_one", spy)
    result = routes.measure_routes([4, 8], repeats=1, tensor_max_bytes=2**20)
    assert seen and all(threads == [1] * len(threads) for threads in seen)
    assert result.tensor_max_bytes == 2**20


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
