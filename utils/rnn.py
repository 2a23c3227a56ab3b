"""A vanilla RNN h_t = phi(W h_{t-1} + U x_t) and its Jacobians through time (numpy only).

One step's Jacobian is dh_t/dh_{t-1} = diag(phi'(a_t)) W with a_t = W h_{t-1} + U x_t, and the
chain rule makes dh_T/dh_k the product J_T J_{T-1} ... J_{k+1}: newest step on the left. Its
size behaves roughly like a power of W, so it shrinks or grows exponentially in T - k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import as_float_array, as_matrix

NONLINEARITIES = ("tanh", "linear", "relu")


def check_nonlinearity(name: str) -> str:
    if name not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}; got {name!r}")
    return name


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


def check_rnn_inputs(W, U, xs, h0):
    W = as_matrix(W, "W")
    n = W.shape[0]
    if W.shape != (n, n):
        raise ValueError(f"W must be square (hidden, hidden); got shape {W.shape}")
    U, xs = as_matrix(U, "U"), as_float_array(xs, "xs")
    if U.shape[0] != n or xs.ndim != 2 or xs.shape[1] != U.shape[1]:
        raise ValueError(f"with W {W.shape}, U must be ({n}, d) and xs (T, d); got U {U.shape} "
                         f"and xs {xs.shape}")
    h0 = np.zeros(n) if h0 is None else as_float_array(h0, "h0")
    if h0.shape != (n,):
        raise ValueError(f"h0 must have shape ({n},); got {h0.shape}")
    return W, U, xs, h0


def rnn_forward(W, U, xs, h0=None, nonlinearity: str = "tanh") -> RNNTrace:
    """Run h_t = phi(W h_{t-1} + U x_t) over the rows x_1..x_T of xs (T, d), from h0 (n,)."""
    W, U, xs, h0 = check_rnn_inputs(W, U, xs, h0)
    check_nonlinearity(nonlinearity)
    T, n = len(xs), len(h0)
    h, a = np.zeros((T + 1, n)), np.zeros((T + 1, n))
    h[0] = h0
    inputs = xs @ U.T                       # U x_t for every t at once, shape (T, n)
    for t in range(1, T + 1):
        a[t] = W @ h[t - 1] + inputs[t - 1]
        h[t] = activate(a[t], nonlinearity)
    return RNNTrace(h, a, W, nonlinearity)


def step_jacobian(trace: RNNTrace, t: int) -> np.ndarray:
    """dh_t/dh_{t-1} = diag(phi'(a_t)) W, shape (n, n): row i scaled by phi'(a_t)_i."""
    if not 1 <= t <= trace.length:
        raise ValueError(f"step t must lie in 1..{trace.length}; got {t}")
    return derivative(trace.a[t], trace.h[t], trace.nonlinearity)[:, None] * trace.W


def jacobian_through_time(trace: RNNTrace, k: int, T: int | None = None) -> np.ndarray:
    """dh_T/dh_k = J_T J_{T-1} ... J_{k+1} (newest on the left), shape (n, n); identity if k = T."""
    T = trace.length if T is None else T
    if not 0 <= k <= T <= trace.length:
        raise ValueError(f"need 0 <= k <= T <= {trace.length}; got k = {k}, T = {T}")
    product = np.eye(trace.W.shape[0])
    for t in range(k + 1, T + 1):           # each later step multiplies on the left
        product = step_jacobian(trace, t) @ product
    return product


def jacobian_norms(trace: RNNTrace, ord=2) -> np.ndarray:
    """||dh_T/dh_k|| for k = 0..T (spectral norm by default), one pass from T backwards.

    Going backwards, dh_T/dh_{k-1} = (dh_T/dh_k) J_k: one matrix product per step, as in
    backpropagation through time.
    """
    T, n = trace.length, trace.W.shape[0]
    norms = np.empty(T + 1)
    product = np.eye(n)
    norms[T] = np.linalg.norm(product, ord)
    for k in range(T, 0, -1):
        product = product @ step_jacobian(trace, k)
        norms[k - 1] = np.linalg.norm(product, ord)
    return norms


def unrolled_map(W, U, xs, k: int, nonlinearity: str = "tanh"):
    """h_k |--> h_T: the steps k+1..T as one function, for finite-difference checks."""
    def h_T(h_k):
        return rnn_forward(W, U, xs[k:], h_k, nonlinearity).h[-1]
    return h_T


def random_recurrent_matrix(n: int, spectral_radius: float, rng=None) -> np.ndarray:
    """A random Gaussian (n, n) matrix rescaled so its largest |eigenvalue| is spectral_radius."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive whole number; got {n!r}")
    if not np.isfinite(spectral_radius) or spectral_radius < 0:
        raise ValueError(f"spectral_radius must be a finite number >= 0; got {spectral_radius}")
    rng = np.random.default_rng(0) if rng is None else rng
    W = rng.normal(size=(n, n))
    return W * (spectral_radius / np.max(np.abs(np.linalg.eigvals(W))))


def spectral_radius(W) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(as_matrix(W, "W")))))


def clip_by_norm(gradient, max_norm: float) -> np.ndarray:
    """Rescale gradient to norm max_norm if it is longer; its direction never changes."""
    gradient = as_float_array(gradient, "gradient")
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive number; got {max_norm}")
    norm = np.linalg.norm(gradient)
    return gradient * (max_norm / norm) if norm > max_norm else gradient
