"""A vanilla RNN h_t = phi(W h_{t-1} + U x_t) and its Jacobians through time (numpy only).

One step's Jacobian is dh_t/dh_{t-1} = diag(phi'(a_t)) W with a_t = W h_{t-1} + U x_t, and the
chain rule makes dh_T/dh_k the product J_T J_{T-1} ... J_{k+1}: newest step on the left. Its
size behaves roughly like a power of W, so it shrinks or grows exponentially in T - k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .costs import check_memory, check_work
from .validation import (
    as_float_array,
    as_matrix,
    check_choice,
    check_count,
    check_finite,
    check_number,
    check_rng,
    describe,
)

NONLINEARITIES = ("tanh", "linear", "relu")
MATRIX_NORMS = (2, 1, np.inf, "fro", "nuc", -2, -1, -np.inf, None)  # np.linalg.norm's for matrices
MAX_STEPS = 100_000  # time steps: a Python loop of 10**5 steps is a fraction of a second
MAX_HIDDEN = 1024  # eigenvalues of a 1024 x 1024 W take about a second: no lesson needs more


def check_nonlinearity(name: str) -> str:
    return check_choice(name, "nonlinearity", NONLINEARITIES)


def activate(a: np.ndarray, nonlinearity: str) -> np.ndarray:
    if nonlinearity == "tanh":
        return np.tanh(a)
    if nonlinearity == "relu":
        return np.maximum(a, 0.0)
    return a


def derivative(a: np.ndarray, h: np.ndarray, nonlinearity: str) -> np.ndarray:
    """phi'(a) elementwise; for tanh it is 1 - h**2, read off the output h = tanh(a)."""
    if nonlinearity == "tanh":
        return 1.0 - h ** 2
    if nonlinearity == "relu":
        return (a > 0).astype(float)
    return np.ones_like(a)


@dataclass
class RNNTrace:
    """A forward run: h[0] = h0, h[t] for t = 1..T; a[t] the pre-activation (a[0] unused)."""

    h: np.ndarray          # (T + 1, n)
    a: np.ndarray          # (T + 1, n)
    W: np.ndarray          # (n, n)
    nonlinearity: str

    @property
    def length(self) -> int:
        return len(self.h) - 1


def check_trace(trace) -> RNNTrace:
    if not isinstance(trace, RNNTrace):
        raise TypeError(f"trace must be the RNNTrace that rnn_forward returns; got "
                        f"{describe(trace)}")
    return trace


