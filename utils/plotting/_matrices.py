"""What the pictures share: signed heatmaps and 4-D tensors laid out as a matrix of matrices.

Functions draw onto a matplotlib Axes they are given and return the artist they made, so the
notebooks and the widgets share one way of drawing and the widgets can update it in place.
Signed values use a diverging colour map centred on zero.
"""

from __future__ import annotations

import numpy as np

SIGNED_CMAP = "RdBu_r"  # red positive, blue negative, white zero


def symmetric_limit(values) -> float:
    """The colour limit that centres a diverging map on zero (never 0, so imshow is happy)."""
    limit = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return limit if limit > 0 else 1.0


def block_layout(tensor: np.ndarray) -> np.ndarray:
    """A 4-D tensor T[i, j, k, l] as a 2-D matrix of matrices: block (i, j) holds T[i, j]."""
    if tensor.ndim != 4:
        raise ValueError(f"block_layout needs a 4-D tensor; got shape {tensor.shape}")
    m, p, r, c = tensor.shape
    return tensor.transpose(0, 2, 1, 3).reshape(m * r, p * c)


def heatmap(ax, matrix, title: str = "", xlabel: str = "", ylabel: str = "", limit=None):
    """A signed matrix as a heatmap centred on zero; returns the image artist."""
    matrix = np.asarray(matrix)
    limit = symmetric_limit(matrix) if limit is None else limit
    image = ax.imshow(matrix, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return image


def set_image(ax, image, matrix, limit=None) -> None:
    """Replace an imshow image's data in place, also when its shape changes."""
    matrix = np.asarray(matrix)
    rows, cols = matrix.shape
    image.set_data(matrix)
    image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    limit = symmetric_limit(matrix) if limit is None else limit
    image.set_clim(-limit, limit)


def annotate_cells(ax, matrix, fmt: str = "{:g}", skip_zeros: bool = True, fontsize=11,
                   limit=None):
    """Write each entry of a small matrix into its heatmap cell (white on dark cells).

    `limit`: the colour limit the heatmap was drawn with (default: the matrix's own), so that
    "dark" means dark in the picture also when several panels share one scale.
    """
    matrix = np.asarray(matrix)
    limit = symmetric_limit(matrix) if limit is None else limit
    texts = []
    for (row, col), value in np.ndenumerate(matrix):
        if skip_zeros and value == 0:
            continue
        colour = "white" if abs(value) > 0.6 * limit else "black"
        texts.append(ax.text(col, row, fmt.format(value), ha="center", va="center",
                             color=colour, fontsize=fontsize))
    return texts
