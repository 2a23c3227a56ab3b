"""Memory of every explorer: growth over 300 control moves, and over 20 re-runs of its cell.

    python benchmarks/bench_widget_memory.py     (also part of `make bench`)

Resident memory (RSS, after gc and malloc_trim) is what the machine gives the kernel: it also
counts the pixels matplotlib and the PNG encoder hold outside Python's allocator. Each explorer
is driven round-robin over every control's whole range. "Fill" is the first 300 moves (bounded
caches fill up: at most 12 backgrounds of one figure, 32 timings); "more" is 300 moves after
that, which must not grow. A re-run is the same cell made again in a kernel (its cell id is
faked here): the explorer it made before must be released.
"""

from __future__ import annotations

import ctypes
import gc
import inspect
import sys
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from matplotlib.figure import Figure

from utils import widgets
from utils.widgets import _view

MOVES, RERUNS = 300, 20
BOUNDS_MIB = {"fill": 64.0, "more": 8.0, "re-runs": 16.0}  # growth allowed, per explorer


def resident_mib() -> float:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed pages back, so RSS means "in use"
    except OSError:
        pass
    return psutil.Process().memory_info().rss / 2**20


def moves(explorer, count: int):
    """(control, value) pairs: each control in turn, each over its whole range, round-robin."""
    ranges = {name: widgets.values_to_try(control, most=12)
              for name, control in explorer.controls.items()}
    made, k = 0, 0
    while made < count:
        for name, values in ranges.items():
            yield explorer.controls[name], values[k % len(values)]
            made += 1
            if made == count:
                return
        k += 1


def live_figures() -> int:
    gc.collect()
    return sum(isinstance(thing, Figure) for thing in gc.get_objects())


def measure(name: str) -> dict:
    make = getattr(widgets, name)
    explorer = make()
    start = resident_mib()
    for control, value in moves(explorer, MOVES):
        control.value = value
    filled = resident_mib()
    for control, value in moves(explorer, MOVES):
        control.value = value
    more = resident_mib()
    explorer.close()
    del explorer
    real_cell = _view.current_cell
    _view.current_cell = lambda: f"bench-{name}"  # every explorer comes from "the same cell"
    try:
        for _ in range(2):
            make()
        before, figures_before = resident_mib(), live_figures()
        for _ in range(RERUNS):
            make()
        after, figures_after = resident_mib(), live_figures()
    finally:
        _view.current_cell = real_cell
    return {"explorer": name, "fill": filled - start, "more": more - filled,
            "re-runs": after - before, "figures kept": figures_after - figures_before}


def main() -> int:
    names = sorted(n for n, f in inspect.getmembers(widgets, inspect.isfunction)
                   if n.endswith("_explorer"))
    rows = [measure(name) for name in names]
    print(f"{'explorer':<24}{'first ' + str(MOVES) + ' moves':>18}{'next ' + str(MOVES):>14}"
          f"{str(RERUNS) + ' re-runs':>14}{'figures kept':>14}")
    failed = []
    for row in rows:
        print(f"{row['explorer']:<24}{row['fill']:>14.1f} MiB{row['more']:>10.1f} MiB"
              f"{row['re-runs']:>10.1f} MiB{row['figures kept']:>14d}")
        failed += [f"{row['explorer']} {key}" for key, bound in BOUNDS_MIB.items()
                   if row[key] > bound]
        if row["figures kept"] > 0:
            failed.append(f"{row['explorer']} keeps figures")
    bounds = ", ".join(f"{key} <= {bound:g} MiB" for key, bound in BOUNDS_MIB.items())
    print(f"\nbounds per explorer: {bounds}, no figure kept by a re-run: "
          f"{'met by all' if not failed else 'MISSED: ' + '; '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
