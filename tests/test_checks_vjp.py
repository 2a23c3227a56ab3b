"""The checkers of 04-efficient-vjp (utils/checks/vjp.py): accept correct answers, name each
common mistake."""

from __future__ import annotations

import numpy as np
import pytest
from feedback_asserts import assert_passes, assert_reads, right_forms

from utils import (
    checks,
    solutions,
)

# --- 04-grad-A and 04-grad-B: C = A.T @ B, A (n, m), B (n, p), dL/dC (m, p) -----------------


def _jacobian_of_transposed_product(A, B, wrt):  # dc_ij/da_kl = δ_il b_kj, dc_ij/db_kl = a_ki δ_jl
    return np.einsum("il,kj->ijkl", np.eye(A.shape[1]), B) if wrt == "A" else \
        np.einsum("ki,jl->ijkl", A, np.eye(B.shape[1]))


@pytest.mark.parametrize("mistake, answer", [
    ("result transposed", lambda G, A, B: G @ B.T),  # the C = A B rule copied
    ("transpose missing", lambda G, A, B: B @ G),
    ("wrong side", lambda G, A, B: G.T @ B),
    ("dL/dB instead", lambda G, A, B: A @ G),
    ("elementwise", lambda G, A, B: B * G.T),
    ("jacobian-shaped",
     lambda G, A, B: G[:, :, None, None] * _jacobian_of_transposed_product(A, B, "A")),
    ("jacobian-shaped", lambda G, A, B: _jacobian_of_transposed_product(A, B, "A")),
])
def test_grad_A_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_grad_A(answer)
    assert not feedback.passed
    assert feedback.mistake == mistake, feedback.message


@pytest.mark.parametrize("mistake, answer", [
    ("transpose missing", lambda G, A, B: A.T @ G),  # the C = A B rule copied
    ("wrong side", lambda G, A, B: G @ A),
    ("result transposed", lambda G, A, B: G.T @ A.T),
    ("dL/dA instead", lambda G, A, B: B @ G.T),
    ("elementwise", lambda G, A, B: A * G),
    ("jacobian-shaped",
     lambda G, A, B: G[:, :, None, None] * _jacobian_of_transposed_product(A, B, "B")),
])
def test_grad_B_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_grad_B(answer)
    assert not feedback.passed
    assert feedback.mistake == mistake, feedback.message


def test_grad_hints_are_specific():
    copied = checks.check_grad_A(lambda G, A, B: G @ B.T).message
    assert "the rule for C = A·B copied" in copied and "B · dL/dCᵀ" not in copied
    assert "wrong side" in checks.check_grad_B(lambda G, A, B: G @ A).message
    assert "transposes the left factor" in checks.check_grad_B(lambda G, A, B: A.T @ G).message
    assert "shaped like A" in checks.check_grad_A(
        lambda G, A, B: _jacobian_of_transposed_product(A, B, "A")).message


def test_grad_checker_explains_a_shape_error_on_non_square_inputs():
    def only_for_square(G, A, B):  # right on the square inputs, wrong side otherwise
        if A.shape[0] == A.shape[1] == B.shape[1]:
            return B @ G.T
        return G.T @ B  # the non-square case makes numpy refuse the product

    feedback = checks.check_grad_A(only_for_square)
    assert feedback.mistake == "shape error"
    assert "It worked for square matrices" in feedback.message and "dL/dCᵀ" in feedback.message


def test_grad_checker_reports_wrong_values_with_the_shapes_used():
    feedback = checks.check_grad_B(lambda G, A, B: A @ G + 1.0)
    assert feedback.mistake == "shifted" and "checked with dL/dC (3, 3)" in feedback.message


# --- 04-chain-rule -----------------------------------------------------------------------------


@pytest.mark.parametrize("mistake, answer", [
    ("wrong axes", lambda G, T: np.tensordot(G, T, axes=([0, 1], [2, 3]))),
    ("wrong axes", lambda G, T: np.einsum("kl,ijkl->ij", G, T)),
    ("jacobian-shaped", lambda G, T: G[:, :, None, None] * T),
    ("summed everything", lambda G, T: np.sum(G[:, :, None, None] * T)),
])
def test_chain_rule_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_chain_rule(answer)
    assert not feedback.passed
    assert feedback.mistake == mistake, feedback.message


def test_chain_rule_wrong_axes_hint_says_which_axes():
    feedback = checks.check_chain_rule(lambda G, T: np.tensordot(G, T, axes=([0, 1], [2, 3])))
    assert "LAST two axes" in feedback.message and "dC_dA[i, j, k, l]" in feedback.message


