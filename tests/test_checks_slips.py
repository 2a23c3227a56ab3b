"""The slips every checker names (utils/checks/_slips.py): NaN, sign, transpose, a constant
factor, each after an exercise's own mistakes and before the generic "wrong values"."""

from __future__ import annotations

import numpy as np
import pytest

from utils import checks, solutions
from utils.checks._slips import generic_slip, order_swapped

EXPECTED = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@pytest.mark.parametrize("name, answer", [
    ("not finite", np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])),
    ("not finite", EXPECTED * np.array([1.0, np.inf, 1.0])),
    ("sign flipped", -EXPECTED),
    ("transposed", EXPECTED.T),
    ("scaled", EXPECTED / 4),
    (None, EXPECTED + np.eye(2, 3)),
    (None, np.ones(5)),
])
def test_generic_slip_names_each_slip(name, answer):
    slip = generic_slip(np.asarray(answer, dtype=float), EXPECTED, 1e-6, 1e-8)
    assert (slip[0] if slip else None) == name


def test_a_symmetric_matrix_is_not_called_transposed_nor_a_number_scaled():
    symmetric = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert generic_slip(symmetric + 1.0, symmetric, 1e-6, 1e-8) is None
    assert generic_slip(np.array(6.0), np.array(3.0), 1e-6, 1e-8) is None


def test_the_hint_names_the_factor_and_the_first_bad_index():
    assert "times 0.25" in generic_slip(EXPECTED / 4, EXPECTED, 1e-6, 1e-8)[1]
    nan_at_1_2 = np.where(np.arange(6).reshape(2, 3) == 5, np.nan, EXPECTED)
    assert "index (1, 2)" in generic_slip(nan_at_1_2, EXPECTED, 1e-6, 1e-8)[1]


def test_checkers_name_the_slips_through_compare():
    feedback = checks.check_softmax_jacobian(lambda z: np.full((len(z), len(z)), np.nan))
    assert feedback.mistake == "not finite" and feedback.message.startswith("❌")
    assert checks.check_dense_backward(lambda x, kernel, b, G: tuple(
        -g for g in solutions.kernel_backward(x, kernel, b, G))).mistake == "sign flipped"
    own_mistake_first = checks.check_grad_A(lambda G, A, B: G @ B.T)  # = (dL/dA)ᵀ
    assert own_mistake_first.mistake == "result transposed"


def test_results_in_another_order_are_told_by_their_shapes():
    expected = (np.zeros((5, 3)), np.zeros((4, 3)), np.zeros(4))
    names = ("dL_dx", "dL_dW", "dL_db")
    hint = order_swapped(expected[::-1], expected, names)
    assert "(dL_db, dL_dW, dL_dx)" in hint and "(dL_dx, dL_dW, dL_db)" in hint
    assert order_swapped(expected, expected, names) is None           # the right order
    assert order_swapped(expected[:2], expected, names) is None       # one missing: not a swap
    same = (np.zeros(3), np.ones(3))                                   # shapes cannot tell
    assert order_swapped(same[::-1], same, ("a", "b")) is None


@pytest.mark.parametrize("check, zeros", [
    (checks.check_softmax_jacobian, lambda z: np.zeros((len(z), len(z)))),
    (checks.check_grad_A, lambda G, A, B: np.zeros_like(A)),
    (checks.check_grad_B, lambda G, A, B: np.zeros_like(B)),
    (checks.check_lecture_grad_A, lambda G, A, B: np.zeros_like(A)),
    (checks.check_mean_loss_grad, lambda P, Y: np.zeros_like(P)),
])
def test_an_answer_of_zeros_is_called_that_not_a_missing_factor(check, zeros):
    feedback = check(zeros)
    assert feedback.mistake == "all zeros", feedback.message
    assert "all zeros" in feedback.message and "factor" not in feedback.message
