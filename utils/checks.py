"""Exercise checkers: accept any correct answer, name the mistake a wrong one makes.

A checker returns a `Feedback`, shown in the notebook as its message. With the stub untouched
(`...` or None) it says "not done yet" instead of raising. For a wrong answer it compares the
answer with the results of the common mistakes for that exercise and, when one matches, gives
the hint aimed at it; otherwise it says what was expected against what it got.

Reference solutions live in `utils.solutions`; `solution("01-softmax-jacobian")` prints one.
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
    try:  # complex numbers and None entries get their own message (not a ComplexWarning)
        raw = np.asarray(answer)
    except (TypeError, ValueError):
        raw = None
    if raw is not None and np.iscomplexobj(raw):
        return Feedback(False, f"{FAIL} {exercise}: {what} should be real numbers; got complex "
                               f"values (dtype {raw.dtype}).", "complex")
    if raw is not None and raw.dtype == object and any(v is None for v in raw.flat):
        return Feedback(False, f"{FAIL} {exercise}: {what} has None entries; fill in every "
                               f"entry with a number.", "None entries")
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
    """Print the reference solution of an exercise, e.g. solution("04-grad-A")."""
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


def _compact(vector) -> str:
    """A test input on one line: [1, -0.5, 2, 0.3]."""
    return "[" + ", ".join(f"{float(v):.4g}" for v in np.ravel(vector)) + "]"


def _side_by_side(expected, answer) -> str:
    """Expected and given vectors or matrices next to each other, one row a line."""
    rows = [[" ".join(f"{float(v) + 0.0:8.4f}" for v in np.atleast_1d(row))
             for row in np.atleast_2d(np.asarray(a, dtype=float))] for a in (expected, answer)]
    width = len(rows[0][0])
    lines = [f"  {'expected'.ljust(width)}   got"]
    lines += [f"  {e.ljust(width)}   {g}" for e, g in zip(*rows, strict=True)]
    return "\n".join(lines)


def _name_the_input(feedback: Feedback, where: str, answer=None, expected=None) -> Feedback:
    """Add the test input to a failing Feedback and, for a small answer with wrong values, the
    expected and the given arrays side by side."""
    if feedback.passed or feedback.mistake in ("not done", "raised", "not a function"):
        return feedback
    message = f"{feedback.message} (checked {where})"
    if feedback.mistake == "wrong values" and np.size(expected) <= 36:
        message += "\n" + _side_by_side(expected, answer)
    return Feedback(False, message, feedback.mistake)


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
            return _name_the_input(feedback, f"at x = {_compact(x)}", answer, expected)
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
        k = len(z)
        e, e_shifted = np.exp(z), np.exp(z - z.max())
        not_normalised = ("you used the exponentials e^z instead of the probabilities "
                          "s = e^z / Σ_k e^(z_k). The formula diag(s) - s sᵀ needs s itself: "
                          "divide by the sum first.")
        feedback = compare(exercise, answer, expected, mistakes=[
            Mistake("diagonal only", np.diag(s * (1 - s)),
                    "you have the diagonal s_i (1 - s_i) right but the off-diagonal entries "
                    "are zero. Softmax is not elementwise: every s_i depends on every z_j "
                    "through the normalising sum, so ds_i/dz_j = -s_i s_j for i ≠ j."),
            Mistake("diagonal as a vector", s * (1 - s),
                    f"a Jacobian of R^{k} -> R^{k} is a {k}×{k} matrix; you returned only its "
                    f"diagonal s_i (1 - s_i), as a vector of shape ({k},). The entries off "
                    f"the diagonal are -s_i s_j: J = diag(s) - s sᵀ."),
            Mistake("outer product missing", np.diag(s),
                    "diag(s) is only the first term; the normalising sum adds -s sᵀ: "
                    "J = diag(s) - s sᵀ."),
            Mistake("diagonal term missing", -np.outer(s, s),
                    "-s sᵀ is only the second term, which every entry gets; the diagonal "
                    "entries also get s_i (from the δ_ij in s_i (δ_ij - s_j)): "
                    "J = diag(s) - s sᵀ."),
            Mistake("sign flipped", np.outer(s, s) - np.diag(s),
                    "the signs are flipped: J = diag(s) - s sᵀ, with a positive diagonal "
                    "(raising z_i raises s_i)."),
            Mistake("used z instead of s", np.diag(z) - np.outer(z, z),
                    "you put the scores z into the formula; it needs the probabilities "
                    "s = softmax(z): J = diag(s) - s sᵀ."),
            Mistake("unnormalised exp(z)", np.diag(e) - np.outer(e, e), not_normalised),
            Mistake("unnormalised exp(z)", np.diag(e_shifted) - np.outer(e_shifted, e_shifted),
                    not_normalised),
        ], what="the softmax Jacobian")
        if not feedback.passed:
            return _name_the_input(feedback, f"at z = {_compact(z)}", answer, expected)
    return Feedback(True, f"{PASS} {exercise}: correct: J = diag(s) - s sᵀ (its rows and "
                          f"columns sum to zero, because the s_i always sum to 1).")


_FD_TESTS = ((np.exp, np.exp, 1.0, "exp"), (np.sin, np.cos, 1.2, "sin"),
             (np.log, lambda x: 1 / x, 0.8, "log"))
_FD_TOLERANCE = 1e-9   # relative error a well-sized central step reaches for x near 1
_FD_BEST_STEP = np.finfo(float).eps ** (1 / 3)


def _as_number(value) -> float | None:
    """A learner's estimate as a float, or None when it is not one real number."""
    try:
        array = np.asarray(value)
    except Exception:  # e.g. a ragged list: not one number
        return None
    if array.size != 1 or array.dtype.kind not in "iuf":
        return None
    return float(array.reshape(()))


