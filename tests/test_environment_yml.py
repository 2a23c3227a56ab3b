"""environment.yml (conda, Binder) and pyproject.toml (pip) must name the same packages."""

import re
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there, same API
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def normalise(requirement: str) -> tuple[str, str]:
    """'ipywidgets >=8.1, <9' -> ('ipywidgets', '<9,>=8.1'): name and sorted bounds."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", requirement)
    name, bounds = match.group(1).lower().replace("_", "-"), match.group(2)
    return name, ",".join(sorted(b.strip() for b in bounds.split(",") if b.strip()))


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(normalise(r) for r in listed)


def conda_requirements() -> dict[str, str]:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = [d for d in environment["dependencies"] if isinstance(d, str)]
    return dict(normalise(r) for r in listed if normalise(r)[0] not in ("python", "pip"))


def test_same_packages_and_bounds():
    assert conda_requirements() == pip_requirements()


def test_conda_installs_the_course_package_and_python_bound_matches():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    python = next(d for d in environment["dependencies"] if str(d).startswith("python"))
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert normalise(python)[1] == requires
