"""Exercise checkers: accept any correct answer, name the mistake a wrong one makes.

A checker returns a `Feedback`, shown in the notebook as its message. With the stub untouched
(`...` or None) it says "not done yet" instead of raising. For a wrong answer it compares the
answer with the results of the common mistakes for that exercise and, when one matches, gives
the hint aimed at it; otherwise it says what was expected against what it got.

Reference solutions live in `utils.solutions`; `solution("01-softmax")` prints one.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from . import solutions

PASS, FAIL, TODO = "✅", "❌", "⏳"


@dataclass(frozen=True)
class Feedback:
    """What a checker says: passed or not, the mistake recognised (if any), the message."""

    passed: bool
    message: str
    mistake: str | None = None

    def __repr__(self) -> str:  # a checker call ending a cell shows just the message
        return self.message


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: its name, the value it produces, the hint aimed at it."""

    name: str
    value: object
    hint: str


def is_stub(answer) -> bool:
    """True for the untouched stubs `...` and None (also a function that returns them)."""
    return answer is Ellipsis or answer is None


def not_done(exercise: str) -> Feedback:
    return Feedback(False, f"{TODO} {exercise}: not done yet. Replace the `...` with your answer "
                           f"and run the cell again.", "not done")


def _describe_difference(answer: np.ndarray, expected: np.ndarray) -> str:
    where = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
    index = tuple(int(k) for k in where)
    return (f"largest difference at index {index}: expected {expected[where]:.6g}, "
            f"got {answer[where]:.6g}")


def compare(exercise: str, answer, expected, mistakes=(), rtol=1e-6, atol=1e-8,
            what: str = "your answer") -> Feedback:
    """Check an array answer against `expected`, recognising the listed mistakes."""
    if is_stub(answer):
        return not_done(exercise)
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"{FAIL} {exercise}: {what} should be a numeric array; got "
                               f"{type(answer).__name__}.", "not numeric")
    expected = np.asarray(expected, dtype=float)
    if answer.shape == expected.shape and np.allclose(answer, expected, rtol=rtol, atol=atol):
        return Feedback(True, f"{PASS} {exercise}: correct.")
    for mistake in mistakes:
        value = np.asarray(mistake.value, dtype=float)
        if value.shape == answer.shape and np.allclose(answer, value, rtol=rtol, atol=atol):
            return Feedback(False, f"{FAIL} {exercise}: {mistake.hint}", mistake.name)
    if answer.shape != expected.shape:
        return Feedback(False, f"{FAIL} {exercise}: expected shape {expected.shape}, got "
                               f"{answer.shape}.", "wrong shape")
    return Feedback(False, f"{FAIL} {exercise}: the shape {answer.shape} is right but the "
                           f"values are not; {_describe_difference(answer, expected)}.",
                    "wrong values")


def run_learner_function(exercise: str, function, *args):
    """Call the learner's function on copies of the arrays in `args`.

    Returns (value, None), or (None, Feedback) when it is a stub, not a function, raises, or
    returns the stub `...`/None: the learner's error becomes feedback, never a traceback.
    """
    if is_stub(function):
        return None, not_done(exercise)
    if not callable(function):
        return None, Feedback(False, f"{FAIL} {exercise}: expected a function (def ...); got "
                                     f"{type(function).__name__}.", "not a function")
    try:
        value = function(*[np.copy(a) if isinstance(a, np.ndarray) else a for a in args])
    except Exception as error:  # the learner's code: report it instead of a traceback
        shapes = ", ".join(f"shape {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
                           for a in args)
        return None, Feedback(False, f"{FAIL} {exercise}: your function raised "
                                     f"{type(error).__name__}: {error} (called with {shapes}).",
                              "raised")
    if is_stub(value):
        return None, not_done(exercise)
    return value, None


def solution(exercise: str) -> None:
    """Print the reference solution of an exercise, e.g. solution("04-vjp")."""
    reference = solutions.REFERENCES.get(exercise)
    if reference is None:
        known = ", ".join(sorted(solutions.REFERENCES))
        raise ValueError(f"no exercise called {exercise!r}; the exercises are: {known}")
    print(inspect.getsource(reference))


# --- checkers, in the order of the notebooks that use them ------------------------------------


# === 00 Start here ===

def check_warmup_shape(answer) -> Feedback:
    """Warm-up: the shape of dC/dA for C = A @ B with A (2, 3) and B (3, 4)."""
    exercise = "00-warmup-shape"
    A_shape, B_shape = (2, 3), (3, 4)
    expected = solutions.warmup_shape(A_shape, B_shape)
    C_shape = (A_shape[0], B_shape[1])
    mistakes = [
        Mistake("input first", A_shape + C_shape,
                "that is input.shape + output.shape. The course (like JAX and autograd) puts "
                "the output's axes first: dC/dA has shape C.shape + A.shape."),
        Mistake("output shape only", C_shape,
                "(2, 4) is the shape of C itself. dC/dA holds one derivative for every pair "
                "(entry of C, entry of A), so it has C's axes followed by A's axes."),
        Mistake("gradient shape", A_shape,
                "(2, 3) is A's shape: the shape of the gradient dL/dA of a scalar loss L. "
                "C is a matrix, not a scalar, so dC/dA needs C's axes as well."),
    ]
    if not is_stub(answer) and not isinstance(answer, (tuple, list)):
        return Feedback(False, f"{FAIL} {exercise}: write the shape as a tuple of whole "
                               f"numbers, like (5, 6, 7, 8); got {answer!r}.", "not a tuple")
    feedback = compare(exercise, answer, expected, mistakes, what="the shape")
    if feedback.mistake in ("wrong values", "wrong shape"):  # array talk does not fit a shape
        return Feedback(False, f"{FAIL} {exercise}: not quite; got {tuple(answer)}. C = A @ B "
                               f"has shape {C_shape} and A has shape {A_shape}: put one after "
                               f"the other.", feedback.mistake)
    return feedback


