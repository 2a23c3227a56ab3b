"""The derivative of C = A @ B: the 4-D tensor route and the cheap vector-Jacobian product.

Shape convention (as in JAX and autograd): a Jacobian has shape output.shape + input.shape,
so for A (m, n) and B (n, p):
    dC/dA has shape (m, p, m, n),  dC/dA[i, j, k, l] = dc_ij/da_kl = delta_ik * b_lj
    dC/dB has shape (m, p, n, p),  dC/dB[i, j, k, l] = dc_ij/db_kl = a_ik * delta_jl
"""

from __future__ import annotations

import numpy as np

from .costs import DEFAULT_MAX_BYTES, format_bytes, matmul_costs
from .validation import as_float_array, as_matrix, check_matmul_shapes, check_max_bytes, check_wrt


class TensorTooLargeError(ValueError):
    """The 4-D tensor asked for would not fit the memory budget; nothing was allocated."""

    def __init__(self, message: str, tensor_bytes: int, vjp_bytes: int, max_bytes: int):
        super().__init__(message)
        self.tensor_bytes = tensor_bytes
        self.vjp_bytes = vjp_bytes
        self.max_bytes = max_bytes


def _refuse_if_too_large(A, B, wrt: str, dtype: np.dtype, max_bytes: int) -> None:
    """The memory guard: compare the tensor's bytes with the budget before allocating."""
    (m, n), p = A.shape, B.shape[1]
    if m * p * (m if wrt == "A" else p) * n * dtype.itemsize <= max_bytes:
        return  # the common case stays cheap: plain integer arithmetic, nothing built
    costs = matmul_costs(m, n, p, wrt, dtype)
    vjp = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"
    raise TensorTooLargeError(
        f"dC/d{wrt} for A {A.shape} and B {B.shape} would have shape {costs.tensor_shape}: "
        f"{costs.tensor_entries:,} entries = {format_bytes(costs.tensor_bytes)} of {dtype}, "
        f"over the budget max_bytes = {format_bytes(max_bytes)}. The VJP route "
        f"dL/d{wrt} = {vjp} needs only {format_bytes(costs.vjp_bytes)} "
        f"(dL/d{wrt}, shape {costs.x_shape}). Use matmul_vjp(dL_dC, A, B), or pass a larger "
        f"max_bytes if you really have that much memory.",
        costs.tensor_bytes, costs.vjp_bytes, max_bytes)


def matmul_jacobian(A, B, wrt: str = "A", max_bytes: int = DEFAULT_MAX_BYTES) -> np.ndarray:
    """The 4-D tensor dC/dA (m, p, m, n) or dC/dB (m, p, n, p) of C = A @ B."""
    A, B = as_matrix(A, "A"), as_matrix(B, "B")
    check_matmul_shapes(A, B)
    check_wrt(wrt)
    dtype = A.dtype if A.dtype == B.dtype else np.result_type(A, B)
    _refuse_if_too_large(A, B, wrt, dtype, check_max_bytes(max_bytes))
    (m, n), p = A.shape, B.shape[1]
    # Start from zeros and write only the non-zero "diagonal": einsum with a repeated index
    # returns a writable view of the entries where that index agrees, with no Python loop.
    if wrt == "A":
        dC_dA = np.zeros((m, p, m, n), dtype)
        np.einsum("ijil->ijl", dC_dA)[...] = B.T  # block (i, j): row i holds B[:, j], rest 0
        return dC_dA
    dC_dB = np.zeros((m, p, n, p), dtype)
    np.einsum("ijkj->ijk", dC_dB)[...] = A[:, None, :]  # block (i, j): column j holds A[i, :]
    return dC_dB


def chain_rule_via_tensor(dL_dC, dC_dX) -> np.ndarray:
    """dL/dX = sum over the entries c of C of dL/dc * dc/dX: the linear combination of blocks."""
    dL_dC = as_float_array(dL_dC, "dL_dC")
    dC_dX = as_float_array(dC_dX, "dC_dX")
    c_ndim = dL_dC.ndim
    if dC_dX.shape[:c_ndim] != dL_dC.shape or dC_dX.ndim == c_ndim:
        raise ValueError(
            f"dC_dX must have shape C.shape + X.shape with C.shape = dL_dC.shape = "
            f"{dL_dC.shape}; got dC_dX of shape {dC_dX.shape}, whose leading axes "
            f"{dC_dX.shape[:c_ndim]} do not match (or it has no X axes left)")
    return np.tensordot(dL_dC, dC_dX, axes=c_ndim)


def _ready_for_vjp(dL_dC, A, B) -> bool:
    """The fast path: float ndarrays of matching 2-D shapes need no conversion and no message.

    Ordered cheapest first; the whole test costs under a microsecond, less than one tiny
    matrix product, so matmul_vjp stays within a few per cent of the bare products.
    """
    if not (type(A) is np.ndarray and type(B) is np.ndarray and type(dL_dC) is np.ndarray):
        return False
    a, b = A.shape, B.shape
    return (len(a) == 2 and len(b) == 2 and a[1] == b[0] and dL_dC.shape == (a[0], b[1])
            and 0 not in a and b[1] != 0
            and A.dtype.char in "fd" and B.dtype.char in "fd" and dL_dC.dtype.char in "fd")


def matmul_vjp(dL_dC, A, B) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dA, dL/dB) = (dL/dC @ B.T, A.T @ dL/dC): the backward pass of C = A @ B."""
    if not _ready_for_vjp(dL_dC, A, B):  # convert what can be converted, explain the rest
        A, B = as_matrix(A, "A"), as_matrix(B, "B")
        check_matmul_shapes(A, B)
        dL_dC = as_float_array(dL_dC, "dL_dC")
        if dL_dC.shape != (A.shape[0], B.shape[1]):
            raise ValueError(
                f"dL_dC must have the shape of C = A @ B, (A's rows, B's columns) = "
                f"{(A.shape[0], B.shape[1])}; got {dL_dC.shape}. The incoming gradient of a "
                f"scalar loss always has the shape of the thing it differentiates.")
    return dL_dC @ B.T, A.T @ dL_dC
