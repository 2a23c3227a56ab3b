"""Pictures of 05-backward-pass: a grid of digits with their predicted labels."""

from __future__ import annotations

import numpy as np


def digit_grid(figure, images, predicted, true, columns: int = 8):
    """8x8 digit images in a grid titled 'predicted (true)'; wrong predictions framed in red."""
    images = np.asarray(images)
    if images.ndim != 2 or images.shape[1] != 64 or not len(images) == len(predicted) == len(true):
        raise ValueError(f"digit_grid needs images (k, 64) with k predicted and k true labels; "
                         f"got images {images.shape}, {len(predicted)} and {len(true)} labels")
    rows = -(-len(images) // columns)
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_visible(False)
    for ax, image, guess, label in zip(axes.flat, images, predicted, true, strict=False):
        wrong = guess != label
        ax.set_visible(True)
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{guess} ({label})", fontsize=11, color="red" if wrong else "black",
                     fontweight="bold" if wrong else "normal")
        for spine in ax.spines.values():
            spine.set_color("red" if wrong else "lightgray")
            spine.set_linewidth(3 if wrong else 1)
    return axes
