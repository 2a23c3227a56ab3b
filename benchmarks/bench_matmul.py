"""The tensor route against the VJP for C = A @ B: bytes, time and ratios, as one table.

    make bench        (or: python benchmarks/bench_matmul.py)

Every ratio is the median, over many rounds, of two timings taken back to back in one round
(alternating batches, the order flipped each round), so a busy machine shifts both sides
alike. The targets (exit status 1 if one is missed where the work takes >= 10 µs):

  build/floor  matmul_jacobian (the full dC/dA)  vs  np.full of the same shape: <= 1.5
               np.full writes every byte of the tensor, the least any full build must do
               (np.zeros is shown too: it may get pre-zeroed pages without touching them)
  vjp/bare     matmul_vjp  vs  the two bare products dL_dC @ B.T and A.T @ dL_dC:   <= 1.2

Reported beside them, without a target: the tensor route for both gradients against
matmul_vjp (the VJP's speedup), and the full dC/dA built by jit(jax.jacrev) (if installed:
`pip install '.[bench]'`) and by autograd's jacobian, each against ours (results checked equal).
Our build already sits at the memory floor, so a library's build cannot be much faster.
"""

from __future__ import annotations

import statistics
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import chain_rule_via_tensor, format_bytes, matmul_costs, matmul_jacobian, matmul_vjp
from utils.chain import single_blas_thread

SIZES = [(4, 4, 4), (8, 8, 8), (16, 16, 16), (32, 32, 32), (64, 64, 64),
         (64, 16, 32), (16, 64, 8), (8, 32, 64), (1, 64, 64), (64, 64, 1)]
LIBRARY_SIZES = [(8, 8, 8), (32, 32, 32), (64, 64, 64)]  # jax and autograd: the slow ones
TARGETS = {"build/floor": 1.5, "vjp/bare": 1.2}
WORK = 10e-6  # a target is judged where the floor side takes at least this long
TIMES = ("build", "np.full", "np.zeros", "matmul_vjp", "bare products", "tensor route")


def batch_size(function, seconds: float = 0.002) -> int:
    """Calls per batch so that one batch takes at least 2 ms: long against the timer's
    resolution, short enough that many batches dodge the machine's interruptions."""
    function()  # warm up caches and lazy imports
    number, elapsed = 1, 0.0
    while elapsed < seconds:
        number *= 2
        elapsed = timeit.timeit(function, number=number)
    return number


def alternating(functions: dict, budget: float = 0.5, rounds: int = 9) -> dict[str, list]:
    """Seconds per call of each function, one batch of each per round, the order reversed
    every other round; at least `rounds` rounds and about `budget` seconds in all."""
    numbers = {name: batch_size(f) for name, f in functions.items()}
    times: dict[str, list] = {name: [] for name in functions}
    spent, k = 0.0, 0
    while spent < budget or k < rounds:
        order = list(functions) if k % 2 == 0 else list(functions)[::-1]
        for name in order:
            elapsed = timeit.timeit(functions[name], number=numbers[name])
            times[name].append(elapsed / numbers[name])
            spent += elapsed
        k += 1
    return times


def median_ratio(times: dict, top: str, bottom: str) -> float:
    """The median over rounds of the ratio of two timings taken in the same round."""
    return statistics.median(a / b for a, b in zip(times[top], times[bottom], strict=True))


def measure(m: int, n: int, p: int) -> dict:
    gen = np.random.default_rng(0)
    A, B = gen.standard_normal((m, n)), gen.standard_normal((n, p))
    dL_dC = gen.standard_normal((m, p))
    costs = matmul_costs(m, n, p)
    row = {"m, n, p": f"{m}, {n}, {p}", "dC/dA bytes": format_bytes(costs.tensor_bytes),
           "VJP bytes": format_bytes(costs.vjp_bytes)}
    build = alternating({"build": lambda: matmul_jacobian(A, B),
                         "np.full": lambda: np.full(costs.tensor_shape, 1.0),
                         "np.zeros": lambda: np.zeros(costs.tensor_shape)})
    vjp = alternating({"matmul_vjp": lambda: matmul_vjp(dL_dC, A, B),
                       "bare products": lambda: (dL_dC @ B.T, A.T @ dL_dC)})
    # the tensor route: both tensors (dC/dA, dC/dB) and both contractions. Timed apart from
    # the pair above: freeing its large tensors would slow whatever runs right after it.
    routes = alternating({"tensor route": lambda: (
                              chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B)),
                              chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, "B"))),
                          "VJP route": lambda: matmul_vjp(dL_dC, A, B)})
    for name, times in {**build, **vjp, "tensor route": routes["tensor route"]}.items():
        row[name] = statistics.median(times)
    row["build/floor"] = median_ratio(build, "build", "np.full")
    row["vjp/bare"] = median_ratio(vjp, "matmul_vjp", "bare products")
    row["speedup"] = median_ratio(routes, "tensor route", "VJP route")
    return row


