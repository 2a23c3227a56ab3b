"""Pictures of 07-second-order: the Hessian-vector product ∇²L v as a weighted sum of the
Hessian's columns, and the measured cost of each route to it against forming ∇²L."""

from __future__ import annotations

import numpy as np

from ._matrices import heatmap, symmetric_limit

# 00a's H is a layer's outputs: the Hessian of L is written ∇²L, mathtext in the pictures.
HESSIAN, HVP = r"$\nabla^2 L$", r"$\nabla^2 L\,v$"
ROUTE_STYLES = {"gradient": ("k", "o", "one gradient"),
                "forward-over-reverse": ("tab:blue", "s", HVP + " forward-over-reverse"),
                "reverse-over-reverse": ("tab:orange", "^", HVP + " reverse-over-reverse"),
                "reverse-over-forward": ("tab:green", "v", HVP + " reverse-over-forward"),
                "n products in a loop": ("tab:purple", "x", r"$n$ products " + HVP + " in a loop"),
                "forming the Hessian": ("tab:red", "D",
                                        HESSIAN + r" formed, then times $v$")}


def plot_hessian_and_hvp(figure, hessian, v, hvp):
    """Three panels: the Hessian ∇²L (n × n), v and ∇²L v as columns, each on its own colour
    scale (the largest |entry| printed under it): ∇²L v is ∇²L's columns weighted by v."""
    hessian, v, hvp = (np.asarray(a, dtype=float) for a in (hessian, v, hvp))
    n = len(v.ravel())
    if hessian.shape != (n, n) or hvp.size != n:
        raise ValueError(f"plot_hessian_and_hvp needs the Hessian (n, n) with v and the "
                         f"Hessian-vector product of n entries each; got Hessian "
                         f"{hessian.shape}, v {v.shape}, product {hvp.shape}")
    axes = figure.subplots(1, 3, gridspec_kw=dict(width_ratios=[n, 2, 2]))
    heatmap(axes[0], hessian, f"{HESSIAN} ({n} × {n}), symmetric", "j", "i")
    axes[0].set_xlabel(f"j    (max |·| {symmetric_limit(hessian):.2g})")
    heatmap(axes[1], v.reshape(n, 1), "$v$")
    heatmap(axes[2], hvp.reshape(n, 1), HVP)
    for ax, column in zip(axes[1:], (v, hvp), strict=True):
        ax.set_xticks([])
        ax.set_xlabel(f"max |·| {symmetric_limit(column):.2g}", fontsize="small")
    return axes


def plot_hvp_costs(ax, costs: dict):
    """Seconds against n, log-log: each route's ∇²L v beside a gradient and forming ∇²L."""
    n = np.asarray(costs["n"])
    if n.ndim != 1 or len(n) < 2 or any(len(costs[name]) != len(n) for name in ROUTE_STYLES):
        raise ValueError("plot_hvp_costs needs costs from utils.hessian.hvp_costs: 'n' and the "
                         "seconds of every route, at two sizes at least")
    for name, (colour, marker, label) in ROUTE_STYLES.items():
        seconds = np.asarray(costs[name])
        slope = round(float(np.polyfit(np.log(n), np.log(seconds), 1)[0]), 1) + 0.0  # no -0.0
        ax.loglog(n, seconds, marker=marker, color=colour, label=f"{label}: slope {slope:.1f}")
    ax.set_xlabel("$n$, the number of weights (entries of $W_1$)")
    ax.set_ylabel("seconds per call (best of alternating rounds)")
    ax.set_title("What second order costs")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return ax
