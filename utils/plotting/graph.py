"""A function built with the course's autodiff drawn as its computational graph.

Each box is a Node, placed left to right in ad.topological_order (inputs first), with its
forward value (black) and its gradient ∂L/∂(node) after backward (red); arrows run from each
input of a primitive to its output, so every arrow points right, and an input used twice has
two arrows leaving it, each labelled with its share of that input's gradient (the shares add
up to it). Constants a primitive was given are small grey boxes below.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from .. import autodiff as ad
from ..validation import as_float_array

VALUE_COLOUR, GRAD_COLOUR, CONSTANT_COLOUR = "black", "#c0392b", "#7f8c8d"


@dataclass
class Graph:
    """What was drawn: node labels in topological order, edges (from, to) between their
    positions, constants as (text, to), each node's value and gradient, and each edge's share:
    the VJP of the edge's target for that argument, what backward adds into the source."""

    labels: list
    values: list
    grads: list
    edges: list = field(default_factory=list)
    shares: list = field(default_factory=list)
    constants: list = field(default_factory=list)


def short(array) -> str:
    """A number as 3 significant digits; a small array by its entries; a big one by its shape."""
    array = np.asarray(array, dtype=float)
    if array.ndim == 0:
        return f"{float(array):.3g}"
    if array.size <= 3:
        return "[" + ", ".join(f"{v:.2g}" for v in array.ravel()) + "]"
    return f"shape {array.shape}"


def trace_graph(f, *args) -> Graph:
    """Run f on the args as Nodes, backward from its scalar output, and list the graph."""
    if not callable(f):
        raise TypeError(f"f must be a function built with the autodiff; got {type(f).__name__}")
    try:
        names = list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        names = []
    names = (names + [f"x{i}" for i in range(len(args))])[:len(args)]
    leaves = [ad.Node(as_float_array(a, f"argument {i}")) for i, a in enumerate(args)]
    out = f(*leaves)
    ad.refuse_untraced(f, out, 0, "draw_graph")
    out.backward()
    order = ad.topological_order(out)
    position = {id(node): k for k, node in enumerate(order)}
    leaf_name = {id(leaf): name for leaf, name in zip(leaves, names, strict=True)}
    labels = [leaf_name.get(id(node), "input") if node.primitive is None else
              node.primitive.name for node in order]
    graph = Graph(labels, [node.value for node in order], [node.grad for node in order])
    for node in order:
        for argnum, a in enumerate(node.args):
            if isinstance(a, ad.Node):
                graph.edges.append((position[id(a)], position[id(node)]))
                rule = node.primitive.rule("VJP", argnum)
                graph.shares.append(rule(node.grad, node.value, *node.values, **node.kwargs))
            elif not isinstance(a, (list, tuple)) and np.size(a) <= 64:
                graph.constants.append((short(a), position[id(node)]))
    return graph


def arc(ax, start, end, widths, colour="0.45", bend: bool = False):
    """An arrow from box to box: straight between neighbours, an arc above the row otherwise
    (or if `bend`: a second arrow between the same boxes)."""
    distance = end[0] - start[0]
    if distance <= 1 and not bend:  # shrink by each box's half-width (points): arrows join them
        style = dict(shrinkA=widths[0], shrinkB=widths[1], connectionstyle="arc3,rad=0")
        lift = 0.0
    else:
        style = dict(shrinkA=2, shrinkB=2, connectionstyle="arc3,rad=-0.45")
        lift = 0.11
    return ax.annotate("", xy=(end[0], end[1] + lift), xytext=(start[0], start[1] + lift),
                       arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.4, **style))


def backward_order(graph: Graph) -> list:
    """The nodes backward runs, one per step: every primitive's position, output first (the
    reverse of the topological order; inputs run no rule)."""
    return sorted({target for _, target in graph.edges}, reverse=True)


def shares_after(graph: Graph, steps: int) -> list:
    """Per node, the shares it has received after `steps` backward steps, in order of arrival
    (the output receives ∂L/∂L = 1 at the first step): its gradient so far is their sum,
    complete once every user of the node has run."""
    run = backward_order(graph)[:steps]
    received = [[] for _ in graph.labels]
    if run:
        received[-1].append(np.ones(()))  # the output is last in topological order
    for target in run:
        for (source, t), share in zip(graph.edges, graph.shares, strict=True):
            if t == target:
                received[source].append(share)
    return received


def share_name(graph: Graph, k: int) -> str:
    """An input by its name (x), any other node by its box's number ((4))."""
    return graph.labels[k] if k not in {t for _, t in graph.edges} else f"({k + 1})"


def draw_graph(f, *args, figure=None) -> Graph:
    """Draw f's computational graph at args (forward values, backward gradients); return it."""
    graph = trace_graph(f, *args)
    if figure is None:
        import matplotlib.pyplot as plt
        figure = plt.figure(figsize=(min(1.6 * len(graph.labels) + 1, 13), 3.6))
    ax = figure.add_subplot(1, 1, 1)
    xy = np.column_stack([np.arange(len(graph.labels)), np.zeros(len(graph.labels))])
    titles = [f"{k + 1} · {label}" for k, label in enumerate(graph.labels)]
    half_width = [3.4 * len(title) + 9 for title in titles]   # points, for 11 pt bold text
    uses = np.bincount([source for source, _ in graph.edges], minlength=len(graph.labels))
    for (source, target), share in zip(graph.edges, graph.shares, strict=True):
        arc(ax, xy[source], xy[target], (half_width[source], half_width[target]))
        if uses[source] > 1:   # a value used twice: the share each use adds, by the arrow head
            ax.text(xy[target][0] - 0.1, 0.16, f"{share_name(graph, source)} share "
                    f"{short(share)}", ha="right", va="bottom", fontsize=9, color=GRAD_COLOUR,
                    style="italic", bbox=dict(fc="white", ec="none", pad=0.5))
    for k, (value, gradient) in enumerate(zip(graph.values, graph.grads, strict=True)):
        x, y = xy[k]
        ax.text(x, y, titles[k], ha="center", va="center", fontsize=11, fontweight="bold",
                bbox=dict(boxstyle="round,pad=0.5", fc="#eef3f8", ec="0.5"))
        ax.text(x, y - 0.22, f"= {short(value)}", ha="center", va="center", fontsize=10,
                color=VALUE_COLOUR)
        name = share_name(graph, k)
        ax.text(x, y - 0.38, rf"$\partial L/\partial${name} = {short(gradient)}", ha="center",
                va="center", fontsize=10, color=GRAD_COLOUR)
    for j, (text, target) in enumerate(graph.constants):   # below their primitive's box
        below = sum(1 for _, t in graph.constants[:j] if t == target)
        ax.text(xy[target][0], -0.56 - 0.15 * below, f"with constant {text}", ha="center",
                va="center", fontsize=9, color=CONSTANT_COLOUR)
    longest = max((t - s for s, t in graph.edges), default=1)
    ax.set_xlim(-0.6, len(graph.labels) - 0.4)
    ax.set_ylim(-0.62 - 0.15 * len(graph.constants) if graph.constants else -0.5,
                0.25 + 0.23 * longest)
    ax.axis("off")
    ax.set_title("forward values (black) run along the arrows; gradients ∂L/∂(node) (red) run "
                 "back against them; a value used twice gets the sum of its shares",
                 fontsize=10)
    return graph
