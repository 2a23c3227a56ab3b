"""Exercise progress (utils/checks/_progress.py): each public checker records its last verdict,
no verdict is ever lost (two kernels at once, a full disk, a corrupt file, a FIFO), progress
never goes backwards, and nothing about the file can break or stall a checker."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import signal
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import checks, solutions
from utils.checks import _progress
from utils.checks._feedback import Feedback


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


def verdicts(path) -> dict:
    return {name: entry["verdict"] for name, entry in _progress.read_progress(path).items()}


def test_each_verdict_is_recorded_with_its_mistake_and_the_last_one_wins(progress_file):
    checks.check_grad_A(lambda G, A, B: ...)
    checks.check_grad_B(solutions.grad_B)
    checks.check_dC_dA(lambda A, B: A)
    stored = json.loads(progress_file.read_text())
    assert stored["format"] == 2
    assert verdicts(progress_file) == {
        "04-grad-A": "not done", "04-grad-B": "passed", "03-dC-dA": "failed"}
    entries = stored["exercises"]
    assert entries["03-dC-dA"]["mistake"] and entries["04-grad-B"]["mistake"] is None
    checks.check_grad_A(solutions.grad_A)
    assert verdicts(progress_file)["04-grad-A"] == "passed"


def test_the_old_flat_format_is_still_read(progress_file):
    progress_file.write_text(json.dumps({"04-grad-A": "passed", "03-dC-dA": "failed"}))
    assert verdicts(progress_file) == {"04-grad-A": "passed", "03-dC-dA": "failed"}
    checks.check_grad_B(solutions.grad_B)  # and kept when the next verdict is written
    assert verdicts(progress_file) == {"04-grad-A": "passed", "03-dC-dA": "failed",
                                       "04-grad-B": "passed"}


def test_every_public_checker_records():
    names = [name for name in checks.__all__ if name.startswith("check_")]
    assert len(names) >= 20
    assert all(hasattr(getattr(checks, name), "__wrapped__") for name in names)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["passed", "failed", "not done"]), min_size=1, max_size=8))
def test_progress_never_goes_backwards(tmp_path_factory, sequence):
    """Whatever order the verdicts come in, an untouched stub never replaces a verdict: the
    record is the last real verdict, or "not done" if there was none."""
    path = tmp_path_factory.mktemp("p") / "progress.json"
    answers = {"passed": solutions.grad_B, "failed": lambda G, A, B: A.T @ G,
               "not done": lambda G, A, B: ...}
    os.environ["COURSE_PROGRESS_FILE"] = str(path)
    try:
        for verdict in sequence:
            checks.check_grad_B(answers[verdict])
    finally:
        os.environ["COURSE_PROGRESS_FILE"] = "off"
    real = [v for v in sequence if v != "not done"]
    assert verdicts(path) == {"04-grad-B": real[-1] if real else "not done"}


def test_a_demonstration_records_nothing(progress_file):
    checks.check_warmup_shape((2, 4, 2, 3))
    feedback = checks.check_warmup_shape((2, 3, 2, 4), record=False)
    assert not feedback.passed and "input.shape + output.shape" in feedback.message
    assert verdicts(progress_file) == {"00-warmup-shape": "passed"}


def test_the_table_lists_every_exercise_with_its_icon_and_notebook(progress_file):
    checks.check_grad_B(solutions.grad_B)
    checks.check_dC_dA(lambda A, B: A)
    table = checks.progress_table()
    assert [row[0] for row in table.rows] == list(solutions.REFERENCES)
    markdown = table._repr_markdown_()
    assert "| `04-grad-B` | ✅ | [04-efficient-vjp.ipynb](04-efficient-vjp.ipynb) |" in markdown
    assert "| `03-dC-dA` | ❌ |" in markdown and "| `06-clip-by-norm` | ⏳ |" in markdown
    assert f"1 of {len(solutions.REFERENCES)} exercises solved" in markdown
    assert all(notebook for _, _, notebook in table.rows), "every exercise has its notebook"


def test_the_table_links_the_courses_notebook_not_a_copy(tmp_path, monkeypatch):
    for name in ("00-start-here.ipynb", "03-matrix-by-matrix-Copy1.ipynb",
                 "03-matrix-by-matrix.ipynb"):
        (tmp_path / name).write_text("{}")
    monkeypatch.setattr(_progress, "__file__", "/nowhere/utils/checks/_progress.py")
    monkeypatch.chdir(tmp_path)
    assert _progress._notebook_of("03-dC-dA", _progress.notebooks_folder()) == (
        "03-matrix-by-matrix.ipynb")


def test_reset_forgets_everything(progress_file):
    checks.check_grad_B(solutions.grad_B)
    assert "reset" in checks.reset_progress()
    assert not progress_file.exists() and _progress.load_progress() == {}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"04-grad-A": 7}', "\x00\xff",
                                     '{"04-grad-A": ["passed"]}', '{"format": 2}'])
def test_an_unreadable_file_is_moved_aside_and_named_never_overwritten(progress_file, content):
    progress_file.write_text(content)
    feedback = checks.check_grad_A(solutions.grad_A)
    assert feedback.passed
    aside = [p for p in progress_file.parent.iterdir() if ".unreadable-" in p.name]
    assert len(aside) == 1 and aside[0].read_text() == content, "the student's file was lost"
    assert aside[0].name in feedback.message, "the student is told where it went"
    assert verdicts(progress_file) == {"04-grad-A": "passed"}


@pytest.mark.parametrize("content", ["{not json", '{"04-grad-A": ["passed"]}'])
def test_the_table_says_when_the_file_cannot_be_read(progress_file, content):
    progress_file.write_text(content)
    table = checks.progress_table()
    assert "could not be read" in repr(table) and str(progress_file) in repr(table)
    assert progress_file.read_text() == content, "reading never changes the file"


def test_a_fifo_at_the_path_never_blocks_a_check(progress_file):
    os.mkfifo(progress_file)
    started = time.monotonic()
    feedback = checks.check_grad_A(solutions.grad_A)
    assert time.monotonic() - started < 3 and feedback.passed
    assert "not a regular file" in feedback.message and "Progress not recorded" in feedback.message
    assert "FIFO" in repr(checks.progress_table())


def test_an_unwritable_place_never_breaks_a_checker(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "missing-folder" / "p.json"))
    assert checks.check_grad_A(solutions.grad_A).passed
    assert checks.progress_table().rows[0][1] == "⏳"


@pytest.mark.parametrize("setting", ["off", "OFF", "false", "0", "no", "", " off "])
def test_recording_off_writes_nothing(monkeypatch, tmp_path, setting):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", setting)
    monkeypatch.chdir(tmp_path)
    assert checks.check_grad_A(solutions.grad_A).passed
    assert _progress.progress_file() is None and not list(tmp_path.iterdir())


def test_a_tilde_means_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COURSE_PROGRESS_FILE", "~/course.json")
    checks.check_grad_B(solutions.grad_B)
    assert verdicts(tmp_path / "course.json") == {"04-grad-B": "passed"}


def test_progress_goes_beside_the_notebooks_when_the_package_is_installed(monkeypatch, tmp_path):
    """A non-editable install: the package is in site-packages, the kernel runs in the
    notebooks' folder (or a folder below it)."""
    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    monkeypatch.setattr(_progress, "__file__", "/site-packages/utils/checks/_progress.py")
    (tmp_path / "00-start-here.ipynb").write_text("{}")
    (tmp_path / "lecture").mkdir()
    for folder in (tmp_path, tmp_path / "lecture"):
        monkeypatch.chdir(folder)
        assert _progress.progress_file() == tmp_path / ".course-progress.json"


