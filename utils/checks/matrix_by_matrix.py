"""Checkers of 03-matrix-by-matrix: the 4-D tensors dC/dA and dC/dB, and their bytes."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import solutions
from ..plotting._matrices import block_layout
from ._feedback import FAIL, Feedback, Mistake, compare, correct, run_learner_function

_TENSOR = ("utils.matmul.matmul_jacobian", "utils.jacobian")  # refused in these (_library)
LIBRARY = {"03-dC-dA": _TENSOR, "03-dC-dB": _TENSOR, "03-batch-jacobian": _TENSOR,
           "03-tensor-bytes": ("utils.costs.matmul_costs", "utils.costs.MatmulCosts")}

_AXES = {"A": "m p m n", "B": "m p n p"}  # dC/dX's axes in the exercise's letters


def matmul_exercise_inputs(m: int = 2, n: int = 3, p: int = 4, seed: int = 3):
    """Fixed A (m, n), B (n, p), dL/dC (m, p) for the 03 and 04 checkers (m, n, p distinct)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((n, p)), rng.standard_normal((m, p))


def _reference(wrt: str):
    return solutions.dC_dA_by_loops if wrt == "A" else solutions.dC_dB_by_rule


def _expected_tensor(wrt: str, A, B) -> np.ndarray:
    return _reference(wrt)(A, B)


def _tensor_mistakes(tensor, other, wrt: str, A, B):
    """The usual wrong versions of dC/dX (X = wrt) of C = A @ B; `other` is dC/d(the other)."""

    m, p = tensor.shape[:2]
    x_rows, x_cols = tensor.shape[2:]
    other_name = "B" if wrt == "A" else "A"
    if wrt == "A":
        no_delta = np.broadcast_to(B.T[None, :, None, :], tensor.shape)  # b_lj for every i, k
        no_delta_hint = ("every row of every block is filled: you wrote dc_ij/da_kl = b_lj for "
                         "all k. But c_ij = Σ_r a_ir b_rj uses only row i of A, so the "
                         "derivative is zero unless k = i: multiply by δ_ik, an identity matrix.")
        swapped_hint = "(equivalently you used b_jl where the rule has b_lj)"
    else:
        no_delta = np.broadcast_to(A[:, None, :, None], tensor.shape)  # a_ik for every j, l
        no_delta_hint = ("every column of every block is filled: you wrote dc_ij/db_kl = a_ik "
                         "for all l. But c_ij = Σ_r a_ir b_rj uses only column j of B, so the "
                         "derivative is zero unless l = j: multiply by δ_jl, an identity matrix "
                         "(j and l each count the columns of C and of B).")
        swapped_hint = "(equivalently you used a_ki where the rule has a_ik)"
    if (x_rows, x_cols) != (m, p):  # the index slip gives input axes first only when square
        swapped_hint = ""
    else:
        swapped_hint = " " + swapped_hint
    return [
        Mistake("input axes first", tensor.transpose(2, 3, 0, 1),
                f"your tensor has shape {(x_rows, x_cols, m, p)} = {wrt}.shape + C.shape: the "
                f"axes are in the wrong order{swapped_hint}. The convention is "
                f"output.shape + input.shape = {tensor.shape}, indexed "
                f"[i, j, k, l] for ∂c_ij/∂{wrt.lower()}_kl."),
        Mistake("picture axis order", tensor.transpose(0, 2, 1, 3),
                f"your axes are (i, k, j, l), shape {(m, x_rows, p, x_cols)}: the order of the "
                f"rows and columns of the block picture, not of the tensor. Index it "
                f"[i, j, k, l] = ∂c_ij/∂{wrt.lower()}_kl, shape {tensor.shape} "
                f"(in np.einsum: output '...->ijkl')."),
        Mistake("missing delta", no_delta, no_delta_hint),
        Mistake("flattened", tensor.reshape(m * p, x_rows * x_cols),
                f"that is the Jacobian of the flattened matrices, shape {(m * p, x_rows * x_cols)}"
                f". The exercise asks for the 4-D tensor: .reshape{tensor.shape}."),
        Mistake("block picture", block_layout(tensor),
                f"that is the matrix-of-matrices picture, shape {block_layout(tensor).shape}; "
                f"the tensor itself is 4-D, shape {tensor.shape}."),
        Mistake(f"dC/d{other_name} instead", other,
                f"that is dC/d{other_name}, shape {other.shape}; differentiate by {wrt}: "
                f"shape C.shape + {wrt}.shape = {tensor.shape}."),
    ]


