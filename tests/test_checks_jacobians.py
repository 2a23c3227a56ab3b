"""The checkers of 01-jacobians (utils/checks/jacobians.py): accept correct answers, say "not
done" for the stubs, and name each common mistake."""

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
    check_central_difference,
    check_jacobian_shape,
    check_softmax_jacobian,
)


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


# --- 01-jacobian-shape ------------------------------------------------------------------------

def test_jacobian_shape_accepts_correct_answers():
    assert_passes(check_jacobian_shape(ref.jacobian_of_g))


@pytest.mark.parametrize("form", right_forms(ref.jacobian_of_g), ids=lambda f: f.__name__)
def test_jacobian_shape_accepts_the_right_answer_in_every_form(form):
    assert_passes(check_jacobian_shape(form))


def _set(index, value):  # a Jacobian with one entry replaced by value(x)
    return changed(ref.jacobian_of_g, lambda J, x: J.__setitem__(index, value(x)))


@pytest.mark.parametrize("answer, name, words", [
    (_set((0, 0), lambda x: x[0]), "one entry", ("(0, 0)", "belongs in entry (0, 1)")),
    (_set((0, 2), lambda x: x[2]), "one entry", ("(0, 2)", "factor 2 is missing")),  # x₂²'s 2
    (_set((1, 0), lambda x: np.sin(x[0])), "one entry", ("(1, 0)", "expected 0.8776, got 0.4794")),
    (changed(ref.jacobian_of_g, lambda J, x: J.__setitem__(1, -J[1])), "one row",
     ("row 1", "minus")),
    (lambda x: ref.jacobian_of_g(x).ravel(), "reshaped", ("a flat (6,)", ".reshape(2, 3)")),
    (lambda x: ref.jacobian_of_g(x).ravel().reshape(2, 3, order="F"), "other order",
     ("order='F'",)),
    (lambda x: 3 * ref.jacobian_of_g(x), "scaled", ("times 3",)),
    (lambda x: ref.jacobian_of_g(x)[:, :, None], "extra axis", ("length 1",)),
])
def test_jacobian_shape_map_reads_other_wrong_answers(answer, name, words):
    assert_reads(check_jacobian_shape(answer), name, *words)


@pytest.mark.parametrize("answer", [..., None, stub])
def test_jacobian_shape_stub_is_not_done(answer):
    assert check_jacobian_shape(answer).mistake == "not done"


def test_jacobian_shape_mistakes():
    assert_mistake(check_jacobian_shape(lambda x: ref.jacobian_of_g(x).T), "transposed")
    assert_mistake(check_jacobian_shape(lambda x: ref.jacobian_of_g(x)[0]), "one output only")
    assert_mistake(check_jacobian_shape(lambda x: ref.jacobian_of_g(x) + 0.1), "shifted")
    assert_mistake(check_jacobian_shape(lambda x: np.zeros(6)), "wrong shape")
    assert_mistake(check_jacobian_shape(lambda x: x[5]), "raised")
    assert_mistake(check_jacobian_shape(42), "not a function")


# --- 01-softmax-jacobian ----------------------------------------------------------------------

def softmax_jacobian_by_loops(z):
    s = softmax(z)
    return np.array([[s[i] * ((i == j) - s[j]) for j in range(len(z))] for i in range(len(z))])


def test_softmax_accepts_correct_answers():
    assert_passes(check_softmax_jacobian(ref.softmax_jacobian))
    assert_passes(check_softmax_jacobian(softmax_jacobian_by_loops))


@pytest.mark.parametrize("answer", [..., None, stub])
def test_softmax_stub_is_not_done(answer):
    assert check_softmax_jacobian(answer).mistake == "not done"


@pytest.mark.parametrize("wrong, name", [
    (lambda z: np.diag(softmax(z) * (1 - softmax(z))), "diagonal only"),
    (lambda z: np.diag(softmax(z)), "outer product missing"),
    (lambda z: np.outer(softmax(z), softmax(z)) - np.diag(softmax(z)), "sign flipped"),
    (lambda z: np.diag(softmax(z)) + np.outer(softmax(z), softmax(z))
     - 2 * np.diag(softmax(z) ** 2), "off-diagonal sign flipped"),
    (lambda z: np.full((len(z), len(z)), np.nan), "not finite"),
    (lambda z: np.diag(np.exp(z)) - np.outer(np.exp(z), np.exp(z)), "unnormalised exp(z)"),
    (lambda z: np.diag(np.exp(z - z.max())) - np.outer(np.exp(z - z.max()), np.exp(z - z.max())),
     "unnormalised exp(z)"),
    (lambda z: softmax(z) * (1 - softmax(z)), "diagonal as a vector"),
    (lambda z: -np.outer(softmax(z), softmax(z)), "diagonal term missing"),
    (lambda z: np.diag(z) - np.outer(z, z), "used z instead of s"),
    (lambda z: np.diag(softmax(z)) - 0.5 * np.outer(softmax(z), softmax(z)), "wrong values"),
    (lambda z: np.ones(len(z) + 1), "wrong shape"),
])
def test_softmax_mistakes(wrong, name):
    assert_mistake(check_softmax_jacobian(wrong), name)


