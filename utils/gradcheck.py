"""Gradient checks: a layer's backward against finite differences of its forward.

backward(G) claims to return the VJP G · dy/dx (and G · dy/dparam for each parameter). The check
builds dy/dx by central differences (numerical_jacobian), contracts it with the same random G,
and compares: the Jacobian is built only here, on small inputs, to test the code that avoids it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .jacobian import default_step, numerical_jacobian
from .validation import (
    as_float_array,
    check_finite,
    check_function,
    check_number,
    private_copy,
)


class GradientCheckError(AssertionError):
    """backward disagrees with finite differences by more than the tolerance."""


def relative_error(analytic, numeric) -> float:
    """max |a - n| / max(|a|, |n|): scale-free, and 0 when both are exactly zero."""
    analytic = check_finite(as_float_array(analytic, "analytic"), "analytic")
    numeric = check_finite(as_float_array(numeric, "numeric"), "numeric")
    if analytic.shape != numeric.shape:
        raise ValueError(f"cannot compare analytic, a gradient of shape {analytic.shape}, with "
                         f"numeric, of shape {numeric.shape}: a gradient must have the shape of "
                         f"what it is for")
    scale = max(np.abs(analytic).max(initial=0.0), np.abs(numeric).max(initial=0.0))
    if scale == 0:
        return 0.0
    # divided first: 1e308 - (-1e308) would overflow, 2 does not
    return float(np.abs(analytic / scale - numeric / scale).max())


def numerical_vjp(f, x, grad_output) -> np.ndarray:
    """G · df/dx from the finite-difference Jacobian: sum over output entries of G * dy/dx."""
    check_function(f, "f", "a function of one array")
    G = as_float_array(grad_output, "grad_output")
    jacobian = numerical_jacobian(f, x)            # shape f(x).shape + x.shape
    if G.shape != jacobian.shape[:jacobian.ndim - np.ndim(x)]:
        raise ValueError(f"grad_output must have the shape of f(x), "
                         f"{jacobian.shape[:jacobian.ndim - np.ndim(x)]}; got {G.shape}")
    return np.tensordot(G, jacobian, axes=G.ndim)  # shape x.shape


@dataclass
class GradientCheck:
    """Relative error of every gradient a layer returned: 'input' and one per parameter."""

    layer: str
    errors: dict = field(default_factory=dict)
    tolerance: float = 1e-6

    @property
    def max_relative_error(self) -> float:
        return max(self.errors.values())

    @property
    def passed(self) -> bool:
        return self.max_relative_error <= self.tolerance

    def __repr__(self) -> str:
        parts = ", ".join(f"d/d{name} {error:.1e}" for name, error in self.errors.items())
        verdict = "ok" if self.passed else f"FAILED (tolerance {self.tolerance:.0e})"
        return f"{self.layer}: relative errors {parts}: {verdict}"


def _refuse_if_unresolvable(layer: str, name: str, analytic, point, y, grad_output, names: str,
                            tolerance: float) -> None:
    """A ValueError when rounding alone would make finite differences miss the tolerance.

    Each nudge of size h changes the output by about gradient * h, but the output itself is
    only known to eps * max|y|: at 1e300 (or with a tolerance of 1e-320) the comparison would
    fail a correct layer, so the check says it cannot tell instead.
    """
    gradient = np.abs(np.asarray(analytic, dtype=float)).max(initial=0.0)
    eps = np.finfo(np.float64).eps
    with np.errstate(over="ignore"):
        noise = (eps * np.abs(y).max(initial=0.0) / default_step(point).min(initial=np.inf)
                 * np.abs(grad_output).sum())
    if gradient > 0 and noise > tolerance * gradient:
        raise ValueError(f"finite differences cannot check {layer}'s gradient for {name!r} to "
                         f"tolerance = {tolerance:.1e} here: rounding in the output (max |y| = "
                         f"{np.abs(y).max():.1e}) blurs each nudge by about {noise:.1e}, against a "
                         f"gradient of size {gradient:.1e}. Use {names} near 1, or a larger "
                         f"tolerance")


def check_layer_gradients(layer, x, *forward_args, grad_output=None, tolerance: float = 1e-6,
                          seed: int = 0, raise_on_failure: bool = True) -> GradientCheck:
    """Check layer.backward's gradients (input and every parameter) against finite differences.

    forward_args are passed on after x (e.g. the labels of a loss layer); grad_output defaults
    to a random array shaped like the output (fixed seed). Returns a GradientCheck with the
    relative error of each gradient; raises GradientCheckError naming the worst one if it is
    above `tolerance` (unless raise_on_failure=False).
    """
    for method in ("forward", "backward"):
        if not callable(getattr(layer, method, None)):
            raise TypeError(f"check_layer_gradients needs a layer with forward and backward; got "
                            f"a {type(layer).__name__} without {method}()")
    tolerance = check_number(tolerance, "tolerance")
    x = private_copy(x, "x", np.float64)
    y = np.asarray(layer.forward(x, *forward_args))
    if grad_output is None:
        grad_output = np.random.default_rng(seed).normal(size=y.shape)
    grad_output = as_float_array(grad_output, "grad_output")
    if grad_output.shape != y.shape:
        raise ValueError(f"grad_output must have the shape of the layer's output {y.shape}; got "
                         f"{grad_output.shape}")
    analytic_input = layer.backward(grad_output)
    analytic_params = {name: np.array(g) for name, g in getattr(layer, "grads", {}).items()}

    report = GradientCheck(type(layer).__name__, tolerance=tolerance)
    names = ", ".join(["x"] + list(getattr(layer, "params", {})))
    _refuse_if_unresolvable(report.layer, "input", analytic_input, x, y, grad_output, names,
                            tolerance)
    report.errors["input"] = relative_error(
        analytic_input, numerical_vjp(lambda x_: layer.forward(x_, *forward_args), x, grad_output))
    for name, param in getattr(layer, "params", {}).items():
        if name not in analytic_params:
            raise GradientCheckError(f"{report.layer}.backward set no gradient for parameter "
                                     f"{name!r}: expected grads[{name!r}] of shape {param.shape}")
        if analytic_params[name].shape != param.shape:
            raise ValueError(f"{report.layer}: grads[{name!r}] has shape "
                             f"{analytic_params[name].shape}, but {name} has shape {param.shape}; "
                             f"a gradient always has the shape of what it is for")

        def forward_with(value, param=param):  # the loss as a function of this parameter alone
            saved = param.copy()
            param[...] = value
            try:  # a copy: the output may be a view of param, restored just below
                return np.array(layer.forward(x, *forward_args), dtype=float)
            finally:
                param[...] = saved

        _refuse_if_unresolvable(report.layer, name, analytic_params[name], param, y, grad_output,
                                names, tolerance)
        report.errors[name] = relative_error(analytic_params[name],
                                             numerical_vjp(forward_with, param, grad_output))
    layer.forward(x, *forward_args)  # leave the layer as backward found it
    if raise_on_failure and not report.passed:
        worst = max(report.errors, key=report.errors.get)
        raise GradientCheckError(f"{report.layer}: the gradient for {worst!r} disagrees with "
                                 f"finite differences (relative error "
                                 f"{report.errors[worst]:.2e} > {tolerance:.0e}); {report!r}")
    return report
