"""Fuzz every public math function: a right answer or a clear error, in time, whatever it gets.

Hypothesis draws, for every function in tests/public_api.py (the list found by introspection),
one or two arguments to spoil and a value for each: another layout or dtype, the values scaled
to 1e-310 or 1e300, a NaN or an infinity put in, a random shape, a size up to and past the
function's guards, a wrong type from the bad-input lists, a function that misbehaves. The
verdict for each call is one of

    right         a result, and (where an independent route exists) the route agrees
    clear error   a TypeError or ValueError naming one of the spoiled arguments
    unclear       any other exception, or an error that names none of them
    silent wrong  a result with NaN from finite inputs, or one an independent route disputes
    hang          no answer within LIMIT seconds (the per-call deadline, enforced by a timer)

and only the first two pass. `python tests/test_fuzz_public_api.py [examples]` runs a larger
attack and prints the counts.
"""

from __future__ import annotations

import copy
import math
import re
import sys
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from bad_values import BAD_VALUES
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from public_api import CASES
from public_names import ARRAY_KINDS, MEASUREMENTS

from utils import autodiff, chain, hessian, linear_maps, matmul, routes
from utils.checks._running import TimedOut, call_with_limit
from utils.gradcheck import GradientCheckError
from utils.jacobian import numerical_jacobian

LIMIT = 5.0  # seconds per call: the per-example deadline
EXAMPLES_PER_FUNCTION = 6  # ~90 functions: about 540 calls, well under a minute

# Arguments that ask for a duration by design (a timing of 600 s is what it says): not fuzzed.
KEPT = {("routes.best_time", "min_seconds"), ("routes.best_time", "repeats"),
        ("chain.time_product", "repeats"), ("chain.time_product", "budget"),
        ("routes.measure_routes", "sizes"), ("routes.measure_routes", "repeats")}

# ----- values to try, by the kind of argument ---------------------------------------------

SCALES = [1e-310, 1e-300, 1e-20, 1e20, 1e200, 1e300, -1.0]
NUMBERS = [1e-320, 1e-300, 1e-5, 0.5, 1, 3, 1e5, 1e300, 0.0, -1.0, math.nan, math.inf,
           -math.inf, 10**400, np.float32(2.0), np.int64(3)]
SIZES = [1, 2, 3, 7, 100_000, 100_001, 4096, 4097, 10**6, 10**12, 10**400, 0, -1, True, 2.5,
         math.nan, None, np.int64(4)]
NON_FINITE = [math.nan, math.inf, -math.inf]


def _misbehaving_functions():
    return [lambda *a: None, lambda *a: "text", lambda *a: np.full(3, np.nan),
            lambda *a: np.ones(np.random.default_rng().integers(1, 4)), lambda *a: 1 + 2j,
            lambda *a: [[1.0], [2.0, 3.0]]]


@st.composite
def array_value(draw, good):
    """The good array changed in one way: layout, dtype, scale, NaN/inf, shape or type."""
    from test_property_layout import LAYOUTS, _map_arrays
    how = draw(st.sampled_from(["layout", "scale", "non-finite", "shape", "empty", "bad type"]))
    if how == "bad type" or good is None:
        return draw(st.sampled_from(BAD_VALUES["array"]))
    if how == "shape":
        return draw(arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=4),
                           elements=st.floats(-3, 3)))
    if how == "empty":
        return np.zeros(draw(st.sampled_from([(0,), (0, 3), (2, 0)])))
    if how == "layout":
        held, make = LAYOUTS[draw(st.sampled_from(sorted(LAYOUTS)))]
        return _map_arrays(good, lambda x: make(held(x)))
    if how == "scale":
        scale = draw(st.sampled_from(SCALES))
        return _map_arrays(good, lambda x: x * scale if x.dtype.kind == "f" else x)
    bad = draw(st.sampled_from(NON_FINITE))
    index = draw(st.integers(0, 10**6))

    def poison(x):
        x = np.array(x, dtype=np.float64)
        if x.size:
            x.reshape(-1)[index % x.size] = bad
        return x
    return _map_arrays(good, poison)


def value_for(kind, good):
    """A strategy for a spoiled value of an argument of this kind."""
    if kind in ARRAY_KINDS:
        return array_value(good)
    if kind in ("count", "size", "index", "optional index", "seed"):
        return st.one_of(st.sampled_from(SIZES), st.integers(-3, 60))
    if kind in ("positive", "nonnegative", "number", "step", "real"):
        return st.sampled_from(NUMBERS)
    if kind == "callable":
        return st.sampled_from(_misbehaving_functions() + BAD_VALUES["callable"])
    if kind == "widths":
        return st.one_of(st.sampled_from(BAD_VALUES["widths"]),
                         st.lists(st.sampled_from(SIZES), min_size=2, max_size=4),
                         st.lists(st.integers(1, 9), min_size=2, max_size=5))
    return st.sampled_from(BAD_VALUES.get(kind, [good]) + [good])


