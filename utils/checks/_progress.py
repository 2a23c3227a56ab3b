"""Each checker's last verdict, kept in a small JSON file beside the notebooks, never sent anywhere.

`recorded(checker)` wraps a public checker: after it returns its Feedback, the verdict (✅ passed,
❌ tried and wrong, ⏳ not done) is stored under the exercise's name, read from the message
("✅ 04-grad-A: ..."), with the name of the mistake for a wrong answer. Progress never goes
backwards: an untouched stub (⏳) never replaces a verdict, and a demonstration
(`check_x(answer, record=False)`) records nothing.

Two kernels may record at once (two notebooks open): each write merges under a lock and goes
through a temporary file and an atomic replace (utils/files.py), so no verdict is lost and a
reader never sees half a file. A file that cannot be read is moved aside and the student told
where; a FIFO or folder at the path is left alone. Recording never breaks a checker.

The file is `.course-progress.json` in the notebooks' folder; COURSE_PROGRESS_FILE names another
file (`~` expanded) or turns recording off with "off", "false", "no" or "0".
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from .. import files, solutions

FILE_NAME = ".course-progress.json"
FORMAT = 2
ICONS = {"passed": "✅", "failed": "❌", "not done": "⏳"}
OFF = {"", "off", "false", "no", "none", "0"}
_EXERCISE = re.compile(r"^\S+ (\d\d[a-z]?-[\w-]+)[ :]")
_FIRST_NOTEBOOK = "00-start-here.ipynb"
# A course notebook's name: NN-topic.ipynb or NNa-topic.ipynb, lowercase words joined by "-"
# (JupyterLab's copies, "03-matrix-by-matrix-Copy1.ipynb", and "Untitled.ipynb" are not).
COURSE_NOTEBOOK = re.compile(r"^\d\d[a-z]?-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
_told: set[str] = set()  # notes already shown in this kernel (each problem is told once)


def notebooks_folder() -> Path:
    """The folder of the course's notebooks: beside the package in a source checkout (an
    editable install, Binder, Colab), else the kernel's working folder or the one above it
    (a notebook's kernel runs in the notebook's folder) when it holds the course's first
    notebook, else the working folder itself."""
    checkout = Path(__file__).resolve().parents[2] / "notebooks"
    here = Path.cwd()
    for folder in (checkout, here, here / "notebooks", here.parent):
        if (folder / _FIRST_NOTEBOOK).is_file():
            return folder
    return here


def progress_file() -> Path | None:
    """Where verdicts go, or None when recording is off."""
    setting = os.environ.get("COURSE_PROGRESS_FILE")
    if setting is None:
        return notebooks_folder() / FILE_NAME
    if setting.strip().lower() in OFF:
        return None
    return Path(setting.strip()).expanduser()


class UnreadableProgress(ValueError):
    """The file holds something other than a progress record."""


def _entry(value) -> dict:
    if isinstance(value, str) and value in ICONS:  # format 1: {exercise: verdict}
        return {"verdict": value, "mistake": None, "when": None}
    if (isinstance(value, dict) and isinstance(value.get("verdict"), str)
            and value["verdict"] in ICONS
            and all(isinstance(value.get(k), (str, type(None))) for k in ("mistake", "when"))):
        return {"verdict": value["verdict"], "mistake": value.get("mistake"),
                "when": value.get("when")}
    raise UnreadableProgress(f"an entry is {value!r}, not a verdict")


def parse(text: str) -> dict[str, dict]:
    """{exercise: {"verdict", "mistake", "when"}} from a file in format 1 or 2."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise UnreadableProgress(f"not JSON ({error})") from None
    if isinstance(data, dict) and data.get("format") == FORMAT:
        data = data.get("exercises")
    if not isinstance(data, dict):
        raise UnreadableProgress(f"expected an object of exercises, got {type(data).__name__}")
    if not all(isinstance(name, str) for name in data):
        raise UnreadableProgress("exercise names must be strings")
    return {name: _entry(value) for name, value in data.items()}


def read_progress(path) -> dict[str, dict]:
    """Every exercise recorded in the file at `path`; {} if there is none or it is unreadable
    (never raises: the class table and the progress table read files they did not write)."""
    try:
        text = files.read_text(Path(path))
        return parse(text) if text is not None else {}
    except (OSError, ValueError, UnicodeError):
        return {}


def load_progress() -> dict[str, str]:
    """{exercise: "passed" | "failed" | "not done"} from this course's progress file."""
    path = progress_file()
    if path is None:
        return {}
    return {name: entry["verdict"] for name, entry in read_progress(path).items()}


