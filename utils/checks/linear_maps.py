"""Checkers of 04a-linear-maps: a differential, the trace trick, the VJP of the inverse, and the
flattened dC/dA as a Kronecker product."""

from __future__ import annotations

import numpy as np

from .. import solutions
from ._feedback import Feedback, Mistake, compare, correct, run_learner_function

# The course's helpers that do an exercise's work: its learner's function may not call them.
LIBRARY = {
    "04a-inverse-differential": ("utils.linear_maps.directional_difference", "autograd"),
    "04a-trace-trick": ("utils.linear_maps.directional_difference", "autograd",
                        "utils.matmul.matmul_jacobian"),
    "04a-inverse-vjp": ("utils.linear_maps.directional_difference", "autograd"),
    "04a-kron-jacobian": ("utils.linear_maps.directional_difference", "autograd",
                          "utils.matmul.matmul_jacobian", "utils.linear_maps.matmul_kron"),
}


def linear_map_inputs(n: int = 3, seed: int = 11):
    """A well-conditioned A (n, n) (its inverse is tame) and a change dA (n, n)."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) + n * np.eye(n)
    return A, rng.standard_normal((n, n))


def _run_on_invertible(exercise: str, function, seed: int, gradient_first: bool = False):
    """(answer, feedback, A, the other input, A⁻¹): the learner's function run on an invertible
    A and a second (n, n) input, dA or dL/dC (passed first when gradient_first)."""
    A, other = linear_map_inputs(seed=seed)
    args = (other, A) if gradient_first else (A, other)
    answer, feedback = run_learner_function(exercise, function, *args)
    return answer, feedback, A, other, np.linalg.inv(A)


def check_inverse_differential(d_inverse) -> Feedback:
    """04a-inverse-differential: the learner's d_inverse(A, dA) = d(A⁻¹) = -A⁻¹ dA A⁻¹."""
    exercise = "04a-inverse-differential"
    answer, feedback, A, dA, inv = _run_on_invertible(exercise, d_inverse, seed=11)
    if feedback is not None:
        return feedback
    mistakes = [
        Mistake("scalar rule", -inv @ inv @ dA,
                "you wrote -A⁻² dA, the scalar rule d(1/a) = -da/a². Matrices do not commute: "
                "differentiate A A⁻¹ = I with the product rule, dA A⁻¹ + A d(A⁻¹) = 0, and keep "
                "each factor where it stands."),
        Mistake("scalar rule, other side", -dA @ inv @ inv,
                "you wrote -dA A⁻², the scalar rule with dA on the left. Matrices do not "
                "commute: differentiate A A⁻¹ = I with the product rule and keep each factor "
                "where it stands."),
        Mistake("sign", inv @ dA @ inv,
                "the sign: from dA A⁻¹ + A d(A⁻¹) = 0 you get A d(A⁻¹) = -dA A⁻¹."),
        Mistake("transposed inverses", -inv.T @ dA @ inv.T,
                "you used A⁻ᵀ: the transposes belong to the VJP rule (the map moved across the "
                "inner product ⟨G, ·⟩, applied to a gradient G), not to the differential, "
                "which applies the map to dA itself."),
        Mistake("finite change", np.linalg.inv(A + dA) - inv,
                "you computed (A + dA)⁻¹ - A⁻¹, a finite change. The differential is the part "
                "of that change that is linear in dA: differentiate A A⁻¹ = I instead."),
        Mistake("inverse of dA", -inv @ np.linalg.inv(dA) @ inv,
                "d(A⁻¹) is linear in dA: dA itself appears once, not inverted."),
    ]
    feedback = compare(exercise, answer, solutions.d_inverse(A, dA), mistakes,
                       what="d(A⁻¹)", where=f"for A and dA of shape {A.shape}", axes="n n",
                       reference=(solutions.d_inverse, (A, dA)))
    if not feedback.passed:
        return feedback
    return correct(exercise, "d(A⁻¹) = -A⁻¹ dA A⁻¹, the product rule applied to A A⁻¹ = I.")


def middle_factor_inputs(seed: int = 12):
    """dL/dC (m, p), A (m, n), M (n, r), B (r, p) with m, n, r, p all different."""
    rng = np.random.default_rng(seed)
    m, n, r, p = 2, 3, 4, 5
    return tuple(rng.standard_normal(s) for s in ((m, p), (m, n), (n, r), (r, p)))


