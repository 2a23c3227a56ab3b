"""The checkers of 04-efficient-vjp (utils/checks/vjp.py): accept correct answers, name each
common mistake."""

from __future__ import annotations

import numpy as np
import pytest

from utils import (
    checks,
    numerical_jacobian,
)

# --- 04-grad-A and 04-grad-B: C = A.T @ B, A (n, m), B (n, p), dL/dC (m, p) -----------------


def _jacobian_of_transposed_product(A, B, wrt):
    return numerical_jacobian(lambda X: X.T @ B, A) if wrt == "A" else \
        numerical_jacobian(lambda X: A.T @ X, B)


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
    assert "dL/dA = B · dL/dCᵀ" in checks.check_grad_A(lambda G, A, B: G @ B.T).message
    assert "wrong side" in checks.check_grad_B(lambda G, A, B: G @ A).message
    assert "(Aᵀ)ᵀ = A" in checks.check_grad_B(lambda G, A, B: A.T @ G).message
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
    feedback = checks.check_grad_B(lambda G, A, B: 3 * A @ G)
    assert feedback.mistake == "wrong values" and "checked with dL/dC (3, 3)" in feedback.message


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
    assert "LAST two axes" in feedback.message and "dC_dX[i, j, k, l]" in feedback.message