# === 01 Jacobians ===
def shape_exercise_g(x):
    """The map of exercise 01-jacobian-shape: R^3 -> R^2."""
    return np.array([x[0] * x[1] + x[2] ** 2, np.sin(x[0]) + 3 * x[1]])


def check_jacobian_shape(jacobian_of_g) -> Feedback:
    """01-jacobian-shape: the learner's jacobian_of_g(x) for g: R^3 -> R^2 at a few points."""
    exercise = "01-jacobian-shape"
    for x in (np.array([0.5, -1.0, 2.0]), np.array([-1.5, 0.3, 0.7])):
        answer, feedback = run_learner_function(exercise, jacobian_of_g, x.copy())
        if feedback is not None:
            return feedback
        expected = solutions.jacobian_of_g(x)
        feedback = compare(exercise, answer, expected, mistakes=[
            Mistake("transposed", expected.T,
                    "your matrix is the Jacobian transposed: shape (3, 2) = inputs × outputs. "
                    "The convention is outputs × inputs: row i is the gradient of output g_i, "
                    "so a map R^3 -> R^2 has a 2×3 Jacobian."),
            Mistake("one output only", expected[0],
                    "that is only the gradient of the first output g(x)[0] (one row of the "
                    "Jacobian). Stack the gradients of both outputs as rows: shape (2, 3)."),
        ], what="the Jacobian")
        if not feedback.passed:
            return feedback
    return Feedback(True, f"{PASS} {exercise}: correct: a 2×3 Jacobian, one row per output, "
                          f"one column per input.")


def check_softmax_jacobian(softmax_jacobian) -> Feedback:
    """01-softmax-jacobian: the learner's softmax_jacobian(z), checked on fixed vectors."""
    exercise = "01-softmax-jacobian"
    for z in (np.array([1.0, -0.5, 2.0, 0.3]), np.array([0.2, 0.1, -1.0, 0.0, 3.0])):
        answer, feedback = run_learner_function(exercise, softmax_jacobian, z.copy())
        if feedback is not None:
            return feedback
        expected = solutions.softmax_jacobian(z)
        s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()  # softmax(z)
        feedback = compare(exercise, answer, expected, mistakes=[
            Mistake("diagonal only", np.diag(s * (1 - s)),
                    "you have the diagonal s_i (1 - s_i) right but the off-diagonal entries "
                    "are zero. Softmax is not elementwise: every s_i depends on every z_j "
                    "through the normalising sum, so ds_i/dz_j = -s_i s_j for i ≠ j."),
            Mistake("outer product missing", np.diag(s),
                    "diag(s) is only the first term; the normalising sum adds -s sᵀ: "
                    "J = diag(s) - s sᵀ."),
            Mistake("sign flipped", np.outer(s, s) - np.diag(s),
                    "the signs are flipped: J = diag(s) - s sᵀ, with a positive diagonal "
                    "(raising z_i raises s_i)."),
        ], what="the softmax Jacobian")
        if not feedback.passed:
            return feedback
    return Feedback(True, f"{PASS} {exercise}: correct: J = diag(s) - s sᵀ (its rows and "
                          f"columns sum to zero, because the s_i always sum to 1).")


_FD_TESTS = ((np.exp, np.exp, 1.0, "exp"), (np.sin, np.cos, 1.2, "sin"),
             (np.log, lambda x: 1 / x, 0.8, "log"))
_FD_TOLERANCE = 1e-9   # relative error a well-sized central step reaches for x near 1
_FD_BEST_STEP = np.finfo(float).eps ** (1 / 3)


def check_central_difference(central_difference, good_step) -> Feedback:
    """01-central-difference: the learner's central_difference(f, x, h) and their good_step.

    The method is judged by how its error shrinks with h (one-sided ∝ h, central ∝ h²), the
    step by the accuracy it achieves on exp, sin and log near x = 1.
    """
    exercise = "01-central-difference"
    if is_stub(central_difference) or is_stub(good_step):
        return not_done(exercise)
    errors, exact = [], np.cos(1.0)  # the method is judged on sin at x = 1
    for h in (1e-2, 1e-3):
        estimate, feedback = run_learner_function(exercise, central_difference, np.sin, 1.0, h)
        if feedback is not None:
            return feedback
        try:
            estimate = float(estimate)
        except (TypeError, ValueError):
            return Feedback(False, f"{FAIL} {exercise}: central_difference should return one "
                                   f"number, the estimate of f'(x); got "
                                   f"{type(estimate).__name__}.", "not a number")
        errors.append(abs(estimate - exact) / exact)
    if abs(estimate - 2 * exact) < 1e-3 * exact:
        return Feedback(False, f"{FAIL} {exercise}: for sin at x = 1 you got {estimate:.6f}, "
                               f"twice sin'(1) = cos(1) = {exact:.6f}: the points x - h and x + h "
                               f"are 2h apart, so divide the difference by 2h.", "missing factor 2")
    if not errors[1] < 1e-3:
        return Feedback(False, f"{FAIL} {exercise}: for sin at x = 1 with h = 1e-3 expected about "
                               f"cos(1) = {exact:.6f}, got {estimate:.6g}. Estimate f'(x) from "
                               f"f(x + h) and f(x - h).", "wrong values")
    if errors[1] > 1e-13 and np.log10(errors[0] / errors[1]) < 1.5:
        return Feedback(False, f"{FAIL} {exercise}: your error went from {errors[0]:.1e} at "
                               f"h = 1e-2 to {errors[1]:.1e} at h = 1e-3: only 10× smaller for a "
                               f"10× smaller step, so the error is ∝ h. That is a one-sided "
                               f"difference (f(x + h) - f(x)) / h. Step to both sides, "
                               f"(f(x + h) - f(x - h)) / 2h, and the h terms of the Taylor series "
                               f"cancel: the error becomes ∝ h² (100× smaller per 10× step).",
                        "one-sided difference")
    if isinstance(good_step, bool) or not isinstance(good_step, (int, float, np.floating)) \
            or not np.isfinite(good_step) or good_step <= 0:
        return Feedback(False, f"{FAIL} {exercise}: good_step should be a positive number like "
                               f"1e-3; got {good_step!r}.", "bad step")
    worst = 0.0
    for f, derivative, x, name in _FD_TESTS:
        estimate, feedback = run_learner_function(exercise, central_difference, f, x, good_step)
        if feedback is not None:
            return feedback
        error = abs(float(estimate) - derivative(x)) / abs(derivative(x))
        if error > worst:
            worst, worst_case = error, f"{name}'({x}) = {derivative(x):.12f}, got {estimate:.12f}"
    if worst <= _FD_TOLERANCE:
        return Feedback(True, f"{PASS} {exercise}: correct: a central difference, and with "
                              f"h = {good_step:.1e} its worst relative error on exp, sin and log "
                              f"is {worst:.1e}.")
    best = max(abs(solutions.central_difference(f, x, _FD_BEST_STEP) - d(x)) / abs(d(x))
               for f, d, x, _ in _FD_TESTS)
    detail = (f"with h = {good_step:.1e} the worst relative error is {worst:.1e} (expected "
              f"{worst_case}); with h ≈ eps^(1/3) ≈ {_FD_BEST_STEP:.0e} it is {best:.0e}, and "
              f"this exercise asks for {_FD_TOLERANCE:.0e}. ")
    if good_step > _FD_BEST_STEP:
        return Feedback(False, f"{FAIL} {exercise}: your method is right, the step too large: "
                               f"{detail}Truncation error grows like h²: try a smaller step.",
                        "step too large")
    return Feedback(False, f"{FAIL} {exercise}: your method is right, the step too small: "
                           f"{detail}f(x + h) and f(x - h) agree in most of their digits, and "
                           f"the round-off left in their difference, about eps·|f|, is divided "
                           f"by 2h: that error grows like eps/h. Try a larger step.",
                    "step too small")
