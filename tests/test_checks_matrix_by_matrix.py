"""The checkers of 03-matrix-by-matrix (utils/checks/matrix_by_matrix.py): accept correct
answers, name each common mistake."""

from __future__ import annotations

import numpy as np
import pytest
from feedback_asserts import assert_passes, assert_reads, changed, right_forms, stub

from utils import (
    checks,
    solutions,
)
from utils.checks.matrix_by_matrix import _tensor_mistakes
from utils.plotting import block_layout

# --- 03-dC-dA and 03-dC-dB ---------------------------------------------------------------------


def dC_dA_by_loops(A, B):
    m, n = A.shape
    p = B.shape[1]
    tensor = np.zeros((m, p, m, n))
    for i in range(m):
        for j in range(p):
            for l in range(n):
                tensor[i, j, i, l] = B[l, j]
    return tensor


def dC_dB_by_loops(A, B):
    m, n = A.shape
    p = B.shape[1]
    tensor = np.zeros((m, p, n, p))
    for i in range(m):
        for j in range(p):
            tensor[i, j, :, j] = A[i, :]
    return tensor




@pytest.mark.parametrize("check, answers", [
    (checks.check_dC_dA, [solutions.dC_dA_by_loops, dC_dA_by_loops]),
    (checks.check_dC_dB, [solutions.dC_dB_by_rule, dC_dB_by_loops]),
    (checks.check_tensor_bytes, [solutions.tensor_bytes,
                                 lambda m, n, p: np.zeros((m, p, m, n)).nbytes]),
    (checks.check_grad_A, [solutions.grad_A, lambda G, A, B: np.einsum("kj,lj->kl", B, G)]),
    (checks.check_grad_B, [solutions.grad_B, lambda G, A, B: (G.T @ A.T).T]),
    (checks.check_chain_rule, [solutions.chain_rule, lambda G, T: np.einsum("ij,ijkl->kl", G, T)]),
])
def test_checker_accepts_correct_answers_and_says_not_done_for_stubs(check, answers):
    for answer in answers:
        feedback = check(answer)
        assert feedback.passed, feedback.message
        assert feedback.message.startswith(checks.PASS)
    for untouched in (..., None, stub):
        feedback = check(untouched)
        assert not feedback.passed and feedback.mistake == "not done"
        assert "not done yet" in repr(feedback)


def _permuted(reference, axes):
    return lambda A, B: reference(A, B).transpose(axes)


TENSOR_MISTAKES = {
    "input axes first": lambda ref: _permuted(ref, (2, 3, 0, 1)),
    "picture axis order": lambda ref: _permuted(ref, (0, 2, 1, 3)),
    "flattened": lambda ref: lambda A, B: ref(A, B).reshape(A.shape[0] * B.shape[1], -1),
    "block picture": lambda ref: lambda A, B: block_layout(ref(A, B)),
}


@pytest.mark.parametrize("mistake", sorted(TENSOR_MISTAKES))
@pytest.mark.parametrize("check, reference", [(checks.check_dC_dA, solutions.dC_dA_by_loops),
                                              (checks.check_dC_dB, solutions.dC_dB_by_rule)])
def test_tensor_checkers_name_the_axis_mistakes(check, reference, mistake):
    feedback = check(TENSOR_MISTAKES[mistake](reference))
    assert not feedback.passed
    assert feedback.mistake == mistake, feedback.message
    assert feedback.message.startswith(checks.FAIL)


def test_dC_dA_checker_names_b_jl_and_missing_delta_and_the_other_tensor():
    b_jl = lambda A, B: np.einsum("ik,jl->ijkl", np.eye(A.shape[0]), B)  # noqa: E731
    assert checks.check_dC_dA(b_jl).mistake == "input axes first"
    no_delta = lambda A, B: np.einsum("ik,lj->ijkl", np.ones((A.shape[0],) * 2), B)  # noqa: E731
    feedback = checks.check_dC_dA(no_delta)
    assert feedback.mistake == "missing delta" and "δ_ik" in feedback.message
    assert checks.check_dC_dA(solutions.dC_dB_by_rule).mistake == "dC/dB instead"


