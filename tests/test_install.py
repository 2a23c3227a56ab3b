"""`pip install .` (not editable) works: the package carries its data, a notebook run from a
copy of the notebooks finds everything, and progress is written beside the notebooks, never
into site-packages. Slow (a fresh venv with every dependency), so it runs only when
COURSE_INSTALL_TEST=1, as `make test-install` and CI's `.ci/run` set it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.environ.get("COURSE_INSTALL_TEST") != "1",
                                reason="slow: `make test-install` runs it (and CI)")


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_a_non_editable_install_runs_05_and_records_beside_the_notebooks(tmp_path):
    source = tmp_path / "source"  # a clean copy, so no build output lands in the repository
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv*", ".git", "build", "*.egg-info", "__pycache__", ".hypothesis"))
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = str(environment / "bin" / "python")
    run([python, "-m", "pip", "install", "--quiet", str(source)])
    course = tmp_path / "course"  # the notebooks alone, as a student's copy: no utils/, no data/
    shutil.copytree(ROOT / "notebooks", course / "notebooks",
                    ignore=shutil.ignore_patterns(".course-progress.json*", ".ipynb_checkpoints"))
    folder = course / "notebooks"
    env = {k: v for k, v in os.environ.items()
           if k not in ("COURSE_PROGRESS_FILE", "PYTHONPATH", "VIRTUAL_ENV")}
    where = run([python, "-c", "import utils, utils.data as d; print(utils.__file__);"
                 "print(d.data_dir())"], cwd=folder, env=env).split()
    assert "site-packages" in where[0] and "site-packages" in where[1], where
    run([python, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--ExecutePreprocessor.timeout=600", "--output", str(tmp_path / "05-run.ipynb"),
         "05-backward-pass.ipynb"], cwd=folder, env=env)
    run([python, "-c", "from utils.checks import check_grad_B; from utils.solutions import "
         "grad_B; assert check_grad_B(grad_B).passed"], cwd=folder, env=env)
    progress = json.loads((folder / ".course-progress.json").read_text())
    assert progress["exercises"]["04-grad-B"]["verdict"] == "passed"
    assert progress["exercises"]["05-dense-backward"]["verdict"] == "not done"  # 05's stubs
    site = Path(where[0]).parent
    assert not list(site.rglob(".course-progress.json")), "progress went into site-packages"
