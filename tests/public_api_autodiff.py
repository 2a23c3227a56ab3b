"""One working call of each public function of the autodiff and what is built on it: tracing,
primitives (each driven through grad, so its VJP rule runs), forward mode, the Hessian routes
and the by-hand backward pass. tests/public_api.py adds these to CASES: import that module, not
this one (this one uses its Case and arrays)."""

from __future__ import annotations

import numpy as np
from public_api import X23, A, B, Case, rng

from utils import autodiff, by_hand, forward, hessian


def _TANH_LOSS(x):
    return autodiff.sum(autodiff.tanh(x) * x)


PARAMS = by_hand.init_params(3, 4, 2, rng=np.random.default_rng(1))
XB, LB = rng.normal(size=(5, 3)), np.array([0, 1, 1, 0, 1])


def _with_W1(W1):
    return dict(PARAMS, W1=W1)


def _grad_of(primitive):
    """dL/dx of L = sum(primitive(x)) by the autodiff: its VJP rule, driven through grad."""
    def gradient(x):
        return autodiff.grad(lambda x_: autodiff.sum(primitive(x_)))(x)
    return gradient


def _grad_binary(primitive):
    def gradient(x, y):
        return autodiff.grad(lambda x_, y_: autodiff.sum(primitive(x_, y_)), (0, 1))(x, y)
    return gradient


# defvjp and defjvp are given a fresh primitive: rules belong to it, so no other one changes.
AUTODIFF_CASES = [
    Case("autodiff.grad", lambda f, argnums: autodiff.grad(f, argnums)(np.ones(2)),
         dict(f=autodiff.sum, argnums=0), dict(f="callable", argnums="argnums")),
    Case("autodiff.Node", autodiff.Node, dict(value=X23), dict(value="array")),
    Case("tracing.defjvp", autodiff.defjvp,
         dict(primitive=autodiff.Primitive("test", np.sin), argnum=0, rule=lambda t, a, x: t),
         dict(primitive="callable", argnum="seed", rule="callable")),
    Case("forward.jvp", forward.jvp, dict(f=_TANH_LOSS, x=X23, v=-X23),
         dict(f="callable", x="array", v="array")),
    Case("forward.jacobian_forward", forward.jacobian_forward, dict(f=autodiff.tanh, x=X23),
         dict(f="callable", x="array")),
    *[Case(f"hessian.{function.__name__}", function, dict(f=_TANH_LOSS, x=X23, v=-X23),
           dict(f="callable", x="array", v="array"))
      for function in hessian.HVP_ROUTES.values()],
    Case("hessian.hvp", hessian.hvp,
         dict(f=_TANH_LOSS, x=X23, v=-X23, route="reverse-over-forward"),
         dict(f="callable", x="array", v="array", route="choice")),
    Case("hessian.hessian", hessian.hessian, dict(f=_TANH_LOSS, x=X23),
         dict(f="callable", x="array")),
    Case("hessian.hvp_finite_difference", hessian.hvp_finite_difference,
         dict(f=_TANH_LOSS, x=X23, v=-X23, step=1e-5),
         dict(f="callable", x="array", v="array", step="positive")),
    Case("hessian.small_network", lambda inputs, hidden, classes, batch, seed:
         hessian.small_network(inputs, hidden, classes, batch, seed)[1],
         dict(inputs=2, hidden=2, classes=2, batch=3, seed=0),
         dict(inputs="count", hidden="count", classes="count", batch="count", seed="seed")),
    Case("by_hand.init_params", by_hand.init_params, dict(n_in=3, n_hidden=4, n_out=2, rng=None),
         dict(n_in="count", n_hidden="count", n_out="count", rng="rng")),
    Case("by_hand.forward", lambda W1, X, labels, eps: vars(by_hand.forward(
         _with_W1(W1), X, labels, eps)), dict(W1=PARAMS["W1"], X=XB, labels=LB, eps=1e-5),
         dict(W1="matrix", X="matrix", labels="array", eps="positive")),
    Case("by_hand.traced_gradients", lambda W1, X, labels, eps: by_hand.traced_gradients(
         _with_W1(W1), X, labels, eps), dict(W1=PARAMS["W1"], X=XB, labels=LB, eps=1e-5),
         dict(W1="matrix", X="matrix", labels="array", eps="positive")),
    Case("by_hand.gradient_of", by_hand.gradient_of, dict(grads={"W1": X23}, name="W1"),
         dict(grads="anything", name="anything")),
    Case("by_hand.batch_norm_statistics", lambda W1, X: by_hand.batch_norm_statistics(
         _with_W1(W1), X), dict(W1=PARAMS["W1"], X=XB), dict(W1="matrix", X="matrix")),
    Case("by_hand.predict", lambda W1, X, mu, var: by_hand.predict(_with_W1(W1), X, mu, var),
         dict(W1=PARAMS["W1"], X=XB, mu=np.full(4, 0.1), var=np.full(4, 2.0)),
         dict(W1="matrix", X="matrix", mu="array", var="array")),
    Case("tracing.defvjp", autodiff.defvjp,
         dict(primitive=autodiff.Primitive("test", np.sin), argnum=0, rule=lambda g, a, x: g),
         dict(primitive="callable", argnum="seed", rule="callable")),
]
AUTODIFF_CASES += [Case(f"primitives.{name}", _grad_of(getattr(autodiff, name)), dict(x=X23),
               dict(x="autodiff input"))
          for name in ("tanh", "exp", "relu", "sum", "mean", "transpose")]
AUTODIFF_CASES += [Case("primitives.log", _grad_of(autodiff.log), dict(x=np.abs(X23) + 0.5),
               dict(x="autodiff input"))]
AUTODIFF_CASES += [Case(f"primitives.{name}", _grad_binary(getattr(autodiff, name)),
               dict(x=X23, y=X23[::-1] + 0.5), dict(x="autodiff input", y="autodiff input"))
          for name in ("add", "subtract", "multiply")]
AUTODIFF_CASES += [Case("primitives.divide", _grad_binary(autodiff.divide),
               dict(x=X23, y=np.abs(X23[::-1]) + 0.5),
               dict(x="autodiff input", y="autodiff input")),
          Case("primitives.softmax", _grad_of(lambda x: autodiff.softmax(x) * x), dict(x=X23),
               dict(x="autodiff input")),
          Case("primitives.reshape", lambda x, shape: _grad_of(
              lambda x_: autodiff.reshape(x_, shape) * np.arange(6.0).reshape(shape))(x),
               dict(x=X23, shape=(3, 2)), dict(x="autodiff input", shape="shape")),
          Case("primitives.broadcast_to", lambda x, shape: _grad_of(
              lambda x_: autodiff.broadcast_to(x_, shape) * np.arange(12.0).reshape(shape))(x),
               dict(x=X23, shape=(2, 2, 3)), dict(x="autodiff input", shape="shape"))]
AUTODIFF_CASES += [Case("primitives.matmul", _grad_binary(autodiff.matmul), dict(x=A, y=B),
               dict(x="autodiff input", y="autodiff input")),
          Case("primitives.softmax_cross_entropy",
               lambda logits: autodiff.grad(
                   lambda z: autodiff.softmax_cross_entropy(z, np.array([0, 2])))(logits),
               dict(logits=X23), dict(logits="autodiff input"))]
