"""Checkers of 01-jacobians: a Jacobian's shape, the softmax Jacobian, central differences."""

from __future__ import annotations

import numpy as np

from .. import solutions
from ._feedback import (
    FAIL,
    TODO,
    Feedback,
    Mistake,
    compact,
    compare,
    correct,
    is_stub,
    not_done,
    run_learner_function,
)

# The course's helpers that do an exercise's work: its learner's function may not call them.
LIBRARY = {
    "01-jacobian-shape": ("utils.jacobian",),
    "01-softmax-jacobian": ("utils.jacobian",),
    "01-central-difference": ("utils.jacobian",),
}


def shape_exercise_g(x):
    """The map of exercise 01-jacobian-shape: R^3 -> R^2."""
    return np.array([x[0] * x[1] + x[2] ** 2, np.sin(x[0]) + 3 * x[1]])


def check_jacobian_shape(jacobian_of_g) -> Feedback:
    """01-jacobian-shape: the learner's jacobian_of_g(x) for g: R^3 -> R^2 at a few points."""
    exercise = "01-jacobian-shape"
    for x in (np.array([0.5, -1.0, 2.0]), np.array([-1.5, 0.3, 0.7])):
        answer, feedback = run_learner_function(exercise, jacobian_of_g, x)
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
        ], what="the Jacobian", where=f"at x = {compact(x)}", axes="outputs inputs",
            reference=(solutions.jacobian_of_g, (x,)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "a 2×3 Jacobian, one row per output, "
                             "one column per input.")


