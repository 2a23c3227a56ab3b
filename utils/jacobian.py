"""Finite-difference Jacobians, with the shape convention output.shape + input.shape."""

from __future__ import annotations

import numpy as np

from .costs import DEFAULT_MAX_BYTES, format_bytes
from .validation import as_float_array, describe


def default_step(x: np.ndarray) -> np.ndarray:
    """Central differences err by O(h^2) truncation + O(eps/h) round-off: best h ~ eps^(1/3)."""
    return np.finfo(x.dtype).eps ** (1 / 3) * np.maximum(1.0, np.abs(x))


def numerical_jacobian(f, x, eps=None, max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """Central-difference Jacobian of f at x, shape f(x).shape + x.shape.

    eps is the step: None for a step scaled to each entry of x, or a positive number.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of one array; got {describe(f)}")
    x = np.array(as_float_array(x, "x"))  # a private copy we may nudge entry by entry
    if eps is None:
        steps = default_step(x)
    else:
        if isinstance(eps, bool) or not isinstance(eps, (int, float, np.floating, np.integer)):
            raise TypeError(f"eps must be a positive number or None; got {describe(eps)}")
        if not np.isfinite(eps) or eps <= 0:
            raise ValueError(f"eps must be a positive finite step; got {eps}")
        steps = np.full(x.shape, eps, dtype=x.dtype)
    y = as_float_array(f(x), "f(x)")
    n_bytes = y.size * x.size * np.result_type(y, x).itemsize
    if n_bytes > max_bytes:
        raise ValueError(f"the Jacobian of an output of shape {y.shape} by an input of shape "
                         f"{x.shape} would take {format_bytes(n_bytes)}, over max_bytes = "
                         f"{format_bytes(max_bytes)}; use a smaller input")
    jacobian = np.empty((y.size, x.size), dtype=np.result_type(y, x))
    flat_x, flat_steps = x.reshape(-1), steps.reshape(-1)
    for j in range(x.size):  # one pair of evaluations per input entry: that is the method
        original = flat_x[j]
        flat_x[j] = original + flat_steps[j]
        h_plus = flat_x[j] - original  # the step actually taken, after rounding
        f_plus = np.asarray(f(x), dtype=jacobian.dtype)
        flat_x[j] = original - flat_steps[j]
        h_minus = original - flat_x[j]
        f_minus = np.asarray(f(x), dtype=jacobian.dtype)
        flat_x[j] = original
        if f_plus.shape != y.shape or f_minus.shape != y.shape:
            raise ValueError(f"f must return the same shape for every input; got {y.shape} at x "
                             f"and {f_plus.shape}/{f_minus.shape} at a nudged x")
        jacobian[:, j] = ((f_plus - f_minus) / (h_plus + h_minus)).reshape(-1)
    return jacobian.reshape(y.shape + x.shape)
