"""Finite-difference Jacobians, with the shape convention output.shape + input.shape."""

from __future__ import annotations

import numpy as np

from .costs import DEFAULT_MAX_BYTES, format_bytes
from .validation import (
    as_float_array,
    check_count,
    check_function,
    check_max_bytes,
    describe,
    private_copy,
)

# 2 evaluations of f per input entry: 20,001 calls is seconds for a small f, hours for a big one
DEFAULT_MAX_EVALUATIONS = 20_001


def default_step(x: np.ndarray) -> np.ndarray:
    """Central differences err by O(h^2) truncation + O(eps/h) round-off: best h ~ eps^(1/3)."""
    x = as_float_array(x, "x")
    return np.finfo(x.dtype).eps ** (1 / 3) * np.maximum(1.0, np.abs(x))


def _evaluate(f, point: np.ndarray, dtype) -> np.ndarray:
    """f on a private copy of point, its result copied: views and in-place edits stay harmless."""
    return np.array(as_float_array(f(point.copy()), "f(x)"), dtype=dtype)  # np.array copies


def _check_step(eps, x: np.ndarray) -> np.ndarray:
    if eps is None:
        return default_step(x)
    if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating, np.integer)):
        raise TypeError(f"eps must be a positive number or None; got {describe(eps)}")
    try:
        step = float(eps)
    except OverflowError:  # a whole number past the floats: 10**400
        step = np.inf
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"eps must be a positive finite step; got {eps!r:.40}")
    return np.full(x.shape, eps, dtype=x.dtype)


def numerical_jacobian(f, x, eps=None, max_bytes: int = DEFAULT_MAX_BYTES,
                       max_evaluations: int = DEFAULT_MAX_EVALUATIONS) -> np.ndarray:
    """Central-difference Jacobian of f at x, shape f(x).shape + x.shape.

    eps is the step: None for a step scaled to each entry of x, or a positive number. f is
    called 2 * x.size + 1 times, always on a fresh copy of the point, and what it returns is
    copied, so an f that returns (a view of) its input or changes it in place is still right.
    More than max_evaluations calls are refused before the loop starts.
    """
    check_function(f, "f", "a function of one array")
    max_bytes = check_max_bytes(max_bytes)
    x = private_copy(x, "x")  # C-ordered: flat_x below is a view, nudged entry by entry
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x must hold finite numbers; got NaN or inf at index "
                         f"{tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])}")
    max_evaluations = check_count(max_evaluations, "max_evaluations")
    steps = _check_step(eps, x)
    y = _evaluate(f, x, None)
    dtype = np.result_type(y, x)
    n_bytes = y.size * x.size * dtype.itemsize
    if n_bytes > max_bytes:
        raise ValueError(f"the Jacobian of an output of shape {y.shape} by an input of shape "
                         f"{x.shape} would take {format_bytes(n_bytes)}, over max_bytes = "
                         f"{format_bytes(max_bytes)}; use a smaller input")
    if 2 * x.size + 1 > max_evaluations:
        raise ValueError(f"a finite-difference Jacobian by an input of shape {x.shape} needs "
                         f"{2 * x.size + 1:,} evaluations of f, over max_evaluations = "
                         f"{max_evaluations:,}. For the gradient of a loss use a VJP (a layer's "
                         f"backward, or utils.autodiff.grad), which costs about one evaluation; "
                         f"or pass a larger max_evaluations if you mean to wait")
    jacobian = np.empty((y.size, x.size), dtype=dtype)
    flat_x, flat_steps = x.reshape(-1), steps.reshape(-1)
    for j in range(x.size):  # one pair of evaluations per input entry: that is the method
        original = flat_x[j]
        flat_x[j] = original + flat_steps[j]
        h_plus = flat_x[j] - original  # the step actually taken, after rounding
        f_plus = _evaluate(f, x, dtype)
        flat_x[j] = original - flat_steps[j]
        h_minus = original - flat_x[j]
        f_minus = _evaluate(f, x, dtype)
        flat_x[j] = original
        if f_plus.shape != y.shape or f_minus.shape != y.shape:
            raise ValueError(f"f must return the same shape for every input; got {y.shape} at x "
                             f"and {f_plus.shape}/{f_minus.shape} at a nudged x")
        width, where = h_plus + h_minus, tuple(int(i) for i in np.unravel_index(j, x.shape))
        if not np.isfinite(width) or width <= 0:
            raise ValueError(f"the step at input index {where} rounds to "
                             f"nothing: x = {original:.6g} + {flat_steps[j]:.3g} equals x in "
                             f"{x.dtype}; pass a larger eps (or None for a step scaled to x)")
        column = (f_plus - f_minus) / width
        if not np.all(np.isfinite(column)):
            raise ValueError(f"f gave NaN or inf when input index "
                             f"{where} was nudged by ±{width / 2:.3g} "
                             f"(x = {original:.6g}): f is not differentiable there, or the step "
                             f"leaves its domain; try another x or a smaller eps")
        jacobian[:, j] = column.reshape(-1)
    return jacobian.reshape(y.shape + x.shape)
