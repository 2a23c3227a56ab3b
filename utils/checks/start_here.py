"""Checker of 00-start-here: the warm-up on the shape of dC/dA."""

from __future__ import annotations

from .. import solutions
from ._feedback import FAIL, Feedback, Mistake, compare, is_stub


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
    # array talk (values, a constant factor) does not fit a shape
    if feedback.mistake in ("wrong values", "wrong shape", "scaled", "sign flipped"):
        return Feedback(False, f"{FAIL} {exercise}: not quite; got {tuple(answer)}. C = A @ B "
                               f"has shape {C_shape} and A has shape {A_shape}: put one after "
                               f"the other.", feedback.mistake)
    return feedback