def test_dC_dB_checker_names_missing_delta_and_the_other_tensor():
    no_delta = lambda A, B: np.einsum("ik,jl->ijkl", A, np.ones((B.shape[1],) * 2))  # noqa: E731
    feedback = checks.check_dC_dB(no_delta)
    assert feedback.mistake == "missing delta" and "δ_jl" in feedback.message
    assert checks.check_dC_dB(solutions.dC_dA_by_loops).mistake == "dC/dA instead"


def dC_dA_loops_b_jl(A, B):  # the likeliest loop slip: B[j, l] for B[l, j]
    m, n = A.shape
    p = B.shape[1]
    tensor = np.zeros((m, p, m, n))
    for i in range(m):
        for j in range(p):
            for l in range(n):
                tensor[i, j, i, l] = B[j, l]
    return tensor


def dC_dB_loops_a_ki(A, B):  # the same slip for dC/dB: A[k, i] for A[i, k]
    m, n = A.shape
    p = B.shape[1]
    tensor = np.zeros((m, p, n, p))
    for i in range(m):
        for j in range(p):
            for k in range(n):
                tensor[i, j, k, j] = A[k, i]
    return tensor


def test_tensor_checkers_name_the_swapped_index_loop_slip_instead_of_an_index_error():
    feedback = checks.check_dC_dA(dC_dA_loops_b_jl)
    assert feedback.mistake == "b_jl instead of b_lj", feedback.message
    assert "B[j, l]" in feedback.message and "IndexError" in feedback.message
    assert "B[l, j]" not in feedback.message  # the slip named, the answer line left to write
    feedback = checks.check_dC_dB(dC_dB_loops_a_ki)
    assert feedback.mistake == "a_ki instead of a_ik", feedback.message
    assert "A[k, i]" in feedback.message and "A[i, k]" not in feedback.message


def test_tensor_checker_names_a_function_right_only_for_square_matrices():
    def square_only(A, B):
        n = A.shape[0]  # assumes m = n = p
        tensor = np.zeros((n, n, n, n))
        for i in range(n):
            tensor[i, :, i, :] = B.T
        return tensor

    feedback = checks.check_dC_dA(square_only)
    assert feedback.mistake in ("only square", "raised"), feedback.message


@pytest.mark.parametrize("check, reference", [(checks.check_dC_dA, solutions.dC_dA_by_loops),
                                              (checks.check_dC_dB, solutions.dC_dB_by_rule)])
def test_tensor_checkers_accept_the_right_answer_in_every_form(check, reference):
    for form in right_forms(reference):
        assert_passes(check(form))


def dC_dA_built_from_A(A, B):  # the student's slip: A[l, j] where the rule has B[l, j]
    m, n = A.shape
    tensor = np.zeros((m, B.shape[1], m, n))
    for i in range(m):
        for j in range(B.shape[1]):
            for l in range(n):
                tensor[i, j, i, l] = A[l, j]
    return tensor


def dC_dB_built_from_B(A, B):  # B[i, k] where the rule has A[i, k]
    return np.einsum("ik,jl->ijkl", B[:A.shape[0], :A.shape[1]], np.eye(B.shape[1]))


def _block_changed(reference):
    return changed(reference, lambda T, *_: T.__setitem__((1, 1), T[1, 1] + 0.5))


def _other_order(reference):
    return lambda A, B: reference(A, B).reshape(-1).reshape(reference(A, B).shape, order="F")


