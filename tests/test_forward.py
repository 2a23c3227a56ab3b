"""Forward mode: every primitive's JVP rule against autograd's make_jvp and finite differences,
and the forward-mode Jacobian against autograd's jacobian (hypothesis over inputs)."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import jacobian as autograd_jacobian
from autograd import make_jvp
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import autodiff as ad
from utils import numerical_jacobian

seeds = st.integers(min_value=0, max_value=2**16)
C = np.array([[0.5, -1.0], [0.3, 0.8], [-0.6, 0.2]])
LABELS = np.array([1, 0])


def anp_softmax(x):
    e = anp.exp(x - anp.max(x, axis=-1, keepdims=True))
    return e / anp.sum(e, axis=-1, keepdims=True)


def anp_cross_entropy(logits, labels):
    shifted = logits - anp.max(logits, axis=1, keepdims=True)
    log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.mean(log_probs[np.arange(len(labels)), labels])


# One scalar function of x (2, 3) per primitive, in our autodiff and in autograd; the outer
# tanh / square make each second derivative non-trivial (test_hessian.py reuses this table).
CASES = {
    "matmul": (lambda x: ad.sum(ad.tanh(x @ C)), lambda x: anp.sum(anp.tanh(anp.dot(x, C)))),
    "add (broadcast)": (lambda x: ad.sum(ad.tanh(x + C.T[:1])),
                        lambda x: anp.sum(anp.tanh(x + C.T[:1]))),
    "subtract": (lambda x: ad.sum((C.T - x) * (x - 1.0)), lambda x: anp.sum((C.T - x) * (x - 1.0))),
    "multiply": (lambda x: ad.sum(x * x * C.T), lambda x: anp.sum(x * x * C.T)),
    "divide": (lambda x: ad.sum(x / (x * x + 1.0)), lambda x: anp.sum(x / (x * x + 1.0))),
    "transpose": (lambda x: ad.sum(x.T @ x), lambda x: anp.sum(anp.dot(x.T, x))),
    "tanh": (lambda x: ad.sum(ad.tanh(x)), lambda x: anp.sum(anp.tanh(x))),
    "exp": (lambda x: ad.sum(ad.exp(x * 0.5)), lambda x: anp.sum(anp.exp(x * 0.5))),
    "log": (lambda x: ad.sum(ad.log(x * x + 1.0)), lambda x: anp.sum(anp.log(x * x + 1.0))),
    "relu": (lambda x: ad.sum(ad.relu(x) * x), lambda x: anp.sum(anp.maximum(x, 0.0) * x)),
    "sum (axis)": (lambda x: ad.sum(ad.tanh(ad.sum(x, axis=0))),
                   lambda x: anp.sum(anp.tanh(anp.sum(x, axis=0)))),
    "mean (axis)": (lambda x: ad.sum(ad.exp(ad.mean(x, axis=1))),
                    lambda x: anp.sum(anp.exp(anp.mean(x, axis=1)))),
    "reshape": (lambda x: ad.sum(ad.tanh(ad.reshape(x, (3, 2)) @ C.T)),
                lambda x: anp.sum(anp.tanh(anp.dot(anp.reshape(x, (3, 2)), C.T)))),
    "broadcast_to": (lambda x: ad.sum(ad.tanh(ad.broadcast_to(ad.sum(x, axis=0), (4, 3)))),
                     # autograd's own broadcast_to is not twice differentiable: broadcast by +
                     lambda x: anp.sum(anp.tanh(anp.sum(x, axis=0) + np.zeros((4, 3))))),
    "softmax": (lambda x: ad.sum(ad.softmax(x) * C.T), lambda x: anp.sum(anp_softmax(x) * C.T)),
    "softmax_cross_entropy": (lambda x: ad.softmax_cross_entropy(x * x, LABELS),
                              lambda x: anp_cross_entropy(x * x, LABELS)),
}


def test_the_table_exercises_every_primitive():
    names = {p.name for p in vars(ad).values() if isinstance(p, ad.Primitive)}
    covered = {case.split(" ")[0] for case in CASES}
    assert names <= covered, f"primitives without a case: {names - covered}"


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(sorted(CASES)), seed=seeds)
def test_jvp_of_every_primitive_matches_autograd(case, seed):
    ours, theirs = CASES[case]
    gen = np.random.default_rng(seed)
    x, v = gen.normal(size=(2, 3)), gen.normal(size=(2, 3))
    value, tangent = ad.jvp(ours, x, v)
    their_value, their_tangent = make_jvp(theirs)(x)(v)
    np.testing.assert_allclose(value, their_value, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tangent, their_tangent, rtol=1e-8, atol=1e-10)
    # and both modes agree: J·v = ⟨∇f, v⟩ for a scalar f
    np.testing.assert_allclose(tangent, np.sum(ad.grad(ours)(x) * v), rtol=1e-8, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 4), n=st.integers(1, 4), seed=seeds)
def test_forward_jacobian_matches_autograd_and_finite_differences(m, n, seed):
    gen = np.random.default_rng(seed)
    W = gen.normal(size=(n, 3))

    def ours(x):
        return ad.tanh(x @ W) * ad.exp(x @ W * 0.1)

    x = gen.normal(size=(m, n))
    J = ad.jacobian_forward(ours, x)
    assert J.shape == (m, 3, m, n)
    reference = autograd_jacobian(lambda x: anp.tanh(anp.dot(x, W)) * anp.exp(anp.dot(x, W)
                                                                             * 0.1))(x)
    np.testing.assert_allclose(J, reference, rtol=1e-9, atol=1e-12)
    numeric = numerical_jacobian(lambda x: np.tanh(x @ W) * np.exp(x @ W * 0.1), x)
    np.testing.assert_allclose(J, numeric, rtol=1e-5, atol=1e-7)


def test_jvp_refuses_a_direction_of_another_shape_and_non_functions():
    with pytest.raises(ValueError, match=r"direction v shaped like x \(2, 3\).*\(3, 2\)"):
        ad.jvp(lambda x: ad.sum(x), np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(TypeError, match="jvp needs a function"):
        ad.jvp("f", np.ones(2), np.ones(2))
    with pytest.raises(TypeError, match="v must"):
        ad.jvp(lambda x: ad.sum(x), np.ones(2), None)


def test_a_primitive_without_a_jvp_rule_names_itself():
    sin = ad.Primitive("sin (test)", np.sin)
    ad.defvjp(sin, 0, lambda g, ans, x: g * np.cos(x))
    with pytest.raises(NotImplementedError, match=r"'sin \(test\)' has no JVP rule.*defjvp"):
        ad.jvp(lambda x: ad.sum(sin(x)), np.ones(2), np.ones(2))
