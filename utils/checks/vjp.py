"""Checkers of 04-efficient-vjp: dL/dA and dL/dB without the tensor, and the tensor route."""

from __future__ import annotations

import numpy as np

from .. import solutions
from ._feedback import FAIL, Feedback, Mistake, compare, correct, run_learner_function
from .matrix_by_matrix import matmul_exercise_inputs

# The course's helpers that do an exercise's work: its learner's function may not call them.
_TENSOR_OR_VJP = ("utils.matmul.matmul_vjp", "utils.matmul.matmul_jacobian",
                  "utils.matmul.chain_rule_via_tensor", "utils.jacobian", "autograd",
                  "utils.routes", "utils.linear_maps.kron_route_vjp")
LIBRARY = {
    "04-lecture-grad-A": _TENSOR_OR_VJP,
    "04-grad-A": _TENSOR_OR_VJP,
    "04-grad-B": _TENSOR_OR_VJP,
    "04-chain-rule": ("utils.matmul.chain_rule_via_tensor",),
    "04-challenge-ABAT": _TENSOR_OR_VJP,
}


def _jacobian_shaped(exercise: str, answer, jacobian_shape, x_name: str, x_shape):
    """Feedback for a 'gradient' shaped like the whole Jacobian, else None."""
    if np.shape(answer) != tuple(jacobian_shape):
        return None
    return Feedback(False, f"{FAIL} {exercise}: your answer has shape {np.shape(answer)}, the "
                           f"shape of the whole Jacobian C.shape + {x_name}.shape. A VJP returns "
                           f"dL/d{x_name}, shaped like {x_name}: {tuple(x_shape)}. You are "
                           f"missing the sum over C's entries, Σ_ij dL/dc_ij · ∂c_ij/∂{x_name}.",
                    "jacobian-shaped")


def gradient_exercise_inputs(m: int, n: int, p: int, seed: int = 4):
    """Fixed A (n, m), B (n, p), dL/dC (m, p) for C = A.T @ B, the product of 04-grad-A/B."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, m)), rng.standard_normal((n, p)), rng.standard_normal((m, p))


def _gradient_mistakes(wrt: str, dL_dC, A, B) -> list:
    """The usual wrong dL/dA, dL/dB for C = Aᵀ B (all computable when A, B, C are square)."""
    G = dL_dC
    if wrt == "A":
        return [
            Mistake("result transposed", G @ B.T,
                    "you computed dL/dC · Bᵀ, the rule for C = A·B copied. Here the left factor "
                    "is Aᵀ, so that rule gives the gradient of Aᵀ, not of A. "
                    "Derive it with indices: write c_ij as a sum, find the entries of C that "
                    "contain a_kl, and read what you get as a product of two matrices."),
            Mistake("transpose missing", B @ G,
                    "you computed B · dL/dC: one transpose is missing. In C = Aᵀ B, is A's "
                    "column index one of C's row or column indices? Write c_ij out to see."),
            Mistake("wrong side", G.T @ B,
                    "you computed dL/dCᵀ · B: right matrices, wrong side. Write the entry "
                    "∂L/∂a_kl as a sum and see which matrix gives its row index k."),
            Mistake("dL/dB instead", A @ G,
                    "that is built from A, but C is linear in A: dL/dA is built from the other "
                    "factor and dL/dC, and A itself does not appear in it."),
            Mistake("both transposed", G.T @ B.T,
                    "you computed dL/dCᵀ · Bᵀ, the transpose of B · dL/dC: both factors are "
                    "transposed. Write ∂L/∂a_kl as a sum and check which of them must be."),
            Mistake("elementwise", B * G.T,
                    "`*` multiplies entry by entry; the sum the chain rule takes over C's "
                    "entries is a matrix product: use `@`."),
        ]
    return [
        Mistake("transpose missing", A.T @ G,
                "you computed Aᵀ · dL/dC, the rule for C = A·B copied: you multiplied by the "
                "left factor Aᵀ itself, but the rule transposes the left factor. Derive it "
                "with indices: write c_ij as a sum, find the entries of C that contain b_kl, "
                "and read what you get as a product of two matrices."),
        Mistake("wrong side", G @ A,
                "you computed dL/dC · A: right matrices, wrong side. Write ∂L/∂b_kl as a sum "
                "and see which matrix gives its row index k."),
        Mistake("result transposed", G.T @ A.T,
                "you have dL/dB transposed, of shape (p, n): the gradient has B's shape."),
        Mistake("dL/dC transposed", A @ G.T,
                "you used dL/dCᵀ. Write ∂L/∂b_kl as a sum: is the summed index a row or a "
                "column index of C?"),
        Mistake("dL/dA instead", B @ G.T,
                "that is built from B, but C is linear in B: dL/dB is built from the other "
                "factor and dL/dC, and B itself does not appear in it."),
        Mistake("elementwise", A * G,
                "`*` multiplies entry by entry; the sum the chain rule takes over C's "
                "entries is a matrix product: use `@`."),
    ]


_FORMULAS = {"A": "B · dL/dCᵀ", "B": "A · dL/dC"}  # dL/dX for C = Aᵀ B


def _check_matmul_gradient(exercise: str, function, wrt: str) -> Feedback:
    reference = solutions.grad_A if wrt == "A" else solutions.grad_B
    # square first (m = n = p = 3): every wrong product is computable, and each gives
    # different numbers; then m, n, p all different, where only the right shapes fit
    for m, n, p in ((3, 3, 3), (2, 3, 4)):
        A, B, dL_dC = gradient_exercise_inputs(m, n, p)
        x_shape = A.shape if wrt == "A" else B.shape
        answer, feedback = run_learner_function(exercise, function, dL_dC, A, B,
                                                 names={"dL/dC": "mp", "A": "nm", "B": "np"},
                                                 answer="nm" if wrt == "A" else "np")
        shapes = f"dL/dC {dL_dC.shape}, A {A.shape}, B {B.shape}"
        if feedback is not None and feedback.mistake == "raised" and m != n:
            return Feedback(False, f"{feedback.message} It worked for square matrices, so the "
                                   f"shapes give it away: dL/d{wrt} has {wrt}'s shape "
                                   f"{x_shape}; which product of (n, p), (m, p) and (n, m) "
                                   f"matrices, or of their transposes, has that shape?",
                            "shape error")
        if feedback is not None:
            return feedback
        jacobian_shaped = _jacobian_shaped(exercise, answer, dL_dC.shape + x_shape, wrt, x_shape)
        if jacobian_shaped is not None:
            return jacobian_shaped
        mistakes = _gradient_mistakes(wrt, dL_dC, A, B) if m == n == p else []
        feedback = compare(exercise, answer, reference(dL_dC, A, B), mistakes,
                           what=f"dL/d{wrt}", where=f"with {shapes}",
                           axes="n m" if wrt == "A" else "n p",
                           reference=(reference, (dL_dC, A, B)))
        if not feedback.passed:
            return feedback
    return correct(exercise, f"for C = Aᵀ B, dL/d{wrt} = {_FORMULAS[wrt]}, one matrix product "
                             f"and no 4-D tensor.")


def check_grad_A(grad_A) -> Feedback:
    """04-grad-A: the learner's grad_A(dL_dC, A, B) = dL/dA for C = A.T @ B, A of shape (n, m)."""
    return _check_matmul_gradient("04-grad-A", grad_A, "A")


