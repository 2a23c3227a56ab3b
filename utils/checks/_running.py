"""The time limit of a check, and the in-process way of running a learner's function.

One limit covers a whole check, however many times it calls the learner's function: a checker
wrapped in `one_limit` sets a deadline, and every call inside it gets what is left of it.

Where the platform can fork (Linux, macOS, Colab), `_isolation` runs the learner's function in a
child process that is killed at the deadline. Elsewhere (Windows), or with ROUTE = "in-process",
it runs here: SIGALRM (signal.setitimer) on the main thread, where a notebook kernel runs cells,
re-raised every few milliseconds until it lands outside the learner's own `except:`; off the
main thread on a helper thread, which the checker stops waiting for after the limit.
"""

from __future__ import annotations

import contextvars
import dis
import functools
import math
import os
import signal
import sys
import threading
import time

# Seconds a whole check may spend in the learner's code. COURSE_TIME_LIMIT overrides it for a
# session; assigning utils.checks._running.TIME_LIMIT_SECONDS changes it from a notebook or a
# test. A bad COURSE_TIME_LIMIT is reported when a check runs, not as a failed `import utils`.
TIME_LIMIT_SECONDS = os.environ.get("COURSE_TIME_LIMIT", 5.0)

# "fork": a child process, killed at the deadline; "in-process": the alarm or a helper thread.
ROUTE = "fork" if hasattr(os, "fork") and os.environ.get("COURSE_ISOLATION") != "off" \
    else "in-process"


class ConfigurationError(ValueError):
    """The course is set up wrongly (not the learner's answer): never recorded as a failure."""


class TimedOut(BaseException):
    """The learner's function did not return within the limit.

    A BaseException, like KeyboardInterrupt, so a learner's `except Exception:` inside a loop
    cannot swallow it and keep looping.
    """

    def __init__(self, seconds: float, stopped: bool):
        super().__init__(f"did not return within {seconds:g} s")
        self.seconds = seconds
        self.stopped = stopped  # False: it may still be running on a helper thread


def time_limit() -> float:
    """The current limit, checked: a finite number of seconds above 0 (below 10⁶)."""
    given = limit = TIME_LIMIT_SECONDS
    if isinstance(limit, str):  # as read from COURSE_TIME_LIMIT
        try:
            limit = float(limit)
        except ValueError:
            pass
    if (isinstance(limit, bool) or not isinstance(limit, (int, float))
            or not math.isfinite(limit) or not 0 < limit < 1e6):
        raise ConfigurationError(
            f"the time limit of the course's checks is set wrongly: COURSE_TIME_LIMIT (or "
            f"utils.checks._running.TIME_LIMIT_SECONDS) is {given!r}; it must be a number of "
            f"seconds above 0 and below 1000000, e.g. COURSE_TIME_LIMIT=5 (the default). This "
            f"is a setting of the course, not a mistake in your answer: nothing was recorded.")
    return float(limit)


_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar(
    "check_deadline", default=None)


def one_limit(checker):
    """The checker, with one deadline for all the calls of the learner's function it makes."""
    @functools.wraps(checker)
    def limited(*args, **kwargs):
        if _deadline.get() is not None:  # a checker called by another checker: one deadline
            return checker(*args, **kwargs)
        seconds = time_limit()  # a ConfigurationError leaves here, before anything is recorded
        token = _deadline.set((time.monotonic() + seconds, seconds))
        try:
            return checker(*args, **kwargs)
        finally:
            _deadline.reset(token)
    return limited


def seconds_left() -> tuple[float, float]:
    """(seconds left for the learner's code in this check, the check's whole limit)."""
    current = _deadline.get()
    if current is None:  # a checker not wrapped in one_limit: the limit is per call
        seconds = time_limit()
        return seconds, seconds
    deadline, seconds = current
    return deadline - time.monotonic(), seconds


