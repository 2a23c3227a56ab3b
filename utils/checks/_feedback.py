"""What every checker shares: Feedback, Mistake, compare, running a learner's function safely.

A checker returns a `Feedback`, shown in the notebook as its message. With the stub untouched
(`...` or None) it says "not done yet" instead of raising. For a wrong answer it compares the
answer with the results of the common mistakes for that exercise and, when one matches, gives
the hint aimed at it; otherwise it says what was expected against what it got.

Reference solutions live in `utils.solutions`; `solution("01-softmax-jacobian")` prints one.
"""

from __future__ import annotations

import base64
import functools
import inspect
import re
from dataclasses import dataclass, field

import numpy as np

from .. import solutions
from ._answers import find_foreign
from ._isolation import run_isolated
from ._library import UsedTheLibrary, refusal, watched
from ._mistake_map import MistakePicture, read_scalar, read_values
from ._operands import shape_note
from ._running import TimedOut, body_is_stub, seconds_left
from ._shape_map import LARGEST_READ, read_shape
from ._slips import generic_slip

PASS, FAIL, TODO = "✅", "❌", "⏳"


@dataclass(frozen=True)
class Feedback:
    """What a checker says: passed or not, the mistake recognised (if any), the message.

    A wrong matrix or 4-D tensor of the right shape also carries the mistake map's `picture`,
    shown under the message in a notebook; `repr()` (and nbval's text) stay the message.
    """

    passed: bool
    message: str
    mistake: str | None = None
    picture: MistakePicture | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:  # a checker call ending a cell shows just the message
        return self.message

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": self.message}
        if self.picture is not None and not self.passed:
            bundle["image/png"] = base64.b64encode(self.picture.png()).decode("ascii")
        return bundle


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


def compare(exercise: str, answer, expected, mistakes=(), rtol=1e-6, atol=1e-8,
            what: str = "your answer", where: str | None = None, axes=None,
            reference=None) -> Feedback:
    """Check an array answer against `expected`, recognising the listed mistakes.

    What no listed mistake explains, the mistake map reads (`_mistake_map`, `_shape_map`):
    where the answer is wrong and the pattern of the error. `axes` names expected's axes in the
    exercise's letters ("m p m n"); `reference` = (function, inputs) computed `expected`, so the
    map can try it on swapped or transposed inputs. `where` names the test input (e.g.
    "at x = [1, 2]"); a failing Feedback then says it was "checked at x = [1, 2]" and, for a
    small vector with wrong values, shows the expected and the given ones side by side.
    """
    letters = axes.split() if isinstance(axes, str) else axes
    if letters is not None and (not isinstance(letters, (list, tuple))
                                or not all(isinstance(k, str) for k in letters)):
        raise TypeError(f"compare: axes should be letters such as 'm p m n' or a list of "
                        f"strings; got {axes!r}")
    if reference is not None and not (isinstance(reference, tuple) and len(reference) == 2
                                      and callable(reference[0])
                                      and isinstance(reference[1], (tuple, list))):
        raise TypeError(f"compare: reference should be (function, its inputs); got "
                        f"{type(reference).__name__}")
    feedback = _compare(exercise, answer, expected, mistakes, rtol, atol, what, letters,
                        reference)
    if where is None or feedback.passed or feedback.mistake == "not done":
        return feedback
    message = f"{feedback.message} (checked {where})"
    if feedback.picture is None and np.shape(answer) == np.shape(expected) \
            and np.ndim(expected) == 1 and np.size(expected) <= 36 \
            and feedback.mistake not in ("not finite", "complex", "None entries", "not numeric"):
        message += "\n" + side_by_side(expected, answer)
    return Feedback(False, message, feedback.mistake, feedback.picture)


def _refused(exercise, answer, what) -> Feedback | None:
    """Feedback for an answer numpy cannot read as real numbers, else None."""
    try:  # complex numbers and None entries get their own message (not a ComplexWarning)
        raw = np.asarray(answer)
    except Exception:  # noqa: BLE001 (an answer's own __array__ may raise anything)
        raw = None
    if raw is not None and np.iscomplexobj(raw):
        return Feedback(False, f"{FAIL} {exercise}: {what} should be real numbers; got complex "
                               f"values (dtype {raw.dtype}).", "complex")
    if raw is not None and raw.dtype == object and any(v is None for v in raw.flat):
        return Feedback(False, f"{FAIL} {exercise}: {what} has None entries; fill in every "
                               f"entry with a number.", "None entries")
    return None