def check_softmax_jacobian(softmax_jacobian) -> Feedback:
    """01-softmax-jacobian: the learner's softmax_jacobian(z), checked on fixed vectors."""
    exercise = "01-softmax-jacobian"
    for z in (np.array([1.0, -0.5, 2.0, 0.3]), np.array([0.2, 0.1, -1.0, 0.0, 3.0])):
        answer, feedback = run_learner_function(exercise, softmax_jacobian, z)
        if feedback is not None:
            return feedback
        expected = solutions.softmax_jacobian(z)
        s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()  # softmax(z)
        n = len(z)
        e, e_shifted = np.exp(z), np.exp(z - z.max())
        not_normalised = ("you used the exponentials e^z instead of the probabilities "
                          "s = e^z / Σ_k e^(z_k). The formula needs s itself: divide by the "
                          "sum first.")
        feedback = compare(exercise, answer, expected, mistakes=[
            Mistake("diagonal only", np.diag(s * (1 - s)),
                    "you have the diagonal s_i (1 - s_i) right but the off-diagonal entries "
                    "are zero. Softmax is not elementwise: every s_i depends on every z_j "
                    "through the normalising sum, so ds_i/dz_j is not zero for i ≠ j."),
            Mistake("diagonal as a vector", s * (1 - s),
                    f"a Jacobian of R^{n} -> R^{n} is a {n}×{n} matrix; you returned only its "
                    f"diagonal s_i (1 - s_i), as a vector of shape ({n},). The entries off "
                    f"the diagonal, ds_i/dz_j for i ≠ j, belong in it too."),
            Mistake("outer product missing", np.diag(s),
                    "diag(s) is only the first term: through the normalising sum every s_i "
                    "also moves with every z_j, which adds a second term to every entry."),
            Mistake("diagonal term missing", -np.outer(s, s),
                    "your off-diagonal entries are right, but the diagonal ones miss a term: "
                    "raising z_i also raises the e^(z_i) in s_i's own numerator."),
            Mistake("sign flipped", np.outer(s, s) - np.diag(s),
                    "the signs are flipped: the diagonal is positive (raising z_i raises s_i) "
                    "and the entries off it negative."),
            Mistake("off-diagonal sign flipped", 2 * np.diag(np.diag(expected)) - expected,
                    "the diagonal s_i (1 - s_i) is right, but the off-diagonal entries have the "
                    "wrong sign: raising another score z_j takes probability away from s_i."),
            Mistake("used z instead of s", np.diag(z) - np.outer(z, z),
                    "you put the scores z into the formula; it needs the probabilities "
                    "s = softmax(z), computed from z first."),
            Mistake("unnormalised exp(z)", np.diag(e) - np.outer(e, e), not_normalised),
            Mistake("unnormalised exp(z)", np.diag(e_shifted) - np.outer(e_shifted, e_shifted),
                    not_normalised),
        ], what="the softmax Jacobian", where=f"at z = {compact(z)}", axes="n n",
            reference=(solutions.softmax_jacobian, (z,)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "J = diag(s) - s sᵀ (its rows and "
                             "columns sum to zero, because the s_i always sum to 1).")


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


def _estimate_pattern(estimates, steps, exact):
    """(name, words) when both estimates are the derivative times a constant, times h, or / h."""
    for power, name, words in (
            (0, "scaled", "both are the derivative times {c:.3g}: {why}"),
            (1, "not divided by h", "they shrink in step with h: the difference of f is not "
                                    "divided by 2h"),
            (-1, "divided by h twice", "they grow like 1/h: the difference is divided by h "
                                       "once too often, e.g. / (2*h)**2")):
        factors = [estimate / (exact * h**power) for estimate, h in zip(estimates, steps,
                                                                         strict=True)]
        if abs(factors[0] - factors[1]) <= 0.02 * abs(factors[1]) and not (
                power == 0 and abs(factors[1] - 1) < 1e-3):
            why = {-1: "a sign is flipped, f(x - h) - f(x + h)?",
                   0.5: "a one-sided difference divided by 2h, or a ½ too many?",
                   2: "the 2 of 2h is missing?"}.get(round(factors[1] * 4) / 4,
                                                     "a constant factor is wrong")
            return name if power or round(factors[1]) != -1 else "sign flipped", \
                words.format(c=factors[1], why=why)
    return None


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
    pattern = _estimate_pattern(estimates, steps, exact)
    if all(abs(e * 2 * h - 2 * np.sin(1.0)) < 1e-3 for e, h in zip(estimates, steps, strict=True)):
        pattern = ("sum not difference", "that is (f(x + h) + f(x - h)) / 2h ≈ f(x)/h: a + "
                                          "where the difference needs a -.")
    if errors[1] >= 1e-3 and pattern is not None:
        return Feedback(False, f"{FAIL} {exercise}: {at} with h = 1e-2 and 1e-3 you got "
                               f"{estimates[0]:.6g} and {estimates[1]:.6g} (expected about "
                               f"cos(1) = {exact:.6f}): {pattern[1]}", pattern[0])
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
                               f"sides, to x + h and x - h: in their difference the even powers "
                               f"of h in the Taylor series (f(x), h²f''(x)/2, ...) cancel, so the "
                               f"error starts at h²f'''(x)/6, ∝ h² (100× smaller per 10× smaller "
                               f"step).", "one-sided difference")
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
        return correct(exercise, f"a central difference, and with h = {good_step:.1e} its "
                                 f"worst relative error on exp, sin and log is {worst:.1e}.")
    best = max(abs(solutions.central_difference(f, x, _FD_BEST_STEP) - d(x)) / abs(d(x))
               for f, d, x, _ in _FD_TESTS)
    detail = (f"with h = {good_step:.1e} the worst relative error is {worst:.1e} (expected "
              f"{worst_case}); a better step reaches {best:.0e}, and this exercise asks for "
              f"{_FD_TOLERANCE:.0e}. ")
    advice = (" Pick a step much larger than machine precision but much smaller than 1: try a "
              "few and look at the error.")
    if good_step > _FD_BEST_STEP:
        return Feedback(False, f"{FAIL} {exercise}: your method is right, the step too large: "
                               f"{detail}Truncation error grows like h².{advice}",
                        "step too large")
    return Feedback(False, f"{FAIL} {exercise}: your method is right, the step too small: "
                           f"{detail}f(x + h) and f(x - h) agree in most of their digits, and "
                           f"the round-off left in their difference, about ε·|f| (ε = 2.2e-16), "
                           f"is divided by 2h: that error grows like ε/h.{advice}",
                    "step too small")