def _swapped_index_mistake(wrt: str, A, B, raised: Feedback) -> Mistake:
    """The likeliest loop slip: b_jl for b_lj (dC/dA) or a_ki for a_ik (dC/dB), on square A, B.

    With m, n, p all different that slip indexes past the end of B (or A): `raised` is the
    IndexError it gave, quoted in the hint.
    """
    m, n = A.shape
    p = B.shape[1]
    if wrt == "A":
        value = np.einsum("ik,jl->ijkl", np.eye(m), B)  # dC_dA[i, j, i, l] = B[j, l]
        return Mistake("b_jl instead of b_lj", value,
                       "you used B[j, l] (b_jl) where the rule has b_lj. In "
                       "c_ij = Σ_r a_ir b_rj, B's first index is the summed r (which a_il "
                       "fixes to l: it counts B's rows) and its second is C's column j, so "
                       "row i of block (i, j) holds column j of B. With square matrices the "
                       "slip runs and transposes B in every block; with A (2, 3) and B (3, 4), "
                       "j runs up to "
                       "p - 1 = 3 and overflows B's 3 rows: " + _quote(raised))
    value = np.einsum("ki,jl->ijkl", A, np.eye(p))  # dC_dB[i, j, k, j] = A[k, i]
    return Mistake("a_ki instead of a_ik", value,
                   "you used A[k, i] (a_ki) where the rule has a_ik. In "
                   "c_ij = Σ_r a_ir b_rj, A's first index is C's row i and its second the "
                   "summed r (which b_kl fixes to k: it counts A's columns), so column j of "
                   "block (i, j) holds row i of A. With square matrices the slip runs and "
                   "transposes A in every block; with A (2, 3), i and k swap ranges and "
                   "overflow A: " + _quote(raised))


def _quote(feedback: Feedback) -> str:
    return feedback.message.split(": ", 1)[-1]


def _diagnose_on_square(exercise: str, function, wrt: str, raised: Feedback) -> Feedback:
    """The learner's function raised on m, n, p all different: try it on square matrices."""
    A, B, _ = matmul_exercise_inputs(3, 3, 3)
    answer, feedback = run_learner_function(exercise, function, A, B)
    if feedback is not None:
        return raised
    expected = _expected_tensor(wrt, A, B)
    swapped = _swapped_index_mistake(wrt, A, B, raised)
    feedback = compare(exercise, answer, expected, [swapped], what=f"dC/d{wrt}",
                       axes=_AXES[wrt], reference=(_reference(wrt), (A, B)))
    if feedback.passed:
        sizes = "m, p, m, n" if wrt == "A" else "m, p, n, p"
        return Feedback(False, f"{FAIL} {exercise}: your function is right for square "
                               f"matrices but {_quote(raised)} Some size or index uses the wrong "
                               f"one of m, n, p: the tensor has shape ({sizes}) with A (m, n), "
                               f"B (n, p), and each index must run over its own axis.",
                        "only square")
    if feedback.mistake == swapped.name:
        return replace(feedback, message=f"{feedback.message} (checked with square A and B, "
                                         f"3 × 3)")
    if feedback.mistake == "wrong values" or np.shape(answer) != expected.shape:
        return raised
    return replace(feedback, message=f"{feedback.message} (checked with square A and B, 3 × 3; "
                                     f"with A (2, 3) and B (3, 4) {_quote(raised)})")


_RULES = {"A": "δ_ik b_lj", "B": "a_ik δ_jl"}  # dC/dX[i, j, k, l] for C = A @ B
_DELTAS = {"A": ("δ_ik", "i and k both count rows (of C and of A)", "ik,lj->ijkl"),
           "B": ("δ_jl", "j and l both count columns (of C and of B)", "ik,jl->ijkl")}


def _wrong_identity(exercise: str, answer, wrt: str, A, B) -> Feedback | None:
    """Feedback for the rule built with an identity of the wrong size (np.eye(n) for δ_jl)."""
    m, n = A.shape
    p = B.shape[1]
    right = m if wrt == "A" else p
    delta, counts, subscripts = _DELTAS[wrt]
    for size in {m, n, p} - {right}:
        eye = np.eye(size)
        try:
            value = np.einsum(subscripts, *((eye, B) if wrt == "A" else (A, eye)))
        except ValueError:  # that size does not even fit the other factor
            continue
        if np.shape(answer) == value.shape and np.allclose(answer, value):
            letter = {m: "m", n: "n", p: "p"}[size]
            return Feedback(False, f"{FAIL} {exercise}: the rule is right, but the identity "
                                   f"playing {delta} has size {letter} = {size}, so your tensor "
                                   f"has shape {value.shape}. {counts}: which size does that "
                                   f"make the identity?", "identity of the wrong size")
    return None


