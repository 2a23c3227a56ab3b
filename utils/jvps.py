"""Forward-mode rules, one per line: (t, ans, *args) |--> d(ans), t a tangent of the argument.

The same table as vjps.py read the other way (autograd's numpy_jvps.py beside numpy_vjps.py):
a JVP pushes a direction forward, a VJP pulls a gradient back. Written with primitives, so a
JVP run inside a reverse trace is differentiable (reverse-over-forward Hessian-vector products).
"""

from __future__ import annotations

import numpy as np

from .primitives import (
    add,
    broadcast_to,
    divide,
    exp,
    log,
    matmul,
    mean,
    multiply,
    relu,
    reshape,
    softmax,
    softmax_cross_entropy,
    subtract,
    sum,
    tanh,
    transpose,
)
from .tracing import defjvp, shape_of
from .vjps import kept_axes_shape, mask


def spread(t, ans):
    """A tangent broadcast to the output's shape (an argument that numpy broadcast)."""
    return t if shape_of(t) == shape_of(ans) else broadcast_to(t, shape_of(ans))


defjvp(matmul,       0, lambda t, ans, A, B: t @ B)
defjvp(matmul,       1, lambda t, ans, A, B: A @ t)
defjvp(add,          0, lambda t, ans, x, y: spread(t, ans))
defjvp(add,          1, lambda t, ans, x, y: spread(t, ans))
defjvp(subtract,     0, lambda t, ans, x, y: spread(t, ans))
defjvp(subtract,     1, lambda t, ans, x, y: spread(-t, ans))
defjvp(multiply,     0, lambda t, ans, x, y: spread(t * y, ans))
defjvp(multiply,     1, lambda t, ans, x, y: spread(x * t, ans))
defjvp(divide,       0, lambda t, ans, x, y: spread(t / y, ans))
defjvp(divide,       1, lambda t, ans, x, y: spread(-t * ans / y, ans))
defjvp(transpose,    0, lambda t, ans, x: t.T)
defjvp(tanh,         0, lambda t, ans, x: t * (1.0 - ans * ans))
defjvp(exp,          0, lambda t, ans, x: t * ans)
defjvp(log,          0, lambda t, ans, x: t / x)
defjvp(relu,         0, lambda t, ans, x: t * mask(x))
defjvp(reshape,      0, lambda t, ans, x, shape: reshape(t, shape))
defjvp(broadcast_to, 0, lambda t, ans, x, shape: broadcast_to(t, shape))
defjvp(sum,          0, lambda t, ans, x, axis=None: sum(t, axis=axis))
defjvp(mean,         0, lambda t, ans, x, axis=None: mean(t, axis=axis))
# T |--> S * (T - rowsum(T * S)): the same symmetric softmax Jacobian as the VJP
defjvp(softmax,      0, lambda t, ans, x: ans * (t - reshape(sum(t * ans, axis=-1),
                                                               kept_axes_shape(x, -1))))


# T |--> sum(T * (softmax(logits) - onehot(labels))) / batch
def jvp_softmax_cross_entropy(t, ans, logits, labels):
    onehot = np.eye(shape_of(logits)[1])[np.asarray(labels)]
    return sum(t * (softmax(logits) - onehot)) / shape_of(logits)[0]
defjvp(softmax_cross_entropy, 0, jvp_softmax_cross_entropy)  # noqa: E305