# (end of 01 Jacobians)


# === 02 Chain rule ===
_W_SQUARE = np.array([[0.8, -0.4, 0.3], [0.2, 0.9, -0.6], [-0.5, 0.1, 0.7]])
_W_WIDE = np.array([[0.6, -0.3, 0.2, 0.9], [0.4, 0.5, -0.7, 0.1], [-0.2, 0.8, 0.3, -0.4]])


def chain_exercise_maps(case: str):
    """(f, jacobian_f, g, jacobian_g, x) for the 02-chain-jacobian checker.

    "square": g, f: R^3 -> R^3, where J^g·J^f also fits, so a wrong order shows in the values;
    "wide":   g: R^4 -> R^3, f: R^3 -> R^2, so J^h is 2×4 and only the right order fits.
    """
    W = _W_SQUARE if case == "square" else _W_WIDE

    def g(x):
        return np.tanh(W @ x)

    def jacobian_g(x):
        return (1 - np.tanh(W @ x) ** 2)[:, None] * W  # diag(1 - tanh²) · W

    if case == "square":
        def f(y):
            return np.array([y[0] * y[1], y[1] + y[2] ** 2, np.sin(y[0])])

        def jacobian_f(y):
            return np.array([[y[1], y[0], 0.0], [0.0, 1.0, 2 * y[2]],
                             [np.cos(y[0]), 0.0, 0.0]])
        x = np.array([0.7, -0.4, 1.1])
    else:
        def f(y):
            return np.array([y[0] * y[1], y[1] + y[2] ** 2])

        def jacobian_f(y):
            return np.array([[y[1], y[0], 0.0], [0.0, 1.0, 2 * y[2]]])
        x = np.array([0.7, -0.4, 1.1, 0.5])
    return f, jacobian_f, g, jacobian_g, x


def check_chain_jacobian(chain_jacobian) -> Feedback:
    """02-chain-jacobian: the learner's chain_jacobian(jacobian_f, g, jacobian_g, x)."""
    exercise = "02-chain-jacobian"
    for case in ("square", "wide"):
        f, jacobian_f, g, jacobian_g, x = chain_exercise_maps(case)
        answer, feedback = run_learner_function(exercise, chain_jacobian, jacobian_f, g,
                                                 jacobian_g, x.copy())
        if feedback is not None and feedback.mistake == "raised" and case == "wide":
            return Feedback(False, f"{feedback.message} Here g: R^4 -> R^3 and f: R^3 -> R^2, "
                                   f"so J^g is 3×4 and J^f is 2×3: only J^f · J^g fits "
                                   f"(2×3 · 3×4 = 2×4).", "raised")
        if feedback is not None:
            return feedback
        expected = solutions.chain_jacobian(jacobian_f, g, jacobian_g, x)
        mistakes = [Mistake("transposed", expected.T,
                            "you have J^h transposed (inputs × outputs). J^h = J^f · J^g "
                            "has one row per output of f and one column per input x_j.")]
        if case == "square":
            mistakes += [
                Mistake("wrong order", jacobian_g(x) @ jacobian_f(g(x)),
                        "you multiplied in the wrong order, J^g · J^f. In "
                        "∂h_i/∂x_j = Σ_l ∂f_i/∂g_l · ∂g_l/∂x_j the sum runs over g's outputs l, "
                        "the columns of J^f and the rows of J^g: J^h = J^f · J^g (the function "
                        "applied last stands on the left, as in f(g(x)))."),
                Mistake("J^f at x", jacobian_f(x) @ jacobian_g(x),
                        "you evaluated J^f at x. f never sees x: it sees y = g(x), so use "
                        "jacobian_f(g(x)) · jacobian_g(x)."),
                Mistake("elementwise product", jacobian_f(g(x)) * jacobian_g(x),
                        "`*` multiplies entry by entry; the chain rule sums over l, which is a "
                        "matrix product: use `@`."),
            ]
        feedback = compare(exercise, answer, expected, mistakes, what="J^h")
        if not feedback.passed:
            where = ("g, f: R^3 -> R^3" if case == "square"
                     else "g: R^4 -> R^3, f: R^3 -> R^2 (J^h should be 2×4)")
            return Feedback(False, f"{feedback.message} (checked with {where})", feedback.mistake)
    return Feedback(True, f"{PASS} {exercise}: correct: J^h = J^f(g(x)) · J^g(x), "
                          f"(k×m)·(m×n) = k×n.")


