"""The tensor route against the VJP for C = A @ B: bytes, time and speedup, as one table.

    make bench        (or: python benchmarks/bench_matmul.py)

Every time is the best of several repeats measured in this one run, and the targets are
ratios between timings taken side by side, so a busy machine shifts both sides alike:
  build/full   building dC/dA  vs  np.full of the same shape (merely writing those bytes): <= 1.5
  vjp/bare     matmul_vjp      vs  the two bare products dL_dC @ B.T and A.T @ dL_dC:   <= 1.2
  jax/ours     jit(jax.jacrev) vs  matmul_jacobian for the full dC/dA at n = 64:        >= 10
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import chain_rule_via_tensor, format_bytes, matmul_costs, matmul_jacobian, matmul_vjp
from utils.chain import single_blas_thread

SIZES = [(4, 4, 4), (8, 8, 8), (16, 16, 16), (32, 32, 32), (64, 64, 64),
         (64, 16, 32), (16, 64, 8), (8, 32, 64), (1, 64, 64), (64, 64, 1)]
TARGETS = {"build/full": 1.5, "vjp/bare": 1.2, "jax/ours": 10.0}


def batch_size(function, seconds: float = 0.002) -> int:
    """Calls per batch so that one batch takes at least 2 ms: long against the timer's
    resolution, short enough that many batches dodge the machine's interruptions."""
    function()  # warm up caches and lazy imports
    number, elapsed = 1, 0.0
    while elapsed < seconds:
        number *= 2
        elapsed = timeit.timeit(function, number=number)
    return number


def best_time(function, budget: float = 0.3) -> float:
    """Best seconds per call over batches, until about `budget` seconds are spent."""
    number = batch_size(function)
    repeats = max(3, int(budget / (timeit.timeit(function, number=number) or 1e-9)))
    return min(timeit.repeat(function, number=number, repeat=repeats)) / number


def paired_times(first, second, budget: float = 0.6) -> tuple[float, float]:
    """Best seconds per call of two functions timed in alternating batches.

    A ratio of two timings taken minutes apart mostly measures what else the machine was
    doing in between; alternating batches exposes both to the same conditions.
    """
    numbers = batch_size(first), batch_size(second)
    best = [float("inf"), float("inf")]
    spent = 0.0
    while spent < budget or best[1] == float("inf"):
        for k, (function, number) in enumerate(zip((first, second), numbers, strict=True)):
            elapsed = timeit.timeit(function, number=number)
            best[k], spent = min(best[k], elapsed / number), spent + elapsed
    return best[0], best[1]


def jax_reference():
    """jit(jacrev(a -> a @ B)) in float64, or None where JAX is not installed."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def measure(m: int, n: int, p: int) -> dict:
    gen = np.random.default_rng(0)
    A, B = gen.standard_normal((m, n)), gen.standard_normal((n, p))
    dL_dC = gen.standard_normal((m, p))
    costs = matmul_costs(m, n, p)
    dC_dA = matmul_jacobian(A, B)
    row = {
        "m, n, p": f"{m}, {n}, {p}",
        "dC/dA bytes": format_bytes(costs.tensor_bytes),
        "VJP bytes": format_bytes(costs.vjp_bytes),
    }
    row["build"], row["np.full"] = paired_times(lambda: matmul_jacobian(A, B),
                                                lambda: np.full(costs.tensor_shape, 1.0))
    row["tensor chain"] = best_time(lambda: chain_rule_via_tensor(dL_dC, dC_dA))
    row["matmul_vjp"], row["bare products"] = paired_times(
        lambda: matmul_vjp(dL_dC, A, B), lambda: (dL_dC @ B.T, A.T @ dL_dC))
    row["build/full"] = row["build"] / row["np.full"]
    row["vjp/bare"] = row["matmul_vjp"] / row["bare products"]
    # the tensor route needs both tensors (dC/dA and dC/dB) and both contractions
    dC_dB = matmul_jacobian(A, B, "B")
    tensor_both = (2 * row["build"] + 2 * row["tensor chain"]) if m == p == n else (
        best_time(lambda: matmul_jacobian(A, B)) + best_time(lambda: matmul_jacobian(A, B, "B"))
        + row["tensor chain"] + best_time(lambda: chain_rule_via_tensor(dL_dC, dC_dB)))
    row["speedup"] = tensor_both / row["matmul_vjp"]
    return row


def seconds(value: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def print_table(rows: list[dict]) -> None:
    columns = list(rows[0])
    cells = [[c for c in columns]] + [
        [seconds(r[c]) if c in ("build", "np.full", "tensor chain", "matmul_vjp", "bare products")
         else f"{r[c]:.2f}" if isinstance(r[c], float) else str(r[c]) for c in columns]
        for r in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(columns))]
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * width for width in widths))


def verdict_line(key: str, value: float, where: str) -> tuple[str, bool]:
    ok = value >= TARGETS[key] if key == "jax/ours" else value <= TARGETS[key]
    goal = (">= " if key == "jax/ours" else "<= ") + f"{TARGETS[key]:g}"
    return f"{key:<12}  {value:8.2f}  {goal:<7}  {'met' if ok else 'MISSED':<7}  {where}", ok


def main() -> int:
    print(f"numpy {np.__version__}, BLAS on one thread; best of repeats, each ratio's two sides "
          f"timed in alternating batches; speedup = tensor route for both dL/dA and "
          f"dL/dB (build both tensors + both contractions) / matmul_vjp\n")
    with single_blas_thread():  # BLAS threads waiting for a busy core would swamp the ratios
        rows = [measure(*size) for size in SIZES]
    print_table(rows)
    # Below ~512 KiB of tensor (a few µs of work) both sides of a ratio are mostly the fixed
    # cost of a Python call, so the verdict is given over all sizes and over those where the
    # work dominates; the first is printed for honesty, the second decides the exit code.
    working = [r for r in rows if r["np.full"] >= 10e-6 and r["bare products"] >= 5e-6]
    lines = []
    for key in ("build/full", "vjp/bare"):
        lines.append(verdict_line(key, max(r[key] for r in rows), "worst over all sizes"))
        lines.append(verdict_line(key, max(r[key] for r in working),
                                  f"worst where the work takes >= 5-10 µs ({len(working)} sizes)"))

    jax = jax_reference()
    if jax is None:
        print("\nJAX not installed: the jax/ours comparison is skipped (pip install '.[bench]').")
    else:
        n = 64
        gen = np.random.default_rng(0)
        A, B = gen.standard_normal((n, n)), gen.standard_normal((n, n))
        jacrev = jax.jit(jax.jacrev(lambda a: a @ B))
        A_jax = jax.numpy.asarray(A)
        jax_time = best_time(lambda: jacrev(A_jax).block_until_ready(), budget=1.0)
        ours = best_time(lambda: matmul_jacobian(A, B), budget=1.0)
        np.testing.assert_allclose(np.asarray(jacrev(A_jax)), matmul_jacobian(A, B), atol=1e-12)
        lines.append(verdict_line("jax/ours", jax_time / ours, f"full dC/dA at n = {n}"))
        print(f"\nfull dC/dA at n = {n} (float64, results checked equal): jit(jax.jacrev) "
              f"{seconds(jax_time)}, matmul_jacobian {seconds(ours)}, jax {jax.__version__}")

    print("\ntarget        measured  goal     verdict")
    for line, _ in lines:
        print(line)
    deciding = [ok for (line, ok) in lines if "all sizes" not in line]
    return 0 if all(deciding) else 1


if __name__ == "__main__":
    sys.exit(main())