def check_grad_B(grad_B) -> Feedback:
    """04-grad-B: the learner's grad_B(dL_dC, A, B) = dL/dB for C = A.T @ B, B of shape (n, p)."""
    return _check_matmul_gradient("04-grad-B", grad_B, "B")


def chain_rule_exercise_inputs():
    """(dL/dC, dC/dX) pairs for 04-chain-rule: a dense (2, 3, 2, 3) tensor, then a real dC/dA.

    In the first, C and X have the same shape (2, 3), so contracting the wrong pair of axes
    still runs and returns the right shape: only the numbers give it away.
    """
    rng = np.random.default_rng(5)
    dense = (rng.standard_normal((2, 3)), rng.standard_normal((2, 3, 2, 3)))
    A, B, dL_dC = matmul_exercise_inputs(2, 3, 4, seed=6)
    return [dense, (dL_dC, solutions.dC_dA_by_loops(A, B))]


def check_chain_rule(chain_rule) -> Feedback:
    """04-chain-rule: the learner's chain_rule(dL_dC, dC_dA) = Σ_ij dL/dc_ij · dc_ij/dA."""
    exercise = "04-chain-rule"
    for dL_dC, dC_dA in chain_rule_exercise_inputs():
        answer, feedback = run_learner_function(exercise, chain_rule, dL_dC, dC_dA)
        if feedback is not None:
            return feedback
        x_shape = dC_dA.shape[dL_dC.ndim:]
        jacobian_shaped = _jacobian_shaped(exercise, answer, dC_dA.shape, "A", x_shape)
        if jacobian_shaped is not None:
            return jacobian_shaped
        expected = solutions.chain_rule(dL_dC, dC_dA)
        mistakes = [Mistake("summed everything", np.sum(dL_dC[:, :, None, None] * dC_dA),
                            "you summed over all four axes and got one number. Sum over C's "
                            "axes only (i, j), and keep A's axes (k, l): the result is "
                            "shaped like A.")]
        if dC_dA.shape[:2] == dC_dA.shape[2:]:
            mistakes.append(Mistake(
                "wrong axes", np.tensordot(dL_dC, dC_dA, axes=([0, 1], [2, 3])),
                "you contracted dL/dC with the LAST two axes of the tensor (A's axes). In the "
                "convention C.shape + A.shape, the first two axes index c_ij: "
                "dL/da_kl = Σ_ij dL/dc_ij · dC_dA[i, j, k, l]: contract C's axes, the first "
                "ones. Here C and A have the same shape, so the "
                "wrong contraction ran without complaint."))
        feedback = compare(exercise, answer, expected, mistakes, what="dL/dA",
                           where=f"with dL/dC {dL_dC.shape}, dC/dA {dC_dA.shape}",
                           axes=[f"A's {k}" for k in ("rows", "columns")])
        if not feedback.passed:
            return feedback
    return correct(exercise, "dL/dA = Σ_ij dL/dc_ij · ∂c_ij/∂A, a weighted sum of the tensor's "
                             "blocks.")


