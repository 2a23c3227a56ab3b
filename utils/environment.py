"""Does this Python have what the course needs? Used by 00-start-here.ipynb."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

DISTRIBUTION = "matrix-derivatives-course"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# Google Colab brings its own front end: these requirements only matter for `make lab`.
FRONT_END = {"jupyterlab", "notebook", "jupyterlab-rise", "jupyterlab_rise", "ipykernel"}


def _declared_in_pyproject() -> list[str] | None:
    """project.dependencies from the checkout's pyproject.toml (a clone used without
    installing it, as on Colab), or None when there is no such file."""
    if not PYPROJECT.is_file():
        return None
    text = PYPROJECT.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10 has no TOML reader: read the one list we need
        return _dependency_list(text)
    return tomllib.loads(text).get("project", {}).get("dependencies", [])


def _dependency_list(text: str) -> list[str]:
    """The quoted strings of `dependencies = [...]` in [project], comments skipped: enough for
    our own pyproject.toml (one requirement per string, no escapes)."""
    project = re.search(r"^\[project\]\s*$(.*?)(?=^\[)", text + "\n[", flags=re.M | re.S)
    listed = project and re.search(r"^dependencies\s*=\s*\[(.*?)^\]", project.group(1),
                                   flags=re.M | re.S)
    if not listed:
        return []
    lines = (line.split("#", 1)[0] for line in listed.group(1).splitlines())
    return [m for line in lines for m in re.findall(r'"([^"]+)"', line)]


def requirements() -> list[Requirement]:
    """The course's runtime requirements, as declared in pyproject.toml (installed metadata,
    or the checkout's pyproject.toml when the course is used without being installed)."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        declared = _declared_in_pyproject()
        if declared is None:
            raise RuntimeError(f"the course package {DISTRIBUTION!r} is not installed in this "
                               f"Python ({sys.executable}); run `make lab` from the course "
                               f"folder, or `pip install -e .` there") from None
    wanted = [r for r in map(Requirement, declared) if r.marker is None]
    if "google.colab" in sys.modules:
        wanted = [r for r in wanted if r.name not in FRONT_END]
    return wanted


def package_versions() -> list[tuple[str, str, str, bool]]:
    """(name, installed version or 'missing', required bounds, satisfied) for each requirement."""
    rows = []
    for requirement in requirements():
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            rows.append((requirement.name, "missing", str(requirement.specifier), False))
            continue
        ok = requirement.specifier.contains(version, prereleases=True)
        rows.append((requirement.name, version, str(requirement.specifier), ok))
    return rows


def _advice() -> str:
    """What to do about a missing or outdated package, where the student is."""
    if "google.colab" in sys.modules:
        return ("On Colab: run this notebook's first code cell (it installs what Colab lacks and "
                "restarts the session once if it must), then run this cell again.")
    return "Run `make lab` again (it reinstalls), or `pip install -e .` in the course folder."


def check_environment() -> str:
    """One line saying whether every requirement is met, naming any that is not."""
    if sys.version_info < (3, 10):  # noqa: UP036  (a student may run it under an old Python)
        return f"❌ Python {sys.version.split()[0]} is too old: the course needs 3.10 or newer."
    problems = [f"{name} {version} (needs {bounds})"
                for name, version, bounds, ok in package_versions() if not ok]
    if problems:
        return ("❌ Some packages do not meet the course's requirements: " + "; ".join(problems)
                + ". " + _advice())
    return "✅ Python >= 3.10 and every package the course needs, in a suitable version."
