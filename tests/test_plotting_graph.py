"""The computational graph picture (utils/plotting/graph.py): its nodes are the trace's nodes in
ad.topological_order, its edges the trace's, its numbers the forward values and ad.grad's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from utils import autodiff as ad
from utils.plotting import draw_graph
from utils.plotting.graph import backward_order, shares_after, short, trace_graph

FUNCTIONS = {
    "tanh neuron, x used twice": (lambda x, w, b: ad.tanh(w * x + b) * x, 3),
    "exp and log": (lambda x, y: ad.log(ad.exp(x) + y * y), 2),
    "matrix chain": (lambda A, B: ad.sum(ad.tanh(A @ B) * 2.0), 2),
    "mean of relu": (lambda x: ad.mean(ad.relu(x - 0.1)), 1),
}


def inputs_for(name, gen):
    if name == "matrix chain":
        return gen.normal(size=(2, 3)), gen.normal(size=(3, 2))
    return tuple(gen.normal(size=()) + 1.5 for _ in range(FUNCTIONS[name][1]))


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(sorted(FUNCTIONS)), seed=st.integers(0, 2**16))
def test_the_graph_is_the_trace_in_topological_order(name, seed):
    f, _ = FUNCTIONS[name]
    args = inputs_for(name, np.random.default_rng(seed))
    graph = trace_graph(f, *args)
    # an independent trace of the same function, walked the same way
    leaves = [ad.Node(a) for a in args]
    out = f(*leaves)
    order = ad.topological_order(out)
    assert len(graph.labels) == len(order)
    assert [label for label, node in zip(graph.labels, order, strict=True)
            if node.primitive] == [node.primitive.name for node in order if node.primitive]
    position = {id(node): k for k, node in enumerate(order)}
    expected = sorted((position[id(a)], position[id(node)]) for node in order
                      for a in node.parents())
    assert sorted(graph.edges) == expected
    assert all(source < target for source, target in graph.edges), "inputs first"
    for value, node in zip(graph.values, order, strict=True):
        np.testing.assert_array_equal(value, node.value)
    gradients = ad.grad(f, argnums=tuple(range(len(args))))(*args)
    input_grads = [g for g, node in zip(graph.grads, order, strict=True) if node in leaves]
    by_leaf = {id(node): k for k, node in enumerate(order)}
    for leaf, gradient in zip(leaves, gradients, strict=True):
        np.testing.assert_allclose(graph.grads[by_leaf[id(leaf)]], gradient)
    assert len(input_grads) == len(args)
    np.testing.assert_array_equal(graph.grads[-1], 1.0)   # ∂L/∂L
    # each edge's share is what backward adds into its source: they sum to the source's gradient
    for k in range(len(order) - 1):
        shares = [share for (source, _), share in zip(graph.edges, graph.shares, strict=True)
                  if source == k]
        np.testing.assert_allclose(np.sum(shares, axis=0), graph.grads[k], atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(sorted(FUNCTIONS)), seed=st.integers(0, 2**16))
def test_backward_step_by_step_runs_each_node_once_its_gradient_is_complete(name, seed):
    """Step k runs one primitive, after every user of it; the shares it sends are its edges',
    and after the last step each node's shares add up to its gradient (ad.grad's)."""
    f, _ = FUNCTIONS[name]
    graph = trace_graph(f, *inputs_for(name, np.random.default_rng(seed)))
    order = backward_order(graph)
    assert sorted(order) == sorted({t for _, t in graph.edges}), "every primitive, once"
    assert order[0] == len(graph.labels) - 1, "the output runs first"
    assert shares_after(graph, 0) == [[] for _ in graph.labels], "step 0: the forward pass"
    for step, node in enumerate(order, start=1):
        before, after = shares_after(graph, step - 1), shares_after(graph, step)
        users = [t for s, t in graph.edges if s == node]
        assert set(users) <= set(order[:step - 1]), "a node runs after all its users"
        np.testing.assert_allclose(np.sum(before[node] or after[node], axis=0), graph.grads[node])
        added = [len(a) - len(b) for a, b in zip(after, before, strict=True)]
        assert added == [sum(1 for s, t in graph.edges if t == node and s == k) +
                         (step == 1 and k == len(graph.labels) - 1)
                         for k in range(len(graph.labels))], "one node's edges per step"
    for shares, gradient in zip(shares_after(graph, len(order)), graph.grads, strict=True):
        np.testing.assert_allclose(np.sum(shares, axis=0), gradient, atol=1e-12)


def test_the_picture_shows_every_label_value_gradient_and_arrow():
    figure = Figure()
    graph = draw_graph(lambda x, w, b: ad.tanh(w * x + b) * x, 0.5, -1.5, 0.2, figure=figure)
    ax = figure.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert graph.labels == ["x", "b", "w", "multiply", "add", "tanh", "multiply"]
    for k, label in enumerate(graph.labels):
        assert f"{k + 1} · {label}" in texts
    assert "= -0.501" in texts                                # tanh(-0.55)
    assert r"$\partial L/\partial$x = -1.06" in texts         # ∂L/∂x, x used twice:
    assert {"x share -0.562", "x share -0.501"} <= set(texts)  # its two shares, which add up
    assert r"$\partial L/\partial$(4) = 0.375" in texts      # a node that is no input
    assert not any(text.startswith("∂L =") for text in texts)
    assert sum("share" in text for text in texts) == 2        # only values used twice
    arrows = [child for child in ax.get_children() if isinstance(child, Annotation)
              and child.arrow_patch is not None]
    assert len(arrows) == len(graph.edges) == 7
    assert graph.constants == []


def test_constants_are_listed_with_their_primitive():
    graph = trace_graph(lambda x: ad.sum(ad.exp(x * 2.0) - 1.0), [0.1, -0.3])
    assert graph.constants == [("2", 1), ("1", 3)]


def test_numbers_are_short():
    assert short(np.array(0.123456)) == "0.123"
    assert short(np.array([1.0, 2.0])) == "[1, 2]"
    assert short(np.ones((2, 3))) == "shape (2, 3)"


def test_refuses_what_it_cannot_draw():
    with pytest.raises(TypeError, match="f must be a function"):
        trace_graph("f", 1.0)
    with pytest.raises(TypeError, match="returned None"):
        trace_graph(lambda x: None, 1.0)
    with pytest.raises(TypeError, match="argument 0"):
        trace_graph(lambda x: x, "one")
