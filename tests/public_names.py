"""Every public callable of the math modules, found by introspection, and what is known of each.

`public_names()` lists every public function, class, method and callable instance of the math
modules. tests/public_api.py drives each one with a Case, or NOT_DRIVEN here says why not;
test_property_layout.py fails on a name that is neither, so a new function is covered without
anyone remembering.
"""

from __future__ import annotations

import importlib
import inspect

MATH_MODULES = tuple(importlib.import_module(f"utils.{name}") for name in (
    "jacobian", "matmul", "costs", "chain", "routes", "maps", "layers", "gradcheck", "rnn", "data",
    "validation", "autodiff"))  # DESIGN.md's math modules: numpy only


def public_names() -> set[str]:
    """'module.name' and 'module.Class.method' for every public callable of the math modules."""
    names = set()
    for module in MATH_MODULES:
        short = module.__name__.rsplit(".", 1)[1]
        for name, obj in vars(module).items():
            if name.startswith("_"):
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                if obj.__module__ != module.__name__:
                    continue  # imported from elsewhere: counted where it is defined
                names.add(f"{short}.{name}")
                if inspect.isclass(obj):
                    names.update(f"{short}.{name}.{attr}" for attr, member in vars(obj).items()
                                 if (not attr.startswith("_") or attr == "__call__")
                                 and inspect.isfunction(member))
            elif callable(obj) and type(obj).__module__ == module.__name__:
                names.add(f"{short}.{name}")  # a callable instance, e.g. autodiff.tanh
    return names


_HELPER = "a helper of the public functions, driven through them"
_INTERNAL = "part of the autodiff's machinery, driven through grad and the primitives"
NOT_DRIVEN = {
    "matmul.TensorTooLargeError": "an exception class: raised, never called",
    "gradcheck.GradientCheckError": "an exception class: raised, never called",
    "gradcheck.GradientCheck": "a record check_layer_gradients returns; no computation",
    "costs.MatmulCosts": "a record matmul_costs builds; driven through it",
    "chain.ChainCosts": "a record chain_costs builds; driven through it",
    "routes.RouteMeasurement": "a record measure_routes builds; driven through it",
    "rnn.RNNTrace": "a record rnn_forward builds; driven through it",
    "layers.Layer": "the interface; each layer below is driven",
    "layers.ModelParams": "the mapping Sequential.params; driven through Sequential, mlp and "
                          "sgd_step",
    "layers.Layer.__call__": "calls forward, which each layer's case drives",
    "layers.ReLU": "its constructor takes nothing; forward and backward are driven",
    "layers.Tanh": "its constructor takes nothing; forward and backward are driven",
    "layers.SoftmaxCrossEntropy": "its constructor takes nothing; forward and backward are "
                                  "driven",
    "chain.single_blas_thread": "takes nothing: a context manager around timings",
    "costs.check_memory": _HELPER, "costs.check_work": _HELPER,
    "data.sha256": "reads a file path, no arrays; driven through load_digits",
    "rnn.activate": _HELPER, "rnn.derivative": _HELPER, "rnn.check_nonlinearity": _HELPER,
    "rnn.check_trace": _HELPER, "rnn.check_step": _HELPER,
    "validation.describe": "describes anything it is given; never refuses",
    "validation.check_matmul_shapes": _HELPER, "validation.check_finite": _HELPER,
    "validation.check_wrt": _HELPER,
    "validation.check_max_bytes": _HELPER, "validation.check_count": _HELPER,
    "validation.check_number": _HELPER, "validation.check_choice": _HELPER,
    "validation.check_rng": _HELPER, "validation.check_function": _HELPER,
    "autodiff.Node.backward": _INTERNAL, "autodiff.check_rule_shape": _INTERNAL,
    "autodiff.topological_order": _INTERNAL, "autodiff.Primitive": _INTERNAL,
    "autodiff.Primitive.vjp_rule": _INTERNAL, "autodiff.Primitive.__call__": _INTERNAL,
    "autodiff.check_matmul": _INTERNAL,
    "autodiff.softmax_cross_entropy_value": _INTERNAL, "autodiff.unbroadcast": _INTERNAL,
    "autodiff.grad_sum": _INTERNAL, "autodiff.grad_mean": _INTERNAL,
    "autodiff.grad_softmax_cross_entropy": _INTERNAL,
}

# The kinds of argument that take arrays (the others take sizes, choices, functions, ...).
# "autodiff input" is an input of a function grad differentiates: errors name its position.
ARRAY_KINDS = ("array", "matrix", "optional array", "optional matrix", "record array",
               "autodiff input")

# Measurements of time or memory: their results are not a function of the values given.
MEASUREMENTS = {"chain.time_product", "routes.best_time", "routes.peak_bytes",
                "routes.measure_routes"}

# Results that depend on the dtype by design (checked only to run in float32).
DTYPE_DEPENDENT = {"jacobian.default_step": "the step suits the dtype's precision: float32's "
                                            "is larger"}
