"""A small reverse-mode autodiff: primitives record a graph, each holds its own VJP rules.

Calling a primitive on a `Node` computes the value with numpy and remembers the inputs. backward
walks the graph from the scalar loss back to the inputs; at each node it asks the primitive for
its rule (vjps.py), which maps the incoming gradient G = dL/d(output) to dL/d(input) without
building any Jacobian. At heart that is what tf.gradients, PyTorch's .backward() and jax.grad
do, with many more rules. The rules are written with primitives, so grad nests: grad of a
function that calls grad (or forward mode's jvp, forward.py) gives second derivatives.
"""

from __future__ import annotations

import numpy as np

from . import jvps, vjps  # noqa: F401  (registers every primitive's rules)
from .forward import Dual, jacobian_forward, jvp  # noqa: F401
from .primitives import (  # noqa: F401
    add,
    broadcast_to,
    check_matmul,
    divide,
    exp,
    log,
    matmul,
    mean,
    multiply,
    relu,
    reshape,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_value,
    subtract,
    sum,
    tanh,
    transpose,
)
from .tracing import Box, Primitive, check_rule_shape, defjvp, defvjp, new_level, shape_of  # noqa: F401
from .validation import as_float_array, describe
from .vjps import unbroadcast  # noqa: F401


class Node(Box):
    """An array in the graph: its value, the primitive and arguments that made it, its .grad."""

    def __init__(self, value, primitive=None, args=(), kwargs=None, level=0, values=None):
        if not isinstance(value, Box):      # a Box here is an outer trace's: kept, to nest
            value = np.asarray(as_float_array(value, "a Node's value"), dtype=float)
        super().__init__(value, level)
        self.primitive = primitive          # None for an input (a leaf)
        self.args = args                    # Nodes and constants, as the primitive got them
        self.values = values                # what the primitive computed with (args unwrapped)
        self.kwargs = kwargs or {}
        self.grad = None                    # dL/d(this), shaped like value, set by backward

    @classmethod
    def lift(cls, primitive, ans, args, values, kwargs, level):
        return cls(ans, primitive, args, kwargs, level, values)

    def __repr__(self) -> str:
        made_by = self.primitive.name if self.primitive else "input"
        return f"Node({made_by}, shape {self.shape})"

    def parents(self) -> list:
        """The Nodes of this trace this one was computed from."""
        return [a for a in self.args if isinstance(a, Node) and a.level == self.level]

    def backward(self, grad_output=None) -> None:
        """Fill .grad of every node this one depends on with dL/d(node), L being this node.

        For a non-scalar node pass grad_output (shaped like it): the result is then the VJP.
        Each call starts from zero, so calling it twice gives the same gradients, not double.
        """
        if grad_output is None:
            if self.shape != ():
                raise ValueError(f"backward() without grad_output needs a scalar (a loss); this "
                                 f"node has shape {self.shape}. Reduce it with sum or mean, or "
                                 f"pass grad_output of shape {self.shape} to get a VJP")
            grad_output = np.ones(())
        if not isinstance(grad_output, Box):
            grad_output = np.asarray(grad_output, dtype=float)
        if shape_of(grad_output) != self.shape:
            raise ValueError(f"grad_output must have this node's shape {self.shape}; got "
                             f"{shape_of(grad_output)}")
        order = topological_order(self)
        for node in order:
            node.grad = None                # reset: no leftovers from an earlier call
        self.grad = grad_output
        for node in reversed(order):        # every user of a node comes before it here
            if node.primitive is None or node.grad is None:
                continue
            for argnum, parent in enumerate(node.args):
                if isinstance(parent, Node) and parent.level == node.level:
                    rule = node.primitive.rule("VJP", argnum)
                    contribution = rule(node.grad, node.value, *node.values, **node.kwargs)
                    check_rule_shape(node.primitive, "VJP", argnum, contribution, parent.shape)
                    # a sum, not a replacement: a node used twice gets both uses' gradients
                    parent.grad = contribution if parent.grad is None else \
                        parent.grad + contribution


def topological_order(root: Node) -> list:
    """Nodes such that each comes after everything it was computed from (inputs first)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:  # iterative depth-first search: deep graphs (long RNNs) do not hit recursion
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((a, False) for a in node.parents())
    return order


def function_name(f) -> str:
    return getattr(f, "__qualname__", None) or describe(f)


def refuse_untraced(f, out, level: int, mode: str) -> None:
    """f's output must be built from the inputs being differentiated; say what it was instead."""
    if isinstance(out, Box) and out.level == level:
        return
    name = function_name(f)
    if out is None:
        raise TypeError(f"{mode}: f, the function {name}, returned None: did it forget "
                        f"`return`?")
    what = ("a Box of another trace (built from some other function's inputs)"
            if isinstance(out, Box) else describe(out))
    if isinstance(out, (int, float, np.generic, np.ndarray)) and np.ndim(out) == 0:
        what += f" ({float(out):.6g})"
    raise TypeError(f"{mode}: f, the function {name}, returned {what}, which is not built from its "
                    f"inputs, so it has no derivative to follow. Compute the result from the "
                    f"inputs with the autodiff's operations (+, *, @, ad.sum, ad.tanh, ...), "
                    f"not numpy on .value or a constant")


def check_argnums(argnums):
    single = isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool)
    wanted = (argnums,) if single else tuple(argnums) if isinstance(argnums, (tuple, list)) else ()
    if not wanted or any(isinstance(a, bool) or not isinstance(a, (int, np.integer))
                         for a in wanted):
        raise TypeError(f"argnums must be an input's position or a tuple of them, like 0 or "
                        f"(0, 1); got {argnums!r}")
    if len(set(wanted)) != len(wanted):
        raise ValueError(f"argnums must not repeat an input; got {argnums!r}")
    return single, wanted


def grad(f, argnums=0):
    """grad(f)(x, ...) -> dL/dx for a scalar L = f(x, ...), shaped like x (like jax.grad).

    argnums picks the inputs to differentiate: an int gives one gradient, a tuple a tuple.
    """
    if not callable(f):
        raise TypeError(f"grad needs a function f; got {describe(f)}")
    single, wanted = check_argnums(argnums)

    def gradient(*args):
        if any(not -len(args) <= a < len(args) for a in wanted):
            raise ValueError(f"argnums {argnums} asks for inputs that f was not given: it got "
                             f"{len(args)} argument(s)")
        positions = [a % len(args) for a in wanted]  # -1 is the last input, as in Python
        if len(set(positions)) != len(positions):
            raise ValueError(f"argnums {argnums} names the same input twice")
        level = new_level()
        args = [Node(a if isinstance(a, Box) else as_float_array(a, f"argument {i} of f"),
                     level=level) if i in positions else a for i, a in enumerate(args)]
        out = f(*args)
        refuse_untraced(f, out, level, "grad")
        if out.shape != ():
            raise ValueError(f"grad needs f to return a scalar (a loss); it returned shape "
                             f"{out.shape}. Reduce it with sum or mean first, or call "
                             f"backward(grad_output) on the output for a VJP")
        out.backward()
        # an input the output does not depend on is outside the graph: its gradient is 0
        grads = tuple(np.zeros(args[a].shape) if args[a].grad is None else args[a].grad
                      for a in positions)
        return grads[0] if single else grads

    return gradient
