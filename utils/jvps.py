"""Forward-mode rules, one per line: (dot, ans, *args) |--> the tangent of ans, where dot is the
argument's tangent (its dotted version, Ȧ in the lesson) and ans the output.

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


def spread(dot, ans):
    """A tangent broadcast to the output's shape (an argument that numpy broadcast)."""
    return dot if shape_of(dot) == shape_of(ans) else broadcast_to(dot, shape_of(ans))


defjvp(matmul,       0, lambda dot, ans, A, B: dot @ B)
defjvp(matmul,       1, lambda dot, ans, A, B: A @ dot)
defjvp(add,          0, lambda dot, ans, x, y: spread(dot, ans))
defjvp(add,          1, lambda dot, ans, x, y: spread(dot, ans))
defjvp(subtract,     0, lambda dot, ans, x, y: spread(dot, ans))
defjvp(subtract,     1, lambda dot, ans, x, y: spread(-dot, ans))
defjvp(multiply,     0, lambda dot, ans, x, y: spread(dot * y, ans))
defjvp(multiply,     1, lambda dot, ans, x, y: spread(x * dot, ans))
defjvp(divide,       0, lambda dot, ans, x, y: spread(dot / y, ans))
defjvp(divide,       1, lambda dot, ans, x, y: spread(-dot * ans / y, ans))
defjvp(transpose,    0, lambda dot, ans, x: dot.T)
defjvp(tanh,         0, lambda dot, ans, x: dot * (1.0 - ans * ans))
defjvp(exp,          0, lambda dot, ans, x: dot * ans)
defjvp(log,          0, lambda dot, ans, x: dot / x)
defjvp(relu,         0, lambda dot, ans, x: dot * mask(x))
defjvp(reshape,      0, lambda dot, ans, x, shape: reshape(dot, shape))
defjvp(broadcast_to, 0, lambda dot, ans, x, shape: broadcast_to(dot, shape))
defjvp(sum,          0, lambda dot, ans, x, axis=None: sum(dot, axis=axis))
defjvp(mean,         0, lambda dot, ans, x, axis=None: mean(dot, axis=axis))
# dot |--> S * (dot - rowsum(dot * S)), S = ans: the same symmetric softmax Jacobian as the VJP
defjvp(softmax,      0, lambda dot, ans, x: ans * (dot - reshape(sum(dot * ans, axis=-1),
                                                                 kept_axes_shape(x, -1))))


# dot |--> sum(dot * (softmax(logits) - onehot(labels))) / batch
def jvp_softmax_cross_entropy(dot, ans, logits, labels):
    onehot = np.eye(shape_of(logits)[1])[np.asarray(labels)]
    return sum(dot * (softmax(logits) - onehot)) / shape_of(logits)[0]


defjvp(softmax_cross_entropy, 0, jvp_softmax_cross_entropy)
