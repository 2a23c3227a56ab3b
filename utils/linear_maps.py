"""The derivative as a linear map: differentials, the Frobenius inner product, vec and Kronecker.

    differential:  f(X + dX) = f(X) + f'(X)[dX] + o(dX), with f'(X) linear in dX
    inner product: ⟨X, Y⟩ = Σ_ij x_ij y_ij = tr(Xᵀ Y), so dL = ⟨dL/dC, dC⟩
    vec:           row-major vec_r(A X B) = (A ⊗ Bᵀ) vec_r(X);
                   column-major vec_c(A X B) = (Bᵀ ⊗ A) vec_c(X)

so the flattened Jacobian of C = A B is I_m ⊗ Bᵀ by A and A ⊗ I_p by B (row-major, numpy's
`reshape` order), and Bᵀ ⊗ I_m and I_p ⊗ A in column-major (Fortran, MATLAB, most textbooks).
"""

from __future__ import annotations

import numpy as np

from .chain import single_blas_thread
from .costs import DEFAULT_MAX_BYTES, format_bytes
from .matmul import TensorTooLargeError
from .routes import best_time
from .validation import (
    as_float_array,
    as_matrix,
    check_choice,
    check_count,
    check_finite,
    check_function,
    check_matmul_shapes,
    check_max_bytes,
    check_number,
    check_wrt,
)

ORDERS = ("C", "F")  # numpy's names: C = row-major, F = column-major


def frobenius(X, Y) -> float:
    """⟨X, Y⟩ = Σ x_ij y_ij = tr(Xᵀ Y): the inner product that pairs a gradient with a change."""
    X, Y = as_float_array(X, "X"), as_float_array(Y, "Y")
    if X.shape != Y.shape:
        raise ValueError(f"⟨X, Y⟩ needs X and Y of one shape; got X {X.shape} and Y {Y.shape}")
    return float(np.sum(X * Y))


def vec(X, order: str = "C") -> np.ndarray:
    """The entries of X as one column: row after row (order "C") or column after column ("F")."""
    X = as_float_array(X, "X")
    return X.reshape(-1, order=check_choice(order, "order", ORDERS))


def unvec(v, shape, order: str = "C") -> np.ndarray:
    """The inverse of vec: the vector v laid back into a matrix of `shape`."""
    v = as_float_array(v, "v")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a tuple of whole numbers; got {type(shape).__name__}")
    shape = tuple(check_count(s, "shape entry") for s in shape)
    if v.ndim != 1 or v.size != int(np.prod(shape)):
        raise ValueError(f"v must be a vector of {int(np.prod(shape))} entries for shape "
                         f"{shape}; got an array of shape {v.shape}")
    return v.reshape(shape, order=check_choice(order, "order", ORDERS))


def _kron_bytes(A, B, wrt: str) -> int:
    m, p = A.shape[0], B.shape[1]
    x_size = A.size if wrt == "A" else B.size
    return m * p * x_size * 8