def check_dC_dA(dC_dA) -> Feedback:
    """03-dC-dA: the learner's dC_dA_by_loops(A, B), the 4-D tensor of shape (m, p, m, n)."""
    return _check_matmul_tensor("03-dC-dA", dC_dA, "A")


def check_dC_dB(dC_dB) -> Feedback:
    """03-dC-dB: the learner's dC_dB_by_rule(A, B), the 4-D tensor of shape (m, p, n, p)."""
    return _check_matmul_tensor("03-dC-dB", dC_dB, "B")


def _check_matmul_tensor(exercise: str, function, wrt: str) -> Feedback:
    for m, n, p in ((2, 3, 4), (3, 1, 2)):  # m, n, p all different: each mistake looks different
        A, B, _ = matmul_exercise_inputs(m, n, p)
        answer, feedback = run_learner_function(exercise, function, A, B)
        if feedback is not None:
            if feedback.mistake == "raised":  # an index past the end? square matrices tell
                return _diagnose_on_square(exercise, function, wrt, feedback)
            return feedback
        expected = _expected_tensor(wrt, A, B)
        wrong_identity = _wrong_identity(exercise, answer, wrt, A, B)
        if wrong_identity is not None:
            return wrong_identity
        other = _expected_tensor("B" if wrt == "A" else "A", A, B)
        feedback = compare(exercise, answer, expected,
                           _tensor_mistakes(expected, other, wrt, A, B), what=f"dC/d{wrt}",
                           where=f"with A of shape {A.shape}, B of shape {B.shape}",
                           axes=_AXES[wrt], reference=(_reference(wrt), (A, B)))
        if not feedback.passed:
            return feedback
    return correct(exercise, f"dC/d{wrt}[i, j, k, l] = {_RULES[wrt]}, shape C.shape + "
                             f"{wrt}.shape.")


def check_tensor_bytes(tensor_bytes) -> Feedback:
    """03-tensor-bytes: the learner's tensor_bytes(m, n, p), bytes of dC/dA in float64."""
    exercise = "03-tensor-bytes"
    for m, n, p in ((3, 5, 7), (4, 1, 2)):
        answer, feedback = run_learner_function(exercise, tensor_bytes, m, n, p)
        if feedback is not None:
            return feedback
        if np.ndim(answer) != 0 or isinstance(answer, (str, bytes)):
            return Feedback(False, f"{FAIL} {exercise}: return one number of bytes; got "
                                   f"{type(answer).__name__} {answer!r:.60}.", "not a number")
        if isinstance(answer, float | np.floating) and not float(answer).is_integer():  # 8.0 ok
            return Feedback(False, f"{FAIL} {exercise}: a number of bytes is whole; got "
                                   f"{float(answer):g} for m, n, p = {m}, {n}, {p}. Count "
                                   f"entries (a product of sizes) and multiply by 8, without "
                                   f"dividing.", "not whole")
        expected = solutions.tensor_bytes(m, n, p)
        feedback = compare(exercise, answer, expected, [
            Mistake("entries not bytes", m * p * m * n,
                    "that is the number of entries of dC/dA, not of bytes: how many bytes "
                    "does one float64 take?"),
            Mistake("bits not bytes", m * p * m * n * 64,
                    "that is the size in bits; the exercise asks for bytes (8 bits each)."),
            Mistake("float32 bytes", m * p * m * n * 4,
                    "that is the size in float32, 4 bytes an entry. numpy's default (and "
                    "this course's) dtype is float64: 8 bytes an entry."),
            Mistake("assumed square", n**4 * 8,
                    "that is n⁴ · 8, right only for square matrices (m = n = p). Here the sizes "
                    "differ: count the entries from dC/dA's shape."),
            Mistake("non-zeros only", m * p * n * 8,
                    "that counts only the non-zero entries (m·p·n of them). numpy stores a "
                    "dense array: every zero takes its bytes too."),
            Mistake("gradient bytes", m * n * 8,
                    "that is the size of dL/dA (shape (m, n)), what the VJP needs. The tensor "
                    "dC/dA has shape (m, p, m, n)."),
            Mistake("dC/dB bytes", m * p * n * p * 8,
                    "that is the size of dC/dB, shape (m, p, n, p). dC/dA has shape "
                    "(m, p, m, n) = C.shape + A.shape."),
            Mistake("(mn)² entries", (m * n) ** 2 * 8,
                    "that is (m·n)² · 8, as if C had m·n entries like A. C = A B has A's rows "
                    "and B's columns, shape (m, p): dC/dA has one entry per (entry of C, entry "
                    "of A) pair."),
            Mistake("C bytes", m * p * 8,
                    "that is the size of C itself. dC/dA has one entry per (entry of C, entry "
                    "of A) pair."),
        ], what="the number of bytes")
        if feedback.passed:
            continue
        if feedback.mistake in ("wrong values", "wrong shape"):  # a plain number: say it plainly
            return Feedback(False, f"{FAIL} {exercise}: expected {expected:,} bytes for "
                                   f"m, n, p = {m}, {n}, {p}; got {answer!r}.", "wrong values")
        return replace(feedback, message=f"{feedback.message} (checked with m, n, p = {m}, {n}, "
                                         f"{p}: expected {expected:,} bytes, got {answer!r})")
    thousand = solutions.tensor_bytes(1000, 1000, 1000)
    return correct(exercise, f"m·p·m·n entries × 8 bytes; for m = n = p = 1000 that is "
                             f"{thousand:,} bytes, 8 TB.")


