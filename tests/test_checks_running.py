"""Running a learner's function safely (utils/checks/_running.py): the time limit, a forgotten
return, exceptions; and compare on answers that cannot even become arrays."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from utils.checks import _running, compare, run_learner_function
from utils.checks._running import body_is_stub, call_with_limit, signals_available


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", 0.5)


def loops_until(stop: threading.Event):
    """A learner's endless loop (ended by the test only, so no thread outlives it)."""
    def endless(x):
        total = 0.0
        while not stop.is_set():
            try:
                total += 1.0
            except Exception:  # a learner's catch-all must not swallow the time limit
                pass
        return x
    return endless


def test_an_endless_loop_gets_feedback_not_a_hung_kernel(short_limit):
    assert signals_available(), "the tests run on the main thread, where SIGALRM works"
    stop = threading.Event()
    try:
        value, feedback = run_learner_function("00-test", loops_until(stop), np.ones(3))
    finally:
        stop.set()
    assert value is None and feedback.mistake == "timed out"
    assert "did not return within 0.5 s (called with shape (3,))" in feedback.message
    assert "loops forever" in feedback.message and "could not be stopped" not in feedback.message


def test_off_the_main_thread_the_limit_still_answers_and_says_it_could_not_stop(short_limit):
    stop, result = threading.Event(), {}

    def check():
        result["answer"] = run_learner_function("00-test", loops_until(stop), np.ones(2))

    checker = threading.Thread(target=check)
    checker.start()
    checker.join(10)
    stop.set()
    assert not checker.is_alive(), "the checker hung instead of answering"
    value, feedback = result["answer"]
    assert feedback.mistake == "timed out" and "could not be stopped" in feedback.message


def test_the_alarm_is_cleared_and_an_outer_handler_restored():
    import signal
    before = signal.getsignal(signal.SIGALRM)
    assert call_with_limit(lambda a: a + 1, 1, seconds=0.5) == 2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_a_bad_time_limit_is_named(monkeypatch):
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", -1.0)
    with pytest.raises(ValueError, match=r"TIME_LIMIT_SECONDS \(or the environment variable "
                                         r"COURSE_TIME_LIMIT\) must be a positive number"):
        call_with_limit(abs, 1)


def test_the_environment_sets_the_limit(monkeypatch):
    monkeypatch.setenv("COURSE_TIME_LIMIT", "0.25")
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", "0.25")  # as read at import
    assert _running.time_limit() == 0.25
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", "soon")
    with pytest.raises(ValueError, match="COURSE_TIME_LIMIT.*got 'soon'"):
        _running.time_limit()


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


def test_a_written_body_without_return_is_told_so():
    value, feedback = run_learner_function("00-test", forgot_return, np.ones(2))
    assert feedback.mistake == "no return"
    assert "returned None" in feedback.message and "`return`" in feedback.message
    assert "`...`" not in feedback.message


@pytest.mark.parametrize("stub", [docstring_stub, pass_stub, return_stub, lambda x: None])
def test_an_untouched_stub_is_still_not_done(stub):
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


def test_a_function_returning_such_an_answer_is_feedback_too():
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
                                                          short_limit):
    feedback = check(learner)
    assert not feedback.passed and feedback.mistake in mistakes, (name, feedback.message)
