"""The course's own helpers that ARE an exercise: a learner's function that calls one is refused.

Each checker module declares, per exercise, what the learner's function must not call:

    LIBRARY = {"06-clip-by-norm": ("utils.rnn.clip_by_norm",), ...}

A name is a function ("utils.rnn.clip_by_norm"), a class (every method defined in it), a module
(every function defined in its file: "utils.jacobian") or a group: "autograd" (its
differentiation, autograd.core and autograd.differential_operators) and "utils.autodiff" (the
course's autodiff: reverse and forward mode and their rule tables). The reference solutions
(utils.solutions) are no notebook's import and the tests' model answers, so they are refused
only where an exercise names one (07).

While the learner's function runs (in the forked child, or in-process where fork is missing:
`watched` wraps the function itself, so both routes apply it), a profile hook (sys.setprofile,
and threading.setprofile for threads it starts) sees every Python function entered. Entering a
refused one counts when, walking out through numpy's, Python's and the course's code, the
learner's code (any file outside those: a notebook cell, a test) comes first, however it
reached the helper (an alias, a lambda, a method, an import inside the function, a reloaded
module, numpy's apply_along_axis, a thread, an answer whose __array__ calls it), or when the
refused function IS the answer (passed itself, or in functools.partial); not when refused code
calls itself (its insides), nor when the checker's own code calls it (07's loss is built by
utils.hessian, 05's rule checks run the autodiff). The hook raises `UsedTheLibrary` (a
BaseException, so `except Exception` does not swallow it) and remembers the name, so the
answer is refused even if the learner's code caught it; switching the hook off
(sys.setprofile) is refused too. Copying a helper's source text into the notebook is not
detected: that is copying the answer, which no check can tell from writing it.
"""

from __future__ import annotations

import functools
import importlib
import os
import site
import sys
import sysconfig
import threading
import types

import numpy as np

from . import _running
from ._answers import plain

_running._OWN_FILES.add(__file__)  # the alarm's tracer leaves this module's frames alone
GROUPS = {"autograd": ("autograd.core", "autograd.differential_operators"),
          "utils.autodiff": ("utils.autodiff", "utils.forward", "utils.vjps", "utils.jvps")}
_CHECKS = os.path.normcase(os.path.dirname(os.path.abspath(__file__))) + os.sep
SWITCHED = "sys.setprofile"  # the learner's code switched the hook off


class UsedTheLibrary(BaseException):
    """Raised where the learner's code entered a refused function; its message is the name."""


def declared(exercise: str) -> tuple:
    """Every name refused in `exercise`: the checker modules' LIBRARY entries."""
    if len(sys.modules) != _checkers[0]:  # read again only after an import
        _checkers[:] = len(sys.modules), tuple(
            module for name, module in list(sys.modules.items())
            if name.startswith("utils.checks.") and module is not None)
    return _declared(exercise, _checkers[1])


_checkers: list = [0, ()]  # (how many modules were loaded, the checker modules among them)


@functools.lru_cache(maxsize=256)
def _declared(exercise: str, checkers: tuple) -> tuple:
    names = []
    for module in checkers:
        names += getattr(module, "LIBRARY", {}).get(exercise, ())
    return tuple(dict.fromkeys(names))


class Refused:
    """The code a learner's function may not enter, resolved from names; name_of(code) says
    which (cached per code object)."""

    def __init__(self, names):
        self.functions: dict = {}  # (file, first line, name) -> shown name; a reloaded copy too
        self.files: dict = {}      # file -> module name: every function defined in it
        for name in names:
            for part in GROUPS.get(name, (name,)):
                self._add(part)
        self._seen: dict = {}

    def _add(self, name: str) -> None:
        try:
            module = importlib.import_module(name)
        except ImportError:
            module = None
        if module is not None:
            if getattr(module, "__file__", None) is None:
                raise TypeError(f"{name} has no file of Python code to watch")
            self.files[_path(module.__file__)] = name
            for attribute, value in vars(module).items():  # methods by class name (3.10 has
                if isinstance(value, type) and value.__module__ == name:  # no co_qualname)
                    self._add_code(f"{name}.{attribute}", value, module.__file__)
            return
        owner, _, attribute = name.rpartition(".")
        if not self._add_code(name, getattr(importlib.import_module(owner), attribute)):
            raise TypeError(f"{name} is not Python code (a function, a class with methods or "
                            f"a module): a call to it could not be seen")

    def _add_code(self, name: str, target, file: str | None = None) -> int:
        """Every function of target (itself, or a class's methods; only those written in
        `file` if given) under name; how many."""
        members = list(vars(target).values()) if isinstance(target, type) else [target]
        found = 0
        for member in members:
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            for function in ([member.fget, member.fset, member.fdel]
                             if isinstance(member, property) else [member]):
                code = getattr(function, "__code__", None)
                if isinstance(code, types.CodeType) and file in (None, code.co_filename):
                    shown = name if function is target else f"{name}.{function.__name__}"
                    self.functions[_key(code)] = shown
                    found += 1
        return found

    def name_of(self, code) -> str | None:
        shown = self._seen.get(code, False)
        if shown is False:
            shown = self._seen[code] = self._find(code)
        return shown

    def _find(self, code) -> str | None:
        shown = self.functions.get(_key(code))
        if shown is not None or code.co_name == "<module>":  # importing a module is no call
            return shown
        module = self.files.get(_path(code.co_filename))
        if module is None:
            return None
        return f"{module}.{getattr(code, 'co_qualname', code.co_name)}"