def chain_exercise_jacobians(case: str):
    """(u, [J_1, J_2, J_3]) for the 02-chain-vjp checker: all 4×4, or widths 6 -> 5 -> 4 -> 3."""
    rng = np.random.default_rng(2)
    widths = (4, 4, 4, 4) if case == "square" else (6, 5, 4, 3)
    jacobians = [rng.standard_normal((widths[k], widths[k - 1])) for k in (1, 2, 3)]
    return rng.standard_normal(widths[-1]), jacobians


def check_chain_vjp(chain_vjp) -> Feedback:
    """02-chain-vjp: the learner's chain_vjp(u, [J_1, J_2, J_3]) = u·J_3·J_2·J_1."""
    exercise = "02-chain-vjp"
    for case in ("square", "wide"):
        u, jacobians = chain_exercise_jacobians(case)
        answer, feedback = run_learner_function(exercise, chain_vjp, u.copy(),
                                                 [J.copy() for J in jacobians])
        if feedback is not None:
            return feedback
        expected = solutions.chain_vjp(u, jacobians)
        J1, J2, J3 = jacobians
        mistakes = [Mistake("full Jacobian", J3 @ J2 @ J1,
                            "that is the whole Jacobian J_3·J_2·J_1, a matrix. The VJP "
                            "multiplies the incoming row vector u into it step by step and "
                            "returns a vector shaped like the chain's input.")]
        if case == "square":
            mistakes += [
                Mistake("wrong order", u @ J1 @ J2 @ J3,
                        "you started from the input side, u·J_1·J_2·J_3. u lives at the "
                        "output, so it meets the last Jacobian first: u·J_3, then ·J_2, "
                        "then ·J_1 (loop over reversed(jacobians))."),
                Mistake("transposed", J1 @ J2 @ J3 @ u,
                        "you computed J @ u at each step, which uses every Jacobian "
                        "transposed: J_1·J_2·J_3·u = (u·J_3ᵀ·J_2ᵀ·J_1ᵀ)ᵀ. A VJP puts the row "
                        "vector on the left: u = u @ J."),
                Mistake("JVP instead of VJP", J3 @ J2 @ J1 @ u,
                        "J_3·J_2·J_1·u pushes a vector forward from the input side (a "
                        "Jacobian-vector product, JVP). The VJP pulls u back from the output: "
                        "u·J_3·J_2·J_1."),
            ]
        feedback = compare(exercise, answer, expected, mistakes, what="the VJP")
        if not feedback.passed:
            where = ("three 4×4 Jacobians" if case == "square"
                     else "widths 6 -> 5 -> 4 -> 3, u of shape (3,), answer of shape (6,)")
            return Feedback(False, f"{feedback.message} (checked with {where})", feedback.mistake)
    return Feedback(True, f"{PASS} {exercise}: correct: u·J_3·J_2·J_1, one vector-matrix "
                          f"product per step, never a matrix-matrix product.")
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===

def matmul_exercise_inputs(m: int = 2, n: int = 3, p: int = 4, seed: int = 3):
    """Fixed A (m, n), B (n, p), dL/dC (m, p) for the 03 and 04 checkers (m, n, p distinct)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((n, p)), rng.standard_normal((m, p))


def _tensor_mistakes(tensor, other, wrt: str, A, B):
    """The usual wrong versions of dC/dX (X = wrt) of C = A @ B; `other` is dC/d(the other)."""
    from .plotting import block_layout

    m, p = tensor.shape[:2]
    x_rows, x_cols = tensor.shape[2:]
    other_name = "B" if wrt == "A" else "A"
    if wrt == "A":
        no_delta = np.broadcast_to(B.T[None, :, None, :], tensor.shape)  # b_lj for every i, k
        no_delta_hint = ("every row of every block is filled: you wrote dc_ij/da_kl = b_lj for "
                         "all k. But c_ij = Σ_l a_il b_lj uses only row i of A, so the "
                         "derivative is zero unless k = i: multiply by δ_ik (np.eye(m)).")
        swapped_hint = "(equivalently you used b_jl where the rule has b_lj)"
    else:
        no_delta = np.broadcast_to(A[:, None, :, None], tensor.shape)  # a_ik for every j, l
        no_delta_hint = ("every column of every block is filled: you wrote dc_ij/db_kl = a_ik "
                         "for all l. But c_ij = Σ_k a_ik b_kj uses only column j of B, so the "
                         "derivative is zero unless l = j: multiply by δ_jl (np.eye(p)).")
        swapped_hint = "(equivalently you used a_ki where the rule has a_ik)"
    return [
        Mistake("input axes first", tensor.transpose(2, 3, 0, 1),
                f"your tensor has shape {(x_rows, x_cols, m, p)} = {wrt}.shape + C.shape: the "
                f"axes are in the wrong order {swapped_hint}. The convention is "
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


def _check_matmul_tensor(exercise: str, function, wrt: str) -> Feedback:
    for m, n, p in ((2, 3, 4), (3, 1, 2)):  # m, n, p all different: each mistake looks different
        A, B, _ = matmul_exercise_inputs(m, n, p)
        answer, feedback = run_learner_function(exercise, function, A, B)
        if feedback is not None:
            return feedback
        expected = (solutions.dC_dA_by_rule if wrt == "A" else solutions.dC_dB_by_rule)(A, B)
        other = (solutions.dC_dB_by_rule if wrt == "A" else solutions.dC_dA_by_rule)(A, B)
        feedback = compare(exercise, answer, expected, _tensor_mistakes(expected, other, wrt,
                                                                        A, B),
                           what=f"dC/d{wrt}")
        if not feedback.passed:
            return Feedback(False, f"{feedback.message} (checked with A of shape {A.shape}, "
                                   f"B of shape {B.shape})", feedback.mistake)
    rule = "δ_ik b_lj" if wrt == "A" else "a_ik δ_jl"
    return Feedback(True, f"{PASS} {exercise}: correct: dC/d{wrt}[i, j, k, l] = {rule}, "
                          f"shape C.shape + {wrt}.shape.")


def check_dC_dA(dC_dA) -> Feedback:
    """03-dC-dA: the learner's dC_dA(A, B), the 4-D tensor of shape (m, p, m, n)."""
    return _check_matmul_tensor("03-dC-dA", dC_dA, "A")


