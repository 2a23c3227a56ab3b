"""Explorer of 03-matrix-by-matrix: the 4-D tensor dC/dA (or dC/dB), one entry's block lit up."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..costs import format_bytes, matmul_costs
from ..matmul import matmul_jacobian
from ..plotting._matrices import SIGNED_CMAP, set_image
from ..plotting.matrix_by_matrix import HIGHLIGHT_COLOUR, TensorPicture
from ._explorer import Explorer
from ._view import (
    FigureView,
    Frame,
    check_choice,
    check_sizes,
    check_whole,
    dropdown,
    html_table,
    slider,
)


def _sub(number: int) -> str:
    """A whole number as subscript digits: 12 -> '₁₂'."""
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def tensor_explorer(m: int = 3, n: int = 2, p: int = 4, i: int = 1, j: int = 2,
                    wrt: str = "A", max_size: int = 6) -> Explorer:
    """dC/dA or dC/dB of C = A @ B as a matrix of matrices, with the block ∂c_ij/∂X outlined.

    i and j count from 1, as in the math: the entry c_12 is C[0, 1] in numpy.
    """

    check_sizes(max_size, 8, m=m, n=n, p=p)
    check_whole("i", i, -10**9, 10**9)  # a whole number first; its range is checked below
    check_whole("j", j, -10**9, 10**9)
    if not (1 <= i <= m and 1 <= j <= p):
        raise ValueError(f"(i, j) must index C of shape ({m}, {p}) counting from 1, as c_ij "
                         f"does: 1 <= i <= {m}, 1 <= j <= {p}; got ({i}, {j})")
    check_choice("wrt", wrt, ("A", "B"))
    rng = np.random.default_rng(0)  # fixed entries, so a picture can be compared with the next
    # entries in ±[0.2, 1]: never zero, so every zero in the picture is a structural zero
    A_full, B_full = (rng.choice([-1, 1], (max_size, max_size))
                      * np.round(rng.uniform(0.2, 1, (max_size, max_size)), 1) for _ in range(2))

    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "i": slider("entry c_ij: i", i, 1, m),
                "j": slider("j", j, 1, p),
                "wrt": dropdown("derivative of C by", ["A", "B"], wrt)}

    def build():
        view = FigureView(figsize=(9, 4), dpi=100)
        figure = view.figure
        ax_tensor = figure.add_axes((0.1, 0.15, 0.5, 0.68))
        ax_block = figure.add_axes((0.65, 0.15, 0.22, 0.68))
        ax_colour = figure.add_axes((0.895, 0.15, 0.015, 0.68))
        ax_block.set_axis_off()
        picture = TensorPicture(ax_tensor, max_size, max_size, ticks=True)
        ax_tensor.tick_params(length=0, labelsize=11)
        for spine in ax_tensor.spines.values():
            spine.set_visible(False)
        tensor_frame = Frame(ax_tensor)
        block_image = ax_block.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, vmin=-1, vmax=1,
                                      interpolation="nearest")
        block_frame = Frame(ax_block, edgecolor=HIGHLIGHT_COLOUR, linewidth=3)
        colourbar = figure.colorbar(block_image, cax=ax_colour, ticks=[-1, -0.5, 0, 0.5, 1])
        colourbar.set_label("entry value (white = 0)", fontsize=11)
        ax_colour.tick_params(labelsize=10)
        labels = [ax_block.text(0, 0, "", ha="center", va="center", fontsize=12)
                  for _ in range(max_size)]  # the non-zero line of the block: b_lj or a_ik
        text = {"tensor": figure.text(0.35, 0.92, "", ha="center", fontsize=13),
                "block": ax_block.text(0.5, 1.1, "", ha="center", fontsize=13, clip_on=False,
                                       color=HIGHLIGHT_COLOUR, transform=ax_block.transAxes),
                "block x": figure.text(0.76, 0.07, "", ha="center", fontsize=11)}
        view.set_keyed([ax_tensor, text["tensor"], text["block x"]])  # the colour bar: once
        view.set_moving([picture.image, *picture.row_lines, *picture.col_lines, tensor_frame,
                         picture.highlight, block_image, block_frame, *labels, text["block"]])
        artists = {"picture": picture, "tensor frame": tensor_frame, "block image": block_image,
                   "block frame": block_frame, "labels": labels, "text": text,
                   "axes": (ax_tensor, ax_block), "view": view}
        return view, lambda values: update(artists, values)

    readout = widgets.HTML()
    syncing = [False]  # True while slider limits are moved, so nested updates are skipped

    def update(artists, values):
        picture, text, labels, view = (artists[k] for k in ("picture", "text", "labels", "view"))
        ax_tensor, ax_block = artists["axes"]
        if syncing[0]:
            return
        syncing[0] = True
        try:  # the sliders for i and j follow the shape of C; this may clamp their values
            controls["i"].max = values["m"]
            controls["j"].max = values["p"]
        finally:
            syncing[0] = False
        m, n, p, wrt = values["m"], values["n"], values["p"], values["wrt"]
        i, j = controls["i"].value, controls["j"].value  # 1-based, as c_ij
        A, B = A_full[:m, :n], B_full[:n, :p]
        tensor = matmul_jacobian(A, B, wrt)
        block = tensor[i - 1, j - 1]
        entry = f"∂c{_sub(i)}{_sub(j)}/∂{wrt}"
        if view.key != (wrt, m, n, p) and (wrt, m, n, p) not in view.backgrounds:
            view.frame = None  # a new shape moves the block's box: draw the static part anew
        view.key = (wrt, m, n, p)
        text["tensor"].set_text(f"dC/d{wrt}, shape {tensor.shape}: block (i, j) is ∂c_ij/∂{wrt}")
        text["block"].set_text(f"{entry} = dC_d{wrt}[{i - 1}, {j - 1}]")
        text["block x"].set_text(f"shaped like {wrt}, {block.shape[0]} × {block.shape[1]}")
        ax_tensor.set_xlabel(f"block column j  (inside a block: column of {wrt})", fontsize=11)
        ax_tensor.set_ylabel(f"block row i\n(inside: row of {wrt})", fontsize=11)
        picture.show(tensor, highlight=(i - 1, j - 1), limit=1.0)
        artists["tensor frame"].fit((tensor.shape[0] * tensor.shape[2],
                                  tensor.shape[1] * tensor.shape[3]))
        set_image(ax_block, artists["block image"], block, limit=1.0)
        artists["block frame"].fit(block.shape)
        for k, label in enumerate(labels):  # name the non-zeros; white squares are zeros
            label.set_visible(k < n)
            label.set_position((k, i - 1) if wrt == "A" else (j - 1, k))
            label.set_text(f"b{_sub(k + 1)}{_sub(j)}" if wrt == "A" else f"a{_sub(i)}{_sub(k + 1)}")
            value = (B[k, j - 1] if wrt == "A" else A[i - 1, k]) if k < n else 0
            label.set_color("white" if abs(value) > 0.6 else "black")
        where = (f"only row {i} is non-zero: it holds column {j} of B" if wrt == "A" else
                 f"only column {j} is non-zero: it holds row {i} of A")
        costs = matmul_costs(m, n, p, wrt)
        nonzeros = int(np.count_nonzero(tensor))
        readout.value = html_table([
            (f"tensor dC/d{wrt}", f"shape {tensor.shape} = C.shape + {wrt}.shape"),
            ("entries", f"{costs.tensor_entries:,}"),
            ("non-zero", f"{costs.tensor_nonzeros:,} = 1/{m if wrt == 'A' else p} of them"
                         f" (counted: {nonzeros:,})"),
            ("memory (float64)", f"{format_bytes(costs.tensor_bytes)} "
                                 f"(the gradient dL/d{wrt} needs {format_bytes(costs.vjp_bytes)})"),
            (f"outlined block {entry}",
             f"numpy dC_d{wrt}[{i - 1}, {j - 1}] (numpy counts from 0), shape {block.shape}, "
             f"{n} non-zero{'s' if n != 1 else ''} of {block.size}: {where}"),
        ], align="left")

    return Explorer(controls, readout, build)