@pytest.mark.parametrize("check, answer, name, words", [
    (checks.check_dC_dA, dC_dA_built_from_A, "other operand",
     ("built from A where B belongs", "checked with square A and B")),
    (checks.check_dC_dA, _block_changed(solutions.dC_dA_by_loops), "one block",
     ("block (1, 1)", "off by +0.5")),
    (checks.check_dC_dA, lambda A, B: solutions.dC_dA_by_loops(A, B).transpose(0, 1, 3, 2),
     "axes swapped", ("your axes (m, p, n, m) are expected's (m, p, m, n)",)),
    (checks.check_dC_dA, lambda A, B: 2 * solutions.dC_dA_by_loops(A, B), "scaled",
     ("times 2",)),
    (checks.check_dC_dA, _other_order(solutions.dC_dA_by_loops), "other order", ("order='F'",)),
    (checks.check_dC_dA, lambda A, B: solutions.dC_dA_by_loops(A, B).ravel(), "reshaped",
     ("a flat (48,) where (m, p, m, n) = (2, 4, 2, 3)",)),
    (checks.check_dC_dB, dC_dB_built_from_B, "factor wrong", ("axes 0, 2 (m, n of",)),
    (checks.check_dC_dB, _block_changed(solutions.dC_dB_by_rule), "one block",
     ("block (1, 1)",)),
    (checks.check_dC_dB, lambda A, B: solutions.dC_dB_by_rule(A, B).transpose(0, 1, 3, 2),
     "axes swapped", ("your axes (m, p, p, n) are expected's (m, p, n, p)",)),
    (checks.check_dC_dB, lambda A, B: 0.5 * solutions.dC_dB_by_rule(A, B), "scaled",
     ("times 0.5",)),
    (checks.check_dC_dB, _other_order(solutions.dC_dB_by_rule), "other order", ("order='F'",)),
    (checks.check_dC_dB, lambda A, B: -solutions.dC_dB_by_rule(A, B), "sign flipped",
     ("sign flipped",)),
])
def test_tensor_checkers_map_reads_other_wrong_answers(check, answer, name, words):
    feedback = check(answer)
    assert_reads(feedback, name, *words)
    assert feedback.picture is not None or name in ("axes swapped", "reshaped")


def test_tensor_checker_reports_an_error_instead_of_raising():
    def broken(A, B):
        return A @ A  # (2, 3) @ (2, 3): numpy refuses

    feedback = checks.check_dC_dA(broken)
    assert feedback.mistake == "raised" and "ValueError" in feedback.message
    assert checks.check_dC_dA(42).mistake == "not a function"


def test_tensor_checker_gives_the_difference_for_unrecognised_values():
    feedback = checks.check_dC_dA(lambda A, B: solutions.dC_dA_by_loops(A, B) + 1.0)
    assert feedback.mistake == "shifted" and "off by +1" in feedback.message


# --- 03-tensor-bytes ---------------------------------------------------------------------------


@pytest.mark.parametrize("mistake, answer", [
    ("entries not bytes", lambda m, n, p: m * p * m * n),
    ("bits not bytes", lambda m, n, p: m * p * m * n * 64),
    ("float32 bytes", lambda m, n, p: m * p * m * n * 4),
    ("assumed square", lambda m, n, p: n**4 * 8),
    ("non-zeros only", lambda m, n, p: m * p * n * 8),
    ("gradient bytes", lambda m, n, p: m * n * 8),
    ("dC/dB bytes", lambda m, n, p: m * p * n * p * 8),
    ("C bytes", lambda m, n, p: m * p * 8),
])
def test_tensor_bytes_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_tensor_bytes(answer)
    assert feedback.mistake == mistake, feedback.message


@pytest.mark.parametrize("form", [
    lambda m, n, p: np.int64(m * p * m * n * 8), lambda m, n, p: float(m * p * m * n * 8),
    lambda m, n, p: np.array(m * p * m * n * 8), lambda m, n, p: np.float32(m * p * m * n * 8),
    lambda m, n, p: np.zeros((m, p, m, n)).nbytes])
def test_tensor_bytes_accepts_the_right_number_in_every_form(form):
    assert_passes(checks.check_tensor_bytes(form))


@pytest.mark.parametrize("answer, name, words", [
    (lambda m, n, p: m * p * m * n * 16, "scaled", ("2 times the expected",)),
    (lambda m, n, p: m * m * n * 8, "scaled", ("1/7 of the expected",)),  # p forgotten
    (lambda m, n, p: -m * p * m * n * 8, "sign flipped", ("sign is flipped",)),
    (lambda m, n, p: m * p * m * n * 8 + 1, "wrong values", ("expected 2,520 bytes",)),
    (lambda m, n, p: (m * p * m * n * 8,), "not a number", ("got tuple",)),
    (lambda m, n, p: m * p * m * n * 8 / 16, "not whole", ("a number of bytes is whole",)),
])
def test_tensor_bytes_reads_other_wrong_numbers(answer, name, words):
    assert_reads(checks.check_tensor_bytes(answer), name, *words)


