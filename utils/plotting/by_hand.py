"""Pictures of 05a-backward-by-hand: the training loss of each backward pass, epoch by epoch."""

from __future__ import annotations

import numpy as np

STYLES = ({"color": "tab:blue", "linewidth": 4, "alpha": 0.5},     # wide, so a second line
          {"color": "tab:orange", "linewidth": 1.5, "linestyle": "--"})  # on top stays visible


def plot_losses(ax, losses_by_backward: dict):
    """One line per backward pass (name -> mean loss of each epoch) on a log scale: two correct
    backward passes give the same losses, so their lines lie on top of each other."""
    if not isinstance(losses_by_backward, dict) or not 1 <= len(losses_by_backward) <= 2:
        size = len(losses_by_backward) if hasattr(losses_by_backward, "__len__") else "?"
        raise TypeError(f"losses_by_backward must be a dict of one or two {{name: losses}}; got "
                        f"{type(losses_by_backward).__name__} of length {size}")
    for (name, losses), style in zip(losses_by_backward.items(), STYLES, strict=False):
        losses = np.asarray(losses, dtype=float)
        if losses.ndim != 1 or len(losses) == 0 or not np.all(np.isfinite(losses) & (losses > 0)):
            raise ValueError(f"the losses of {name!r} must be positive finite numbers, one per "
                             f"epoch; got shape {losses.shape}")
        ax.semilogy(np.arange(1, len(losses) + 1), losses, label=str(name), **style)
    ax.set_xlabel("epoch (one pass over the training images)")
    ax.set_ylabel("mean cross-entropy loss (log scale)")
    ax.set_title("Training the batch-norm network")
    ax.legend()
    return ax