def check_trace_trick(middle_factor_grad) -> Feedback:
    """04a-trace-trick: the learner's middle_factor_grad(dL_dC, A, M, B) = dL/dM for C = A M B."""
    exercise = "04a-trace-trick"
    for square in (True, False):
        if square:
            rng = np.random.default_rng(13)
            G, A, X, B = (rng.standard_normal((3, 3)) for _ in range(4))
        else:
            G, A, X, B = middle_factor_inputs()
        answer, feedback = run_learner_function(exercise, middle_factor_grad, G, A, X, B)
        if feedback is not None:
            return feedback
        mistakes = [] if not square else [
            Mistake("no transposes", A @ G @ B,
                    "you wrote A G B: moving A and B across ⟨·,·⟩ transposes them. Move A "
                    "first, then B; each move transposes the factor it moves."),
            Mistake("left transpose only", A.T @ G @ B,
                    "B has to move across too, and a factor that moves across ⟨·,·⟩ is "
                    "transposed on the right as on the left."),
            Mistake("right transpose only", A @ G @ B.T,
                    "A has to move across too, and a factor that moves across ⟨·,·⟩ is "
                    "transposed on the left as on the right."),
            Mistake("result transposed", B @ G.T @ A,
                    "that is dL/dM transposed: dL/dM has M's shape, so no final transpose."),
            Mistake("A left out", G @ B.T,
                    "A is missing: it multiplies dM too, so it has to move across ⟨·,·⟩ "
                    "like B."),
            Mistake("B left out", A.T @ G,
                    "B is missing: it multiplies dM too, so it has to move across ⟨·,·⟩ "
                    "like A."),
            Mistake("sides swapped", B.T @ G @ A.T,
                    "the factors changed sides: moving across ⟨·,·⟩ transposes a factor but "
                    "keeps its side of dM."),
        ]
        feedback = compare(exercise, answer, solutions.middle_factor_grad(G, A, X, B), mistakes,
                           what="dL/dM", where=f"with A {A.shape}, M {X.shape}, B {B.shape}",
                           axes="n r", reference=(solutions.middle_factor_grad, (G, A, X, B)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "dL = ⟨G, A dM B⟩ = ⟨Aᵀ G Bᵀ, dM⟩, so dL/dM = Aᵀ G Bᵀ.")


def check_inverse_vjp(inverse_vjp) -> Feedback:
    """04a-inverse-vjp: the learner's inverse_vjp(dL_dC, A) = dL/dA for C = A⁻¹."""
    exercise = "04a-inverse-vjp"
    answer, feedback, A, G, inv = _run_on_invertible(exercise, inverse_vjp, seed=14,
                                                     gradient_first=True)
    if feedback is not None:
        return feedback
    mistakes = [
        Mistake("differential applied to G", -inv @ G @ inv,
                "you applied the differential's map to G: -A⁻¹ G A⁻¹. The gradient comes from "
                "moving each A⁻¹ across the inner product ⟨G, d(A⁻¹)⟩ (Exercise 1's "
                "differential) until dA stands alone, and a factor that moves across is "
                "transposed."),
        Mistake("sign", inv.T @ G @ inv.T,
                "the sign: Exercise 1's d(A⁻¹) carries a minus, and moving its factors "
                "across the inner product keeps it."),
        Mistake("G transposed", -inv.T @ G.T @ inv.T,
                "G enters as it is, no Gᵀ: only the factors that move across ⟨G, ·⟩ are "
                "transposed."),
        Mistake("one side only", -inv.T @ G,
                "only the inverse on the left of dA moved across ⟨G, ·⟩: Exercise 1's "
                "d(A⁻¹) has one on each side of dA, and both must move across to leave dA alone."),
        Mistake("one side only", -G @ inv.T,
                "only the inverse on the right of dA moved across ⟨G, ·⟩: Exercise 1's "
                "d(A⁻¹) has one on each side of dA, and both must move across to leave dA alone."),
        Mistake("both on one side", -inv.T @ inv.T @ G,
                "you put both transposed inverses on the left of G, as if the rule were the "
                "scalar -g/a² with a square. In Exercise 1's d(A⁻¹) the nudge dA sits "
                "BETWEEN the two inverses, and G takes its place there."),
        Mistake("both on one side", -G @ inv.T @ inv.T,
                "you put both transposed inverses on the right of G, as if the rule were the "
                "scalar -g/a² with a square. In Exercise 1's d(A⁻¹) the nudge dA sits "
                "BETWEEN the two inverses, and G takes its place there."),
        Mistake("one inverse not transposed", -inv.T @ G @ inv,
                "the right-hand inverse kept its A⁻¹. Moving a factor across the inner "
                "product ⟨G, ·⟩ transposes it, on each side of dA alike."),
        Mistake("one inverse not transposed", -inv @ G @ inv.T,
                "the left-hand inverse kept its A⁻¹. Moving a factor across the inner "
                "product ⟨G, ·⟩ transposes it, on each side of dA alike."),
        Mistake("result transposed", -inv @ G.T @ inv,
                "that is the answer transposed: dL/dA has A's layout, entry (k, l) the change "
                "of L per change of a_kl, so transpose what you return."),
        Mistake("scalar rule", -G / A**2,
                "-G / A² entry by entry is the scalar rule d(1/a) = -da/a². A matrix inverse "
                "mixes all entries: start from Exercise 1's d(A⁻¹) and move its factors "
                "across ⟨G, ·⟩."),
    ]
    feedback = compare(exercise, answer, solutions.inverse_vjp(G, A), mistakes, what="dL/dA",
                       where=f"with A and dL/dC of shape {A.shape}", axes="n n",
                       reference=(solutions.inverse_vjp, (G, A)))
    if not feedback.passed:
        return feedback
    return correct(exercise, "dL/dA = -A⁻ᵀ G A⁻ᵀ: the factors of dA ↦ -A⁻¹ dA A⁻¹ moved "
                             "across the inner product ⟨G, ·⟩, each transposed.")


def check_kron_jacobian(kron_jacobian) -> Feedback:
    """04a-kron-jacobian: the learner's kron_jacobian(A, B) = d vec(C)/d vec(B) for C = A @ B,
    row-major vec (numpy's reshape): C = A B I_p gives A ⊗ I_p, shape (m·p, n·p)."""
    exercise = "04a-kron-jacobian"
    rng = np.random.default_rng(15)
    for m, n, p in ((3, 3, 3), (2, 3, 4)):
        A, B = rng.standard_normal((m, n)), rng.standard_normal((n, p))
        answer, feedback = run_learner_function(exercise, kron_jacobian, A, B)
        if feedback is not None:
            return feedback
        eye = np.eye(p)
        mistakes = [
            Mistake("column-major order", np.kron(eye, A),
                    "I ⊗ A is the column-major (Fortran, MATLAB) Jacobian. numpy's reshape "
                    "reads row after row, and the order of vec decides where each factor of "
                    "the ⊗ stands: use the notebook's row-major rule."),
            Mistake("A transposed", np.kron(A.T, eye),
                    "the factor on the left of B goes in as it is: in vec(K M Q) = (K ⊗ Qᵀ) "
                    "vec(M) only Q, the factor on the right, is transposed."),
            Mistake("by A instead", np.kron(np.eye(m), B.T),
                    "I_m ⊗ Bᵀ is d vec(C)/d vec(A), the Jacobian by the other factor (section "
                    "3). Here B is what changes, the middle factor of a product K B Q."),
            Mistake("the 4-D tensor's layout", np.kron(A, eye).reshape(m, p, n, p)
                    .transpose(0, 2, 1, 3).reshape(m * p, n * p),
                    "those are the tensor's blocks laid out as a matrix of matrices (rows i, k). "
                    "The flattened Jacobian's rows are vec(C), (i, j), and its columns vec(B), "
                    "(k, l): reshape dC/dB to (m·p, n·p) without moving axes."),
            Mistake("both factors", np.kron(A, B),
                    "A ⊗ B would be the map of M ↦ A M Bᵀ. B is what changes here, so it is "
                    "not in the Jacobian: write C as a product K B Q and ask what Q is."),
        ] if (m, n, p) == (3, 3, 3) else []
        feedback = compare(exercise, answer, solutions.kron_jacobian(A, B), mistakes,
                           what="d vec(C)/d vec(B)", where=f"with A {A.shape}, B {B.shape}",
                           axes=["m·p", "n·p"], reference=(solutions.kron_jacobian, (A, B)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "in row-major vec, C = A B I_p gives d vec(C)/d vec(B) = A ⊗ I_p.")
