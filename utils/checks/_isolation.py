"""Running a learner's function so that nothing it does can stop the check or fool it.

Where the platform can fork (Linux, macOS, Colab, a Jupyter kernel on them), the function runs
in a child process: it sees the arguments without any copying or pickling (the child shares the
parent's memory until it writes), so whatever it changes (its inputs, numpy's functions, the
interpreter's state) dies with the child. Its print() output comes back through a pipe as it is
written (a forked child must not touch ipykernel's streams: their IO thread is not there), then
its answer, reduced to plain data (`_answers.plain`), pickled. The parent waits until the check's
deadline and kills it (and its process group). Elsewhere: `_in_process`.
"""

from __future__ import annotations

import builtins
import faulthandler
import gc
import io
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


from . import _running
from ._answers import RESULT_CAP, Foreign, plain
from ._in_process import OUTPUT_CAP, Refused, run_here
from ._running import TimedOut

MEMORY_BUDGET = 2 << 30  # bytes a child may add to what the kernel already uses (Linux)


@dataclass(frozen=True)
class Raised:
    """What the learner's function raised, as text (its class may not exist in the parent)."""

    kind: str
    message: str
    note: str | None = None  # e.g. the shapes at a failing product, in the exercise's letters


@dataclass(frozen=True)
class Outcome:
    value: object = None
    raised: Raised | None = None
    ended: str | None = None  # how the process running the function ended without answering
    observed: object = None  # what the observer collected where the function ran


_running._OWN_FILES.add(__file__)  # the alarm's tracer leaves this module's frames alone
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
    return run_here(_call, function, args, observer, describe)


def _call(function, args, observer, describe) -> Outcome:
    """The call itself, wherever it runs: everything the learner's code does becomes data."""
    if observer is not None:
        observer.start()
    try:
        outcome = Outcome(value=plain(function(*args)))
    except Refused as refused:
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
    if pid != 0:
        try:  # also here, so that the group exists before anything is killed
            os.setpgid(pid, pid)
        except OSError:  # it has already set it, or already ended
            pass
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
    os.setpgid(0, 0)  # its own process group: a process it starts is killed with it
    gc.disable()  # no collection of the kernel's garbage (its __del__ methods) in here
    faulthandler.disable()  # a crash here is the learner's, told as feedback, not a dump
    signal.signal(signal.SIGINT, signal.default_int_handler)
    streams = _PipeStream(write_fd, b"o"), _PipeStream(write_fd, b"e")
    sys.stdout, sys.stderr = streams
    _leave_the_kernel_alone()
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


def _leave_the_kernel_alone() -> None:
    """The kernel's sockets are copies in here: display(), widgets and input() would write to
    them under the kernel's feet. What they would show goes to the child's stdout instead."""
    builtins.input = _no_input
    kernelbase = sys.modules.get("ipykernel.kernelbase")
    if kernelbase is not None and kernelbase.Kernel.initialized():
        kernelbase.Kernel.instance().session.send = _shown_as_text


def _no_input(prompt=""):
    raise RuntimeError("input() cannot be answered while a check runs your function")


def _shown_as_text(stream, message, *args, **kwargs):
    content = message.get("content", {}) if isinstance(message, dict) else {}
    text = content.get("data", {}).get("text/plain") if isinstance(content, dict) else None
    if text:
        print(text)


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
    """Kill the child and what it started; reap it, and earlier ones, without waiting."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
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
                or module == "types" and name == "SimpleNamespace" \
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

