"""A small reverse-mode autodiff: primitives record a graph, one table holds their VJP rules.

Calling a primitive on a `Node` computes the value with numpy and remembers the inputs. backward
walks the graph from the scalar loss back to the inputs; at each node it looks up the
primitive's rule in VJP_RULES, which maps the incoming gradient G = dL/d(output) to dL/d(input)
without building any Jacobian. At heart that is what tf.gradients, PyTorch's .backward() and
jax.grad do, with many more rules (JAX derives most of its VJPs by transposing JVP rules).
"""

from __future__ import annotations

import numpy as np

from .validation import as_float_array, check_labels, describe


class Node:
    """An array in the graph: its value, the primitive and arguments that made it, its .grad."""

    def __init__(self, value, primitive=None, args=(), kwargs=None):
        self.value = np.asarray(as_float_array(value, "a Node's value"), dtype=float)
        self.primitive = primitive          # None for an input (a leaf)
        self.args = args                    # Nodes and constants, as the primitive got them
        self.kwargs = kwargs or {}
        self.grad = None                    # dL/d(this), shaped like value, set by backward

    __array_ufunc__ = None  # so `ndarray @ node` and `ndarray * node` call Node's __r*__ methods
    shape = property(lambda self: self.value.shape)
    T = property(lambda self: transpose(self))

    def __add__(self, other): return add(self, other)
    def __radd__(self, other): return add(other, self)
    def __sub__(self, other): return subtract(self, other)
    def __rsub__(self, other): return subtract(other, self)
    def __mul__(self, other): return multiply(self, other)
    def __rmul__(self, other): return multiply(other, self)
    def __neg__(self): return multiply(-1.0, self)
    def __matmul__(self, other): return matmul(self, other)
    def __rmatmul__(self, other): return matmul(other, self)

    def __repr__(self) -> str:
        made_by = self.primitive.name if self.primitive else "input"
        return f"Node({made_by}, shape {self.shape})"

    def backward(self, grad_output=None) -> None:
        """Fill .grad of every node this one depends on with dL/d(node), L being this node.

        For a non-scalar node pass grad_output (shaped like it): the result is then the VJP.
        Each call starts from zero, so calling it twice gives the same gradients, not double.
        """
        if grad_output is None:
            if self.value.shape != ():
                raise ValueError(f"backward() without grad_output needs a scalar (a loss); this "
                                 f"node has shape {self.shape}. Reduce it with sum or mean, or "
                                 f"pass grad_output of shape {self.shape} to get a VJP")
            grad_output = np.ones(())
        grad_output = np.asarray(grad_output, dtype=float)
        if grad_output.shape != self.shape:
            raise ValueError(f"grad_output must have this node's shape {self.shape}; got "
                             f"{grad_output.shape}")
        order = topological_order(self)
        for node in order:
            node.grad = np.zeros_like(node.value)   # reset: no leftovers from an earlier call
        self.grad = grad_output
        for node in reversed(order):                # every user of a node comes before it here
            if node.primitive is None:
                continue
            values = [a.value if isinstance(a, Node) else a for a in node.args]
            for argnum, parent in enumerate(node.args):
                if isinstance(parent, Node):
                    rule = node.primitive.vjp_rule(argnum)
                    contribution = rule(node.grad, node.value, *values, **node.kwargs)
                    check_rule_shape(node.primitive, argnum, contribution, parent.value)
                    # += not =: a node used twice gets the sum of the gradients of both uses
                    parent.grad = parent.grad + contribution


def check_rule_shape(primitive, argnum: int, contribution, value: np.ndarray) -> None:
    """A VJP rule must return dL/d(input) shaped like the input: never broadcast it silently."""
    if np.shape(contribution) != value.shape:
        raise ValueError(f"the VJP rule of primitive {primitive.name!r} for argument {argnum} "
                         f"returned shape {np.shape(contribution)}, but that argument has shape "
                         f"{value.shape}; a rule must return dL/d(argument) shaped like it")


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
            stack.extend((a, False) for a in node.args if isinstance(a, Node))
    return order