def _not_a_number(exercise: str, value, where: str) -> Feedback:
    shape = f" of shape {np.shape(value)}" if isinstance(value, np.ndarray) else ""
    return Feedback(False, f"{FAIL} {exercise}: central_difference should return one real "
                           f"number, the estimate of f'(x); with {where} it returned a "
                           f"{type(value).__name__}{shape}: {value!r:.60}.", "not a number")


def check_central_difference(central_difference, good_step) -> Feedback:
    """01-central-difference: the learner's central_difference(f, x, h) and their good_step.

    The method is judged by how its error shrinks with h (one-sided ∝ h, central ∝ h²), the
    step by the accuracy it achieves on exp, sin and log near x = 1.
    """
    exercise = "01-central-difference"
    if is_stub(central_difference):
        return not_done(exercise)
    exact, steps, estimates = np.cos(1.0), (1e-2, 1e-3), []  # the method is judged on sin at 1
    for h in steps:
        estimate, feedback = run_learner_function(exercise, central_difference, np.sin, 1.0, h)
        if feedback is not None:
            return feedback
        number = _as_number(estimate)
        if number is None:
            return _not_a_number(exercise, estimate, f"f = sin, x = 1, h = {h:g}")
        estimates.append(number)
    errors = [abs(estimate - exact) / exact for estimate in estimates]
    at = "for f = sin at x = 1"
    if errors[1] >= 1e-3 and abs(estimates[0] - estimates[1]) <= 1e-12 * max(1, abs(estimates[1])):
        return Feedback(False, f"{FAIL} {exercise}: {at} you returned {estimates[0]:.6g} both "
                               f"with h = 1e-2 and with h = 1e-3 (expected about cos(1) = "
                               f"{exact:.6f}): your function does not use h. Evaluate f on both "
                               f"sides of x, at x + h and x - h, and divide the difference by "
                               f"2h.", "does not use h")
    if all(abs(estimate / (exact * h**2) - 1) < 1e-2
           for estimate, h in zip(estimates, steps, strict=True)):
        return Feedback(False, f"{FAIL} {exercise}: {at} with h = 1e-2 you got "
                               f"{estimates[0]:.6g}, which is cos(1)·h² instead of cos(1) = "
                               f"{exact:.6f}: an operator-precedence slip. `... / 2*h` divides "
                               f"by 2 and then multiplies by h (/ and * go left to right); "
                               f"write `/ (2*h)`.", "precedence slip")
    if abs(estimates[1] - 2 * exact) < 1e-3 * exact:
        return Feedback(False, f"{FAIL} {exercise}: {at} with h = 1e-3 you got "
                               f"{estimates[1]:.6f}, twice sin'(1) = cos(1) = {exact:.6f}: the "
                               f"points x - h and x + h are 2h apart, so divide the difference by "
                               f"2h.", "missing factor 2")
    if errors[1] >= 1e-3:
        return Feedback(False, f"{FAIL} {exercise}: {at} expected about cos(1) = {exact:.6f}; got "
                               f"{estimates[0]:.6g} with h = 1e-2 and {estimates[1]:.6g} with "
                               f"h = 1e-3. Estimate f'(x) from f(x + h) and f(x - h).",
                        "wrong values")
    drop = errors[0] / errors[1] if errors[1] > 1e-13 else np.inf  # error ∝ h^k: drop = 10^k
    if drop < 10 ** 1.5:
        return Feedback(False, f"{FAIL} {exercise}: {at} your error went from {errors[0]:.1e} at "
                               f"h = 1e-2 to {errors[1]:.1e} at h = 1e-3: only {drop:.0f}× "
                               f"smaller for a 10× smaller step, so the error is ∝ h. That is a "
                               f"one-sided difference such as (f(x + h) - f(x)) / h. Step to both "
                               f"sides, (f(x + h) - f(x - h)) / (2h), and the h terms of the "
                               f"Taylor series cancel: the error becomes ∝ h² (100× smaller per "
                               f"10× smaller step).", "one-sided difference")
    if is_stub(good_step):
        return Feedback(False, f"{TODO} {exercise}: your central_difference works: its error "
                               f"shrinks like h² (100× per 10× smaller step). Now set good_step "
                               f"to the step you would use and run the cell again.", "not done")
    if isinstance(good_step, bool) or not isinstance(good_step, (int, float, np.integer,
                                                                 np.floating)) \
            or not np.isfinite(good_step) or good_step <= 0:
        return Feedback(False, f"{FAIL} {exercise}: good_step should be a positive number (a "
                               f"float, the step h itself); got {good_step!r}.", "bad step")
    good_step = float(good_step)  # a np.float32 step would turn x + h into float32 arithmetic
    worst = 0.0
    for f, derivative, x, name in _FD_TESTS:
        estimate, feedback = run_learner_function(exercise, central_difference, f, x, good_step)
        if feedback is not None:
            return feedback
        number = _as_number(estimate)
        if number is None:
            return _not_a_number(exercise, estimate, f"f = {name}, x = {x}, h = {good_step:g}")
        estimate = number
        error = abs(estimate - derivative(x)) / abs(derivative(x))
        error = error if np.isfinite(error) else np.inf  # e.g. log at x - h < 0 gives nan
        reference = solutions.central_difference(f, x, good_step)  # what this step can reach
        if error > 1e-3 and error > 10 * abs(reference - derivative(x)) / abs(derivative(x)):
            return Feedback(False, f"{FAIL} {exercise}: your function passed the test on sin, "
                                   f"but for f = {name} at x = {x} with h = {good_step:g} it "
                                   f"returned {estimate:.6g} instead of about {derivative(x):.6g} "
                                   f"(the central difference gives {reference:.6g} with that "
                                   f"step). It must estimate the derivative of the f it is "
                                   f"given, from f(x + h) and f(x - h).", "wrong for other f")
        if error > worst:
            worst, worst_case = error, f"{name}'({x}) = {derivative(x):.12f}, got {estimate:.12f}"
    if worst <= _FD_TOLERANCE:
        return Feedback(True, f"{PASS} {exercise}: correct: a central difference, and with "
                              f"h = {good_step:.1e} its worst relative error on exp, sin and log "
                              f"is {worst:.1e}.")
    best = max(abs(solutions.central_difference(f, x, _FD_BEST_STEP) - d(x)) / abs(d(x))
               for f, d, x, _ in _FD_TESTS)
    detail = (f"with h = {good_step:.1e} the worst relative error is {worst:.1e} (expected "
              f"{worst_case}); with h ≈ ε^(1/3) ≈ {_FD_BEST_STEP:.0e} it is {best:.0e}, and "
              f"this exercise asks for {_FD_TOLERANCE:.0e}. ")
    if good_step > _FD_BEST_STEP:
        return Feedback(False, f"{FAIL} {exercise}: your method is right, the step too large: "
                               f"{detail}Truncation error grows like h²: try a smaller step.",
                        "step too large")
    return Feedback(False, f"{FAIL} {exercise}: your method is right, the step too small: "
                           f"{detail}f(x + h) and f(x - h) agree in most of their digits, and "
                           f"the round-off left in their difference, about ε·|f| (ε = 2.2e-16), "
                           f"is divided by 2h: that error grows like ε/h. Try a larger step.",
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
                     else "g: R^4 -> R^3, f: R^3 -> R^2, so J^h should be 2×4")
            return _name_the_input(feedback, f"with {where}, at x = {_compact(x)}", answer,
                                   expected)
    return Feedback(True, f"{PASS} {exercise}: correct: J^h = J^f(g(x)) · J^g(x), "
                          f"(k×m)·(m×n) = k×n.")


