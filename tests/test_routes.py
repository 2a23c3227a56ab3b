"""utils.routes (both routes to dL/dX, timed and measured) and the 03/04 plotting helpers."""

from __future__ import annotations

import numpy as np
import pytest

from utils import TensorTooLargeError, numerical_jacobian
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


