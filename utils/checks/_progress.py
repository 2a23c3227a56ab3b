"""Each checker's last verdict, kept in a small JSON file beside the notebooks, never sent anywhere.

`recorded(checker)` wraps a public checker: after it returns its Feedback, the verdict (✅ passed,
❌ tried and wrong, ⏳ not done) is stored under the exercise's name, read from the message
("✅ 04-grad-A: ..."). Recording can never break a checker: an unwritable folder or a corrupt
file is ignored. `progress_table()` shows every exercise of the course with its last verdict and
a link to its notebook; `reset_progress()` forgets them all. COURSE_PROGRESS_FILE names another
file, or turns recording off when set to "off" (the tests and `make execute` do that).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from .. import solutions

NOTEBOOKS = Path(__file__).resolve().parent.parent.parent / "notebooks"
DEFAULT_FILE = NOTEBOOKS / ".course-progress.json"
ICONS = {"passed": "✅", "failed": "❌", "not done": "⏳"}
_EXERCISE = re.compile(r"^\S+ (\d\d[a-z]?-[\w-]+)[ :]")


def progress_file() -> Path | None:
    """Where verdicts go, or None when recording is off."""
    setting = os.environ.get("COURSE_PROGRESS_FILE")
    if setting is None:
        return DEFAULT_FILE
    return None if setting.strip().lower() in ("", "off") else Path(setting)


def load_progress() -> dict:
    """{exercise: "passed" | "failed" | "not done"}; {} if there is no readable file."""
    path = progress_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and v in ICONS}


def record(feedback) -> None:
    """Store the verdict of one Feedback; silently does nothing if that is impossible."""
    path = progress_file()
    match = _EXERCISE.match(getattr(feedback, "message", "") or "")
    if path is None or match is None:
        return
    verdict = ("passed" if feedback.passed else
               "not done" if feedback.mistake == "not done" else "failed")
    try:
        progress = load_progress()
        progress[match.group(1)] = verdict
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(progress, indent=1, sort_keys=True), encoding="utf-8")
        temporary.replace(path)  # a reader never sees a half-written file
    except (OSError, TypeError, ValueError):
        pass


def recorded(checker):
    """The checker, recording each verdict it gives (the Feedback itself is unchanged)."""
    @functools.wraps(checker)
    def checking(*args, **kwargs):
        feedback = checker(*args, **kwargs)
        try:
            record(feedback)
        except Exception:  # noqa: BLE001  progress is a convenience, never a reason to fail
            pass
        return feedback
    return checking


def reset_progress() -> str:
    """Forget every recorded verdict."""
    path = progress_file()
    try:
        if path is not None:
            path.unlink(missing_ok=True)
    except OSError as error:
        return f"could not delete {path}: {error}"
    return "progress reset: every exercise is ⏳ again"


def _notebook_of(exercise: str) -> str:
    found = sorted(NOTEBOOKS.glob(f"{exercise[:2]}-*.ipynb"))
    return found[0].name if found else ""


class ProgressTable:
    """Every exercise with its last verdict; shown as a table with links in a notebook."""

    def __init__(self, progress: dict):
        self.rows = [(name, ICONS[progress.get(name, "not done")], _notebook_of(name))
                     for name in solutions.REFERENCES]  # notebook order

    def _repr_markdown_(self) -> str:
        lines = ["| exercise | last verdict | notebook |", "|---|---|---|"]
        lines += [f"| `{name}` | {icon} | [{notebook}]({notebook}) |"
                  for name, icon, notebook in self.rows]
        done = sum(icon == ICONS["passed"] for _, icon, _ in self.rows)
        return "\n".join(lines) + f"\n\n{done} of {len(self.rows)} exercises solved."

    def __repr__(self) -> str:
        return "\n".join(f"{icon} {name:28s} {notebook}" for name, icon, notebook in self.rows)


def progress_table() -> ProgressTable:
    """The table of every exercise and its last verdict (✅ ❌ ⏳), read from the progress file."""
    return ProgressTable(load_progress())
