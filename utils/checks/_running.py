"""Running a learner's code so a checker always answers: a time limit, and telling a stub
from a function that forgot its `return`.

The time limit uses SIGALRM (signal.setitimer) where the platform has it and we are on the main
thread, which is where a notebook kernel runs cells. Elsewhere (Windows, a worker thread) the
function runs on a helper thread instead: the checker stops waiting after the limit and says the
function may still be running, since nothing can stop it from outside.
"""

from __future__ import annotations

import dis
import os
import signal
import threading
import time

# Seconds a learner's function may run. COURSE_TIME_LIMIT overrides it for a whole session;
# assigning utils.checks._running.TIME_LIMIT_SECONDS changes it from a notebook or a test.
# A bad COURSE_TIME_LIMIT is reported when a check runs, not as a failed `import utils`.
TIME_LIMIT_SECONDS = os.environ.get("COURSE_TIME_LIMIT", 5.0)


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
    """The current limit, checked: a positive number of seconds."""
    limit = TIME_LIMIT_SECONDS
    if isinstance(limit, str):  # as read from COURSE_TIME_LIMIT
        try:
            limit = float(limit)
        except ValueError:
            pass
    if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 < limit < 1e6:
        raise ValueError(f"TIME_LIMIT_SECONDS (or the environment variable COURSE_TIME_LIMIT) "
                         f"must be a positive number of seconds; got {limit!r}")
    return float(limit)


def signals_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def call_with_limit(function, *args, seconds: float | None = None):
    """function(*args), or TimedOut after `seconds` (default TIME_LIMIT_SECONDS).

    Whatever the function raises is raised again, unchanged.
    """
    seconds = time_limit() if seconds is None else seconds
    if signals_available():
        return _call_with_alarm(function, args, seconds)
    return _call_on_thread(function, args, seconds)


def _call_with_alarm(function, args, seconds: float):
    def on_alarm(signum, frame):
        raise TimedOut(seconds, stopped=True)

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if outer_delay:  # someone else's alarm was pending: give it back what is left of it
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


def _call_on_thread(function, args, seconds: float):
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
        raise TimedOut(seconds, stopped=False)
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
