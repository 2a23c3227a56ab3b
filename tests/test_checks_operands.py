"""A numpy shape error in the learner's function, told in the exercise's letters
(utils/checks/_operands.py), in both routes (forked child, in-process)."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks import (
    _running,
    check_dense_backward,
    check_grad_A,
    check_lecture_grad_A,
    check_used_twice,
    run_learner_function,
)
from utils.checks._operands import spelled


@pytest.fixture(params=["fork", "in-process"])
def route(request, monkeypatch, tmp_path):
    monkeypatch.setattr(_running, "ROUTE", request.param)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return request.param


def lecture_grad_copied_without_transpose(dL_dC, A, B):
    if dL_dC.shape[0] == dL_dC.shape[1]:  # right for the square case: only shapes can tell
        return dL_dC @ B.T
    return dL_dC @ B


def test_a_failing_product_names_both_operands_and_the_product_that_fits(route):
    message = check_lecture_grad_A(lecture_grad_copied_without_transpose).message
    assert "You multiplied dL/dC (m, p) by B (n, p)" in message
    assert "the inner sizes must be equal, and here they are p and n" in message
    assert ("With Bᵀ in place of B, the shapes would be (m, p)·(p, n) = (m, n), the answer's "
            "shape") in message
    assert "dL/dC · Bᵀ" not in message  # the fix told as a change, not as the answer
    assert "gufunc signature" not in message  # numpy's long words are cut


def grad_A_other_side(dL_dC, A, B):
    if A.shape[0] == A.shape[1]:
        return B @ dL_dC.T
    return np.dot(B, dL_dC)


def test_np_dot_is_read_too(route):
    message = check_grad_A(grad_A_other_side).message
    assert "You multiplied B (n, p) by dL/dC (m, p)" in message
    assert ("With dL/dCᵀ in place of dL/dC, the shapes would be (n, p)·(p, m) = (n, m), the "
            "answer's shape") in message


def kernel_grad_from_transposes(x, kernel, b, grad_output):
    return grad_output @ kernel.T, x.T @ grad_output.T, grad_output.sum(axis=0)


def test_a_transposed_argument_is_named_with_its_transpose(route):
    message = check_dense_backward(kernel_grad_from_transposes).message
    assert "You multiplied xᵀ (n_in, N) by grad_outputᵀ (n_out, N)" in message
    assert ("With grad_output in place of grad_outputᵀ, the shapes would be (n_in, N)·(N, n_out) = "
            "(n_in, n_out)") in message


def dense_rule_copied(x, kernel, b, grad_output):  # Dense's G W, with the kernel in W's place
    return grad_output @ kernel, x.T @ grad_output, grad_output.sum(axis=0)


def test_dense_s_rule_copied_to_the_kernel_is_named_in_its_letters(route):
    message = check_dense_backward(dense_rule_copied).message
    assert "You multiplied grad_output (N, n_out) by kernel (n_in, n_out)" in message
    assert ("With kernelᵀ in place of kernel, the shapes would be (N, n_out)·(n_out, n_in) = "
            "(N, n_in)") in message


def broadcast_slip(P, Y):
    return P - Y.T


def test_a_broadcasting_error_names_the_operands(route):
    P, Y = np.ones((4, 3)), np.ones((4, 3))
    value, feedback = run_learner_function("00-test", broadcast_slip, P, Y,
                                           names={"P": ("N", "k"), "Y": ("N", "k")})
    assert "You subtracted P (N, k) and Yᵀ (k, N)" in feedback.message


def compound(dL_dC, A, B):
    return (dL_dC * 2) @ B


def test_a_compound_operand_is_evaluated_only_in_the_child(route):
    G, A, B = np.ones((2, 4)), np.ones((2, 3)), np.ones((3, 4))
    value, feedback = run_learner_function("00-test", compound, G, A, B,
                                           names={"dL/dC": "mp", "A": "mn", "B": "np"})
    named = "You multiplied (dL_dC * 2) (m, p) by B (n, p)" in feedback.message
    assert named == (route == "fork"), feedback.message
    assert feedback.mistake == "raised"


def test_without_names_the_error_is_numpys_own(route):
    value, feedback = run_learner_function("00-test", compound, np.ones((2, 4)), np.ones(1),
                                           np.ones((3, 4)))
    assert "gufunc signature" in feedback.message and "You multiplied" not in feedback.message


@pytest.mark.parametrize("shape, sizes, text", [
    ((2, 4), {2: "m", 4: "p"}, "(m, p)"), ((3,), {3: "n"}, "(n,)"), ((5, 7), {5: "N"}, "(N, 7)"),
])
def test_a_shape_is_spelled_in_letters_where_the_sizes_have_them(shape, sizes, text):
    assert spelled(shape, sizes) == text


def gram_with_a_transposed_term(A, grad_output):
    return grad_output @ A + A.T @ grad_output


def test_a_broadcast_error_in_a_sum_of_gradients_says_which_term_is_off(route):
    """05-used-twice: numpy's shapes (3,5) (5,3) told in the exercise's letters, the odd term
    named (in the child any operand is evaluated; in-process only names and their .T)."""
    message = check_used_twice(gram_with_a_transposed_term).message
    if route == "fork":
        assert "broadcast together with shapes" not in message  # numpy's words cut short
        assert "You added (grad_output @ A) (m, n) and (A.T @ grad_output) (n, m)" in message
        assert "The answer has shape (m, n), and (A.T @ grad_output) (n, m) does not." in message