def check_dC_dB(dC_dB) -> Feedback:
    """03-dC-dB: the learner's dC_dB(A, B), the 4-D tensor of shape (m, p, n, p)."""
    return _check_matmul_tensor("03-dC-dB", dC_dB, "B")


def check_tensor_bytes(tensor_bytes) -> Feedback:
    """03-tensor-bytes: the learner's tensor_bytes(m, n, p), bytes of dC/dA in float64."""
    exercise = "03-tensor-bytes"
    for m, n, p in ((3, 5, 7), (4, 1, 2)):
        answer, feedback = run_learner_function(exercise, tensor_bytes, m, n, p)
        if feedback is not None:
            return feedback
        if np.ndim(answer) != 0:
            return Feedback(False, f"{FAIL} {exercise}: return one number of bytes; got "
                                   f"{type(answer).__name__} {answer!r:.60}.", "not a number")
        expected = solutions.tensor_bytes(m, n, p)
        feedback = compare(exercise, answer, expected, [
            Mistake("entries not bytes", m * p * m * n,
                    "that is the number of entries of dC/dA. Each float64 takes 8 bytes."),
            Mistake("non-zeros only", m * p * n * 8,
                    "that counts only the non-zero entries (m·p·n of them). numpy stores a "
                    "dense array: every zero takes its 8 bytes too, all m·p·m·n entries."),
            Mistake("gradient bytes", m * n * 8,
                    "that is the size of dL/dA (shape (m, n)), what the VJP needs. The tensor "
                    "dC/dA has shape (m, p, m, n)."),
            Mistake("dC/dB bytes", m * p * n * p * 8,
                    "that is the size of dC/dB, shape (m, p, n, p). dC/dA has shape "
                    "(m, p, m, n) = C.shape + A.shape."),
            Mistake("C bytes", m * p * 8,
                    "that is the size of C itself. dC/dA has one entry per (entry of C, entry "
                    "of A) pair: m·p·m·n entries."),
        ], what="the number of bytes")
        if not feedback.passed:
            return Feedback(False, f"{feedback.message} (checked with m, n, p = {m}, {n}, {p})",
                            feedback.mistake)
    return Feedback(True, f"{PASS} {exercise}: correct: m·p·m·n entries × 8 bytes; for "
                          f"m = n = p = 1000 that is {solutions.tensor_bytes(1000, 1000, 1000):,}"
                          f" bytes, 8 TB.")
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
def _jacobian_shaped(exercise: str, answer, jacobian_shape, x_name: str, x_shape):
    """Feedback for a 'gradient' shaped like the whole Jacobian, else None."""
    if np.shape(answer) != tuple(jacobian_shape):
        return None
    return Feedback(False, f"{FAIL} {exercise}: your answer has shape {np.shape(answer)}, the "
                           f"shape of the whole Jacobian C.shape + {x_name}.shape. A VJP returns "
                           f"dL/d{x_name}, shaped like {x_name}: {tuple(x_shape)}. You are "
                           f"missing the sum over C's entries, Σ_ij dL/dc_ij · ∂c_ij/∂{x_name}.",
                    "jacobian-shaped")