def _compare(exercise, answer, expected, mistakes, rtol, atol, what, letters, reference):
    if is_stub(answer):
        return not_done(exercise)
    expected = np.asarray(expected, dtype=float)
    if isinstance(answer, np.ndarray) and answer.shape != expected.shape \
            and answer.size > LARGEST_READ:  # described by its shape alone, never copied
        reading = read_shape(answer, expected, rtol, atol, letters)
        return Feedback(False, f"{FAIL} {exercise}: {reading.text}", reading.name)
    refused = _refused(exercise, answer, what)
    if refused is not None:
        return refused
    try:
        answer = np.asarray(answer, dtype=float)
    except Exception as error:  # noqa: BLE001 (an answer's own __array__ may raise anything)
        reason = "" if isinstance(error, (TypeError, ValueError)) else (
            f" (turning it into an array raised {type(error).__name__}: {error})")
        return Feedback(False, f"{FAIL} {exercise}: {what} should be a numeric array; got "
                               f"{type(answer).__name__}{reason}.", "not numeric")
    if answer.shape == expected.shape and np.allclose(answer, expected, rtol=rtol, atol=atol):
        return Feedback(True, f"{PASS} {exercise}: correct.")
    picture = MistakePicture.of(answer, expected, rtol, atol)
    for mistake in mistakes:
        value = np.asarray(mistake.value, dtype=float)
        if value.shape == answer.shape and np.allclose(answer, value, rtol=rtol, atol=atol):
            return Feedback(False, f"{FAIL} {exercise}: {mistake.hint}", mistake.name, picture)
    if answer.shape != expected.shape and answer.size > LARGEST_READ:
        reading = read_shape(answer, expected, rtol, atol, letters)
        return Feedback(False, f"{FAIL} {exercise}: {reading.text}", reading.name)
    slip = generic_slip(answer, expected, rtol, atol)  # NaN, sign, transpose, a constant factor
    if slip is not None:
        return Feedback(False, f"{FAIL} {exercise}: {slip[1]}", slip[0], picture)
    if answer.shape != expected.shape:
        reading = read_shape(answer, expected, rtol, atol, letters)
    elif expected.ndim == 0:
        reading = read_scalar(answer, expected)
    else:
        reading = read_values(answer, expected, rtol, atol, letters, reference, what)
    return Feedback(False, f"{FAIL} {exercise}: {reading.text}", reading.name, picture)


def run_learner_function(exercise: str, function, *args, names: dict | None = None,
                         answer: str | None = None, observer=None):
    """Call the learner's function where nothing it does can harm the check (`_isolation`).

    Returns (value, None), or (None, Feedback) when it is a stub, not a function, raises, ends
    its process, runs past the check's deadline (one limit for the whole check, see
    `_running.one_limit`), or returns `...`/None or something that is not plain data: whatever
    the learner's code does ends in feedback, never a traceback or a hung kernel.

    `names` gives each argument its name and shape letters, in order, e.g.
    {"dL/dC": "mp", "A": "nm", "B": "np"}, and `answer` the answer's letters ("nm"): a numpy
    shape error inside the function is then told as "you multiplied dL/dC (m, p) by B (n, p)".
    `observer` (start(), collect()) watches the call where it runs; with one, the value
    returned is (the learner's value, what collect() returned). See `_isolation`.
    The learner's function may not call the course's helpers its exercise declares
    (`_library`, each checker module's LIBRARY): "used the library".
    """
    if is_stub(function):
        return None, not_done(exercise)
    if not callable(function):
        return None, Feedback(False, f"{FAIL} {exercise}: expected a function (def ...); got "
                                     f"{type(function).__name__}.", "not a function")
    called_with = ", ".join(f"shape {a.shape}" if isinstance(a, np.ndarray)
                            else type(a).__name__ for a in args)
    seconds_left()  # a badly set limit is the course's error, raised here, never feedback
    describe = None if names is None else functools.partial(
        _operands_note, names=names, answer=answer)
    try:
        outcome = run_isolated(watched(exercise, function), args, observer, describe)
    except TimedOut as timeout:
        return None, timed_out(exercise, timeout, called_with)
    if outcome.raised is not None and outcome.raised.kind == UsedTheLibrary.__name__:
        refused = refusal(exercise, outcome.raised.message)
        return None, Feedback(False, f"{FAIL} {exercise}: {refused}", "used the library")
    if outcome.ended is not None:
        return None, Feedback(False, f"{FAIL} {exercise}: your function did not return: "
                                     f"{outcome.ended} (called with {called_with}). A "
                                     f"function hands its answer back with `return`; never "
                                     f"end Python itself from it.", "raised")
    if outcome.raised is not None:
        return None, _raised(exercise, outcome.raised, called_with)
    value = outcome.value
    if value is None and not body_is_stub(function):
        return None, Feedback(False, f"{FAIL} {exercise}: your function ran but returned None: "
                                     f"it has no `return` line (or `return` with nothing after "
                                     f"it). End it with `return` and your answer.", "no return")
    if is_stub(value):
        return None, not_done(exercise)
    foreign = find_foreign(value)
    if foreign is not None:
        return None, Feedback(False, f"{FAIL} {exercise}: your function returned a "
                                     f"{foreign.kind} that numpy cannot read as an array: "
                                     f"{foreign.reason}. Return a numpy array.", "not numeric")
    return (outcome.value, outcome.observed) if observer is not None else value, None


