"""Running a learner's function so that nothing it does can stop the check or fool it.

Where the platform can fork (Linux, macOS, Colab, a Jupyter kernel on them), the function runs
in a child process: it sees the arguments without any copying or pickling (the child shares the
parent's memory until it writes), so whatever it changes (its inputs, numpy's functions, the
interpreter's state) dies with the child. Its print() output comes back through a pipe as it is
written (a forked child must not touch ipykernel's streams: their IO thread is not there), then
its answer, reduced to plain data (`plain`), pickled. The parent waits until the check's deadline
and kills it. Elsewhere the function runs in this process (`_running.call_with_limit`) with
numpy's, os's and the builtins' attributes put back afterwards.
"""

from __future__ import annotations

import builtins
import faulthandler
import gc
import io
import math
import numbers
import os
import pickle
import selectors
import signal
import struct
import sys
import time
import warnings
from dataclasses import dataclass

try:
    import resource
except ImportError:  # Windows
    resource = None

import numpy as np

from . import _running
from ._running import TimedOut

OUTPUT_CAP = 200_000  # characters of print() output shown per call; the rest is counted
RESULT_CAP = 64 << 20  # bytes an answer may take, pickled
MEMORY_BUDGET = 2 << 30  # bytes a child may add to what the kernel already uses (Linux)


@dataclass(frozen=True)
class Raised:
    """What the learner's function raised, as text (its class may not exist in the parent)."""

    kind: str
    message: str
    note: str | None = None  # e.g. the shapes at a failing product, in the exercise's letters


@dataclass(frozen=True)
class Foreign:
    """An answer that is not plain data, e.g. a generator or an object numpy cannot read."""

    kind: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    value: object = None
    raised: Raised | None = None
    ended: str | None = None  # how the process running the function ended without answering
    observed: object = None  # what the observer collected where the function ran


_running._OWN_FILES.add(__file__)  # the alarm's tracer leaves this module's frames alone
TRUSTED = set()  # the course's own classes an answer may hold (e.g. counting numbers)


def plain(value, depth: int = 0):
    """The answer as data the checker can read without running any of the learner's code."""
    kind = type(value)
    if kind in (bool, int, float, complex, str, type(None), type(Ellipsis)) or kind in TRUSTED:
        return value
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        return value
    if kind in (list, tuple):
        if depth > 8:
            return Foreign(kind.__name__, "it is nested more than 8 levels deep")
        return kind(plain(v, depth + 1) for v in value)
    if isinstance(value, np.ndarray):  # a subclass loses its own methods (a lying __eq__)
        if value.nbytes > RESULT_CAP:
            return Foreign(kind.__name__, f"it takes {value.nbytes / 2**20:.0f} MiB, more than "
                                          f"the {RESULT_CAP >> 20} MiB an answer may")
        array = np.ndarray.view(value, np.ndarray).copy()
        if array.dtype != object:
            return array
        cells = [plain(v, depth + 1) for v in array.flat]
        out = np.empty(len(cells), dtype=object)
        out[:] = cells
        return out.reshape(array.shape)
    try:
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        array = np.asarray(value)
    except Exception as error:  # noqa: BLE001 (its own __array__ may raise anything)
        return Foreign(kind.__name__, f"{type(error).__name__}: {error}")
    if array.dtype == object:
        return Foreign(kind.__name__, "numpy reads it as one opaque object, not as numbers")
    return np.ndarray.view(array, np.ndarray).copy()


def find_foreign(value) -> Foreign | None:
    if isinstance(value, Foreign):
        return value
    if isinstance(value, (list, tuple)):
        return next((f for f in map(find_foreign, value) if f is not None), None)
    return None


def run_isolated(function, args, observer=None, describe=None) -> Outcome:
    """function(*args) where it cannot harm the check; TimedOut at the check's deadline.

    `observer` (optional) has start() and collect(), called where the function runs, and what
    collect() returns comes back as Outcome.observed. `describe(error, traceback, args)`
    adds a note to what the function raised, computed where it raised.
    """
    left, whole = _running.seconds_left()
    if left <= 0:
        raise TimedOut(whole, stopped=True)
    if _running.ROUTE == "fork":
        return _in_child(function, args, observer, describe, left, whole)
    return _in_process(function, args, observer, describe)


