"""Checkers of 02-chain-rule: the chain rule as a product of Jacobians, and a chain of VJPs
(which must never build a Jacobian product)."""

from __future__ import annotations

import numpy as np

from .. import solutions
from ._counting import Tally, counting
from ._feedback import FAIL, Feedback, Mistake, compact, compare, correct, run_learner_function

# The course's helpers that do an exercise's work: its learner's function may not call them.
LIBRARY = {"02-chain-jacobian": ("utils.jacobian", "utils.chain.multiply_chain")}
# (02-chain-vjp's Jacobians hold counting numbers, which the course's helpers refuse.)

_W_SQUARE = np.array([[0.8, -0.4, 0.3], [0.2, 0.9, -0.6], [-0.5, 0.1, 0.7]])
_W_WIDE = np.array([[0.6, -0.3, 0.2, 0.9], [0.4, 0.5, -0.7, 0.1], [-0.2, 0.8, 0.3, -0.4]])


def _layer(W):
    """y -> tanh(W y) and its Jacobian diag(1 - tanh²(W y)) · W."""
    return (lambda y: np.tanh(W @ y)), (lambda y: (1 - np.tanh(W @ y) ** 2)[:, None] * W)


def _mixing(y):
    return np.array([y[0] * y[1], y[1] + y[2] ** 2, np.sin(y[0])])


def _mixing_jacobian(y):
    return np.array([[y[1], y[0], 0.0], [0.0, 1.0, 2 * y[2]], [np.cos(y[0]), 0.0, 0.0]])


def _out(y):
    return np.array([y[0] + y[1] * y[2], np.cos(y[1])])


def _out_jacobian(y):
    return np.array([[1.0, y[2], y[1]], [0.0, -np.sin(y[1]), 0.0]])


def chain_exercise_maps(case: str):
    """(steps, jacobians, x) for the 02-chain-jacobian checker: F = f_3 ∘ f_2 ∘ f_1.

    "square": three maps R^3 -> R^3, where every order and every point fits, so a wrong one
    shows in the values; "wide": R^4 -> R^3 -> R^3 -> R^2, so J^F is 2×4 and only the right
    order fits.
    """
    first, first_jacobian = _layer(_W_SQUARE if case == "square" else _W_WIDE)
    if case == "square":
        third, third_jacobian = _layer(_W_SQUARE.T)
        x = np.array([0.7, -0.4, 1.1])
    else:
        third, third_jacobian = _out, _out_jacobian
        x = np.array([0.7, -0.4, 1.1, 0.5])
    return [first, _mixing, third], [first_jacobian, _mixing_jacobian, third_jacobian], x


_MAPS = {"square": "three steps R^3 -> R^3",  # the two test cases, as a failing Feedback names them
         "wide": "steps R^4 -> R^3 -> R^3 -> R^2, so J^F should be 2×4"}


def _at_points(steps, x):
    """The points the steps see: x_0 = x, x_1 = f_1(x_0), ..., x_D."""
    points = [x]
    for step in steps:
        points.append(step(points[-1]))
    return points


def _chain_mistakes(steps, jacobians, x, expected):
    points = _at_points(steps, x)
    J1, J2, J3 = (jacobian(point) for jacobian, point in zip(jacobians, points, strict=False))
    return [
        Mistake("wrong order", J1 @ J2 @ J3,
                "you multiplied in the wrong order, J_1 · J_2 · J_3. The step applied last "
                "stands on the left, as f_3 does in f_3(f_2(f_1(x)))."),
        Mistake("all at x", np.linalg.multi_dot([jac(x) for jac in jacobians[::-1]]),
                "you took every Jacobian at x. Only step 1 sees x; each later step sees what "
                "the step before it returned: run the chain forward and keep each point."),
        Mistake("at the outputs", np.linalg.multi_dot(
                    [jac(point) for jac, point in zip(jacobians, points[1:], strict=True)][::-1]),
                "you took each Jacobian at its step's output. J_t is taken where step t is "
                "applied: at the point that goes into step t, not the one that comes out."),
        Mistake("elementwise product", J3 * J2 * J1,
                "`*` multiplies entry by entry; the chain rule sums over the middle values, "
                "which is a matrix product: use `@`."),
        Mistake("a step left out", J3 @ J2,
                "your product leaves out J_1, the first step's Jacobian: every step of the "
                "chain contributes its factor."),
        Mistake("a step left out", J2 @ J1,
                "your product leaves out J_3, the last step's Jacobian: every step of the chain "
                "contributes its factor."),
        Mistake("transposed", expected.T,
                "you have J^F transposed (inputs × outputs). J^F has one row per output of "
                "the chain and one column per input x_j."),
    ]


