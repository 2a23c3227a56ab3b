"""Hessian-vector products three ways, and the Hessian itself, against autograd and against
finite differences of the gradient: on every primitive (nested rules) and on random networks."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import hessian as autograd_hessian
from autograd import hessian_vector_product, make_hvp
from hypothesis import given, settings
from hypothesis import strategies as st
from test_forward import CASES

from utils import autodiff as ad
from utils import hessian as hs

seeds = st.integers(min_value=0, max_value=2**16)
routes = st.sampled_from(sorted(hs.HVP_ROUTES))


@settings(max_examples=80, deadline=None)
@given(case=st.sampled_from(sorted(CASES)), route=routes, seed=seeds)
def test_every_route_through_every_primitive_matches_autograd(case, route, seed):
    ours, theirs = CASES[case]
    gen = np.random.default_rng(seed)
    x, v = gen.normal(size=(2, 3)), gen.normal(size=(2, 3))
    np.testing.assert_allclose(hs.hvp(ours, x, v, route), hessian_vector_product(theirs)(x, v),
                               rtol=1e-7, atol=1e-9, err_msg=f"{route} through {case}")


def random_network(gen, depth, width, activation):
    """A random small network's loss as a function of a (width, width) weight matrix."""
    X = gen.normal(size=(5, width))
    Ws = [gen.normal(size=(width, width)) / np.sqrt(width) for _ in range(depth)]
    labels = gen.integers(0, width, size=5)
    act_ours = {"tanh": ad.tanh, "exp-log": lambda z: ad.log(ad.exp(z) + 1.0)}[activation]
    act_theirs = {"tanh": anp.tanh, "exp-log": lambda z: anp.log(anp.exp(z) + 1.0)}[activation]

    def ours(W):
        h = X @ W
        for V in Ws:
            h = act_ours(h) @ V
        return ad.softmax_cross_entropy(h, labels) + 0.01 * ad.sum(W * W)

    def theirs(W):
        h = anp.dot(X, W)
        for V in Ws:
            h = anp.dot(act_theirs(h), V)
        shifted = h - anp.max(h, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[np.arange(5), labels]) + 0.01 * anp.sum(W * W)

    return ours, theirs


@settings(max_examples=25, deadline=None)
@given(depth=st.integers(1, 3), width=st.integers(2, 4),
       activation=st.sampled_from(["tanh", "exp-log"]), seed=seeds)
def test_three_routes_agree_with_autograd_and_finite_differences_on_random_networks(
        depth, width, activation, seed):
    gen = np.random.default_rng(seed)
    ours, theirs = random_network(gen, depth, width, activation)
    W, v = gen.normal(size=(width, width)), gen.normal(size=(width, width))
    their_hvp = make_hvp(theirs)(W)[0](v)
    for route in hs.HVP_ROUTES:
        np.testing.assert_allclose(hs.hvp(ours, W, v, route), their_hvp, rtol=1e-7, atol=1e-9,
                                   err_msg=route)
    np.testing.assert_allclose(hs.hvp_finite_difference(ours, W, v, 1e-5), their_hvp,
                               rtol=1e-4, atol=1e-6)


def autograd_small_network(inputs=4, hidden=3, classes=3, batch=8, seed=0):
    """hessian.small_network's loss in autograd, from the same random draws."""
    gen = np.random.default_rng(seed)
    X = gen.normal(size=(batch, inputs))
    W2 = gen.normal(size=(classes, hidden)) / np.sqrt(hidden)
    labels = gen.integers(0, classes, size=batch)

    def theirs(W):                                 # W (hidden, inputs), W2 (classes, hidden)
        h = anp.dot(anp.tanh(anp.dot(X, W.T)), W2.T)
        shifted = h - anp.max(h, axis=1, keepdims=True)
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        return -anp.mean(log_probs[np.arange(batch), labels])

    return theirs


@settings(max_examples=10, deadline=None)
@given(seed=seeds, hidden=st.integers(1, 4))
def test_the_hessian_is_symmetric_and_matches_autograd(seed, hidden):
    loss, W1 = hs.small_network(inputs=3, hidden=hidden, seed=seed)
    H = hs.hessian(loss, W1)
    assert H.shape == W1.shape + W1.shape
    flat = H.reshape(W1.size, W1.size)
    np.testing.assert_allclose(flat, flat.T, atol=1e-12)
    theirs = autograd_small_network(inputs=3, hidden=hidden, seed=seed)
    np.testing.assert_allclose(H, autograd_hessian(theirs)(W1), rtol=1e-7, atol=1e-10)
    v = np.random.default_rng(seed).normal(size=W1.shape)
    np.testing.assert_allclose((flat @ v.ravel()).reshape(W1.shape),
                               hs.hvp(loss, W1, v), rtol=1e-9, atol=1e-12)


def test_third_order_nests_too():
    """A rule built from primitives is differentiable any number of times: d³/dx³ sum(tanh)."""
    x = np.array([0.3, -0.7])
    third = hs.hvp(lambda x: ad.sum(ad.grad(lambda y: ad.sum(ad.tanh(y)))(x)), x, np.ones(2))
    t = np.tanh(x)
    np.testing.assert_allclose(third, -2 * (1 - t**2) ** 2 + 4 * t**2 * (1 - t**2), rtol=1e-10)


def test_bad_input_is_named():
    f = lambda x: ad.sum(x * x)  # noqa: E731
    with pytest.raises(ValueError, match=r"v must have x's shape \(2,\) .*; got \(3,\)"):
        hs.hvp(f, np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="route must be one of forward-over-reverse"):
        hs.hvp(f, np.ones(2), np.ones(2), route="sideways")
    with pytest.raises(TypeError, match="f must be a function"):
        hs.hessian(None, np.ones(2))
    with pytest.raises(ValueError, match=r"step \(a small positive number\) must lie in"):
        hs.hvp_finite_difference(f, np.ones(2), np.ones(2), step=0.0)
    with pytest.raises(ValueError, match="hidden must be a whole number"):
        hs.small_network(hidden=0)


def test_hvp_costs_times_every_route_at_every_size():
    costs = hs.hvp_costs(sizes=((2, 2), (3, 2)), repeats=1)
    assert list(costs["n"]) == [4, 6]
    assert set(costs) == {"n", "gradient", "n products in a loop", "forming the Hessian",
                          *hs.HVP_ROUTES}
    assert all(np.all(costs[name] > 0) for name in costs)
    with pytest.raises(ValueError, match="repeats"):
        hs.hvp_costs(repeats=0)


@pytest.mark.parametrize("inner", ["grad", "jvp"])
def test_nested_derivatives_keep_their_variables_apart(inner):
    """d/dx [x · d/dy (x·y)] = d/dx x² = 2x: the inner derivative must not see the outer x as
    its own variable (the classic 'perturbation confusion' of nested autodiff)."""
    one = np.array(1.0)

    def outer(x):
        if inner == "grad":
            d_dy = ad.grad(lambda y: x * y)(one)
        else:
            d_dy = ad.jvp(lambda y: x * y, one, one)[1]
        return x * d_dy

    x = np.array(1.5)
    np.testing.assert_allclose(ad.grad(outer)(x), 3.0)
    np.testing.assert_allclose(ad.jvp(outer, x, one)[1], 3.0)
