"""Every public function of the math modules answers bad input with a clear error.

A sweep: for each public function, a call that works, then each argument in turn replaced by a
wrong value of its kind (wrong type, None, NaN, complex, bool, a huge size, a wrong shape, a
masked array, ...). The only acceptable outcome is a TypeError or ValueError (TensorTooLargeError
is one) whose message names the argument: never an IndexError/AttributeError from numpy's
insides, never a hang, never a silent result. `sweep()` returns every outcome so the count of
inputs tried and of clear errors can be printed (python tests/test_bad_input.py).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from bad_values import BAD_VALUES
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from public_api import CASES, TRACE, A, B, Case, G, _trained_model

from utils import costs, layers, maps, matmul, rnn
from utils.checks._running import TimedOut, call_with_limit

# Shapes that are wrong for a particular function, beyond what a kind covers.
EXTRA = {
    ("rnn.spectral_radius", "W"): [np.ones((2, 3))],
    ("rnn.rnn_forward", "W"): [np.ones((2, 3))],
    ("rnn.step_jacobian", "t"): [0, 6],
    ("rnn.jacobian_through_time", "k"): [5, 2.0],
    ("rnn.jacobian_through_time", "T"): [0, 6],
    ("matmul.matmul_vjp", "dL_dC"): [np.ones((4, 2))],
    ("rnn.clip_by_norm", "max_norm"): [np.ones(3)],
    ("data.train_test_split", "test_fraction"): [1.0, 1.5],
    ("data.train_test_split", "y"): [np.arange(7)],
    ("layers.mlp", "sizes"): [[3]],
    ("gradcheck.relative_error", "numeric"): [np.ones(3)],
    ("routes.fit_slope", "y"): [[1.0, 2.0]],
    ("maps.PlaneMap.__call__", "points"): [np.ones(3), np.ones((3, 2)), 1.0],
}


def bad_inputs():
    """(case, argument, wrong value) for every argument of every case."""
    for case in CASES:
        for argument, kind in case.kinds.items():
            for value in BAD_VALUES.get(kind, []) + EXTRA.get((case.name, argument), []):
                yield case, argument, value


def outcome(case: Case, argument: str, value) -> str:
    """'clear' for a TypeError/ValueError naming the argument, else what went wrong."""
    kwargs = dict(case.good, **{argument: value})
    try:
        call_with_limit(lambda: case.function(**kwargs), seconds=5.0)
    except TimedOut:
        return "hang"
    except (TypeError, ValueError) as error:
        named = re.search(rf"(?<!\w){re.escape(argument)}(?!\w)", str(error))
        return "clear" if named else f"unnamed: {error}"
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
            for value in BAD_VALUES.get(kind, []) + EXTRA.get((case.name, argument), []):
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


def _nan_trace():
    return rnn.RNNTrace(TRACE.h, TRACE.a, np.full_like(TRACE.W, np.nan), "tanh")


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
    # issue 15's list: each was a LinAlgError, an OverflowError or a MemoryError
    (lambda: rnn.spectral_radius(np.array([[np.nan, 1.0], [0.0, 1.0]])), ValueError,
     r"W must hold finite numbers; got nan at index \(0, 0\)"),
    (lambda: rnn.jacobian_norms(_nan_trace()), ValueError, "trace.W must hold finite numbers"),
    (lambda: rnn.jacobian_norms(TRACE, ord=3), ValueError, "ord must name a matrix norm"),
    (lambda: layers.sgd_step(_trained_model(), 10**400), ValueError,
     "learning_rate must be a number within the range of floats"),
    (lambda: maps.grid_lines(((0, 1), (0, 1)), lines=100_000, samples=100_000), ValueError,
     r"grid_lines\(lines=100,000, samples=100,000\).* 298.0 GiB, over the memory budget"),
    (lambda: layers.mlp([8000] * 10), ValueError,
     r"mlp\(sizes=\[8000, .* 4.3 GiB, over the memory budget"),
    (lambda: rnn.rnn_forward(np.eye(2), np.eye(2), np.broadcast_to(0.0, (10**6, 2))),
     ValueError, r"T = 1,000,000 steps \(rows of xs\) with 2 hidden units"),
    (lambda: rnn.rnn_forward(np.eye(4096), np.ones((4096, 1)), np.zeros((10**4, 1))),
     ValueError, r"T = 10,000 steps .* 4,096 hidden units .* over the memory budget"),
    (lambda: rnn.rnn_forward(5 * np.eye(3), np.eye(3), np.ones((1000, 3)), None, "linear"),
     ValueError, "the hidden state overflowed at step t = 442"),
])
def test_the_known_offenders_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ----- found by the fresh attack on issue 15: each was a crash, a silent NaN or a shared array ----

def test_the_fresh_attacks_cases_are_answered():
    from utils import chain, jacobian, routes
    x = np.array([0.3, -0.2])
    for eps in (np.float64(1e-5), np.float32(1e-3), 1e-4):  # np.float64 >= 2**1024 overflowed
        assert np.allclose(jacobian.numerical_jacobian(np.sin, x, eps), np.diag(np.cos(x)),
                           atol=1e-5)
    with pytest.raises(ValueError, match="eps must be a positive finite step"):
        jacobian.numerical_jacobian(np.sin, x, 10**400)
    with pytest.raises(ValueError, match="x must hold at least two different values"):
        routes.fit_slope([1.0, 1.0], [2.0, 3.0])
    assert np.array_equal(rnn.jacobian_norms(TRACE, ord=2.0), rnn.jacobian_norms(TRACE, ord=2))
    with pytest.raises(ValueError, match="spectral_radius = 1.7e\\+308 is too large"):
        rnn.random_recurrent_matrix(2, 1.7e308)  # an entry of W is larger than its radius
    assert costs.format_bytes(1e300) == "8.7e+281 EiB"
    g, J = np.array([0.3, 0.4]), np.ones((2, 3))
    assert rnn.clip_by_norm(g, 1.0) is not g and chain.multiply_chain([J]) is not J
    model = _trained_model()
    before = {k: v.copy() for k, v in model.params.items()}
    model.grads["2.b"][0] = np.nan
    with pytest.raises(ValueError, match=r"model.grads\['2.b'\] must hold finite numbers"):
        layers.sgd_step(model, 0.1)
    assert all(np.array_equal(model.params[k], before[k]) for k in before)  # nothing half-done


# ----- found by the properties over the modules merged later (autodiff, Hessian, by_hand) -----

def test_the_merged_modules_offenders_are_answered():
    from utils import autodiff as ad
    from utils import by_hand, hessian, linear_maps
    with pytest.raises(ValueError, match=r"primitive 'add' cannot take argument 0.*shape "
                                         r"\(2, 3\).*argument 1.*shape \(4,\)"):
        ad.grad(lambda x, y: ad.sum(x + y), (0, 1))(np.ones((2, 3)), np.ones(4))
    with pytest.raises(ValueError, match=r"primitive 'matmul' cannot take argument 0 \(A\)"):
        ad.grad(lambda x: ad.sum(x @ x))(np.ones(3))
    with pytest.raises(ValueError, match="shape must hold sizes >= 0"):
        ad.reshape(np.ones(6), (2, -3))
    x, y = np.array([1e300, -1e300, 2e300]), np.array(1e-200)  # dL/dy = -sum(x)/y² = -inf
    assert ad.grad(lambda y_: ad.sum(x / y_))(y) == -np.inf
    v = np.array([1e300, 1e300])
    for route in hessian.HVP_ROUTES:  # linear in v: no overflow of the passes to NaN
        assert np.allclose(hessian.hvp(lambda z: ad.sum(z * z * z), np.ones(2), v, route) / 1e300,
                           6.0)
    with pytest.raises(TypeError, match="returned None"):
        hessian.hessian(lambda z: None, np.zeros(0))
    with pytest.raises(ValueError, match="f returned a value that is not finite"):
        linear_maps.directional_difference(lambda X: np.full(2, np.nan), np.ones(2), np.ones(2))
    params = by_hand.init_params(3, 4, 2)
    with pytest.raises(ValueError, match=r"X @ params\['W1'\].T is too large for batch norm"):
        by_hand.forward(params, np.full((2, 3), 1e300) * [[1], [-1]], np.array([0, 1]))
