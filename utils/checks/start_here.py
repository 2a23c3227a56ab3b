"""Checker of 00-start-here: the warm-up on the shape of dC/dA, with a hint for each wrong shape."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from .. import solutions
from ._feedback import FAIL, PASS, Feedback, is_stub, not_done

_A, _B = (2, 3), (3, 4)  # A (m, n), B (n, p): m = 2, n = 3, p = 4 all different
_C = (_A[0], _B[1])
_LETTERS = {2: "m", 3: "n", 4: "p"}
_RULE = "dC/dA has shape C.shape + A.shape"


def _hints() -> dict:
    """Every wrong shape a learner is likely to write -> (name, hint)."""
    flip = tuple(reversed(_C)), tuple(reversed(_A))
    return {
        _A + _C: ("input first", "that is input.shape + output.shape. The course (like JAX and "
                  "autograd) puts the output's axes first: dC/dA has shape C.shape + A.shape."),
        _C: ("output shape only", "(2, 4) is the shape of C itself. dC/dA holds one derivative "
             "for every pair (entry of C, entry of A), so it has C's axes followed by A's axes."),
        _A: ("gradient shape", "(2, 3) is A's shape: the shape of the gradient dL/dA of a scalar "
             "loss L. C is a matrix, not a scalar, so dC/dA needs C's axes as well."),
        _B: ("B's shape", "(3, 4) is B's shape, and B is not what we differentiate by. dC/dA "
             "pairs every entry of C with every entry of A: C.shape + A.shape."),
        _A + _B: ("A then B", "that is A's shape then B's: the two factors of the product. A "
                  "Jacobian's axes come from what is differentiated (C, the output) and what by "
                  "(A, the input): C.shape + A.shape."),
        _C + _B: ("dC/dB shape", "that is C.shape + B.shape, the shape of dC/dB. Here we "
                  "differentiate by A: C.shape + A.shape."),
        _B + _C: ("dC/dB input first", "that is B.shape + C.shape: the other factor, and the "
                  "input's axes first. dC/dA is output then input: C.shape + A.shape."),
        (_C[0] * _C[1], _A[0] * _A[1]): (
            "flattened", "(8, 6) is the Jacobian of the flattened matrices: 8 = 2·4 entries of C "
            "by 6 = 2·3 entries of A. The 4-D tensor keeps both axes of each: C.shape + A.shape."),
        (_A[0] * _A[1], _C[0] * _C[1]): (
            "flattened, input first", "(6, 8) flattens A and C and puts the input first. Keep "
            "both axes of each, output first: C.shape + A.shape."),
        (_C[0], _A[0], _C[1], _A[1]): (
            "picture axis order", "(2, 2, 4, 3) is the order of the block picture's rows and "
            "columns (i, k, j, l), not of the tensor's axes: C.shape + A.shape, [i, j, k, l]."),
        flip[0] + _A: ("C's axes swapped", "C's two axes are swapped: C = A @ B has A's rows "
                       "by B's columns, in that order. C.shape + A.shape keeps each as it is."),
        _C + flip[1]: ("A's axes swapped", "A's two axes are swapped: A's rows come first, "
                       "its columns second. C.shape + A.shape keeps each in its own order."),
        flip[0] + flip[1]: ("both transposed", "both C's and A's axes are reversed: that is "
                            "Cᵀ's shape + Aᵀ's. C.shape + A.shape keeps each as it is."),
        (_A[0], _A[1], _B[1]): ("three axes", "(2, 3, 4) = (m, n, p) are the axes of the terms "
                                "a_ir·b_rj before the sum over r: C has only (m, p). dC/dA has "
                                "C's two axes and A's two: C.shape + A.shape."),
        (_C[0] * _C[1] * _A[0] * _A[1],): (
            "entry count", "48 is how many entries dC/dA has: a count, not a shape. A shape "
            "lists the length of each axis: C's two, then A's two."),
    }


def _read(shape: tuple) -> str:
    """A shape in the warm-up's letters: (2, 4, 2, 3) -> (m, p, m, n)."""
    return "(" + ", ".join(_LETTERS.get(size, str(size)) for size in shape) + ")"


def _fallback(shape: tuple) -> tuple[str, str]:
    if any(size < 1 for size in shape):
        return "not positive", "every axis has a positive length (1 or more)."
    right = _C + _A
    if len(shape) == 4 and len({size / want for size, want in zip(shape, right,
                                                                  strict=True)}) == 1:
        return "scaled", (f"each length is {shape[0] / right[0]:g} times the right one. The "
                          f"lengths are those of C's axes {_C} and of A's axes {_A}: put one "
                          f"after the other.")
    if len(shape) != 4:
        return "wrong number of axes", (f"{shape} has {len(shape)} axes; a matrix differentiated "
                                        f"by a matrix has four: C's two, then A's two ({_RULE}).")
    return "wrong axes", (f"with A (m, n) = {_A} and B (n, p) = {_B}, yours reads as "
                          f"{_read(shape)}. Work out C's shape first; {_RULE}.")


def _whole(size) -> bool:
    if isinstance(size, bool):
        return False
    if isinstance(size, Integral):
        return True
    return isinstance(size, (float, np.floating)) and float(size).is_integer()


def check_warmup_shape(answer) -> Feedback:
    """Warm-up: the shape of dC/dA for C = A @ B with A (2, 3) and B (3, 4)."""
    exercise = "00-warmup-shape"
    if is_stub(answer):
        return not_done(exercise)
    expected = solutions.warmup_shape(_A, _B)
    count = (_C[0] * _C[1] * _A[0] * _A[1],)
    if isinstance(answer, Integral) and (answer,) == count:
        answer = count  # the number of entries: a hint of its own
    if not isinstance(answer, (tuple, list)):
        return Feedback(False, f"{FAIL} {exercise}: write the shape as a tuple of whole "
                               f"numbers, like (5, 6, 7, 8); got {answer!r}.", "not a tuple")
    if any(size is None for size in answer):
        return Feedback(False, f"{FAIL} {exercise}: the shape has None entries; fill in every "
                               f"axis with its length.", "None entries")
    if not all(_whole(size) for size in answer):
        return Feedback(False, f"{FAIL} {exercise}: every length in a shape is a whole number; "
                               f"got {tuple(answer)!r}.", "not whole numbers")
    shape = tuple(int(size) for size in answer)
    if shape == expected:
        return Feedback(True, f"{PASS} {exercise}: correct.")
    name, hint = _hints().get(shape) or _fallback(shape)
    return Feedback(False, f"{FAIL} {exercise}: {hint}", name)
