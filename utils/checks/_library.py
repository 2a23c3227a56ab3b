"""Refusing the course's own library function as the answer to the exercise that asks for it.

06 imports `clip_by_norm` from utils.rnn to show it; handing that very function (or a function
that only calls it) to check_clip_by_norm would pass without the learner writing anything. A
checker names the library functions that compute its answer; `library_used` says whether the
learner's function is one of them, or calls one.

How it looks, without running anything: the function itself (through functools.partial,
__wrapped__ and bound methods), a function built on a library function's code object, and every
name the learner's code refers to (in the function and any function nested in it), resolved as
Python would resolve it: its globals, its closure cells and defaults, and one attribute deep for
modules and objects (`rnn.clip_by_norm`, `utils.rnn.clip_by_norm` via the attribute names the
code uses). The learner's own helper functions are followed the same way, so a wrapper of a
wrapper is found too. numpy and everything else stay allowed: only the named functions count.
"""

from __future__ import annotations

import functools
import inspect
import types

from .. import chain, costs, jacobian, linear_maps, matmul, rnn, routes
from ._feedback import FAIL, Feedback

# exercise -> the course's functions that compute its answer (or, for numerical_jacobian, any
# Jacobian). 07-network-hvp refuses utils.hessian its own way, on the call stack (second_order);
# 05's checkers belong to another lesson and are not listed here.
_JACOBIANS = (jacobian.numerical_jacobian,)
_MATMUL_VJPS = (matmul.matmul_vjp, matmul.chain_rule_via_tensor, routes.vjp_route,
                routes.tensor_route, linear_maps.kron_route_vjp)
ANSWERED_BY = {
    "01-jacobian-shape": _JACOBIANS,
    "01-softmax-jacobian": _JACOBIANS,
    "01-central-difference": _JACOBIANS,
    "02-chain-jacobian": (chain.multiply_chain,),
    "02-chain-vjp": (chain.multiply_chain,),
    "03-dC-dA": (matmul.matmul_jacobian, *_JACOBIANS),
    "03-dC-dB": (matmul.matmul_jacobian, *_JACOBIANS),
    "03-tensor-bytes": (costs.matmul_costs,),
    "03-batch-jacobian": (matmul.matmul_jacobian, *_JACOBIANS),
    "04-grad-A": _MATMUL_VJPS,
    "04-grad-B": _MATMUL_VJPS,
    "04-lecture-grad-A": _MATMUL_VJPS,
    "04-challenge-ABAT": _MATMUL_VJPS,
    "04-chain-rule": (matmul.chain_rule_via_tensor, routes.tensor_route),
    "04a-inverse-differential": (linear_maps.directional_difference,),
    "04a-trace-trick": _MATMUL_VJPS,
    "04a-inverse-vjp": _JACOBIANS,
    "04a-kron-jacobian": (linear_maps.matmul_kron, matmul.matmul_jacobian, *_JACOBIANS),
    "06-jacobian-through-time": (rnn.jacobian_through_time, rnn.unrolled_map, *_JACOBIANS),
    "06-clip-by-norm": (rnn.clip_by_norm,),
}

_DEPTH = 6  # helpers calling helpers: far enough for any notebook cell


def _unwrap(function):
    """The plain function behind partials, decorators (__wrapped__) and bound methods."""
    for _ in range(10):
        if isinstance(function, functools.partial):
            function = function.func
        elif isinstance(function, types.MethodType):
            function = function.__func__
        elif getattr(function, "__wrapped__", None) is not None:
            function = function.__wrapped__
        else:
            break
    return function


def _codes(code: types.CodeType):
    """A code object and every code object nested in it (inner functions, lambdas)."""
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _referenced(function) -> list:
    """Every object the function's code can reach by one name, or by one attribute of it."""
    code = getattr(function, "__code__", None)
    if not isinstance(code, types.CodeType):
        return []
    codes = list(_codes(code))
    names = {name for c in codes
             for name in c.co_names + c.co_varnames + c.co_freevars + c.co_cellvars}
    scope = dict(getattr(function, "__globals__", {}) or {})
    cells = getattr(function, "__closure__", None) or ()
    for name, cell in zip(code.co_freevars, cells, strict=False):
        try:
            scope[name] = cell.cell_contents
        except ValueError:  # an empty cell: nothing there yet
            continue
    reached = [scope[name] for name in names if name in scope]
    reached += list(getattr(function, "__defaults__", None) or ())
    reached += list((getattr(function, "__kwdefaults__", None) or {}).values())
    found, frontier = list(reached), reached
    for _ in range(3):  # utils.rnn.clip_by_norm: a package, its module, the function
        frontier = [attribute for value in frontier
                    if inspect.ismodule(value) or inspect.isclass(value) or not callable(value)
                    for attribute in _attributes(value, names)]
        found += frontier
    return found


def _attributes(value, names) -> list:
    """The attributes of value named in names, found without running any code of value's."""
    attributes = []
    for name in names:
        try:
            attributes.append(inspect.getattr_static(value, name))
        except AttributeError:
            continue
    return attributes


def library_used(function, library) -> object | None:
    """The first function of `library` that `function` is, is built on, or refers to; else None."""
    wanted = {id(_unwrap(f)): f for f in library}
    codes = {id(getattr(_unwrap(f), "__code__", None)): f for f in library}
    seen: set[int] = set()
    todo = [(_unwrap(function), 0)]
    while todo:
        current, depth = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if id(current) in wanted:
            return wanted[id(current)]
        code = getattr(current, "__code__", None)
        if code is not None and id(code) in codes:
            return codes[id(code)]
        if depth >= _DEPTH or not inspect.isfunction(current):
            continue
        # the learner's own functions are followed; numpy's and the library's are not opened
        for value in _referenced(current):
            value = _unwrap(value)
            if id(value) in wanted or id(getattr(value, "__code__", None)) in codes:
                return wanted.get(id(value)) or codes[id(value.__code__)]
            if inspect.isfunction(value) and not _is_course_or_library(value):
                todo.append((value, depth + 1))
    return None


def _is_course_or_library(function) -> bool:
    module = getattr(function, "__module__", "") or ""
    return module.split(".")[0] in {"utils", "numpy", "autograd", "scipy"}


def library_refused(exercise: str, function, library=()) -> Feedback | None:
    """Feedback refusing a learner's function that is, or calls, the course's own answer."""
    library = tuple(library) + ANSWERED_BY.get(exercise, ())
    if not library:
        return None
    used = library_used(function, library)
    if used is None:
        return None
    name = getattr(used, "__name__", "that function")
    module = getattr(used, "__module__", "utils")
    return Feedback(False, f"{FAIL} {exercise}: that is the course's own {name} (from "
                           f"{module}), or a function that calls it; the exercise is to write "
                           f"it. Compute the answer yourself with numpy; the checker compares it "
                           f"with that function.", "library function")