def _verdict(feedback) -> tuple[str, str | None] | None:
    match = _EXERCISE.match(getattr(feedback, "message", "") or "")
    if match is None:
        return None
    verdict = ("passed" if feedback.passed else
               "not done" if feedback.mistake == "not done" else "failed")
    return match.group(1), verdict


def record_verdict(feedback) -> str | None:
    """Store the verdict of one Feedback. Returns a note for the student when something about
    the file needs saying (moved aside, not a regular file, not writable), else None."""
    path, found = progress_file(), _verdict(feedback)
    if path is None or found is None:
        return None
    exercise, verdict = found
    mistake = getattr(feedback, "mistake", None) if verdict == "failed" else None
    note = None
    try:
        with files.locked(path):
            try:
                text = files.read_text(path)
                progress = parse(text) if text is not None else {}
            except (UnreadableProgress, UnicodeError) as why:
                aside = files.move_aside(path)
                progress = {}
                note = (f"(Your progress file {path} could not be read ({why}); it was moved to "
                        f"{aside.name} in the same folder and a new one started.)")
            if verdict == "not done" and exercise in progress:
                return note  # an untouched stub never overwrites a verdict
            progress[exercise] = {"verdict": verdict, "mistake": mistake,
                                  "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            files.write_atomic(path, json.dumps({"format": FORMAT, "exercises": progress},
                                                indent=1, sort_keys=True, ensure_ascii=False))
    except (OSError, TimeoutError) as error:
        return _once(f"(Progress not recorded: {error}. Your answer was checked all the same.)")
    return note


def _once(note: str) -> str | None:
    if note in _told:
        return None
    _told.add(note)
    return note


def recorded(checker):
    """The checker, recording each verdict it gives. `record=False` makes a call a demonstration
    that records nothing (00 shows a hint that way). A note about the file, if any, is added to
    the Feedback's message; the verdict itself is unchanged."""
    @functools.wraps(checker)
    def checking(*args, record: bool = True, **kwargs):
        feedback = checker(*args, **kwargs)
        if not record:
            return feedback
        try:
            note = record_verdict(feedback)
        except Exception:  # noqa: BLE001  progress is a convenience, never a reason to fail
            note = None
        if note and dataclasses.is_dataclass(feedback):
            feedback = dataclasses.replace(feedback, message=f"{feedback.message}\n{note}")
        return feedback
    return checking


def reset_progress() -> str:
    """Forget every recorded verdict."""
    path = progress_file()
    try:
        if path is not None:
            with files.locked(path):
                if files.check_regular(path):
                    path.unlink()
    except (OSError, TimeoutError) as error:
        return f"could not delete {path}: {error}"
    return "progress reset: every exercise is ⏳ again"


def _notebook_of(exercise: str, folder: Path) -> str:
    found = sorted(path.name for path in folder.glob(f"{exercise.split('-')[0]}-*.ipynb")
                   if COURSE_NOTEBOOK.match(path.name))
    return found[0] if found else ""


class ProgressTable:
    """Every exercise with its last verdict; shown as a table with links in a notebook."""

    def __init__(self, progress: dict, problem: str | None = None):
        folder = notebooks_folder()
        self.problem = problem
        self.rows = [(name, ICONS[progress.get(name, "not done")], _notebook_of(name, folder))
                     for name in solutions.REFERENCES]  # notebook order

    def _repr_markdown_(self) -> str:
        lines = ["| exercise | last verdict | notebook |", "|---|---|---|"]
        lines += [f"| `{name}` | {icon} | [{notebook}]({notebook}) |"
                  for name, icon, notebook in self.rows]
        done = sum(icon == ICONS["passed"] for _, icon, _ in self.rows)
        text = "\n".join(lines) + f"\n\n{done} of {len(self.rows)} exercises solved."
        return text + (f"\n\n{self.problem}" if self.problem else "")

    def __repr__(self) -> str:
        text = "\n".join(f"{icon} {name:28s} {notebook}" for name, icon, notebook in self.rows)
        return text + (f"\n{self.problem}" if self.problem else "")


def progress_table() -> ProgressTable:
    """The table of every exercise and its last verdict (✅ ❌ ⏳), read from the progress file."""
    path = progress_file()
    if path is None:
        return ProgressTable({})
    try:
        text = files.read_text(path)
        progress = parse(text) if text is not None else {}
    except (OSError, ValueError, UnicodeError) as why:
        return ProgressTable({}, f"(Your progress file {path} could not be read: {why}. The next "
                                 "check moves it aside and starts a new one.)")
    return ProgressTable({name: entry["verdict"] for name, entry in progress.items()})
