"""One working call of every public math function (tests/public_names.py lists them).

Shared by the tests that sweep every public function: test_bad_input.py (bad input gets a clear
error), test_property_layout.py (layout never changes a result) and test_fuzz_public_api.py
(anything at all: a right answer or a clear error, in time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils import (
    chain,
    costs,
    data,
    gradcheck,
    jacobian,
    layers,
    linear_maps,
    maps,
    matmul,
    rnn,
    routes,
    validation,
)

rng = np.random.default_rng(0)
A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
G = rng.normal(size=(2, 4))
X23 = rng.normal(size=(2, 3))
W, U, XS = rnn.random_recurrent_matrix(3, 0.9), rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
TRACE = rnn.rnn_forward(W, U, XS)


@dataclass(frozen=True)
class Case:
    """One public function: a call that works, and the kind of each argument to spoil.

    `name` is the public name it drives ('rnn.clip_by_norm', 'layers.Dense.forward').
    """

    name: str
    function: object
    good: dict
    kinds: dict


def _dense(n_in, n_out, rng, W, b):
    return layers.Dense(n_in, n_out, rng=rng, W=W, b=b)


def _dense_forward(x):
    return layers.Dense(3, 2).forward(x)


def _dense_backward(grad_output):
    layer = layers.Dense(3, 2)
    layer.forward(np.ones((4, 3)))
    return layer.backward(grad_output)


def _relu_backward(grad_output):
    layer = layers.ReLU()
    layer.forward(X23)
    return layer.backward(grad_output)


def _tanh_backward(grad_output):
    layer = layers.Tanh()
    layer.forward(X23)
    return layer.backward(grad_output)


def _loss_backward(grad_output):
    layer = layers.SoftmaxCrossEntropy()
    layer.forward(X23, np.array([0, 2]))
    return layer.backward(grad_output)


def _sequential_forward(x):
    return layers.mlp([3, 4, 2]).forward(x)


def _sequential_backward(grad_output):
    model = layers.mlp([3, 4, 2])
    model.forward(X23)
    return model.backward(grad_output), model.grads


def _trained_model():
    model = layers.mlp([3, 4, 2])
    model.backward(np.ones(model.forward(np.ones((5, 3))).shape))
    return model


def _loss_forward(logits, labels):
    return layers.SoftmaxCrossEntropy().forward(logits, labels)


def _slopes(tensor_seconds):
    sizes = np.array([1, 2, 4])
    return routes.RouteMeasurement(sizes, tensor_seconds, sizes ** 2.0, sizes ** 4.0,
                                   sizes ** 2.0).slopes()


CASES = [
    Case("jacobian.numerical_jacobian", jacobian.numerical_jacobian,
         dict(f=np.tanh, x=X23, eps=1e-5, max_bytes=10**6, max_evaluations=100),
         dict(f="callable", x="array", eps="step", max_bytes="count",
              max_evaluations="count")),
    Case("jacobian.default_step", jacobian.default_step, dict(x=X23), dict(x="array")),
    Case("matmul.matmul_jacobian", matmul.matmul_jacobian,
         dict(A=A, B=B, wrt="A", max_bytes=10**6),
         dict(A="matrix", B="matrix", wrt="choice", max_bytes="count")),
    Case("matmul.chain_rule_via_tensor", matmul.chain_rule_via_tensor,
         dict(dL_dC=G, dC_dX=matmul.matmul_jacobian(A, B)), dict(dL_dC="array", dC_dX="array")),
    Case("matmul.matmul_vjp", matmul.matmul_vjp, dict(dL_dC=G, A=A, B=B),
         dict(dL_dC="matrix", A="matrix", B="matrix")),
    Case("costs.format_bytes", costs.format_bytes, dict(n_bytes=1536), dict(n_bytes="number")),
    Case("costs.matmul_costs", costs.matmul_costs,
         dict(m=2, n=3, p=4, wrt="A", dtype=np.float64),
         dict(m="count", n="count", p="count", wrt="choice", dtype="dtype")),
    Case("costs.MatmulCosts.summary", lambda m: costs.matmul_costs(m, 3, 4).summary(),
         dict(m=2), dict(m="count")),
    Case("chain.check_widths", chain.check_widths, dict(widths=[3, 2]), dict(widths="widths")),
    Case("chain.check_order", chain.check_order, dict(order="forward"), dict(order="choice")),
    Case("chain.chain_widths", chain.chain_widths,
         dict(length=3, input_width=4, hidden_width=5, output_width=1),
         dict(length="count", input_width="count", hidden_width="count", output_width="count")),
    Case("chain.chain_costs", chain.chain_costs, dict(widths=[3, 2, 1]), dict(widths="widths")),
    Case("chain.ChainCosts.multiplications",
         lambda order: chain.chain_costs([3, 2, 1]).multiplications(order),
         dict(order="reverse"), dict(order="choice")),
    Case("chain.random_chain", chain.random_chain, dict(widths=[3, 2, 1], rng=None),
         dict(widths="widths", rng="rng")),
    Case("chain.check_chain", chain.check_chain,
         dict(jacobians=[X23, np.ones((1, 2))]), dict(jacobians="array")),
    Case("chain.multiply_chain", chain.multiply_chain,
         dict(jacobians=[X23, rng.normal(size=(4, 2))], order="reverse"),
         dict(jacobians="array", order="choice")),
    Case("chain.time_product", chain.time_product,
         dict(jacobians=[np.ones((2, 3))], order="forward", repeats=2, budget=0.01),
         dict(jacobians="array", order="choice", repeats="count", budget="nonnegative")),
    Case("routes.tensor_route", routes.tensor_route,
         dict(dL_dC=G, A=A, B=B, wrt="B", max_bytes=10**6),
         dict(dL_dC="matrix", A="matrix", B="matrix", wrt="choice", max_bytes="count")),
    Case("routes.vjp_route", routes.vjp_route, dict(dL_dC=G, A=A, B=B, wrt="A"),
         dict(dL_dC="matrix", A="matrix", B="matrix", wrt="choice")),
    Case("routes.check_route_inputs", routes.check_route_inputs,
         dict(dL_dC=G, A=A, B=B, wrt="A"),
         dict(dL_dC="matrix", A="matrix", B="matrix", wrt="choice")),
    Case("routes.best_time", routes.best_time,
         dict(run=lambda: None, repeats=2, min_seconds=1e-4),
         dict(run="callable", repeats="count", min_seconds="positive")),
    Case("routes.fit_slope", routes.fit_slope, dict(x=[1.0, 2.0, 4.0], y=[1.0, 4.0, 16.0]),
         dict(x="array", y="array")),
    Case("routes.RouteMeasurement.slopes", _slopes,
         dict(tensor_seconds=np.array([1.0, 16.0, 256.0])), dict(tensor_seconds="record array")),
    Case("maps.grid_lines", maps.grid_lines,
         dict(domain=((0.0, 1.0), (0.0, 2.0)), lines=3, samples=4),
         dict(domain="array", lines="size", samples="size")),
    Case("maps.square_outline", maps.square_outline,
         dict(point=[0.5, 0.5], size=0.1, samples_per_side=3, centred=True),
         dict(point="array", size="positive", samples_per_side="size", centred="flag")),
    Case("maps.enclosed_area", maps.enclosed_area, dict(path=maps.square_outline([0, 0], 1.0)),
         dict(path="matrix")),
    Case("layers.Dense", _dense,
         dict(n_in=3, n_out=2, rng=None, W=X23, b=np.array([0.5, -1.0])),
         dict(n_in="size", n_out="size", rng="rng", W="optional matrix", b="optional array")),
    Case("layers.Dense.forward", _dense_forward, dict(x=rng.normal(size=(4, 3))),
         dict(x="matrix")),
    Case("layers.Dense.backward", _dense_backward, dict(grad_output=rng.normal(size=(4, 2))),
         dict(grad_output="matrix")),
    Case("layers.SoftmaxCrossEntropy.forward", _loss_forward,
         dict(logits=X23, labels=np.array([0, 2])),
         dict(logits="matrix", labels="array")),
    Case("layers.SoftmaxCrossEntropy.backward", _loss_backward, dict(grad_output=2.0),
         dict(grad_output="real")),
    Case("layers.log_softmax", layers.log_softmax, dict(logits=X23), dict(logits="array")),
    Case("layers.mlp", layers.mlp, dict(sizes=[3, 4, 2], activation="relu", rng=None),
         dict(sizes="widths", activation="choice", rng="rng")),
    Case("layers.sgd_step", layers.sgd_step, dict(model=_trained_model(), learning_rate=0.1),
         dict(model="model", learning_rate="positive")),
    Case("gradcheck.relative_error", gradcheck.relative_error,
         dict(analytic=X23, numeric=X23 + 1e-3), dict(analytic="array", numeric="array")),
    Case("gradcheck.numerical_vjp", gradcheck.numerical_vjp,
         dict(f=np.tanh, x=X23, grad_output=-X23),
         dict(f="callable", x="array", grad_output="array")),
    Case("gradcheck.check_layer_gradients", gradcheck.check_layer_gradients,
         dict(layer=layers.Tanh(), x=X23, tolerance=1e-6),
         dict(layer="layer", x="array", tolerance="positive")),
    Case("gradcheck.check_layer_gradients",
         lambda W, x: gradcheck.check_layer_gradients(layers.Dense(3, 2, W=W), x),
         dict(W=X23, x=X23), dict(W="optional matrix", x="array")),
    Case("rnn.rnn_forward", rnn.rnn_forward,
         dict(W=W, U=U, xs=XS, h0=np.array([0.1, -0.2, 0.3]), nonlinearity="tanh"),
         dict(W="matrix", U="matrix", xs="matrix", h0="optional array", nonlinearity="choice")),
    Case("rnn.check_rnn_inputs", rnn.check_rnn_inputs, dict(W=W, U=U, xs=XS, h0=None),
         dict(W="matrix", U="matrix", xs="matrix")),
    Case("rnn.step_jacobian", rnn.step_jacobian, dict(trace=TRACE, t=2),
         dict(trace="trace", t="index")),
    Case("rnn.jacobian_through_time", rnn.jacobian_through_time, dict(trace=TRACE, k=1, T=4),
         dict(trace="trace", k="index", T="optional index")),
    Case("rnn.jacobian_norms", rnn.jacobian_norms, dict(trace=TRACE, ord=2),
         dict(trace="trace", ord="ord")),
    Case("rnn.unrolled_map", lambda W, U, xs, k, nonlinearity:
         rnn.unrolled_map(W, U, xs, k, nonlinearity)(np.array([0.1, 0.2, 0.3])),
         dict(W=W, U=U, xs=XS, k=1, nonlinearity="tanh"),
         dict(W="matrix", U="matrix", xs="matrix", k="index", nonlinearity="choice")),
    Case("rnn.random_recurrent_matrix", rnn.random_recurrent_matrix,
         dict(n=3, spectral_radius=0.9, rng=None),
         dict(n="size", spectral_radius="nonnegative", rng="rng")),
    Case("rnn.spectral_radius", rnn.spectral_radius, dict(W=W), dict(W="matrix")),
    Case("rnn.clip_by_norm", rnn.clip_by_norm, dict(gradient=X23 * 3, max_norm=1.0),
         dict(gradient="array", max_norm="positive")),
    Case("data.train_test_split", data.train_test_split,
         dict(X=rng.normal(size=(8, 2)), y=np.arange(8), test_fraction=0.25, seed=0),
         dict(X="matrix", y="array", test_fraction="positive", seed="seed")),
    Case("data.load_digits", data.load_digits, dict(path=None), dict(path="path")),
    Case("routes.peak_bytes", routes.peak_bytes, dict(run=lambda: np.ones(10)),
         dict(run="callable")),
    Case("routes.measure_routes", routes.measure_routes,
         dict(sizes=[2, 3], wrt="A", repeats=1, seed=0, tensor_max_bytes=10**6),
         dict(sizes="widths", wrt="choice", repeats="count", seed="seed",
              tensor_max_bytes="count")),
    Case("layers.Sequential", lambda layer: layers.Sequential(layers.Tanh(), layer),
         dict(layer=layers.ReLU()), dict(layer="layer")),
    Case("layers.Sequential.forward", _sequential_forward, dict(x=X23), dict(x="matrix")),
    Case("layers.Sequential.backward", _sequential_backward,
         dict(grad_output=rng.normal(size=(2, 2))), dict(grad_output="matrix")),
    Case("layers.ReLU.forward", lambda x: layers.ReLU().forward(x), dict(x=X23),
         dict(x="array")),
    Case("layers.ReLU.backward", _relu_backward, dict(grad_output=-X23),
         dict(grad_output="array")),
    Case("layers.Tanh.forward", lambda x: layers.Tanh().forward(x), dict(x=X23),
         dict(x="array")),
    Case("layers.Tanh.backward", _tanh_backward, dict(grad_output=-X23),
         dict(grad_output="array")),
    Case("maps.PlaneMap.__call__", lambda points: maps.PLANE_MAPS["smooth warp"](points),
         dict(points=rng.normal(size=(2, 5))), dict(points="array")),
    Case("maps.PlaneMap", lambda point: maps.PLANE_MAPS["smooth warp"].jacobian(point),
         dict(point=np.array([0.3, -0.4])), dict(point="array")),
    Case("linear_maps.frobenius", linear_maps.frobenius, dict(X=X23, Y=-X23),
         dict(X="array", Y="array")),
    Case("linear_maps.vec", linear_maps.vec, dict(X=X23, order="F"),
         dict(X="array", order="choice")),
    Case("linear_maps.unvec", linear_maps.unvec, dict(v=np.arange(6.0), shape=(2, 3), order="F"),
         dict(v="array", shape="shape", order="choice")),
    Case("linear_maps.matmul_kron", linear_maps.matmul_kron,
         dict(A=A, B=B, wrt="B", order="F", max_bytes=10**6),
         dict(A="matrix", B="matrix", wrt="choice", order="choice", max_bytes="count")),
    Case("linear_maps.kron_route_vjp", linear_maps.kron_route_vjp,
         dict(dL_dC=G, A=A, B=B, max_bytes=10**6),
         dict(dL_dC="matrix", A="matrix", B="matrix", max_bytes="count")),
    Case("linear_maps.directional_difference", linear_maps.directional_difference,
         dict(f=np.tanh, X=X23, dX=-X23, h=1e-6),
         dict(f="callable", X="array", dX="array", h="positive")),
    Case("validation.as_float_array", validation.as_float_array, dict(x=X23, name="x"),
         dict(x="array")),
    Case("validation.private_copy", validation.private_copy, dict(x=X23, name="x"),
         dict(x="array")),
    Case("validation.as_matrix", validation.as_matrix, dict(x=X23, name="x"),
         dict(x="matrix")),
    Case("validation.check_labels", validation.check_labels,
         dict(labels=np.array([0, 2]), n_rows=2, n_classes=3), dict(labels="array")),
]

from public_api_autodiff import AUTODIFF_CASES  # noqa: E402  (it uses Case, above)

CASES += AUTODIFF_CASES
