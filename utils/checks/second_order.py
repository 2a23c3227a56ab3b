"""Checkers of 07-second-order: the Hessian-vector product ∇²L v for a small network's loss,
without forming the Hessian ∇²L."""

from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from .. import hessian, solutions
from ._feedback import FAIL, Feedback, Mistake, compare, correct, run_learner_function
from ._running import SharedCount

# The course's helpers that do an exercise's work: its learner's function may not call them.
LIBRARY = {"07-network-hvp": ("utils.hessian", "utils.jacobian",  # ad.grad, ad.jvp allowed
                              "utils.solutions.network_hvp")}

# A ∇²L v by any route runs the loss a few times (finite differences: twice); forming ∇²L runs
# it once per entry of W1. More runs than this mean ∇²L was built column by column.
MOST_LOSS_RUNS = 4
# Every exact route agrees with the reference to about 1e-16 here; the best central difference
# of the gradient (step near 3e-6) to about 3e-11. Between them: exact, or a difference.
EXACT = dict(rtol=1e-12, atol=1e-13)


def network_case():
    """The lesson's network: L(W1) for a tanh layer of 4 inputs and 3 hidden units, and v."""
    loss, W1 = hessian.small_network(inputs=4, hidden=3, classes=3, batch=8, seed=7)
    v = np.random.default_rng(8).normal(size=W1.shape)
    return loss, W1, v


def second_case():
    """A network and v the notebook never builds (3 inputs, 5 hidden units, 4 classes), so a
    value computed in the notebook beforehand cannot pass."""
    loss, W1 = hessian.small_network(inputs=3, hidden=5, classes=4, batch=6, seed=11)
    v = np.random.default_rng(12).normal(size=W1.shape)
    return loss, W1, v


def counting(loss, runs: SharedCount):
    """loss, counting its runs in `runs`."""
    def counted_loss(W):
        runs.add()
        return loss(W)

    return counted_loss


def run_counted(exercise, network_hvp, case):
    """(answer, feedback, runs) of the learner's function on one case."""
    loss, W1, v = case
    runs = SharedCount()  # the learner's function runs in a forked child: shared memory
    answer, feedback = run_learner_function(exercise, network_hvp, counting(loss, runs), W1, v)
    return answer, feedback, runs.value


def check_network_hvp(network_hvp) -> Feedback:
    """07-network-hvp: network_hvp(loss, W1, v) -> ∇²L v, shaped like W1 (3, 4), ∇²L never
    formed, exact, from ad.grad and ad.jvp (not utils.hessian), right on a second network."""
    exercise = "07-network-hvp"
    loss, W1, v = network_case()
    answer, feedback, runs = run_counted(exercise, network_hvp, (loss, W1, v))
    if feedback is not None:
        return feedback
    if np.ndim(answer) == 0 and not isinstance(answer, ad.Box):
        return Feedback(False, f"{FAIL} {exercise}: you returned one number, like ∇L·v (the "
                               f"directional derivative, what ad.jvp(loss, W1, v) gives). ∇²L v "
                               f"is the derivative of the whole gradient along v, shaped like "
                               f"W1 {W1.shape}: differentiate it once more (its gradient), "
                               f"or push v through the gradient instead.",
                        "directional derivative")
    if isinstance(answer, tuple) and len(answer) == 2:
        return Feedback(False, f"{FAIL} {exercise}: you returned a pair, as ad.jvp does: "
                               f"it returns (value, tangent). Which of the two is the change "
                               f"along v, shaped like W1 {W1.shape}?",
                        "whole jvp tuple")
    expected = solutions.network_hvp(loss, W1, v)
    feedback = compare(exercise, answer, expected, mistakes=mistakes(loss, W1, v, expected),
                       what="∇²L v", where=f"for the {W1.shape} weights W1 of the lesson's "
                                           f"network")
    if not feedback.passed:
        return feedback
    if runs == 0:
        return Feedback(False, f"{FAIL} {exercise}: your function never ran the loss, so it "
                               f"returned a value computed before it was called (such as the "
                               f"notebook's hvp). Compute ∇²L v from the loss, W1 and v it is "
                               f"given: it is checked on a second network too.",
                        "never ran the loss")
    if not np.allclose(np.asarray(answer, dtype=float), expected, **EXACT):
        gap = np.abs(np.asarray(answer, dtype=float) - expected).max()
        return Feedback(False, f"{FAIL} {exercise}: close, but not exact: your ∇²L v is off by "
                               f"up to {gap:.1e}, the error of a finite difference of the "
                               f"gradient (exact routes agree to about 1e-16). Which mode of "
                               f"autodiff pushes a direction v forward through a function "
                               f"exactly, and which function's change along v is ∇²L v?",
                        "finite difference")
    if runs > MOST_LOSS_RUNS:
        return Feedback(False, f"{FAIL} {exercise}: the numbers are right, but your function "
                               f"ran the loss {runs} times, where W1 has {W1.size} entries and "
                               f"one ∇²L v needs at most {MOST_LOSS_RUNS}: it built ∇²L piece "
                               f"by piece. ∇²L v needs one pass through the gradient, about 3 "
                               f"gradients' cost whatever the size of W1: the Hessian is the "
                               f"Jacobian of which function, and which product with a "
                               f"Jacobian never forms it?", "formed the hessian")
    other = second_case()
    answer, feedback, _ = run_counted(exercise, network_hvp, other)
    if feedback is not None:
        return feedback
    feedback = compare(exercise, answer, solutions.network_hvp(*other), what="∇²L v",
                       where=f"on a second network, W1 of shape {other[1].shape}, that the "
                             f"notebook does not contain")
    if not feedback.passed:
        return feedback
    return correct(exercise, f"∇²L v in {runs} run(s) of the loss, never forming the "
                             f"{W1.size}×{W1.size} Hessian, and right on a second network too.")


def mistakes(loss, W1, v, expected) -> list:
    gradient = ad.grad(loss)(W1)
    ones = np.ones_like(v)
    return [
        Mistake("the gradient", gradient,
                "that is the gradient ∇L itself, a first derivative. ∇²L v differentiates the "
                "gradient once more, along v."),
        Mistake("v ignored", hessian.hvp(loss, W1, ones),
                "that is ∇²L times a matrix of ones instead of v: v went missing. Pass v as "
                "the direction (the tangent of ad.jvp, or the weights of the sum)."),
        Mistake("gradient times v", gradient * v,
                "that is ∇L ⊙ v, the gradient times v entry by entry: no second derivative "
                "appears in it. ∇²L v is the change of the gradient along v."),
        Mistake("huge step", hessian.hvp_finite_difference(loss, W1, v, step=1.0),
                "that is the finite-difference ∇²L v with a step of 1: far too big, the "
                "curvature changes over it. Differentiate exactly instead."),
        Mistake("huge step", hessian.hvp_finite_difference(loss, W1, v, step=0.1),
                "that is the finite-difference ∇²L v with a step of 0.1: too big, its error is "
                "about step² times the third derivative. Differentiate exactly instead."),
        Mistake("wrong sign", -expected,
                "the sign is flipped: ∇²L v of the loss, not of minus the loss (in a "
                "finite difference, ∇L(W1 + h v) comes first)."),
    ]
