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
