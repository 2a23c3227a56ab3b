"""The centrepiece of 04-efficient-vjp (utils/widgets/vjp.py): both routes agree, the readout
counts, one colour scale, and the measurement's progress bar."""

from __future__ import annotations

import numpy as np
from explorer_driving import largest_difference

from utils.widgets import (
    tensor_vs_vjp_explorer,
)


def test_tensor_vs_vjp_explorer_routes_agree_everywhere():
    for wrt in ("A", "B"):
        for m, n, p in ((1, 1, 1), (8, 8, 8), (8, 1, 2)):
            for seed in (0, 20):
                explorer = tensor_vs_vjp_explorer(m=m, n=n, p=p, seed=seed, wrt=wrt)
                assert largest_difference(explorer.readout.value) < 1e-13
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
