"""The time limit of a check (utils/checks/_running.py): one deadline for the whole check, in
both routes (a forked child, and the in-process alarm or thread); a badly set limit is the
course's error, never the learner's; a forgotten return and an untouched stub told apart."""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.checks import _running, compare, run_learner_function
from utils.checks._running import (
    ConfigurationError,
    TimedOut,
    body_is_stub,
    call_with_limit,
    one_limit,
    signals_available,
)

ROUTES = ["fork", "in-process"]


@pytest.fixture(params=ROUTES)
def route(request, monkeypatch):
    monkeypatch.setattr(_running, "ROUTE", request.param)
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", 0.5)
    return request.param


def loops_until(stop: threading.Event):
    """A learner's endless loop (ended by the test only, so no thread outlives it)."""
    def endless(x):
        total = 0.0
        while not stop.is_set():
            try:
                total += 1.0
            except:  # noqa: E722  a learner's catch-all must not swallow the time limit
                pass
        return x
    return endless


def test_a_check_always_answers_within_its_limit_even_through_a_bare_except(route):
    stop = threading.Event()
    started = time.monotonic()
    try:
        value, feedback = run_learner_function("00-test", loops_until(stop), np.ones(3))
    finally:
        stop.set()
    assert time.monotonic() - started < 0.5 + 1.0
    assert value is None and feedback.mistake == "timed out"
    assert "did not return within the check's 0.5 s (called with shape (3,)" in feedback.message
    assert "loops forever" in feedback.message and "could not be stopped" not in feedback.message


@pytest.mark.parametrize("route_name, stopped", [("fork", True), ("in-process", False)])
def test_off_the_main_thread_the_limit_still_answers(monkeypatch, route_name, stopped):
    monkeypatch.setattr(_running, "ROUTE", route_name)
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", 0.5)
    stop, result = threading.Event(), {}

    def check():
        result["answer"] = run_learner_function("00-test", loops_until(stop), np.ones(2))

    checker = threading.Thread(target=check)
    checker.start()
    checker.join(10)
    stop.set()
    assert not checker.is_alive(), "the checker hung instead of answering"
    value, feedback = result["answer"]
    assert feedback.mistake == "timed out"
    assert ("could not be stopped" in feedback.message) == (not stopped)


def checker_calling(calls: int, seconds: float):
    """A checker (one time limit for all of it) that runs a learner's function taking `seconds`
    `calls` times, stopping at the first feedback."""
    def slow(x):
        time.sleep(seconds)
        return x

    @one_limit
    def checker():
        for _ in range(calls):
            value, feedback = run_learner_function("00-test", slow, np.ones(2))
            if feedback is not None:
                return feedback
        return None

    return checker


@pytest.mark.parametrize("calls", [2, 5])
def test_the_limit_covers_the_whole_check_not_each_call(route, calls):
    """A 0.3 s call made `calls` times under a 0.5 s limit: the check answers after ~0.5 s."""
    started = time.monotonic()
    feedback = checker_calling(calls, 0.3)()
    took = time.monotonic() - started
    assert feedback is not None and feedback.mistake == "timed out"
    assert took < 0.5 + 0.5, f"the check took {took:.2f} s for a 0.5 s limit"


def test_a_checker_called_inside_another_shares_its_deadline(route):
    inner = one_limit(lambda: _running.seconds_left())
    outer = one_limit(lambda: (time.sleep(0.2), inner())[1])
    left, whole = outer()
    assert whole == 0.5 and left < 0.35


def test_the_alarm_is_cleared_and_an_outer_handler_restored():
    import signal
    before = signal.getsignal(signal.SIGALRM)
    assert call_with_limit(lambda a: a + 1, 1, seconds=0.5) == 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signals_available()


def test_a_call_ending_just_as_its_alarm_rings_leaves_nothing_behind():
    """The alarm repeats every 5 ms once the limit has passed: one ringing while the call is
    cleaning up must neither escape as TimedOut later nor leave a tracer or a timer armed."""
    import signal
    import sys
    before = signal.getsignal(signal.SIGALRM)

    def busy(seconds):  # a pure-Python loop that ends right about when the alarm rings
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            pass
        return seconds

    outcomes = set()
    for k in range(150):
        limit = 0.002 + (k % 5) * 0.0005
        try:
            call_with_limit(busy, limit * (0.9 + (k % 3) * 0.1), seconds=limit)
            outcomes.add("returned")
        except TimedOut:
            outcomes.add("timed out")
        assert sys.gettrace() is None, "the deadline's tracer was left on"
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), "an alarm was left armed"
        assert signal.getsignal(signal.SIGALRM) is before
    time.sleep(0.02)  # a stray alarm would ring (and raise) here
    assert outcomes <= {"returned", "timed out"}


def test_an_alarm_ringing_during_the_cleanup_is_ignored(monkeypatch):
    """The race above made certain: the alarm rings just as the cleanup cancels the timer."""
    import signal
    import sys
    real_set_timer = _running._set_timer

    def ring_then_set(which, seconds, *rest):
        if seconds == 0:
            signal.raise_signal(signal.SIGALRM)  # its handler runs before the timer is cancelled
        return real_set_timer(which, seconds, *rest)

    monkeypatch.setattr(_running, "_set_timer", ring_then_set)
    before = signal.getsignal(signal.SIGALRM)
    assert call_with_limit(lambda a: a + 1, 1, seconds=5.0) == 2
    assert sys.gettrace() is None, "the deadline's tracer was left on"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), "an alarm was left armed"
    assert signal.getsignal(signal.SIGALRM) is before


