"""Pictures of 04-efficient-vjp: the measured scaling of both routes, and dL/dA as a weighted
sum of the blocks of dC/dA."""

from __future__ import annotations

import numpy as np

from ..costs import format_bytes
from ._matrices import SIGNED_CMAP, annotate_cells, symmetric_limit


def plot_route_scaling(ax_time, ax_memory, measurement, smallest: int = 16) -> dict:
    """Measured time and peak memory of both routes against n, log-log, slopes in the legend.

    `measurement` is a utils.routes.RouteMeasurement; slopes are fitted on sizes >= `smallest`
    and returned.
    """

    slopes = measurement.slopes(smallest)
    sizes = measurement.sizes
    panels = ((ax_time, "seconds", "time per call (best of 3, 1 BLAS thread)",
               "Measured time of each route"),
              (ax_memory, "bytes", "peak memory (tracemalloc)", "Measured peak memory"))
    for ax, unit, ylabel, title in panels:
        tensor, vjp = getattr(measurement, f"tensor_{unit}"), getattr(measurement, f"vjp_{unit}")
        ax.loglog(sizes, tensor, "o-", color="tab:red",
                  label=f"tensor route: slope {slopes[f'tensor_{unit}']:.1f}")
        ax.loglog(sizes, vjp, "s-", color="tab:blue",
                  label=f"VJP route: slope {slopes[f'vjp_{unit}']:.1f}")
        last = int(np.max(np.nonzero(np.isfinite(tensor))))
        if last < len(sizes) - 1:  # the larger sizes were refused by the memory guard
            limit = format_bytes(measurement.tensor_max_bytes)
            ax.annotate(f"n > {sizes[last]}: tensor over the\n{limit} measuring limit,\n"
                        f"not tried", (sizes[last], tensor[last]), xytext=(12, -44),
                        textcoords="offset points", color="tab:red")
        ax.axvline(smallest, color="gray", linestyle=":", linewidth=1)
        ax.set_xlabel("n   (A, B and dL/dC are n × n)")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper left", title=f"slopes fitted for n ≥ {smallest}",
                  fontsize="small", title_fontsize="small")
    ticks = [1024.0**k for k in range(1, 4)]
    ax_memory.set_yticks(ticks, ["1 KiB", "1 MiB", "1 GiB"])
    seconds = np.concatenate([measurement.tensor_seconds, measurement.vjp_seconds])
    low, high = np.nanmin(seconds), np.nanmax(seconds)
    ticks = [(t, label) for t, label in ((1e-6, "1 µs"), (1e-5, "10 µs"), (1e-4, "100 µs"),
                                         (1e-3, "1 ms"), (1e-2, "10 ms"), (1e-1, "100 ms"),
                                         (1.0, "1 s"), (10.0, "10 s")) if low <= t <= high]
    ax_time.set_yticks([t for t, _ in ticks], [label for _, label in ticks])
    return slopes


def plot_block_combination(axes, dL_dC, dC_dX, weight_names=None, wrt: str = "A"):
    """The chain rule as a picture: each block ∂c_ij/∂X, titled with its weight dL/dc_ij, then
    their weighted sum dL/dX. `axes`: one Axes per entry of C, plus one for the sum.
    """
    dL_dC, dC_dX = np.asarray(dL_dC, dtype=float), np.asarray(dC_dX, dtype=float)
    if dL_dC.ndim != 2:
        raise ValueError(f"dL_dC must be a matrix, shaped like C (m, p); got shape {dL_dC.shape}")
    m, p = dL_dC.shape
    if dC_dX.shape[:2] != (m, p) or len(axes) != m * p + 1:
        raise ValueError(f"need dC_dX of shape {(m, p)} + X.shape and {m * p + 1} axes; got "
                         f"dC_dX {dC_dX.shape} and {len(axes)} axes")
    names = weight_names or [f"{w:g}" for w in dL_dC.ravel()]
    result = np.tensordot(dL_dC, dC_dX, axes=2)
    limit = symmetric_limit(np.concatenate([dC_dX.ravel(), result.ravel()]))
    subscript = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    for ax, (i, j) in zip(axes[:-1], np.ndindex(m, p), strict=True):
        ax.imshow(dC_dX[i, j], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        annotate_cells(ax, dC_dX[i, j], fontsize=13, limit=limit)
        sign = "" if (i, j) == (0, 0) else "+ "
        entry = f"{i + 1}{j + 1}".translate(subscript)
        ax.set_title(f"{sign}{names[i * p + j]} ×\n∂c{entry}/∂{wrt}")
    ax = axes[-1]
    ax.imshow(result, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    annotate_cells(ax, result, fontsize=13, limit=limit)
    ax.set_title(f"= dL/d{wrt}")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return result
