"""tensor_explorer and tensor_vs_vjp_explorer driven through every control over its range."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from utils.widgets import tensor_explorer, tensor_vs_vjp_explorer


def _state(explorer):
    return explorer.view.image.value, explorer.readout.value


def _sweep(control):
    """Every value a control can take (a slider's whole range, a dropdown's options)."""
    if hasattr(control, "options"):
        return list(control.options)
    return list(range(control.min, control.max + 1, control.step))


def _largest_difference(readout: str) -> float:
    match = re.search(r"largest difference ([0-9.e+-]+)", readout)
    assert match, readout
    return float(match.group(1))


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
                before = _state(explorer)
                control.value = value
                after = _state(explorer)
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
    with pytest.raises(ValueError, match="wrt must be 'A' or 'B'"):
        tensor_vs_vjp_explorer(wrt="C")
    with pytest.raises(ValueError, match=r"\(i, j\) must index C"):
        tensor_explorer(m=2, i=3)
    with pytest.raises(ValueError, match=r"\(i, j\) must index C"):
        tensor_explorer(i=0)
    with pytest.raises(ValueError, match="max_size"):
        tensor_vs_vjp_explorer(max_size=20)


def test_tensor_vs_vjp_explorer_routes_agree_everywhere():
    for wrt in ("A", "B"):
        for m, n, p in ((1, 1, 1), (8, 8, 8), (8, 1, 2)):
            for seed in (0, 20):
                explorer = tensor_vs_vjp_explorer(m=m, n=n, p=p, seed=seed, wrt=wrt)
                assert _largest_difference(explorer.readout.value) < 1e-13
                assert f"dC/d{wrt}" in explorer.readout.value


def test_tensor_vs_vjp_explorer_readout_counts():
    explorer = tensor_vs_vjp_explorer(m=3, n=4, p=5, wrt="A")
    readout = explorer.readout.value
    # dC/dA has 3*5*3*4 = 180 entries (1,440 B); the VJP needs 3*4*5 = 60 multiplications
    assert "1.4 KiB" in readout and "96 B" in readout
    assert ">180<" in readout and ">60<" in readout and ">120<" in readout
    assert "15× the memory" in readout and "3.0× the multiplications" in readout
    assert "7.3 TiB" in readout and "7.6 MiB" in readout and "per-call overhead" in readout
    image = explorer.view.figure.axes[1].images[0]
    assert image.get_array().shape == (3, 4)
    explorer.controls["wrt"].value = "B"
    assert explorer.view.figure.axes[1].images[0].get_array().shape == (4, 5)


def test_widget_updates_do_not_print(capsys):
    explorer = tensor_vs_vjp_explorer()
    explorer.controls["m"].value = 5
    explorer = tensor_explorer()
    explorer.controls["m"].value = 1
    assert capsys.readouterr().out == ""


def test_pictures_use_a_colour_scale_centred_on_zero():
    explorer = tensor_vs_vjp_explorer(seed=3)
    for ax in explorer.view.figure.axes:
        low, high = ax.images[0].get_clim()
        assert np.isclose(low, -high) and high > 0


def _pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.view.image.value)))


@pytest.mark.parametrize("make, changes, state", [
    (tensor_explorer, [("wrt", "B"), ("m", 5), ("i", 5), ("wrt", "A"), ("p", 2), ("j", 1)],
     {"m": 5, "n": 2, "p": 2, "i": 5, "j": 1, "wrt": "A"}),
    (tensor_vs_vjp_explorer, [("wrt", "B"), ("m", 7), ("seed", 4), ("wrt", "A"), ("n", 1)],
     {"m": 7, "n": 1, "p": 5, "seed": 4, "wrt": "A"}),
])
def test_updated_picture_equals_a_fresh_drawing(make, changes, state):
    """Drawing over the cached text layer leaves nothing stale behind."""
    explorer = make()
    for name, value in changes:
        explorer.controls[name].value = value
    assert np.array_equal(_pixels(explorer), _pixels(make(**state)))


def test_tensor_vs_vjp_pictures_share_one_scale():
    """One entry takes the same pixels in every panel: the tensor's area is m·p times dL/dA's."""
    explorer = tensor_vs_vjp_explorer(m=3, n=4, p=5)
    figure = explorer.view.figure
    ax_tensor, ax_vjp, ax_weights = figure.axes
    scales = []
    for ax in (ax_tensor, ax_vjp, ax_weights):
        left, right = ax.get_xlim()
        bottom, top = ax.get_ylim()
        box = ax.get_window_extent()
        scales.append((box.width / (right - left), box.height / (bottom - top)))
    assert np.allclose(scales, scales[0][0], rtol=1e-3), scales
    assert ax_weights.images[0].get_array().shape == (3, 5)  # dL/dC, the weights
    titles = " ".join(text.get_text() for ax in figure.axes for text in ax.texts)
    assert "1.4 KiB, 180 multiplications" in titles and "96 B, 60 multiplications" in titles


def test_measure_routes_with_progress_shows_a_bar_that_reaches_the_end(monkeypatch):
    import IPython.display

    from utils import widgets

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    result = widgets.measure_routes_with_progress([4, 8], repeats=1)
    (bar,) = shown
    assert bar.value == bar.max == 2 and result.sizes.tolist() == [4, 8]
