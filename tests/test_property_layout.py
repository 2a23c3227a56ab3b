"""Layout never changes a result: a property of every public math function, found by introspection.

For each array argument of each function in tests/public_api.py, the same values are passed in
another layout or dtype: Fortran order, a transposed view, negative strides, a strided slice of
a bigger array, a read-only array, integers, float32. The answer must equal (to rounding) the
answer for a C-contiguous float64 copy of those values, or the call must refuse with a clear
TypeError/ValueError naming the argument. Everything a call changes in place (a model, a layer)
is part of its answer. A public function that is neither driven by a case nor listed in
NOT_DRIVEN with a reason fails test_every_public_function_is_driven_or_listed.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from public_api import CASES
from public_names import ARRAY_KINDS, DTYPE_DEPENDENT, MEASUREMENTS, NOT_DRIVEN, public_names

from utils import layers


def _reversed_view(x):
    flip = (slice(None, None, -1),) * x.ndim
    return np.ascontiguousarray(x[flip])[flip]  # same values, every stride negative


def _strided_view(x):
    bigger = np.zeros(tuple(2 * n for n in x.shape) + (2,), x.dtype)
    view = bigger[(slice(None, None, 2),) * x.ndim + (0,)]
    view[...] = x
    return view  # same values, every stride a gap


def _read_only(x):
    x = x.copy()
    x.flags.writeable = False
    return x


# name -> (values as this layout holds them, the layout itself); the reference for comparison is
# always a C-contiguous float64 copy of the values the layout holds.
LAYOUTS = {
    "Fortran order": (lambda x: x, np.asfortranarray),
    "transposed view": (lambda x: x, lambda x: np.ascontiguousarray(x.T).T),
    "negative strides": (lambda x: x, _reversed_view),
    "strided slice": (lambda x: x, _strided_view),
    "read-only": (lambda x: x, _read_only),
    "int64": (lambda x: np.round(4 * x) if x.dtype.kind == "f" else x,
              lambda x: x.astype(np.int64)),
    "float32": (lambda x: x.astype(np.float32).astype(np.float64) if x.dtype.kind == "f" else x,
                lambda x: x.astype(np.float32)),
}
TOLERANCE = {"float32": 2e-3}  # float32 rounds at 1e-7, finite differences in it at ~1e-4


def _map_arrays(value, function):
    """function applied to an array, or to each array of a list of arrays (a chain)."""
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], np.ndarray):
        return type(value)(function(v) for v in value)
    return function(np.asarray(value))


def canonical(value):
    """A result as nested lists and dicts of float64 arrays, strings and numbers."""
    if isinstance(value, np.ndarray) or isinstance(value, (float, int, np.number)):
        array = np.asarray(value)
        return array.astype(np.float64) if array.dtype.kind in "iuf" else array
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {k: canonical(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, layers.Layer):
        return {"params": canonical(value.params), "grads": canonical(value.grads),
                **({"layers": canonical(value.layers)} if hasattr(value, "layers") else {})}
    if isinstance(value, (str, bool, type(None))):
        return value
    return f"<{type(value).__name__}>"  # functions, generators: compared by kind only


def assert_same(got, expected, tolerance, where="result"):
    assert type(got) is type(expected), f"{where}: {type(got)} != {type(expected)}"
    if isinstance(expected, dict):
        assert got.keys() == expected.keys(), where
        for key in expected:
            assert_same(got[key], expected[key], tolerance, f"{where}[{key!r}]")
    elif isinstance(expected, list):
        assert len(got) == len(expected), where
        for k, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_same(g, e, tolerance, f"{where}[{k}]")
    elif isinstance(expected, np.ndarray):
        assert got.shape == expected.shape, f"{where}: shape {got.shape} != {expected.shape}"
        if expected.dtype.kind == "f":
            scale = np.abs(expected[np.isfinite(expected)]).max(initial=0.0)
            assert np.allclose(got, expected, rtol=tolerance, atol=tolerance * scale,
                               equal_nan=True), (
                f"{where}: largest difference {np.nanmax(np.abs(got - expected)):.3g} "
                f"(scale {scale:.3g})\n got {got}\n expected {expected}")
        else:
            assert np.array_equal(got, expected), where
    else:
        assert got == expected, f"{where}: {got!r} != {expected!r}"


def run(case, kwargs):
    """(canonical result, canonical state of every argument afterwards), or the error raised."""
    kwargs = copy.deepcopy(kwargs)  # a model or layer changed in place stays this call's own
    with np.errstate(all="ignore"):
        try:
            result = case.function(**kwargs)
        except Exception as error:  # noqa: BLE001 (judged by the caller: clear or not)
            return error
    return {"result": canonical(result),
            "arguments": canonical({k: v for k, v in kwargs.items()
                                    if not isinstance(v, np.ndarray)})}


def layout_outcome(case, layouts: dict) -> str:
    """'same', 'refused clearly' or what went wrong, for `layouts` {argument: layout name}."""
    values, reference = dict(case.good), dict(case.good)
    for argument, layout in layouts.items():
        held, make = LAYOUTS[layout]
        values[argument] = _map_arrays(case.good[argument],
                                       lambda x, held=held, make=make: make(held(x)))
        reference[argument] = _map_arrays(  # labels stay whole numbers, the rest float64
            case.good[argument], lambda x, held=held: np.ascontiguousarray(
                held(x), np.float64 if held(x).dtype.kind == "f" else None))
    got = run(case, values)
    if isinstance(got, Exception) and not isinstance(got, (TypeError, ValueError)):
        return f"raised {got!r}"
    if isinstance(got, Exception):
        named = [a for a in layouts if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", str(got))]
        return "refused clearly" if named else f"unclear refusal: {got!r}"
    if case.name in MEASUREMENTS or (case.name in DTYPE_DEPENDENT
                                     and "float32" in layouts.values()):
        return "same"  # a time or a byte count: that it runs is the property
    expected = run(case, reference)
    if isinstance(expected, Exception):
        return f"answered what the float64 copy refuses ({expected!r})"
    tolerance = max([TOLERANCE.get(layout, 1e-9) for layout in layouts.values()])
    try:
        assert_same(got, expected, tolerance)
    except AssertionError as difference:
        return f"different answer: {difference}"
    return "same"


ARRAY_CASES = [case for case in CASES if any(k in ARRAY_KINDS for k in case.kinds.values())]
SINGLE = [(case, argument, layout) for case in ARRAY_CASES
          for argument, kind in case.kinds.items() if kind in ARRAY_KINDS
          and case.good[argument] is not None for layout in LAYOUTS]


def test_every_public_function_is_driven_or_listed():
    names = public_names()
    driven = {case.name for case in CASES}
    neither = sorted(names - driven - set(NOT_DRIVEN))
    assert not neither, (f"public functions no test drives: {neither}. Add a Case to "
                         f"tests/public_api.py, or list the name in NOT_DRIVEN with the reason")
    stale = sorted((driven | set(NOT_DRIVEN)) - names)
    assert not stale, f"tests/public_api.py names functions that are gone: {stale}"
    assert not driven & set(NOT_DRIVEN), "a name is both driven and listed as not driven"


@pytest.mark.parametrize("case,argument,layout", SINGLE,
                         ids=[f"{c.name}-{a}-{lay}" for c, a, lay in SINGLE])
def test_one_argument_in_another_layout_gives_the_same_answer(case, argument, layout):
    result = layout_outcome(case, {argument: layout})
    assert result in ("same", "refused clearly"), f"{case.name}({argument}: {layout}): {result}"


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_argument_in_any_layout_at_once_gives_the_same_answer(data):
    case = data.draw(st.sampled_from(ARRAY_CASES), label="case")
    arrays = [a for a, kind in case.kinds.items()
              if kind in ARRAY_KINDS and case.good[a] is not None]
    layouts = {a: data.draw(st.sampled_from(sorted(LAYOUTS)), label=a) for a in arrays}
    result = layout_outcome(case, layouts)
    assert result in ("same", "refused clearly"), f"{case.name}({layouts}): {result}"


def count() -> dict:
    """How many functions the test drives, and the outcome of every single-argument layout."""
    outcomes = [layout_outcome(case, {argument: layout}) for case, argument, layout in SINGLE]
    return {"functions": len({c.name for c, _, _ in SINGLE}), "calls": len(outcomes),
            "same": outcomes.count("same"), "refused clearly": outcomes.count("refused clearly"),
            "wrong": [(f"{c.name}({a}: {lay})", o[:200]) for (c, a, lay), o
                      in zip(SINGLE, outcomes, strict=True) if o not in ("same",
                                                                        "refused clearly")]}


if __name__ == "__main__":  # the counts for a report
    import pprint
    pprint.pprint(count(), width=150)
