"""What every autodiff mode shares: boxes that carry a value through a trace, and primitives.

A Box wraps a value (an array, or a Box of an outer trace) for one trace, identified by its level.
Calling a Primitive on boxes unwraps the innermost trace's boxes (the highest level), computes
the primitive on what they hold, which may record it in outer traces, and lets the box type
wrap the answer: reverse mode (autodiff.Node) records the call, forward mode (forward.Dual)
pushes a tangent through it. Derivative rules are written with primitives too, so a rule run
inside an outer trace is itself traced: that is what makes Hessian-vector products possible.
Rules belong to the primitive object (its .vjps and .jvps), never to its name.
"""

from __future__ import annotations

import inspect
import itertools

import numpy as np

from .validation import describe

_levels = itertools.count(1)


def new_level() -> int:
    """A fresh trace level, higher than every earlier one: inner traces unwrap first."""
    return next(_levels)


class Box:
    """A value carried through one trace; the subclasses say what the trace records."""

    __array_ufunc__ = None  # so `ndarray @ box` and `ndarray * box` call the box's __r*__ methods

    def __init__(self, value, level: int):
        self.value, self.level = value, level

    shape = property(lambda self: shape_of(self.value))
    ndim = property(lambda self: len(self.shape))

    @classmethod
    def lift(cls, primitive, ans, args, values, kwargs, level):
        raise NotImplementedError  # each mode says what it keeps of a primitive's call


def primal(x):
    """The plain numpy value inside any number of boxes (used for masks, never differentiated)."""
    while isinstance(x, Box):
        x = x.value
    return x


def shape_of(x) -> tuple:
    return primal(x).shape if isinstance(x, Box) else np.shape(x)


class Primitive:
    """A numpy function that records itself in every trace one of its arguments belongs to."""

    def __init__(self, name: str, forward, keywords: tuple = ()):
        self.name, self.forward = name, forward
        self.keywords = tuple(keywords)     # keyword arguments its rules understand too
        self.vjps, self.jvps = {}, {}       # argnum -> rule: this object's own rules

    def __call__(self, *args, **kwargs):
        unknown = sorted(set(kwargs) - set(self.keywords))
        if unknown:
            allowed = ", ".join(self.keywords) or "none"
            raise TypeError(f"primitive {self.name!r} does not support the keyword argument(s) "
                            f"{', '.join(unknown)}; the ones it supports: {allowed}")
        for i, a in enumerate(args):
            if a is None or (not isinstance(a, Box) and np.iscomplexobj(a)):
                raise TypeError(f"primitive {self.name!r}: {self._argument(i)} must be a real "
                                f"array or number; got {'None' if a is None else describe(a)}")
        boxes = [a for a in args if isinstance(a, Box)]
        if not boxes:
            try:
                return self.forward(*args, **kwargs)   # nothing to differentiate: plain numpy
            except (TypeError, ValueError) as error:   # numpy's words name no operand: add them
                given = "; ".join(f"{self._argument(i)}: {describe(a)}"
                                  for i, a in enumerate(args))
                kind = ValueError if isinstance(error, ValueError) else TypeError
                raise kind(f"primitive {self.name!r} cannot take {given}. {error}") from None
        top = max(boxes, key=lambda b: b.level)
        values = [a.value if isinstance(a, Box) and a.level == top.level else a for a in args]
        ans = self(*values, **kwargs)              # outer traces (lower levels) record this
        return type(top).lift(self, ans, args, values, kwargs, top.level)

    def _argument(self, i: int) -> str:
        """'argument 1 (shape)': the position, and the forward function's name for it if known."""
        try:
            names = [p for p in inspect.signature(self.forward).parameters]
        except (TypeError, ValueError):  # a numpy ufunc may not say
            names = []
        return f"argument {i}" + (f" ({names[i]})" if i < len(names) else "")

    def rule(self, kind: str, argnum: int):
        rules = self.vjps if kind == "VJP" else self.jvps
        try:
            return rules[argnum]
        except KeyError:
            register = "defvjp" if kind == "VJP" else "defjvp"
            raise NotImplementedError(
                f"primitive {self.name!r} has no {kind} rule for argument {argnum}: register one "
                f"with {register}({self.name}, {argnum}, lambda g, ans, *args: ...)") from None

    def vjp_rule(self, argnum: int):
        return self.rule("VJP", argnum)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def _check_registration(primitive, argnum, rule, what: str) -> None:
    if not isinstance(primitive, Primitive):
        raise TypeError(f"primitive must be a Primitive (ad.Primitive(name, forward)); got "
                        f"{describe(primitive)}")
    if isinstance(argnum, bool) or not isinstance(argnum, (int, np.integer)) or argnum < 0:
        raise TypeError(f"argnum must be the position (0, 1, ...) of the argument the rule is "
                        f"for; got {argnum!r:.40}")
    if not callable(rule):
        raise TypeError(f"rule must be a function {what}; got {describe(rule)}")


def defvjp(primitive: Primitive, argnum: int, rule) -> None:
    """Register rule(g, ans, *args) -> dL/d(args[argnum]) as the VJP of this primitive object."""
    _check_registration(primitive, argnum, rule, "(g, ans, *args) -> dL/d(argument)")
    primitive.vjps[int(argnum)] = rule


def defjvp(primitive: Primitive, argnum: int, rule) -> None:
    """Register rule(t, ans, *args) -> d(output) for a tangent t of args[argnum] (its JVP)."""
    _check_registration(primitive, argnum, rule, "(t, ans, *args) -> d(output)")
    primitive.jvps[int(argnum)] = rule


def check_rule_shape(primitive, kind: str, argnum: int, result, shape: tuple) -> None:
    """A rule must return a result shaped like what it stands for: never broadcast it silently."""
    if shape_of(result) != tuple(shape):
        what = ("that argument", "dL/d(argument)") if kind == "VJP" else ("the output",
                                                                          "d(output)")
        raise ValueError(f"the {kind} rule of primitive {primitive.name!r} for argument {argnum} "
                         f"returned shape {shape_of(result)}, but {what[0]} has shape "
                         f"{tuple(shape)}; a rule must return {what[1]} shaped like it")