# --- 04-lecture-grad-A (C = A @ B) and 04-challenge-ABAT (C = A @ B @ A.T) ----------------------


def test_new_04_references_agree_with_autograd():
    import autograd.numpy as anp
    from autograd import make_vjp

    rng = np.random.default_rng(0)
    A, B, M = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(4, 4))
    vjp, C = make_vjp(lambda A: anp.dot(A, B))(A)
    G = rng.normal(size=C.shape)
    assert np.allclose(solutions.lecture_grad_A(G, A, B), vjp(G))
    vjp, C = make_vjp(lambda A: anp.dot(anp.dot(A, M), A.T))(A)
    G = rng.normal(size=C.shape)
    assert np.allclose(solutions.sandwich_grad(G, A, M), vjp(G))


def test_new_04_checkers_accept_references_and_other_forms():
    assert checks.check_lecture_grad_A(solutions.lecture_grad_A).passed
    assert checks.check_lecture_grad_A(lambda G, A, B: np.einsum("ij,kj->ik", G, B)).passed
    assert checks.check_sandwich_grad(solutions.sandwich_grad).passed
    assert checks.check_sandwich_grad(lambda G, A, B: G @ A @ B.T + G.T @ A @ B).passed
    for checker in (checks.check_lecture_grad_A, checks.check_sandwich_grad):
        assert checker(lambda G, A, B: ...).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("sign slip", lambda G, A, B: -G @ B.T),
    ("transpose missing", lambda G, A, B: G @ B),
    ("wrong side", lambda G, A, B: B.T @ G),
    ("other layout", lambda G, A, B: B @ G.T),
    ("dL/dB instead", lambda G, A, B: A.T @ G),
    ("elementwise", lambda G, A, B: G * B.T),
    ("jacobian-shaped", lambda G, A, B: np.einsum("ik,lj->ijkl", np.eye(len(A)), B)),
    ("scaled", lambda G, A, B: 2 * G @ B.T),
    ("shifted", lambda G, A, B: G @ B.T + 1.0),
    ("not finite", lambda G, A, B: G @ B.T * np.nan),
    ("not numeric", lambda G, A, B: "G @ B.T"),
])
def test_lecture_grad_A_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_lecture_grad_A(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


@pytest.mark.parametrize("mistake, answer", [
    ("one use only", lambda G, A, B: G @ A @ B.T),
    ("other use only", lambda G, A, B: G.T @ A @ B),
    ("treated as symmetric", lambda G, A, B: 2 * G @ A @ B.T),
    ("transposes swapped", lambda G, A, B: G @ A @ B + G.T @ A @ B.T),
    ("wrong values", lambda G, A, B: G @ A @ B.T - G.T @ A @ B),
])
def test_sandwich_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_sandwich_grad(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


# --- every 04 checker: the right answer in every form, other wrong answers read by the map ------

RIGHT = [(checks.check_lecture_grad_A, solutions.lecture_grad_A),
         (checks.check_grad_A, solutions.grad_A), (checks.check_grad_B, solutions.grad_B),
         (checks.check_chain_rule, solutions.chain_rule),
         (checks.check_sandwich_grad, solutions.sandwich_grad)]


@pytest.mark.parametrize("check, reference", RIGHT, ids=lambda c: getattr(c, "__name__", ""))
def test_04_checkers_accept_the_right_answer_in_every_form(check, reference):
    for form in right_forms(reference):
        assert_passes(check(form))


@pytest.mark.parametrize("check, answer, name, words", [
    (checks.check_lecture_grad_A, lambda G, A, B: G @ A.T, "other operand",
     ("built from A where B belongs",)),  # dC/dA's VJP built from A
    (checks.check_lecture_grad_A, lambda G, A, B: G.T @ B.T, "input transposed",
     ("built from dL_dCᵀ where dL_dC belongs",)),
    (checks.check_lecture_grad_A, lambda G, A, B: 0.5 * G @ B.T, "scaled", ("times 0.5",)),
    (checks.check_lecture_grad_A, lambda G, A, B: (G @ B.T).ravel(), "reshaped",
     ("a flat (9,) where (m, n) = (3, 3)",)),
    (checks.check_lecture_grad_A, lambda G, A, B: np.sum(G @ B.T), "summed",
     ("the sum of all the right entries",)),
    (checks.check_lecture_grad_A, lambda G, A, B: (G @ B.T)[None], "extra axis", ("length 1",)),
    (checks.check_lecture_grad_A,
     lambda G, A, B: G @ B.T * np.arange(1.0, len(G) + 1)[:, None], "factor wrong",
     ("axes 0 (m of (m, n))",)),
    (checks.check_grad_A, lambda G, A, B: A @ G.T, "other operand",
     ("built from A where B belongs",)),
    (checks.check_grad_A, lambda G, A, B: B.T @ G.T, "input transposed",
     ("built from Bᵀ where B belongs",)),
    (checks.check_grad_A, lambda G, A, B: 2 * B @ G.T, "scaled", ("times 2",)),
    (checks.check_grad_A, lambda G, A, B: (B @ G.T).ravel(), "reshaped", ("(n, m) = (3, 3)",)),
    (checks.check_grad_A, lambda G, A, B: (B @ G.T).sum(axis=0), "summed over an axis",
     ("the axis n",)),
    (checks.check_grad_B, lambda G, A, B: B @ G, "other operand",
     ("built from B where A belongs",)),
    (checks.check_grad_B, lambda G, A, B: A @ G.T, "dL/dC transposed",
     ("you used dL/dCᵀ", "row or a column index")),
    (checks.check_grad_B, lambda G, A, B: (A @ G).ravel(), "reshaped", ("(n, p) = (3, 3)",)),
    (checks.check_grad_B, lambda G, A, B: (A @ G)[:, :, None], "extra axis", ("length 1",)),
    (checks.check_grad_B, lambda G, A, B: (A @ G).sum(), "summed", ("sum of all",)),
    (checks.check_chain_rule, lambda G, T: 2 * solutions.chain_rule(G, T), "scaled",
     ("times 2",)),
    (checks.check_chain_rule, lambda G, T: solutions.chain_rule(G, T).ravel(), "reshaped",
     ("a flat (6,) where (A's rows, A's columns) = (2, 3)",)),
    (checks.check_chain_rule, lambda G, T: np.einsum("ij,ijkl->ikl", G, T), "sum missing",
     (".sum(axis=0)",)),  # the sum over C's rows i left out
    (checks.check_chain_rule, lambda G, T: solutions.chain_rule(G, T).T, "transposed",
     ("transposed",)),
    (checks.check_chain_rule, lambda G, T: solutions.chain_rule(G, T) + 1, "shifted",
     ("off by +1",)),
    (checks.check_sandwich_grad, lambda G, A, B: 0.5 * solutions.sandwich_grad(G, A, B),
     "scaled", ("times 0.5",)),
    (checks.check_sandwich_grad, lambda G, A, B: solutions.sandwich_grad(G, A, B).T,
     "transposed", ("transposed",)),
    (checks.check_sandwich_grad, lambda G, A, B: solutions.sandwich_grad(G, A, B).ravel(),
     "reshaped", ("a flat (12,) where (m, n) = (3, 4)",)),
    (checks.check_sandwich_grad, lambda G, A, B: solutions.sandwich_grad(G, A, B) + 0.2,
     "shifted", ("off by +0.2",)),
    (checks.check_sandwich_grad, lambda G, A, B: -solutions.sandwich_grad(G, A, B),
     "sign flipped", ("sign flipped",)),
])
def test_04_checkers_map_reads_other_wrong_answers(check, answer, name, words):
    assert_reads(check(answer), name, *words)


def test_both_factors_transposed_is_named_for_grad_A():
    feedback = checks.check_grad_A(lambda G, A, B: G.T @ B.T)
    assert_reads(feedback, "both transposed", "both factors are transposed")


def test_the_challenge_hint_for_one_use_does_not_hand_over_the_other():
    """Half the answer in hand, the hint names the missing use but never writes its term."""
    for half, missing in ((lambda G, A, B: G @ A @ B.T, "dL/dCᵀ · A B"),
                          (lambda G, A, B: G.T @ A @ B, "dL/dC · A Bᵀ")):
        feedback = checks.check_sandwich_grad(half)
        assert not feedback.passed and missing not in feedback.message, feedback.message
        assert " G " not in feedback.message  # 04 never names dL/dC G


def test_the_lecture_layout_hint_agrees_with_the_notation_page():
    """00a: the course's gradient has its variable's shape, as in the denominator layout; the
    textbook numerator layout writes it transposed."""
    message = checks.check_lecture_grad_A(lambda G, A, B: B @ G.T).message
    assert "numerator layout" in message and "denominator" not in message