def test_tensor_bytes_checker_says_expected_against_got_in_plain_numbers():
    feedback = checks.check_tensor_bytes(lambda m, n, p: 1234)
    assert feedback.mistake == "wrong values"
    assert "expected 2,520 bytes for m, n, p = 3, 5, 7; got 1234" in feedback.message


def test_tensor_bytes_checker_refuses_an_array():
    feedback = checks.check_tensor_bytes(lambda m, n, p: np.zeros((m, p, m, n)))
    assert feedback.mistake == "not a number"


def test_tensor_bytes_checker_refuses_text_as_not_a_number():
    feedback = checks.check_tensor_bytes(lambda m, n, p: "8 TB")
    assert feedback.mistake == "not a number"
    assert "return one number of bytes; got str '8 TB'" in feedback.message


def test_mistakes_of_each_checker_have_distinct_values():
    """Each listed mistake is told apart: no two give the same array on the fixed inputs."""
    for wrt, reference, other in (("A", solutions.dC_dA_by_loops, solutions.dC_dB_by_rule),
                                  ("B", solutions.dC_dB_by_rule, solutions.dC_dA_by_loops)):
        A, B, _ = checks.matmul_exercise_inputs(2, 3, 4)
        tensor = reference(A, B)
        values = [tensor] + [np.asarray(mistake.value) for mistake in
                             _tensor_mistakes(tensor, other(A, B), wrt, A, B)]
        for a in range(len(values)):
            for b in range(a + 1, len(values)):
                same = values[a].shape == values[b].shape and np.allclose(values[a], values[b])
                assert not same, (wrt, a, b)


# --- 03-batch-jacobian: H = tanh(X @ W.T) row by row, W (p, n) ---------------------------------


def test_batch_jacobian_reference_agrees_with_autograd():
    import autograd.numpy as anp
    from autograd import jacobian

    rng = np.random.default_rng(2)
    X, W = rng.normal(size=(3, 2)), rng.normal(size=(4, 2))        # W (p, n): a map of columns
    J = jacobian(lambda X: anp.tanh(anp.dot(X, W.T)))(X)
    assert J.shape == (3, 4, 3, 2) and np.allclose(solutions.batch_jacobian(X, W), J)


def _batch_blocks(X, W):
    return (1 - np.tanh(X @ W.T) ** 2)[:, :, None] * W[None]  # (N, p, n)