# ----- the verdict ------------------------------------------------------------------------

def _arrays_in(value):
    if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _arrays_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arrays_in(v)
    elif isinstance(value, (float, np.floating)):
        yield np.asarray(value)
    elif hasattr(value, "__dataclass_fields__") or hasattr(value, "params"):
        yield from _arrays_in(dict(vars(value)))


def _all_finite(value) -> bool:
    return all(np.all(np.isfinite(a)) for a in _arrays_in(value))


def _close(a, b, rtol=1e-6) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = max(np.abs(b).max(initial=0.0), 1e-300)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=rtol * scale))


def _shoelace_exactly(path) -> float:
    x, y = (list(map(Fraction, row)) for row in np.asarray(path, np.float64))
    return float(sum(x[i] * y[i + 1] - x[i + 1] * y[i] for i in range(len(x) - 1)) / 2)


def _hvp_agrees(k, r) -> bool:
    """Every route gives the same ∇²f v; where the values are moderate, finite differences too."""
    others = [route(k["f"], k["x"], k["v"]) for route in hessian.HVP_ROUTES.values()]
    scales = [np.abs(np.asarray(k[a], float)).max(initial=0) for a in "xv"]
    moderate = max(scales) < 1e3 and scales[1] > 1e-3  # where a step of 1e-5 along v tells
    return all(_close(r, o, 1e-9) for o in others) and (not moderate or _close(
        r, hessian.hvp_finite_difference(k["f"], k["x"], k["v"]), 1e-4))


# Independent routes: (kwargs, result) -> True when they agree. Called on finite inputs only.
ORACLES = {
    "matmul.matmul_vjp": lambda k, r: all(_close(r[i], routes.tensor_route(
        k["dL_dC"], k["A"], k["B"], "AB"[i], max_bytes=2**40)) for i in (0, 1))
        if np.size(k["A"]) * np.size(k["B"]) < 10**4 else True,
    "routes.vjp_route": lambda k, r: _close(r, matmul.chain_rule_via_tensor(
        k["dL_dC"], matmul.matmul_jacobian(k["A"], k["B"], k["wrt"], max_bytes=2**40))),
    "routes.tensor_route": lambda k, r: _close(r, routes.vjp_route(
        k["dL_dC"], k["A"], k["B"], k["wrt"])),
    "matmul.matmul_jacobian": lambda k, r: _close(np.einsum(
        "ijkl,kl->ij", r, np.ones(r.shape[2:])), np.asarray(k["A"], float) @ np.asarray(
        k["B"], float) if k["wrt"] == "B" else (np.ones(np.shape(k["A"])) @ np.asarray(
            k["B"], float))) if k["wrt"] == "A" else True,
    "chain.multiply_chain": lambda k, r: _close(r, chain.multiply_chain(
        k["jacobians"], "forward" if k["order"] == "reverse" else "reverse"), 1e-9),
    "rnn.clip_by_norm": lambda k, r: math.hypot(*map(float, np.ravel(r))) <= k[
        "max_norm"] * (1 + 1e-5) + 2 * r.size * float(np.finfo(r.dtype).smallest_subnormal)
        or _close(r, k["gradient"], 0),  # a subnormal max_norm is rounded to the subnormal grid
    "maps.enclosed_area": lambda k, r: math.isclose(r, _shoelace_exactly(k["path"]),
                                                    rel_tol=1e-9, abs_tol=1e-300),
    "layers.log_softmax": lambda k, r: np.all(r <= 0) and np.allclose(
        np.exp(r).sum(axis=-1), 1.0, rtol=1e-5),
    "gradcheck.relative_error": lambda k, r: 0 <= r <= 2,
    "linear_maps.kron_route_vjp": lambda k, r: _close(r, matmul.matmul_vjp(
        k["dL_dC"], k["A"], k["B"])[0]),
    "linear_maps.matmul_kron": lambda k, r: _close(r @ linear_maps.vec(
        np.ones(np.shape(k["A" if k["wrt"] == "A" else "B"])), k["order"]), linear_maps.vec(
        (np.ones(np.shape(k["A"])) @ np.asarray(k["B"], float)) if k["wrt"] == "A" else
        (np.asarray(k["A"], float) @ np.ones(np.shape(k["B"]))), k["order"])),
    "forward.jvp": lambda k, r: _close(r[1], np.sum(autodiff.grad(k["f"])(k["x"]) * k["v"]))
        if np.ndim(r[1]) == 0 else True,
    "forward.jacobian_forward": lambda k, r: _close(r, numerical_jacobian(
        k["f"], np.asarray(k["x"], float), max_bytes=2**30), 1e-5)
        if np.size(k["x"]) < 50 and np.abs(k["x"]).max(initial=0) < 1e3 else True,
    **{f"hessian.{name}": _hvp_agrees for name in (
        "hvp", "hvp_forward_over_reverse", "hvp_reverse_over_reverse", "hvp_reverse_over_forward")},
}


