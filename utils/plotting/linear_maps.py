"""Pictures of 04a-linear-maps: the Kronecker Jacobian beside the matrix of matrices, and what
the Kronecker route costs against the matrix product."""

from __future__ import annotations

import numpy as np

from ..costs import format_bytes
from ..linear_maps import matmul_kron
from ..matmul import matmul_jacobian
from ._matrices import heatmap, symmetric_limit
from .matrix_by_matrix import matrix_of_matrices


def plot_kron_beside_tensor(axes, A, B) -> None:
    """Left: dC/dA of C = A @ B as a matrix of matrices (notebook 03). Right: the same numbers
    as the flattened Jacobian I_m ⊗ Bᵀ, one row per entry of C, one column per entry of A."""
    if len(axes) != 2:
        raise ValueError(f"plot_kron_beside_tensor needs two axes; got {len(axes)}")
    tensor = matmul_jacobian(A, B, "A")
    kron = matmul_kron(A, B, "A")
    m, p, _, n = tensor.shape
    limit = symmetric_limit(tensor)
    matrix_of_matrices(axes[0], tensor, "dC/dA as a matrix of matrices (03)")
    axes[0].images[0].set_clim(-limit, limit)
    heatmap(axes[1], kron, f"$I_{m} \\otimes B^\\top$: rows vec(C), columns vec(A)",
            "column (k, l): entry $a_{kl}$ of A, row by row",
            "row (i, j): entry $c_{ij}$ of C, row by row", limit=limit)
    for row in range(p, m * p, p):  # the m diagonal blocks, each Bᵀ (p × n)
        axes[1].axhline(row - 0.5, color="0.5", linewidth=1)
    for column in range(n, m * n, n):
        axes[1].axvline(column - 0.5, color="0.5", linewidth=1)
    axes[1].set_xticks(range(m * n), [f"{k}{l}" for k in range(1, m + 1)
                                      for l in range(1, n + 1)])
    axes[1].set_yticks(range(m * p), [f"{i}{j}" for i in range(1, m + 1)
                                      for j in range(1, p + 1)])


def plot_kron_cost(ax_time, ax_memory, measurement: dict) -> float:
    """Seconds and bytes of the Kronecker route against dL/dC @ Bᵀ, log-log against n; returns
    the time ratio at the largest n."""
    n = np.asarray(measurement["n"], dtype=float)
    ax_time.loglog(n, measurement["kron_seconds"], "o-", color="tab:red",
                   label="Kronecker route: $(I \\otimes B^\\top)^\\top$ vec(G)")
    ax_time.loglog(n, measurement["product_seconds"], "s-", color="tab:blue",
                   label="matrix product: $G B^\\top$")
    ax_time.set_xlabel("n   (A, B, C all n × n)")
    ax_time.set_ylabel("seconds per gradient")
    ax_time.set_title("Time")
    ax_time.legend(loc="upper left")
    ax_memory.loglog(n, measurement["kron_bytes"], "o-", color="tab:red",
                     label="$I \\otimes B^\\top$: $n^4$ entries")
    ax_memory.loglog(n, measurement["gradient_bytes"], "s-", color="tab:blue",
                     label="dL/dA: $n^2$ entries")
    ax_memory.set_xlabel("n")
    ax_memory.set_ylabel("bytes (float64)")
    ax_memory.set_title(f"Memory (at n = {int(n[-1])}: "
                        f"{format_bytes(measurement['kron_bytes'][-1])} against "
                        f"{format_bytes(measurement['gradient_bytes'][-1])})")
    ax_memory.legend(loc="upper left")
    for ax in (ax_time, ax_memory):
        ax.grid(True, which="major", alpha=0.3)
        ax.set_xticks(n, [str(int(v)) for v in n])
        ax.minorticks_off()
    return float(measurement["kron_seconds"][-1] / measurement["product_seconds"][-1])