def matmul_kron(A, B, wrt: str = "A", order: str = "C",
                max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """The flattened Jacobian d vec(C) / d vec(X) of C = A @ B (X = A or B) as a Kronecker
    product, (m·p) × (size of X): the 4-D tensor of notebook 03 reshaped, built as np.kron."""
    A, B = as_matrix(A, "A"), as_matrix(B, "B")
    check_matmul_shapes(A, B)
    wrt, order = check_wrt(wrt), check_choice(order, "order", ORDERS)
    max_bytes = check_max_bytes(max_bytes)
    needed, gradient = _kron_bytes(A, B, wrt), (A if wrt == "A" else B).size * 8
    if needed > max_bytes:
        raise TensorTooLargeError(
            f"the Kronecker Jacobian of C = A @ B by {wrt} for A {A.shape}, B {B.shape} needs "
            f"{format_bytes(needed)}, over max_bytes = {format_bytes(max_bytes)}; the VJP needs "
            f"{format_bytes(gradient)}", needed, gradient, max_bytes)
    eye_m, eye_p = np.eye(A.shape[0]), np.eye(B.shape[1])
    if wrt == "A":
        return np.kron(eye_m, B.T) if order == "C" else np.kron(B.T, eye_m)
    return np.kron(A, eye_p) if order == "C" else np.kron(eye_p, A)


def kron_route_vjp(dL_dC, A, B, max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """dL/dA through the Kronecker Jacobian: vec(dL/dA) = (I ⊗ Bᵀ)ᵀ vec(dL/dC). Correct and
    wasteful: the matrix has m·p·m·n entries, and the product dL/dC @ B.T does the same job."""
    dL_dC, A, B = as_matrix(dL_dC, "dL_dC"), as_matrix(A, "A"), as_matrix(B, "B")
    check_matmul_shapes(A, B)
    if dL_dC.shape != (A.shape[0], B.shape[1]):
        raise ValueError(f"dL_dC must have C's shape (A rows, B columns) = "
                         f"{(A.shape[0], B.shape[1])}; got {dL_dC.shape}")
    return unvec(matmul_kron(A, B, "A", max_bytes=max_bytes).T @ vec(dL_dC), A.shape)


def directional_difference(f, X, dX, h: float = 1e-6) -> np.ndarray:
    """(f(X + h dX) - f(X - h dX)) / 2h: what the differential f'(X)[dX] must match."""
    check_function(f, "f")
    X, dX = check_finite(as_float_array(X, "X"), "X"), check_finite(as_float_array(dX, "dX"), "dX")
    # in float64 whatever came in: a step of 1e-6 is below float32's resolution near 1
    X, dX = X.astype(np.float64), dX.astype(np.float64)
    if X.shape != dX.shape:
        raise ValueError(f"dX must have X's shape {X.shape}; got {dX.shape}")
    h = check_number(h, "h", high=1.0, high_open=False)
    ahead = as_float_array(f(X + h * dX), "f(X + h dX)")
    behind = as_float_array(f(X - h * dX), "f(X - h dX)")
    if ahead.shape != behind.shape:
        raise ValueError(f"f must return one shape near X; f(X + h dX) has shape {ahead.shape}, "
                         f"f(X - h dX) {behind.shape}")
    for where, value in (("X + h dX", ahead), ("X - h dX", behind)):
        if not np.all(np.isfinite(value)):  # NaN or inf - inf is no difference quotient
            raise ValueError(f"f returned a value that is not finite at {where} (NaN or "
                             f"infinite), so the difference quotient has no meaning there")
    return (ahead - behind) / (2 * h)


def measure_kron_route(sizes, repeats: int = 3, seed: int = 0) -> dict:
    """Seconds for dL/dA of C = A @ B (all n × n) by the Kronecker route and by dL/dC @ B.T,
    timed in alternating order at each n; bytes of the Kronecker matrix beside those of dL/dA."""
    if isinstance(sizes, (int, np.integer)):
        sizes = [sizes]
    if not isinstance(sizes, (list, tuple, range)):
        raise TypeError(f"sizes must be a list of whole numbers; got {type(sizes).__name__}")
    sizes = [check_count(n, "size", maximum=64) for n in sizes]
    repeats = check_count(repeats, "repeats", maximum=50)
    rng = np.random.default_rng(seed)
    rows = {"n": [], "kron_seconds": [], "product_seconds": [], "kron_bytes": [],
            "gradient_bytes": []}
    with single_blas_thread():
        for n in sizes:
            A, B, G = (rng.standard_normal((n, n)) for _ in range(3))
            kron_best = product_best = float("inf")
            for _ in range(repeats):  # alternate, so a busy moment slows both routes alike
                kron_best = min(kron_best, best_time(
                    lambda G=G, A=A, B=B: kron_route_vjp(G, A, B), 1))
                product_best = min(product_best, best_time(lambda G=G, B=B: G @ B.T, 1))
            rows["n"].append(n)
            rows["kron_seconds"].append(kron_best)
            rows["product_seconds"].append(product_best)
            rows["kron_bytes"].append(n**4 * 8)
            rows["gradient_bytes"].append(n**2 * 8)
    return {key: np.array(value) for key, value in rows.items()}
