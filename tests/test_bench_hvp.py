"""benchmarks/bench_hvp.py judges its targets as it says (no timing here: fabricated rows)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_hvp  # noqa: E402


def row(n, per_route=(2.5, 3.0, 2.8), h_per_n=1.0):
    ratios = dict(zip([f"{s}/grad" for s in bench_hvp.ROUTES], per_route, strict=True))
    return {"n": n, **ratios, "H/(n·hvp)": h_per_n}


def passed(rows) -> bool:
    return all(ok for _, ok in bench_hvp.verdicts(rows))


def test_cheap_hvps_and_a_hessian_growing_like_n_pass():
    assert passed([row(4), row(16), row(144)])


def test_an_hvp_costing_many_gradients_fails_and_names_the_route_and_size():
    lines = bench_hvp.verdicts([row(4), row(64, per_route=(2.0, 9.0, 3.0))])
    missed = [line for line, ok in lines if not ok]
    assert len(missed) == 1 and "MISSED" in missed[0] and "rev-rev at n = 64" in missed[0]


def test_forming_h_far_from_n_hvps_either_way_fails_where_n_counts_only():
    assert not passed([row(4), row(144, h_per_n=0.2)])
    assert not passed([row(4), row(144, h_per_n=4.0)])   # the 3-5x a review once measured
    assert passed([row(4), row(16, h_per_n=0.6), row(144, h_per_n=1.8)])
    assert passed([row(4, h_per_n=0.1), row(144)])   # n = 4: fixed costs, not judged
    lines = bench_hvp.verdicts([row(16, h_per_n=1.1), row(144, h_per_n=3.0)])
    assert "MISSED" in lines[-1][0] and "worst at n = 144" in lines[-1][0]


def test_no_size_large_enough_says_so_and_passes():
    lines = bench_hvp.verdicts([row(4)])
    assert passed([row(4)]) and "n/a" in lines[-1][0]
