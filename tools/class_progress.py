"""The class table: every student's progress gathered into one table and one picture.

The hub's admin runs it over the folder that holds the students' homes (one folder per student,
named by the hub's user name). It reads each student's progress file, which the course's
checkers write in the student's own clone, and prints, per exercise, how many solved it, tried
and failed, or have not started, with the named mistakes of the last failed tries: the class's
misconceptions. It writes the same as a PNG. Only counts leave the script, never a name.

    sudo .venv-hub/bin/python tools/class_progress.py /home --png class.png   # one machine
    python tools/class_progress.py gathered/ --png class.png   # homes copied out (deploy/z2jh)

A home counts as a student's once it holds the course's clone (the first nbgitpuller click);
a student who has run no checker yet is "not started" everywhere.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from course_repo import CHECKOUT_NAME  # noqa: E402

from utils.checks._progress import FILE_NAME, read_progress  # noqa: E402  (either format)

PROGRESS_IN_HOME = f"{CHECKOUT_NAME}/notebooks/{FILE_NAME}"
UNNAMED = "(no name recorded)"  # a failed verdict from a file that kept no mistake


def gather(homes, progress_in_home: str = PROGRESS_IN_HOME) -> dict[str, dict]:
    """{user: progress} for every home under `homes` that holds the course's clone."""
    homes = Path(homes)
    if not homes.is_dir():
        raise ValueError(f"homes must be a folder holding one folder per student; got {homes}")
    clone = Path(progress_in_home).parts[0]
    return {home.name: read_progress(home / progress_in_home)
            for home in sorted(homes.iterdir())
            if not home.name.startswith(".") and (home / clone).is_dir()}


@dataclass
class ExerciseRow:
    """One exercise across the class."""

    exercise: str
    solved: int = 0
    tried: int = 0
    not_started: int = 0
    mistakes: Counter = field(default_factory=Counter)


def class_rows(gathered: dict[str, dict], exercises=None) -> list[ExerciseRow]:
    """Per exercise (the course's order, then any others found): solved, tried, not started.

    "tried" is a last verdict of failed, and its named mistake is counted; "not done" (a checker
    run on the untouched stub) and no verdict at all are both "not started".
    """
    if exercises is None:
        from utils.solutions import REFERENCES  # the course's exercises, in notebook order
        exercises = list(REFERENCES)
    found = sorted({name for progress in gathered.values() for name in progress} - set(exercises))
    rows = []
    for name in list(exercises) + found:
        row = ExerciseRow(name)
        for progress in gathered.values():
            entry = progress.get(name, {"verdict": "not done"})
            if entry["verdict"] == "passed":
                row.solved += 1
            elif entry["verdict"] == "failed":
                row.tried += 1
                row.mistakes[entry["mistake"] or UNNAMED] += 1
            else:
                row.not_started += 1
        rows.append(row)
    return rows


def format_table(rows: list[ExerciseRow], students: int) -> str:
    """The class table as Markdown: one line per exercise, mistakes most frequent first."""
    lines = [f"Class progress: {students} student(s)", "",
             "| exercise | solved | tried | not started | named mistakes of the last tries |",
             "|---|---:|---:|---:|---|"]
    for row in rows:
        mistakes = ", ".join(f"{name} ×{count}" for name, count in row.mistakes.most_common())
        lines.append(f"| {row.exercise} | {row.solved} | {row.tried} | {row.not_started} | "
                     f"{mistakes or '—'} |")
    return "\n".join(lines)


def plot_class(rows: list[ExerciseRow], students: int, png) -> Path:
    """Two panels: solved / tried / not started per exercise, and the mistakes' histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    names = [row.exercise for row in rows][::-1]  # first exercise on top
    mistakes = [(f"{row.exercise}: {name}", count)
                for row in rows for name, count in row.mistakes.most_common()][::-1]
    height = max(3.0, 0.28 * max(len(names), len(mistakes)) + 1.2)
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, height), layout="constrained")
    start = [0] * len(names)
    for label, counts, colour in (
            ("solved", [row.solved for row in rows][::-1], "#2e7d32"),
            ("tried", [row.tried for row in rows][::-1], "#c62828"),
            ("not started", [row.not_started for row in rows][::-1], "#bdbdbd")):
        left.barh(names, counts, left=start, color=colour, label=label)
        start = [a + b for a, b in zip(start, counts, strict=True)]
    left.set_xlim(0, max(students, 1))
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_xlabel("students")
    left.set_title(f"Each exercise across the class ({students} students)")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=3)
    if mistakes:
        right.barh([label for label, _ in mistakes], [count for _, count in mistakes],
                   color="#c62828")
        right.set_xlabel("students whose last try made this mistake")
        right.xaxis.set_major_locator(MaxNLocator(integer=True))
        right.set_ylim(-0.5, max(len(mistakes), 8) - 0.5)  # a few bars stay bars, not blocks
    else:
        right.text(0.5, 0.5, "no failed tries yet", ha="center", va="center")
        right.set_yticks([])
    right.set_title("Named mistakes: the class's misconceptions")
    png = Path(png)
    figure.savefig(png, dpi=100)
    plt.close(figure)
    return png


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("homes", help="the folder holding one home folder per student")
    parser.add_argument("--progress-in-home", default=PROGRESS_IN_HOME,
                        help=f"where a student's progress file is in their home "
                             f"(default {PROGRESS_IN_HOME})")
    parser.add_argument("--png", default="class-progress.png", help="the picture to write")
    args = parser.parse_args(argv)
    try:
        gathered = gather(args.homes, args.progress_in_home)
    except ValueError as error:
        parser.error(str(error))
    rows = class_rows(gathered)
    print(format_table(rows, len(gathered)))
    print(f"\npicture: {plot_class(rows, len(gathered), args.png)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
