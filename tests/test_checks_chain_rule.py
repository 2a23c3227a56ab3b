"""The checkers of 02-chain-rule (utils/checks/chain_rule.py): accept correct answers, say
"not done" for the stubs, and name each common mistake."""

from __future__ import annotations

import numpy as np
import pytest
from feedback_asserts import (
    assert_mistake,
    assert_passes,
    assert_reads,
    changed,
    right_forms,
    stub,
)

from utils import solutions as ref
from utils.checks import (
    check_chain_jacobian,
    check_chain_vjp,
)

# --- 02-chain-jacobian ------------------------------------------------------------------------

def chain_jacobian_by_sum(steps, jacobians, x):
    points = [x, steps[0](x), steps[1](steps[0](x))]
    J1, J2, J3 = (jac(point) for jac, point in zip(jacobians, points, strict=True))
    return np.einsum("ij,jk,kl->il", J3, J2, J1)


def chain_jacobian_from_the_loss_side(steps, jacobians, x):
    points = [x]
    for step in steps[:-1]:
        points.append(step(points[-1]))
    product = jacobians[-1](points[-1])
    for jacobian, point in zip(jacobians[-2::-1], points[-2::-1], strict=True):
        product = product @ jacobian(point)
    return product


def test_chain_jacobian_accepts_correct_answers():
    assert_passes(check_chain_jacobian(ref.chain_jacobian))
    assert_passes(check_chain_jacobian(chain_jacobian_by_sum))
    assert_passes(check_chain_jacobian(chain_jacobian_from_the_loss_side))


def test_the_exercise_needs_more_than_the_lessons_two_step_expression():
    """The lesson shows jacobian_f(g(x)) @ jacobian_g(x); two steps of three is not the answer."""
    def lesson_expression(steps, jacobians, x):
        return jacobians[1](steps[0](x)) @ jacobians[0](x)

    assert_mistake(check_chain_jacobian(lesson_expression), "a step left out")


@pytest.mark.parametrize("form", right_forms(ref.chain_jacobian), ids=lambda f: f.__name__)
def test_chain_jacobian_accepts_the_right_answer_in_every_form(form):
    assert_passes(check_chain_jacobian(form))


@pytest.mark.parametrize("answer, name, words", [
    (changed(ref.chain_jacobian, lambda J, *_: J.__setitem__((1, 2), J[1, 2] + 0.5)),
     "one entry", ("in one entry, (1, 2)",)),
    (changed(ref.chain_jacobian, lambda J, *_: J.__setitem__(0, -J[0])), "one row",
     ("row 0", "minus")),
    (changed(ref.chain_jacobian, lambda J, *_: J.__setitem__((slice(None), 1), 0.0)),
     "one column", ("column 1", "zero")),
    (lambda s, j, x: 2 * ref.chain_jacobian(s, j, x), "scaled", ("times 2",)),
    (lambda s, j, x: ref.chain_jacobian(s, j, x).ravel(), "reshaped",
     ("a flat (9,) where (p, n) = (3, 3)",)),
    (lambda s, j, x: ref.chain_jacobian(s, j, x)[None], "extra axis", ("length 1",)),
])
def test_chain_jacobian_map_reads_other_wrong_answers(answer, name, words):
    assert_reads(check_chain_jacobian(answer), name, *words)


@pytest.mark.parametrize("answer", [..., None, stub])
def test_chain_jacobian_stub_is_not_done(answer):
    assert check_chain_jacobian(answer).mistake == "not done"


def _points(s, x):
    return [x, s[0](x), s[1](s[0](x)), s[2](s[1](s[0](x)))]


@pytest.mark.parametrize("wrong, name", [
    (lambda s, j, x: j[0](x) @ j[1](s[0](x)) @ j[2](s[1](s[0](x))), "wrong order"),
    (lambda s, j, x: j[2](x) @ j[1](x) @ j[0](x), "all at x"),
    (lambda s, j, x: j[2](_points(s, x)[3]) @ j[1](_points(s, x)[2]) @ j[0](_points(s, x)[1]),
     "at the outputs"),
    (lambda s, j, x: j[2](s[1](s[0](x))) * j[1](s[0](x)) * j[0](x), "elementwise product"),
    (lambda s, j, x: j[2](s[1](s[0](x))) @ j[1](s[0](x)), "a step left out"),
    (lambda s, j, x: (j[2](s[1](s[0](x))) @ j[1](s[0](x)) @ j[0](x)).T, "transposed"),
])
def test_chain_jacobian_mistakes(wrong, name):
    assert_mistake(check_chain_jacobian(wrong), name)


