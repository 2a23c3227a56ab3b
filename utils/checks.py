"""Exercise checkers: accept any correct answer, name the mistake a wrong one makes.

A checker returns a `Feedback`, shown in the notebook as its message. With the stub untouched
(`...` or None) it says "not done yet" instead of raising. For a wrong answer it compares the
answer with the results of the common mistakes for that exercise and, when one matches, gives
the hint aimed at it; otherwise it says what was expected against what it got.

Reference solutions live in `utils.solutions`; `solution("01-softmax")` prints one.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from . import solutions

PASS, FAIL, TODO = "✅", "❌", "⏳"


@dataclass(frozen=True)
class Feedback:
    """What a checker says: passed or not, the mistake recognised (if any), the message."""

    passed: bool
    message: str
    mistake: str | None = None

    def __repr__(self) -> str:  # a checker call ending a cell shows just the message
        return self.message


@dataclass(frozen=True)
class Mistake:
    """A common wrong answer: its name, the value it produces, the hint aimed at it."""

    name: str
    value: object
    hint: str


def is_stub(answer) -> bool:
    """True for the untouched stubs `...` and None (also a function that returns them)."""
    return answer is Ellipsis or answer is None


def not_done(exercise: str) -> Feedback:
    return Feedback(False, f"{TODO} {exercise}: not done yet. Replace the `...` with your answer "
                           f"and run the cell again.", "not done")


def _describe_difference(answer: np.ndarray, expected: np.ndarray) -> str:
    where = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
    index = tuple(int(k) for k in where)
    return (f"largest difference at index {index}: expected {expected[where]:.6g}, "
            f"got {answer[where]:.6g}")


def compare(exercise: str, answer, expected, mistakes=(), rtol=1e-6, atol=1e-8,
            what: str = "your answer") -> Feedback:
    """Check an array answer against `expected`, recognising the listed mistakes."""
    if is_stub(answer):
        return not_done(exercise)
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"{FAIL} {exercise}: {what} should be a numeric array; got "
                               f"{type(answer).__name__}.", "not numeric")
    expected = np.asarray(expected, dtype=float)
    if answer.shape == expected.shape and np.allclose(answer, expected, rtol=rtol, atol=atol):
        return Feedback(True, f"{PASS} {exercise}: correct.")
    for mistake in mistakes:
        value = np.asarray(mistake.value, dtype=float)
        if value.shape == answer.shape and np.allclose(answer, value, rtol=rtol, atol=atol):
            return Feedback(False, f"{FAIL} {exercise}: {mistake.hint}", mistake.name)
    if answer.shape != expected.shape:
        return Feedback(False, f"{FAIL} {exercise}: expected shape {expected.shape}, got "
                               f"{answer.shape}.", "wrong shape")
    return Feedback(False, f"{FAIL} {exercise}: the shape {answer.shape} is right but the "
                           f"values are not; {_describe_difference(answer, expected)}.",
                    "wrong values")


def solution(exercise: str) -> None:
    """Print the reference solution of an exercise, e.g. solution("04-vjp")."""
    reference = solutions.REFERENCES.get(exercise)
    if reference is None:
        known = ", ".join(sorted(solutions.REFERENCES))
        raise ValueError(f"no exercise called {exercise!r}; the exercises are: {known}")
    print(inspect.getsource(reference))


# --- checkers, in the order of the notebooks that use them ------------------------------------


# === 01 Jacobians ===
# (end of 01 Jacobians)


# === 02 Chain rule ===
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
# (end of 04 The efficient VJP)


# === 05 The backward pass ===
# (end of 05 The backward pass)


# === 06 Jacobians through time ===
# (end of 06 Jacobians through time)