def _record_many(path, first, count, queue):
    os.environ["COURSE_PROGRESS_FILE"] = str(path)
    for k in range(first, first + count):
        _progress.record_verdict(Feedback(k % 2 == 0, f"✅ 90-exercise-{k}: made up", None))
    queue.put("done")


def _poll(path, seconds, queue):
    """A reader polling while two writers write: what it saw that was not a progress record."""
    bad, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            text = path.read_text()
        except FileNotFoundError:
            continue
        try:
            _progress.parse(text)
        except ValueError as error:
            bad.append(f"{error}: {text[:40]!r}")
    queue.put(bad)


def test_two_kernels_recording_at_once_lose_no_verdict(tmp_path):
    """Two notebooks open, each kernel recording 100 verdicts, a reader polling meanwhile."""
    path = tmp_path / "progress.json"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    reader = context.Process(target=_poll, args=(path, 4, queue))
    writers = [context.Process(target=_record_many, args=(path, first, 100, queue))
               for first in (0, 100)]
    reader.start()
    for worker in writers:
        worker.start()
    for worker in writers + [reader]:
        worker.join(120)
    results = [queue.get(timeout=5) for _ in range(3)]
    assert [r for r in results if r != "done"] == [[]], "a reader saw a half-written file"
    assert len(_progress.read_progress(path)) == 200


def _record_with_size_limit(path, limit, queue):
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    os.environ["COURSE_PROGRESS_FILE"] = str(path)
    queue.put(checks.check_grad_B(solutions.grad_B).message)


def test_a_full_disk_keeps_the_old_record_whole(tmp_path):
    path = tmp_path / "progress.json"
    old = {"format": 2, "exercises": {f"90-exercise-{k}": {"verdict": "passed", "mistake": None,
                                                          "when": None} for k in range(50)}}
    path.write_text(json.dumps(old))
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_record_with_size_limit, args=(path, 1024, queue))
    child.start()
    child.join(30)
    message = queue.get(timeout=5)
    assert message.startswith("✅") and "Progress not recorded" in message
    assert json.loads(path.read_text()) == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json", "progress.json.lock"]


def test_the_file_is_not_in_the_repository():
    ignored = (Path(__file__).resolve().parent.parent / ".gitignore").read_text()
    assert ".course-progress.json" in ignored and ".course-progress.json.*" in ignored