def signals_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call_with_limit(function, *args, seconds: float | None = None):
    """function(*args) in this process, or TimedOut after `seconds` (default: what is left).

    Whatever the function raises is raised again, unchanged.
    """
    left, whole = seconds_left() if seconds is None else (seconds, seconds)
    if left <= 0:
        raise TimedOut(whole, stopped=True)
    if signals_available():
        return _call_with_alarm(function, args, left, whole)
    return _call_on_thread(function, args, left, whole)


# bound at import: in-process, a learner's code may not reach these (see _isolation)
_set_handler, _set_timer = signal.signal, getattr(signal, "setitimer", None)
_OWN_FILES: set = set()  # the course's files on the way to the learner's code (_isolation)
_REPEAT = 0.005  # after the limit, the alarm rings again every 5 ms until the call has ended


def _call_with_alarm(function, args, seconds: float, whole: float):
    ours = {__file__, *_OWN_FILES}

    def stop(frame, event, arg):  # raised at the next line: in an `except:` clause, it escapes
        if frame.f_code.co_filename in ours:
            return None
        if event == "exception":  # the alarm's own TimedOut passing by (raising here would
            return stop           # end the tracing)
        raise TimedOut(whole, stopped=True)

    finished = []  # set once the call is over: an alarm still pending then does nothing

    def on_alarm(signum, frame):
        if finished:
            return
        _set_timer(signal.ITIMER_REAL, _REPEAT)  # and the alarm rings again, for C loops
        if frame is not None and frame.f_code is _call_with_alarm.__code__:
            return  # between our own lines (just before the call, or cleaning up): ring later
        sys.settrace(stop)
        while frame is not None and frame.f_code is not _call_with_alarm.__code__:
            if frame.f_code.co_filename not in ours:
                frame.f_trace = stop
            frame = frame.f_back
        raise TimedOut(whole, stopped=True)

    previous_tracer = sys.gettrace()
    previous_handler = _set_handler(signal.SIGALRM, on_alarm)
    outer_delay, _ = _set_timer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        return function(*args)
    finally:  # an alarm ringing here is ignored (see on_alarm), so this always runs to its end
        finished.append(True)
        _set_timer(signal.ITIMER_REAL, 0)
        sys.settrace(previous_tracer)
        _set_handler(signal.SIGALRM, previous_handler)
        if outer_delay:  # someone else's alarm was pending: give it back what is left of it
            left = outer_delay - (time.monotonic() - started)
            _set_timer(signal.ITIMER_REAL, max(left, 1e-3))


def _call_on_thread(function, args, seconds: float, whole: float):
    outcome = {}

    def run():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed back to the caller's thread below
            outcome["error"] = error

    worker = threading.Thread(target=run, name="learner-function", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimedOut(whole, stopped=False)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


_NO_WORK = {"RESUME", "NOP", "CACHE", "EXTENDED_ARG", "NOT_TAKEN"}


def body_is_stub(function) -> bool:
    """True if the function's body does nothing: only a docstring, `...`, `pass`, `return ...`
    or `return None`. False for a body with real statements, or when it cannot be read."""
    try:
        steps = [(i.opname, i.argval) for i in dis.get_instructions(function)
                 if i.opname not in _NO_WORK]
    except TypeError:  # not Python code (a builtin, a numpy ufunc): not a stub
        return False
    stub_values = (None, Ellipsis)
    if len(steps) == 1:  # Python >= 3.12: RETURN_CONST
        return steps[0][0] == "RETURN_CONST" and steps[0][1] in stub_values
    return (len(steps) == 2 and steps[0][0] == "LOAD_CONST" and steps[0][1] in stub_values
            and steps[1][0] == "RETURN_VALUE")

class SharedCount:
    """A counter that a checker's helper may bump inside the learner's function: it lives in
    memory shared with the forked child, so the parent reads what the child counted."""

    def __init__(self):
        from multiprocessing.sharedctypes import RawValue
        self._value = RawValue("l", 0)

    def add(self) -> None:
        self._value.value += 1

    @property
    def value(self) -> int:
        return int(self._value.value)
