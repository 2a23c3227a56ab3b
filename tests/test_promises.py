"""What the README promises about the project itself: its licence, the oldest Python and the
lowest versions of its dependencies (proven by `make test-lowest`, which .ci/run calls)."""

from __future__ import annotations

import os
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there, same API
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def direct_requirements() -> list[Requirement]:
    return [Requirement(r) for r in PROJECT["dependencies"]
            + PROJECT["optional-dependencies"]["test"]]


def lowest_pins() -> dict[str, Version]:
    lines = (ROOT / "constraints" / "lowest.txt").read_text().splitlines()
    pins = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    return {canonical(p.name): Version(next(iter(p.specifier)).version) for p in pins}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bound(requirement: Requirement) -> Version:
    bounds = [s for s in requirement.specifier if s.operator == ">="]
    assert len(bounds) == 1, f"{requirement}: one `>=` bound expected"
    return Version(bounds[0].version)


def test_the_licence_the_readme_names_is_there():
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License")
    assert "Copyright (c) 2026 The matrix-derivatives course authors" in licence
    assert "WITHOUT WARRANTY OF ANY KIND" in licence
    assert PROJECT["license"] == "MIT"
    assert "MIT" in (ROOT / "README.md").read_text().split("## Licence", 1)[1]


def test_the_lowest_pins_are_exactly_the_lower_bounds():
    pins = lowest_pins()
    bounds = {canonical(r.name): lower_bound(r) for r in direct_requirements()}
    assert set(pins) == set(bounds), "constraints/lowest.txt must pin every direct dependency"
    wrong = {name: (str(pins[name]), str(bounds[name])) for name in bounds
             if pins[name] != bounds[name]}
    assert not wrong, f"pin vs pyproject lower bound: {wrong}"


def test_one_oldest_python_everywhere():
    """README, pyproject, the Makefile's guard and `make test-lowest` name the same Python."""
    oldest = PROJECT["requires-python"].removeprefix(">=")
    assert f"Python ≥ {oldest}" in (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert f"LOWEST_PYTHON ?= python{oldest}" in makefile
    assert f"v >= ({oldest.replace('.', ', ')})" in makefile


@pytest.mark.skipif(not os.environ.get("COURSE_LOWEST_VERSIONS"),
                    reason="only under `make test-lowest`")
def test_this_run_really_uses_the_lowest_versions():
    assert sys.version_info[:2] == (3, 10), sys.version
    installed = {name: Version(metadata.version(name)) for name in lowest_pins()}
    assert installed == lowest_pins()
