"""The two routes to dL/dX for C = A @ B, run and measured: time and peak memory against size.

    tensor route: build dC/dX (4-D), then dL/dX = sum_ij dL/dc_ij * dc_ij/dX
    VJP route:    dL/dA = dL/dC @ B.T   or   dL/dB = A.T @ dL/dC

Measurements are real: wall-clock time per call (best of several repeats, numpy's BLAS held to
one thread so a busy machine's thread scheduling does not swamp the work) and the peak of the
memory numpy allocates while the route runs (numpy reports its buffers to `tracemalloc`).
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from .chain import MAX_SECONDS, single_blas_thread
from .costs import DEFAULT_MAX_BYTES, check_memory, check_work, matmul_costs
from .matmul import chain_rule_via_tensor, matmul_jacobian
from .validation import (
    as_float_array,
    as_matrix,
    check_count,
    check_finite,
    check_function,
    check_matmul_shapes,
    check_max_bytes,
    check_number,
    check_wrt,
)

MAX_REPEATS = 100  # timings per route and size in measure_routes: the best of 100 is plenty


def tensor_route(dL_dC, A, B, wrt: str = "A", max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """dL/dX through the 4-D tensor dC/dX: correct, and wasteful."""
    dL_dC, A, B = check_route_inputs(dL_dC, A, B, wrt)
    return chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, wrt, max_bytes=max_bytes))


def check_route_inputs(dL_dC, A, B, wrt: str):
    """A, B as matrices that multiply, dL_dC shaped like C = A @ B, wrt 'A' or 'B'."""
    A, B = as_matrix(A, "A"), as_matrix(B, "B")
    check_matmul_shapes(A, B)
    check_wrt(wrt)
    dL_dC = as_float_array(dL_dC, "dL_dC")
    if dL_dC.shape != (A.shape[0], B.shape[1]):
        raise ValueError(f"dL_dC must have the shape of C = A @ B, (A's rows, B's columns) = "
                         f"{(A.shape[0], B.shape[1])} for A {A.shape} and B {B.shape}; got "
                         f"{dL_dC.shape}")
    return dL_dC, A, B


def vjp_route(dL_dC, A, B, wrt: str = "A") -> np.ndarray:
    """dL/dX as one matrix product: dL/dC @ B.T for X = A, A.T @ dL/dC for X = B."""
    dL_dC, A, B = check_route_inputs(dL_dC, A, B, wrt)
    return dL_dC @ B.T if wrt == "A" else A.T @ dL_dC


def best_time(run, repeats: int = 3, min_seconds: float = 2e-3) -> float:
    """Seconds per call of `run()`: the best of `repeats` timings, each long enough to read."""
    check_function(run, "run", "a function of no arguments")
    repeats = check_count(repeats, "repeats")
    min_seconds = check_number(min_seconds, "min_seconds", high=MAX_SECONDS, high_open=False)
    if repeats * min_seconds > MAX_SECONDS:
        raise ValueError(f"repeats = {repeats:,} timings of min_seconds = {min_seconds:g} s each "
                         f"would take {repeats * min_seconds:,.0f} s, over {MAX_SECONDS:g} s")
    start = time.perf_counter()
    run()
    once = max(time.perf_counter() - start, 1e-9)
    loops = max(1, int(np.ceil(min_seconds / once)))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            run()
        best = min(best, (time.perf_counter() - start) / loops)
    return best


def peak_bytes(run) -> int:
    """The most memory numpy had allocated at once while `run()` ran, beyond what was before."""
    check_function(run, "run", "a function of no arguments")
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return max(0, peak - before)


def fit_slope(x, y) -> float:
    """The slope of log y against log x: y ~ x**slope."""
    x, y = check_finite(as_float_array(x, "x"), "x"), check_finite(as_float_array(y, "y"), "y")
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"x and y must be 1-D of the same length >= 2; got shapes "
                         f"{x.shape} and {y.shape}")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("a log-log slope needs positive x and y")
    if np.ptp(np.log(x)) == 0:
        raise ValueError(f"x must hold at least two different values for a slope; got {x}")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@dataclass(frozen=True)
class RouteMeasurement:
    """Time and peak memory of both routes for square n x n matrices, one entry per n.

    Sizes where the tensor was over the measuring limit `tensor_max_bytes` hold NaN in the
    tensor columns.
    """

    sizes: np.ndarray
    tensor_seconds: np.ndarray
    vjp_seconds: np.ndarray
    tensor_bytes: np.ndarray
    vjp_bytes: np.ndarray
    tensor_max_bytes: int = 160 * 2**20

    def __post_init__(self):  # one number per size in every column, NaN only where skipped
        sizes = as_float_array(self.sizes, "sizes")
        for name in ("tensor_seconds", "vjp_seconds", "tensor_bytes", "vjp_bytes"):
            column = as_float_array(getattr(self, name), name)
            if column.shape != sizes.shape or sizes.ndim != 1:
                raise ValueError(f"{name} must hold one number per size, shape {sizes.shape}; "
                                 f"got {column.shape}")
            check_finite(column, name, allow=() if name.startswith("vjp") else (np.nan,))

    def slopes(self, smallest: int = 1) -> dict:
        """Log-log slopes (the exponent k in cost ~ n**k), fitted on sizes >= `smallest`."""
        slopes = {}
        for name in ("tensor_seconds", "vjp_seconds", "tensor_bytes", "vjp_bytes"):
            values = getattr(self, name).astype(float)
            keep = (self.sizes >= smallest) & np.isfinite(values)
            if keep.sum() < 2:
                raise ValueError(f"need at least two measured sizes >= {smallest} for {name}; "
                                 f"sizes are {self.sizes.tolist()}")
            if np.any(values[keep] <= 0):
                raise ValueError(f"{name} must be positive to fit a log-log slope; got "
                                 f"{values.tolist()}")
            slopes[name] = fit_slope(self.sizes[keep], values[keep])
        return slopes


def measure_routes(sizes, wrt: str = "A", repeats: int = 3, seed: int = 0,
                   tensor_max_bytes: int = 160 * 2**20, on_progress=None) -> RouteMeasurement:
    """Run both routes for n x n matrices A, B, dL/dC at each n; `on_progress(k)` after each.

    The tensor route is skipped (NaN) where dC/dX would exceed `tensor_max_bytes`. Times are
    taken with numpy's BLAS on one thread (`utils.chain.single_blas_thread`).
    """
    if isinstance(sizes, (str, bytes, dict)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of at least two whole numbers >= 1; got "
                        f"{sizes!r:.40}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must hold at least two whole numbers (to fit a slope); got "
                         f"{sizes!r:.40}")
    sizes = np.array([check_count(n, f"sizes[{k}]") for k, n in enumerate(sizes)])
    check_wrt(wrt)
    repeats = check_count(repeats, "repeats", maximum=MAX_REPEATS)
    n = int(sizes.max())  # A, B, dL/dC and the gradient, n x n each, at the largest size
    check_memory(4 * n * n * 8, f"measure_routes at the largest of sizes, n = {n:,},")
    check_work(2 * repeats * n**3, f"measure_routes with repeats = {repeats} at the largest "
                                   f"of sizes, n = {n:,},")
    tensor_max_bytes = check_max_bytes(tensor_max_bytes, "tensor_max_bytes")
    if on_progress is not None:
        check_function(on_progress, "on_progress", "a function of the number of sizes done")
    rng = np.random.default_rng(check_count(seed, "seed", minimum=0))
    rows = []
    with single_blas_thread():
        for k, n in enumerate(sizes.tolist()):
            rows.append(_measure_one(n, rng, wrt, repeats, tensor_max_bytes))
            if on_progress is not None:
                on_progress(k + 1)
    columns = np.array(rows, dtype=float).T
    return RouteMeasurement(sizes, columns[0], columns[1], columns[2], columns[3],
                            tensor_max_bytes)


def _measure_one(n: int, rng, wrt: str, repeats: int, tensor_max_bytes: int) -> tuple:
    """(tensor seconds, VJP seconds, tensor peak bytes, VJP peak bytes) for n x n matrices."""
    A, B, dL_dC = (rng.standard_normal((n, n)) for _ in range(3))

    def via_tensor():
        return tensor_route(dL_dC, A, B, wrt)

    def via_vjp():
        return vjp_route(dL_dC, A, B, wrt)

    if matmul_costs(n, n, n, wrt).tensor_bytes <= tensor_max_bytes:
        tensor_time, tensor_peak = best_time(via_tensor, repeats), peak_bytes(via_tensor)
    else:
        tensor_time = tensor_peak = np.nan
    return tensor_time, best_time(via_vjp, repeats), tensor_peak, peak_bytes(via_vjp)
