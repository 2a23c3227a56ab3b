"""The autodiff's primitives: numpy functions that record themselves when given a Box.

Their derivative rules are in vjps.py (reverse mode) and jvps.py (forward mode), written with
these same primitives so that a rule is differentiable again (Hessians). The operators of every
Box (+, -, *, /, @, .T, .sum()) call these primitives.
"""

from __future__ import annotations

import numpy as np

from .tracing import Box, Primitive
from .validation import as_float_array, check_labels


def check_matmul(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"matmul needs matrices (m, n) and (n, p); got shapes {A.shape} and "
                         f"{B.shape}")
    return A @ B


def softmax_value(logits):
    """softmax of each row, by the stable shift by the row's maximum."""
    shifted = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def softmax_cross_entropy_value(logits, labels):
    """Mean over rows of -log softmax(logits)[label], by the stable log-sum-exp."""
    logits = np.asarray(as_float_array(logits, "logits"), dtype=float)
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"softmax_cross_entropy needs logits of shape (batch, classes); got "
                         f"shape {logits.shape}")
    labels = check_labels(labels, *logits.shape)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


def check_shape(shape, infer: bool = False) -> tuple:
    """A shape as a tuple of sizes >= 0 (reshape may leave one -1 to infer), or a clear error."""
    entries = tuple(shape) if isinstance(shape, (tuple, list)) else None
    if entries is None or any(isinstance(s, bool) or not isinstance(s, (int, np.integer))
                              for s in entries):
        raise TypeError(f"shape must be a tuple of whole numbers; got {shape!r:.60}")
    if any(s < 0 for s in entries if not (infer and s == -1)) or (
            infer and entries.count(-1) > 1):
        allowed = " (one of them may be -1, to infer it)" if infer else ""
        raise ValueError(f"shape must hold sizes >= 0{allowed}; got {shape!r:.60}")
    return tuple(int(s) for s in entries)


matmul = Primitive("matmul", check_matmul)
add = Primitive("add", np.add)
subtract = Primitive("subtract", np.subtract)
multiply = Primitive("multiply", np.multiply)
divide = Primitive("divide", np.divide)
transpose = Primitive("transpose", np.transpose)
tanh = Primitive("tanh", np.tanh)
exp = Primitive("exp", np.exp)
log = Primitive("log", np.log)
relu = Primitive("relu", lambda x: np.maximum(x, 0.0))
sum = Primitive("sum", lambda x, axis=None: np.sum(x, axis=axis), ("axis",))  # noqa: A001
mean = Primitive("mean", lambda x, axis=None: np.mean(x, axis=axis), ("axis",))
reshape = Primitive("reshape", lambda x, shape: np.reshape(x, check_shape(shape, infer=True)))
broadcast_to = Primitive("broadcast_to",
                         lambda x, shape: np.broadcast_to(x, check_shape(shape)).copy())
softmax = Primitive("softmax", softmax_value)
softmax_cross_entropy = Primitive("softmax_cross_entropy", softmax_cross_entropy_value)

Box.__add__ = lambda self, other: add(self, other)
Box.__radd__ = lambda self, other: add(other, self)
Box.__sub__ = lambda self, other: subtract(self, other)
Box.__rsub__ = lambda self, other: subtract(other, self)
Box.__mul__ = lambda self, other: multiply(self, other)
Box.__rmul__ = lambda self, other: multiply(other, self)
Box.__truediv__ = lambda self, other: divide(self, other)
Box.__rtruediv__ = lambda self, other: divide(other, self)
Box.__neg__ = lambda self: multiply(-1.0, self)
Box.__matmul__ = lambda self, other: matmul(self, other)
Box.__rmatmul__ = lambda self, other: matmul(other, self)
Box.T = property(lambda self: transpose(self))


def box_sum(self, axis=None, **numpy_keywords):
    """x.sum(axis) on a traced value. np.sum(x) calls this too, adding out= and dtype=: refused
    by name, since a numpy function would drop the trace (and with it the derivative)."""
    if numpy_keywords:
        raise TypeError(f"np.sum was given a traced value ({type(self).__name__}, inside "
                        f"ad.grad or ad.jvp): numpy's functions do not trace, so the "
                        f"derivative would be lost. Use the autodiff's own sum, ad.sum(x) "
                        f"(or x.sum()).")
    return sum(self, axis=axis)


Box.sum = box_sum
