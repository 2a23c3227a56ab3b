"""The explorers that draw the 4-D tensor (03's tensor_explorer, and 04's tensor_vs_vjp_explorer
where they share a test): every control over its whole range, pictures true to the tensor."""

from __future__ import annotations

import numpy as np
import pytest
from explorer_driving import pixels, shown

from utils.widgets import (
    tensor_explorer,
    tensor_vs_vjp_explorer,
)


def _sweep(control):
    """Every value a control can take (a slider's whole range, a dropdown's options)."""
    if hasattr(control, "options"):  # a dropdown's labels, or (label, value) pairs
        return [o[1] if isinstance(o, tuple) else o for o in control.options]
    values = list(range(control.min, control.max + 1, control.step))
    return values if len(values) <= 64 else values[::len(values) // 48] + values[-1:]


@pytest.mark.parametrize("make", [tensor_explorer, tensor_vs_vjp_explorer])
def test_every_control_changes_the_display(make):
    """Each control over its whole range with wrt = A, and to both ends with wrt = B."""
    explorer = make()
    for name, control in explorer.controls.items():
        for wrt in ("A", "B"):
            explorer.controls["wrt"].value = wrt
            values = _sweep(control)
            for value in values if wrt == "A" else [values[0], values[-1]]:
                if value == control.value:
                    continue
                before = shown(explorer)
                control.value = value
                after = shown(explorer)
                assert after[0] != before[0] or after[1] != before[1], (name, value)
                assert after[0][:8] == b"\x89PNG\r\n\x1a\n"


def test_tensor_explorer_entry_sliders_follow_the_shape_of_C():
    explorer = tensor_explorer()
    controls = explorer.controls
    controls["i"].value, controls["j"].value = controls["i"].max, controls["j"].max
    controls["m"].value, controls["p"].value = 1, 2
    assert (controls["i"].max, controls["j"].max) == (1, 2)  # 1-based, as c_ij
    assert (controls["i"].value, controls["j"].value) == (1, 2)
    controls["m"].value, controls["p"].value = 6, 6
    assert (controls["i"].max, controls["j"].max) == (6, 6)
    assert (controls["i"].min, controls["j"].min) == (1, 1)


@pytest.mark.parametrize("wrt", ["A", "B"])
def test_tensor_explorer_picture_and_readout_match_the_tensor(wrt):
    explorer = tensor_explorer(m=4, n=3, p=2, i=4, j=2, wrt=wrt)  # c_42 = C[3, 1]
    ax_tensor = explorer.view.figure.axes[0]
    image = ax_tensor.images[0]
    x_shape = (4, 3) if wrt == "A" else (3, 2)
    rows, cols = 4 * x_shape[0], 2 * x_shape[1]
    assert image.get_array().shape == (rows, cols)
    assert tuple(image.get_extent()) == (-0.5, cols - 0.5, rows - 0.5, -0.5)
    assert ax_tensor.get_xlim() == (-0.5, cols - 0.5)
    highlight = ax_tensor.patches[0]
    assert highlight.get_xy() == (1 * x_shape[1] - 0.5, 3 * x_shape[0] - 0.5)
    assert (highlight.get_width(), highlight.get_height()) == (x_shape[1], x_shape[0])
    entries = 4 * 2 * x_shape[0] * x_shape[1]
    nonzero = 4 * 2 * 3
    assert f"{entries:,}" in explorer.readout.value
    assert f"counted: {nonzero:,}" in explorer.readout.value
    fraction = "1/4" if wrt == "A" else "1/2"
    assert f"= {fraction} of them" in explorer.readout.value
    assert f"∂c₄₂/∂{wrt}" in explorer.readout.value and f"dC_d{wrt}[3, 1]" in explorer.readout.value
    assert "3 non-zeros of" in explorer.readout.value


def test_tensor_explorer_rejects_bad_sizes():
    with pytest.raises(ValueError, match="m must be a whole number between 1 and max_size"):
        tensor_explorer(m=9)
    with pytest.raises(ValueError, match=r"wrt must be one of \['A', 'B'\]"):
        tensor_vs_vjp_explorer(wrt="C")
    with pytest.raises(ValueError, match=r"\(i, j\) must index C"):
        tensor_explorer(m=2, i=3)
    with pytest.raises(ValueError, match=r"\(i, j\) must index C"):
        tensor_explorer(i=0)
    with pytest.raises(ValueError, match="max_size"):
        tensor_vs_vjp_explorer(max_size=20)


def test_widget_updates_do_not_print(capsys):
    explorer = tensor_vs_vjp_explorer()
    explorer.controls["m"].value = 5
    explorer = tensor_explorer()
    explorer.controls["m"].value = 1
    assert capsys.readouterr().out == ""


def test_pictures_use_a_colour_scale_centred_on_zero():
    explorer = tensor_vs_vjp_explorer(seed=3)
    for ax in explorer.view.figure.axes:
        if not ax.images:  # the colour bar and the cost bars
            continue
        low, high = ax.images[0].get_clim()
        assert np.isclose(low, -high) and high > 0


@pytest.mark.parametrize("make, changes, state", [
    (tensor_explorer, [("wrt", "B"), ("m", 5), ("i", 5), ("wrt", "A"), ("p", 2), ("j", 1)],
     {"m": 5, "n": 2, "p": 2, "i": 5, "j": 1, "wrt": "A"}),
    (tensor_vs_vjp_explorer, [("wrt", "B"), ("m", 7), ("seed", 4), ("wrt", "A"), ("n", 1),
                              ("entry", 5), ("p", 3), ("entry", 2)],
     {"m": 7, "n": 1, "p": 3, "seed": 4, "wrt": "A", "entry": 2}),
])
def test_updated_picture_equals_a_fresh_drawing(make, changes, state):
    """Drawing over the cached text layer leaves nothing stale behind. (The centrepiece's
    measured times differ from run to run: its time bars, the bottom right, are left out.)"""
    explorer = make()
    for name, value in changes:
        explorer.controls[name].value = value
    fresh = make(**state)
    before, after = np.array(pixels(explorer)), np.array(pixels(fresh))
    if make is tensor_vs_vjp_explorer:
        height, width = before.shape[:2]
        for image in (before, after):
            image[int(0.6 * height):, int(0.5 * width):] = 0
    assert np.array_equal(before, after)
