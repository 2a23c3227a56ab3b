"""The checker of 07-second-order (utils/checks/second_order.py): right answers by every route
pass, stubs are not done, and each common wrong answer is named."""

from __future__ import annotations

import re

import numpy as np
import pytest
from feedback_asserts import assert_mistake, assert_passes, stub

from utils import autodiff as ad
from utils import checks, hessian, solutions
from utils.checks.second_order import network_case, second_case


def by_forward_over_reverse(loss, W1, v):
    return ad.jvp(ad.grad(loss), W1, v)[1]


def by_reverse_over_reverse(loss, W1, v):
    return ad.grad(lambda W: ad.sum(ad.grad(loss)(W) * v))(W1)


def by_reverse_over_forward(loss, W1, v):
    return ad.grad(lambda W: ad.jvp(loss, W, v)[1])(W1)


def by_central_difference(loss, W1, v):
    h = 1e-5
    return (ad.grad(loss)(W1 + h * v) - ad.grad(loss)(W1 - h * v)) / (2 * h)


def by_formed_columns(loss, W1, v):
    gradient = ad.grad(loss)
    H = np.stack([ad.jvp(gradient, W1, e.reshape(W1.shape))[1].ravel()
                  for e in np.eye(W1.size)], axis=1)
    return (H @ v.ravel()).reshape(W1.shape)


@pytest.mark.parametrize("answer", [by_reverse_over_reverse, by_reverse_over_forward,
                                    by_forward_over_reverse])
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


PRECOMPUTED = solutions.network_hvp(*network_case())   # like the notebook's global hvp
WRONG = {
    "the gradient": lambda loss, W1, v: ad.grad(loss)(W1),
    "v ignored": lambda loss, W1, v: ad.jvp(ad.grad(loss), W1, np.ones_like(v))[1],
    "gradient times v": lambda loss, W1, v: ad.grad(loss)(W1) * v,
    "huge step": lambda loss, W1, v: (ad.grad(loss)(W1 + v) - ad.grad(loss)(W1 - v)) / 2,
    "wrong sign": lambda loss, W1, v: -by_forward_over_reverse(loss, W1, v),
    "formed the hessian": by_formed_columns,
    "finite difference": by_central_difference,
    "used the library": lambda loss, W1, v: hessian.hvp(loss, W1, v),
    "never ran the loss": lambda loss, W1, v: PRECOMPUTED,
    "whole jvp tuple": lambda loss, W1, v: ad.jvp(ad.grad(loss), W1, v),
    "directional derivative": lambda loss, W1, v: ad.jvp(loss, W1, v)[1],
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_each_common_mistake_is_named(name):
    assert_mistake(checks.check_network_hvp(WRONG[name]), name)


def test_forming_h_says_how_many_runs_and_entries_it_saw():
    feedback = checks.check_network_hvp(by_formed_columns)
    assert_mistake(feedback, "formed the hessian")
    assert "12 times" in feedback.message and "12 entries" in feedback.message
    # 6 runs on 12 entries (half the columns twice over) is not "once per entry"
    def half_formed(loss, W1, v):
        for _ in range(5):
            ad.grad(loss)(W1)
        return ad.jvp(ad.grad(loss), W1, v)[1]

    feedback = checks.check_network_hvp(half_formed)
    assert_mistake(feedback, "formed the hessian")
    assert "6 times" in feedback.message and "once per entry" not in feedback.message


@pytest.mark.parametrize("step", [1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 1e-7])
def test_a_finite_difference_at_any_usable_step_is_named(step):
    def central(loss, W1, v):
        gradient = ad.grad(loss)
        return (gradient(W1 + step * v) - gradient(W1 - step * v)) / (2 * step)

    feedback = checks.check_network_hvp(central)
    assert_mistake(feedback, "finite difference")
    assert "not exact" in feedback.message


def test_utils_hessian_is_refused_however_imported():
    from utils.hessian import hessian as formed
    from utils.hessian import hvp_reverse_over_forward

    for answer in [lambda loss, W1, v: hvp_reverse_over_forward(loss, W1, v),
                   lambda loss, W1, v: np.tensordot(formed(loss, W1), v, 2),
                   lambda loss, W1, v: hessian.hvp_finite_difference(loss, W1, v),
                   solutions.network_hvp]:
        feedback = checks.check_network_hvp(answer)
        assert_mistake(feedback, "used the library")
        assert "utils.hessian" in feedback.message or "reference solution" in feedback.message
    assert_passes(checks.check_network_hvp(by_reverse_over_reverse))   # nothing left behind


def test_an_answer_right_only_on_the_lessons_network_is_refused():
    def lesson_only(loss, W1, v):
        loss(W1)   # runs the loss, but returns the lesson's numbers whatever it is given
        return PRECOMPUTED if W1.shape == (3, 4) else np.zeros(W1.shape)

    feedback = checks.check_network_hvp(lesson_only)
    assert not feedback.passed and "second network" in feedback.message, feedback.message
    assert second_case()[1].shape != network_case()[1].shape


def test_whole_jvp_tuple_says_what_jvp_returns():
    message = checks.check_network_hvp(WRONG["whole jvp tuple"]).message
    assert "(value, tangent)" in message


def test_raising_forgetting_return_and_wrong_shapes_are_feedback():
    def raises(loss, W1, v):
        return ad.grad(loss)(v.T)

    def no_return(loss, W1, v):
        by_forward_over_reverse(loss, W1, v)

    assert_mistake(checks.check_network_hvp(raises), "raised")
    assert_mistake(checks.check_network_hvp(no_return), "no return")
    assert_mistake(checks.check_network_hvp(lambda loss, W1, v: np.ones(5)), "wrong shape")
    assert_mistake(checks.check_network_hvp(lambda loss, W1, v: np.cos(W1) + v),
                   "wrong values")


# 00a's H is a layer's outputs (03, 05) and α an entry of an incoming gradient (04): 07 writes the
# Hessian ∇²L and never names a step α. A bare H or an α in any feedback a learner can get breaks
# the course's "one symbol, one meaning".
STRAY_SYMBOL = re.compile(r"(?<![\w`'\"])H(?![\w`'\"])|α|H·v|Hv\b")


@pytest.mark.parametrize("answer", [*WRONG.values(), by_forward_over_reverse, None, ...,
                                    lambda loss, W1, v: np.ones(5)],
                         ids=[*WRONG, "right", "none", "stub", "wrong shape"])
def test_no_feedback_writes_the_hessian_as_h(answer):
    message = checks.check_network_hvp(answer).message
    assert not STRAY_SYMBOL.search(message), message