def jax_or_none():
    """JAX in float64, or None where it is not installed (it is the optional bench extra)."""
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def library_row(m: int, n: int, p: int, jax) -> dict:
    """The full dC/dA from jit(jax.jacrev), autograd's jacobian, ours and the floor, side by
    side in alternating batches; each library's tensor is checked equal to ours first."""
    from autograd import jacobian as autograd_jacobian

    gen = np.random.default_rng(0)
    A, B = gen.standard_normal((m, n)), gen.standard_normal((n, p))
    ours = matmul_jacobian(A, B)
    by_autograd = autograd_jacobian(lambda a: a @ B)
    np.testing.assert_allclose(by_autograd(A), ours, atol=1e-12)
    contenders = {"ours": lambda: matmul_jacobian(A, B),
                  "np.full": lambda: np.full(ours.shape, 1.0),
                  "autograd": lambda: by_autograd(A)}
    if jax is not None:
        by_jax, A_jax = jax.jit(jax.jacrev(lambda a: a @ B)), jax.numpy.asarray(A)
        np.testing.assert_allclose(np.asarray(by_jax(A_jax)), ours, atol=1e-12)
        contenders["jax.jacrev"] = lambda: by_jax(A_jax).block_until_ready()
    times = alternating(contenders, budget=1.0, rounds=5)
    row = {"m, n, p": f"{m}, {n}, {p}", "dC/dA bytes": format_bytes(ours.nbytes)}
    row.update({name: statistics.median(t) for name, t in times.items()})
    row.update({f"{name}/ours": median_ratio(times, name, "ours")
                for name in times if name != "ours"})
    return row


def seconds(value: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def print_table(rows: list[dict]) -> None:
    columns = list(rows[0])
    ratio = {c for c in columns if "/" in c and isinstance(rows[0][c], float)} | {"speedup"}
    cells = [columns] + [
        [f"{r[c]:.2f}" if c in ratio else seconds(r[c]) if isinstance(r[c], float) else r[c]
         for c in columns] for r in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(columns))]
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * width for width in widths))


def verdicts(rows: list[dict]) -> list[tuple[str, bool]]:
    """The worst ratio per target: over all sizes (shown) and where the work takes >= 10 µs
    (decides). Below that both sides are mostly the fixed cost of a Python call."""
    floors = {"build/floor": "np.full", "vjp/bare": "bare products"}
    lines = []
    for key, goal in TARGETS.items():
        working = [r for r in rows if r[floors[key]] >= WORK]
        for chosen, where, decides in ((rows, "all sizes (shown only)", False),
                                       (working, f"{len(working)} sizes with "
                                        f"{floors[key]} >= 10 µs (decides)", True)):
            if not chosen:
                lines.append((f"{key:<12}  {'-':>8}  <= {goal:<4g}  {'n/a':<7}  {where}", True))
                continue
            row = max(chosen, key=lambda r, key=key: r[key])
            worst = row[key]
            ok = worst <= goal or not decides
            verdict = "met" if worst <= goal else "MISSED" if decides else "over"
            lines.append((f"{key:<12}  {worst:8.2f}  <= {goal:<4g}  {verdict:<7}  {where}; "
                          f"worst at m, n, p = {row['m, n, p']}", ok))
    return lines


def main() -> int:
    print(f"numpy {np.__version__}, BLAS on one thread; times are medians per call, ratios are "
          "medians of same-round ratios (alternating batches); speedup = tensor route for "
          "dL/dA and dL/dB (both tensors + both contractions) / matmul_vjp\n")
    with single_blas_thread():  # BLAS threads waiting for a busy core would swamp the ratios
        rows = [measure(*size) for size in SIZES]
        jax = jax_or_none()
        library = [library_row(*size, jax) for size in LIBRARY_SIZES]
    print_table(rows)
    print("\nThe full dC/dA by library (float64, each checked equal to ours); ratios are their "
          "time / ours: above 1 means ours is faster")
    print_table(library)
    if jax is None:
        print("JAX not installed: its column is left out (pip install '.[bench]').")
    else:
        print(f"jax {jax.__version__}, jit(jax.jacrev(lambda a: a @ B))")
    lines = verdicts(rows)
    print("\ntarget        worst     goal     verdict  over")
    for line, _ in lines:
        print(line)
    return 0 if all(ok for _, ok in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
