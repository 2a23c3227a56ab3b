"""Explorer of 05-backward-pass: backward as a walk over the graph, one node's VJP at a time."""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .. import autodiff as ad
from ..plotting.graph import (
    GRAD_COLOUR,
    arc,
    backward_order,
    share_name,
    shares_after,
    short,
    trace_graph,
)
from ._explorer import Explorer
from ._view import FigureView, check_choice, check_real, check_whole, float_slider, slider

RUNNING, RUN, WAITING = "#fde2a1", "#f6d5d1", "#eef3f8"  # a box's colour: its rule runs now,
FIGURE_SIZE, ROW_BOTTOM = (11.0, 3.6), -0.55  # ran already, or waits; inches; units below the row
LOW, HIGH = -2.0, 2.0  # the slider's range, for every function
TIMES = {2: "twice", 3: "three times"}


@dataclass(frozen=True)
class Choice:
    """A function of 05 to walk backward: f, the slider's name, the inputs at a slider value."""

    f: object
    slider: str
    inputs: object


_rng = np.random.default_rng(0)
_A, _B = _rng.normal(size=(2, 3)), _rng.normal(size=(3, 4))
_SQUARE, _G = _rng.normal(size=(3, 3)), _rng.normal(size=(3, 3))  # 05's C = A A, a fixed G


def _with_a11(A, value):
    A = A.copy()
    A[0, 0] = value
    return A


FUNCTIONS = {
    "tanh(w·x + b)·x": Choice(lambda x, w, b: ad.tanh(w * x + b) * x, "input x",
                              lambda v: (v, -1.5, 0.2)),
    "sum(tanh(A B))": Choice(lambda A, B: ad.sum(ad.tanh(A @ B)), "entry a₁₁ of A",
                             lambda v: (_with_a11(_A, v), _B)),
    "sum(G ⊙ (A A))": Choice(lambda A: ad.sum((A @ A) * _G), "entry a₁₁ of A",
                             lambda v: (_with_a11(_SQUARE, v),)),
}


def shape_text(array) -> str:
    """'2×4' for a matrix, a number in at most 3 digits (2 below 0.1, to fit under its box)."""
    array = np.asarray(array, dtype=float)
    if array.ndim > 1 or array.size > 3:
        return "×".join(map(str, array.shape))
    if array.ndim == 0 and abs(array) < 0.1:
        return f"{float(array):.2g}"
    return short(array)


def factor(array) -> str:
    """A factor in a product: a negative number in brackets, a matrix by its shape."""
    text = shape_text(array)
    return f"({text})" if text.startswith("-") or "×" in text else text


def rule_in_words(graph, target: int, grad) -> str:
    """What the primitive at `target` sends into each input, in words, with the numbers."""
    name, parts = graph.labels[target], []
    args = [(s, share) for (s, t), share in zip(graph.edges, graph.shares, strict=True)
            if t == target]
    g, values = factor(grad), [graph.values[s] for s, _ in args]
    names = [share_name(graph, s) for s, _ in args]
    for argnum, (source, share) in enumerate(args):
        if name == "tanh":
            formula = (f"ḡ·(1 − tanh²) = {g}·(1 − {factor(graph.values[target])}²)"
                       if np.ndim(grad) == 0 else "ḡ·(1 − tanh²), entry by entry")
        elif name == "multiply" and len(args) == 1:  # the other factor is a constant
            formula = "ḡ ⊙ the constant factor, entry by entry"
        elif name == "multiply":
            formula = f"ḡ·{names[1 - argnum]} = {g}·{factor(values[1 - argnum])}"
        elif name == "add":
            formula = "ḡ summed over the broadcast axes" if np.shape(share) != np.shape(grad) \
                else "ḡ unchanged"
        elif name == "matmul":
            transposed = factor(np.asarray(values[1 - argnum]).T)
            formula = (f"ḡ·{names[1]}ᵀ: {g}·{transposed}" if argnum == 0 else
                       f"{names[0]}ᵀ·ḡ: {transposed}·{g}")
        elif name == "sum":
            formula = "ḡ copied into every entry"
        else:
            formula = "its VJP rule applied to ḡ"
        parts.append(f"{formula} = <b>{shape_text(share)}</b>, added into "
                     f"<b>{share_name(graph, source)}</b>")
    return f"{name}'s VJP: " + "; ".join(parts)