def verdict(case, kwargs: dict, spoiled) -> str:
    kwargs = copy.deepcopy(kwargs)
    with np.errstate(all="ignore"):
        try:
            result = call_with_limit(lambda: case.function(**kwargs), seconds=LIMIT)
        except TimedOut:
            return "hang"
        except GradientCheckError as error:  # the check's own verdict, on a layer that is right:
            error_size = float(re.search(r"relative error ([^ ]+) >", str(error)).group(1))
            return ("right" if error_size < 1e-6  # true: finite differences miss a tiny tolerance
                    else f"wrong verdict: a correct layer failed: {error}")
        except (TypeError, ValueError) as error:
            names = set(spoiled) | {f"argument {list(case.kinds).index(a)}" for a in spoiled
                                    if case.kinds[a] == "autodiff input"}  # f's inputs by place
            named = any(re.search(rf"(?<!\w){re.escape(a)}(?!\w)", str(error)) for a in names)
            return "clear error" if named else f"unclear: {type(error).__name__}: {error}"
        except Exception as error:  # noqa: BLE001 (what the fuzz is looking for)
            return f"unclear: {type(error).__name__}: {error}"
        if case.name in MEASUREMENTS:
            return "right"
        inputs_finite = _all_finite(kwargs)
        if inputs_finite and not _all_finite(result) and not np.isinf(
                [np.abs(a).max(initial=0) for a in _arrays_in(result)]).any():
            return "silent wrong: NaN from finite inputs"
        oracle = ORACLES.get(case.name)
        if oracle is not None and inputs_finite and _all_finite(result):
            try:
                agrees = oracle(kwargs, result)
            except (TypeError, ValueError):  # the route itself refuses (a size it guards)
                agrees = True
            if not agrees:
                return "silent wrong: an independent route disagrees"
    return "right"


def _fuzzable(case):
    return [a for a in case.kinds if (case.name, a) not in KEPT]


@st.composite
def spoiled_call(draw, case):
    arguments = _fuzzable(case)
    spoiled = draw(st.sets(st.sampled_from(arguments), min_size=1,
                           max_size=min(2, len(arguments))))
    kwargs = dict(case.good)
    for argument in spoiled:
        kwargs[argument] = draw(value_for(case.kinds[argument], case.good.get(argument)))
    return kwargs, spoiled


FUZZED = [case for case in CASES if _fuzzable(case)]


@pytest.mark.parametrize("case", FUZZED,
                         ids=[f"{c.name}-{i}" for i, c in enumerate(FUZZED)])
@settings(max_examples=EXAMPLES_PER_FUNCTION, deadline=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_call_is_answered_right_or_refused_clearly_in_time(case, data):
    kwargs, spoiled = data.draw(spoiled_call(case))
    outcome = verdict(case, kwargs, spoiled)
    assert outcome in ("right", "clear error"), (
        f"{case.name}({', '.join(f'{a}={kwargs[a]!r:.80}' for a in sorted(spoiled))}): {outcome}")


def attack(examples_per_function: int) -> Counter:
    """The fuzz as a count: every verdict, and the calls that failed."""
    tally, failures = Counter(), []
    for case in FUZZED:
        @settings(max_examples=examples_per_function, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), database=None)
        @given(case=st.just(case), call=spoiled_call(case))
        def run(case, call):
            outcome = verdict(case, *call)
            tally[outcome.split(":")[0]] += 1
            if outcome not in ("right", "clear error"):
                failures.append(f"{case.name} {sorted(call[1])}: {outcome[:160]}")
        run()
    for failure in failures:
        print(" ", failure)
    return tally


if __name__ == "__main__":
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    counts = attack(examples)
    print(f"{sum(counts.values())} calls over {len(FUZZED)} functions:", dict(counts))
