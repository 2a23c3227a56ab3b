"""Pictures of Jacobians and of 4-D tensors laid out as a matrix of matrices.

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


def block_lines(ax, blocks_down: int, blocks_across: int, block_rows: int, block_cols: int,
                **style):
    """Grid lines between the blocks of a block_layout picture; returns the line artists."""
    style = {"color": "black", "linewidth": 1.5, **style}
    lines = [ax.axhline(r * block_rows - 0.5, **style) for r in range(1, blocks_down)]
    lines += [ax.axvline(c * block_cols - 0.5, **style) for c in range(1, blocks_across)]
    return lines


def tensor_heatmap(ax, tensor, title: str = "", limit=None):
    """A 4-D Jacobian dC/dX (C.shape + X.shape) drawn as a block matrix with block borders."""
    m, p, r, c = tensor.shape
    image = heatmap(ax, block_layout(tensor), title=title, limit=limit,
                    xlabel=f"block column j = 0..{p - 1}, inside it X's column",
                    ylabel=f"block row i = 0..{m - 1}, inside it X's row")
    block_lines(ax, m, p, r, c)
    return image


# === 01 Jacobians ===
# (end of 01 Jacobians)


# === 02 Chain rule ===
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
# (end of 04 The efficient VJP)


# === 05 The backward pass ===
# (end of 05 The backward pass)


# === 06 Jacobians through time ===
# (end of 06 Jacobians through time)
