"""Second derivatives: the Hessian ∇²f of a scalar f, and the Hessian-vector product ∇²f v
without forming ∇²f, three ways.

∇²f v is the derivative of the gradient along v, so any pair of modes gives it: differentiate the
gradient forward (forward-over-reverse), take the gradient of ⟨∇f, v⟩ (reverse-over-reverse) or
the gradient of the directional derivative ∇f·v (reverse-over-forward). Each costs a small
constant times one gradient; forming ∇²f costs one such pass per entry of x.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from .autodiff import grad
from .forward import jvp
from .primitives import matmul, softmax_cross_entropy, sum, tanh, transpose
from .validation import as_float_array, check_count, check_number, describe


def check_point_and_direction(f, x, v):
    if not callable(f):
        raise TypeError(f"f must be a function of one array returning a scalar; got "
                        f"{describe(f)}")
    x = np.asarray(as_float_array(x, "x"), dtype=float)
    v = np.asarray(as_float_array(v, "v"), dtype=float)
    if x.shape != v.shape:
        raise ValueError(f"v must have x's shape {x.shape} (a direction in x's space); got "
                         f"{v.shape}")
    return x, v


def along_unit(route):
    """∇²f v is linear in v: the route runs along v / max|v| and its answer is scaled back, so a
    huge v does not overflow the passes (+inf - inf = NaN) nor a tiny one lose its digits."""
    @functools.wraps(route)
    def scaled(f, x, v):
        x, v = check_point_and_direction(f, x, v)
        scale = np.abs(v).max(initial=0.0)
        if scale == 0.0 or not np.isfinite(scale):
            return route(f, x, v)
        return route(f, x, v / scale) * scale
    return scaled


@along_unit
def hvp_forward_over_reverse(f, x, v) -> np.ndarray:
    """∇²f v as the JVP of the gradient: push v forward through the backward pass."""
    x, v = check_point_and_direction(f, x, v)
    return np.asarray(jvp(grad(f), x, v)[1])


@along_unit
def hvp_reverse_over_reverse(f, x, v) -> np.ndarray:
    """∇²f v as the gradient of ⟨∇f(x), v⟩ (∇²f is symmetric, so vᵀ∇²f = (∇²f v)ᵀ)."""
    x, v = check_point_and_direction(f, x, v)
    return grad(lambda x: sum(grad(f)(x) * v))(x)


@along_unit
def hvp_reverse_over_forward(f, x, v) -> np.ndarray:
    """∇²f v as the gradient of the directional derivative ∇f(x)·v, itself a forward pass."""
    x, v = check_point_and_direction(f, x, v)
    return grad(lambda x: jvp(f, x, v)[1])(x)


HVP_ROUTES = {
    "forward-over-reverse": hvp_forward_over_reverse,
    "reverse-over-reverse": hvp_reverse_over_reverse,
    "reverse-over-forward": hvp_reverse_over_forward,
}


def hvp(f, x, v, route: str = "forward-over-reverse") -> np.ndarray:
    """∇²f v, the Hessian-vector product of scalar f at x, shaped like x, by one of HVP_ROUTES."""
    if not isinstance(route, str) or route not in HVP_ROUTES:
        raise ValueError(f"route must be one of {', '.join(HVP_ROUTES)}; got {route!r:.60}")
    return HVP_ROUTES[route](f, x, v)


def hessian(f, x) -> np.ndarray:
    """The whole Hessian, shape x.shape + x.shape: one ∇²f e_i per entry of x (n passes)."""
    x = np.asarray(as_float_array(x, "x"), dtype=float)
    x, _ = check_point_and_direction(f, x, np.zeros(x.shape))
    columns = []
    for i in range(x.size):
        e_i = np.zeros(x.size)
        e_i[i] = 1.0
        columns.append(hvp_forward_over_reverse(f, x, e_i.reshape(x.shape)).ravel())
    if not columns:  # an empty x: an empty Hessian, after one pass has checked f
        hvp_forward_over_reverse(f, x, x)
        return np.zeros(x.shape + x.shape)
    return np.stack(columns, axis=1).reshape(x.shape + x.shape)


def hvp_finite_difference(f, x, v, step: float = 1e-5) -> np.ndarray:
    """(∇f(x + h v) - ∇f(x - h v)) / 2h: an independent check, accurate to about h²."""
    x, v = check_point_and_direction(f, x, v)
    step = check_number(step, "step (a small positive number)", high=1e6)
    gradient = grad(f)
    return (gradient(x + step * v) - gradient(x - step * v)) / (2 * step)


def small_network(inputs: int = 4, hidden: int = 3, classes: int = 3, batch: int = 8,
                  seed: int = 0):
    """A tanh network's loss as a function of its first weights W1 only, with W1 to start from.

    L(W1) = cross-entropy(tanh(X W1ᵀ) W2ᵀ, labels); X, W2 and labels are fixed and random.
    W1 (hidden, inputs) and W2 (classes, hidden) are stored as Dense stores W: (n_out, n_in).
    """
    for name, size in dict(inputs=inputs, hidden=hidden, classes=classes, batch=batch).items():
        check_count(size, name, maximum=4096)
    seed = check_count(seed, "seed", minimum=0)
    gen = np.random.default_rng(seed)
    X = gen.normal(size=(batch, inputs))
    W2 = gen.normal(size=(classes, hidden)) / np.sqrt(hidden)
    labels = gen.integers(0, classes, size=batch)

    def loss(W1):
        return softmax_cross_entropy(matmul(tanh(matmul(X, transpose(W1))), W2.T), labels)

    return loss, gen.normal(size=(hidden, inputs)) / np.sqrt(inputs)


def timed_calls(loss, W1, v) -> dict:
    """What hvp_costs times, each a call with no arguments. "n products in a loop" is the
    work forming ∇²f does (one forward-over-reverse ∇²f v per entry of W1) without keeping
    the columns: like beside like with "forming the Hessian"."""
    def n_products():
        for _ in range(W1.size):
            hvp_forward_over_reverse(loss, W1, v)

    return {"gradient": lambda: grad(loss)(W1),
            **{route: (lambda f=f: f(loss, W1, v)) for route, f in HVP_ROUTES.items()},
            "n products in a loop": n_products,
            "forming the Hessian": lambda: np.tensordot(hessian(loss, W1), v, v.ndim)}


def hvp_costs(sizes=((2, 2), (4, 4), (8, 8), (16, 16)), repeats: int = 5) -> dict:
    """Seconds per call of a gradient, each ∇²f v route, n forward-over-reverse ∇²f v in a
    loop and forming ∇²f then multiplying, for small_network with each (inputs, hidden) size;
    n = inputs × hidden. Each is the best of `repeats` rounds that run every call once, in an
    order flipped each round, so a busy machine's pauses fall on all of them alike."""
    repeats = check_count(repeats, "repeats", maximum=100)
    costs = {"n": []}
    for inputs, hidden in sizes:
        loss, W1 = small_network(inputs=inputs, hidden=hidden, classes=4, batch=32)
        v = np.random.default_rng(1).normal(size=W1.shape)
        costs["n"].append(W1.size)
        calls = timed_calls(loss, W1, v)
        best = dict.fromkeys(calls, np.inf)
        for round_ in range(repeats):
            for name in (list(calls) if round_ % 2 == 0 else list(calls)[::-1]):
                start = time.perf_counter()
                calls[name]()
                best[name] = min(best[name], time.perf_counter() - start)
        for name, seconds in best.items():
            costs.setdefault(name, []).append(seconds)
    return {name: np.array(values) for name, values in costs.items()}
