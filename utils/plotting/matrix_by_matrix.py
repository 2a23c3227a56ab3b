"""Pictures of 03-matrix-by-matrix: the 4-D tensor as a matrix of matrices, and its memory."""

from __future__ import annotations

import numpy as np

from ..costs import format_bytes
from ._matrices import SIGNED_CMAP, annotate_cells, block_layout, set_image

HIGHLIGHT_COLOUR = "#1a9e3a"  # green: stands out against the red-white-blue of SIGNED_CMAP


class TensorPicture:
    """A 4-D tensor as a block matrix that can change shape in place (for the widgets).

    Draws once: the image, enough block borders for the largest tensor, a highlight rectangle;
    `show` moves and hides them instead of clearing the axes.
    """

    def __init__(self, ax, max_blocks_down: int, max_blocks_across: int, ticks: bool = True):
        from matplotlib.patches import Rectangle  # here, so this section needs no shared import

        self.ax = ax
        self.ticks = ticks  # tick labels cost a few ms each to render: widgets go without
        if not ticks:
            ax.set_xticks([])
            ax.set_yticks([])
        self.image = ax.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, vmin=-1, vmax=1,
                               interpolation="nearest")
        style = {"color": "black", "linewidth": 1.5}
        self.row_lines = [ax.axhline(0, **style) for _ in range(max_blocks_down - 1)]
        self.col_lines = [ax.axvline(0, **style) for _ in range(max_blocks_across - 1)]
        self.highlight = Rectangle((-0.5, -0.5), 1, 1, fill=False, linewidth=3.5,
                                   edgecolor=HIGHLIGHT_COLOUR, zorder=5, clip_on=False)
        ax.add_patch(self.highlight)

    def _block_pixels(self, rows: int, columns: int, r: int, c: int) -> tuple:
        """A block's width and height on screen, over the tick labels' font size in pixels
        (the picture keeps square entries, so the tighter side sets the scale)."""
        figure = self.ax.figure
        box = self.ax.get_position(original=True)
        width, height = box.width * figure.bbox.width, box.height * figure.bbox.height
        pixels_per_entry = min(width / columns, height / rows)
        font = self.ax.xaxis.get_major_ticks()[0].label1.get_fontsize() * figure.dpi / 72
        return c * pixels_per_entry / font, r * pixels_per_entry / font

    def show(self, tensor, highlight=None, limit=None) -> None:
        """Draw `tensor` (C.shape + X.shape); outline block `highlight` = (i, j) if given."""
        tensor = np.asarray(tensor)
        m, p, r, c = tensor.shape
        if m - 1 > len(self.row_lines) or p - 1 > len(self.col_lines):
            raise ValueError(f"TensorPicture was made for at most {len(self.row_lines) + 1} x "
                             f"{len(self.col_lines) + 1} blocks; got {m} x {p}")
        set_image(self.ax, self.image, block_layout(tensor), limit)
        for k, line in enumerate(self.row_lines):
            line.set_visible(k + 1 < m)
            line.set_ydata([(k + 1) * r - 0.5] * 2)
        for k, line in enumerate(self.col_lines):
            line.set_visible(k + 1 < p)
            line.set_xdata([(k + 1) * c - 0.5] * 2)
        if self.ticks:  # 1-based, as in the math: block (i, j) = 1, 1 is dC_dX[0, 0]
            wide, tall = self._block_pixels(m * r, p * c, r, c)
            self.ax.set_xticks([j * c + (c - 1) / 2 for j in range(p)],
                               _block_labels("j", p, wide, 2.2, 1.0))
            self.ax.set_yticks([i * r + (r - 1) / 2 for i in range(m)],
                               _block_labels("i", m, tall, 1.3, 1.3))
        self.highlight.set_visible(highlight is not None)
        if highlight is not None:
            i, j = highlight
            self.highlight.set_xy((j * c - 0.5, i * r - 0.5))
            self.highlight.set_width(c)
            self.highlight.set_height(r)


def _block_labels(letter: str, count: int, room: float, named: float, bare: float) -> list:
    """Labels "i=1", ... if each block has room (pixels over the font size) for `named`;
    else bare numbers, every few blocks if there is not room for `bare` at each."""
    if room >= named:
        return [f"{letter}={k + 1}" for k in range(count)]
    step = int(np.ceil(bare / max(room, 1e-9)))
    return [f"{k + 1}" if k % step == 0 else "" for k in range(count)]


def matrix_of_matrices(ax, tensor, title: str = "", wrt: str = "A", highlight=None,
                       annotate: bool = False):
    """A static picture of dC/dX (C.shape + X.shape): blocks labelled i = .., j = .. ."""
    tensor = np.asarray(tensor)
    if tensor.ndim != 4:
        raise ValueError(f"matrix_of_matrices needs a 4-D tensor; got shape {tensor.shape}")
    picture = TensorPicture(ax, tensor.shape[0], tensor.shape[1], ticks=True)
    picture.show(tensor, highlight=highlight)
    ax.set_title(title)
    ax.set_xlabel(f"block column j of C  (inside a block: column l of {wrt})")
    ax.set_ylabel(f"block row i of C\n(inside: row k of {wrt})")
    ax.tick_params(length=0)
    if annotate:
        annotate_cells(ax, block_layout(tensor))
    return picture.image


def plot_tensor_memory(ax, sizes, itemsize: int = 8, budget: int | None = None):
    """Bytes of dC/dA (n**4 entries) against dL/dA (n**2 entries) for square n x n, log-log."""
    sizes = np.asarray(sizes, dtype=float)
    ax.loglog(sizes, sizes**4 * itemsize, "o-", color="tab:red",
              label="tensor dC/dA: $n^4$ entries")
    ax.loglog(sizes, sizes**2 * itemsize, "s-", color="tab:blue",
              label="gradient dL/dA: $n^2$ entries")
    if budget is not None:

        ax.axhline(budget, color="gray", linestyle="--", linewidth=1.2)
        ax.text(sizes[0], budget * 1.6, f"memory budget of matmul_jacobian: "
                                        f"{format_bytes(budget)}", color="dimgray")
    ticks = [1024.0**k for k in range(0, 7)]
    ax.set_yticks(ticks, ["1 B", "1 KiB", "1 MiB", "1 GiB", "1 TiB", "1 PiB", "1 EiB"])
    ax.set_ylim(min(sizes**2 * itemsize) / 4, max(sizes**4 * itemsize) * 4)
    ax.set_xlabel("n   (A, B and C are n × n)")
    ax.set_ylabel("memory (float64)")
    ax.set_title("Memory of the 4-D tensor against the gradient it produces")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left")


def tensor_pixels(A, B, wrt: str = "A", most_rows: int = 400, most_cols: int = 400):
    """The block layout of dC/dX (as `block_layout(matmul_jacobian(A, B, wrt))`) with at most
    `most_rows` x `most_cols` pixels, built from A or B without the tensor; returns (pixels,
    s): each pixel stands for s x s entries and keeps the one of largest magnitude, so s = 1
    is the exact layout and a lone non-zero never disappears.

    Why it works: for X = A, block row i of the layout has a single non-zero row, i*m + i,
    holding B.T.ravel(); for X = B, block column j has a single non-zero column, j*p + j,
    holding A.ravel().
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    (m, n), p = A.shape, B.shape[1]
    rows, cols = (m * m, p * n) if wrt == "A" else (m * n, p * p)
    s = max(1, -(-rows // most_rows), -(-cols // most_cols))
    pixels = np.zeros((-(-rows // s), -(-cols // s)))
    line, count = (B.T.ravel(), m) if wrt == "A" else (A.ravel(), p)
    padded = np.zeros(-(-line.size // s) * s)
    padded[:line.size] = line
    chunks = padded.reshape(-1, s)
    pooled = chunks[np.arange(len(chunks)), np.argmax(np.abs(chunks), axis=1)]
    where = np.arange(count) * (count + 1) // s  # the non-zero row (X = A) or column (X = B)
    if wrt == "A":
        pixels[where, :] = pooled
    else:
        pixels[:, where] = pooled[:, None]
    return pixels, s
