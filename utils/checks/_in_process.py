"""The in-process route, where fork is missing (Windows) or ROUTE = "in-process": the learner's
function runs in the kernel's own process under `_running.call_with_limit`, with its print()
output capped, os._exit, os.abort, a kill of itself and changes to signal handlers refused, and
every attribute of numpy, the interpreter's modules and the course's own modules put back
afterwards, so the comparison that follows uses nothing the learner's code replaced."""

from __future__ import annotations

import builtins
import io
import math
import os
import signal
import sys

import numpy as np

from . import _running

OUTPUT_CAP = 200_000  # characters of print() output shown per call; the rest is counted
_running._OWN_FILES.add(__file__)  # the alarm's tracer leaves this module's frames alone


_GUARDED = (np, np.linalg, np.testing, np.random, builtins, math, os, sys, signal)


def _guarded() -> list:
    """The modules whose attributes a learner's code could replace to fool a check: numpy's,
    the interpreter's and the course's own (the checkers, the reference solutions)."""
    course = [module for name, module in list(sys.modules.items())
              if name.split(".")[0] == "utils" and module is not None]
    return [*_GUARDED, *course]


class Refused(BaseException):
    """os._exit, os.abort or a kill of this process, asked for by the learner's code."""


def _refuse(*args, **kwargs):
    raise Refused("it tried to end the Python process (os._exit, os.abort or os.kill)")


def _refuse_signal(*args, **kwargs):
    raise RuntimeError("a checked function may not change signal handlers or timers")


def run_here(call, function, args, observer, describe):
    """call(function, copies of args, observer, describe), under the limit, then put back."""
    saved = [(module, dict(vars(module))) for module in _guarded()]
    numpy_state = np.geterr(), np.get_printoptions()
    kill = os.kill
    os._exit = os.abort = _refuse
    os.kill = lambda pid, sig: _refuse() if pid in (0, os.getpid()) else kill(pid, sig)
    # the alarm that stops the function is ours: it may not be cancelled or ignored
    signal.signal = signal.setitimer = signal.alarm = signal.pthread_sigmask = _refuse_signal
    capped = _Capped(sys.stdout), _Capped(sys.stderr)
    sys.stdout, sys.stderr = capped
    copies = [np.copy(a) if isinstance(a, np.ndarray) else a for a in args]
    try:
        outcome = _running.call_with_limit(call, function, copies, observer, describe)
    finally:
        np.seterr(**numpy_state[0])
        np.set_printoptions(**numpy_state[1])
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
