"""The mistake map: where a wrong answer of the right shape is wrong, and the pattern of its error.

`compare` asks `read_values` when neither an exercise's own mistakes nor the generic slips
(`_slips`) explain an answer. It looks first for a pattern of the whole answer (an axis
permutation, the other reshape order, the reference run on swapped or transposed inputs, a factor
that varies along some axes only), then for the region the wrong entries fill (one entry, a row,
a column, one block of a 4-D tensor, a diagonal, everything) and the pattern inside it (sign,
factor, zero, a value that belongs at another index). Each reading is a short stable name (the
progress file records it) and one sentence. Wrong shapes are read in `_shape_map`.
"""

from __future__ import annotations

import inspect
import itertools
from dataclasses import dataclass

import numpy as np

from ._mistake_patterns import (
    Reading,
    axes_permuted,
    close,
    factor_along_axes,
    from_reference,
    inner_for_outer,
    other_order,
)


def _index(index) -> str:
    """An index as Python writes it: (0, 2), or (2,) for a vector."""
    return str(tuple(int(k) for k in index))


def _factor_words(c: float) -> str:
    """A factor as a learner reads it: "minus", "half of", "twice", "0.37 times"."""
    for value, words in ((-1.0, "minus"), (0.5, "half of"), (2.0, "twice"),
                         (0.0, "zero instead of")):
        if np.isclose(c, value, rtol=1e-6, atol=1e-9):
            return words
    return f"{c:.3g} times"


def _region(wrong: np.ndarray):
    """(name, words, fixed) for the wrong entries: the axes whose index they all share."""
    where = np.argwhere(wrong)
    count, ndim = len(where), wrong.ndim
    shared = [len(np.unique(where[:, k])) == 1 for k in range(ndim)]
    fixed = tuple(k for k in range(ndim) if shared[k] and wrong.shape[k] > 1)
    if count == 1:
        return "one entry", f"in one entry, {_index(where[0])}", tuple(range(ndim))
    if ndim == 2 and fixed == (0,):
        return "one row", f"in one row, row {where[0, 0]}", fixed
    if ndim == 2 and fixed == (1,):
        return "one column", f"in one column, column {where[0, 1]}", fixed
    if ndim == 4 and shared[0] and shared[1] and count < wrong.size:
        return "one block", f"in one block, block {_index(where[0, :2])}", (0, 1)
    for a, b in itertools.combinations(range(ndim), 2):
        if wrong.shape[a] != wrong.shape[b] or wrong.shape[a] < 2:
            continue
        on = where[:, a] == where[:, b]
        pair = "on the diagonal" if ndim == 2 else f"where the indices of axes {a} and {b} agree"
        if on.all():
            return "diagonal", pair, ()
        off = wrong.size - wrong.size // wrong.shape[a]  # entries off that diagonal
        if not on.any() and count >= off // 2:
            return "off-diagonal", pair.replace("on the", "off the").replace("agree",
                                                                             "differ"), ()
    if fixed:
        return "one slice", f"only where index {fixed[0]} is {where[0, fixed[0]]}", fixed
    if count >= wrong.size / 2:
        return "everywhere", "almost everywhere" if count < wrong.size else "everywhere", ()
    return "some entries", f"in {count} of {wrong.size} entries", ()


def _as_input_entry(value: float, reference) -> str:
    """"x[1]" or "2·x[1]" when one wrong value is an entry of an input (times 2 or ½)."""
    if reference is None:
        return ""
    function, args = reference
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return ""
    for name, arg in zip(names, args, strict=False):
        if not isinstance(arg, np.ndarray) or arg.size > 1000:
            continue
        for factor, words in ((1.0, ""), (2.0, "2·"), (0.5, "½·"), (-1.0, "-")):
            hits = np.argwhere(np.isclose(factor * arg, value, rtol=1e-9, atol=1e-12))
            if len(hits) and abs(value) > 1e-12:
                return f"{words}{name}[{', '.join(str(int(k)) for k in hits[0])}]"
    return ""


