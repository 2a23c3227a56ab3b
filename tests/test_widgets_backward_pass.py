"""The explorer of 05-backward-pass (utils/widgets/backward_pass.py): backward run one node at a
time; every control changes what is shown, the last step's gradients are the derivative (finite
differences and autograd agree), and every label is readable and inside the picture."""

from __future__ import annotations

import inspect
import itertools

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad
from explorer_driving import largest_difference, readout_number, shown

from utils import numerical_jacobian
from utils.plotting.graph import backward_order, trace_graph
from utils.widgets import Explorer, backward_pass_explorer, values_to_try
from utils.widgets.backward_pass import _G, FUNCTIONS

AUTOGRAD_TWINS = {  # the same functions written for autograd, an independent autodiff
    "tanh(w·x + b)·x": lambda x, w, b: anp.tanh(w * x + b) * x,
    "sum(tanh(A B))": lambda A, B: anp.sum(anp.tanh(A @ B)),
    "sum(G ⊙ (A A))": lambda A: anp.sum((A @ A) * _G),
}
SLIDE_WIDTH_PX, SMALLEST_PX = 1100, 16  # the picture shown ~1100 px wide on a 1280×720 slide


@pytest.fixture(scope="module")
def explorer():
    return backward_pass_explorer()


def last_step(explorer) -> int:
    return explorer.controls["step"].max


def test_it_is_an_explorer_with_the_three_controls(explorer):
    assert isinstance(explorer, Explorer)
    assert set(explorer.controls) == {"function", "step", "value"}
    assert set(AUTOGRAD_TWINS) == set(FUNCTIONS) == set(explorer.controls["function"].options)
    picture, readout = shown(explorer)
    assert picture and "Forward pass" in readout


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_control_changes_the_picture_and_the_readout(explorer, name):
    explorer.controls["function"].value = name
    for key in ("step", "value", "step"):
        control = explorer.controls[key]
        for value in values_to_try(control, most=6):
            if value == control.value:
                continue
            before = shown(explorer)
            control.value = value
            after = shown(explorer)
            assert after[0] != before[0], f"{name}, {key} = {value}: picture unchanged"
            assert after[1] != before[1], f"{name}, {key} = {value}: readout unchanged"


def gradient_texts(explorer) -> list[str]:
    picture = next(p for p in explorer.view.figure.axes if p.get_visible()
                   and any(t.get_visible() and t.get_text() for t in p.texts))
    return [t.get_text() for t in picture.texts if t.get_text().startswith("∂L/∂")
            and t.get_visible()]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_step_zero_is_the_forward_pass_and_each_step_runs_one_node(name):
    explorer = backward_pass_explorer(name)
    assert gradient_texts(explorer) == [], "no gradient before backward starts"
    graph = trace_graph(FUNCTIONS[name].f, *FUNCTIONS[name].inputs(0.5))
    order = backward_order(graph)
    assert last_step(explorer) == len(order) == len({t for _, t in graph.edges})
    seen = 0
    for step in range(1, len(order) + 1):
        explorer.controls["step"].value = step
        node = order[step - 1]
        readout = explorer.readout.value
        assert f"Step {step} of {len(order)}</b>: {node + 1} · {graph.labels[node]}" in readout
        assert f"{graph.labels[node]}'s VJP" in readout and "added into" in readout
        texts = gradient_texts(explorer)
        assert len(texts) > seen, "a step adds the gradients of the node's inputs"
        seen = len(texts)
        # the node whose rule runs has its complete gradient: no "+ …" on it
        label = f"∂L/∂({node + 1})"   # a primitive's box: named by its number
        assert any(t.startswith(label + " =") and "…" not in t for t in texts), texts
    assert len(gradient_texts(explorer)) == len(graph.labels), "every node has its gradient"
    assert not any("…" in t for t in gradient_texts(explorer)), "all complete at the end"
    assert "Done" in explorer.readout.value


def finite_differences(f, args, position):
    def of_one(x):
        changed = list(args)
        changed[position] = x
        return np.asarray(f(*changed), dtype=float)
    return numerical_jacobian(of_one, np.asarray(args[position], dtype=float))


