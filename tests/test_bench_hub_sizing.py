"""benchmarks/bench_hub_sizing.py: its arithmetic and its verdicts (the run itself: make bench)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_hub_sizing as sizing  # noqa: E402

GIB, MIB = sizing.GIB, 1024 ** 2


def test_the_limit_is_read_from_the_hub_config():
    assert sizing.hub_mem_limit() == GIB  # deploy/jupyterhub_config.py: mem_limit = "1G"


@pytest.mark.parametrize(("per_student", "machine", "reserve", "expected"), [
    (365 * MIB, 24, 2, 61), (GIB, 24, 2, 22), (GIB, 2, 2, 0), (3 * GIB, 2, 0, 0)])
def test_capacity_is_how_many_peaks_fit_after_the_reserve(per_student, machine, reserve,
                                                           expected):
    assert sizing.capacity(per_student, machine, reserve) == expected


def test_capacity_refuses_a_size_that_is_not_positive():
    with pytest.raises(ValueError, match="got 0"):
        sizing.capacity(0, 24, 2)


def test_every_target_is_judged():
    assert sizing.verdicts(400 * MIB, GIB, [0.1, 0.2], 60) == []
    missed = sizing.verdicts(2 * GIB, GIB, [3.0, 3.0, 12.0], 10)
    assert [line.split()[0] for line in missed] == ["peak", "checker", "the"]
    assert sizing.verdicts(400 * MIB, GIB, [], 60) == [
        "no checker answered while the class worked"]


def test_a_class_of_no_students_is_refused():
    with pytest.raises(SystemExit):
        sizing.main(["--students", "0"])
