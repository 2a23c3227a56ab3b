"""benchmarks/bench_matmul.py judges its targets as it says (no timing here: fabricated rows)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_matmul  # noqa: E402


def row(size, build_floor, vjp_bare, floor=50e-6, bare=20e-6):
    return {"m, n, p": size, "build/floor": build_floor, "vjp/bare": vjp_bare,
            "np.full": floor, "bare products": bare}


def passed(rows) -> bool:
    return all(ok for _, ok in bench_matmul.verdicts(rows))


def test_targets_met_where_the_work_counts_pass():
    assert passed([row("64, 64, 64", 1.4, 1.1), row("32, 32, 32", 0.7, 0.9)])


def test_a_missed_target_at_a_working_size_fails_and_names_the_size():
    rows = [row("64, 64, 64", 1.6, 1.0), row("32, 32, 32", 0.7, 0.9)]
    assert not passed(rows)
    missed = [line for line, ok in bench_matmul.verdicts(rows) if not ok]
    assert len(missed) == 1 and "MISSED" in missed[0] and "64, 64, 64" in missed[0]


def test_overhead_sized_work_is_shown_but_does_not_decide():
    tiny = row("4, 4, 4", 3.0, 2.0, floor=1e-6, bare=1e-6)
    lines = bench_matmul.verdicts([tiny, row("64, 64, 64", 1.0, 1.0)])
    assert passed([tiny, row("64, 64, 64", 1.0, 1.0)])
    assert any("over" in line and "shown only" in line for line, _ in lines)


def test_median_ratio_pairs_timings_of_the_same_round():
    times = {"a": [2.0, 20.0, 3.0], "b": [1.0, 10.0, 1.0]}  # a noisy round moves both sides
    assert bench_matmul.median_ratio(times, "a", "b") == 2.0