def _call(function, args, observer, describe) -> Outcome:
    """The call itself, wherever it runs: everything the learner's code does becomes data."""
    if observer is not None:
        observer.start()
    try:
        outcome = Outcome(value=plain(function(*args)))
    except _Refused as refused:
        outcome = Outcome(ended=str(refused))
    except BaseException as error:  # SystemExit, KeyboardInterrupt, TimedOut: all feedback
        if isinstance(error, TimedOut):
            raise
        note = describe(error, error.__traceback__, args) if describe is not None else None
        outcome = Outcome(raised=Raised(type(error).__name__, _text(error), note))
    if observer is not None:
        outcome = Outcome(outcome.value, outcome.raised, outcome.ended, observer.collect())
    return outcome


def _text(error: BaseException) -> str:
    text = str(error)
    return text if len(text) <= 2000 else text[:2000] + " …"


# --- the child route --------------------------------------------------------------------------

_HEADER = struct.Struct("<cQ")  # kind (o: stdout, e: stderr, r: result), length


def _send(fd: int, kind: bytes, data: bytes) -> None:
    view = memoryview(_HEADER.pack(kind, len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


class _PipeStream(io.TextIOBase):
    """sys.stdout in the child: sends what is printed to the parent, up to OUTPUT_CAP."""

    def __init__(self, fd: int, kind: bytes):
        self.fd, self.kind, self.buffered, self.sent, self.dropped = fd, kind, [], 0, 0

    encoding = "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = OUTPUT_CAP - self.sent
        self.buffered.append(text[:max(room, 0)])
        self.sent += min(len(text), max(room, 0))
        self.dropped += len(text) - min(len(text), max(room, 0))
        if "\n" in text or sum(map(len, self.buffered)) > 8192:
            self.flush()
        return len(text)

    def flush(self) -> None:
        data, self.buffered = "".join(self.buffered), []
        if data:
            _send(self.fd, self.kind, data.encode("utf-8", "replace"))

    def close_note(self) -> None:
        if self.dropped:
            self.buffered.append(f"\n… {self.dropped:,} more characters not shown\n")
        self.flush()


def _in_child(function, args, observer, describe, left: float, whole: float) -> Outcome:
    budget = _memory_budget()
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():  # Python 3.12+ warns about fork in a threaded process
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: whatever happens, it ends here with os._exit
        try:
            os.close(read_fd)
            _child(function, args, observer, describe, write_fd, budget)
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        return _collect(read_fd, pid, time.monotonic() + left, whole)
    finally:
        os.close(read_fd)
        _end(pid)


def _child(function, args, observer, describe, write_fd: int, budget) -> None:
    gc.disable()  # no collection of the kernel's garbage (its __del__ methods) in here
    faulthandler.disable()  # a crash here is the learner's, told as feedback, not a dump
    signal.signal(signal.SIGINT, signal.default_int_handler)
    streams = _PipeStream(write_fd, b"o"), _PipeStream(write_fd, b"e")
    sys.stdout, sys.stderr = streams
    if budget is not None:  # a 50 GiB np.ones is a MemoryError here, not the OOM killer
        resource.setrlimit(resource.RLIMIT_AS, (budget, budget))
    try:
        outcome = _call(function, args, observer, describe)
        payload = pickle.dumps(outcome, protocol=4)
    except BaseException as error:  # an answer that will not pickle, a failing observer
        payload = pickle.dumps(Outcome(value=Foreign(
            "answer", f"it could not be sent back ({type(error).__name__}: {_text(error)})")))
    if len(payload) > RESULT_CAP:
        payload = pickle.dumps(Outcome(value=Foreign(
            "answer", f"it takes {len(payload) / 2**20:.0f} MiB, more than the "
                      f"{RESULT_CAP >> 20} MiB an answer may")))
    for stream in streams:
        stream.close_note()
    _send(write_fd, b"r", payload)


def _collect(fd: int, pid: int, deadline: float, whole: float) -> Outcome:
    data, result = b"", None
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while result is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimedOut(whole, stopped=True)
            if not selector.select(left):
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:  # every writer gone without an answer: the child ended
                break
            data += chunk
            while len(data) >= _HEADER.size:
                kind, size = _HEADER.unpack_from(data)
                if len(data) < _HEADER.size + size:
                    break
                body, data = data[_HEADER.size:_HEADER.size + size], data[_HEADER.size + size:]
                if kind == b"r":
                    result = _Unpickler(io.BytesIO(body)).load()
                else:
                    (sys.stdout if kind == b"o" else sys.stderr).write(body.decode("utf-8"))
    if result is not None:
        return result
    return Outcome(ended=_how_it_ended(pid, deadline, whole))


def _how_it_ended(pid: int, deadline: float, whole: float) -> str:
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:  # closed its pipe but kept running
            raise TimedOut(whole, stopped=True)
        time.sleep(0.002)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        name = signal.Signals(-code).name
        return (f"the process running it was killed by {name}" + (
            " (a crash in compiled code)" if name in ("SIGSEGV", "SIGBUS", "SIGABRT") else ""))
    return f"it ended the process running it with exit code {code} (os._exit or similar)"


_ending: list = []  # children killed but not yet reaped: their exit is not waited for


def _end(pid: int) -> None:
    """Kill the child if it still runs; reap it, and earlier ones, without waiting."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _ending.append(pid)
    for child in list(_ending):
        try:
            done, _ = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:  # already reaped by _how_it_ended
            done = child
        if done:
            _ending.remove(child)


class _Unpickler(pickle.Unpickler):
    """Reads back only numpy arrays, scalars and the classes of this package."""

    def find_class(self, module: str, name: str):
        if module.split(".")[0] == "numpy" and name in (
                "_reconstruct", "scalar", "ndarray", "dtype", "_frombuffer") \
                or module.startswith(("numpy.dtypes",)) \
                or module == "builtins" and name in ("complex", "slice", "Ellipsis") \
                or module.startswith("utils.checks."):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an answer")


def _memory_budget() -> int | None:
    """The address space a child may use: what the kernel maps now plus MEMORY_BUDGET."""
    if resource is None:
        return None
    try:
        with open("/proc/self/status") as status:
            used = next(int(line.split()[1]) * 1024 for line in status
                        if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        return None  # macOS has no /proc (and ignores RLIMIT_AS): no budget there
    return used + MEMORY_BUDGET


# --- the in-process route ---------------------------------------------------------------------

_GUARDED = (np, np.linalg, np.testing, np.random, builtins, math, os, sys, signal)


def _guarded() -> list:
    """The modules whose attributes a learner's code could replace to fool a check: numpy's,
    the interpreter's and the course's own (the checkers, the reference solutions)."""
    course = [module for name, module in list(sys.modules.items())
              if name.split(".")[0] == "utils" and module is not None]
    return [*_GUARDED, *course]


class _Refused(BaseException):
    """os._exit, os.abort or a kill of this process, asked for by the learner's code."""


def _refuse(*args, **kwargs):
    raise _Refused("it tried to end the Python process (os._exit, os.abort or os.kill)")


def _refuse_signal(*args, **kwargs):
    raise RuntimeError("a checked function may not change signal handlers or timers")


def _in_process(function, args, observer, describe) -> Outcome:
    saved = [(module, dict(vars(module))) for module in _guarded()]
    kill = os.kill
    os._exit = os.abort = _refuse
    os.kill = lambda pid, sig: _refuse() if pid in (0, os.getpid()) else kill(pid, sig)
    # the alarm that stops the function is ours: it may not be cancelled or ignored
    signal.signal = signal.setitimer = signal.alarm = signal.pthread_sigmask = _refuse_signal
    capped = _Capped(sys.stdout), _Capped(sys.stderr)
    sys.stdout, sys.stderr = capped
    copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    try:
        outcome = _running.call_with_limit(_call, function, copies, observer, describe)
    finally:
        for stream in capped:
            stream.close_note()
        for module, attributes in saved:
            current = vars(module)
            for name in [n for n in current if n not in attributes]:
                if not isinstance(current[name], type(os)):  # a submodule numpy imported
                    delattr(module, name)
            for name, value in attributes.items():
                if current.get(name) is not value:
                    setattr(module, name, value)
    return outcome


class _Capped(io.TextIOBase):
    """The notebook's stream, passing on the first OUTPUT_CAP characters of a call."""

    def __init__(self, stream):
        self.stream, self.left = stream, OUTPUT_CAP

    def write(self, text: str) -> int:
        text = str(text)
        if self.left > 0:
            self.stream.write(text[:self.left])
        self.left -= len(text)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def close_note(self) -> None:
        if self.left < 0:
            self.stream.write(f"\n… {-self.left:,} more characters not shown\n")
