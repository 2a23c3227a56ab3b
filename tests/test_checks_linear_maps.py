"""Checkers of 04a (utils/checks/linear_maps.py): right answers in any form pass, each wrong
answer gets its mistake named, a stub is "not done"."""

from __future__ import annotations

import numpy as np
import pytest

from utils import checks, solutions


def forms(reference):
    """The same right answer written four ways: an array, a list, float32, Fortran order."""
    return {
        "array": reference,
        "list": lambda *a: reference(*a).tolist(),
        "float32": lambda *a: reference(*a).astype(np.float32),
        "fortran": lambda *a: np.asfortranarray(reference(*a)),
    }


CASES = {
    "inverse_differential": (checks.check_inverse_differential, solutions.d_inverse, {
        "scalar rule": lambda A, dA: -np.linalg.inv(A) @ np.linalg.inv(A) @ dA,
        "scalar rule, other side": lambda A, dA: -dA @ np.linalg.inv(A @ A),
        "sign": lambda A, dA: np.linalg.inv(A) @ dA @ np.linalg.inv(A),
        "transposed inverses": lambda A, dA: -np.linalg.inv(A).T @ dA @ np.linalg.inv(A).T,
        "finite change": lambda A, dA: np.linalg.inv(A + dA) - np.linalg.inv(A),
        "inverse of dA": lambda A, dA: -np.linalg.inv(A) @ np.linalg.inv(dA) @ np.linalg.inv(A),
    }),
    "trace_trick": (checks.check_trace_trick, solutions.middle_factor_grad, {
        "no transposes": lambda G, A, M, B: A @ G @ B,
        "left transpose only": lambda G, A, M, B: A.T @ G @ B,
        "right transpose only": lambda G, A, M, B: A @ G @ B.T,
        "result transposed": lambda G, A, M, B: (A.T @ G @ B.T).T,
        "A left out": lambda G, A, M, B: G @ B.T,
        "B left out": lambda G, A, M, B: A.T @ G,
        "sides swapped": lambda G, A, M, B: B.T @ G @ A.T,
    }),
    "inverse_vjp": (checks.check_inverse_vjp, solutions.inverse_vjp, {
        "differential applied to G": lambda G, A: -np.linalg.inv(A) @ G @ np.linalg.inv(A),
        "sign": lambda G, A: np.linalg.inv(A).T @ G @ np.linalg.inv(A).T,
        "G transposed": lambda G, A: -np.linalg.inv(A).T @ G.T @ np.linalg.inv(A).T,
        "one side only": lambda G, A: -np.linalg.inv(A).T @ G,
        "scalar rule": lambda G, A: -G / A**2,
    }),
    "inverse_vjp, more slips": (checks.check_inverse_vjp, solutions.inverse_vjp, {
        "both on one side": lambda G, A: -np.linalg.inv(A).T @ np.linalg.inv(A).T @ G,
        "one inverse not transposed": lambda G, A: -np.linalg.inv(A).T @ G @ np.linalg.inv(A),
        "result transposed": lambda G, A: -np.linalg.inv(A) @ G.T @ np.linalg.inv(A),
    }),
    "inverse_vjp, mirrored slips": (checks.check_inverse_vjp, solutions.inverse_vjp, {
        "both on one side": lambda G, A: -G @ np.linalg.inv(A).T @ np.linalg.inv(A).T,
        "one inverse not transposed": lambda G, A: -np.linalg.inv(A) @ G @ np.linalg.inv(A).T,
        "one side only": lambda G, A: -G @ np.linalg.inv(A).T,
    }),
    "kron_jacobian": (checks.check_kron_jacobian, solutions.kron_jacobian, {
        "column-major order": lambda A, B: np.kron(np.eye(B.shape[1]), A),
        "A transposed": lambda A, B: np.kron(A.T, np.eye(B.shape[1])),
        "by A instead": lambda A, B: np.kron(np.eye(A.shape[0]), B.T),
        "the 4-D tensor's layout": lambda A, B: solutions.dC_dB_by_rule(A, B)
        .transpose(0, 2, 1, 3).reshape(A.shape[0] * B.shape[1], B.size),
        "both factors": lambda A, B: np.kron(A, B),
    }),
}


@pytest.mark.parametrize("exercise", CASES)
def test_a_right_answer_passes_in_every_form(exercise):
    checker, reference, _ = CASES[exercise]
    for form, answer in forms(reference).items():
        feedback = checker(answer)
        assert feedback.passed, (form, feedback.message)


def test_the_kronecker_jacobian_may_also_be_the_tensor_reshaped():
    def by_reshape(A, B):
        m, p = A.shape[0], B.shape[1]
        return solutions.dC_dB_by_rule(A, B).reshape(m * p, B.size)

    assert checks.check_kron_jacobian(by_reshape).passed


@pytest.mark.parametrize("exercise, name", [(e, n) for e in CASES for n in CASES[e][2]])
def test_each_wrong_answer_gets_its_mistake_named(exercise, name):
    checker, _, wrong = CASES[exercise]
    feedback = checker(wrong[name])
    assert not feedback.passed and feedback.mistake == name, (name, feedback.message)
    assert feedback.message.startswith("❌ 04a-")


@pytest.mark.parametrize("exercise", CASES)
def test_a_stub_is_not_done_yet(exercise):
    checker = CASES[exercise][0]
    feedback = checker(lambda *args: ...)
    assert feedback.mistake == "not done" and "not done yet" in feedback.message
    assert checker(...).mistake == "not done"


def test_every_exercise_has_a_reference_solution():
    for name in ("04a-inverse-differential", "04a-trace-trick", "04a-inverse-vjp",
                 "04a-kron-jacobian"):
        assert name in solutions.REFERENCES
