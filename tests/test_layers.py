"""Layers (utils/layers.py): checked against finite differences (utils.gradcheck) and against the
independent autodiff library `autograd`."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.gradcheck import check_layer_gradients
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


@settings(max_examples=25, deadline=None)
@given(batch=sizes, n_in=sizes, n_out=sizes, seed=st.integers(0, 2**16))
def test_dense_W_is_the_map_of_one_column(batch, n_in, n_out, seed):
    """W has shape (n_out, n_in) and takes a column x to W x: each row of the batch goes through
    it on its own, and the gradients are G W, Gᵀ X (W's shape) and G summed over the batch."""
    gen = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, rng=gen, b=gen.normal(size=n_out))
    W, b = layer.params["W"], layer.params["b"]
    assert W.shape == (n_out, n_in)
    X, G = gen.normal(size=(batch, n_in)), gen.normal(size=(batch, n_out))
    Y = layer.forward(X)
    assert np.allclose(Y, np.stack([W @ x + b for x in X]))       # one column at a time
    dL_dX = layer.backward(G)
    assert np.allclose(dL_dX, np.stack([W.T @ g for g in G]))     # Wᵀ g per example, = G W
    assert np.allclose(layer.grads["W"], sum(np.outer(g, x) for g, x in zip(G, X, strict=True)))
    assert layer.grads["W"].shape == W.shape


# ----- cross-check against autograd on the same computation -----

def autograd_mlp_loss(W1, b1, W2, b2, x, labels):
    hidden = anp.maximum(anp.dot(x, W1.T) + b1, 0.0)      # W (n_out, n_in), as nn.Linear
    logits = anp.dot(hidden, W2.T) + b2
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
    for _ in range(80):
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
    with pytest.raises(ValueError, match=r"W of shape \(2, 3\) = \(n_out, n_in\).*got W \(3, 2\)"):
        Dense(3, 2, W=np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"W must hold finite numbers; got -inf at index \(1, 0\)"):
        Dense(3, 2, W=np.array([[1.0, 2.0, 3.0], [-np.inf, 0.0, 1.0]]))
    with pytest.raises(ValueError, match="b must hold finite numbers"):
        Dense(3, 2, b=np.array([np.nan, 0.0]))


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


# ----- values, not references: backward answers for the forward as it was -----

def _layers_and_inputs(gen):
    """One instance of every Layer subclass in utils.layers, with forward's arguments."""
    x = away_from_zero((4, 3), gen)
    return {Dense: (Dense(3, 2, rng=gen), (x,)), ReLU: (ReLU(), (x,)), Tanh: (Tanh(), (x,)),
            SoftmaxCrossEntropy: (SoftmaxCrossEntropy(), (x, np.array([0, 2, 1, 1]))),
            Sequential: (mlp([3, 4, 2], rng=gen), (x,))}


def test_every_layer_class_is_in_the_values_property():
    import utils.layers as module
    classes = {c for c in vars(module).values()
               if isinstance(c, type) and issubclass(c, Layer) and c is not Layer}
    assert classes == set(_layers_and_inputs(np.random.default_rng(0))), (
        "a new Layer subclass: add it to _layers_and_inputs")


def _backward_after(layer, args, change):
    """Forward, then `change(args, output, layer)`, then backward: (dL/dx, grads)."""
    output = layer.forward(*args)
    change(args, output, layer)
    gradient = layer.backward(np.ones(np.shape(output)))
    return gradient, {k: v.copy() for k, v in layer.grads.items()}


CHANGES_AFTER_FORWARD = {
    "x *= 2": lambda args, y, layer: args[0].__imul__(2.0),
    "x overwritten": lambda args, y, layer: args[0].__setitem__(..., 7.0),
    "labels overwritten": lambda args, y, layer: [a.__setitem__(..., 0) for a in args[1:]],
    "output *= 2": lambda args, y, layer: np.asarray(y).__imul__(2.0) if np.ndim(y) else None,
    "params replaced": lambda args, y, layer: [layer.params.__setitem__(k, v * 3.0)
                                               for k, v in list(layer.params.items())],
    "params changed in place": lambda args, y, layer: [v.__imul__(3.0)
                                                       for v in layer.params.values()],
}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**16), kind=st.sampled_from(sorted(_layers_and_inputs(
    np.random.default_rng(0)), key=lambda c: c.__name__)),
    change=st.sampled_from(sorted(CHANGES_AFTER_FORWARD)))
def test_backward_uses_the_values_forward_saw(seed, kind, change):
    """Whatever changes after forward (its inputs, its output, the parameters: replaced or
    edited in place), backward's gradients are those of the forward as it was."""
    layer, args = _layers_and_inputs(np.random.default_rng(seed))[kind]
    twin, twin_args = _layers_and_inputs(np.random.default_rng(seed))[kind]
    expected = _backward_after(twin, twin_args, lambda *_: None)
    got = _backward_after(layer, args, CHANGES_AFTER_FORWARD[change])
    assert np.allclose(got[0], expected[0]), f"{kind.__name__}: dL/dx changed after {change}"
    assert got[1].keys() == expected[1].keys()
    for name in expected[1]:
        assert np.allclose(got[1][name], expected[1][name]), f"{kind.__name__}: d{name}, {change}"


def test_a_replaced_parameter_is_what_the_next_forward_and_sgd_step_use():
    """The semantics of params: an entry replaced between steps is the model's parameter from
    the next forward on (also through Sequential.params), and the one sgd_step updates."""
    model = mlp([3, 4, 2], rng=np.random.default_rng(0))
    x = rng.normal(size=(5, 3))
    new_W = np.full((4, 3), 0.5)                   # (n_out, n_in) of the first layer
    model.params["0.W"] = new_W
    assert model.layers[0].params["W"] is new_W
    p = dict(model.params)
    hidden = np.maximum(x @ new_W.T + p["0.b"], 0)
    assert np.allclose(model.forward(x), hidden @ p["2.W"].T + p["2.b"])
    model.backward(np.ones((5, 2)))
    before = new_W.copy()
    sgd_step(model, 0.5)
    assert model.params["0.W"] is new_W  # updated in place, by its gradient
    assert np.allclose(new_W, before - 0.5 * model.grads["0.W"]) and not np.allclose(new_W, before)
    with pytest.raises(KeyError, match="0.W"):
        model.params["9.W"] = new_W
    model.params["0.W"] = np.ones((4, 3), int)
    model.forward(x)
    model.backward(np.ones((5, 2)))
    with pytest.raises(TypeError, match=r"params\['0.W'\] must be a writable float array"):
        sgd_step(model, 0.1)
    layer = Dense(3, 4)
    layer.params["W"] = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"batch, 2"):
        layer.forward(x)
    layer.params["b"] = np.ones(5)
    with pytest.raises(ValueError, match=r'params\["b"\] of shape \(n_out,\)'):
        layer.forward(np.ones((5, 2)))
