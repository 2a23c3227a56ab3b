"""Paths and the one rule the browser tests share: what counts as staying on this machine."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
SLIDE_SIZE = (1280, 720)  # the projector the decks and RISE must fit


def notebooks_dir() -> Path:
    return Path(os.environ.get("COURSE_BROWSER_NOTEBOOKS", ROOT / "notebooks"))


def notebook_paths() -> list[Path]:
    return sorted(notebooks_dir().glob("[0-9][0-9]*-*.ipynb"))


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOOPBACK
