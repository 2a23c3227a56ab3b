"""Pictures of 07-second-order: H·v as a weighted sum of the Hessian's columns, and the measured
cost of each H·v route against forming H."""

from __future__ import annotations

import numpy as np

from ._matrices import heatmap, symmetric_limit

ROUTE_STYLES = {"gradient": ("k", "o", "one gradient"),
                "forward-over-reverse": ("tab:blue", "s", "H·v forward-over-reverse"),
                "reverse-over-reverse": ("tab:orange", "^", "H·v reverse-over-reverse"),
                "reverse-over-forward": ("tab:green", "v", "H·v reverse-over-forward"),
                "forming H": ("tab:red", "D", "forming H, then H @ v")}


def plot_hessian_and_hvp(figure, H, v, Hv):
    """Three panels: H (n × n), v and H·v as columns, each on its own colour scale (the
    largest |entry| printed under it): H·v is the columns of H weighted by v's entries."""
    H, v, Hv = (np.asarray(a, dtype=float) for a in (H, v, Hv))
    n = len(v.ravel())
    if H.shape != (n, n) or Hv.size != n:
        raise ValueError(f"plot_hessian_and_hvp needs H (n, n) with v and Hv of n entries; got "
                         f"H {H.shape}, v {v.shape}, Hv {Hv.shape}")
    axes = figure.subplots(1, 3, gridspec_kw=dict(width_ratios=[n, 2, 2]))
    heatmap(axes[0], H, f"H ({n} × {n}), symmetric", "j", "i")
    axes[0].set_xlabel(f"j    (max |·| {symmetric_limit(H):.2g})")
    heatmap(axes[1], v.reshape(n, 1), "v")
    heatmap(axes[2], Hv.reshape(n, 1), "H·v")
    for ax, column in zip(axes[1:], (v, Hv), strict=True):
        ax.set_xticks([])
        ax.set_xlabel(f"max |·| {symmetric_limit(column):.2g}", fontsize="small")
    return axes


def plot_hvp_costs(ax, costs: dict):
    """Seconds against n, log-log: each route's H·v beside a gradient and forming H."""
    n = np.asarray(costs["n"])
    if n.ndim != 1 or len(n) < 2 or any(len(costs[name]) != len(n) for name in ROUTE_STYLES):
        raise ValueError("plot_hvp_costs needs costs from utils.hessian.hvp_costs: 'n' and the "
                         "seconds of every route, at two sizes at least")
    for name, (colour, marker, label) in ROUTE_STYLES.items():
        seconds = np.asarray(costs[name])
        slope = round(float(np.polyfit(np.log(n), np.log(seconds), 1)[0]), 1) + 0.0  # no -0.0
        ax.loglog(n, seconds, marker=marker, color=colour, label=f"{label}: slope {slope:.1f}")
    ax.set_xlabel("n, the number of weights (entries of W1)")
    ax.set_ylabel("seconds per call (best of 5)")
    ax.set_title("What second order costs")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return ax