def _operands_note(error, traceback, args, names, answer):
    from ._running import ROUTE
    return shape_note(error, traceback, args, names, answer, anything=ROUTE == "fork")


_ENDINGS = {"SystemExit": "called sys.exit() (or raised SystemExit), which would end the "
                          "kernel: a function hands its answer back with `return`",
            "KeyboardInterrupt": "raised KeyboardInterrupt (as if you pressed stop)"}


def _raised(exercise: str, raised, called_with: str) -> Feedback:
    if raised.kind in _ENDINGS:
        what = _ENDINGS[raised.kind]
    elif raised.note:  # numpy's long words shortened: the note says it in the exercise's
        what = f"raised {raised.kind}: {re.split(',? with ', raised.message)[0]}"  # letters
    else:
        what = f"raised {raised.kind}: {raised.message}"
    note = f" {raised.note}" if raised.note else ""
    return Feedback(False, f"{FAIL} {exercise}: your function {what} (called with "
                           f"{called_with}).{note}", "raised")


def timed_out(exercise: str, timeout: TimedOut, called_with: str) -> Feedback:
    """Feedback for a function that did not return in time, e.g. an endless loop."""
    outcome = "so it was stopped" if timeout.stopped else "so the check stopped waiting"
    message = (f"{FAIL} {exercise}: your function did not return within the check's "
               f"{timeout.seconds:g} s (called with {called_with}; the limit covers every call "
               f"a check makes), {outcome}. Most likely it loops forever: check that every "
               f"`while` loop's condition can become False.")
    if not timeout.stopped:
        message += (" It could not be stopped here (no timer signal on this platform or "
                    "thread), so it may still be running: restart the kernel if the notebook "
                    "gets slow.")
    return Feedback(False, message, "timed out")


def solution(exercise: str) -> None:
    """Print the reference solution of an exercise, e.g. solution("04-grad-A")."""
    reference = solutions.REFERENCES.get(exercise)
    if reference is None:
        known = ", ".join(sorted(solutions.REFERENCES))
        raise ValueError(f"no exercise called {exercise!r}; the exercises are: {known}")
    print(reference if isinstance(reference, str) else inspect.getsource(reference))




def compact(vector) -> str:
    """A test input on one line: [1, -0.5, 2, 0.3]."""
    return "[" + ", ".join(f"{float(v):.4g}" for v in np.ravel(vector)) + "]"


def side_by_side(expected, answer) -> str:
    """Expected and given vectors or matrices next to each other, one row a line."""
    rows = [[" ".join(f"{float(v) + 0.0:8.4f}" for v in np.atleast_1d(row))
             for row in np.atleast_2d(np.asarray(a, dtype=float))] for a in (expected, answer)]
    width = len(rows[0][0])
    lines = [f"  {'expected'.ljust(width)}   got"]
    lines += [f"  {e.ljust(width)}   {g}" for e, g in zip(*rows, strict=True)]
    return "\n".join(lines)



def correct(exercise: str, why: str) -> Feedback:
    """A passing Feedback that says what made the answer right."""
    return Feedback(True, f"{PASS} {exercise}: correct: {why}")
