"""What the tools that rewrite notebooks share: which notebooks, and rewrite-or-check.

Each tool (colab_setup, navigation, slide_metadata) is a function that edits a notebook in
place; `rewrite` runs it over the notebooks and writes those it changed, or with check=True
only reports them (the tests use that to prove the generated cells are up to date).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def notebook_paths() -> list[Path]:
    """The course's notebooks, in teaching order (NN-topic.ipynb)."""
    return sorted(NOTEBOOKS.glob("[0-9][0-9]*-*.ipynb"))


def rewrite(paths: list[Path], edit: Callable, check: bool) -> list[str]:
    """Apply edit(path, notebook) to each notebook; the names of those it changed."""
    stale = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        edit(path, notebook)
        if nbformat.writes(notebook) != before:
            stale.append(path.name)
            if not check:
                nbformat.write(notebook, path)
    return stale


def command_line(update: Callable, what: str) -> None:
    """`python tools/X.py [--check] [notebooks...]`: rewrite, or exit 1 if any is stale."""
    check = "--check" in sys.argv[1:]
    paths = [Path(a) for a in sys.argv[1:] if a != "--check"] or notebook_paths()
    stale = update(paths, check)
    if check and stale:
        sys.exit(f"{what} out of date in {', '.join(stale)}: run `make nav`")
    print(f"{'out of date' if check else 'updated'}: {', '.join(stale) or 'none'}")
