"""Reverse-mode rules, one per line: (g, ans, *args) |--> dL/d(arg), g = dL/d(ans).

Written with the autodiff's own primitives, so each rule is differentiable again: run inside
another trace (forward or reverse), it is traced like any function (Hessian-vector products).
divide's rule for y, -g x / y², sums over the axes y was broadcast along before dividing by y
(constant along them): dividing each term first overflowed huge terms to +inf and -inf, whose
sum is NaN where the true gradient is a number or one infinity.
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
from .tracing import defvjp, primal, shape_of


def unbroadcast(g, shape):
    """Sum g over the axes numpy broadcast an argument of `shape` along, giving it that shape."""
    shape = tuple(shape)
    while len(shape_of(g)) > len(shape):    # axes numpy prepended
        g = sum(g, axis=0)
    for axis, size in enumerate(shape):     # axes of length 1 that were stretched
        if size == 1 and shape_of(g)[axis] != 1:
            g = reshape(sum(g, axis=axis), shape_of(g)[:axis] + (1,) + shape_of(g)[axis + 1:])
    return g


def mask(x):
    """1 where x > 0, else 0: a constant (relu's slope), never differentiated."""
    return (primal(x) > 0).astype(float)


def kept_axes_shape(x, axis):
    """x's shape with the summed axes kept as length 1 (numpy's keepdims)."""
    shape = shape_of(x)
    axes = range(len(shape)) if axis is None else [a % len(shape) for a in np.atleast_1d(axis)]
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def count(x, axis) -> int:
    """How many entries each mean over `axis` averaged."""
    return int(np.prod(shape_of(x))) // int(np.prod(kept_axes_shape(x, axis)))


defvjp(matmul,       0, lambda g, ans, A, B: g @ B.T)
defvjp(matmul,       1, lambda g, ans, A, B: A.T @ g)
defvjp(add,          0, lambda g, ans, x, y: unbroadcast(g, shape_of(x)))
defvjp(add,          1, lambda g, ans, x, y: unbroadcast(g, shape_of(y)))
defvjp(subtract,     0, lambda g, ans, x, y: unbroadcast(g, shape_of(x)))
defvjp(subtract,     1, lambda g, ans, x, y: unbroadcast(-g, shape_of(y)))
defvjp(multiply,     0, lambda g, ans, x, y: unbroadcast(g * y, shape_of(x)))
defvjp(multiply,     1, lambda g, ans, x, y: unbroadcast(g * x, shape_of(y)))
defvjp(divide,       0, lambda g, ans, x, y: unbroadcast(g / y, shape_of(x)))
defvjp(divide,       1, lambda g, ans, x, y: unbroadcast(-g * x, shape_of(y)) / y / y)
defvjp(transpose,    0, lambda g, ans, x: g.T)
defvjp(tanh,         0, lambda g, ans, x: g * (1.0 - ans * ans))
defvjp(exp,          0, lambda g, ans, x: g * ans)
defvjp(log,          0, lambda g, ans, x: g / x)
defvjp(relu,         0, lambda g, ans, x: g * mask(x))   # the mask of the input, not the output
defvjp(reshape,      0, lambda g, ans, x, shape: reshape(g, shape_of(x)))
defvjp(broadcast_to, 0, lambda g, ans, x, shape: unbroadcast(g, shape_of(x)))
# G |--> G copied back over the summed axes (each summand gets the whole of G)
defvjp(sum,          0, lambda g, ans, x, axis=None:
       broadcast_to(reshape(g, kept_axes_shape(x, axis)), shape_of(x)))
# G |--> G copied back, divided by how many entries each mean averaged
defvjp(mean,         0, lambda g, ans, x, axis=None:
       broadcast_to(reshape(g, kept_axes_shape(x, axis)), shape_of(x)) / count(x, axis))
# G |--> S * (G - rowsum(G * S)), S = softmax(x): the softmax Jacobian, never formed
defvjp(softmax,      0, lambda g, ans, x: ans * (g - reshape(sum(g * ans, axis=-1),
                                                               kept_axes_shape(x, -1))))


# G |--> G * (softmax(logits) - onehot(labels)) / batch
def grad_softmax_cross_entropy(g, ans, logits, labels):
    onehot = np.eye(shape_of(logits)[1])[np.asarray(labels)]
    return g * (softmax(logits) - onehot) / shape_of(logits)[0]


defvjp(softmax_cross_entropy, 0, grad_softmax_cross_entropy)