class BackwardPicture:
    """One function's graph on its own axes: boxes and arrows (keyed: they change with the
    step), values, gradients so far and the shares on the arrows (moving)."""

    def __init__(self, figure, graph, key: str):
        self.graph, self.key, n = graph, key, len(graph.labels)
        ax = self.ax = figure.add_axes((0.005, 0.01, 0.99, 0.86))
        ax.axis("off")
        ax.set_xlim(-0.75, n - 0.25)
        width = ax.get_position().width * figure.get_figwidth()  # inches: y units as wide as x's
        ax.set_ylim(ROW_BOTTOM, ROW_BOTTOM + (n + 0.5) * ax.get_position().height
                    * figure.get_figheight() / width)
        self.boxes = [ax.text(k, 0, f"{k + 1} · {label}", ha="center", va="center",
                              fontsize=14, fontweight="bold", zorder=3,
                              bbox=dict(boxstyle="round,pad=0.4", fc=WAITING, ec="0.5"))
                      for k, label in enumerate(graph.labels)]
        renderer = figure.canvas.get_renderer()  # each box's half-width in points, measured
        half_width = [box.get_window_extent(renderer).width / 2 * 72 / figure.dpi + 0.4 * 14 + 3
                      for box in self.boxes]
        self.bent = [edge in graph.edges[:k] for k, edge in enumerate(graph.edges)]  # A A
        self.arrows = [arc(ax, (s, 0), (t, 0), (half_width[s], half_width[t]), bend=bent)
                       for (s, t), bent in zip(graph.edges, self.bent, strict=True)]
        self.values = [ax.text(k, -0.25, "", ha="center", va="center", fontsize=13)
                       for k in range(n)]
        self.grads = [ax.text(k, -0.44, "", ha="center", va="center", fontsize=12,
                              color=GRAD_COLOUR) for k in range(n)]
        self.shares = [ax.text(*self.label_point(s, t, bent), "", ha="center", va="center",
                               fontsize=12, color=GRAD_COLOUR, style="italic",
                               bbox=dict(fc="white", ec="none", pad=0.5))
                       for (s, t), bent in zip(graph.edges, self.bent, strict=True)]

    def label_point(self, source: int, target: int, bent: bool) -> tuple:
        """Above a straight arrow's middle, or on top of an arc (arc3's apex: rad/2 of its
        length above its ends, which graph.arc lifts by 0.11)."""
        if target - source <= 1 and not bent:
            return (source + target) / 2, 0.2
        return (source + target) / 2, 0.11 + 0.225 * (target - source)

    def keyed(self) -> list:
        return [*self.arrows, *self.boxes]  # boxes over the arrows' ends

    def moving(self) -> list:
        return [*self.values, *self.grads, *self.shares]

    def show(self, visible: bool) -> None:
        for artist in self.keyed() + self.moving():
            artist.set_visible(visible)

    def show_step(self, step: int) -> None:
        """Colour the boxes and arrows: the node whose rule runs at `step`, those run before."""
        order = backward_order(self.graph)
        running = order[step - 1] if step else None
        for k, box in enumerate(self.boxes):
            colour = RUNNING if k == running else RUN if k in order[:step] else WAITING
            box.get_bbox_patch().set_facecolor(colour)
            box.get_bbox_patch().set_edgecolor(GRAD_COLOUR if k == running else "0.5")
        for (_, target), arrow in zip(self.graph.edges, self.arrows, strict=True):
            arrow.arrow_patch.set_color(GRAD_COLOUR if target == running else "0.45")
            arrow.arrow_patch.set_linewidth(2.6 if target == running else 1.4)

    def show_numbers(self, graph, step: int) -> list:
        """Values, the gradients so far (a sum of the shares received) and the shares sent."""
        self.graph = graph
        received = shares_after(graph, step)
        order = backward_order(graph)
        for text, value in zip(self.values, graph.values, strict=True):
            text.set_text(f"= {shape_text(value)}")
        for k, (text, shares) in enumerate(zip(self.grads, received, strict=True)):
            users = {t for s, t in graph.edges if s == k}
            complete = users <= set(order[:step]) and shares
            text.set_text(f"∂L/∂{share_name(graph, k)} = {shape_text(np.sum(shares, axis=0))}"
                          + ("" if complete else "…") if shares else "")
            text.set_alpha(1.0 if complete else 0.6)
        for (_, target), text, share in zip(graph.edges, self.shares, graph.shares, strict=True):
            text.set_text(shape_text(share) if target in order[:step] else "")
            text.set_fontweight("bold" if step and target == order[step - 1] else "normal")
        return received


