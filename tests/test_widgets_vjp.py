"""The centrepiece of 04-efficient-vjp (utils/widgets/vjp.py, vjp_combination.py): the
combination Σ weight × block built entry by entry, one colour scale, the size control up to
n = 64 and past the memory guard, and the measurement's progress bar."""

from __future__ import annotations

import re

import numpy as np
import pytest
from explorer_driving import largest_difference, pixels

from utils.matmul import chain_rule_via_tensor, matmul_jacobian
from utils.plotting._matrices import block_layout
from utils.plotting.matrix_by_matrix import tensor_pixels
from utils.widgets import tensor_vs_vjp_explorer


def _inputs(explorer):
    """A, B, dL/dC as the explorer draws them (same seed, same order), made independently."""
    M, N, P = (explorer.controls[k].value * explorer.controls["scale"].value for k in "mnp")
    rng = np.random.default_rng(explorer.controls["seed"].value)
    return rng.standard_normal((M, N)), rng.standard_normal((N, P)), rng.standard_normal((M, P))


def _panels(explorer):
    weights, tensor, running, vjp = explorer.view.figure.axes[:4]
    return {"weights": weights, "tensor": tensor, "running": running, "vjp": vjp}


def test_routes_agree_everywhere():
    for wrt in ("A", "B"):
        for m, n, p in ((1, 1, 1), (8, 8, 8), (8, 1, 2)):
            for seed in (0, 20):
                explorer = tensor_vs_vjp_explorer(m=m, n=n, p=p, seed=seed, wrt=wrt)
                assert largest_difference(explorer.readout.value) < 1e-13
                assert f"dC/d{wrt}" in explorer.readout.value


@pytest.mark.parametrize("wrt", ["A", "B"])
def test_play_builds_the_running_sum_up_to_the_vjp(wrt):
    explorer = tensor_vs_vjp_explorer(m=2, n=3, p=2, wrt=wrt, entry=1)
    play, entry = explorer.companions["play"], explorer.controls["entry"]
    A, B, dL_dC = _inputs(explorer)
    dC_dX = matmul_jacobian(A, B, wrt)
    running_image = _panels(explorer)["running"].images[0]
    lit = _panels(explorer)["tensor"].patches[-1]
    seen, outlines = [], []
    for k in range(1, 5):
        play.value = k
        assert entry.value == k
        weights = np.zeros_like(dL_dC)
        weights.ravel()[:k] = dL_dC.ravel()[:k]  # the first k entries, row by row
        expected = chain_rule_via_tensor(weights, dC_dX)  # the tensor route, block by block
        assert np.allclose(running_image.get_array(), expected, atol=1e-12)
        seen.append(np.array(running_image.get_array()))
        outlines.append(lit.get_xy())
        assert f"after {k} of 4 entries" in explorer.readout.value
    assert len({a.tobytes() for a in seen}) == 4 and len(set(outlines)) == 4
    vjp = dL_dC @ B.T if wrt == "A" else A.T @ dL_dC
    assert np.allclose(seen[-1], vjp, atol=1e-12)
    assert np.allclose(_panels(explorer)["vjp"].images[0].get_array(), vjp)
    assert any("all added, the sum equals the VJP" in t.get_text()
               for t in explorer.view.figure.texts)


def test_the_entry_lights_up_its_weight_and_its_block_together():
    explorer = tensor_vs_vjp_explorer(m=3, n=2, p=4, entry=7)  # row by row: c_23 = C[1, 2]
    panels = _panels(explorer)
    weight_outline = panels["weights"].patches[-1]
    block_outline = panels["tensor"].patches[-1]
    assert weight_outline.get_xy() == (2 - 0.5, 1 - 0.5)
    assert block_outline.get_xy() == (2 * 2 - 0.5, 1 * 3 - 0.5)  # block (1, 2), each 3 x 2
    assert (block_outline.get_width(), block_outline.get_height()) == (2, 3)
    before = pixels(explorer)
    explorer.controls["entry"].value = 8
    assert weight_outline.get_xy() == (3 - 0.5, 1 - 0.5)
    assert not np.array_equal(before, pixels(explorer))


def _numbers(ax) -> list:
    """The numbers written into a picture's cells."""
    return [t.get_text() for t in ax.texts
            if t.get_visible() and re.fullmatch(r"-?[0-9]+\.[0-9]+", t.get_text())]


def test_small_sizes_show_their_numbers_and_large_ones_do_not():
    explorer = tensor_vs_vjp_explorer(m=2, n=2, p=2)
    A, B, dL_dC = _inputs(explorer)
    assert _numbers(_panels(explorer)["weights"]) == [f"{v:.2f}" for v in dL_dC.ravel()]
    assert _numbers(_panels(explorer)["tensor"]) == [f"{v:.1f}" for v in B.T.ravel()] * 2
    assert len(_numbers(_panels(explorer)["vjp"])) == 4
    explorer.controls["m"].value = 8
    assert not any(_numbers(ax) for ax in _panels(explorer).values())


def test_one_colour_scale_with_a_colour_bar_spans_every_picture():
    explorer = tensor_vs_vjp_explorer(m=3, n=4, p=2, seed=5)
    norms = [ax.images[0].norm for ax in _panels(explorer).values()]
    limits = {(norm.vmin, norm.vmax) for norm in norms}
    assert len(limits) == 1
    (low, high), = limits
    A, B, dL_dC = _inputs(explorer)
    assert low == -high and high >= np.max(np.abs(np.concatenate(
        [B.ravel(), dL_dC.ravel(), (dL_dC @ B.T).ravel()])))
    colourbar_axes = explorer.view.figure.axes[4]
    assert colourbar_axes.get_ylim() == pytest.approx((low, high))


def test_one_entry_takes_the_same_pixels_in_every_picture():
    explorer = tensor_vs_vjp_explorer(m=3, n=4, p=5)
    scales = []
    for ax in _panels(explorer).values():
        left, right = ax.get_xlim()
        bottom, top = ax.get_ylim()
        box = ax.get_window_extent()
        scales.append((box.width / (right - left), box.height / (bottom - top)))
    assert np.allclose(scales, scales[0][0], rtol=1e-3), scales


def test_the_size_control_reaches_n_64_and_measures_both_routes_once():
    explorer = tensor_vs_vjp_explorer(m=2, n=2, p=2)
    scale = explorer.controls["scale"]
    assert scale.options[-1][1] == 32
    scale.value = 32  # A, B, C are 64 x 64: dC/dA (64, 64, 64, 64) is 128 MiB
    readout = explorer.readout.value
    assert "128.0 MiB" in readout and "32.0 KiB" in readout and "(64, 64, 64, 64)" in readout
    assert largest_difference(readout) < 1e-12
    times = explorer.measurements[((64, 64, 64), "A", 0)]
    assert times[0] > 0 and times[1] > 0 and times[0] > times[1]
    image = _panels(explorer)["tensor"].images[0]
    assert tuple(image.get_extent()) == (-0.5, 4096 - 0.5, 4096 - 0.5, -0.5)  # true size ...
    assert max(image.get_array().shape) <= 400  # ... drawn with at most 400 pixels a side
    measured = len(explorer.measurements)
    explorer.controls["entry"].value = 100
    assert len(explorer.measurements) == measured  # no new measurement for a new entry


def test_past_the_budget_the_guard_refuses_and_says_both_sizes():
    explorer = tensor_vs_vjp_explorer(m=3, n=3, p=3, scale=32)  # 96: 648 MiB > 512 MiB
    readout = explorer.readout.value
    assert "refused" in readout and "648.0 MiB" in readout and "512.0 MiB" in readout
    assert "72.0 KiB" in readout
    tensor_axes = _panels(explorer)["tensor"]
    assert not tensor_axes.images[0].get_visible()
    refusal = " ".join(t.get_text() for t in tensor_axes.texts)
    assert "TensorTooLargeError" in refusal and "648.0 MiB" in refusal and "72.0 KiB" in refusal
    vjp = _panels(explorer)["vjp"].images[0].get_array()
    A, B, dL_dC = _inputs(explorer)
    assert np.allclose(vjp, dL_dC @ B.T)


@pytest.mark.parametrize("wrt", ["A", "B"])
def test_tensor_pixels_are_the_block_layout_or_keep_every_non_zero(wrt):
    rng = np.random.default_rng(3)
    A, B = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    exact, s = tensor_pixels(A, B, wrt)
    assert s == 1 and np.array_equal(exact, block_layout(matmul_jacobian(A, B, wrt)))
    A, B = rng.standard_normal((40, 30)), rng.standard_normal((30, 50))
    pooled, s = tensor_pixels(A, B, wrt, 100, 100)
    layout = block_layout(matmul_jacobian(A, B, wrt))
    assert s > 1 and max(pooled.shape) <= 100
    for r, c in zip(*np.nonzero(pooled), strict=True):  # each pixel: its cell's largest entry
        cell = layout[r * s:(r + 1) * s, c * s:(c + 1) * s]
        assert abs(pooled[r, c]) == np.max(np.abs(cell))
    assert np.count_nonzero(pooled) >= np.count_nonzero(
        np.add.reduceat(np.add.reduceat(np.abs(layout), np.arange(0, layout.shape[0], s), 0),
                        np.arange(0, layout.shape[1], s), 1))


def test_measure_routes_with_progress_shows_a_bar_that_reaches_the_end(monkeypatch):
    import IPython.display

    from utils import widgets

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    result = widgets.measure_routes_with_progress([4, 8], repeats=1)
    (bar,) = shown
    assert bar.value == bar.max == 2 and result.sizes.tolist() == [4, 8]


def test_entry_and_play_follow_the_sizes():
    explorer = tensor_vs_vjp_explorer(m=2, n=2, p=2, entry=1)
    play, entry = explorer.companions["play"], explorer.controls["entry"]
    explorer.controls["p"].value = 3  # C is 2 x 3: six entries, shown complete at first
    assert entry.max == play.max == 6 and entry.value == play.value == 6
    explorer.controls["scale"].value = 4  # C is 8 x 12
    assert entry.max == play.max == 96 and entry.value == 96
    play.value = 13  # entry 13 = c_21 (row by row, 12 per row)
    assert entry.value == 13 and "(the last c₂₁)" in explorer.readout.value
