"""Slips any array answer can make, named when none of an exercise's own mistakes matched.

`compare` asks `generic_slip` after the exercise's list: NaN or inf entries, the right numbers
with the sign flipped, the right matrix transposed, or the right numbers times a constant (a 1/N,
½ or 2 too many or too few). Each gets a hint instead of "the values are not right".
"""

from __future__ import annotations

import numpy as np


def _not_finite(answer: np.ndarray) -> str | None:
    if np.all(np.isfinite(answer)):
        return None
    where = tuple(int(k) for k in np.argwhere(~np.isfinite(answer))[0])
    return (f"your answer contains NaN or inf (the first at index {where}). Look for a division "
            f"by zero, the log of 0, or exp of a large number (subtract the maximum first); "
            f"an array made with np.empty also holds leftovers until every entry is set.")


def _scale(answer: np.ndarray, expected: np.ndarray) -> float | None:
    """c if answer is c times expected (c not 1), else None."""
    norm = float(np.vdot(expected, expected))
    if norm == 0.0:
        return None
    return float(np.vdot(expected, answer)) / norm


def generic_slip(answer: np.ndarray, expected: np.ndarray, rtol: float, atol: float):
    """(name, hint) of a slip that explains `answer`, or None; arrays already float."""
    hint = _not_finite(answer)
    if hint is not None:
        return "not finite", hint
    if answer.ndim == 2 and answer.shape == expected.shape[::-1] and answer.shape[0] > 1 \
            and np.allclose(answer, expected.T, rtol=rtol, atol=atol) \
            and (answer.shape != expected.shape
                 or not np.allclose(expected, expected.T, rtol=rtol, atol=atol)):
        return "transposed", (f"your answer is the right matrix transposed (shape "
                              f"{answer.shape}, expected {expected.shape}). A gradient has the "
                              f"shape of its variable; a Jacobian is output × input. (A text "
                              f"may write either transposed: the denominator layout a Jacobian, "
                              f"the numerator layout a gradient by a matrix; see 00a-notation, "
                              f"Two layouts.)")
    if answer.shape != expected.shape or expected.size < 2:  # any wrong number is a multiple
        return None
    scale = _scale(answer, expected)
    if scale is None or not np.allclose(answer, scale * expected, rtol=rtol, atol=atol):
        return None
    if np.isclose(scale, 0.0):
        return "all zeros", ("your answer is all zeros: nothing was computed into it (an array "
                             "made with np.zeros and never filled, or filled in a copy?).")
    if np.isclose(scale, -1.0):
        return "sign flipped", ("your answer is the right one with every sign flipped: look "
                                "for a minus sign, or a subtraction the wrong way round.")
    return "scaled", (f"your answer is the right one times {scale:.4g}: a constant factor is "
                      f"missing or extra (a 1/N of a mean, a ½ or 2 of a square, a size "
                      f"divided twice?).")


def order_swapped(answers, expected, names) -> str | None:
    """The hint for the right results returned in another order, told by their shapes (which
    must all differ), else None."""
    try:
        shapes = [np.shape(part) for part in answers]
    except ValueError:  # a ragged part: the comparison of each part says what is wrong
        return None
    wanted = [np.shape(value) for value in expected]
    if shapes == wanted or sorted(shapes) != sorted(wanted) or len(set(wanted)) < len(wanted):
        return None
    given = ", ".join(names[wanted.index(shape)] for shape in shapes)
    return (f"going by their shapes you returned ({given}): the right results in the wrong "
            f"order. Return them in the order the exercise asks for, ({', '.join(names)}).")
