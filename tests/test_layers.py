"""Layers, the gradient-check helper and the digits loader: checked against finite differences
and against the independent autodiff library `autograd`."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.data import DIGITS_SHAPE, load_digits, train_test_split
from utils.gradcheck import GradientCheckError, check_layer_gradients, relative_error
from utils.layers import (
    Dense,
    Layer,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
    Tanh,
    log_softmax,
    mlp,
    sgd_step,
)

rng = np.random.default_rng(0)
sizes = st.integers(min_value=1, max_value=6)


def away_from_zero(shape, gen):
    """Normal samples pushed away from 0, so ReLU's kink never sits inside a finite difference."""
    x = gen.normal(size=shape)
    return x + 0.1 * np.sign(x)


# ----- every layer passes the gradient check -----

@pytest.mark.parametrize("make_layer, shape", [
    (lambda: Dense(3, 4, rng=np.random.default_rng(1)), (5, 3)),
    (lambda: Dense(1, 1, rng=np.random.default_rng(2)), (1, 1)),
    (ReLU, (4, 3)),
    (Tanh, (4, 3)),
    (Tanh, (2, 3, 2)),
    (lambda: mlp([3, 5, 2], rng=np.random.default_rng(3)), (4, 3)),
    (lambda: mlp([3, 5, 4, 2], activation="tanh", rng=np.random.default_rng(4)), (4, 3)),
])
def test_every_layer_passes_the_gradient_check(make_layer, shape):
    report = check_layer_gradients(make_layer(), away_from_zero(shape, rng))
    assert report.passed and report.max_relative_error < 1e-6, report


def test_softmax_cross_entropy_passes_the_gradient_check():
    logits, labels = rng.normal(size=(6, 4)), np.array([0, 3, 1, 1, 2, 0])
    report = check_layer_gradients(SoftmaxCrossEntropy(), logits, labels)
    assert report.max_relative_error < 1e-6, report


@settings(max_examples=25, deadline=None)
@given(batch=sizes, n_in=sizes, n_out=sizes, seed=st.integers(0, 2**16))
def test_dense_gradients_on_random_shapes(batch, n_in, n_out, seed):
    gen = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, rng=gen)
    layer.params["b"][...] = gen.normal(size=n_out)
    report = check_layer_gradients(layer, gen.normal(size=(batch, n_in)), seed=seed)
    assert report.max_relative_error < 1e-6, report
    assert layer.grads["b"].shape == (n_out,), "the bias gradient must be summed over the batch"


# ----- the gradient check itself catches wrong backwards -----

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


def test_relative_error_is_scale_free_and_zero_for_zero():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0 and relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert relative_error(1e6 * a, 1e6 * (a + [0, 1e-3])) == pytest.approx(relative_error(
        a, a + [0, 1e-3]))


# ----- cross-check against autograd on the same computation -----

def autograd_mlp_loss(W1, b1, W2, b2, x, labels):
    hidden = anp.maximum(anp.dot(x, W1) + b1, 0.0)
    logits = anp.dot(hidden, W2) + b2
    shifted = logits - anp.max(logits, axis=1, keepdims=True)
    log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.mean(log_probs[anp.arange(len(labels)), labels])


@settings(max_examples=20, deadline=None)
@given(batch=sizes, n_in=sizes, n_hidden=sizes, n_classes=st.integers(2, 5),
       seed=st.integers(0, 2**16))
def test_mlp_backward_matches_autograd(batch, n_in, n_hidden, n_classes, seed):
    gen = np.random.default_rng(seed)
    model = mlp([n_in, n_hidden, n_classes], rng=gen)
    for name in ("0.b", "2.b"):
        model.params[name][...] = gen.normal(size=model.params[name].shape)
    x, labels = gen.normal(size=(batch, n_in)), gen.integers(0, n_classes, size=batch)
    loss_layer = SoftmaxCrossEntropy()
    loss = loss_layer.forward(model.forward(x), labels)
    dL_dx = model.backward(loss_layer.backward(1.0))
    args = [model.params[k] for k in ("0.W", "0.b", "2.W", "2.b")] + [x, labels]
    assert np.isclose(loss, autograd_mlp_loss(*args))
    for argnum, name in enumerate(("0.W", "0.b", "2.W", "2.b")):
        expected = autograd_grad(autograd_mlp_loss, argnum)(*args)
        assert np.allclose(model.grads[name], expected), f"dL/d{name} disagrees with autograd"
    assert np.allclose(dL_dx, autograd_grad(autograd_mlp_loss, 4)(*args))


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 800.0]])
    layer = SoftmaxCrossEntropy()
    loss = layer.forward(logits, np.array([0, 1]))
    assert np.isfinite(loss) and np.isclose(loss, np.log(2) / 2)
    assert np.all(np.isfinite(layer.backward()))
    assert np.allclose(np.exp(log_softmax(logits)).sum(axis=1), 1.0)