def check_chain_jacobian(chain_jacobian) -> Feedback:
    """02-chain-jacobian: the learner's chain_jacobian(steps, jacobians, x) for three steps."""
    exercise = "02-chain-jacobian"
    for case in ("square", "wide"):
        steps, jacobians, x = chain_exercise_maps(case)
        answer, feedback = run_learner_function(exercise, chain_jacobian, steps, jacobians, x)
        if feedback is not None and feedback.mistake == "raised" and case == "wide":
            return Feedback(False, f"{feedback.message} Here the steps go R^4 -> R^3 -> R^3 -> "
                                   f"R^2, so J_1 is 3×4, J_2 3×3 and J_3 2×3: only the "
                                   f"order whose inner sizes meet fits (2×3 · 3×3 · 3×4 = 2×4).",
                            "raised")
        if feedback is not None:
            return feedback
        expected = solutions.chain_jacobian(steps, jacobians, x)
        # wrong orders and points only fit (and differ) in the square case
        mistakes = _chain_mistakes(steps, jacobians, x, expected) if case == "square" else [
            Mistake("transposed", expected.T, "you have J^F transposed (inputs × outputs): one "
                                              "row per output, one column per input x_j.")]
        where = f"with {_MAPS[case]}, at x = {compact(x)}"
        feedback = compare(exercise, answer, expected, mistakes, what="J^F", where=where,
                           axes="p n", reference=(solutions.chain_jacobian,
                                                  (steps, jacobians, x)))
        if not feedback.passed:
            return feedback
    return correct(exercise, "J^F = J_3(x_2) · J_2(x_1) · J_1(x): each step's Jacobian at the "
                             "point it sees, the last step on the left.")


def chain_exercise_jacobians(case: str):
    """(u, [J_1, J_2, J_3]) for the 02-chain-vjp checker: all 4×4, or widths 6 -> 5 -> 4 -> 3."""
    rng = np.random.default_rng(2)
    widths = (4, 4, 4, 4) if case == "square" else (6, 5, 4, 3)
    jacobians = [rng.standard_normal((widths[k], widths[k - 1])) for k in (1, 2, 3)]
    return rng.standard_normal(widths[-1]), jacobians


_WIDTHS = {"square": "three 4×4 Jacobians",
           "wide": "widths 6 -> 5 -> 4 -> 3, u of shape (3,), answer of shape (6,)"}


def check_chain_vjp(chain_vjp) -> Feedback:
    """02-chain-vjp: the learner's chain_vjp(u, [J_1, J_2, J_3]) = u·J_3·J_2·J_1."""
    exercise = "02-chain-vjp"
    for case in ("square", "wide"):
        u, jacobians = chain_exercise_jacobians(case)
        # Jacobians of counting numbers: the tally says how the learner's code multiplied
        counted, feedback = run_learner_function(exercise, chain_vjp, u,
                                                 [counting(J) for J in jacobians],
                                                 observer=Tally())
        if feedback is not None:
            return feedback
        answer, tally = counted
        expected = solutions.chain_vjp(u, jacobians)
        J1, J2, J3 = jacobians
        mistakes = [Mistake("full Jacobian", J3 @ J2 @ J1,
                            "that is the whole Jacobian J_3·J_2·J_1, a matrix. The VJP "
                            "multiplies the incoming row vector u into it step by step and "
                            "returns a vector shaped like the chain's input."),
                    Mistake("row vector", expected[None, :],
                            f"the numbers are right, but you returned a 2-D row of shape "
                            f"(1, {expected.size}); return a 1-D vector of shape "
                            f"({expected.size},), like the chain's input: keep u 1-D.")]
        if case == "square":
            mistakes += [
                Mistake("wrong order", u @ J1 @ J2 @ J3,
                        "you started from the input side, u·J_1·J_2·J_3. u lives at the "
                        "output, so it meets the Jacobian nearest the output first."),
                Mistake("transposed", J1 @ J2 @ J3 @ u,
                        "you computed J @ u at each step, which uses every Jacobian "
                        "transposed. A VJP puts the row vector on the left of each Jacobian."),
                Mistake("stopped one step short", u @ J3 @ J2,
                        "you stopped one step short: u·J_3·J_2 is the gradient at the input of "
                        "step 2. The chain's input is one step further back: multiply by J_1 "
                        "too: every Jacobian takes part."),
                Mistake("last step skipped", u @ J2 @ J1,
                        "you skipped J_3, the step nearest the output: u is the gradient at the "
                        "chain's OUTPUT, so it meets J_3 first."),
                Mistake("JVP instead of VJP", J3 @ J2 @ J1 @ u,
                        "J_3·J_2·J_1·u pushes a vector forward from the input side (a "
                        "Jacobian-vector product, JVP). The VJP pulls u back from the output "
                        "side."),
            ]
        feedback = compare(exercise, answer, expected, mistakes, what="the VJP",
                           where=f"with {_WIDTHS[case]}, u = {compact(u)}", axes="n")
        if not feedback.passed:
            return feedback
        refused = _products_refused(exercise, tally, u, jacobians)
        if refused is not None:
            return refused
    return correct(exercise, "u·J_3·J_2·J_1, one vector-matrix "
                             "product per step, never a matrix-matrix product.")


def _products_refused(exercise: str, tally: dict, u, jacobians) -> Feedback | None:
    """The rule, as counted: never a product of two Jacobian entries, and no more scalar
    multiplications than u·J_3, then ·J_2, then ·J_1 need."""
    sizes = [len(u)] + [J.shape[1] for J in jacobians[::-1]]
    steps = [a * b for a, b in zip(sizes, sizes[1:], strict=False)]
    chain = (f"the chain of vector-Jacobian products needs {sum(steps)} "
             f"({' + '.join(map(str, steps))}: a vector of size a times an a×b Jacobian "
             f"takes a·b)")
    advice = ("Keep u a vector the whole way: each step should multiply a vector by one "
              "Jacobian, never two Jacobians together.")
    if tally["stripped"]:
        return Feedback(False, f"{FAIL} {exercise}: the numbers are right, but your code turned "
                               f"the Jacobians' entries into plain floats (float(), "
                               f"astype(float), np.asarray(..., dtype=float)), so the check "
                               f"cannot see how you multiplied them. Use the Jacobians as "
                               f"given: @ and np.dot work on them. {advice}", "converted")
    if tally["jacobian_products"] or tally["products"] > sum(steps):
        what = (f"{tally['jacobian_products']} of them multiply two Jacobian entries with each "
                f"other, which is what a matrix-matrix product such as J_3 · J_2 does"
                if tally["jacobian_products"] else "more than the chain needs")
        return Feedback(False, f"{FAIL} {exercise}: the numbers are right, but your code did "
                               f"{tally['products']} scalar multiplications with the "
                               f"Jacobians' entries and {what}; {chain}. Forming the full "
                               f"Jacobian product first is the expensive forward route. "
                               f"{advice}", "matrix-matrix product")
    return None