def _inside(answer, expected, wrong, fixed, rtol, atol, reference) -> str:
    """The pattern of the error inside the wrong region, as words ("" when none is found)."""
    got, want = answer[wrong], expected[wrong]
    if np.allclose(got, 0.0, atol=atol):
        return "yours is zero there: a term (or a whole part of the formula) is missing"
    if len(got) > 1 and np.allclose(got - want, (got - want)[0], rtol=rtol, atol=atol):
        return f"yours is off by {(got - want)[0]:+.4g} in each of them"
    norm = float(np.vdot(want, want))
    scale = float(np.vdot(want, got)) / norm if norm else None
    if scale is not None and np.allclose(got, scale * want, rtol=rtol, atol=atol) \
            and (len(got) > 1 or not _factor_words(scale).endswith(" times")):
        words = _factor_words(scale)
        why = {"half of": ": a factor 2 is missing (the 2 of a square's derivative, an inner "
                          "derivative?)",
               "twice": ": a factor 2 too many (a ½ of a square forgotten?)",
               "minus": ": look for a sign"}.get(words, "")
        return f"yours is {words} the expected value there{why}"
    if fixed:  # one entry, row, column or block: does it hold another one's values?
        def at(index):  # the entry, row, column or block at `index` along the fixed axes
            chosen = dict(zip(fixed, index, strict=True))
            return tuple(chosen.get(k, slice(None)) for k in range(answer.ndim))

        here = tuple(int(k) for k in np.argwhere(wrong)[0][list(fixed)])
        part = np.asarray(answer[at(here)])
        kind = "entry" if len(fixed) == answer.ndim else (
            "block" if len(fixed) == 2 else ("row" if fixed == (0,) else "column"))
        if kind == "entry":  # one number: look it up among all of expected's at once
            hits = [tuple(int(k) for k in hit) for hit in np.argwhere(
                np.isclose(expected, float(part), rtol=rtol, atol=atol))]
            others = [hit for hit in hits if hit != here][:1]
        else:
            others = itertools.product(*(range(expected.shape[k]) for k in fixed))
        for other in others:
            if other != here and close(part, np.asarray(expected[at(other)]), rtol, atol):
                return f"it holds what belongs in {kind} {_index(other)}: an index slip"
        if part.ndim == 2 and part.shape[0] == part.shape[1] \
                and close(part.T, np.asarray(expected[at(here)]), rtol, atol):
            return "that block is transposed"
        if answer.ndim == 2 and answer.shape[0] == answer.shape[1] and len(fixed) == 1:
            line = expected[:, here[0]] if fixed == (0,) else expected[here[0], :]
            if close(part, line, rtol, atol):
                return "it holds the transposed line: row and column swapped"
    if len(got) == 1:
        found = _as_input_entry(float(got[0]), reference)
        found = f" = {found}, an index slip?" if found else ""
        return f"expected {want[0]:.4g}, got {got[0]:.4g}{found}"
    return ""


def read_values(answer: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
                axes=None, reference=None, what: str = "your answer") -> Reading:
    """What is wrong with a finite answer of expected's shape that no slip explains."""
    letters = list(axes) if axes is not None and len(axes) == expected.ndim else None
    wrong = ~np.isclose(answer, expected, rtol=rtol, atol=atol)
    for reading in (axes_permuted(answer, expected, rtol, atol, letters),
                    other_order(answer, expected, rtol, atol),
                    from_reference(answer, expected, rtol, atol, reference)):
        if reading is not None:
            return reading
    reading = inner_for_outer(answer, expected, atol)
    if reading is not None:
        return reading
    name, words, fixed = _region(wrong)
    local = name in ("one entry", "one row", "one column", "one block")
    inside = _inside(answer, expected, wrong, fixed, rtol, atol, reference) if local else ""
    if not inside and name != "one entry":
        reading = factor_along_axes(answer, expected, rtol, atol, letters)
        if reading is not None:
            return reading
    if not local:
        inside = _inside(answer, expected, wrong, fixed, rtol, atol, reference)
    if name == "everywhere" and inside.startswith("yours is off by"):
        name = "shifted"
    elif name == "everywhere" and not inside:
        where = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
        return Reading("wrong values", f"the shape {answer.shape} is right but the values are "
                                       f"not; largest difference at index {_index(where)}: "
                                       f"expected {expected[where]:.6g}, got "
                                       f"{answer[where]:.6g}.")
    return Reading(name, f"{what} has the right shape {answer.shape} but is wrong {words}"
                         + (f": {inside}." if inside else "."))


def read_scalar(answer: np.ndarray, expected: np.ndarray) -> Reading:
    """A wrong single number: named "scaled" when it is a whole multiple or fraction of the
    expected one (a factor such as 8 or 1/N), else plain "wrong values"."""
    got, want = float(answer), float(expected)
    if want != 0 and got == -want:
        return Reading("sign flipped", f"expected {want:.6g}, got {got:.6g}: the sign is flipped.")
    if want != 0 and got != 0:
        for ratio, words in ((got / want, "{:g} times"), (want / got, "1/{:g} of")):
            whole = round(ratio)
            if abs(whole) >= 2 and abs(ratio - whole) <= 1e-9 * abs(ratio):
                return Reading("scaled", f"expected {want:.6g}, got {got:.6g}: "
                                         f"{words.format(whole)} the expected value, so a factor "
                                         f"is extra or missing.")
    return Reading("wrong values", f"expected {want:.6g}, got {got:.6g}.")


@dataclass(frozen=True)
class MistakePicture:
    """Expected, yours and the wrong entries of a wrong matrix or 4-D tensor, drawn on demand."""

    expected: np.ndarray
    answer: np.ndarray
    wrong: np.ndarray

    LARGEST = 4096  # entries: a bigger answer gets no picture (its cells would be invisible)

    @classmethod
    def of(cls, answer, expected, rtol, atol):
        """The picture of a wrong answer of expected's shape, or None where none belongs."""
        if answer.shape != expected.shape or expected.ndim not in (2, 4) \
                or expected.size > cls.LARGEST or not np.all(np.isfinite(answer)):
            return None
        return cls(expected.copy(), answer.copy(),
                   ~np.isclose(answer, expected, rtol=rtol, atol=atol))

    def png(self) -> bytes:
        from ..plotting._mistake_map import mistake_map_png  # matplotlib only when shown

        return mistake_map_png(self.expected, self.answer, self.wrong)