# ----- training and the interface -----

def test_sequential_backward_returns_the_input_gradient_and_sgd_lowers_the_loss():
    gen = np.random.default_rng(5)
    x, labels = gen.normal(size=(30, 4)), gen.integers(0, 3, size=30)
    model, loss_layer = mlp([4, 16, 3], rng=gen), SoftmaxCrossEntropy()
    losses = []
    for _ in range(50):
        losses.append(loss_layer.forward(model.forward(x), labels))
        dL_dx = model.backward(loss_layer.backward())
        sgd_step(model, 0.5)
    assert dL_dx.shape == x.shape
    assert losses[-1] < 0.5 * losses[0]


def test_layers_share_one_interface():
    for layer in (Dense(2, 2), ReLU(), Tanh(), SoftmaxCrossEntropy(), mlp([2, 2])):
        assert isinstance(layer, Layer)
        assert hasattr(layer, "params") and hasattr(layer, "grads")


# ----- bad input gets clear errors -----

def test_dense_rejects_a_batch_of_the_wrong_width():
    with pytest.raises(ValueError, match=r"\(batch, 3\).*\(4, 2\)"):
        Dense(3, 2).forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        Dense(3, 2).forward(np.ones(3))


def test_dense_rejects_bad_sizes_and_parameters():
    with pytest.raises(ValueError, match="n_out"):
        Dense(3, 0)
    with pytest.raises(ValueError, match=r"W of shape \(3, 2\).*got W \(2, 3\)"):
        Dense(3, 2, W=np.ones((2, 3)))


def test_backward_checks_grad_output_shape_and_order():
    layer = Dense(3, 2)
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.ones((4, 2)))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"grad_output has shape \(2, 4\).*\(4, 2\)"):
        layer.backward(np.ones((2, 4)))
    with pytest.raises(TypeError, match="grad_output"):
        layer.backward("not an array")


def test_softmax_cross_entropy_rejects_bad_labels():
    layer = SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match=r"labels must be whole numbers of shape \(2,\)"):
        layer.forward(np.ones((2, 3)), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"0\.\.2"):
        layer.forward(np.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="needs labels"):
        layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"\(batch, classes\)"):
        layer.forward(np.ones(3), np.array([0]))


def test_mlp_and_sequential_reject_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        mlp([2, 3], activation="sigmoid")
    with pytest.raises(ValueError, match="at least"):
        mlp([2])
    with pytest.raises(TypeError, match="Layer"):
        Sequential(np.ones(2))


def test_gradient_check_rejects_non_layers_and_bad_grad_output():
    with pytest.raises(TypeError, match="forward and backward"):
        check_layer_gradients(np.tanh, np.ones(2))
    with pytest.raises(ValueError, match=r"grad_output must have the shape .*\(2, 2\)"):
        check_layer_gradients(Tanh(), np.ones((2, 2)), grad_output=np.ones(3))


# ----- the shipped data -----

def test_digits_load_with_the_documented_shape_range_and_labels():
    X, y = load_digits()
    assert X.shape == DIGITS_SHAPE and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and set(np.unique(y)) == set(range(10))


def test_digits_loader_refuses_a_wrong_file(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match=r"shape \(1797, 65\); got \(2, 3\)"):
        load_digits(bad)
    with pytest.raises(FileNotFoundError, match="ships with the course"):
        load_digits(tmp_path / "missing.csv.gz")


def test_train_test_split_is_fixed_and_disjoint():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    first, second = train_test_split(X, y, 0.3, seed=1), train_test_split(X, y, 0.3, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    X_train, X_test, y_train, y_test = first
    assert len(y_test) == 3 and not set(y_train) & set(y_test)
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(X, y[:5])
