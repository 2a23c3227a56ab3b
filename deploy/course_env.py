"""Which `utils` a student's notebooks import on a hub: always the one in the student's own clone.

nbgitpuller clones the course into `~/<CHECKOUT_NAME>` and later pulls the instructor's commits
into it. The notebooks and the package they import must change together, so the hub puts that
clone first on the students' PYTHONPATH (every kernel inherits it from the student's server)
instead of importing a copy installed in the image, which would stay at the version the image
was built from. It also keeps each student's progress file in their own clone, where
tools/class_progress.py gathers it. The students' Python environment still needs the course's
dependencies (numpy, matplotlib, ipywidgets, autograd, ...).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from course_repo import CHECKOUT_NAME  # noqa: E402


def course_folder(home) -> Path:
    """Where nbgitpuller puts the course in a student's home (the links name it: targetpath)."""
    return Path(home) / CHECKOUT_NAME


def home_of(spawner) -> str:
    """A spawner's student home: its own setting if it has one, else the system user's home."""
    home = getattr(spawner, "home_dir", None)
    if home:
        return home
    import pwd

    return pwd.getpwnam(spawner.user.name).pw_dir


def student_pythonpath(spawner) -> str:
    """Spawner.environment's PYTHONPATH: the student's clone, so `import utils` finds it first."""
    return str(course_folder(home_of(spawner)))