def check_step(value, name: str, low: int, high: int, high_name: str = "") -> int:
    """A time step: a whole number in low..high, or an error naming it and the range."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole-number time step in {low}..{high}; got "
                        f"{describe(value)}: {value!r:.40}")
    if not low <= value <= high:
        upper = f"{high_name} (= {high})" if high_name else f"{high}"
        raise ValueError(f"{name} must lie in {low}..{upper}; got {name} = {value}")
    return int(value)


def check_rnn_inputs(W, U, xs, h0):
    W = as_matrix(W, "W")
    n = W.shape[0]
    if W.shape != (n, n):
        raise ValueError(f"W must be square (hidden, hidden); got shape {W.shape}")
    check_finite(W, "W")
    U, xs = check_finite(as_matrix(U, "U"), "U"), check_finite(as_float_array(xs, "xs"), "xs")
    if U.shape[0] != n or xs.ndim != 2 or xs.shape[1] != U.shape[1]:
        raise ValueError(f"with W {W.shape}, U must be ({n}, d) and xs (T, d); got U {U.shape} "
                         f"and xs {xs.shape}")
    h0 = np.zeros(n) if h0 is None else check_finite(as_float_array(h0, "h0"), "h0")
    if h0.shape != (n,):
        raise ValueError(f"h0 must have shape ({n},); got {h0.shape}")
    return W, U, xs, h0


def rnn_forward(W, U, xs, h0=None, nonlinearity: str = "tanh") -> RNNTrace:
    """Run h_t = phi(W h_{t-1} + U x_t) over the rows x_1..x_T of xs (T, d), from h0 (n,)."""
    W, U, xs, h0 = check_rnn_inputs(W, U, xs, h0)
    check_nonlinearity(nonlinearity)
    T, n = len(xs), len(h0)
    what = f"rnn_forward over T = {T:,} steps (rows of xs) with {n:,} hidden units (W's rows)"
    if T > MAX_STEPS:
        raise ValueError(f"{what}: at most {MAX_STEPS:,} steps here (one Python step each); "
                         f"use fewer rows of xs")
    check_memory(3 * (T + 1) * n * 8, what + ", keeping h, a and U x for every step,")
    check_work(T * n * (n + U.shape[1]), what)
    h, a = np.zeros((T + 1, n)), np.zeros((T + 1, n))
    h[0] = h0
    inputs = xs @ U.T                       # U x_t for every t at once, shape (T, n)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused just below
        for t in range(1, T + 1):
            a[t] = W @ h[t - 1] + inputs[t - 1]
            h[t] = activate(a[t], nonlinearity)
    if not np.all(np.isfinite(h)):
        t = int(np.argwhere(~np.isfinite(h))[0][0])
        raise ValueError(f"the hidden state overflowed at step t = {t} of T = {T}: W {W.shape} "
                         f"makes h_t grow past 1.8e308 ({nonlinearity} never bounds it). Use "
                         f"fewer steps, a smaller W or tanh")
    return RNNTrace(h, a, W, nonlinearity)


def step_jacobian(trace: RNNTrace, t: int) -> np.ndarray:
    """dh_t/dh_{t-1} = diag(phi'(a_t)) W, shape (n, n): row i scaled by phi'(a_t)_i."""
    t = check_step(t, "t", 1, check_trace(trace).length)
    return derivative(trace.a[t], trace.h[t], trace.nonlinearity)[:, None] * trace.W


def jacobian_through_time(trace: RNNTrace, k: int, T: int | None = None) -> np.ndarray:
    """dh_T/dh_k = J_T J_{T-1} ... J_{k+1} (newest on the left), shape (n, n); identity if k = T."""
    check_trace(trace)
    T = trace.length if T is None else check_step(T, "T", 0, trace.length)
    k = check_step(k, "k", 0, T, "T")
    check_work((T - k) * trace.W.shape[0] ** 3,
               f"dh_T/dh_k over T - k = {T - k:,} steps of {trace.W.shape[0]:,} hidden units")
    product = np.eye(trace.W.shape[0])
    for t in range(k + 1, T + 1):           # each later step multiplies on the left
        product = step_jacobian(trace, t) @ product
    return product


def jacobian_norms(trace: RNNTrace, ord=2) -> np.ndarray:
    """||dh_T/dh_k|| for k = 0..T (spectral norm by default), one pass from T backwards.

    Going backwards, dh_T/dh_{k-1} = (dh_T/dh_k) J_k: one matrix product per step, as in
    backpropagation through time.
    """
    T, n = check_trace(trace).length, trace.W.shape[0]
    number = isinstance(ord, (int, float, np.number)) and not isinstance(ord, (bool, np.bool_))
    if not (ord is None or ord in ("fro", "nuc") or number and ord in MATRIX_NORMS):
        raise ValueError(f"ord must name a matrix norm, one of "
                         f"{', '.join(map(repr, MATRIX_NORMS))} (as in np.linalg.norm); got "
                         f"{ord!r:.40}")
    for name in ("W", "a", "h"):
        check_finite(getattr(trace, name), f"trace.{name}")
    check_work(T * n**3, f"jacobian_norms over T = {T:,} steps of {n:,} hidden units")
    norms = np.empty(T + 1)
    product, log_scale = np.eye(n), 0.0   # the true product is exp(log_scale) * product
    norms[T] = np.linalg.norm(product, ord)
    for k in range(T, 0, -1):
        product = product @ step_jacobian(trace, k)
        largest = np.abs(product).max()
        if largest > 0:  # kept near 1: an exploding (or vanishing) chain never becomes inf * 0
            product, log_scale = product / largest, log_scale + np.log(largest)
        norm = np.linalg.norm(product, ord)
        with np.errstate(over="ignore"):  # a norm past 1.8e308 is inf, and says so
            norms[k - 1] = np.exp(log_scale + np.log(norm)) if norm > 0 else 0.0
    return norms


def unrolled_map(W, U, xs, k: int, nonlinearity: str = "tanh"):
    """h_k |--> h_T: the steps k+1..T as one function, for finite-difference checks."""
    W, U, xs, _ = check_rnn_inputs(W, U, xs, None)  # checked now, not at the first call
    k = check_step(k, "k", 0, len(xs))
    check_nonlinearity(nonlinearity)

    def h_T(h_k):
        return rnn_forward(W, U, xs[k:], h_k, nonlinearity).h[-1]
    return h_T


def random_recurrent_matrix(n: int, spectral_radius: float, rng=None) -> np.ndarray:
    """A random Gaussian (n, n) matrix rescaled so its largest |eigenvalue| is spectral_radius."""
    n = check_count(n, "n", maximum=MAX_HIDDEN)
    spectral_radius = check_number(spectral_radius, "spectral_radius", 0.0, low_open=False)
    rng = check_rng(rng)
    W = rng.normal(size=(n, n))
    with np.errstate(over="ignore"):
        W = W * (spectral_radius / np.max(np.abs(np.linalg.eigvals(W))))
    if not np.all(np.isfinite(W)):
        raise ValueError(f"spectral_radius = {spectral_radius:.3g} is too large: some entries of "
                         f"W would pass the largest float (1.8e308)")
    return W


def spectral_radius(W) -> float:
    """The largest |eigenvalue| of a square matrix W."""
    W = check_finite(as_matrix(W, "W"), "W")
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square to have eigenvalues; got shape {W.shape}")
    largest = np.abs(W).max()  # eigenvalues of W / largest, scaled back: no overflow inside
    if largest == 0:
        return 0.0
    return float(largest * np.max(np.abs(np.linalg.eigvals(W / largest))))


def clip_by_norm(gradient, max_norm: float) -> np.ndarray:
    """Rescale gradient to norm max_norm if it is longer; its direction never changes.

    Always a new array. Scaled by its largest entry first, so squaring never overflows (float32
    3e19² does) or underflows (1e-200² does): [3e19, 4e19] in float32 clipped to 5 is [3, 4].
    """
    gradient = check_finite(as_float_array(gradient, "gradient"), "gradient")
    max_norm = check_number(max_norm, "max_norm")
    largest = np.abs(gradient).max(initial=0.0)
    if largest == 0:
        return gradient.copy()
    unit = gradient / largest                        # entries in [-1, 1], same dtype
    unit_norm = float(np.linalg.norm(unit))          # between 1 and sqrt(size)
    if float(largest) * unit_norm <= max_norm:       # the norm, in Python floats: no overflow
        return gradient.copy()
    with np.errstate(over="ignore"):  # a max_norm past float32's range gives inf, and says so
        return unit * gradient.dtype.type(max_norm / unit_norm)
