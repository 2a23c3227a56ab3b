"""The gradient check (utils/gradcheck.py): a layer's backward against finite differences of its
forward. It must pass right layers (see test_layers.py) and catch wrong backwards."""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradcheck import (
    GradientCheckError,
    check_layer_gradients,
    numerical_vjp,
    relative_error,
)
from utils.layers import Dense, Layer, ReLU, Tanh

rng = np.random.default_rng(0)


class BiasNotSummed(Dense):
    def backward(self, grad_output):
        dL_dx = super().backward(grad_output)
        self.grads["b"] = np.asarray(grad_output)   # the classic mistake: (batch, n_out)
        return dL_dx


class ReluFromOutput(ReLU):
    def forward(self, x):
        self.y = super().forward(x)
        return self.y

    def backward(self, grad_output):
        return grad_output * self.y                 # output values instead of the input mask


def test_gradient_check_rejects_a_bias_gradient_not_summed():
    with pytest.raises(ValueError, match=r"grads\[.b.\] has shape \(5, 2\).*b has shape \(2,\)"):
        check_layer_gradients(BiasNotSummed(3, 2), rng.normal(size=(5, 3)))


def test_gradient_check_rejects_relu_taken_from_the_output():
    x = np.array([[-1.0, 0.5, 2.0], [3.0, -0.2, 1.5]])
    with pytest.raises(GradientCheckError, match="'input'"):
        check_layer_gradients(ReluFromOutput(), x)
    report = check_layer_gradients(ReluFromOutput(), x, raise_on_failure=False)
    assert not report.passed and report.errors["input"] > 0.1
    assert "FAILED" in repr(report)


def test_relative_error_is_scale_free_and_zero_for_zero():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0 and relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_error(1e6 * a, 1e6 * (a + [0, 1e-3])) == pytest.approx(relative_error(
        a, a + [0, 1e-3]))


def test_gradient_check_rejects_non_layers_and_bad_grad_output():
    with pytest.raises(TypeError, match="forward and backward"):
        check_layer_gradients(np.tanh, np.ones(2))
    with pytest.raises(ValueError, match=r"grad_output must have the shape .*\(2, 2\)"):
        check_layer_gradients(Tanh(), np.ones((2, 2)), grad_output=np.ones(3))


class BiasForgotten(Dense):
    def backward(self, grad_output):
        dL_dx = super().backward(grad_output)
        del self.grads["b"]
        return dL_dx


def test_gradient_check_names_a_parameter_without_a_gradient():
    with pytest.raises(GradientCheckError, match=r"no gradient for parameter 'b'.*\(2,\)"):
        check_layer_gradients(BiasForgotten(3, 2), rng.normal(size=(4, 3)))


def test_gradient_check_leaves_the_parameters_as_it_found_them():
    layer = Dense(3, 2, rng=np.random.default_rng(7))
    before = {name: value.copy() for name, value in layer.params.items()}
    check_layer_gradients(layer, rng.normal(size=(4, 3)))
    assert all(np.array_equal(layer.params[name], value) for name, value in before.items())


def test_relative_error_refuses_gradients_of_different_shapes():
    with pytest.raises(ValueError, match=r"shape \(2, 3\), with numeric, of shape \(3, 2\)"):
        relative_error(np.ones((2, 3)), np.ones((3, 2)))


def test_numerical_vjp_matches_the_vjp_of_a_linear_map():
    W, G = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    x = rng.normal(size=(5, 3))
    assert np.allclose(numerical_vjp(lambda x_: x_ @ W, x, G), G @ W.T, atol=1e-7)


class Flatten(Layer):
    """(batch, a, b) -> (batch, a * b): forward returns a VIEW of its input, backward reshapes."""

    def forward(self, x):
        self.in_shape = x.shape
        y = x.reshape(len(x), -1)
        self._output_shape = y.shape
        return y

    def backward(self, grad_output):
        return self._check_grad_output(grad_output).reshape(self.in_shape)


class LearnedOutput(Layer):
    """y = c, a parameter returned as it is (a view of the parameter, not a copy)."""

    def __init__(self):
        super().__init__()
        self.params = {"c": np.array([0.5, -1.0, 2.0])}

    def forward(self, x):
        self._output_shape = (3,)
        return self.params["c"]

    def backward(self, grad_output):
        self.grads["c"] = self._check_grad_output(grad_output).copy()
        return np.zeros(2)  # the output does not depend on x


def test_gradient_check_passes_a_correct_flatten_whose_output_is_a_view():
    report = check_layer_gradients(Flatten(), rng.normal(size=(4, 2, 3)))
    assert report.errors["input"] < 1e-9


def test_gradient_check_passes_a_layer_returning_its_parameter():
    report = check_layer_gradients(LearnedOutput(), np.ones(2))
    assert report.errors["c"] < 1e-9 and report.errors["input"] == 0.0
