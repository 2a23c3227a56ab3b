"""Layers with a backward pass: forward(x) keeps what backward(grad_output) will need.

Every layer has the same interface:

    y = layer.forward(x)              # and remembers x (or what it needs of it)
    dL_dx = layer.backward(dL_dy)     # dL_dy has y's shape, dL_dx has x's shape
    layer.params["W"], layer.grads["W"]   # parameters and their dL/dparameter, same shapes

backward takes the incoming gradient dL/dy instead of returning the Jacobian dy/dx because
the loss is a scalar: dL/dx = dL/dy contracted with dy/dx is a vector-Jacobian product (VJP)
that each layer computes directly, without ever building the Jacobian.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np

from .costs import check_memory
from .validation import (
    as_float_array,
    check_choice,
    check_count,
    check_finite,
    check_labels,
    check_number,
    check_rng,
    describe,
    private_copy,
)


class Layer:
    """The interface: forward(x) -> y, backward(dL_dy) -> dL_dx, params and grads dicts."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._output_shape = None  # set by forward; backward checks grad_output against it

    def __call__(self, x):
        return self.forward(x)

    def _check_grad_output(self, grad_output) -> np.ndarray:
        """grad_output must have the shape of the last forward's output (dL/dy is shaped like y)."""
        name = type(self).__name__
        if self._output_shape is None:
            raise RuntimeError(f"{name}.backward was called before forward: run forward(x) first "
                               f"so the layer has the input its gradient depends on")
        grad_output = as_float_array(grad_output, "grad_output")
        if grad_output.shape != self._output_shape:
            raise ValueError(f"{name}.backward: grad_output has shape {grad_output.shape}, but "
                             f"dL/dy must have the shape of the forward output "
                             f"{self._output_shape}")
        return grad_output

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}{v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Dense(Layer):
    """y = x @ W.T + b for a batch x (batch, n_in): W (n_out, n_in), b (n_out,), y (batch, n_out).

    W is stored as torch.nn.Linear stores .weight: the map taking one column x to W x, so each
    row of the batch goes through it as x W^T. backward uses x and W as they were at forward:
    changing x in place afterwards, or putting a new array in params["W"], never changes the
    gradients of the forward already done. A new params["W"] or params["b"] (same shapes) is what
    the next forward uses, and sgd_step updates.
    """

    def __init__(self, n_in: int, n_out: int, rng=None, W=None, b=None):
        super().__init__()
        n_in, n_out = check_count(n_in, "n_in"), check_count(n_out, "n_out")
        check_memory(n_in * n_out * 8, f"Dense(n_in={n_in:,}, n_out={n_out:,})'s weights")
        rng = check_rng(rng)
        if W is None:  # He initialisation: keeps the scale of activations through ReLU layers
            W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
        W = check_finite(private_copy(W, "W", np.float64), "W")  # an inf weight: NaN everywhere
        b = np.zeros(n_out) if b is None else check_finite(private_copy(b, "b", np.float64), "b")
        if W.shape != (n_out, n_in) or b.shape != (n_out,):
            raise ValueError(f"Dense(n_in={n_in}, n_out={n_out}) needs W of shape "
                             f"{(n_out, n_in)} = (n_out, n_in) and b of shape {(n_out,)}; got W "
                             f"{W.shape} and b {b.shape}")
        self.params = {"W": W, "b": b}

    def forward(self, x):
        x = as_float_array(x, "x")
        W = as_float_array(self.params["W"], 'params["W"]')  # it may have been replaced
        b = as_float_array(self.params["b"], 'params["b"]')
        if W.ndim != 2 or b.shape != W.shape[:1]:
            raise ValueError(f'Dense needs params["W"] of shape (n_out, n_in) and params["b"] '
                             f"of shape (n_out,); got {W.shape} and {b.shape}")
        n_in = W.shape[1]
        if x.ndim != 2 or x.shape[1] != n_in or len(x) == 0:
            raise ValueError(f"Dense.forward expects x, a batch of shape (batch, {n_in}) with "
                             f"batch >= 1; got shape {x.shape}")
        self.x, self.W = x.copy(), W.copy()  # values, not references: see the class docstring
        y = x @ W.T + b
        self._output_shape = y.shape
        return y

    def backward(self, grad_output):
        G = self._check_grad_output(grad_output)          # (batch, n_out)
        self.grads["W"] = G.T @ self.x                     # G |--> G.T @ x, shape (n_out, n_in)
        self.grads["b"] = G.sum(axis=0)                    # b is added to every row: sum over them
        return G @ self.W                                  # G |--> G @ W, shape (batch, n_in)


class ReLU(Layer):
    """y = max(x, 0) elementwise; its gradient lets dL/dy through where the INPUT was positive."""

    def forward(self, x):
        x = as_float_array(x, "x")
        self.mask = x > 0
        self._output_shape = x.shape
        return np.where(self.mask, x, 0.0)

    def backward(self, grad_output):
        return self._check_grad_output(grad_output) * self.mask


class Tanh(Layer):
    """y = tanh(x) elementwise; dy/dx = 1 - y², so the output is all backward needs."""

    def forward(self, x):
        x = as_float_array(x, "x")
        y = np.tanh(x)
        self.y, self._output_shape = y.copy(), x.shape  # y *= 2 by the caller changes no gradient
        return y

    def backward(self, grad_output):
        return self._check_grad_output(grad_output) * (1.0 - self.y ** 2)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax along the last axis; subtracting the row max keeps exp from overflowing."""
    logits = as_float_array(logits, "logits")
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have at least one class along the last axis; got shape "
                         f"{logits.shape}")
    check_finite(logits, "logits", allow=(-np.inf,))  # -inf: a class that cannot happen
    largest = logits.max(axis=-1, keepdims=True)
    if np.isinf(largest).any():
        raise ValueError(f"logits must give each row at least one possible class; row "
                         f"{np.argwhere(np.isinf(largest))[0][:-1].tolist()} is all -inf")
    shifted = logits - largest
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class SoftmaxCrossEntropy(Layer):
    """L = mean over the batch of -log softmax(logits)[label]; forward(logits, labels) -> scalar."""

    def forward(self, logits, labels=None):
        logits = as_float_array(logits, "logits")
        if logits.ndim != 2 or 0 in logits.shape:
            raise ValueError(f"SoftmaxCrossEntropy expects logits of shape (batch, classes); got "
                             f"shape {logits.shape}")
        if labels is None:
            raise ValueError("SoftmaxCrossEntropy.forward needs labels: forward(logits, labels)")
        self.labels = check_labels(labels, *logits.shape).copy()  # a value, not a reference
        self.log_probs = log_softmax(logits)
        self._output_shape = ()
        rows = np.arange(len(logits))
        return -self.log_probs[rows, self.labels].mean()

    def backward(self, grad_output=1.0):
        G = self._check_grad_output(grad_output)          # dL/dL: 1 for the loss itself
        batch = len(self.labels)
        dL_dlogits = np.exp(self.log_probs)                 # softmax(logits)
        dL_dlogits[np.arange(batch), self.labels] -= 1.0    # minus the one-hot labels
        return G * dL_dlogits / batch                       # the mean spreads 1/batch to each row


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse, each passing dL/d(its input) on."""

    def __init__(self, *layers):
        super().__init__()
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise TypeError(f"Sequential needs one or more layer objects (Layer); got "
                            f"{[type(layer).__name__ for layer in layers]}")
        self.layers = list(layers)
        self.params = ModelParams(self.layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        self._output_shape = np.shape(x)
        return x

    def backward(self, grad_output):
        grad = self._check_grad_output(grad_output)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        self.grads = {f"{i}.{k}": v for i, layer in enumerate(self.layers)
                      for k, v in layer.grads.items()}
        return grad

    def __repr__(self) -> str:
        return "Sequential(" + ", ".join(repr(layer) for layer in self.layers) + ")"


class ModelParams(MutableMapping):
    """Sequential.params: "0.W" is layers[0].params["W"], read and assigned through the layer,
    so a parameter replaced here is the one the layer uses and sgd_step updates."""

    def __init__(self, layers):
        self._layers = layers

    def _where(self, key) -> tuple[dict, str]:
        index, _, name = str(key).partition(".")
        if not (index.isdigit() and int(index) < len(self._layers)
                and name in self._layers[int(index)].params):
            raise KeyError(f"{key!r}: the model's parameters are {', '.join(self)}")
        return self._layers[int(index)].params, name

    def __getitem__(self, key):
        params, name = self._where(key)
        return params[name]

    def __setitem__(self, key, value):
        params, name = self._where(key)
        params[name] = value

    def __delitem__(self, key):
        raise TypeError(f"a model's parameters cannot be removed; replace {key!r} instead")

    def __iter__(self):
        return (f"{i}.{k}" for i, layer in enumerate(self._layers) for k in layer.params)

    def __len__(self) -> int:
        return sum(len(layer.params) for layer in self._layers)

    def __repr__(self) -> str:
        return repr(dict(self))


def mlp(sizes, activation: str = "relu", rng=None) -> Sequential:
    """Dense layers of the given sizes with an activation between them, e.g. mlp([64, 32, 10])."""
    activations = {"relu": ReLU, "tanh": Tanh}
    check_choice(activation, "activation", tuple(activations))
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths like [64, 32, 10]; got "
                        f"{describe(sizes)}: {sizes!r:.40}")
    sizes = [check_count(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width; got {sizes}")
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))  # (n_in, n_out) of each Dense
    check_memory(sum((n_in + 1) * n_out * 8 for n_in, n_out in pairs),
                 f"mlp(sizes={sizes!r:.80})'s weights, all layers together,")
    rng = check_rng(rng)
    layers = []
    for n_in, n_out in pairs:
        layers += [Dense(n_in, n_out, rng=rng), activations[activation]()]
    return Sequential(*layers[:-1])  # no activation after the last layer: it makes the logits


def sgd_step(model: Layer, learning_rate: float) -> None:
    """One gradient-descent step in place: every parameter moves against its gradient."""
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a Layer (e.g. an mlp or a Dense); got {describe(model)}")
    learning_rate = check_number(learning_rate, "learning_rate")
    missing = [name for name in model.params if name not in model.grads]
    if missing:
        raise ValueError(f"model has no gradient yet for {', '.join(missing)}: call "
                         f"model.backward(...) after a forward pass before sgd_step")
    steps = {}
    for name, value in model.params.items():
        if not (isinstance(value, np.ndarray) and value.dtype.kind == "f"
                and value.flags.writeable):
            read_only = isinstance(value, np.ndarray) and not value.flags.writeable
            raise TypeError(f"model.params[{name!r}] must be a writable float array, updated "
                            f"in place; got {describe(value)}{' (read-only)' * read_only}")
        if model.grads[name].shape != value.shape:
            raise ValueError(f"model.grads[{name!r}] has shape {model.grads[name].shape}, but "
                             f"the parameter has shape {value.shape}")
        with np.errstate(over="ignore"):
            steps[name] = learning_rate * model.grads[name]
        check_finite(steps[name], f"learning_rate * model.grads[{name!r}]")
        if not np.all(np.isfinite(value - steps[name])):
            raise ValueError(f"learning_rate = {learning_rate:g} would push model.params[{name!r}]"
                             f" past the largest float: training has diverged")
    for name, step in steps.items():  # every step checked first: no half-updated model
        model.params[name] -= step