class Primitive:
    """A numpy function that records itself in the graph when any argument is a Node."""

    def __init__(self, name: str, forward, keywords: tuple = ()):
        self.name, self.forward = name, forward
        self.keywords = tuple(keywords)     # keyword arguments its VJP rules understand too

    def __call__(self, *args, **kwargs):
        unknown = sorted(set(kwargs) - set(self.keywords))
        if unknown:
            allowed = ", ".join(self.keywords) or "none"
            raise TypeError(f"primitive {self.name!r} does not support the keyword argument(s) "
                            f"{', '.join(unknown)}; the ones it supports: {allowed}")
        for i, a in enumerate(args):
            if a is None or (not isinstance(a, Node) and np.iscomplexobj(a)):
                raise TypeError(f"primitive {self.name!r}: argument {i} must be a real array or "
                                f"number; got {'None' if a is None else describe(a)}")
        values = [a.value if isinstance(a, Node) else a for a in args]
        value = self.forward(*values, **kwargs)
        if not any(isinstance(a, Node) for a in args):
            return value                    # nothing to differentiate: plain numpy
        return Node(value, self, args, kwargs)

    def vjp_rule(self, argnum: int):
        try:
            return VJP_RULES[self.name, argnum]
        except KeyError:
            raise NotImplementedError(
                f"primitive {self.name!r} has no VJP rule for argument {argnum}: register one "
                f"with defvjp({self.name}, {argnum}, lambda g, ans, *args: ...)") from None

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def check_matmul(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"matmul needs matrices (m, n) and (n, p); got shapes {A.shape} and "
                         f"{B.shape}")
    return A @ B


def softmax_cross_entropy_value(logits, labels):
    """Mean over rows of -log softmax(logits)[label], by the stable log-sum-exp."""
    logits = np.asarray(as_float_array(logits, "logits"), dtype=float)
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"softmax_cross_entropy needs logits of shape (batch, classes); got "
                         f"shape {logits.shape}")
    labels = check_labels(labels, *logits.shape)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


matmul = Primitive("matmul", check_matmul)
add = Primitive("add", np.add)
subtract = Primitive("subtract", np.subtract)
multiply = Primitive("multiply", np.multiply)
transpose = Primitive("transpose", np.transpose)
tanh = Primitive("tanh", np.tanh)
exp = Primitive("exp", np.exp)
log = Primitive("log", np.log)
relu = Primitive("relu", lambda x: np.maximum(x, 0.0))
sum = Primitive("sum", lambda x, axis=None: np.sum(x, axis=axis), ("axis",))  # noqa: A001
mean = Primitive("mean", lambda x, axis=None: np.mean(x, axis=axis), ("axis",))
softmax_cross_entropy = Primitive("softmax_cross_entropy", softmax_cross_entropy_value)


# ----- The VJP rules: (primitive name, argument number) -> (g, ans, *args) |--> dL/d(arg) -----

VJP_RULES: dict = {}


def defvjp(primitive: Primitive, argnum: int, rule) -> None:
    """Register rule(g, ans, *args) -> dL/d(args[argnum]) as the VJP of `primitive`."""
    if not isinstance(primitive, Primitive):
        raise TypeError(f"primitive must be a Primitive (ad.Primitive(name, forward)); got "
                        f"{describe(primitive)}")
    if isinstance(argnum, bool) or not isinstance(argnum, (int, np.integer)) or argnum < 0:
        raise TypeError(f"argnum must be the position (0, 1, ...) of the argument the rule is "
                        f"for; got {argnum!r:.40}")
    if not callable(rule):
        raise TypeError(f"rule must be a function (g, ans, *args) -> dL/d(argument); got "
                        f"{describe(rule)}")
    VJP_RULES[primitive.name, argnum] = rule


def unbroadcast(g, x):
    """Sum g over the axes numpy broadcast x along, so dL/dx has x's shape again."""
    shape = np.shape(x)
    while g.ndim > len(shape):              # axes numpy prepended
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):     # axes of length 1 that were stretched
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