def test_batch_jacobian_checker_accepts_the_reference_and_an_einsum():
    assert checks.check_batch_jacobian(solutions.batch_jacobian).passed
    assert checks.check_batch_jacobian(lambda X, W: np.einsum(
        "rs,rml->rmsl", np.eye(len(X)), _batch_blocks(X, W))).passed
    assert checks.check_batch_jacobian(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("diagonal blocks only", _batch_blocks),
    ("off-diagonal blocks filled", lambda X, W: np.broadcast_to(
        _batch_blocks(X, W)[:, :, None, :], (len(X), W.shape[0], len(X), W.shape[1]))),
    ("tanh factor missing", lambda X, W: np.einsum("rs,ml->rmsl", np.eye(len(X)), W)),
    ("block transposed", lambda X, W: np.einsum("rs,lm->rmsl", np.eye(len(X)), W)
     * (1 - np.tanh(X @ W.T) ** 2)[:, :, None, None]),
    ("other layout", lambda X, W: solutions.batch_jacobian(X, W).transpose(2, 3, 0, 1)),
    ("shifted", lambda X, W: solutions.batch_jacobian(X, W) + 0.5),
    ("scaled", lambda X, W: 2 * solutions.batch_jacobian(X, W)),
])
def test_batch_jacobian_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_batch_jacobian(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def batch_jacobian_tanh_at_the_input(X, W):  # tanh' taken at X instead of at X @ W.T
    J = np.zeros((len(X), W.shape[0], len(X), X.shape[1]))
    for r in range(len(X)):
        J[r, :, r, :] = (1 - np.tanh(X[r]) ** 2)[:, None] * W
    return J


def batch_jacobian_tanh_squared_missing(X, W):  # 1 - H instead of 1 - H²
    H = np.tanh(X @ W.T)
    J = np.zeros((len(X), W.shape[0], len(X), X.shape[1]))
    for r in range(len(X)):
        J[r, :, r, :] = (1 - H[r])[:, None] * W
    return J


@pytest.mark.parametrize("form", right_forms(solutions.batch_jacobian), ids=lambda f: f.__name__)
def test_batch_jacobian_accepts_the_right_answer_in_every_form(form):
    assert_passes(checks.check_batch_jacobian(form))


@pytest.mark.parametrize("answer, name, words", [
    (batch_jacobian_tanh_at_the_input, "factor wrong", ("axes 0, 1 (N, p of (N, p, N, n))",)),
    (batch_jacobian_tanh_squared_missing, "factor wrong", ("axes 0, 1 (N, p of",)),
    (changed(solutions.batch_jacobian, lambda J, *_: J.__setitem__((0, 1), J[0, 1] + 0.5)),
     "one block", ("block (0, 1)",)),
    (lambda X, W: 2 * solutions.batch_jacobian(X, W), "scaled", ("times 2",)),
    (lambda X, W: solutions.batch_jacobian(X, W).ravel(), "reshaped", ("a flat (81,)",)),
    (lambda X, W: -solutions.batch_jacobian(X, W), "sign flipped", ("sign flipped",)),
    (lambda X, W: solutions.batch_jacobian(W, X), "operands swapped", ("X and W swapped",)),
])
def test_batch_jacobian_map_reads_other_wrong_answers(answer, name, words):
    assert_reads(checks.check_batch_jacobian(answer), name, *words)


def test_tensor_bytes_checker_accepts_a_whole_float():
    assert checks.check_tensor_bytes(lambda m, n, p: float(m * p * m * n * 8)).passed


def test_tensor_bytes_checker_refuses_a_fraction_with_a_hint():
    feedback = checks.check_tensor_bytes(lambda m, n, p: m * p * m * n * 8 + 0.5)
    assert not feedback.passed and feedback.mistake == "not whole"
    assert "whole" in feedback.message


@pytest.mark.parametrize("wrt, wrong_eye", [("B", lambda A, B: np.eye(A.shape[1])),
                                            ("B", lambda A, B: np.eye(A.shape[0])),
                                            ("A", lambda A, B: np.eye(A.shape[1]))])
def test_the_rule_with_an_identity_of_the_wrong_size_is_told_which_size_to_ask_for(wrt,
                                                                                  wrong_eye):
    """np.eye(n) where δ_jl needs np.eye(p): the exercise's own question, named as such."""
    if wrt == "B":
        feedback = checks.check_dC_dB(lambda A, B: np.einsum("ik,jl->ijkl", A, wrong_eye(A, B)))
        words = ("δ_jl", "j and l both count columns")
    else:
        feedback = checks.check_dC_dA(lambda A, B: np.einsum("ik,lj->ijkl", wrong_eye(A, B), B))
        words = ("δ_ik", "i and k both count rows")
    assert_reads(feedback, "identity of the wrong size", "the rule is right", *words)
    assert "np.eye(p)" not in feedback.message and "np.eye(m)" not in feedback.message


def test_input_axes_first_on_sizes_all_different_is_not_called_an_index_slip():
    def input_axes_first(A, B):  # right entries B[l, j], in the shape (m, n, m, p)
        m, n = A.shape
        tensor = np.zeros((m, n, m, B.shape[1]))
        for i in range(m):
            for j in range(B.shape[1]):
                for l in range(n):
                    tensor[i, l, i, j] = B[l, j]
        return tensor

    feedback = checks.check_dC_dA(input_axes_first)
    assert_reads(feedback, "input axes first", "wrong order")
    assert "equivalently" not in feedback.message and "b_jl" not in feedback.message
    feedback = checks.check_dC_dB(lambda A, B: solutions.dC_dB_by_rule(A, B).transpose(2, 3, 0, 1))
    assert_reads(feedback, "input axes first", "wrong order")
    assert "equivalently" not in feedback.message


def test_the_tensor_counted_as_if_c_had_a_shape_gets_its_own_hint():
    feedback = checks.check_tensor_bytes(lambda m, n, p: (m * n) ** 2 * 8)
    assert_reads(feedback, "(mn)² entries", "(m·n)² · 8", "shape (m, p)")
