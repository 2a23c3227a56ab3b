"""Paths and the one rule the browser tests share: what counts as staying on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
SLIDE_SIZE = (1280, 720)  # the projector the decks must fit


def notebooks_dir() -> Path:
    return Path(os.environ.get("COURSE_BROWSER_NOTEBOOKS", ROOT / "notebooks"))


def notebook_paths() -> list[Path]:
    return sorted(notebooks_dir().glob("[0-9][0-9]*-*.ipynb"))


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOOPBACK


def present_python() -> str:
    """The Python of the environment Voila runs in (`make present`'s .venv-present, whose voila
    and widget extension are pinned to a pair that agree; `make test-browser` passes it)."""
    python = os.environ.get("PRESENT_PYTHON", sys.executable)
    found = subprocess.run([python, "-c", "import voila"], capture_output=True).returncode == 0
    if not found:
        pytest.fail(f"no voila in {python}: run the browser tests with `make test-browser`, which "
                    "builds .venv-present (pyproject's `present` extra) and sets PRESENT_PYTHON")
    return python
