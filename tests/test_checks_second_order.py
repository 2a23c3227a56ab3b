"""The checker of 07-second-order (utils/checks/second_order.py): right answers by every route
pass, stubs are not done, and each common wrong answer is named."""

from __future__ import annotations

import re

import numpy as np
import pytest
from feedback_asserts import assert_mistake, assert_passes, stub

from utils import autodiff as ad
from utils import checks, hessian, solutions
from utils.checks.second_order import network_case


def by_reverse_over_reverse(loss, W1, v):
    return ad.grad(lambda W: ad.sum(ad.grad(loss)(W) * v))(W1)


def by_reverse_over_forward(loss, W1, v):
    return ad.grad(lambda W: ad.jvp(loss, W, v)[1])(W1)


def by_central_difference(loss, W1, v):
    h = 1e-5
    return (ad.grad(loss)(W1 + h * v) - ad.grad(loss)(W1 - h * v)) / (2 * h)


@pytest.mark.parametrize("answer", [solutions.network_hvp, by_reverse_over_reverse,
                                    by_reverse_over_forward, by_central_difference])
def test_every_route_that_never_forms_h_passes(answer):
    assert_passes(checks.check_network_hvp(answer))


def test_the_reference_agrees_with_autograd_and_the_formed_hessian():
    from autograd import hessian_vector_product
    from test_hessian import autograd_small_network

    loss, W1, v = network_case()
    H = hessian.hessian(loss, W1).reshape(W1.size, W1.size)
    expected = solutions.network_hvp(loss, W1, v)
    np.testing.assert_allclose(expected.ravel(), H @ v.ravel(), rtol=1e-10, atol=1e-12)
    theirs = autograd_small_network(inputs=4, hidden=3, classes=3, batch=8, seed=7)
    np.testing.assert_allclose(expected, hessian_vector_product(theirs)(W1, v), rtol=1e-9)


@pytest.mark.parametrize("answer", [..., None, stub])
def test_stubs_are_not_done(answer):
    feedback = checks.check_network_hvp(answer)
    assert not feedback.passed and feedback.mistake == "not done", feedback.message


WRONG = {
    "the gradient": lambda loss, W1, v: ad.grad(loss)(W1),
    "v ignored": lambda loss, W1, v: hessian.hvp(loss, W1, np.ones_like(v)),
    "gradient times v": lambda loss, W1, v: ad.grad(loss)(W1) * v,
    "huge step": lambda loss, W1, v: (ad.grad(loss)(W1 + v) - ad.grad(loss)(W1 - v)) / 2,
    "wrong sign": lambda loss, W1, v: -solutions.network_hvp(loss, W1, v),
    "formed the hessian": lambda loss, W1, v: np.tensordot(hessian.hessian(loss, W1), v, 2),
    "directional derivative": lambda loss, W1, v: ad.jvp(loss, W1, v)[1],
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_common_mistake_is_named(name):
    assert_mistake(checks.check_network_hvp(WRONG[name]), name)


def test_forming_h_by_hand_column_by_column_is_caught_too():
    def columns(loss, W1, v):
        gradient = ad.grad(loss)
        H = np.stack([ad.jvp(gradient, W1, e.reshape(W1.shape))[1].ravel()
                      for e in np.eye(W1.size)], axis=1)
        return (H @ v.ravel()).reshape(W1.shape)

    feedback = checks.check_network_hvp(columns)
    assert_mistake(feedback, "formed the hessian")
    assert "12 times" in feedback.message


def test_raising_forgetting_return_and_wrong_shapes_are_feedback():
    def raises(loss, W1, v):
        return ad.grad(loss)(v.T)

    def no_return(loss, W1, v):
        solutions.network_hvp(loss, W1, v)

    assert_mistake(checks.check_network_hvp(raises), "raised")
    assert_mistake(checks.check_network_hvp(no_return), "no return")
    assert_mistake(checks.check_network_hvp(lambda loss, W1, v: np.ones(5)), "wrong shape")
    assert_mistake(checks.check_network_hvp(lambda loss, W1, v: np.cos(W1) + v),
                   "wrong values")


# 00a's H is a layer's outputs (03, 05) and α an entry of an incoming gradient (04): 07 writes the
# Hessian ∇²L and never names a step α. A bare H or an α in any feedback a learner can get breaks
# the course's "one symbol, one meaning".
STRAY_SYMBOL = re.compile(r"(?<![\w`'\"])H(?![\w`'\"])|α|H·v|Hv\b")


@pytest.mark.parametrize("answer", [*WRONG.values(), solutions.network_hvp, None, ...,
                                    lambda loss, W1, v: np.ones(5)],
                         ids=[*WRONG, "right", "none", "stub", "wrong shape"])
def test_no_feedback_writes_the_hessian_as_h(answer):
    message = checks.check_network_hvp(answer).message
    assert not STRAY_SYMBOL.search(message), message