def _check_matmul_gradient(exercise: str, function, wrt: str) -> Feedback:
    reference = solutions.matmul_grad_A if wrt == "A" else solutions.matmul_grad_B
    # square first (m = n = p = 3): every wrong product is computable, and each gives
    # different numbers; then m, n, p all different, where only the right shapes fit
    for m, n, p in ((3, 3, 3), (2, 3, 4)):
        A, B, dL_dC = matmul_exercise_inputs(m, n, p, seed=4)
        answer, feedback = run_learner_function(exercise, function, dL_dC, A, B)
        shapes = f"dL/dC {dL_dC.shape}, A {A.shape}, B {B.shape}"
        if feedback is not None and feedback.mistake == "raised" and m != n:
            fit = ("dL/dC (m, p) times a (p, n) matrix on its right: Bᵀ" if wrt == "A"
                   else "a (n, m) matrix times dL/dC (m, p) on its left: Aᵀ")
            return Feedback(False, f"{feedback.message} It worked for square matrices, so the "
                                   f"shapes give it away: dL/d{wrt} has {wrt}'s shape "
                                   f"{A.shape if wrt == 'A' else B.shape}, which only "
                                   f"{fit} can produce.", "shape error")
        if feedback is not None:
            return feedback
        x_shape = A.shape if wrt == "A" else B.shape
        jacobian_shaped = _jacobian_shaped(exercise, answer, dL_dC.shape + x_shape, wrt, x_shape)
        if jacobian_shaped is not None:
            return jacobian_shaped
        expected = reference(dL_dC, A, B)
        mistakes = []
        if m == n == p:
            if wrt == "A":
                mistakes = [
                    Mistake("transpose missing", dL_dC @ B,
                            "you computed dL/dC · B: the transpose is missing. From "
                            "∂L/∂a_kl = Σ_j (∂L/∂c_kj) b_lj the sum runs over B's second index: "
                            "dL/dA = dL/dC · Bᵀ."),
                    Mistake("wrong side", B.T @ dL_dC,
                            "you computed Bᵀ · dL/dC: right matrices, wrong side. A sits on the "
                            "left in C = A B, so its gradient keeps dL/dC on the left: "
                            "dL/dA = dL/dC · Bᵀ, (m, p)·(p, n) = (m, n)."),
                    Mistake("result transposed", B @ dL_dC.T,
                            "you have (dL/dA)ᵀ = B · dL/dCᵀ. Transpose it back: "
                            "dL/dA = dL/dC · Bᵀ."),
                    Mistake("dL/dB instead", A.T @ dL_dC,
                            "Aᵀ · dL/dC is dL/dB, the gradient for the other operand."),
                    Mistake("elementwise", dL_dC * B.T,
                            "`*` multiplies entry by entry; the sum over j in "
                            "Σ_j (∂L/∂c_kj) b_lj is a matrix product: use `@`."),
                ]
            else:
                mistakes = [
                    Mistake("transpose missing", A @ dL_dC,
                            "you computed A · dL/dC: the transpose is missing. From "
                            "∂L/∂b_kl = Σ_i a_ik (∂L/∂c_il) the sum runs over A's first index: "
                            "dL/dB = Aᵀ · dL/dC."),
                    Mistake("wrong side", dL_dC @ A.T,
                            "you computed dL/dC · Aᵀ: right matrices, wrong side. B sits on the "
                            "right in C = A B, so its gradient keeps dL/dC on the right: "
                            "dL/dB = Aᵀ · dL/dC, (n, m)·(m, p) = (n, p)."),
                    Mistake("result transposed", dL_dC.T @ A,
                            "you have (dL/dB)ᵀ = dL/dCᵀ · A. Transpose it back: "
                            "dL/dB = Aᵀ · dL/dC."),
                    Mistake("dL/dA instead", dL_dC @ B.T,
                            "dL/dC · Bᵀ is dL/dA, the gradient for the other operand."),
                    Mistake("elementwise", A.T * dL_dC,
                            "`*` multiplies entry by entry; the sum over i in "
                            "Σ_i a_ik (∂L/∂c_il) is a matrix product: use `@`."),
                ]
        feedback = compare(exercise, answer, expected, mistakes, what=f"dL/d{wrt}")
        if not feedback.passed:
            return Feedback(False, f"{feedback.message} (checked with {shapes})",
                            feedback.mistake)
    formula = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"
    return Feedback(True, f"{PASS} {exercise}: correct: dL/d{wrt} = {formula}, one matrix "
                          f"product and no 4-D tensor.")


def check_grad_A(grad_A) -> Feedback:
    """04-grad-A: the learner's grad_A(dL_dC, A, B) = dL/dA for C = A @ B."""
    return _check_matmul_gradient("04-grad-A", grad_A, "A")


def check_grad_B(grad_B) -> Feedback:
    """04-grad-B: the learner's grad_B(dL_dC, A, B) = dL/dB for C = A @ B."""
    return _check_matmul_gradient("04-grad-B", grad_B, "B")


def chain_rule_exercise_inputs():
    """(dL/dC, dC/dX) pairs for 04-chain-rule: a dense (2, 3, 2, 3) tensor, then a real dC/dA.

    In the first, C and X have the same shape (2, 3), so contracting the wrong pair of axes
    still runs and returns the right shape: only the numbers give it away.
    """
    rng = np.random.default_rng(5)
    dense = (rng.standard_normal((2, 3)), rng.standard_normal((2, 3, 2, 3)))
    A, B, dL_dC = matmul_exercise_inputs(2, 3, 4, seed=6)
    return [dense, (dL_dC, solutions.dC_dA_by_rule(A, B))]


def check_chain_rule(chain_rule) -> Feedback:
    """04-chain-rule: the learner's chain_rule(dL_dC, dC_dX) = Σ_ij dL/dc_ij · dc_ij/dX."""
    exercise = "04-chain-rule"
    for dL_dC, dC_dX in chain_rule_exercise_inputs():
        answer, feedback = run_learner_function(exercise, chain_rule, dL_dC, dC_dX)
        if feedback is not None:
            return feedback
        x_shape = dC_dX.shape[dL_dC.ndim:]
        jacobian_shaped = _jacobian_shaped(exercise, answer, dC_dX.shape, "X", x_shape)
        if jacobian_shaped is not None:
            return jacobian_shaped
        expected = solutions.chain_rule_through_tensor(dL_dC, dC_dX)
        mistakes = [Mistake("summed everything", np.sum(dL_dC[:, :, None, None] * dC_dX),
                            "you summed over all four axes and got one number. Sum over C's "
                            "axes only (i, j), and keep X's axes (k, l): the result is "
                            "shaped like X.")]
        if dC_dX.shape[:2] == dC_dX.shape[2:]:
            mistakes.append(Mistake(
                "wrong axes", np.tensordot(dL_dC, dC_dX, axes=([0, 1], [2, 3])),
                "you contracted dL/dC with the LAST two axes of the tensor (X's axes). In the "
                "convention C.shape + X.shape, the first two axes index c_ij: "
                "dL/dx_kl = Σ_ij dL/dc_ij · T[i, j, k, l] (np.tensordot(dL_dC, dC_dX, axes=2), "
                "or np.einsum('ij,ijkl->kl', ...)). Here C and X have the same shape, so the "
                "wrong contraction ran without complaint."))
        feedback = compare(exercise, answer, expected, mistakes, what="dL/dX")
        if not feedback.passed:
            return Feedback(False, f"{feedback.message} (checked with dL/dC {dL_dC.shape}, "
                                   f"dC/dX {dC_dX.shape})", feedback.mistake)
    return Feedback(True, f"{PASS} {exercise}: correct: dL/dX = Σ_ij dL/dc_ij · ∂c_ij/∂X, a "
                          f"linear combination of the blocks of the tensor.")
# (end of 04 The efficient VJP)


# === 05 The backward pass ===

