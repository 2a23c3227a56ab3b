"""Forward mode: push a direction v through f alongside its value, J·v without forming J.

A Dual carries a value and its tangent (the derivative of the value along v). Each primitive
maps its arguments' tangents to its output's by its JVP rules (jvps.py). One pass gives one
column combination J·v, so a full Jacobian costs one pass per input entry, where reverse mode
costs one per output entry: forward mode wins for few inputs, reverse for a scalar loss.
"""

from __future__ import annotations

import numpy as np

from .tracing import Box, check_rule_shape, new_level, shape_of
from .validation import as_float_array, describe


class Dual(Box):
    """A value and its tangent, d(value) along the direction the trace started with."""

    def __init__(self, value, tangent, level: int):
        super().__init__(value, level)
        self.tangent = tangent

    @classmethod
    def lift(cls, primitive, ans, args, values, kwargs, level):
        tangent = None
        for argnum, a in enumerate(args):
            if isinstance(a, Dual) and a.level == level:
                rule = primitive.rule("JVP", argnum)
                part = rule(a.tangent, ans, *values, **kwargs)
                check_rule_shape(primitive, "JVP", argnum, part, shape_of(ans))
                tangent = part if tangent is None else tangent + part
        return cls(ans, tangent, level)

    def __repr__(self) -> str:
        return f"Dual(shape {self.shape})"


def jvp(f, x, v):
    """(f(x), J·v): f's value and its derivative at x along v (like jax.jvp), in one pass."""
    from .autodiff import function_name, refuse_untraced
    if not callable(f):
        raise TypeError(f"jvp needs a function f; got {describe(f)}")
    if not isinstance(x, Box):
        x = np.asarray(as_float_array(x, "x"), dtype=float)
    if not isinstance(v, Box):
        v = np.asarray(as_float_array(v, "v"), dtype=float)
    if shape_of(v) != shape_of(x):
        raise ValueError(f"jvp needs a direction v shaped like x {shape_of(x)}; got v of shape "
                         f"{shape_of(v)} (for {function_name(f)})")
    level = new_level()
    out = f(Dual(x, v, level))
    refuse_untraced(f, out, level, "jvp")
    return out.value, out.tangent


def jacobian_forward(f, x) -> np.ndarray:
    """The Jacobian of f at x, one forward pass per input entry; shape f(x).shape + x.shape."""
    x = np.asarray(as_float_array(x, "x"), dtype=float)
    if x.size == 0:  # no entries, no columns; one pass still checks f and gives the output shape
        return np.zeros(np.shape(jvp(f, x, x)[0]) + x.shape)
    columns = []
    for i in range(x.size):
        direction = np.zeros(x.size)
        direction[i] = 1.0
        columns.append(np.asarray(jvp(f, x, direction.reshape(x.shape))[1]))
    return np.stack(columns, axis=-1).reshape(columns[0].shape + x.shape)
