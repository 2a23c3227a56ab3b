"""The mistake map of a wrong shape: which of the answer's axes are which of the expected ones.

`compare` asks `read_shape` when an answer's shape is not the expected one and none of the
exercise's own mistakes matched. It names the axes in the exercise's letters (a checker passes
e.g. "m p m n"): axes swapped, a flat vector that only needs a reshape, a sum over an axis that
is missing or extra, a scalar where an outer product belongs. Values are compared only when the
two hold about as many numbers, so a huge answer is never copied.
"""

from __future__ import annotations

import itertools

import numpy as np

from ._mistake_patterns import Reading

LARGEST_READ = 10**7  # entries: beyond this a wrong-shaped answer is described by its shape only


def _letters_of(shape, expected_shape, letters) -> str:
    """A shape in the exercise's letters, e.g. "(n, m)"; an unknown size stays a number."""
    names = []
    for position, size in enumerate(shape):
        matches = [k for k, s in enumerate(expected_shape) if s == size]
        distinct = {letters[k] for k in matches}
        if len(distinct) == 1:
            names.append(distinct.pop())
        elif position < len(expected_shape) and expected_shape[position] == size:
            names.append(letters[position])
        else:
            names.append(letters[matches[0]] if matches else str(size))
    return "(" + ", ".join(names) + (",)" if len(names) == 1 else ")")


def _named(shape, letters) -> str:
    """"(m, n) = (2, 3)", or just "(2, 3)" when the checker gave no letters."""
    named = "(" + ", ".join(letters) + ("," if len(letters) == 1 else "") + ")"
    return str(tuple(shape)) if named == str(tuple(shape)) else f"{named} = {tuple(shape)}"


def _close(a, b, rtol, atol) -> bool:
    return np.shape(a) == np.shape(b) and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _same_size(answer, expected, rtol, atol, letters):
    yours = _letters_of(answer.shape, expected.shape, letters)
    if sorted(answer.shape) == sorted(expected.shape) and answer.ndim == expected.ndim:
        for order in itertools.permutations(range(expected.ndim)):
            moved = expected.transpose(order)
            if moved.shape == answer.shape and _close(answer, moved, rtol, atol):
                return Reading("axes swapped", f"your axes {yours} are expected's "
                                               f"{_named(expected.shape, letters)} in another "
                                               f"order, with the right numbers: swap them back "
                                               f"(np.transpose, or index it as the exercise does).")
    for order, how in (("C", ""), ("F", ", order='F'")):
        if _close(answer, expected.reshape(answer.shape, order=order), rtol, atol):
            flat = "a flat" if answer.ndim == 1 else "a reshaped"
            return Reading("reshaped", f"{flat} {answer.shape} where "
                                       f"{_named(expected.shape, letters)} was expected, with "
                                       f"the right numbers in order: .reshape("
                                       f"{', '.join(map(str, expected.shape))}{how}).")
    if sorted(answer.shape) == sorted(expected.shape):
        return Reading("wrong shape", f"your axes {yours} are expected's "
                                       f"{_named(expected.shape, letters)} in another order (and "
                                       f"the numbers differ as well).")
    return None


def _collapsed(answer, expected, rtol, atol, letters):
    """The answer has fewer axes: a sum, one row or the diagonal where the whole belongs."""
    if answer.ndim == 0 and expected.ndim >= 1:
        if _close(answer, expected.sum(), rtol, atol):
            return Reading("summed", f"one number, the sum of all the right entries, where "
                                     f"{_named(expected.shape, letters)} belongs: keep the axes "
                                     f"(no sum, or sum over fewer axes).")
        if expected.ndim == 2:
            return Reading("scalar", f"a scalar where a matrix {_named(expected.shape, letters)} "
                                     f"belongs: `u @ v` (or np.dot) of two vectors sums their "
                                     f"products into one number; an outer product keeps both "
                                     f"indices, np.outer(u, v) = u[:, None] * v[None, :].")
        return Reading("scalar", f"a scalar where {_named(expected.shape, letters)} belongs: "
                                 f"something summed (or `@`) an axis away.")
    if answer.ndim == expected.ndim - 1:
        for axis in range(expected.ndim):
            if _close(answer, expected.sum(axis=axis), rtol, atol):
                return Reading("summed over an axis", f"you summed over the axis "
                                                      f"{letters[axis]} of "
                                                      f"{_named(expected.shape, letters)}; it "
                                                      f"must stay.")
            for row in range(expected.shape[axis]):
                if _close(answer, np.take(expected, row, axis=axis), rtol, atol):
                    return Reading("one slice only", f"that is only the slice {row} along "
                                                      f"{letters[axis]} of the expected "
                                                      f"{_named(expected.shape, letters)}: "
                                                      f"build every one of them.")
        if expected.ndim == 2 and _close(answer, np.diagonal(expected), rtol, atol):
            return Reading("diagonal only", f"that is only the diagonal of the expected "
                                            f"{_named(expected.shape, letters)}; the entries off "
                                            f"the diagonal belong in the answer too.")
    return None


def _extra(answer, expected, rtol, atol, letters):
    """The answer has more axes: a sum over the batch (or a squeeze) is missing."""
    if answer.ndim != expected.ndim + 1:
        return None
    for axis in range(answer.ndim):
        if answer.shape[:axis] + answer.shape[axis + 1:] != expected.shape:
            continue
        if answer.shape[axis] == 1 and _close(answer.reshape(expected.shape), expected, rtol,
                                               atol):
            return Reading("extra axis", f"the right numbers with an extra axis of length 1 "
                                         f"(at position {axis}): drop it (sum without "
                                         f"keepdims, or np.squeeze).")
        if _close(answer.sum(axis=axis), expected, rtol, atol):
            return Reading("sum missing", f"summed over your axis {axis} (length "
                                          f"{answer.shape[axis]}), your answer would be right: "
                                          f"the sum over the batch is missing, "
                                          f".sum(axis={axis}).")
        if _close(answer.mean(axis=axis), expected, rtol, atol):
            return Reading("sum missing", f"averaged over your axis {axis} (length "
                                          f"{answer.shape[axis]}), your answer would be right: "
                                          f"reduce over it, .mean(axis={axis}).")
    return None


def read_shape(answer: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
               axes=None) -> Reading:
    """What a wrong shape is, in the exercise's letters `axes` (one per expected axis)."""
    letters = list(axes) if axes is not None and len(axes) == expected.ndim else \
        [str(size) for size in expected.shape]
    comparable = answer.size <= LARGEST_READ and answer.size <= 64 * max(expected.size, 1)
    if comparable:
        for read in (_extra, _same_size, _collapsed):
            if read is _same_size and answer.size != expected.size:
                continue
            reading = read(answer, expected, rtol, atol, letters)
            if reading is not None:
                return reading
    yours = _letters_of(answer.shape, expected.shape, letters)
    reads = f", which reads as {yours}" if any(c.isalpha() for c in yours) and axes else ""
    return Reading("wrong shape", f"expected shape {_named(expected.shape, letters)}, got "
                                  f"{answer.shape}{reads}.")