def _dense_case():
    """Batch 5, 3 inputs, 4 outputs: every gradient has a shape of its own, so mix-ups show."""
    gen = np.random.default_rng(51)
    x, W, b = gen.normal(size=(5, 3)), gen.normal(size=(3, 4)), gen.normal(size=4)
    return x, W, b, gen.normal(size=(5, 4))


def check_dense_backward(dense_backward) -> Feedback:
    """05-dense-backward: dense_backward(x, W, b, grad_output) -> (dL_dx, dL_dW, dL_db)."""
    exercise = "05-dense-backward"
    x, W, b, G = _dense_case()
    answer, feedback = run_learner_function(exercise, dense_backward, x.copy(), W.copy(),
                                             b.copy(), G.copy())
    if feedback is not None:
        return feedback
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return Feedback(False, f"{FAIL} {exercise}: return the three gradients as a tuple "
                               f"(dL_dx, dL_dW, dL_db); got {type(answer).__name__}.",
                        "not three gradients")
    dL_dx, dL_dW, dL_db = solutions.dense_backward(x, W, b, G)
    parts = [
        ("dL_dx", answer[0], dL_dx, [
            Mistake("dx averaged", G @ W.T / len(x),
                    "dL/dx is divided by the batch size; each example's input gradient is just "
                    "its row of grad_output @ W.T (the loss already carries the 1/batch)."),
        ]),
        ("dL_dW", answer[1], dL_dW, [
            Mistake("dW transposed", G.T @ x,
                    "dL/dW has the shape of W, (n_in, n_out) = (3, 4): x.T @ grad_output, "
                    "not grad_output.T @ x."),
            Mistake("dW averaged", dL_dW / len(x),
                    "dL/dW is divided by the batch size. The loss already averages (its "
                    "gradient carries the 1/batch); the layer just sums: x.T @ grad_output."),
        ]),
        ("dL_db", answer[2], dL_db, [
            Mistake("bias not summed", G,
                    "dL/db has shape (batch, n_out) = (5, 4), but b has shape (4,): a gradient "
                    "always has the shape of what it is for. b is added to every row of the "
                    "batch, so its gradient sums the rows: grad_output.sum(axis=0)."),
            Mistake("bias averaged", G.mean(axis=0),
                    "dL/db is the mean over the batch; it should be the sum: b was added to "
                    "every row, and each row's gradient counts in full."),
            Mistake("bias summed over outputs", G.sum(axis=1),
                    "you summed over the outputs (axis=1), giving one number per example. b "
                    "has one entry per output: sum over the batch, axis=0."),
        ]),
    ]
    for what, part, expected, mistakes in parts:
        feedback = compare(exercise, part, expected, mistakes=mistakes, what=what)
        if not feedback.passed:
            if feedback.mistake in ("wrong shape", "wrong values", "not numeric"):
                return Feedback(False, feedback.message.replace(f"{exercise}:",
                                                                f"{exercise} ({what}):"),
                                feedback.mistake)
            return feedback
    return Feedback(True, f"{PASS} {exercise}: correct: dL_dx = G @ W.T, dL_dW = x.T @ G and "
                          f"dL_db = G summed over the batch; each has its variable's shape.")


def _relu_case():
    """Inputs on both sides of 0 and on both sides of 1, so y and the mask (x > 0) differ."""
    x = np.array([[-1.5, 0.4, 2.0, -0.2], [3.0, -0.7, 0.25, 1.6], [0.8, 2.5, -3.0, -0.1]])
    G = np.random.default_rng(52).normal(size=x.shape)
    return x, np.maximum(x, 0.0), G


def check_relu_backward(relu_backward) -> Feedback:
    """05-relu-backward: relu_backward(x, y, grad_output) -> dL/dx, with y = relu(x)."""
    exercise = "05-relu-backward"
    x, y, G = _relu_case()
    answer, feedback = run_learner_function(exercise, relu_backward, x.copy(), y.copy(), G.copy())
    if feedback is not None:
        return feedback
    return compare(exercise, answer, solutions.relu_backward(x, y, G), mistakes=[
        Mistake("output values", G * y,
                "you multiplied grad_output by the output values y. The derivative of relu is "
                "1 where x > 0 and 0 elsewhere, whatever the size of x: multiply by the mask "
                "(x > 0), not by relu(x)."),
        Mistake("input values", G * x,
                "you multiplied grad_output by the input x itself. relu'(x) is 1 for x > 0 and "
                "0 otherwise: multiply by the mask (x > 0)."),
        Mistake("mask without grad_output", (x > 0).astype(float),
                "that is the local derivative relu'(x) alone. backward must return "
                "grad_output * relu'(x): the incoming gradient times the mask."),
        Mistake("gradient passed unchanged", G,
                "grad_output passed through unchanged everywhere: where x <= 0 the output does "
                "not move when x does, so the gradient there is 0."),
    ], what="dL/dx")


def _used_twice_case():
    gen = np.random.default_rng(53)
    return gen.normal(size=(4, 4)), gen.normal(size=(4, 4))


def check_used_twice(square_matmul_vjp) -> Feedback:
    """05-used-twice: square_matmul_vjp(A, grad_output) -> dL/dA for C = A @ A."""
    exercise = "05-used-twice"
    A, G = _used_twice_case()
    answer, feedback = run_learner_function(exercise, square_matmul_vjp, A.copy(), G.copy())
    if feedback is not None:
        return feedback
    overwritten = ("only one of the two uses of A counts: A is the left factor AND the right "
                   "factor of A @ A, and a variable used twice gets the SUM of both gradients. "
                   "Writing the second one over the first loses it: add G @ A.T + A.T @ G.")
    return compare(exercise, answer, solutions.square_matmul_vjp(A, G), mistakes=[
        Mistake("overwritten", G @ A.T, overwritten),
        Mistake("overwritten", A.T @ G, overwritten),
        Mistake("assumed symmetric", 2 * G @ A.T,
                "2 G Aᵀ would be right only if the two contributions were equal; they are "
                "G @ A.T (A on the left) and A.T @ G (A on the right), which differ."),
        Mistake("assumed symmetric", 2 * A.T @ G,
                "2 Aᵀ G would be right only if the two contributions were equal; they are "
                "G @ A.T (A on the left) and A.T @ G (A on the right), which differ."),
        Mistake("transposes missing", G @ A + A @ G,
                "the transposes are missing: through the left factor G |--> G @ A.T, through "
                "the right factor G |--> A.T @ G."),
    ], what="dL/dA")
