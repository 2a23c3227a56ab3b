"""Latency of every explorer: each control driven over its range, one update timed per setting.

    python benchmarks/bench_widgets.py     (also part of `make bench`)

An update is what a learner waits for after moving a control: the callback plus re-rendering
the figure. Target: median <= 50 ms at default sizes.
"""

from __future__ import annotations

import inspect
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import widgets

TARGET_MS = 50.0


def time_explorer(name: str) -> dict:
    start = time.perf_counter()
    explorer = getattr(widgets, name)()
    build = time.perf_counter() - start
    defaults = {key: control.value for key, control in explorer.controls.items()}
    samples = []
    for key, control in explorer.controls.items():
        for value in widgets.values_to_try(control) + [defaults[key]]:
            if value == control.value:
                continue
            start = time.perf_counter()
            control.value = value
            samples.append(time.perf_counter() - start)
    # at default sizes: toggle each control away and back, timing the return to the default
    at_default = []
    for key, control in explorer.controls.items():
        other = next((v for v in widgets.values_to_try(control) if v != defaults[key]), None)
        if other is None:
            continue
        for _ in range(3):
            control.value = other
            start = time.perf_counter()
            control.value = defaults[key]
            at_default.append(time.perf_counter() - start)
    return {"explorer": name, "build ms": build * 1e3, "settings": len(samples),
            "median ms (default sizes)": statistics.median(at_default) * 1e3,
            "median ms (whole range)": statistics.median(samples) * 1e3,
            "max ms": max(samples) * 1e3}


def main() -> int:
    names = sorted(n for n, f in inspect.getmembers(widgets, inspect.isfunction)
                   if n.endswith("_explorer"))
    rows = [time_explorer(name) for name in names]
    columns = list(rows[0])
    cells = [columns] + [[f"{r[c]:.1f}" if isinstance(r[c], float) else str(r[c])
                          for c in columns] for r in rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(columns))]
    for k, row in enumerate(cells):
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * width for width in widths))
    slow = [r["explorer"] for r in rows if r["median ms (default sizes)"] > TARGET_MS]
    print(f"\ntarget: median update <= {TARGET_MS:g} ms at default sizes: "
          f"{'met by all' if not slow else 'MISSED by ' + ', '.join(slow)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