def _key(code) -> tuple:
    return _path(code.co_filename), code.co_firstlineno, code.co_name


def _path(file: str) -> str:
    return os.path.normcase(os.path.abspath(file))


def _by_learner(caller, table: Refused, root, trusted: bool) -> bool:
    """True if the learner's code made this call: walking out from the caller through numpy's,
    Python's and the course's code, the learner's code comes before the checker's own code or
    a refused function (whose insides these are). The root, the wrapper calling the function
    itself, counts as the learner's unless the function is the checker's own (trusted)."""
    while caller is not None:
        code = caller.f_code
        if code is root:
            return not trusted
        kind = _KINDS.get(code) or _KINDS.setdefault(code, _kind(code.co_filename))
        if kind == "checker" or table.name_of(code) is not None:
            return False
        if kind == "learner":
            return True
        caller = caller.f_back
    return True  # a thread the learner's code started


_KINDS: dict = {}  # code -> "checker", "learner" or "neutral" (numpy, Python, the course)
_NEUTRAL = tuple(_path(p) + os.sep for p in {
    os.path.dirname(_CHECKS.rstrip(os.sep)),  # utils/: the course
    os.path.dirname(os.path.dirname(np.__file__)),  # numpy's home (Debian: dist-packages)
    *site.getsitepackages(),
    *(sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib"))})


def _kind(file: str) -> str:
    if file.startswith("<"):
        return "neutral" if file.startswith("<frozen") else "learner"  # <string>: exec'd code
    file = _path(file)
    if file.startswith(_CHECKS):
        return "checker"
    return "neutral" if file.startswith(_NEUTRAL) else "learner"


@functools.lru_cache(maxsize=64)
def refused(names: tuple) -> Refused:
    return Refused(names)


def watched(exercise: str, function, trusted: bool = False):
    """function, wrapped to run under the hook that refuses what `exercise` declares; the
    wrapper returns the answer as plain data (an answer's own __array__ runs watched too) or
    raises UsedTheLibrary. trusted: the function is the checker's own (05's graph run), so only
    what the learner's code inside it calls counts."""
    table = refused(declared(exercise))

    def run(*args):
        used, home = [], threading.get_ident()

        def hook(frame, event, arg):
            if event != "call":
                return
            shown = table.name_of(frame.f_code)
            if shown is None:
                return
            if not _by_learner(frame.f_back, table, run.__code__, trusted):
                return
            used.append(shown)
            if threading.get_ident() == home:  # a thread it started just records it: no
                raise UsedTheLibrary(shown)     # traceback from the thread in the notebook

        previous = sys.getprofile(), threading.getprofile()
        sys.setprofile(hook)
        threading.setprofile(hook)
        try:
            value = plain(function(*args))
        except BaseException:
            if used:
                raise UsedTheLibrary(used[0]) from None
            raise
        finally:
            switched = sys.getprofile() is not hook
            sys.setprofile(previous[0])
            threading.setprofile(previous[1])
        if used or switched:
            raise UsedTheLibrary(used[0] if used else SWITCHED)
        return value

    return run


def refusal(exercise: str, shown: str) -> str:
    """What the learner is told: the helper by name, why it is refused, what to do instead."""
    if shown == SWITCHED:
        return ("your function switched off sys.setprofile, which the check uses to see "
                "whether it calls the course's own helpers (they are off limits here). Leave "
                "the profiler alone.")
    module = next((shown[:i] for i in range(len(shown), 0, -1)
                   if shown[i:i + 1] in ("", ".") and shown[:i] in sys.modules), shown)
    short = shown[len(module):].lstrip(".") or shown
    short = short.removesuffix(".__init__").removesuffix(".__call__")  # Dense(...), layer(x)
    if module == "utils.solutions":
        return (f"your function called the course's reference solution ({short} in "
                f"utils.solutions), so the check cannot see your own work. Write the function "
                f"yourself; solution(\"{exercise}\") prints the reference if you are stuck.")
    if module.startswith("utils."):
        return (f"your function called the course's {short} (from {module}), which does the "
                f"very work this exercise asks you to write, so the check cannot tell what your "
                f"own code does. Write it yourself: the course's {short} is there to "
                f"compare your answer with afterwards, not to call.")
    return (f"your function called {module.split('.')[0]}'s {short}, which differentiates for "
            f"you: this exercise asks you to derive the result and write it yourself. Use "
            f"{module.split('.')[0]} afterwards, outside your function, to check your answer.")
