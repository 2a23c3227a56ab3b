"""numerical_jacobian: shapes, accuracy against exact Jacobians (autograd), bad input."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import jacobian as autograd_jacobian
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

from utils import numerical_jacobian
from utils.jacobian import default_step


def softmax(z):
    e = anp.exp(z - anp.max(z))
    return e / anp.sum(e)


def test_linear_map_jacobian_is_its_matrix():
    W = np.random.default_rng(0).standard_normal((3, 5))
    x = np.arange(5.0)
    np.testing.assert_allclose(numerical_jacobian(lambda v: W @ v, x), W, atol=1e-9)


def test_softmax_jacobian_is_diag_minus_outer():
    z = np.array([0.5, -1.0, 2.0, 0.0])
    s = softmax(z)
    np.testing.assert_allclose(numerical_jacobian(softmax, z), np.diag(s) - np.outer(s, s),
                               atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(in_shape=array_shapes(min_dims=0, max_dims=3, max_side=3),
       out_rows=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_shape_convention_and_accuracy_against_autograd(in_shape, out_rows, seed):
    """Any input and output shape: the Jacobian has shape f(x).shape + x.shape."""
    gen = np.random.default_rng(seed)
    x = gen.standard_normal(in_shape)
    W = gen.standard_normal((out_rows, 2) + in_shape)

    def f(v):  # a smooth nonlinear map from in_shape to (out_rows, 2)
        return anp.tanh(anp.sum(W * v, axis=tuple(range(2, 2 + v.ndim)))) + anp.sum(v**2)

    jacobian = numerical_jacobian(f, x)
    assert jacobian.shape == (out_rows, 2) + in_shape
    np.testing.assert_allclose(jacobian, autograd_jacobian(f)(x), atol=1e-7, rtol=1e-6)


def test_scalar_function_of_matrix_gives_gradient_shape():
    X = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(numerical_jacobian(lambda M: np.sum(M**2), X), 2 * X, atol=1e-6)


def test_default_step_beats_bad_steps():
    """Central differences: the default step (~eps^(1/3)) is far better than tiny or huge ones."""
    x = np.array([1.3])

    def error(eps):
        return abs(numerical_jacobian(np.sin, x, eps=eps)[0, 0] - np.cos(1.3))

    assert error(None) < 1e-9
    assert error(1e-13) > 100 * error(None)  # round-off dominates
    assert error(1e-1) > 100 * error(None)   # truncation dominates
    assert default_step(np.array([1000.0]))[0] == pytest.approx(1000 * 2.220446e-16 ** (1 / 3))


def test_float32_keeps_dtype_with_float32_accuracy():
    x = np.array([0.3, -0.7], dtype=np.float32)
    jacobian = numerical_jacobian(np.tanh, x)
    assert jacobian.dtype == np.float32
    np.testing.assert_allclose(jacobian, np.diag(1 - np.tanh(x) ** 2), atol=1e-3)


def test_input_is_not_modified():
    x = np.array([1.0, 2.0])
    numerical_jacobian(lambda v: v * 3, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


@pytest.mark.parametrize("f,x,eps,error,message", [
    ("sin", np.ones(2), None, TypeError, "f must be a function of one array; got a str"),
    (np.sin, "abc", None, TypeError, "x must be a numeric array"),
    (np.sin, np.ones(2), 0.0, ValueError, "eps must be a positive finite step; got 0.0"),
    (np.sin, np.ones(2), -1e-3, ValueError, "eps must be a positive finite step"),
    (np.sin, np.ones(2), "1e-3", TypeError, "eps must be a positive number or None"),
    (lambda v: "text", np.ones(2), None, TypeError, r"f\(x\) must be a numeric array"),
    (lambda v: np.ones(int(v[0] * 1e6) % 3 + 1), np.ones(2), None, ValueError,
     "f must return the same shape for every input"),
])
def test_bad_input(f, x, eps, error, message):
    with pytest.raises(error, match=message):
        numerical_jacobian(f, x, eps=eps)


def test_too_large_jacobian_refused_before_the_loop():
    calls = []

    def f(v):
        calls.append(1)
        return np.zeros(100_000)

    with pytest.raises(ValueError, match=r"output of shape \(100000,\) by an input of shape "
                                         r"\(100000,\) would take 74.5 GiB"):
        numerical_jacobian(f, np.zeros(100_000))
    assert len(calls) == 1  # only the first evaluation, to learn the output's shape


# ----- no silent wrong answer: f sees private copies, and what it returns is copied -----

def _in_place_double(v):
    v *= 2.0  # changes its input, then returns it: the nudged point must not be corrupted
    return v


@pytest.mark.parametrize("f,exact", [
    (lambda v: v, lambda x: np.eye(6).reshape(2, 3, 2, 3)),
    (lambda v: v[:1], lambda x: np.eye(6).reshape(2, 3, 2, 3)[:1]),
    (lambda v: v.T, lambda x: np.eye(6).reshape(2, 3, 2, 3).transpose(1, 0, 2, 3)),
    (lambda v: v.reshape(6), lambda x: np.eye(6).reshape(6, 2, 3)),
    (lambda v: v.ravel()[::2], lambda x: np.eye(6)[::2].reshape(3, 2, 3)),
    (_in_place_double, lambda x: 2 * np.eye(6).reshape(2, 3, 2, 3)),
])
def test_views_and_in_place_changes_give_the_exact_jacobian(f, exact):
    x = np.arange(6.0).reshape(2, 3) - 2.5
    kept = x.copy()
    np.testing.assert_allclose(numerical_jacobian(f, x), exact(x), atol=1e-9)
    np.testing.assert_array_equal(x, kept)


def test_f_keeping_a_reference_to_its_input_cannot_corrupt_earlier_columns():
    seen = []

    def remembers(v):  # returns the same buffer every call, overwritten each time
        seen.append(v)
        buffer = seen[0]
        buffer[...] = v ** 2
        return buffer

    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(numerical_jacobian(remembers, x), np.diag(2 * x), atol=1e-6)


def test_a_step_that_rounds_to_nothing_is_refused():
    with pytest.raises(ValueError, match=r"step at input index \(0,\) rounds to nothing"):
        numerical_jacobian(np.sin, np.array([1e20, 1.0]), eps=1e-3)


def test_nan_from_a_nudged_point_is_refused():
    with pytest.raises(ValueError, match=r"NaN or inf when input index \(1,\) was nudged"), \
            np.errstate(invalid="ignore"):
        numerical_jacobian(np.sqrt, np.array([1.0, 0.0]))


def test_nan_in_x_is_refused():
    with pytest.raises(ValueError, match=r"x must hold finite numbers; got NaN or inf at index "
                                         r"\(1,\)"):
        numerical_jacobian(np.sin, np.array([1.0, np.nan]))


def test_too_many_evaluations_refused_with_the_count_and_the_vjp():
    calls = []

    def f(v):
        calls.append(1)
        return np.sum(v)

    with pytest.raises(ValueError, match=r"needs 200,001 evaluations of f, over max_evaluations "
                                         r"= 20,001\. For the gradient of a loss use a VJP"):
        numerical_jacobian(f, np.zeros(100_000))
    assert len(calls) == 1
    jacobian = numerical_jacobian(f, np.zeros(3), max_evaluations=7)  # 2 * 3 + 1 fits exactly
    np.testing.assert_allclose(jacobian, np.ones(3))
    with pytest.raises(ValueError, match="needs 7 evaluations"):
        numerical_jacobian(f, np.zeros(3), max_evaluations=6)
    with pytest.raises(TypeError, match="max_evaluations must be a whole number"):
        numerical_jacobian(f, np.zeros(3), max_evaluations=1e9)
