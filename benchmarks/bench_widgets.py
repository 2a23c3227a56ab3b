"""Latency of every explorer: each control driven over its whole range, every update timed.

    python benchmarks/bench_widgets.py     (also part of `make bench`)

An update is what a learner waits for after moving a control: from the change until the
picture's new PNG bytes are set on its image widget (not the browser's part: see
tests/browser/test_centrepiece.py for key press to picture). Every move is made as a front
end's is, so slow work (timing both routes) runs after the picture, in a thread, shown as
"measuring…" meanwhile; how long until it is filled in is printed apart. Each control goes over
its whole range and back to its default, then over it again: the first pass holds the first
visits (settings never shown before: nothing cached), the second pass the repeat visits.
Targets per explorer: all updates median <= 50 ms and 95th percentile <= 100 ms, and first
visits alone 95th percentile <= 100 ms. The machine's load is printed: on a busy machine every
time is inflated, so read the table with it, and with the CPU time printed under each explorer
(what the process itself spent until the picture was set, which waiting for a core does not
inflate).
"""

from __future__ import annotations

import inspect
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from utils import widgets

MEDIAN_MS, P95_MS = 50.0, 100.0
POINTS = 12  # values per slider, ends included


def percentile(samples, q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def time_explorer(name: str) -> list[dict]:
    """One row per control: first visits, repeat visits and fill-ins, in ms."""
    explorer = getattr(widgets, name)()
    explorer.asynchronous = True  # as a front end's move: slow work after the picture
    shown = []
    explorer.view.image.observe(
        lambda _: shown.append((time.perf_counter(), time.process_time())), names="value")
    seen = set()
    rows = []
    for key, control in explorer.controls.items():
        default = control.value
        first, again, filled, cpu_first, cpu_again = [], [], [], [], []
        for _ in range(2):
            for value in widgets.values_to_try(control, most=POINTS) + [default]:
                if value == control.value:
                    continue
                shown.clear()
                start, cpu_start = time.perf_counter(), time.process_time()
                control.value = value
                returned = (time.perf_counter(), time.process_time())
                pending = not explorer._idle.is_set()
                explorer.wait()
                picture = shown[0] if shown else returned  # the same picture: nothing to set
                state = tuple((k, c.value) for k, c in explorer.controls.items())
                (again if state in seen else first).append((picture[0] - start) * 1e3)
                (cpu_again if state in seen else cpu_first).append((picture[1] - cpu_start) * 1e3)
                if pending:
                    filled.append((time.perf_counter() - start) * 1e3)
                seen.add(state)
        rows.append({"explorer": name, "control": key, "first": first, "again": again,
                     "filled": filled, "cpu first": cpu_first, "cpu again": cpu_again})
    explorer.close()
    return rows


def cell(samples) -> str:
    if not samples:
        return f"{'-':>24}"
    return (f"{len(samples):>4} {statistics.median(samples):>7.1f} {percentile(samples, 95):>6.1f}"
            f" {max(samples):>6.1f}")


def main() -> int:
    names = sorted(n for n, f in inspect.getmembers(widgets, inspect.isfunction)
                   if n.endswith("_explorer"))
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores\n")
    print(f"{'explorer':<24}{'control':<14}{'first visits: n median p95 max':>32}"
          f"{'repeat visits: n median p95 max':>34}{'filled in after: n median p95 max':>36}")
    verdicts = []
    for name in names:
        rows = time_explorer(name)
        for row in rows:
            print(f"{row['explorer']:<24}{row['control']:<14}{cell(row['first']):>32}"
                  f"{cell(row['again']):>34}{cell(row['filled']):>36}")
        every = [t for row in rows for t in row["first"] + row["again"]]
        firsts = [t for row in rows for t in row["first"]]
        filled = [t for row in rows for t in row["filled"]]
        median, p95, first_p95 = (statistics.median(every), percentile(every, 95),
                                  percentile(firsts, 95))
        ok = median <= MEDIAN_MS and p95 <= P95_MS and first_p95 <= P95_MS
        verdicts.append((name, ok))
        cpu_every = [t for row in rows for t in row["cpu first"] + row["cpu again"]]
        cpu_firsts = [t for row in rows for t in row["cpu first"]]
        print(f"{'':<24}{'ALL':<14}{cell(firsts):>32}{cell(every):>34}{cell(filled):>36}\n"
              f"{'':<24}all updates: median {median:.1f} ms, p95 {p95:.1f} ms; first visits: "
              f"p95 {first_p95:.1f} ms: {'met' if ok else 'MISSED'}\n"
              f"{'':<24}(CPU time of this process, what a busy machine does not inflate: all "
              f"updates median {statistics.median(cpu_every):.1f} ms, p95 "
              f"{percentile(cpu_every, 95):.1f} ms; first visits p95 "
              f"{percentile(cpu_firsts, 95):.1f} ms)\n", flush=True)
    missed = [name for name, ok in verdicts if not ok]
    print(f"targets, first visits and n = 64 included: median <= {MEDIAN_MS:g} ms and 95th "
          f"percentile <= {P95_MS:g} ms over all updates, first visits' 95th percentile <= "
          f"{P95_MS:g} ms: {'met by all' if not missed else 'MISSED by ' + ', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