def backward_pass_explorer(function: str = "tanh(w·x + b)·x", step: int = 0,
                           value: float = 0.5) -> Explorer:
    """Backward on a small function of 05, one step at a time: step 0 is the forward pass,
    step k runs the k-th node's VJP (reverse topological order) and adds its shares into its
    inputs' gradients; the last step's gradients are ad.grad's."""
    check_choice("function", function, FUNCTIONS)
    steps = len(backward_order(trace_graph(FUNCTIONS[function].f,
                                           *FUNCTIONS[function].inputs(0.5))))
    check_whole("step", step, 0, steps, f"{steps} (one per node of {function})")
    value = check_real("value", value, LOW, HIGH)
    controls = {
        "function": widgets.Dropdown(options=list(FUNCTIONS), value=function,
                                     description="function"),
        "step": slider(f"backward step (of {steps})", step, 0, steps),
        "value": float_slider(FUNCTIONS[function].slider, value, LOW, HIGH, step=0.05),
    }
    controls["step"].layout.width, controls["value"].layout.width = "460px", "330px"  # the room
    readout = widgets.HTML()

    def build():
        view = FigureView(figsize=FIGURE_SIZE, dpi=100, most_backgrounds=16)
        pictures = {name: BackwardPicture(view.figure, trace_graph(choice.f,
                                                                   *choice.inputs(0.5)), name)
                    for name, choice in FUNCTIONS.items()}
        heading = view.figure.text(0.01, 0.955, "", fontsize=14, va="center")
        # the heading, boxes and arrows change with (function, step) only: drawn once per key
        view.set_keyed([a for p in pictures.values() for a in p.keyed()] + [heading])
        view.set_moving([a for p in pictures.values() for a in p.moving()])
        for name, picture in pictures.items():  # every (function, step) drawn once, up front
            for other in pictures.values():
                other.show(other is picture)
            order = backward_order(picture.graph)
            for step in range(len(order) + 1):
                view.key = (name, step)
                picture.show_step(step)
                heading.set_text(_heading(picture.graph, order, step))
                view.draw_background()
        state = {"function": None}
        return view, lambda values: update(view, pictures, heading, state, values)

    def switch(state, pictures, name) -> None:  # inside update: Explorer ignores these changes
        choice, step = FUNCTIONS[name], controls["step"]
        last = len(backward_order(pictures[name].graph))
        step.max, step.value = last, min(step.value, last)
        step.description = f"backward step (of {last})"
        controls["value"].description = choice.slider
        for other, picture in pictures.items():
            picture.show(other == name)
        state["function"] = name

    def update(view, pictures, heading, state, values) -> None:
        name = values["function"]
        if state["function"] != name:
            switch(state, pictures, name)
        picture, step = pictures[name], controls["step"].value
        graph = trace_graph(FUNCTIONS[name].f, *FUNCTIONS[name].inputs(values["value"]))
        view.key = (name, step)
        picture.show_step(step)
        received = picture.show_numbers(graph, step)
        order = backward_order(graph)
        heading.set_text(_heading(graph, order, step))
        readout.value = _readout(graph, order, step, received, name)
        if step == len(order):  # the walk's answer against ad.grad's, run apart
            inputs = FUNCTIONS[name].inputs(values["value"])
            answer = ad.grad(FUNCTIONS[name].f, argnums=tuple(range(len(inputs))))(*inputs)
            walked = [np.sum(received[graph.labels.index(p)], axis=0)
                      for p in inspect.signature(FUNCTIONS[name].f).parameters]
            gap = max(float(np.max(np.abs(w - a))) for w, a in zip(walked, answer, strict=True))
            readout.value += f" ad.grad, run apart, gives the same (largest difference {gap:.1e})."

    return Explorer(controls, readout, build)


def _heading(graph, order, step) -> str:
    if step == 0:
        return ("forward pass: values (black) computed along the arrows, the last one is L; "
                "backward has not started")
    node = order[step - 1]
    return (f"backward step {step} of {len(order)}: {node + 1} · {graph.labels[node]} runs its "
            f"VJP and sends shares (red) back along its arrows")


def _readout(graph, order, step, received, name) -> str:
    if step == 0:
        return (f"<b>Forward pass</b> of L = {name}: every box holds its value; L = "
                f"{shape_text(graph.values[-1])}. Move the step to run backward, one node at a "
                f"time, output first.")
    node = order[step - 1]
    grad = np.sum(received[node], axis=0)
    text = (f"<b>Step {step} of {len(order)}</b>: {node + 1} · {graph.labels[node]}, "
            f"ḡ = ∂L/∂{share_name(graph, node)} = {shape_text(grad)}"
            + (" (∂L/∂L = 1, the start). " if node == len(graph.labels) - 1 else
               " (complete: all its users have run). ")
            + rule_in_words(graph, node, grad) + ".")
    for source in sorted({s for s, t in graph.edges if t == node}):
        if len(received[source]) > 1:  # a value used twice: its shares add
            parts = " + ".join(factor(share) for share in received[source])
            times = TIMES.get(len(received[source]), f"{len(received[source])} times")
            text += (f" {share_name(graph, source)} is used {times}: "
                     f"its shares add, {parts} = <b>{shape_text(np.sum(received[source], axis=0))}"
                     f"</b>.")
    if step == len(order):
        leaves = [k for k in range(len(graph.labels)) if k not in order]
        gradients = ", ".join(f"∂L/∂{graph.labels[k]} = {shape_text(graph.grads[k])}" + (
            f" (∂L/∂{graph.labels[k].lower()}₁₁ = {short(graph.grads[k][0, 0])})"
            if np.ndim(graph.grads[k]) == 2 else "") for k in leaves)
        text += f" <b>Done</b>: {gradients};"
    return text