def test_softmax_diagonal_as_a_vector_hint_names_the_shapes():
    message = check_softmax_jacobian(lambda z: softmax(z) * (1 - softmax(z))).message
    assert "4×4 matrix" in message and "shape (4,)" in message


@pytest.mark.parametrize("form", right_forms(ref.softmax_jacobian), ids=lambda f: f.__name__)
def test_softmax_jacobian_accepts_the_right_answer_in_every_form(form):
    assert_passes(check_softmax_jacobian(form))


@pytest.mark.parametrize("answer, name, words", [
    (lambda z: np.diag(softmax(z)) - softmax(z) @ softmax(z), "inner for outer",
     ("np.outer(u, v)",)),  # `s @ s` inside the formula
    (lambda z: softmax(z) @ softmax(z), "scalar", ("a scalar where a matrix (n, n)",)),
    (changed(ref.softmax_jacobian, lambda J, z: J.__setitem__(2, -J[2])), "one row",
     ("row 2", "minus")),
    (lambda z: ref.softmax_jacobian(z) + np.diag(np.diag(ref.softmax_jacobian(z))),
     "diagonal", ("on the diagonal", "twice")),
    (lambda z: ref.softmax_jacobian(z).ravel(), "reshaped", ("a flat (16,)",)),
    (lambda z: ref.softmax_jacobian(z) + 0.1, "shifted", ("off by +0.1",)),
    (lambda z: ref.softmax_jacobian(z)[None], "extra axis", ("length 1",)),
])
def test_softmax_jacobian_map_reads_other_wrong_answers(answer, name, words):
    assert_reads(check_softmax_jacobian(answer), name, *words)


def test_wrong_values_name_the_test_input_and_show_expected_against_got():
    feedback = check_softmax_jacobian(lambda z: np.diag(softmax(z)) - 0.5 * np.outer(
        softmax(z), softmax(z)))
    assert "at z = [1, -0.5, 2, 0.3]" in feedback.message
    assert "\n" not in feedback.message and feedback.picture is not None  # a matrix: a picture
    feedback = check_jacobian_shape(lambda x: ref.jacobian_of_g(x) + 0.1)
    assert "at x = [0.5, -1, 2]" in feedback.message and "off by +0.1" in feedback.message
    recognised = check_jacobian_shape(lambda x: ref.jacobian_of_g(x).T)
    assert "at x = [0.5, -1, 2]" in recognised.message and "\n" not in recognised.message


@pytest.mark.parametrize("answer, name", [
    (lambda x: ref.jacobian_of_g(x) + 0j, "complex"),
    (lambda x: [[1.0, None, 2.0], [3.0, 4.0, 5.0]], "None entries"),
])
def test_complex_answers_and_none_entries_get_a_clear_message(answer, name):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        feedback = check_jacobian_shape(answer)
    assert_mistake(feedback, name)
    assert ("real numbers" if name == "complex" else "None") in feedback.message


# --- 01-central-difference --------------------------------------------------------------------

def forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h


def backward_difference(f, x, h):
    return (f(x) - f(x - h)) / h


def central_difference_other_form(f, x, h):
    return 0.5 * (f(x + h) - f(x)) / h + 0.5 * (f(x) - f(x - h)) / h


def five_point(f, x, h):  # a higher-order formula is also accepted
    return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h)


@pytest.mark.parametrize("method, step", [
    (ref.central_difference, 1e-5),
    (ref.central_difference, np.finfo(float).eps ** (1 / 3)),
    (ref.central_difference, 2e-6),
    (central_difference_other_form, 1e-5),
    (five_point, 1e-3),
])
def test_central_difference_accepts_correct_answers(method, step):
    assert_passes(check_central_difference(method, step))


@pytest.mark.parametrize("method, step", [
    (..., ...), (ref.central_difference, ...), (..., 1e-5), (stub, 1e-5), (None, None)])