defvjp(matmul,    0, lambda g, ans, A, B: g @ B.T)
defvjp(matmul,    1, lambda g, ans, A, B: A.T @ g)
defvjp(add,       0, lambda g, ans, x, y: unbroadcast(g, x))
defvjp(add,       1, lambda g, ans, x, y: unbroadcast(g, y))
defvjp(subtract,  0, lambda g, ans, x, y: unbroadcast(g, x))
defvjp(subtract,  1, lambda g, ans, x, y: unbroadcast(-g, y))
defvjp(multiply,  0, lambda g, ans, x, y: unbroadcast(g * y, x))
defvjp(multiply,  1, lambda g, ans, x, y: unbroadcast(g * x, y))
defvjp(transpose, 0, lambda g, ans, x: g.T)
defvjp(tanh,      0, lambda g, ans, x: g * (1.0 - ans ** 2))
defvjp(exp,       0, lambda g, ans, x: g * ans)
defvjp(log,       0, lambda g, ans, x: g / x)
defvjp(relu,      0, lambda g, ans, x: g * (x > 0))       # the mask of the input, not the output


# G |--> G broadcast back over the summed axes (each summand gets the whole of G)
def grad_sum(g, ans, x, axis=None):
    g = g if axis is None else np.expand_dims(g, axis)
    return np.broadcast_to(g, np.shape(x)).copy()
defvjp(sum, 0, grad_sum)


# G |--> G broadcast back, divided by how many entries each mean averaged
def grad_mean(g, ans, x, axis=None):
    count = np.size(x) if axis is None else np.prod([np.shape(x)[a] for a in np.atleast_1d(axis)])
    return grad_sum(g, ans, x, axis) / count
defvjp(mean, 0, grad_mean)


# G |--> G * (softmax(logits) - onehot(labels)) / batch
def grad_softmax_cross_entropy(g, ans, logits, labels):
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    probs[np.arange(len(labels)), labels] -= 1.0
    return g * probs / len(labels)
defvjp(softmax_cross_entropy, 0, grad_softmax_cross_entropy)


# ----- The entry point ------------------------------------------------------------------------

def grad(f, argnums=0):
    """grad(f)(x, ...) -> dL/dx for a scalar L = f(x, ...), shaped like x (like jax.grad).

    argnums picks the inputs to differentiate: an int gives one gradient, a tuple a tuple.
    """
    if not callable(f):
        raise TypeError(f"grad needs a function f; got {describe(f)}")
    single = isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool)
    wanted = (argnums,) if single else tuple(argnums) if isinstance(argnums, (tuple, list)) else ()
    if not wanted or any(isinstance(a, bool) or not isinstance(a, (int, np.integer))
                         for a in wanted):
        raise TypeError(f"argnums must be an input's position or a tuple of them, like 0 or "
                        f"(0, 1); got {argnums!r}")
    if len(set(wanted)) != len(wanted):
        raise ValueError(f"argnums must not repeat an input; got {argnums!r}")

    def gradient(*args):
        if any(not -len(args) <= a < len(args) for a in wanted):
            raise ValueError(f"argnums {argnums} asks for inputs that f was not given: it got "
                             f"{len(args)} argument(s)")
        positions = [a % len(args) for a in wanted]  # -1 is the last input, as in Python
        if len(set(positions)) != len(positions):
            raise ValueError(f"argnums {argnums} names the same input twice")
        args = [Node(as_float_array(a, f"argument {i} of f")) if i in positions else a
                for i, a in enumerate(args)]
        out = f(*args)
        if not isinstance(out, Node):       # f ignored its inputs: every gradient is zero
            out_shape = np.shape(out)
            if out_shape != ():
                raise ValueError(f"grad needs f to return a scalar; it returned shape {out_shape}")
            grads = tuple(np.zeros_like(args[a].value) for a in positions)
        else:
            if out.shape != ():
                raise ValueError(f"grad needs f to return a scalar (a loss); it returned shape "
                                 f"{out.shape}. Reduce it with sum or mean first, or call "
                                 f"backward(grad_output) on the output for a VJP")
            out.backward()
            # an input the output does not depend on is outside the graph: its gradient is 0
            grads = tuple(np.zeros_like(args[a].value) if args[a].grad is None else args[a].grad
                          for a in positions)
        return grads[0] if single else grads

    return gradient