def chain_exercise_jacobians(case: str):
    """(u, [J_1, J_2, J_3]) for the 02-chain-vjp checker: all 4×4, or widths 6 -> 5 -> 4 -> 3."""
    rng = np.random.default_rng(2)
    widths = (4, 4, 4, 4) if case == "square" else (6, 5, 4, 3)
    jacobians = [rng.standard_normal((widths[k], widths[k - 1])) for k in (1, 2, 3)]
    return rng.standard_normal(widths[-1]), jacobians


class _RecordingJacobian(np.ndarray):
    """A Jacobian handed to a learner's chain_vjp: behaves as a plain array (results are plain
    arrays) but records every matrix-matrix product it enters, i.e. (p, q) @ (q, r) with p > 1
    and r > 1, through @, np.matmul or np.dot. A row or column vector times a matrix is fine."""

    @classmethod
    def wrap(cls, matrix, log: list):
        wrapped = np.array(matrix, dtype=float).view(cls)
        wrapped.log = log
        return wrapped

    def __array_finalize__(self, obj):  # views (J.T, J[:, :2]) keep recording into the same log
        self.log = getattr(obj, "log", None)

    def _record(self, a, b) -> None:
        if np.ndim(a) == 2 and np.ndim(b) == 2 and np.shape(a)[0] > 1 and np.shape(b)[1] > 1:
            self.log.append((np.shape(a), np.shape(b)))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc is np.matmul and method == "__call__" and len(inputs) == 2:
            self._record(*inputs)
        plain = [np.asarray(a) if isinstance(a, _RecordingJacobian) else a for a in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(np.asarray(a) if isinstance(a, _RecordingJacobian) else a
                                  for a in kwargs["out"])
        return getattr(ufunc, method)(*plain, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func is np.dot and len(args) >= 2:
            self._record(args[0], args[1])
        plain = [np.asarray(a) if isinstance(a, _RecordingJacobian) else a for a in args]
        if func is np.linalg.multi_dot:  # a list of arrays: a matrix result needs matrix products
            arrays = list(args[0])
            self._record(arrays[0], arrays[-1])
            plain = [[np.asarray(a) for a in arrays], *args[1:]]
        return func(*plain, **kwargs)


def check_chain_vjp(chain_vjp) -> Feedback:
    """02-chain-vjp: the learner's chain_vjp(u, [J_1, J_2, J_3]) = u·J_3·J_2·J_1."""
    exercise = "02-chain-vjp"
    for case in ("square", "wide"):
        u, jacobians = chain_exercise_jacobians(case)
        products: list = []  # the matrix-matrix products the learner's code computes
        recording = [_RecordingJacobian.wrap(J, products) for J in jacobians]
        answer, feedback = run_learner_function(exercise, chain_vjp, u.copy(), recording)
        if feedback is not None:
            return feedback
        if isinstance(answer, np.ndarray):
            answer = np.asarray(answer)  # a plain array again
        expected = solutions.chain_vjp(u, jacobians)
        J1, J2, J3 = jacobians
        mistakes = [Mistake("full Jacobian", J3 @ J2 @ J1,
                            "that is the whole Jacobian J_3·J_2·J_1, a matrix. The VJP "
                            "multiplies the incoming row vector u into it step by step and "
                            "returns a vector shaped like the chain's input."),
                    Mistake("row vector", expected[None, :],
                            f"the numbers are right, but you returned a 2-D row of shape "
                            f"(1, {expected.size}); return a 1-D vector of shape "
                            f"({expected.size},), like the chain's input (u @ J works on a "
                            f"1-D u as it is).")]
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
            return _name_the_input(feedback, f"with {where}, u = {_compact(u)}", answer,
                                   expected)
        if products:
            (rows, inner), (_, columns) = products[0]
            return Feedback(False, f"{FAIL} {exercise}: the numbers are right, but you formed "
                                   f"the full Jacobian product first (a ({rows}, {inner}) @ "
                                   f"({inner}, {columns}) matrix-matrix product): that is the "
                                   f"expensive forward route. Multiply u into one Jacobian at "
                                   f"a time, u = u @ J, starting from J_3: each step is then a "
                                   f"vector times a matrix.", "matrix-matrix product")
    return Feedback(True, f"{PASS} {exercise}: correct: u·J_3·J_2·J_1, one vector-matrix "
                          f"product per step, never a matrix-matrix product.")
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===

def matmul_exercise_inputs(m: int = 2, n: int = 3, p: int = 4, seed: int = 3):
    """Fixed A (m, n), B (n, p), dL/dC (m, p) for the 03 and 04 checkers (m, n, p distinct)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal((n, p)), rng.standard_normal((m, p))


def _expected_tensor(wrt: str, A, B) -> np.ndarray:
    return (solutions.dC_dA_by_loops if wrt == "A" else solutions.dC_dB_by_rule)(A, B)


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
                       "you used B[j, l] (b_jl) where the rule has b_lj = B[l, j]. In "
                       "c_ij = Σ_l a_il b_lj the summed index l counts B's rows and j its "
                       "columns, so row i of block (i, j) holds column j of B: "
                       "dC_dA[i, j, i, l] = B[l, j]. With square matrices the slip runs and "
                       "transposes B in every block; with A (2, 3) and B (3, 4), j runs up to "
                       "p - 1 = 3 and overflows B's 3 rows: " + _quote(raised))
    value = np.einsum("ki,jl->ijkl", A, np.eye(p))  # dC_dB[i, j, k, j] = A[k, i]
    return Mistake("a_ki instead of a_ik", value,
                   "you used A[k, i] (a_ki) where the rule has a_ik = A[i, k]. In "
                   "c_ij = Σ_k a_ik b_kj the index i counts A's rows and the summed k its "
                   "columns, so column j of block (i, j) holds row i of A: "
                   "dC_dB[i, j, k, j] = A[i, k]. With square matrices the slip runs and "
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
    feedback = compare(exercise, answer, expected, [swapped], what=f"dC/d{wrt}")
    if feedback.passed:
        sizes = "m, p, m, n" if wrt == "A" else "m, p, n, p"
        return Feedback(False, f"{FAIL} {exercise}: your function is right for square "
                               f"matrices but {_quote(raised)} Some size or index uses the wrong "
                               f"one of m, n, p: the tensor has shape ({sizes}) with A (m, n), "
                               f"B (n, p), and each index must run over its own axis.",
                        "only square")
    if feedback.mistake == swapped.name:
        return Feedback(False, f"{feedback.message} (checked with square A and B, 3 × 3)",
                        feedback.mistake)
    return raised


def _check_matmul_tensor(exercise: str, function, wrt: str) -> Feedback:
    for m, n, p in ((2, 3, 4), (3, 1, 2)):  # m, n, p all different: each mistake looks different
        A, B, _ = matmul_exercise_inputs(m, n, p)
        answer, feedback = run_learner_function(exercise, function, A, B)
        if feedback is not None:
            if feedback.mistake == "raised":  # an index past the end? square matrices tell
                return _diagnose_on_square(exercise, function, wrt, feedback)
            return feedback
        expected = _expected_tensor(wrt, A, B)
        other = _expected_tensor("B" if wrt == "A" else "A", A, B)
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
    """03-dC-dA: the learner's dC_dA_by_loops(A, B), the 4-D tensor of shape (m, p, m, n)."""
    return _check_matmul_tensor("03-dC-dA", dC_dA, "A")


def check_dC_dB(dC_dB) -> Feedback:
    """03-dC-dB: the learner's dC_dB_by_rule(A, B), the 4-D tensor of shape (m, p, n, p)."""
    return _check_matmul_tensor("03-dC-dB", dC_dB, "B")


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
        expected = solutions.tensor_bytes(m, n, p)
        feedback = compare(exercise, answer, expected, [
            Mistake("entries not bytes", m * p * m * n,
                    "that is the number of entries of dC/dA: you forgot the × 8. Each float64 "
                    "takes 8 bytes."),
            Mistake("bits not bytes", m * p * m * n * 64,
                    "that is the size in bits: a float64 has 64 bits but 8 bytes. Multiply the "
                    "m·p·m·n entries by 8, not 64."),
            Mistake("assumed square", n**4 * 8,
                    "that is n⁴ · 8, right only for square matrices (m = n = p). Here the sizes "
                    "differ: dC/dA has shape (m, p, m, n), so m·p·m·n entries."),
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
        if feedback.passed:
            continue
        if feedback.mistake in ("wrong values", "wrong shape"):  # a plain number: say it plainly
            return Feedback(False, f"{FAIL} {exercise}: expected {expected:,} bytes for "
                                   f"m, n, p = {m}, {n}, {p}; got {answer!r}.", "wrong values")
        return Feedback(False, f"{feedback.message} (checked with m, n, p = {m}, {n}, {p}: "
                               f"expected {expected:,} bytes, got {answer!r})", feedback.mistake)
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
                    "is Aᵀ, so dL/dC · Bᵀ is the gradient of Aᵀ, the transpose of dL/dA. "
                    "Derive it: c_ij = Σ_r a_ri b_rj, so ∂L/∂a_kl = Σ_j b_kj ∂L/∂c_lj, "
                    "dL/dA = B · dL/dCᵀ, (n, p)·(p, m) = (n, m)."),
            Mistake("transpose missing", B @ G,
                    "you computed B · dL/dC: the transpose of dL/dC is missing. In "
                    "∂L/∂a_kl = Σ_j b_kj ∂L/∂c_lj, the index l of A is C's ROW index, so dL/dC "
                    "enters transposed: dL/dA = B · dL/dCᵀ."),
            Mistake("wrong side", G.T @ B,
                    "you computed dL/dCᵀ · B: right matrices, wrong side. The sum "
                    "Σ_j b_kj ∂L/∂c_lj pairs B's columns with dL/dCᵀ's rows, so B goes on the "
                    "left: dL/dA = B · dL/dCᵀ, (n, p)·(p, m) = (n, m), A's shape."),
            Mistake("dL/dB instead", A @ G,
                    "A · dL/dC is dL/dB, the gradient for the other operand."),
            Mistake("elementwise", B * G.T,
                    "`*` multiplies entry by entry; the sum over j in Σ_j b_kj ∂L/∂c_lj is a "
                    "matrix product: use `@`."),
        ]
    return [
        Mistake("transpose missing", A.T @ G,
                "you computed Aᵀ · dL/dC, the rule for C = A·B copied: you multiplied by the "
                "left factor Aᵀ itself, and the rule transposes the left factor, (Aᵀ)ᵀ = A. "
                "Derive it: c_ij = Σ_r a_ri b_rj, so ∂L/∂b_kl = Σ_i a_ki ∂L/∂c_il, "
                "dL/dB = A · dL/dC, (n, m)·(m, p) = (n, p)."),
        Mistake("wrong side", G @ A,
                "you computed dL/dC · A: right matrices, wrong side. The sum Σ_i a_ki ∂L/∂c_il "
                "runs over A's columns and dL/dC's rows, so A goes on the left: "
                "dL/dB = A · dL/dC."),
        Mistake("result transposed", G.T @ A.T,
                "you have (dL/dB)ᵀ = dL/dCᵀ · Aᵀ. Transpose it back: dL/dB = A · dL/dC."),
        Mistake("dL/dA instead", B @ G.T,
                "B · dL/dCᵀ is dL/dA, the gradient for the other operand."),
        Mistake("elementwise", A * G,
                "`*` multiplies entry by entry; the sum over i in Σ_i a_ki ∂L/∂c_il is a "
                "matrix product: use `@`."),
    ]


def _check_matmul_gradient(exercise: str, function, wrt: str) -> Feedback:
    reference = solutions.grad_A if wrt == "A" else solutions.grad_B
    # square first (m = n = p = 3): every wrong product is computable, and each gives
    # different numbers; then m, n, p all different, where only the right shapes fit
    for m, n, p in ((3, 3, 3), (2, 3, 4)):
        A, B, dL_dC = gradient_exercise_inputs(m, n, p)
        x_shape = A.shape if wrt == "A" else B.shape
        answer, feedback = run_learner_function(exercise, function, dL_dC, A, B)
        shapes = f"dL/dC {dL_dC.shape}, A {A.shape}, B {B.shape}"
        if feedback is not None and feedback.mistake == "raised" and m != n:
            fit = ("B (n, p) times a (p, m) matrix: dL/dCᵀ" if wrt == "A"
                   else "a (n, m) matrix times dL/dC (m, p): A")
            return Feedback(False, f"{feedback.message} It worked for square matrices, so the "
                                   f"shapes give it away: dL/d{wrt} has {wrt}'s shape "
                                   f"{x_shape}, which only {fit} can produce.", "shape error")
        if feedback is not None:
            return feedback
        jacobian_shaped = _jacobian_shaped(exercise, answer, dL_dC.shape + x_shape, wrt, x_shape)
        if jacobian_shaped is not None:
            return jacobian_shaped
        mistakes = _gradient_mistakes(wrt, dL_dC, A, B) if m == n == p else []
        feedback = compare(exercise, answer, reference(dL_dC, A, B), mistakes,
                           what=f"dL/d{wrt}")
        if not feedback.passed:
            return Feedback(False, f"{feedback.message} (checked with {shapes})",
                            feedback.mistake)
    formula = "B · dL/dCᵀ" if wrt == "A" else "A · dL/dC"
    return Feedback(True, f"{PASS} {exercise}: correct: for C = Aᵀ B, dL/d{wrt} = {formula}, "
                          f"one matrix product and no 4-D tensor.")


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
        expected = solutions.chain_rule(dL_dC, dC_dX)
        mistakes = [Mistake("summed everything", np.sum(dL_dC[:, :, None, None] * dC_dX),
                            "you summed over all four axes and got one number. Sum over C's "
                            "axes only (i, j), and keep X's axes (k, l): the result is "
                            "shaped like X.")]
        if dC_dX.shape[:2] == dC_dX.shape[2:]:
            mistakes.append(Mistake(
                "wrong axes", np.tensordot(dL_dC, dC_dX, axes=([0, 1], [2, 3])),
                "you contracted dL/dC with the LAST two axes of the tensor (X's axes). In the "
                "convention C.shape + X.shape, the first two axes index c_ij: "
                "dL/dx_kl = Σ_ij dL/dc_ij · dC_dX[i, j, k, l] (np.tensordot(dL_dC, dC_dX, axes=2), "
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
    x, W, b = gen.normal(size=(5, 3)), gen.normal(size=(4, 3)), gen.normal(size=4)
    return x, W, b, gen.normal(size=(5, 4))


def check_dense_backward(linear_backward) -> Feedback:
    """05-dense-backward: linear_backward(x, W, b, grad_output) -> (dL_dx, dL_dW, dL_db) for
    y = x @ W.T + b with W of shape (n_out, n_in)."""
    exercise = "05-dense-backward"
    x, W, b, G = _dense_case()
    answer, feedback = run_learner_function(exercise, linear_backward, x.copy(), W.copy(),
                                             b.copy(), G.copy())
    if feedback is not None:
        return feedback
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return Feedback(False, f"{FAIL} {exercise}: return the three gradients as a tuple "
                               f"(dL_dx, dL_dW, dL_db); got {type(answer).__name__}.",
                        "not three gradients")
    dL_dx, dL_dW, dL_db = solutions.linear_backward(x, W, b, G)
    parts = [
        ("dL_dx", answer[0], dL_dx, [
            Mistake("dx averaged", dL_dx / len(x),
                    "you divided dL/dx by the batch size. Each example's input gradient is just "
                    "its row of grad_output @ W: the loss already carries the 1/batch."),
        ]),
        ("dL_dW", answer[1], dL_dW, [
            Mistake("dW transposed", dL_dW.T,
                    "you returned x.T @ grad_output, of shape (n_in, n_out) = (3, 4): the "
                    "gradient for W stored as (n_in, n_out). Here W is (n_out, n_in) = (4, 3), "
                    "and dL/dW has W's shape: grad_output.T @ x."),
            Mistake("dW averaged", dL_dW / len(x),
                    "you divided dL/dW by the batch size. The loss already carries the 1/batch "
                    "(its gradient is divided by the batch); the layer just sums the examples' "
                    "contributions: grad_output.T @ x."),
        ]),
        ("dL_db", answer[2], dL_db, [
            Mistake("bias not summed", G,
                    "your dL/db has shape (batch, n_out) = (5, 4), but b has shape (4,): a "
                    "gradient always has the shape of what it is for. b is added to every row "
                    "of the batch, so its gradient sums the rows: grad_output.sum(axis=0)."),
            Mistake("bias keepdims", G.sum(axis=0, keepdims=True),
                    "you summed over the batch with keepdims=True, giving shape (1, 4); b has "
                    "shape (4,), and its gradient must too: grad_output.sum(axis=0)."),
            Mistake("bias averaged", G.mean(axis=0),
                    "you took the mean over the batch; b gets the sum. b was added to every "
                    "row, and each row's gradient counts in full (the 1/batch of the loss is "
                    "already inside grad_output)."),
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
    return Feedback(True, f"{PASS} {exercise}: correct: dL_dx = G @ W, dL_dW = G.T @ x and "
                          f"dL_db = G summed over the batch; each has its variable's shape.")


def _dense_relu_case():
    """x, W, b chosen so the pre-activations z lie on both sides of 0 and of 1: relu(z) and
    the mask (z > 0) differ, and the mask of z differs from the mask of x."""
    gen = np.random.default_rng(52)
    x = gen.normal(size=(4, 3))
    W, b = gen.normal(size=(3, 5)), np.array([0.5, -0.3, 0.2, -0.6, 0.1])
    return x, W, b, gen.normal(size=(4, 5))


def check_relu_backward(dense_relu_backward) -> Feedback:
    """05-relu-backward: dense_relu_backward(x, W, b, grad_output) -> dL/dx for
    y = relu(x @ W + b)."""
    exercise = "05-relu-backward"
    x, W, b, G = _dense_relu_case()
    answer, feedback = run_learner_function(exercise, dense_relu_backward, x.copy(), W.copy(),
                                             b.copy(), G.copy())
    if feedback is not None:
        return feedback
    z = x @ W + b
    y = np.maximum(z, 0.0)
    return compare(exercise, answer, solutions.dense_relu_backward(x, W, b, G), mistakes=[
        Mistake("output values", (G * y) @ W.T,
                "you multiplied grad_output by the ReLU's output values relu(z). Its derivative "
                "is 1 where z > 0 and 0 elsewhere, whatever the size of z: multiply by the mask "
                "(z > 0) of its input, not by relu(z)."),
        Mistake("pre-activation values", (G * z) @ W.T,
                "you multiplied grad_output by z itself. relu'(z) is 1 for z > 0 and 0 "
                "otherwise: multiply by the mask (z > 0)."),
        Mistake("mask missing", G @ W.T,
                "the ReLU step is missing: grad_output went straight through the matrix "
                "product. Where z <= 0 the output does not move when z does, so first zero "
                "those entries: (grad_output * (z > 0)) @ W.T."),
        Mistake("mask after the product", G @ W.T * (x > 0),
                "you applied a mask after the matrix product, to dL/dx. The ReLU comes after "
                "the product in the forward pass, so in the backward pass its mask comes "
                "first, on grad_output: (grad_output * (z > 0)) @ W.T."),
        Mistake("dW instead of dx", x.T @ (G * (z > 0)),
                "that is dL/dW, shape (3, 5). The exercise asks for dL/dx, shaped like x "
                "(4, 3): (grad_output * (z > 0)) @ W.T."),
    ], what="dL/dx")


def _used_twice_case():
    """A (3, 5): not square, so C = A A^T (3, 3) and A have different shapes."""
    gen = np.random.default_rng(53)
    return gen.normal(size=(3, 5)), gen.normal(size=(3, 3))


def check_used_twice(gram_vjp) -> Feedback:
    """05-used-twice: gram_vjp(A, grad_output) -> dL/dA for C = A @ A.T."""
    exercise = "05-used-twice"
    A, G = _used_twice_case()
    answer, feedback = run_learner_function(exercise, gram_vjp, A.copy(), G.copy())
    if feedback is not None:
        return feedback
    overwritten = ("only one of the two uses of A counts: A is the left factor AND (transposed) "
                   "the right factor of A @ A.T, and a variable used twice gets the SUM of both "
                   "gradients. Writing the second one over the first loses it: "
                   "G @ A + G.T @ A.")
    return compare(exercise, answer, solutions.gram_vjp(A, G), mistakes=[
        Mistake("overwritten", G @ A, overwritten),
        Mistake("overwritten", G.T @ A, overwritten),
        Mistake("assumed symmetric", 2 * G @ A,
                "2 G A would be right only if G were symmetric; the two uses give G @ A and "
                "G.T @ A, which differ for a general G."),
        Mistake("assumed symmetric", 2 * G.T @ A,
                "2 Gᵀ A would be right only if G were symmetric; the two uses give G @ A and "
                "G.T @ A, which differ for a general G."),
    ], what="dL/dA")


def _sin_case():
    gen = np.random.default_rng(54)
    x = gen.uniform(-3.0, 3.0, size=(3, 4))
    return gen.normal(size=(3, 4)), np.sin(x), x


def check_vjp_rule(sin_vjp) -> Feedback:
    """05-sin-rule: sin_vjp(g, ans, x) -> dL/dx for ans = sin(x), then used by the autodiff."""
    from . import autodiff as ad

    exercise = "05-sin-rule"
    g, ans, x = _sin_case()
    answer, feedback = run_learner_function(exercise, sin_vjp, g.copy(), ans.copy(), x.copy())
    if feedback is not None:
        return feedback
    feedback = compare(exercise, answer, solutions.sin_vjp(g, ans, x), mistakes=[
        Mistake("local derivative only", np.cos(x),
                "that is sin'(x) = cos(x) alone. A VJP rule maps the incoming gradient g: "
                "return g * cos(x)."),
        Mistake("cos of the output", g * np.cos(ans),
                "you took the cosine of ans = sin(x). The derivative of sin is evaluated at "
                "its input: g * cos(x)."),
        Mistake("sign", -g * np.cos(x),
                "the sign is flipped: (sin)' = +cos; it is cos whose derivative is -sin."),
        Mistake("derivative of cos", -g * np.sin(x),
                "-sin(x) is the derivative of cos, not of sin: g * cos(x)."),
        Mistake("copied exp's rule", g * ans,
                "g * ans is exp's rule (exp is its own derivative); sin's derivative is cos: "
                "g * cos(x)."),
        Mistake("copied tanh's rule", g * (1.0 - ans ** 2),
                "g * (1 - ans**2) is tanh's rule (tanh' = 1 - tanh²); sin's derivative is cos, "
                "evaluated at the input: g * cos(x)."),
        Mistake("cos from the output", g * np.sqrt(1.0 - ans ** 2),
                "sqrt(1 - ans**2) is |cos(x)|, not cos(x): it loses the sign wherever cos(x) < 0 "
                "(the output sin(x) cannot tell x from pi - x). Use the input: g * cos(x)."),
        Mistake("matrix product", g @ np.cos(x).T,
                "sin acts entry by entry, so its Jacobian is diagonal and the VJP is an "
                "elementwise product, g * cos(x), not a matrix product."),
    ], what="the rule's output")
    if not feedback.passed:
        return feedback
    # registered on a private primitive, the rule must give the gradient of a real loss
    sin = ad.Primitive("sin (checker)", np.sin)
    ad.defvjp(sin, 0, sin_vjp)
    try:
        W = np.random.default_rng(55).normal(size=(4, 2))
        gradient = ad.grad(lambda x_: ad.sum(sin(x_ @ W) * 0.5))(x)
    finally:
        del ad.VJP_RULES[sin.name, 0]
    expected = (0.5 * np.cos(x @ W)) @ W.T
    if not np.allclose(gradient, expected):
        return Feedback(False, f"{FAIL} {exercise}: your rule is right on its own but gives a "
                               f"wrong gradient inside a graph; return an array shaped like x, "
                               f"computed from g, ans and x only.", "wrong in a graph")
    return Feedback(True, f"{PASS} {exercise}: correct: registered with defvjp, your rule "
                          f"G |--> G * cos(x) gives the autodiff the gradient of "
                          f"sum(sin(x @ W)) / 2.")
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


def check_jacobian_through_time(my_jacobian_through_time) -> Feedback:
    """06-jacobian-through-time: my_jacobian_through_time(W, hs, k) -> dh_T/dh_k, (n, n)."""
    exercise = "06-jacobian-through-time"
    W, hs, k = _rnn_case()
    answer, feedback = run_learner_function(exercise, my_jacobian_through_time, W.copy(),
                                             hs.copy(), k)
    if feedback is not None:
        return feedback
    T = len(hs) - 1

    def product(factor, first=k + 1, last=T, newest_left=True):
        result = np.eye(len(W))
        for t in range(first, last + 1):
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
        Mistake("one step too many", product(step, first=k),
                "your loop includes J_k = dh_k/dh_{k-1}, one step too many: from h_k to h_T "
                "the state goes through steps k+1, ..., T only, so t runs over "
                "range(k + 1, T + 1)."),
        Mistake("one step missing", product(step, first=k + 2),
                "your product misses J_{k+1}, the first step after h_k: t must run over "
                "range(k + 1, T + 1), i.e. k+1, ..., T."),
        Mistake("one step missing", product(step, last=T - 1),
                "your product misses J_T, the last step: t must run up to T inclusive, "
                "range(k + 1, T + 1) (hs has T + 1 rows, h_0 ... h_T)."),
        Mistake("W transposed", product(lambda t: np.diag(1 - hs[t] ** 2) @ W.T),
                "you used W.T. In this notebook W acts on the column h_{t-1} (a_t = W h_{t-1} "
                "+ U x_t), so da_t/dh_{t-1} = W itself: J_t = diag(1 - h_t²) W."),
        Mistake("tanh applied to h", product(lambda t: np.diag(1 - np.tanh(hs[t]) ** 2) @ W),
                "you used 1 - tanh(h_t)², treating h_t as the pre-activation. h_t is already "
                "tanh(a_t), so tanh'(a_t) = 1 - h_t²: no further tanh."),
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
    """One gradient longer than max_norm = 2 (norm 6.5, both rows longer than 2 as well) and
    one shorter (norm 0.5)."""
    long = np.array([[3.0, -4.0, 2.5], [1.0, 0.0, -3.0]])
    long = long * (6.5 / np.linalg.norm(long))
    short = np.array([[0.1, -0.2, 0.3], [0.0, 0.2, -0.1]])
    short = short * (0.5 / np.linalg.norm(short))
    return long, short, 2.0


def check_clip_by_norm(my_clip_by_norm) -> Feedback:
    """06-clip-by-norm: my_clip_by_norm(gradient, max_norm) on a long and a short gradient."""
    exercise = "06-clip-by-norm"
    long, short, max_norm = _clip_case()
    cases = [("the long gradient (norm 6.5 > max_norm 2)", long),
             ("the short gradient (norm 0.5 < max_norm 2)", short)]
    answers = []
    for what, gradient in cases:
        answer, feedback = run_learner_function(exercise, my_clip_by_norm, gradient.copy(),
                                                 max_norm)
        if feedback is not None:
            return feedback
        try:
            answer = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return Feedback(False, f"{FAIL} {exercise}: for {what} the result should be a "
                                   f"numeric array; got {type(answer).__name__}.", "not numeric")
        if answer.shape != gradient.shape:
            return Feedback(False, f"{FAIL} {exercise}: for {what} the clipped gradient must "
                                   f"keep the gradient's shape {gradient.shape}; got "
                                   f"{answer.shape}.", "wrong shape")
        answers.append(answer)

    def rows_clipped(g):
        norms = np.linalg.norm(g, axis=1, keepdims=True)
        return np.where(norms > max_norm, g * max_norm / norms, g)

    mistakes = [  # recognised by what they do to BOTH gradients
        Mistake("clipped entries", lambda g: np.clip(g, -max_norm, max_norm),
                "np.clip cuts each entry separately, which changes the gradient's direction. "
                "Clip by norm: if ||g|| > max_norm, return g * (max_norm / ||g||)."),
        Mistake("per-row norms", rows_clipped,
                "you clipped each row to length max_norm separately, which changes the "
                "direction of the whole gradient. Use one norm of all entries together: "
                "np.linalg.norm(g) with no axis."),
        Mistake("inverted condition", lambda g: (g * (max_norm / np.linalg.norm(g))
                                                 if np.linalg.norm(g) < max_norm else g),
                "the condition is inverted: you stretched the short gradient up to max_norm "
                "and left the long one alone. Rescale only when ||g|| > max_norm."),
        Mistake("always rescaled", lambda g: g * (max_norm / np.linalg.norm(g)),
                "you rescaled every gradient to length max_norm, also the short one, which "
                "should pass unchanged: rescale only when ||g|| > max_norm."),
        Mistake("unit length", lambda g: g / np.linalg.norm(g),
                "dividing by the norm gives length 1, not max_norm, and shortens nothing on "
                "purpose: return g * (max_norm / ||g||) only when ||g|| > max_norm."),
        Mistake("never clipped", lambda g: g,
                "the long gradient (norm 6.5 > max_norm = 2) came back unchanged: it should "
                "be shrunk to norm max_norm, keeping its direction."),
    ]
    correct = [np.allclose(a, solutions.clip_by_norm(g, max_norm), rtol=1e-6, atol=1e-8)
               for a, (_, g) in zip(answers, cases, strict=True)]
    if not all(correct):
        for mistake in mistakes:
            if all(np.allclose(a, mistake.value(g), rtol=1e-6, atol=1e-8)
                   for a, (_, g) in zip(answers, cases, strict=True)):
                return Feedback(False, f"{FAIL} {exercise}: {mistake.hint}", mistake.name)
    for answer, (what, gradient) in zip(answers, cases, strict=True):
        feedback = compare(exercise, answer, solutions.clip_by_norm(gradient, max_norm),
                           what=what)
        if not feedback.passed:
            return Feedback(False, feedback.message.replace(f"{exercise}:",
                                                            f"{exercise} ({what}):"),
                            feedback.mistake)
    return Feedback(True, f"{PASS} {exercise}: correct: the long gradient is scaled to length "
                          f"{max_norm:g} in its own direction, the short one passes unchanged.")
# (end of 06 Jacobians through time)