BAD_LIMITS = ["abc", "0", "-1", "nan", "inf", "-inf", "", "1e400", 0, -1.0, math.nan, math.inf,
              True, None, [5]]


@pytest.mark.parametrize("limit", BAD_LIMITS)
def test_a_bad_time_limit_is_a_configuration_error_naming_the_variable(monkeypatch, limit):
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", limit)
    with pytest.raises(ConfigurationError) as raised:
        _running.time_limit()
    message = str(raised.value)
    assert "COURSE_TIME_LIMIT" in message and repr(limit) in message
    assert "above 0 and below 1000000" in message and "not a mistake in your answer" in message


@pytest.mark.parametrize("limit", ["abc", "0", "-1", "nan", "inf"])
def test_a_bad_time_limit_is_never_recorded_as_the_learners_failure(monkeypatch, tmp_path, limit):
    from utils import solutions
    from utils.checks import check_grad_A
    progress = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(progress))
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", limit)
    with pytest.raises(ConfigurationError, match="COURSE_TIME_LIMIT"):
        check_grad_A(solutions.grad_A)  # a right answer
    with pytest.raises(ConfigurationError):
        run_learner_function("00-test", lambda x: x, np.ones(2))
    assert not progress.exists(), "a setting of the course was recorded as a verdict"


def test_the_environment_sets_the_limit(monkeypatch):
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", "0.25")  # as read at import
    assert _running.time_limit() == 0.25


def forgot_return(x):
    """A written body whose last line computes the answer but does not return it."""
    y = x * 2
    y.sum()


def docstring_stub(x):
    """dL/dA, shaped like A."""
    ...  # your code here


def pass_stub(x):
    pass


def return_stub(x):
    return ...


def test_a_written_body_without_return_is_told_so(route):
    value, feedback = run_learner_function("00-test", forgot_return, np.ones(2))
    assert feedback.mistake == "no return"
    assert "returned None" in feedback.message and "`return`" in feedback.message
    assert "`...`" not in feedback.message


@pytest.mark.parametrize("stub", [docstring_stub, pass_stub, return_stub, lambda x: None])
def test_an_untouched_stub_is_still_not_done(route, stub):
    value, feedback = run_learner_function("00-test", stub, np.ones(2))
    assert feedback.mistake == "not done" and "Replace the `...`" in feedback.message


def test_body_is_stub_reads_code_not_source():
    assert body_is_stub(docstring_stub) and body_is_stub(pass_stub)
    assert not body_is_stub(forgot_return) and not body_is_stub(print)
    assert not body_is_stub(lambda x: x)


class ArrayRaises:
    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("no array for you")


@pytest.mark.parametrize("answer", [ArrayRaises(), [1.0, ArrayRaises()]])
def test_an_answer_whose_array_raises_becomes_feedback(answer):
    feedback = compare("00-test", answer, np.ones(2))
    assert not feedback.passed and feedback.mistake == "not numeric"
    assert "should be a numeric array" in feedback.message


def test_a_function_returning_such_an_answer_is_feedback_too(route):
    value, feedback = run_learner_function("00-test", lambda x: ArrayRaises(), np.ones(2))
    assert value is None and feedback.mistake == "not numeric"
    assert "ArrayRaises that numpy cannot read as an array: RuntimeError" in feedback.message
def _every_checker():
    from utils import checks
    for name in checks.__all__:
        if name.startswith("check_") and name != "check_warmup_shape":  # that one takes a tuple
            check = getattr(checks, name)
            if name == "check_central_difference":  # (function, good_step)
                yield name, lambda learner, check=check: check(learner, 1e-5)
            else:
                yield name, check


def _endless(*args):
    while True:
        pass


def _no_return(*args):
    answer = np.zeros(3)  # noqa: F841 (the learner forgot to return it)


@pytest.mark.parametrize("name,check", list(_every_checker()))
@pytest.mark.parametrize("learner,mistakes", [
    (lambda *args: ArrayRaises(), {"not numeric"}),
    (lambda *args: (ArrayRaises(),) * 3, {"not numeric"}),
    (_endless, {"timed out"}),
    (_no_return, {"no return"}),
], ids=["array raises", "tuple of those", "endless loop", "no return"])
def test_every_checker_answers_whatever_the_function_does(name, check, learner, mistakes,
                                                          route):
    feedback = check(learner)
    assert not feedback.passed and feedback.mistake in mistakes, (name, feedback.message)


@settings(max_examples=8, deadline=None)
@given(call_seconds=st.floats(0.0, 0.5), calls=st.integers(1, 4),
       route_name=st.sampled_from(ROUTES))
def test_a_check_answers_within_its_limit_whatever_its_calls_take(call_seconds, calls,
                                                                  route_name):
    """Whatever each call takes and however many a check makes: the answer comes within the
    limit (plus the time to stop the last call), and it is "timed out" only past the limit."""
    limit = 1.0
    previous = _running.ROUTE, _running.TIME_LIMIT_SECONDS
    _running.ROUTE, _running.TIME_LIMIT_SECONDS = route_name, limit
    try:
        started = time.monotonic()
        feedback = checker_calling(calls, call_seconds)()
        took = time.monotonic() - started
    finally:
        _running.ROUTE, _running.TIME_LIMIT_SECONDS = previous
    assert took < limit + 0.5
    if call_seconds * calls < limit * 0.3:  # room for forks on a loaded machine
        assert feedback is None, feedback.message
    if call_seconds * calls > limit * 1.5:
        assert feedback is not None and feedback.mistake == "timed out"
