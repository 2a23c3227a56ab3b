"""tools/class_progress.py: the admin's class table, from synthetic student homes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import class_progress  # noqa: E402
from class_progress import PROGRESS_IN_HOME, class_rows, format_table, gather  # noqa: E402

WHEN = "2026-12-06T17:00:00+00:00"


def entry(verdict, mistake=None):
    return {"verdict": verdict, "mistake": mistake, "when": WHEN}


def home(homes: Path, user: str, content=None) -> Path:
    """A student's home with the course's clone and (if given) a progress file."""
    path = homes / user / PROGRESS_IN_HOME
    path.parent.mkdir(parents=True)
    if content is not None:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


@pytest.fixture
def homes(tmp_path):
    home(tmp_path, "alice", {"format": 2, "exercises": {
        "04-grad-A": entry("passed"), "04-grad-B": entry("failed", "transposed")}})
    home(tmp_path, "bob", {"format": 2, "exercises": {
        "04-grad-A": entry("failed", "transposed"), "04-grad-B": entry("failed", "wrong shape"),
        "04-chain-rule": entry("not done", "not done")}})
    home(tmp_path, "carol", {"04-grad-A": "passed", "04-grad-B": "failed"})  # the first format
    home(tmp_path, "dave")  # pulled, never ran a checker
    home(tmp_path, "erin", "{not json")  # corrupt: counted, as not started
    (tmp_path / "admin").mkdir()  # a home without the course: not a student
    (tmp_path / ".snapshots" / "x").mkdir(parents=True)
    return tmp_path


def row_of(rows, name):
    return next(row for row in rows if row.exercise == name)


def test_every_student_home_is_read_in_either_format(homes):
    gathered = gather(homes)
    assert sorted(gathered) == ["alice", "bob", "carol", "dave", "erin"]
    assert gathered["carol"]["04-grad-B"] == {"verdict": "failed", "mistake": None, "when": None}
    assert gathered["dave"] == {} and gathered["erin"] == {}
    rows = class_rows(gathered)
    grad_A, grad_B = row_of(rows, "04-grad-A"), row_of(rows, "04-grad-B")
    assert (grad_A.solved, grad_A.tried, grad_A.not_started) == (2, 1, 2)
    assert dict(grad_A.mistakes) == {"transposed": 1}
    assert (grad_B.solved, grad_B.tried, grad_B.not_started) == (0, 3, 2)
    assert dict(grad_B.mistakes) == {"transposed": 1, "wrong shape": 1,
                                     class_progress.UNNAMED: 1}
    chain = row_of(rows, "04-chain-rule")  # a stub checked is not a try
    assert (chain.solved, chain.tried, chain.not_started) == (0, 0, 5)


def test_the_course_order_comes_first_and_unknown_exercises_are_kept(tmp_path):
    home(tmp_path, "zoe", {"format": 2, "exercises": {"99-extra": entry("passed")}})
    names = [row.exercise for row in class_rows(gather(tmp_path))]
    assert names[0] == "00-warmup-shape" and names[-1] == "99-extra"


def test_the_table_names_no_student(homes):
    table = format_table(class_rows(gather(homes)), 5)
    assert "| 04-grad-B | 0 | 3 | 2 | " in table and "transposed ×1" in table
    assert not any(user in table for user in ("alice", "bob", "carol", "dave", "erin"))


def test_the_command_prints_the_table_and_writes_the_picture(homes, tmp_path):
    png = tmp_path / "class.png"
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "class_progress.py"),
                             str(homes), "--png", str(png)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Class progress: 5 student(s)" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_homes_folder_is_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="nowhere"):
        gather(tmp_path / "nowhere")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "class_progress.py"),
                             str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert result.returncode == 2 and "nowhere" in result.stderr


def test_a_picture_with_no_tries_still_draws(tmp_path):
    home(tmp_path, "dave")
    png = class_progress.plot_class(class_rows(gather(tmp_path)), 1, tmp_path / "empty.png")
    assert png.stat().st_size > 1000


verdicts = st.sampled_from(["passed", "failed", "not done"])
mistakes = st.one_of(st.none(), st.sampled_from(["transposed", "wrong shape", "raised"]))
progress = st.dictionaries(st.sampled_from(["04-grad-A", "04-grad-B", "05-dense-backward"]),
                           st.builds(entry, verdicts, mistakes))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), progress, max_size=12))
def test_every_student_is_counted_once_per_exercise(gathered):
    for row in class_rows(gathered):
        assert row.solved + row.tried + row.not_started == len(gathered)
        assert sum(row.mistakes.values()) == row.tried
        assert row.solved == sum(p.get(row.exercise, {}).get("verdict") == "passed"
                                 for p in gathered.values())


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text(max_size=6), st.one_of(
    st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=8), st.none()),
                    max_size=3)), max_size=4))
def test_any_json_in_a_progress_file_reads_without_error(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("p") / "progress.json"
    for data in (content, {"format": 2, "exercises": content}):
        path.write_text(json.dumps(data))
        for name, got in class_progress.read_progress(path).items():
            assert isinstance(name, str) and got["verdict"] in ("passed", "failed", "not done")