# (end of 05 The backward pass)


# === 06 Jacobians through time ===

def _rnn_case():
    """A tanh RNN with 4 hidden units run for T = 5 steps; k = 1 leaves 4 factors to order."""
    from .rnn import random_recurrent_matrix, rnn_forward

    gen = np.random.default_rng(61)
    W = random_recurrent_matrix(4, 1.1, gen)
    U, xs = gen.normal(size=(4, 3)), gen.normal(size=(5, 3))
    hs = rnn_forward(W, U, xs, h0=gen.normal(size=4) * 0.5).h
    return W, hs, 1


def check_jacobian_through_time(jacobian_through_time) -> Feedback:
    """06-jacobian-through-time: jacobian_through_time(W, hs, k) -> dh_T/dh_k, shape (n, n)."""
    exercise = "06-jacobian-through-time"
    W, hs, k = _rnn_case()
    answer, feedback = run_learner_function(exercise, jacobian_through_time, W.copy(),
                                             hs.copy(), k)
    if feedback is not None:
        return feedback
    T = len(hs) - 1

    def product(factor, newest_left=True):
        result = np.eye(len(W))
        for t in range(k + 1, T + 1):
            result = factor(t) @ result if newest_left else result @ factor(t)
        return result

    def step(t):
        return np.diag(1 - hs[t] ** 2) @ W

    expected = solutions.jacobian_through_time(W, hs, k)
    return compare(exercise, answer, expected, mistakes=[
        Mistake("wrong order", product(step, newest_left=False),
                "the factors are multiplied in the wrong order: you built J_{k+1} ... J_T. The "
                "chain rule puts the LAST step outermost: dh_T/dh_k = J_T J_{T-1} ... J_{k+1}, "
                "so each new step multiplies on the left (product = J_t @ product)."),
        Mistake("transposed", expected.T,
                "that is the transpose of dh_T/dh_k. With the convention output × input, row "
                "i is h_T's entry i: build J_t = diag(1 - h_t²) W and multiply J_t @ product."),
        Mistake("off by one step", product(lambda t: np.diag(1 - hs[t - 1] ** 2) @ W),
                "the tanh derivative is taken at the wrong step: J_t = dh_t/dh_{t-1} uses "
                "1 - h_t² (the output of step t), not 1 - h_{t-1}²."),
        Mistake("diag on the wrong side", product(lambda t: W @ np.diag(1 - hs[t] ** 2)),
                "diag(1 - h_t²) belongs on the left of W: h_t = tanh(a_t) with a_t = W h_{t-1} "
                "+ ..., so dh_t/dh_{t-1} = diag(tanh'(a_t)) · W, scaling the ROWS of W."),
        Mistake("nonlinearity ignored", np.linalg.matrix_power(W, T - k),
                "that is W^(T-k), the Jacobian of a linear RNN. Each tanh step scales the rows "
                "of W by 1 - h_t²: J_t = diag(1 - h_t²) W."),
    ], what="dh_T/dh_k")


def _clip_case():
    """One gradient longer than max_norm = 2 (norm 6.5) and one shorter (norm 0.5)."""
    long = np.array([[3.0, -4.0, 2.5], [1.0, 0.0, -3.0]])
    long = long * (6.5 / np.linalg.norm(long))
    short = np.array([[0.1, -0.2, 0.3], [0.0, 0.2, -0.1]])
    short = short * (0.5 / np.linalg.norm(short))
    return long, short, 2.0


def check_clip_by_norm(clip_by_norm) -> Feedback:
    """06-clip-by-norm: clip_by_norm(gradient, max_norm) on a long and a short gradient."""
    exercise = "06-clip-by-norm"
    long, short, max_norm = _clip_case()
    answers = []
    for gradient in (long, short):
        answer, feedback = run_learner_function(exercise, clip_by_norm, gradient.copy(),
                                                 max_norm)
        if feedback is not None:
            return feedback
        if np.shape(answer) != gradient.shape:
            return Feedback(False, f"{FAIL} {exercise}: the clipped gradient must keep the "
                                   f"gradient's shape {gradient.shape}; got {np.shape(answer)}.",
                            "wrong shape")
        answers.append(np.asarray(answer, dtype=float))

    def both(function):  # a mistake's result on both test gradients, side by side
        return np.stack([function(long), function(short)])

    expected = both(lambda g: solutions.clip_by_norm(g, max_norm))
    return compare(exercise, np.stack(answers), expected, mistakes=[
        Mistake("clipped entries", both(lambda g: np.clip(g, -max_norm, max_norm)),
                "np.clip cuts each entry separately, which changes the gradient's direction. "
                "Clip by norm: if ||g|| > max_norm, return g * (max_norm / ||g||)."),
        Mistake("always rescaled", both(lambda g: g * (max_norm / np.linalg.norm(g))),
                "you rescaled every gradient to length max_norm, also the short one, which "
                "should pass unchanged: rescale only when ||g|| > max_norm."),
        Mistake("unit length", both(lambda g: g / np.linalg.norm(g)),
                "dividing by the norm gives length 1, not max_norm, and shortens nothing on "
                "purpose: return g * (max_norm / ||g||) only when ||g|| > max_norm."),
        Mistake("never clipped", both(lambda g: g),
                "the long gradient (norm 6.5 > max_norm = 2) came back unchanged: it should "
                "be shrunk to norm max_norm, keeping its direction."),
    ], what="the clipped gradients")
# (end of 06 Jacobians through time)
