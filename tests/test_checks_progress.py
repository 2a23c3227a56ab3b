"""Exercise progress (utils/checks/_progress.py): each public checker records its last verdict,
the table shows every exercise, and nothing about the file can break a checker."""

from __future__ import annotations

import json

import pytest

from utils import checks, solutions
from utils.checks import _progress


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


def test_each_verdict_is_recorded_and_the_last_one_wins(progress_file):
    checks.check_grad_A(lambda G, A, B: ...)
    checks.check_grad_B(solutions.grad_B)
    checks.check_dC_dA(lambda A, B: A)
    assert json.loads(progress_file.read_text()) == {
        "04-grad-A": "not done", "04-grad-B": "passed", "03-dC-dA": "failed"}
    checks.check_grad_A(solutions.grad_A)
    assert json.loads(progress_file.read_text())["04-grad-A"] == "passed"


def test_every_public_checker_records():
    names = [name for name in checks.__all__ if name.startswith("check_")]
    assert len(names) >= 20
    assert all(hasattr(getattr(checks, name), "__wrapped__") for name in names)


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


def test_reset_forgets_everything(progress_file):
    checks.check_grad_B(solutions.grad_B)
    assert "reset" in checks.reset_progress()
    assert not progress_file.exists() and _progress.load_progress() == {}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"04-grad-A": 7}', "\x00\xff"])
def test_a_corrupt_file_never_breaks_a_checker(progress_file, content):
    progress_file.write_text(content)
    assert checks.check_grad_A(solutions.grad_A).passed
    assert _progress.load_progress() == {"04-grad-A": "passed"}


def test_an_unwritable_place_never_breaks_a_checker(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "missing-folder" / "p.json"))
    assert checks.check_grad_A(solutions.grad_A).passed
    assert checks.progress_table().rows[0][1] == "⏳"


def test_recording_off_writes_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", "off")
    monkeypatch.chdir(tmp_path)
    assert checks.check_grad_A(solutions.grad_A).passed
    assert _progress.progress_file() is None and not list(tmp_path.iterdir())
