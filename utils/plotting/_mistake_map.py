"""The picture of the mistake map: expected, yours and their difference at one colour scale.

A checker's Feedback for a wrong matrix or 4-D tensor (shown as its matrix of matrices) carries
this picture under its message. The wrong cells are outlined in every panel, so where the answer
is wrong shows at a glance; one colour limit for all three panels keeps their colours comparable.
"""

from __future__ import annotations

import io

import numpy as np

from ._matrices import annotate_cells, block_layout, heatmap, symmetric_limit

OUTLINE_COLOUR = "#1a9e3a"  # green, as the course's highlight: it stands out on red-white-blue


def _as_matrix(array: np.ndarray) -> np.ndarray:
    return block_layout(array) if array.ndim == 4 else np.atleast_2d(array)


def _outline(ax, wrong: np.ndarray) -> None:
    """Draw the border of the wrong cells: every cell edge between a wrong and a right cell."""
    from matplotlib.collections import LineCollection

    padded = np.pad(wrong, 1)
    segments = []
    rows, cols = np.nonzero(padded[1:, 1:-1] != padded[:-1, 1:-1])  # horizontal edges
    segments += [((c - 0.5, r - 0.5), (c + 0.5, r - 0.5)) for r, c in zip(rows, cols, strict=True)]
    rows, cols = np.nonzero(padded[1:-1, 1:] != padded[1:-1, :-1])  # vertical edges
    segments += [((c - 0.5, r - 0.5), (c - 0.5, r + 0.5)) for r, c in zip(rows, cols, strict=True)]
    ax.add_collection(LineCollection(segments, colors=OUTLINE_COLOUR, linewidths=3, zorder=5,
                                     clip_on=False))


def _block_borders(ax, shape) -> None:
    m, p, r, c = shape
    for k in range(1, m):
        ax.axhline(k * r - 0.5, color="black", linewidth=1)
    for k in range(1, p):
        ax.axvline(k * c - 0.5, color="black", linewidth=1)


def draw_mistake_map(figure, expected, answer, wrong) -> list:
    """Three heatmaps on `figure` (expected, yours, yours - expected); returns their axes."""
    expected, answer = np.asarray(expected, dtype=float), np.asarray(answer, dtype=float)
    panels = [_as_matrix(a) for a in (expected, answer, answer - expected)]
    mask = _as_matrix(np.asarray(wrong, dtype=bool))
    limit = symmetric_limit(np.concatenate([p.ravel() for p in panels]))
    axes = figure.subplots(1, 3)
    for ax, matrix, title in zip(axes, panels, ("expected", "yours", "yours − expected"),
                                 strict=True):
        heatmap(ax, matrix, title=title, limit=limit)
        if matrix.size <= 36:  # a small matrix shows its numbers too
            annotate_cells(ax, matrix, fmt="{:.2g}", fontsize=9, limit=limit)
        _outline(ax, mask)
        if expected.ndim == 4:
            _block_borders(ax, expected.shape)
        ax.set_xticks([])
        ax.set_yticks([])
    return list(axes)


def mistake_map_png(expected, answer, wrong, dpi: int = 72) -> bytes:
    """The mistake map as PNG bytes, drawn off-screen (no pyplot, no open figures left)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 2.6), layout="constrained")
    FigureCanvasAgg(figure)
    draw_mistake_map(figure, expected, answer, wrong)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
