"""H·v three ways against one gradient and against forming H, over sizes, as one table.

    make bench        (or: python benchmarks/bench_hvp.py)

The function: a small tanh network's loss as a function of its first weights W1 (n entries),
utils.hessian.small_network. Batches alternate (order flipped each round); each time shown is
the fastest batch of its contender and each ratio is one of those fastest times over another:
on a machine shared with many jobs (load far above its cores) the least disturbed batch is
the measurement, where a median of same-round ratios still swings by 3x. Targets (exit status
1 if one is missed):

  hvp/grad      each route's H·v  vs  one gradient:                    <= 6 at every size
                (the cost of H·v is a small constant times a gradient's, whatever n is)
  H/(n·hvp)     forming H and multiplying  vs  n forward-over-reverse H·v run in a loop (timed
                in the same alternating batches): between 0.5 and 2 where n >= 16
                (forming H is n H·v's: the same work, so about the same time)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_matmul import alternating, print_table, seconds  # noqa: E402

from utils import autodiff as ad  # noqa: E402
from utils import hessian as hs  # noqa: E402
from utils.chain import single_blas_thread  # noqa: E402

SIZES = [(2, 2), (4, 4), (8, 8), (12, 12), (24, 24)]   # (inputs, hidden): n = inputs * hidden
TARGETS = {"hvp/grad": 6.0, "H/(n·hvp)": (0.5, 2.0)}
COUNTS = 16  # forming H is judged where n is at least this (below, fixed costs dominate)
ROUTES = {"fwd-rev": "forward-over-reverse", "rev-rev": "reverse-over-reverse",
          "rev-fwd": "reverse-over-forward"}


def measure(inputs: int, hidden: int) -> dict:
    loss, W1 = hs.small_network(inputs=inputs, hidden=hidden, classes=4, batch=32)
    v = np.random.default_rng(1).normal(size=W1.shape)
    n = W1.size
    gradient = ad.grad(loss)
    reference = hs.hvp(loss, W1, v)
    for route in ROUTES.values():   # every route is checked equal before it is timed
        np.testing.assert_allclose(hs.hvp(loss, W1, v, route), reference, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.tensordot(hs.hessian(loss, W1), v, v.ndim), reference,
                               rtol=1e-9, atol=1e-12)
    contenders = {"grad": lambda: gradient(W1)}
    contenders.update({short: (lambda route=route: hs.hvp(loss, W1, v, route))
                       for short, route in ROUTES.items()})
    contenders["form H, H·v"] = lambda: np.tensordot(hs.hessian(loss, W1), v, v.ndim)
    contenders["n·hvp loop"] = hs.timed_calls(loss, W1, v)["n products in a loop"]
    times = alternating(contenders, budget=2.0, rounds=21)
    row = {"n": n}
    fastest = {name: min(t) for name, t in times.items()}
    row.update(fastest)
    row.update({f"{short}/grad": fastest[short] / fastest["grad"] for short in ROUTES})
    row["H/hvp"] = fastest["form H, H·v"] / fastest["fwd-rev"]
    row["H/(n·hvp)"] = fastest["form H, H·v"] / fastest["n·hvp loop"]
    return row


def verdicts(rows: list[dict]) -> list[tuple[str, bool]]:
    """One line per target: the worst case, where it was, and whether it was met."""
    lines = []
    worst_route = max((r[f"{s}/grad"], s, r["n"]) for r in rows for s in ROUTES)
    ok = worst_route[0] <= TARGETS["hvp/grad"]
    lines.append((f"hvp/grad      {worst_route[0]:8.2f}  <= {TARGETS['hvp/grad']:<4g}  "
                  f"{'met' if ok else 'MISSED':<7}  all sizes; worst {worst_route[1]} at "
                  f"n = {worst_route[2]}", ok))
    judged = [r for r in rows if r["n"] >= COUNTS]
    low, high = TARGETS["H/(n·hvp)"]
    if not judged:
        return [*lines, (f"H/(n·hvp)     {'-':>8}  in {low:g}–{high:g}  n/a", True)]
    worst = max(judged, key=lambda r: max(low / r["H/(n·hvp)"], r["H/(n·hvp)"] / high))
    ok = low <= worst["H/(n·hvp)"] <= high
    lines.append((f"H/(n·hvp)     {worst['H/(n·hvp)']:8.2f}  in {low:g}–{high:g}  "
                  f"{'met' if ok else 'MISSED':<7}  {len(judged)} sizes with n >= {COUNTS}; "
                  f"worst at n = {worst['n']}", ok))
    return lines


def main() -> int:
    print(f"numpy {np.__version__}, BLAS on one thread; loss of a tanh network (batch 32, 4 "
          f"classes) as a function of W1 with n entries; each time per call is its contender's "
          f"fastest batch (alternating batches), each ratio one of those over another\n")
    with single_blas_thread():
        rows = [measure(*size) for size in SIZES]
    print_table([{k: (str(v) if k == "n" else v) for k, v in r.items()} for r in rows])
    lines = verdicts(rows)
    print("\ntarget        worst     goal     verdict  where")
    for line, _ in lines:
        print(line)
    print(f"\none H·v costs {seconds(rows[-1]['fwd-rev'])} at n = {rows[-1]['n']}, {rows[-1]['n']} "
          f"of them in a loop {seconds(rows[-1]['n·hvp loop'])}, forming H "
          f"{seconds(rows[-1]['form H, H·v'])}")
    return 0 if all(ok for _, ok in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