def check_batch_jacobian(batch_jacobian) -> Feedback:
    """03-batch-jacobian: batch_jacobian(X, W) = dH/dX for H = tanh(X @ W.T), W (p, n) the map
    of one column: (N, p, N, n)."""
    exercise = "03-batch-jacobian"
    gen = np.random.default_rng(33)
    for N, n, p in ((3, 3, 3), (2, 3, 4)):  # square first: transposed blocks still fit
        X, W = gen.normal(size=(N, n)), gen.normal(size=(p, n))
        answer, feedback = run_learner_function(exercise, batch_jacobian, X, W)
        if feedback is not None:
            return feedback
        expected = solutions.batch_jacobian(X, W)
        fade = 1 - np.tanh(X @ W.T) ** 2                            # (N, p)
        blocks = np.stack([fade[r][:, None] * W for r in range(N)])  # (N, p, n)
        mistakes = [
            Mistake("diagonal blocks only", blocks, f"you returned the N blocks of shape "
                    f"(p, n), one per row: shape {blocks.shape}. The Jacobian of the whole batch "
                    f"is (N, p, N, n) = {expected.shape}; block (r, r′) is ∂H_r/∂X_r′, and it is "
                    f"zero for r ≠ r′ because row r of H never sees row r′ of X."),
            Mistake("off-diagonal blocks filled",
                    np.broadcast_to(blocks[:, :, None, :], expected.shape),
                    "every block (r, r′) holds row r's Jacobian, even for r′ ≠ r. Row r of H is "
                    "computed from row r of X alone, so ∂H_r/∂X_r′ = 0 for r′ ≠ r."),
            Mistake("tanh factor missing", np.einsum("rs,ml->rmsl", np.eye(N), W),
                    "your blocks are W: the tanh's derivative is missing. Entry j of row r of "
                    "H passes through tanh, so row j of block r gets a factor of its own."),
            Mistake("other layout", expected.transpose(2, 3, 0, 1), "you built the "
                    "denominator-layout tensor, input axes first. Ours is output.shape + "
                    "input.shape: (N, p, N, n), J[r, j, r′, l] = ∂H_rj/∂X_r′l."),
        ]
        if n == p:  # W and Wᵀ have the same shape only here
            mistakes.append(Mistake(
                "block transposed", np.einsum("rs,lm->rmsl", np.eye(N), W) * fade[:, :, None, None],
                "your blocks use Wᵀ where W belongs: write H_rj out as a sum over row r "
                "of X and find which entry of W multiplies X_rl; it belongs at (j, l) of "
                "the block."))
        where = f"with X {X.shape}, W {W.shape}"
        feedback = compare(exercise, answer, expected, mistakes, what="dH/dX", where=where,
                           axes="N p N n", reference=(solutions.batch_jacobian, (X, W)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "block (r, r) is diag(1 - H_r²) · W, the Jacobian of one row, like "
                             "J^g in 02, and every other block is zero: a batch is N "
                             "independent functions side by side.")
