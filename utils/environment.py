"""Does this Python have what the course needs? Used by 00-start-here.ipynb."""

from __future__ import annotations

import sys
from importlib import metadata

from packaging.requirements import Requirement

DISTRIBUTION = "matrix-derivatives-course"


def requirements() -> list[Requirement]:
    """The course's runtime requirements, as declared in pyproject.toml (installed metadata)."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise RuntimeError(f"the course package {DISTRIBUTION!r} is not installed in this Python "
                           f"({sys.executable}); run `make lab` from the course folder, or "
                           f"`pip install -e .` there") from None
    return [r for r in map(Requirement, declared) if r.marker is None]


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


def check_environment() -> str:
    """One line saying whether every requirement is met, naming any that is not."""
    if sys.version_info < (3, 10):  # noqa: UP036  (a student may run it under an old Python)
        return f"❌ Python {sys.version.split()[0]} is too old: the course needs 3.10 or newer."
    problems = [f"{name} {version} (needs {bounds})"
                for name, version, bounds, ok in package_versions() if not ok]
    if problems:
        return ("❌ Some packages do not meet the course's requirements: " + "; ".join(problems)
                + ". Run `make lab` again (it reinstalls), or `pip install -e .` in the course "
                  "folder.")
    return "✅ Python >= 3.10 and every package the course needs, in a suitable version."
