"""Nothing a learner's function does can stop a check or fool it (utils/checks/_isolation.py).

Every attack in ATTACKS (a list to grow) is run in both routes, the forked child and the
in-process fallback, through a real checker (04-grad-A) and on its own: the check answers
within its limit, never passes, and leaves numpy and the course as they were, so the next
wrong answer still fails and the next right one still passes.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np
import pytest

from utils import solutions
from utils.checks import _running, check_grad_A, compare, run_learner_function

LIMIT = 1.0


@pytest.fixture(params=["fork", "in-process"])
def route(request, monkeypatch, tmp_path):
    monkeypatch.setattr(_running, "ROUTE", request.param)
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", LIMIT)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return request.param


def _endless_bare_except(*args):
    while True:
        try:
            sum(range(1000))
        except:  # noqa: E722
            pass


def _tight_loop(*args):
    while args:
        try:
            pass
        except:  # noqa: E722
            pass


def _recurse(*args):
    return _recurse(*args)


def _patch_numpy(*args):
    np.allclose = lambda *a, **k: True
    np.isclose = lambda *a, **k: np.ones(1, bool)
    np.array_equal = lambda *a, **k: True
    np.asarray = lambda a, *rest, **k: np.zeros_like(args[1])
    return np.zeros_like(args[1])


def _patch_the_course(*args):
    from utils.checks import _feedback
    _feedback.compare = lambda *a, **k: _feedback.Feedback(True, "✅ passed")
    solutions.grad_A = lambda G, A, B: np.zeros_like(A)
    return np.zeros_like(args[1])


def _patch_ndarray(*args):
    np.ndarray.__eq__ = lambda self, other: True  # TypeError: numpy's type is immutable
    return args[1]


def _mutate_inputs(*args):
    for a in args:
        a[...] = 0.0
    return np.zeros_like(args[1])


class _Liar(np.ndarray):
    """An answer claiming to equal anything."""

    def __eq__(self, other):
        return True

    def __array_ufunc__(self, *args, **kwargs):
        return True


class _LoopingArray:
    def __array__(self, dtype=None, copy=None):
        while True:
            pass


class _RaisingArray:
    def __array__(self, dtype=None, copy=None):
        raise KeyboardInterrupt


def _silence_the_alarm(*args):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    _endless_bare_except()


# (name, learner's grad_A(dL_dC, A, B), routes it applies to): the in-process route cannot stop
# a C loop, refuse memory or survive a crash of its own process; the child route can.
ATTACKS = [
    ("bare except loop", _endless_bare_except, "both"),
    ("sum(range(10**10))", lambda *a: sum(range(10**10)), "fork"),
    # CPython 3.10 checks for signals only at some backward jumps: there, only a child stops it
    ("try/pass loop", _tight_loop, "both" if sys.version_info >= (3, 11) else "fork"),
    ("sys.exit()", lambda *a: sys.exit(), "both"),
    ("raise SystemExit", lambda *a: (_ for _ in ()).throw(SystemExit(0)), "both"),
    ("raise KeyboardInterrupt", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt), "both"),
    ("os._exit(0)", lambda *a: os._exit(0), "both"),
    ("SIGKILL itself", lambda *a: os.kill(os.getpid(), signal.SIGKILL), "both"),
    ("SIGSEGV itself", lambda *a: os.kill(os.getpid(), signal.SIGSEGV), "fork"),
    ("infinite recursion", _recurse, "both"),
    ("allocate 50 GiB", lambda *a: np.ones(50 * 2**30 // 8), "fork"),
    ("print 100 MB", lambda *a: print("x" * 100_000_000), "both"),
    ("patch numpy", _patch_numpy, "both"),
    ("patch the course", _patch_the_course, "both"),
    ("patch ndarray.__eq__", _patch_ndarray, "both"),
    ("mutate its inputs", _mutate_inputs, "both"),
    ("lazy __array__ loops", lambda *a: _LoopingArray(), "both"),
    ("lazy __array__ raises", lambda *a: _RaisingArray(), "both"),
    ("a generator", lambda *a: (v for v in a[1]), "both"),
    ("lying ndarray subclass", lambda *a: np.zeros_like(a[1]).view(_Liar), "both"),
    ("close every file", lambda *a: (os.closerange(3, 4096), _endless_bare_except()), "fork"),
    ("silence the alarm", _silence_the_alarm, "both"),
    ("a 100 MB answer", lambda *a: np.ones(100 * 2**20 // 8), "both"),
    ("a grandchild that loops", lambda *a: (os.fork(), _endless_bare_except()), "fork"),
    ("input()", lambda *a: input("dL/dA? "), "both"),
    ("sleep", lambda *a: time.sleep(100), "both"),
    ("np.seterr(all=raise) and a NaN", lambda *a: (np.seterr(all="raise"), a[1] / 0)[1], "both"),
    ("sys.stdout = None", lambda *a: (setattr(sys, "stdout", None), print("x"))[1], "both"),
]


def _applies(route: str, where: str) -> bool:
    return where in ("both", route)


@pytest.mark.parametrize("name, attack, where", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_check_always_answers_within_its_limit_and_never_passes(route, name, attack, where):
    if not _applies(route, where):
        pytest.skip(f"{name}: nothing in the kernel's own process can stop or survive it")
    stdout = sys.stdout
    started = time.monotonic()
    feedback = check_grad_A(attack)
    took = time.monotonic() - started
    assert sys.stdout is stdout
    assert not feedback.passed, f"{name}: an unearned pass: {feedback.message}"
    assert feedback.message.startswith("❌") and feedback.mistake, feedback.message
    assert took < LIMIT + 1.0, f"{name}: answered after {took:.1f} s"
    # nothing changed outside: numpy compares, the reference is intact, checks still work
    assert not np.allclose(np.zeros(2), np.ones(2)) and np.asarray([1.0])[0] == 1.0
    assert np.geterr()["invalid"] != "raise"
    assert not compare("00-test", np.zeros(2), np.ones(2)).passed
    assert check_grad_A(solutions.grad_A).passed
    assert not check_grad_A(lambda G, A, B: np.zeros_like(A)).passed


def test_the_learners_print_reaches_the_notebook(route, capsys):
    def chatty(x):
        print("step 1", x.shape)
        print("warning!", file=sys.stderr)
        return x
    value, feedback = run_learner_function("00-test", chatty, np.ones(3))
    assert feedback is None
    captured = capsys.readouterr()
    assert "step 1 (3,)" in captured.out and "warning!" in captured.err


def test_print_before_an_endless_loop_still_arrives(route, capsys):
    def prints_then_loops(x):
        print("before the loop", flush=True)
        _endless_bare_except()
    value, feedback = run_learner_function("00-test", prints_then_loops, np.ones(3))
    assert feedback.mistake == "timed out"
    assert "before the loop" in capsys.readouterr().out


def test_a_huge_print_is_cut_and_counted(route, capsys):
    run_learner_function("00-test", lambda x: print("y" * 5_000_000), np.ones(1))
    out = capsys.readouterr().out
    assert len(out) < 300_000 and "more characters not shown" in out


def test_a_big_argument_is_shared_not_pickled(monkeypatch):
    """128 MiB reaches the child through fork's shared memory: no pickling, and fast."""
    import pickle
    monkeypatch.setattr(_running, "ROUTE", "fork")
    big = np.ones(128 * 2**20 // 8)
    dumps = pickle.dumps
    monkeypatch.setattr(pickle, "dumps", lambda obj, *a, **k: (
        pytest.fail("the argument was pickled") if obj is big else dumps(obj, *a, **k)))
    started = time.monotonic()
    value, feedback = run_learner_function("00-test", lambda x: float(x[::4096].sum()), big)
    assert feedback is None and value == big[::4096].sum()
    assert time.monotonic() - started < 2.0


def test_blas_works_in_the_child_and_the_parent_after_it(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    monkeypatch.setattr(_running, "ROUTE", "fork")
    a = np.random.default_rng(0).standard_normal((300, 300))
    before = threadpoolctl.threadpool_info()
    value, feedback = run_learner_function("00-test", lambda x: x @ x.T, a)
    assert feedback is None and np.allclose(value, a @ a.T)
    assert np.allclose(a @ a.T, value) and threadpoolctl.threadpool_info() == before


KERNEL_CODE = """
import os, time
from IPython.display import display
import ipywidgets
from utils.checks import run_learner_function

def shows(x):
    display("shown from the child")
    ipywidgets.IntSlider()
    return x

print("display:", run_learner_function("00-test", shows, 1.0))

from utils.checks import check_lecture_grad_A

def grad(dL_dC, A, B):
    return dL_dC @ B if dL_dC.shape[0] != dL_dC.shape[1] else dL_dC @ B.T

print(check_lecture_grad_A(grad).message)
os.environ["COURSE_PROGRESS_FILE"] = "off"
from utils.checks import _running, check_grad_A
_running.TIME_LIMIT_SECONDS = 1.0

def grad_A(dL_dC, A, B):
    print("computing", A.shape, flush=True)
    while True:
        try:
            sum(range(10**9))
        except:
            pass

started = time.monotonic()
feedback = check_grad_A(grad_A)
print("answer:", feedback.mistake, round(time.monotonic() - started, 2), _running.ROUTE)
"""


def test_in_a_real_kernel_the_print_arrives_and_the_check_answers_within_its_limit():
    manager = pytest.importorskip("jupyter_client.manager")
    kernel, client = manager.start_new_kernel(kernel_name="python3")
    try:
        client.execute(KERNEL_CODE)
        out = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            message = client.get_iopub_msg(timeout=60)
            if message["msg_type"] == "stream":
                out += message["content"]["text"]
            if message["msg_type"] == "error":
                pytest.fail("\n".join(message["content"]["traceback"]))
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)
    assert "computing (3, 3)" in out, out
    assert "display: (1.0, None)" in out and "shown from the child" in out, out
    assert "You multiplied dL/dC (m, p) by B (n, p)" in out, out  # a cell's source is read
    *mistake, took, route = out.split("answer:")[1].split()
    assert mistake == ["timed", "out"] and route == "fork"
    assert float(took) < 1.0 + 1.0, out
