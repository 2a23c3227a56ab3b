"""Every public function of the math modules answers bad input with a clear error.

A sweep: for each public function, a call that works, then each argument in turn replaced by a
wrong value of its kind (wrong type, None, NaN, complex, bool, a huge size, a wrong shape, a
masked array, ...). The only acceptable outcome is a TypeError or ValueError (TensorTooLargeError
is one) whose message names the argument: never an IndexError/AttributeError from numpy's
insides, never a hang, never a silent result. `sweep()` returns every outcome so the count of
inputs tried and of clear errors can be printed (python tests/test_bad_input.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from utils import (
    autodiff,
    chain,
    costs,
    data,
    forward,
    gradcheck,
    hessian,
    jacobian,
    layers,
    maps,
    matmul,
    rnn,
    routes,
)
from utils.checks._running import TimedOut, call_with_limit

rng = np.random.default_rng(0)
A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
G = rng.normal(size=(2, 4))
W, U, XS = rnn.random_recurrent_matrix(3, 0.9), rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
TRACE = rnn.rnn_forward(W, U, XS)
HUGE = 10**12

# ----- wrong values, by the kind of argument they are wrong for -----

_ARRAY = [None, "text", {"a": 1}, np.array([1 + 2j, 3.0]), [[1.0, 2.0], [3.0]],
          np.ma.masked_array([1.0, 2.0], mask=[False, True]), np.array([object()]),
          np.array([True, False])]
_COUNT = [None, "3", 2.5, True, -1, 0, float("nan"), 1 + 2j, np.array([2, 3])]
_POSITIVE = [None, "1", float("nan"), float("inf"), -1.0, 0.0, True, 1 + 2j, np.array([1.0, 2.0])]
_INDEX = [None, "2", 1.5, True, -1, 10**6, float("nan"), np.array([1])]
_NONNEGATIVE = [v for v in _POSITIVE if not (isinstance(v, float) and v == 0.0)]
_CHOICE = [None, 3, "nope", ["A"]]
_CALLABLE = [None, 3, "f"]
_WIDTHS = [None, "abc", 5, [3], [3, 0], [3, -1], [3, 2.5], [True, 2], [3, float("nan")],
           [3, None]]
_RNG = ["seed", 3.5, [1, 2]]
_FLAG = [None, "yes", 2, float("nan")]
_SEED = ["3", 2.5, True, -1, float("nan"), np.array([2, 3])]
_BAD = {"array": _ARRAY, "count": _COUNT, "positive": _POSITIVE, "index": _INDEX,
        "choice": _CHOICE, "callable": _CALLABLE, "widths": _WIDTHS, "rng": _RNG,
        "flag": _FLAG, "matrix": _ARRAY + [np.ones(3), np.ones((2, 2, 2)), np.ones((0, 3))],
        "size": _COUNT + [HUGE], "trace": [None, np.ones(3), "trace"],
        "model": [None, 3, "model", layers.Sequential(layers.Dense(3, 2))],
        "number": [None, "1", float("nan"), float("inf"), 1 + 2j, [1.0]],
        "dtype": ["nope", 3.5, str, bool, np.int64], "seed": _SEED, "path": [3, 2.5, ["a"]],
        "step": _POSITIVE[1:], "optional index": _INDEX[1:], "nonnegative": _NONNEGATIVE,
        "argnums": [None, "0", 1.5, True, 5, -3, (0, 0), [0, "1"]],
        "layer": [None, 3, "layer", np.tanh]}


@dataclass(frozen=True)
class Case:
    """One public function: a call that works, and the kind of each argument to spoil."""

    name: str
    function: object
    good: dict
    kinds: dict


def _dense_forward(x):
    return layers.Dense(3, 2).forward(x)


def _dense_backward(grad_output):
    layer = layers.Dense(3, 2)
    layer.forward(np.ones((4, 3)))
    return layer.backward(grad_output)


def _trained_model():
    model = layers.mlp([3, 4, 2])
    model.backward(np.ones(model.forward(np.ones((5, 3))).shape))
    return model


def _defvjp_then_forget(primitive, argnum, rule):
    """defvjp on the given primitive: its rules are its own, so no other primitive changes."""
    autodiff.defvjp(primitive, argnum, rule)


def _SQUARES(x):
    return autodiff.sum(x * x)


def _loss_forward(logits, labels):
    return layers.SoftmaxCrossEntropy().forward(logits, labels)


CASES = [
    Case("numerical_jacobian", jacobian.numerical_jacobian,
         dict(f=np.tanh, x=np.ones(3), eps=1e-5, max_bytes=10**6, max_evaluations=100),
         dict(f="callable", x="array", eps="step", max_bytes="count",
              max_evaluations="count")),
    Case("default_step", jacobian.default_step, dict(x=np.ones(3)), dict(x="array")),
    Case("matmul_jacobian", matmul.matmul_jacobian, dict(A=A, B=B, wrt="A", max_bytes=10**6),
         dict(A="matrix", B="matrix", wrt="choice", max_bytes="count")),
    Case("chain_rule_via_tensor", matmul.chain_rule_via_tensor,
         dict(dL_dC=G, dC_dX=matmul.matmul_jacobian(A, B)), dict(dL_dC="array", dC_dX="array")),
    Case("matmul_vjp", matmul.matmul_vjp, dict(dL_dC=G, A=A, B=B),
         dict(dL_dC="matrix", A="matrix", B="matrix")),
    Case("format_bytes", costs.format_bytes, dict(n_bytes=1536), dict(n_bytes="number")),
    Case("matmul_costs", costs.matmul_costs, dict(m=2, n=3, p=4, wrt="A", dtype=np.float64),
         dict(m="count", n="count", p="count", wrt="choice", dtype="dtype")),
    Case("check_widths", chain.check_widths, dict(widths=[3, 2]), dict(widths="widths")),
    Case("chain_widths", chain.chain_widths,
         dict(length=3, input_width=4, hidden_width=5, output_width=1),
         dict(length="count", input_width="count", hidden_width="count", output_width="count")),
    Case("chain_costs", chain.chain_costs, dict(widths=[3, 2, 1]), dict(widths="widths")),
    Case("random_chain", chain.random_chain, dict(widths=[3, 2, 1], rng=None),
         dict(widths="widths", rng="rng")),
    Case("multiply_chain", chain.multiply_chain,
         dict(jacobians=[np.ones((2, 3)), np.ones((1, 2))], order="reverse"),
         dict(jacobians="array", order="choice")),
    Case("time_product", chain.time_product,
         dict(jacobians=[np.ones((2, 3))], order="forward", repeats=2, budget=0.01),
         dict(jacobians="array", order="choice", repeats="count", budget="nonnegative")),
    Case("tensor_route", routes.tensor_route, dict(dL_dC=G, A=A, B=B, wrt="B", max_bytes=10**6),
         dict(dL_dC="matrix", A="matrix", B="matrix", wrt="choice", max_bytes="count")),
    Case("vjp_route", routes.vjp_route, dict(dL_dC=G, A=A, B=B, wrt="A"),
         dict(dL_dC="matrix", A="matrix", B="matrix", wrt="choice")),
    Case("best_time", routes.best_time, dict(run=lambda: None, repeats=2, min_seconds=1e-4),
         dict(run="callable", repeats="count", min_seconds="positive")),
    Case("fit_slope", routes.fit_slope, dict(x=[1.0, 2.0, 4.0], y=[1.0, 4.0, 16.0]),
         dict(x="array", y="array")),
    Case("grid_lines", maps.grid_lines, dict(domain=((0.0, 1.0), (0.0, 2.0)), lines=3, samples=4),
         dict(domain="array", lines="size", samples="size")),
    Case("square_outline", maps.square_outline,
         dict(point=[0.5, 0.5], size=0.1, samples_per_side=3, centred=True),
         dict(point="array", size="positive", samples_per_side="size", centred="flag")),
    Case("enclosed_area", maps.enclosed_area, dict(path=maps.square_outline([0, 0], 1.0)),
         dict(path="matrix")),
    Case("Dense", layers.Dense, dict(n_in=3, n_out=2, rng=None),
         dict(n_in="size", n_out="size", rng="rng")),
    Case("Dense.forward", _dense_forward, dict(x=np.ones((4, 3))), dict(x="matrix")),
    Case("Dense.backward", _dense_backward, dict(grad_output=np.ones((4, 2))),
         dict(grad_output="matrix")),
    Case("SoftmaxCrossEntropy.forward", _loss_forward,
         dict(logits=np.ones((2, 3)), labels=np.array([0, 2])),
         dict(logits="matrix", labels="array")),
    Case("log_softmax", layers.log_softmax, dict(logits=np.ones((2, 3))), dict(logits="array")),
    Case("mlp", layers.mlp, dict(sizes=[3, 4, 2], activation="relu", rng=None),
         dict(sizes="widths", activation="choice", rng="rng")),
    Case("sgd_step", layers.sgd_step, dict(model=_trained_model(), learning_rate=0.1),
         dict(model="model", learning_rate="positive")),
    Case("grad", lambda f, argnums: autodiff.grad(f, argnums)(np.ones(2)),
         dict(f=autodiff.sum, argnums=0), dict(f="callable", argnums="argnums")),
    Case("relative_error", gradcheck.relative_error, dict(analytic=np.ones(2), numeric=np.ones(2)),
         dict(analytic="array", numeric="array")),
    Case("numerical_vjp", gradcheck.numerical_vjp,
         dict(f=np.tanh, x=np.ones(3), grad_output=np.ones(3)),
         dict(f="callable", x="array", grad_output="array")),
    Case("check_layer_gradients", gradcheck.check_layer_gradients,
         dict(layer=layers.Tanh(), x=np.ones((2, 2)), tolerance=1e-6),
         dict(layer="layer", x="array", tolerance="positive")),
    Case("rnn_forward", rnn.rnn_forward, dict(W=W, U=U, xs=XS, h0=None, nonlinearity="tanh"),
         dict(W="matrix", U="matrix", xs="matrix", nonlinearity="choice")),
    Case("step_jacobian", rnn.step_jacobian, dict(trace=TRACE, t=2),
         dict(trace="trace", t="index")),
    Case("jacobian_through_time", rnn.jacobian_through_time, dict(trace=TRACE, k=1, T=4),
         dict(trace="trace", k="index", T="optional index")),
    Case("jacobian_norms", rnn.jacobian_norms, dict(trace=TRACE), dict(trace="trace")),
    Case("unrolled_map", rnn.unrolled_map, dict(W=W, U=U, xs=XS, k=1, nonlinearity="tanh"),
         dict(W="matrix", U="matrix", xs="matrix", k="index", nonlinearity="choice")),
    Case("random_recurrent_matrix", rnn.random_recurrent_matrix,
         dict(n=3, spectral_radius=0.9, rng=None),
         dict(n="size", spectral_radius="nonnegative", rng="rng")),
    Case("spectral_radius", rnn.spectral_radius, dict(W=W), dict(W="matrix")),
    Case("clip_by_norm", rnn.clip_by_norm, dict(gradient=np.ones(3), max_norm=1.0),
         dict(gradient="array", max_norm="positive")),
    Case("train_test_split", data.train_test_split,
         dict(X=np.ones((8, 2)), y=np.arange(8), test_fraction=0.25, seed=0),
         dict(X="matrix", y="array", test_fraction="positive", seed="seed")),
    Case("load_digits", data.load_digits, dict(path=None), dict(path="path")),
    Case("peak_bytes", routes.peak_bytes, dict(run=lambda: np.ones(10)), dict(run="callable")),
    Case("measure_routes", routes.measure_routes,
         dict(sizes=[2, 3], wrt="A", repeats=1, seed=0, tensor_max_bytes=10**6),
         dict(sizes="widths", wrt="choice", repeats="count", seed="seed",
              tensor_max_bytes="count")),
    Case("Sequential", lambda layer: layers.Sequential(layers.Tanh(), layer),
         dict(layer=layers.ReLU()), dict(layer="layer")),
    Case("ReLU.forward", lambda x: layers.ReLU().forward(x), dict(x=np.ones(3)), dict(x="array")),
    Case("Tanh.forward", lambda x: layers.Tanh().forward(x), dict(x=np.ones(3)), dict(x="array")),
    Case("PlaneMap", lambda points: maps.PLANE_MAPS["smooth warp"](points),
         dict(points=np.ones((2, 5))), dict(points="array")),
    Case("PlaneMap.jacobian", lambda point: maps.PLANE_MAPS["smooth warp"].jacobian(point),
         dict(point=np.ones(2)), dict(point="array")),
    Case("Node", autodiff.Node, dict(value=np.ones(2)), dict(value="array")),
    Case("defjvp", autodiff.defjvp,
         dict(primitive=autodiff.Primitive("test", np.sin), argnum=0, rule=lambda t, a, x: t),
         dict(primitive="callable", argnum="seed", rule="callable")),
    Case("jvp", forward.jvp, dict(f=autodiff.sum, x=np.ones(2), v=np.ones(2)),
         dict(f="callable", x="array", v="array")),
    Case("jacobian_forward", forward.jacobian_forward, dict(f=autodiff.tanh, x=np.ones(2)),
         dict(f="callable", x="array")),
    *[Case(name, function, dict(f=_SQUARES, x=np.ones(2), v=np.ones(2)),
           dict(f="callable", x="array", v="array"))
      for name, function in [*hessian.HVP_ROUTES.items(), ("hvp", hessian.hvp)]],
    Case("hessian", hessian.hessian, dict(f=_SQUARES, x=np.ones(2)),
         dict(f="callable", x="array")),
    Case("hvp_finite_difference", hessian.hvp_finite_difference,
         dict(f=_SQUARES, x=np.ones(2), v=np.ones(2), step=1e-5),
         dict(f="callable", x="array", v="array", step="positive")),
    Case("small_network", hessian.small_network,
         dict(inputs=2, hidden=2, classes=2, batch=3, seed=0),
         dict(inputs="count", hidden="count", classes="count", batch="count")),
    Case("defvjp", _defvjp_then_forget,
         dict(primitive=autodiff.Primitive("test", np.sin), argnum=0, rule=lambda g, a, x: g),
         dict(primitive="callable", argnum="seed", rule="callable")),
]

# Shapes that are wrong for a particular function, beyond what a kind covers.
EXTRA = {
    ("spectral_radius", "W"): [np.ones((2, 3))],
    ("rnn_forward", "W"): [np.ones((2, 3))],
    ("step_jacobian", "t"): [0, 6],
    ("jacobian_through_time", "k"): [5, 2.0],
    ("jacobian_through_time", "T"): [0, 6],
    ("matmul_vjp", "dL_dC"): [np.ones((4, 2))],
    ("clip_by_norm", "max_norm"): [np.ones(3)],
    ("train_test_split", "test_fraction"): [1.0, 1.5],
    ("train_test_split", "y"): [np.arange(7)],
    ("mlp", "sizes"): [[3]],
    ("relative_error", "numeric"): [np.ones(3)],
    ("fit_slope", "y"): [[1.0, 2.0]],
    ("PlaneMap", "points"): [np.ones(3), np.ones((3, 2)), 1.0],
}


def bad_inputs():
    """(case, argument, wrong value) for every argument of every case."""
    for case in CASES:
        for argument, kind in case.kinds.items():
            for value in _BAD[kind] + EXTRA.get((case.name, argument), []):
                yield case, argument, value


def outcome(case: Case, argument: str, value) -> str:
    """'clear' for a TypeError/ValueError naming the argument, else what went wrong."""
    kwargs = dict(case.good, **{argument: value})
    try:
        call_with_limit(lambda: case.function(**kwargs), seconds=5.0)
    except TimedOut:
        return "hang"
    except (TypeError, ValueError) as error:
        return "clear" if argument in str(error) else f"unnamed: {error}"
    except Exception as error:  # noqa: BLE001 (what the sweep is looking for)
        return f"{type(error).__name__}: {error}"
    return "silent result"


def sweep() -> list[tuple[str, str, str, str]]:
    """(function, argument, wrong value, outcome) for every bad input."""
    with np.errstate(all="ignore"):
        return [(case.name, argument, f"{value!r:.40}", outcome(case, argument, value))
                for case, argument, value in bad_inputs()]


def test_every_good_call_works():
    for case in CASES:
        call_with_limit(lambda case=case: case.function(**case.good), seconds=10.0)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_bad_input_gets_a_clear_error_naming_the_argument(case):
    unclear = []
    with np.errstate(all="ignore"):
        for argument, kind in case.kinds.items():
            for value in _BAD[kind] + EXTRA.get((case.name, argument), []):
                result = outcome(case, argument, value)
                if result != "clear":
                    unclear.append(f"{argument}={value!r:.40}: {result}")
    assert not unclear, f"{case.name}: " + "\n".join(unclear)


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from([c for c in CASES if "matrix" in c.kinds.values()]),
       data_=st.data())
def test_random_wrong_shapes_are_refused_or_answered_by_shape(case, data_):
    """Random arrays in place of a matrix: either a clear error naming it, or a result."""
    argument = data_.draw(st.sampled_from([a for a, k in case.kinds.items() if k == "matrix"]))
    value = data_.draw(arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=4),
                              elements=st.floats(-3, 3)))
    result = outcome(case, argument, value)
    assert result in ("clear", "silent result"), f"{case.name}({argument}={value!r}): {result}"


if __name__ == "__main__":  # the counts for a report: inputs tried and clear errors
    results = sweep()
    clear = sum(r[3] == "clear" for r in results)
    print(f"{len(results)} bad inputs over {len(CASES)} functions: {clear} clear errors, "
          f"{len(results) - clear} not")
    if "-v" in sys.argv:
        for result in results:
            if result[3] != "clear":
                print(" ", *result)


@pytest.mark.parametrize("call,error,message", [
    (lambda: rnn.jacobian_through_time(TRACE, 1.5), TypeError, "k must be a whole-number"),
    (lambda: rnn.step_jacobian(TRACE, 2.0), TypeError, "t must be a whole-number time step"),
    (lambda: rnn.step_jacobian(TRACE, 6), ValueError, r"t must lie in 1\.\.5; got t = 6"),
    (lambda: rnn.random_recurrent_matrix(4, None), TypeError, "spectral_radius must be a real"),
    (lambda: rnn.clip_by_norm(np.ones(3), "1"), TypeError, "max_norm must be a real number"),
    (lambda: rnn.clip_by_norm(np.ones(3), np.ones(3)), TypeError, "max_norm must be a real"),
    (lambda: rnn.spectral_radius(np.ones((2, 3))), ValueError, r"W must be square.*\(2, 3\)"),
    (lambda: layers.mlp(5), TypeError, "sizes must be a list of layer widths"),
    (lambda: layers.sgd_step(layers.mlp([3, 2]), 0.1), ValueError,
     "no gradient yet for 0.W, 0.b: call model.backward"),
    (lambda: layers.sgd_step(_trained_model(), "0.1"), TypeError, "learning_rate must be a real"),
    (lambda: matmul.matmul_vjp(G, np.ma.masked_array(A, mask=A > 0), B), TypeError,
     "A must be a plain numpy array; got a masked array"),
    (lambda: costs.format_bytes(float("nan")), ValueError, "n_bytes must lie in"),
])
def test_the_known_offenders_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