def test_central_difference_stub_is_not_done(method, step):
    assert check_central_difference(method, step).mistake == "not done"


@pytest.mark.parametrize("method, step, name", [
    (forward_difference, 1e-8, "one-sided difference"),
    (forward_difference, 1e-5, "one-sided difference"),
    (backward_difference, 1e-8, "one-sided difference"),
    (ref.central_difference, 1e-3, "step too large"),
    (ref.central_difference, 1e-2, "step too large"),
    (ref.central_difference, 1e-9, "step too small"),
    (ref.central_difference, 1e-12, "step too small"),
    (lambda f, x, h: (f(x + h) - f(x - h)) / h, 1e-5, "missing factor 2"),
    (lambda f, x, h: f(x), 1e-5, "does not use h"),
    (lambda f, x, h: (f(x + 1e-3) - f(x - 1e-3)) / 2e-3 + 0.1, 1e-5, "does not use h"),
    (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, 1e-5, "precedence slip"),
    (lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h), 1e-5, "sum not difference"),
    (ref.central_difference, -1e-5, "bad step"),
    (ref.central_difference, "1e-5", "bad step"),
    (lambda f, x, h: np.array([1.0, 2.0]), 1e-5, "not a number"),
    (lambda f, x, h: ref.central_difference(f, x, h) if f is np.sin else [1.0, 2.0], 1e-5,
     "not a number"),
    (lambda f, x, h: ref.central_difference(f, x, h) if f is np.sin else "slope", 1e-5,
     "not a number"),
    (lambda f, x: f(x), 1e-5, "raised"),
    (lambda f, x, h: np.cos(x), 1e-5, "wrong for other f"),  # right for sin only
    (lambda f, x, h: ref.central_difference(np.sin, x, h), 1e-5, "wrong for other f"),
])
def test_central_difference_mistakes(method, step, name):
    assert_mistake(check_central_difference(method, step), name)


@pytest.mark.parametrize("form", [
    lambda f, x, h: float(ref.central_difference(f, x, h)),
    lambda f, x, h: np.float64(ref.central_difference(f, x, h)),
    lambda f, x, h: np.array(ref.central_difference(f, x, h)),
    lambda f, x, h: [ref.central_difference(f, x, h)],
])
@pytest.mark.parametrize("step", [1e-5, np.float32(1e-5), np.float64(6e-6)])
def test_central_difference_accepts_the_right_estimate_in_every_form(form, step):
    assert_passes(check_central_difference(form, step))


@pytest.mark.parametrize("method, name, words", [
    (lambda f, x, h: f(x + h) - f(x - h), "not divided by h", ("shrink in step with h",)),
    (lambda f, x, h: (f(x + h) - f(x)) / (2 * h), "scaled", ("times 0.5",)),
    (lambda f, x, h: -ref.central_difference(f, x, h), "sign flipped", ("times -1",)),
    (lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h) ** 2, "divided by h twice",
     ("grow like 1/h",)),
    (lambda f, x, h: 1.01 * ref.central_difference(f, x, h), "scaled", ("times 1.01",)),
    (lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h), "sum not difference", ("a +",)),
])
def test_central_difference_reads_other_wrong_estimates(method, name, words):
    assert_reads(check_central_difference(method, 1e-5), name, *words)


def test_central_difference_without_a_step_checks_the_method_first():
    feedback = check_central_difference(ref.central_difference, ...)
    assert feedback.mistake == "not done" and "good_step" in feedback.message
    assert "works" in feedback.message
    assert_mistake(check_central_difference(forward_difference, ...), "one-sided difference")


def test_central_difference_one_sided_message_reports_the_measured_ratio():
    message = check_central_difference(forward_difference, 1e-5).message
    assert "only 10× smaller" in message


@pytest.mark.filterwarnings("ignore:invalid value encountered in log")
def test_central_difference_float32_and_integer_steps_are_judged_in_float64():
    assert_passes(check_central_difference(ref.central_difference, np.float32(1e-5)))
    assert_mistake(check_central_difference(ref.central_difference, 1), "step too large")


def test_central_difference_precedence_hint_says_what_to_write():
    message = check_central_difference(lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h,
                                       1e-5).message
    assert "/ (2*h)" in message




def test_the_central_difference_hint_says_which_taylor_terms_cancel():
    feedback = check_central_difference(lambda f, x, h: (f(x + h) - f(x)) / h, 1e-5,
                                        record=False)
    assert feedback.mistake == "one-sided difference"
    assert "even powers of h" in feedback.message and "the h terms" not in feedback.message
