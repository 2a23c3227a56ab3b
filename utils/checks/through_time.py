"""Checkers of 06-jacobians-through-time: the product of step Jacobians, and gradient clipping."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import solutions
from ..rnn import random_recurrent_matrix, rnn_forward
from ._feedback import FAIL, Feedback, Mistake, compare, correct, run_learner_function

# The course's helpers that do an exercise's work: its learner's function may not call them.
LIBRARY = {
    # the states give back every step's drive U x_s = arctanh(h_s) - W h_{s-1}, so the map
    # h_t -> h_T can be rebuilt and differenced: the finite-difference helpers are refused too
    "06-jacobian-through-time": ("utils.rnn.jacobian_through_time", "utils.rnn.step_jacobian",
                                 "utils.rnn.unrolled_map", "utils.jacobian", "utils.gradcheck",
                                 "utils.linear_maps.directional_difference"),
    "06-clip-by-norm": ("utils.rnn.clip_by_norm",),
}


def _rnn_case():
    """A tanh RNN with 4 hidden units run for T = 5 steps; t = 1 leaves 4 factors to order."""

    gen = np.random.default_rng(61)
    W = random_recurrent_matrix(4, 1.1, gen)
    U, xs = gen.normal(size=(4, 3)), gen.normal(size=(5, 3))
    hs = rnn_forward(W, U, xs, h0=gen.normal(size=4) * 0.5).h
    return W, hs, 1


def check_jacobian_through_time(my_jacobian_through_time) -> Feedback:
    """06-jacobian-through-time: my_jacobian_through_time(W, hs, t) -> dh_T/dh_t, (n, n)."""
    exercise = "06-jacobian-through-time"
    W, hs, t = _rnn_case()
    answer, feedback = run_learner_function(exercise, my_jacobian_through_time, W,
                                             hs, t)
    if feedback is not None:
        return feedback
    T = len(hs) - 1

    def product(factor, first=t + 1, last=T, newest_left=True):
        result = np.eye(len(W))
        for step in range(first, last + 1):
            result = factor(step) @ result if newest_left else result @ factor(step)
        return result

    def step(s):
        return np.diag(1 - hs[s] ** 2) @ W

    expected = solutions.my_jacobian_through_time(W, hs, t)
    return compare(exercise, answer, expected, mistakes=[
        Mistake("wrong order", product(step, newest_left=False),
                "the factors are multiplied in the wrong order: you built J_{t+1} ... J_T. The "
                "chain rule puts the LAST step outermost: dh_T/dh_t = J_T J_{T-1} ... J_{t+1}, "
                "so each new step multiplies on the left."),
        Mistake("transposed", expected.T,
                "that is the transpose of dh_T/dh_t. With the convention output × input, row "
                "i is h_T's entry i: each J has its step's state entries as rows, the previous "
                "state's as columns."),
        Mistake("one step too many", product(step, first=t),
                "your loop includes J_t = dh_t/dh_{t-1}, one step too many: from h_t to h_T "
                "the state goes through steps t+1, ..., T only."),
        Mistake("one step missing", product(step, first=t + 2),
                "your product misses J_{t+1}, the first step after h_t: every step from t+1 "
                "on contributes its factor."),
        Mistake("one step missing", product(step, last=T - 1),
                "your product misses J_T, the last step: the steps run up to T inclusive (hs "
                "has T + 1 rows, h_0 ... h_T)."),
        Mistake("W transposed", product(lambda s: np.diag(1 - hs[s] ** 2) @ W.T),
                "you used W.T. In this notebook W acts on the column h_{t-1} (a_t = W h_{t-1} "
                "+ U x_t), so da_t/dh_{t-1} = W itself: J_t = diag(1 - h_t²) W."),
        Mistake("tanh applied to h", product(lambda s: np.diag(1 - np.tanh(hs[s]) ** 2) @ W),
                "you used 1 - tanh(h_t)², treating h_t as the pre-activation. h_t is already "
                "tanh(a_t), so tanh'(a_t) = 1 - h_t²: no further tanh."),
        Mistake("off by one step", product(lambda s: np.diag(1 - hs[s - 1] ** 2) @ W),
                "the tanh derivative is taken at the wrong step: J_t = dh_t/dh_{t-1} uses "
                "1 - h_t² (the output of step t), not 1 - h_{t-1}²."),
        Mistake("diag on the wrong side", product(lambda s: W @ np.diag(1 - hs[s] ** 2)),
                "diag(1 - h_t²) belongs on the left of W: h_t = tanh(a_t) with a_t = W h_{t-1} "
                "+ ..., so dh_t/dh_{t-1} = diag(tanh'(a_t)) · W, scaling the ROWS of W. "
                "(`(1 - h**2) * W` lands there too: numpy broadcasts a 1-D array along the "
                "LAST axis, so it scales W's columns; give it a column axis to scale rows.)"),
        Mistake("wrong order and W transposed",
                product(lambda s: np.diag(1 - hs[s] ** 2) @ W.T, newest_left=False),
                "two slips at once: the factors are in the wrong order (the last step stands "
                "outermost, so each new J_t multiplies on the LEFT), and you used W.T where "
                "this notebook's J_t has W itself (a_t = W h_{t-1} + U x_t)."),
        Mistake("(1 - h)² for 1 - h²", product(lambda s: np.diag((1 - hs[s]) ** 2) @ W),
                "you squared 1 - h_t: tanh' = 1 - tanh², one minus the square. In Python "
                "`1 - h**2` already squares h first (** binds tighter than -)."),
        Mistake("nonlinearity ignored", np.linalg.matrix_power(W, T - t),
                "that is W^(T-t), the Jacobian of a linear RNN. Each tanh step scales the rows "
                "of W by 1 - h_t²: J_t = diag(1 - h_t²) W."),
    ], what="dh_T/dh_t", axes="n n", reference=(solutions.my_jacobian_through_time, (W, hs, t)))


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
        answer, feedback = run_learner_function(exercise, my_clip_by_norm, gradient,
                                                 max_norm)
        if feedback is not None:
            return feedback
        try:
            answer = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return Feedback(False, f"{FAIL} {exercise}: for {what} the result should be a "
                                   f"numeric array; got {type(answer).__name__}.", "not numeric")
        if answer.shape != gradient.shape:  # the map reads it; the message names the case
            feedback = compare(exercise, answer, solutions.my_clip_by_norm(gradient, max_norm),
                               what="the clipped gradient", axes="rows columns")
            return replace(feedback, message=feedback.message.replace(
                f"{exercise}:", f"{exercise} ({what}):"))
        answers.append(answer)

    def rows_clipped(g):
        norms = np.linalg.norm(g, axis=1, keepdims=True)
        return np.where(norms > max_norm, g * max_norm / norms, g)

    mistakes = [  # recognised by what they do to BOTH gradients
        Mistake("clipped entries", lambda g: np.clip(g, -max_norm, max_norm),
                "np.clip cuts each entry separately, which changes the gradient's direction. "
                "Clip by norm instead: when ‖gradient‖ > max_norm, shrink the whole gradient, "
                "keeping its direction."),
        Mistake("per-row norms", rows_clipped,
                "you clipped each row to length max_norm separately, which changes the "
                "direction of the whole gradient. Use one norm of all entries together: "
                "np.linalg.norm(g) with no axis."),
        Mistake("inverted condition", lambda g: (g * (max_norm / np.linalg.norm(g))
                                                 if np.linalg.norm(g) < max_norm else g),
                "the condition is inverted: you stretched the short gradient up to max_norm "
                "and left the long one alone. Rescale only when ‖gradient‖ > max_norm."),
        Mistake("always rescaled", lambda g: g * (max_norm / np.linalg.norm(g)),
                "you rescaled every gradient to length max_norm, also the short one, which "
                "should pass unchanged: rescale only when ‖gradient‖ > max_norm."),
        Mistake("unit length", lambda g: g / np.linalg.norm(g),
                "dividing by the norm gives length 1, not max_norm, and shortens nothing on "
                "purpose: the long gradient should come out with length max_norm, and only "
                "when ‖gradient‖ > max_norm."),
        Mistake("never clipped", lambda g: g,
                "the long gradient (norm 6.5 > max_norm = 2) came back unchanged: it should "
                "be shrunk to norm max_norm, keeping its direction."),
    ]
    right = [np.allclose(a, solutions.my_clip_by_norm(g, max_norm), rtol=1e-6, atol=1e-8)
               for a, (_, g) in zip(answers, cases, strict=True)]
    if not all(right):
        for mistake in mistakes:
            if all(np.allclose(a, mistake.value(g), rtol=1e-6, atol=1e-8)
                   for a, (_, g) in zip(answers, cases, strict=True)):
                return Feedback(False, f"{FAIL} {exercise}: {mistake.hint}", mistake.name)
    for answer, (what, gradient) in zip(answers, cases, strict=True):
        feedback = compare(exercise, answer, solutions.my_clip_by_norm(gradient, max_norm),
                           what="the clipped gradient", axes="rows columns")
        if not feedback.passed:
            return replace(feedback, message=feedback.message.replace(
                f"{exercise}:", f"{exercise} ({what}):"))
    return correct(exercise, f"the long gradient is scaled to length {max_norm:g} in its own "
                             f"direction, the short one passes unchanged.")
