"""Checkers of 07-second-order: the Hessian-vector product ∇²L v for a small network's loss,
without forming the Hessian ∇²L."""

from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from .. import hessian, solutions
from ._feedback import FAIL, Feedback, Mistake, compare, correct, run_learner_function
from ._running import SharedCount

# A ∇²L v by any route runs the loss a few times (finite differences: twice); forming ∇²L runs
# it once per entry of W1 (12 here). More runs than this mean ∇²L was built column by column.
MOST_LOSS_RUNS = 4


def network_case():
    """The lesson's network: L(W1) for a tanh layer of 4 inputs and 3 hidden units, and v."""
    loss, W1 = hessian.small_network(inputs=4, hidden=3, classes=3, batch=8, seed=7)
    v = np.random.default_rng(8).normal(size=W1.shape)
    return loss, W1, v


def check_network_hvp(network_hvp) -> Feedback:
    """07-network-hvp: network_hvp(loss, W1, v) -> ∇²L v, shaped like W1 (4, 3), ∇²L never
    formed."""
    exercise = "07-network-hvp"
    loss, W1, v = network_case()
    runs = SharedCount()  # the learner's function runs in a child process: count in shared memory

    def counted_loss(W):
        runs.add()
        return loss(W)

    answer, feedback = run_learner_function(exercise, network_hvp, counted_loss, W1, v)
    if feedback is not None:
        return feedback
    if np.ndim(answer) == 0 and not isinstance(answer, ad.Box):
        return Feedback(False, f"{FAIL} {exercise}: you returned one number, like ∇L·v (the "
                               f"directional derivative, what ad.jvp(loss, W1, v) gives). ∇²L v "
                               f"is the derivative of the whole gradient along v, shaped like "
                               f"W1 {W1.shape}: differentiate it once more (its gradient), "
                               f"or push v through the gradient instead.",
                        "directional derivative")
    expected = solutions.network_hvp(loss, W1, v)
    gradient = ad.grad(loss)(W1)
    ones = np.ones_like(v)
    feedback = compare(exercise, answer, expected, mistakes=[
        Mistake("the gradient", gradient,
                "that is the gradient ∇L itself, a first derivative. ∇²L v differentiates the "
                "gradient once more, along v: a JVP of the function ad.grad(loss)."),
        Mistake("v ignored", hessian.hvp(loss, W1, ones),
                "that is ∇²L times a matrix of ones instead of v: v went missing. Pass v as "
                "the direction (the tangent of ad.jvp, or the weights of the sum)."),
        Mistake("gradient times v", gradient * v,
                "that is ∇L ⊙ v, the gradient times v entry by entry: no second derivative "
                "appears in it. ∇²L v is the change of the gradient along v."),
        Mistake("huge step", hessian.hvp_finite_difference(loss, W1, v, step=1.0),
                "that is the finite-difference ∇²L v with a step of 1: far too big, the "
                "curvature changes over it. Differentiate exactly instead (or use a step "
                "near 1e-5)."),
        Mistake("huge step", hessian.hvp_finite_difference(loss, W1, v, step=0.1),
                "that is the finite-difference ∇²L v with a step of 0.1: too big, its error is "
                "about step² times the third derivative. Differentiate exactly instead."),
        Mistake("wrong sign", -expected,
                "the sign is flipped: ∇²L v of the loss, not of minus the loss (in a "
                "finite difference, ∇L(W1 + h v) comes first)."),
    ], what="∇²L v", where=f"for the {W1.shape} weights W1 of the lesson's network")
    if not feedback.passed:
        return feedback
    if runs.value > MOST_LOSS_RUNS:
        return Feedback(False, f"{FAIL} {exercise}: the numbers are right, but your function "
                               f"ran the loss {runs.value} times, once per entry of W1 "
                               f"({W1.size}): it formed ∇²L column by column. ∇²L v needs one "
                               f"pass through the gradient, about 3 gradients' cost whatever "
                               f"the size of W1: differentiate ad.grad(loss) along v.",
                        "formed the hessian")
    return correct(exercise, f"∇²L v in {runs.value} run(s) of the loss, never forming the "
                             f"{W1.size}×{W1.size} Hessian.")
