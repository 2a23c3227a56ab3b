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
    "validation", "autodiff", "tracing", "primitives", "vjps", "jvps", "forward", "hessian",
    "linear_maps", "by_hand"))
# DESIGN.md's math modules: numpy only. Not here: environment.py (reports the Python and
# packages installed), files.py (finds and reads the course's files) and solutions.py (the
# exercises' reference answers, checked by tests/test_solutions.py): they take no arrays and
# compute no mathematics, so layout, bad-value and fuzz properties say nothing about them.


# Callable instances of a class defined elsewhere, counted where they are made: the primitives
# (tracing.Primitive objects) are made in primitives.py and re-exported by autodiff.py.
_INSTANCES = {"utils.primitives": ("utils.tracing",)}


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
            elif callable(obj) and type(obj).__module__ in (module.__name__, *_INSTANCES.get(
                    module.__name__, ())):
                names.add(f"{short}.{name}")  # a callable instance, e.g. primitives.tanh
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
    "autodiff.Node.backward": _INTERNAL, "autodiff.Node.parents": _INTERNAL,
    "autodiff.topological_order": _INTERNAL, "autodiff.check_argnums": _HELPER,
    "autodiff.function_name": _HELPER, "autodiff.refuse_untraced": _HELPER,
    "data.data_dir": "takes nothing: the folder the data files live in",
    "tracing.Box": "the base class of Node and Dual; driven through them",
    "tracing.Box.sum": _INTERNAL, "tracing.Primitive": _INTERNAL,
    "tracing.Primitive.__call__": _INTERNAL, "tracing.Primitive.rule": _INTERNAL,
    "tracing.Primitive.vjp_rule": _INTERNAL, "tracing.check_rule_shape": _INTERNAL,
    "tracing.new_level": "takes nothing: a counter of trace levels",
    "tracing.primal": _INTERNAL, "tracing.shape_of": _INTERNAL,
    "primitives.box_sum": _INTERNAL, "primitives.check_matmul": _INTERNAL,
    "primitives.check_shape": _HELPER,
    "primitives.softmax_value": _INTERNAL, "primitives.softmax_cross_entropy_value": _INTERNAL,
    "vjps.unbroadcast": _INTERNAL, "vjps.mask": _INTERNAL, "vjps.kept_axes_shape": _INTERNAL,
    "vjps.count": _INTERNAL, "vjps.grad_softmax_cross_entropy": _INTERNAL,
    "jvps.spread": _INTERNAL, "jvps.jvp_softmax_cross_entropy": _INTERNAL,
    "forward.Dual": "forward mode's box; driven through jvp and jacobian_forward",
    "hessian.check_point_and_direction": _HELPER, "hessian.along_unit": _HELPER,
    "hessian.timed_calls": "a measurement of time; driven through hvp_costs in test_hessian.py",
    "hessian.hvp_costs": "times HVP routes over sizes (seconds of work); test_hessian.py runs it",
    "linear_maps.measure_kron_route": "a measurement of time; test_linear_maps.py runs it",
    "by_hand.check_params": _HELPER, "by_hand.check_batch": _HELPER,
    "by_hand.check_statistics": _HELPER, "by_hand.statistics": _HELPER,
    "by_hand.autodiff_backward": "takes forward's record of the lines; driven through "
                                 "traced_gradients",
    "by_hand.train": "trains for epochs (seconds); test_by_hand.py runs it",
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