@pytest.mark.parametrize("name, value", list(itertools.product(FUNCTIONS, [-1.7, 0.35, 2.0])))
def test_the_last_step_gives_the_gradient_that_finite_differences_and_autograd_give(name, value):
    explorer = backward_pass_explorer(name, value=value)
    explorer.controls["step"].value = last_step(explorer)
    readout = explorer.readout.value
    inputs = FUNCTIONS[name].inputs(value)
    twin = AUTOGRAD_TWINS[name]
    for position, parameter in enumerate(inspect.signature(FUNCTIONS[name].f).parameters):
        expected = finite_differences(twin, inputs, position)
        np.testing.assert_allclose(expected, autograd_grad(twin, position)(*inputs), atol=1e-6)
        if np.ndim(expected) == 0:  # shown in the picture and the readout, 3 digits
            shown_value = readout_number(readout, f"∂L/∂{parameter} =")
            assert [t for t in gradient_texts(explorer) if t.startswith(f"∂L/∂{parameter} =")]
        else:                       # a matrix: its first entry, a₁₁ or b₁₁
            expected = expected[0, 0]
            shown_value = readout_number(readout, f"∂L/∂{parameter.lower()}₁₁ =")
        assert shown_value == pytest.approx(float(expected), rel=5e-3, abs=5e-3)
    assert largest_difference(readout) < 1e-12, "the walk and ad.grad must agree"


def test_a_value_used_twice_gets_two_shares_that_add():
    explorer = backward_pass_explorer("tanh(w·x + b)·x", value=0.5)
    explorer.controls["step"].value = 1
    assert [t for t in gradient_texts(explorer) if t.startswith("∂L/∂x =") and "…" in t], \
        "after the first step x has one share and waits for the other"
    explorer.controls["step"].value = last_step(explorer)
    readout = explorer.readout.value
    assert "x is used twice: its shares add, (-0.501) + (-0.562) = <b>-1.06</b>" in readout
    explorer.controls["function"].value = "sum(G ⊙ (A A))"  # 05's C = A A: both factors
    explorer.controls["step"].value = last_step(explorer)
    assert "A is used twice: its shares add, (3×3) + (3×3) = <b>3×3</b>" in explorer.readout.value


def test_switching_the_function_fits_the_step_slider_and_the_value_slider():
    explorer = backward_pass_explorer(step=4)
    for name in FUNCTIONS:
        explorer.controls["function"].value = name
        graph = trace_graph(FUNCTIONS[name].f, *FUNCTIONS[name].inputs(0.5))
        steps = len(backward_order(graph))
        assert explorer.controls["step"].max == steps
        assert explorer.controls["step"].value <= steps
        assert f"(of {steps})" in explorer.controls["step"].description
        assert explorer.controls["value"].description == FUNCTIONS[name].slider
        visible = [ax for ax in explorer.view.figure.axes
                   if any(t.get_visible() for t in ax.texts)]
        assert len(visible) == 1, "one function's graph at a time"


def visible_texts(explorer):
    figure = explorer.view.figure
    return [t for t in [*figure.texts, *(t for ax in figure.axes for t in ax.texts)]
            if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_every_label_is_readable_on_a_slide_inside_the_picture_and_apart(name):
    explorer = backward_pass_explorer(name)
    figure = explorer.view.figure
    renderer = figure.canvas.get_renderer()
    scale = SLIDE_WIDTH_PX / (figure.get_figwidth() * figure.dpi)
    inside = figure.bbox
    for step, value in itertools.product(range(last_step(explorer) + 1), (-2.0, -0.05, 1.35)):
        explorer.controls["step"].value, explorer.controls["value"].value = step, value
        texts = visible_texts(explorer)
        boxes = []
        for text in texts:
            assert text.get_fontsize() * figure.dpi / 72 * scale >= SMALLEST_PX, text.get_text()
            box = text.get_window_extent(renderer)
            assert (inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0
                    and box.y1 <= inside.y1), f"{text.get_text()!r} is cut at step {step}"
            boxes.append((text.get_text(), box))
        for (one, a), (other, b) in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), f"{one!r} and {other!r} overlap at step {step}, {value}"