def _product_inputs(m: int, n: int, p: int, seed: int = 7):
    """A (m, n), B (n, p) and dL/dC (m, p) for the lecture's C = A @ B."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, p)), rng.standard_normal((m, n)), rng.standard_normal((n, p))


def _lecture_mistakes(G, A, B) -> list:
    """The usual wrong dL/dA for C = A B (all computable when m = n = p)."""
    return [
        Mistake("sign slip", -(G @ B.T), "your answer is the right one with its sign flipped: "
                "nothing in C = A B changes a sign, so neither does the VJP."),
        Mistake("transpose missing", G @ B, "you computed dL/dC · B: a transpose is missing. "
                "Compare with the rule of section 3, and check that the shapes give A's (m, n)."),
        Mistake("wrong side", B.T @ G, "you computed Bᵀ · dL/dC: right matrices, wrong side. "
                "Compare the order with the rule of section 3."),
        Mistake("other layout", B @ G.T, "you have dL/dA transposed, as a textbook in the "
                "numerator layout writes it, shaped like Aᵀ (see the notation page, Two "
                "layouts). Our gradients have the shape of their variable, (m, n) like A."),
        Mistake("dL/dB instead", A.T @ G, "that is the gradient for the other operand, B."),
        Mistake("elementwise", G * B.T, "`*` multiplies entry by entry; the sum over C's "
                "entries is a matrix product: use `@`."),
    ]


def check_lecture_grad_A(grad) -> Feedback:
    """04-lecture-grad-A: the learner's grad(dL_dC, A, B) = dL/dA for the lecture's C = A @ B."""
    exercise = "04-lecture-grad-A"
    for m, n, p in ((3, 3, 3), (2, 3, 4)):
        G, A, B = _product_inputs(m, n, p)
        answer, feedback = run_learner_function(exercise, grad, G, A, B, answer="mn",
                                                 names={"dL/dC": "mp", "A": "mn", "B": "np"})
        if feedback is not None:
            return feedback
        shaped = _jacobian_shaped(exercise, answer, G.shape + A.shape, "A", A.shape)
        if shaped is not None:
            return shaped
        feedback = compare(exercise, answer, solutions.lecture_grad_A(G, A, B),
                           _lecture_mistakes(G, A, B) if m == n == p else [], what="dL/dA",
                           where=f"with dL/dC {G.shape}, A {A.shape}, B {B.shape}",
                           axes="m n", reference=(solutions.lecture_grad_A, (G, A, B)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "dL/dA = dL/dC · Bᵀ, (m, p)·(p, n): A's shape, no tensor.")


def check_sandwich_grad(grad) -> Feedback:
    """04-challenge-ABAT: grad(dL_dC, A, B) = dL/dA for C = A @ B @ A.T, A (m, n), B (n, n)."""
    exercise = "04-challenge-ABAT"
    rng = np.random.default_rng(8)
    A, B, G = rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), rng.standard_normal((3, 3))
    answer, feedback = run_learner_function(exercise, grad, G, A, B, answer="mn",
                                             names={"dL/dC": "mm", "A": "mn", "B": "nn"})
    if feedback is not None:
        return feedback
    left, right = G @ A @ B.T, G.T @ A @ B
    mistakes = [
        Mistake("one use only", left, "you have dL/dC · A Bᵀ, the gradient through A's first "
                "use only. A appears twice in A B Aᵀ: add the gradient through its second use, "
                "the right factor Aᵀ (one VJP per use)."),
        Mistake("other use only", right, "you have dL/dCᵀ · A B, the gradient through Aᵀ only. "
                "Add the gradient through the first factor A (one VJP per use)."),
        Mistake("treated as symmetric", 2 * left, "2 dL/dC · A Bᵀ assumes dL/dC and B are "
                "symmetric; they need not be. Write the two uses' gradients out one by one."),
        Mistake("transposes swapped", G @ A @ B + G.T @ A @ B.T, "both uses are there but the "
                "transposes of B sit on the wrong terms: the first A is the left factor of "
                "A · (B Aᵀ), and a left factor's VJP multiplies by the right factor transposed."),
    ]
    feedback = compare(exercise, answer, solutions.sandwich_grad(G, A, B), mistakes,
                       what="dL/dA", where="with dL/dC (3, 3), A (3, 4), B (4, 4)",
                       axes="m n", reference=(solutions.sandwich_grad, (G, A, B)))
    if not feedback.passed:
        return feedback
    return correct(exercise, "dL/dA = dL/dC · A Bᵀ + dL/dCᵀ · A B: one VJP per use of A, "
                             "added.")
