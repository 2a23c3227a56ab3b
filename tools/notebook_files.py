"""What the tools that rewrite notebooks share: which notebooks, rewrite-or-check, and safety.

Each tool (colab_setup, navigation, slide_metadata) is a function that edits a notebook in
place; `rewrite` runs it over the notebooks and writes those it changed, or with check=True
only reports them (the tests use that to prove the generated cells are up to date).

A student's text is never lost. Every cell a tool writes carries a fingerprint of its source in
its metadata ("generated"); a tool may replace only cells it *owns*: tagged as its own and
still exactly what it wrote (the fingerprint matches), or, for cells written before
fingerprints existed, exactly what it would write now. A tagged cell someone edited is owned
by no one: the tool raises StudentEdit, `rewrite` leaves that notebook untouched and names
the notebook and the cell. As a last guard, `rewrite` refuses any edit that changed or dropped
a cell the tool does not own.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat

from utils.checks._progress import COURSE_NOTEBOOK
from utils.files import write_atomic

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
FINGERPRINT = "generated"  # cell metadata key: the fingerprint of the source a tool wrote


class StudentEdit(Exception):
    """A notebook holds text a tool would have to overwrite or drop: it is left as it is."""


_said: set[str] = set()


def notebook_paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """The course's notebooks, in teaching order: named NN-topic.ipynb (a JupyterLab copy,
    "03-...-Copy1.ipynb", or "Untitled.ipynb" is a student's, not the course's), readable as a
    notebook, with a title "# NN ..." of the course. Any other notebook so named is left alone
    with one line on stderr naming it and why, never a traceback."""
    paths = []
    for path in sorted(p for p in Path(folder).glob("*.ipynb") if COURSE_NOTEBOOK.match(p.name)):
        reason = not_the_courses(path)
        if reason is None:
            paths.append(path)
        elif reason not in _said:
            _said.add(reason)
            print(f"left alone: {reason}", file=sys.stderr)
    return paths


def read_notebook(path: Path):
    """The notebook at `path`; StudentEdit naming it when it cannot be read as one."""
    try:
        return nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001  nbformat raises many kinds for a broken file
        raise StudentEdit(f"{path.name} cannot be read as a notebook ({type(error).__name__}: "
                          f"{str(error)[:120]}); it was left as it is") from None


def not_the_courses(path: Path) -> str | None:
    """Why a notebook named like the course's is not one of them, or None if it is: it must
    parse and its first level-1 heading must begin with its number ("# 03 ...")."""
    try:
        notebook = read_notebook(path)
    except StudentEdit as reason:
        return str(reason)
    number = path.name.split("-")[0]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    if line[2:].lstrip().startswith(number):
                        return None
                    return (f"{path.name} is not one of the course's notebooks (its title "
                            f"{line[:50]!r} does not begin with {number}); it was left as it is")
    return f"{path.name} has no '# {number} ...' title, so it is not one of the course's notebooks"


def write_notebook(notebook, path: Path) -> None:
    """Write a notebook through a temporary file and an atomic replace: a full disk or a
    crash mid-write leaves the old file whole (utils/files.py)."""
    write_atomic(path, nbformat.writes(notebook) + "\n")


def fingerprint(source: str) -> str:
    return "sha256:" + hashlib.sha256(source.encode()).hexdigest()[:16]


def stamp(cell):
    """Record that the cell's current source is what a tool wrote."""
    cell.metadata[FINGERPRINT] = fingerprint(cell.source)
    return cell


def tags_of(cell) -> list[str]:
    return list(cell.metadata.get("tags", []))


def is_pristine(cell, fresh_sources=()) -> bool:
    """The cell is exactly what a tool wrote: its fingerprint matches its source, or (a cell
    from before fingerprints) its source is one of those the tool would write now."""
    stored = cell.metadata.get(FINGERPRINT)
    if stored is not None:
        return stored == fingerprint(cell.source)
    return cell.source in fresh_sources


def describe(path: Path, notebook, cell) -> str:
    """Where a cell is, for a student: the notebook, its position (1-based) and id."""
    position = next(k for k, c in enumerate(notebook.cells) if c is cell) + 1
    first = (cell.source.strip().splitlines() or [""])[0][:60]
    return f"{path.name}, cell {position} (id {cell.get('id', '?')}, begins {first!r})"


def refuse_edited(path: Path, notebook, tags: set[str], is_own: Callable, tool: str) -> None:
    """Raise StudentEdit naming the first cell with one of the tool's tags that it does not own
    (someone edited it after the tool wrote it)."""
    for cell in notebook.cells:
        if tags & set(tags_of(cell)) and not is_own(cell):
            raise StudentEdit(
                f"{describe(path, notebook, cell)} is tagged {', '.join(tags_of(cell))} but was "
                f"edited after {tool} wrote it. The notebook was left unchanged so your text is "
                "not lost: move what you wrote into a cell of your own and delete this one, then "
                "run `make nav` again.")


def _kept(notebook, owned: Callable) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in notebook.cells if not owned(c)]


def rewrite(paths: list[Path], edit: Callable, check: bool, owned: Callable = lambda c: False,
            refused: list[str] | None = None) -> list[str]:
    """Apply edit(path, notebook) to each notebook; the names of those it changed.

    owned(cell) says which cells the tool may replace or remove; every other cell must come
    out of the edit with its type and source unchanged and in the same order. A notebook whose
    edit raises StudentEdit (or breaks that rule) is not written; the reasons go to `refused`
    (or, without that list, the first one is raised).
    """
    stale = []
    for path in paths:
        try:
            notebook = read_notebook(path)
        except StudentEdit as reason:
            if refused is None:
                raise
            refused.append(str(reason))
            continue
        before, kept = nbformat.writes(notebook), _kept(notebook, owned)
        try:
            edit(path, notebook)
            if _kept(notebook, owned) != kept:
                raise StudentEdit(f"{path.name}: the edit would change or drop a cell it did "
                                  "not write; the notebook was left unchanged")
        except StudentEdit as reason:
            if refused is None:
                raise
            refused.append(str(reason))
            continue
        if nbformat.writes(notebook) != before:
            stale.append(path.name)
            if not check:
                write_notebook(notebook, path)
    return stale


def command_line(update: Callable, what: str) -> None:
    """`python tools/X.py [--check] [notebooks...]`: rewrite, or exit 1 if any is stale.

    A notebook left unchanged to keep a student's edit is named on stderr, and the exit
    status is 1 so `make nav` stops there.
    """
    check = "--check" in sys.argv[1:]
    paths = [Path(a) for a in sys.argv[1:] if a != "--check"] or notebook_paths()
    refused: list[str] = []
    stale = update(paths, check, refused=refused)
    for reason in refused:
        print(f"kept as it is: {reason}", file=sys.stderr)
    if check and stale:
        sys.exit(f"{what} out of date in {', '.join(stale)}: run `make nav`")
    print(f"{'out of date' if check else 'updated'}: {', '.join(stale) or 'none'}")
    if refused:
        sys.exit(f"{len(refused)} notebook(s) left unchanged to keep edited cells (see above)")