def test_chain_jacobian_shape_mismatch_in_the_wide_case_is_reported_not_raised():
    def right_only_when_square(s, j, x):
        points = _points(s, x)
        if len(x) == 3:
            return j[2](points[2]) @ j[1](points[1]) @ j[0](x)
        return j[0](x) @ j[1](points[1]) @ j[2](points[2])
    feedback = check_chain_jacobian(right_only_when_square)
    assert_mistake(feedback, "raised")
    assert "only the order whose inner sizes meet fits" in feedback.message


# --- 02-chain-vjp -----------------------------------------------------------------------------

def chain_vjp_by_transposes(u, jacobians):
    for jacobian in jacobians[::-1]:
        u = jacobian.T @ u
    return u


def test_chain_vjp_accepts_correct_answers():
    assert_passes(check_chain_vjp(ref.chain_vjp))
    assert_passes(check_chain_vjp(chain_vjp_by_transposes))


@pytest.mark.parametrize("answer", [..., None, stub])
def test_chain_vjp_stub_is_not_done(answer):
    assert check_chain_vjp(answer).mistake == "not done"


def vjp_wrong_order(u, jacobians):
    for jacobian in jacobians:
        u = u @ jacobian
    return u


def vjp_transposed(u, jacobians):
    for jacobian in reversed(jacobians):
        u = jacobian @ u
    return u


def vjp_as_jvp(u, jacobians):
    for jacobian in jacobians:
        u = jacobian @ u
    return u


@pytest.mark.parametrize("wrong, name", [
    (vjp_wrong_order, "wrong order"),
    (vjp_transposed, "transposed"),
    (vjp_as_jvp, "JVP instead of VJP"),
    (lambda u, js: u @ js[2] @ js[1] if len(u) == 4 else u, "stopped one step short"),
    (lambda u, js: u @ js[1] @ js[0] if len(u) == 4 else u, "last step skipped"),
    (lambda u, js: js[2] @ js[1] @ js[0], "full Jacobian"),
    (lambda u, js: u[None, :] @ js[2] @ js[1] @ js[0], "row vector"),
    (lambda u, js: u, "wrong values"),
    (lambda u, js: js[0] @ u if len(u) == 4 else u, "wrong values"),
    (lambda u, js: u @ (js[2] @ js[1] @ js[0]), "matrix-matrix product"),
    (lambda u, js: u @ np.dot(js[2], np.dot(js[1], js[0])), "matrix-matrix product"),
    (lambda u, js: u @ np.matmul(js[2], js[1]) @ js[0], "matrix-matrix product"),
    (lambda u, js: u @ np.linalg.multi_dot([js[2], js[1], js[0]]), "matrix-matrix product"),
    (lambda u, js: (js[0].T @ js[1].T @ js[2].T) @ u, "matrix-matrix product"),
])
def test_chain_vjp_mistakes(wrong, name):
    assert_mistake(check_chain_vjp(wrong), name)


@pytest.mark.parametrize("form", right_forms(ref.chain_vjp), ids=lambda f: f.__name__)
def test_chain_vjp_accepts_the_right_answer_in_every_form(form):
    assert_passes(check_chain_vjp(form))


@pytest.mark.parametrize("answer, name, words", [
    (changed(ref.chain_vjp, lambda v, *_: v.__setitem__(2, v[2] + 1.0)), "one entry",
     ("in one entry, (2,)",)),
    (lambda u, js: 3 * ref.chain_vjp(u, js), "scaled", ("times 3",)),
    (lambda u, js: -ref.chain_vjp(u, js), "sign flipped", ("sign flipped",)),
    (lambda u, js: ref.chain_vjp(u, js).sum(), "summed", ("the sum of all the right entries",)),
    (lambda u, js: ref.chain_vjp(u, js)[:, None], "extra axis", ("length 1",)),
    (lambda u, js: ref.chain_vjp(u, js) + 0.5, "shifted", ("off by +0.5",)),
])
def test_chain_vjp_map_reads_other_wrong_answers(answer, name, words):
    assert_reads(check_chain_vjp(answer), name, *words)


def test_chain_vjp_full_product_first_gets_the_forward_route_hint():
    message = check_chain_vjp(lambda u, js: u @ (js[2] @ js[1] @ js[0])).message
    assert "full Jacobian product first" in message and "expensive forward route" in message


@pytest.mark.parametrize("vector_products", [
    lambda u, js: np.linalg.multi_dot([u, js[2], js[1], js[0]]),
    lambda u, js: (u[None, :] @ js[2] @ js[1] @ js[0])[0],  # a 1×n row matrix is still a vector
    lambda u, js: np.dot(np.dot(np.dot(u, js[2]), js[1]), js[0]),
])
def test_chain_vjp_accepts_other_vector_matrix_formulations(vector_products):
    assert_passes(check_chain_vjp(vector_products))

