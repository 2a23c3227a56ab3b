"""The tools that rewrite notebooks (make nav) never lose what a student wrote.

Every test works on a temporary copy of the course's notebooks and edits it as a student
would: a note typed into a generated cell, a copied cell, a note above the title.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import colab_setup  # noqa: E402
import navigation  # noqa: E402
import notebook_files  # noqa: E402
import slide_metadata  # noqa: E402

NOTE = "My own note: the VJP never builds the 4-D tensor."


@pytest.fixture
def course(tmp_path, monkeypatch) -> list[Path]:
    """A copy of the notebooks, as a student has them; the tools see only the copy."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in notebook_files.notebook_paths():
        shutil.copy(path, folder / path.name)
    copies = notebook_files.notebook_paths(folder)
    monkeypatch.setattr(navigation, "notebook_paths", lambda *folder: copies)
    return copies


def read(path: Path):
    return nbformat.read(path, as_version=4)


def change(path: Path, how) -> bytes:
    """Apply how(cells) to the notebook at path, save it, return the saved bytes."""
    notebook = read(path)
    how(notebook.cells)
    nbformat.write(notebook, path)
    return path.read_bytes()


def tagged(cells, tag):
    return next(k for k, c in enumerate(cells) if tag in c.metadata.get("tags", []))


def make_nav(paths):
    """What `make nav` runs, in its order, stopping (as make does) after a tool that refused to
    touch a notebook; the reasons it gave."""
    refused: list[str] = []
    for tool in (colab_setup, navigation, slide_metadata):
        tool.update(paths, check=False, refused=refused)
        if refused:
            break
    return refused


def test_the_shipped_notebooks_are_all_owned_and_up_to_date(course):
    assert make_nav(course) == []
    for tool in (colab_setup, navigation, slide_metadata):
        assert tool.update(course, check=True) == [], tool.__name__


def test_a_note_typed_into_a_navigation_cell_is_kept_and_named(course):
    path = course[2]

    def add_note(cells):
        cells[tagged(cells, "navigation")].source += "\n\n" + NOTE

    saved = change(path, add_note)
    refused = make_nav(course)
    assert path.read_bytes() == saved, "the notebook with the edited cell must stay as it was"
    assert len(refused) == 1 and path.name in refused[0] and "cell 2 " in refused[0], refused
    assert "make nav" in refused[0]


@pytest.mark.parametrize("tag, number, where", [
    ("colab-setup", 3, "in place"),
    ("colab-setup", 3, "in a copy"),
    ("contents", 0, "in place"),
])
def test_an_edited_colab_cell_or_contents_list_is_kept_and_named(course, tag, number, where):
    path = course[number]

    def edit(cells):
        k = tagged(cells, tag)
        if where == "in a copy":  # JupyterLab's copy-paste keeps the tags, gives a new id
            cells.insert(k + 1, nbformat.from_dict({**cells[k], "id": "pasted"}))
            k += 1
        cells[k].source += "\n# my own line"

    saved = change(path, edit)
    refused = make_nav(course)
    assert path.read_bytes() == saved
    assert any(path.name in r and tag in r for r in refused), refused


def test_a_students_cell_that_begins_like_navigation_is_not_navigation(course):
    """A student copied the navigation line (without its tags) to write notes under it."""
    path = course[4]
    mine = navigation.MARKER + "\n" + NOTE

    def add(cells):
        cells.insert(5, new_markdown_cell(mine))

    change(path, add)
    assert make_nav(course) == []
    sources = [c.source for c in read(path).cells]
    assert sources.count(mine) == 1, "the student's cell was dropped as if it were navigation"


@pytest.mark.parametrize("note", [NOTE, "# My notes\n\n" + NOTE])
def test_navigation_goes_right_after_the_title(course, note):
    """Even when the student's note above the title has a heading of its own."""
    path = course[2]  # 01: the lesson 00 leads to (00a, the notation page, is off the path)
    title_text = read(path).cells[0].source.splitlines()[0]

    def note_above_title(cells):
        cells.insert(0, new_markdown_cell(note))

    change(path, note_above_title)
    assert make_nav(course) == []
    cells = read(path).cells
    title = next(k for k, c in enumerate(cells) if c.source.startswith(title_text))
    assert cells[0].source == note and title == 1
    assert title_text.removeprefix("# ") in read(course[0]).cells[1].source  # 00's next link
    assert "navigation" in cells[title + 1].metadata.get("tags", []), [
        c.source[:30] for c in cells[:4]]


def test_cells_written_before_fingerprints_are_still_recognised(course):
    """A student's older copy has generated cells without the fingerprint: not an edit."""
    path = course[2]

    def forget(cells):
        for cell in cells:
            cell.metadata.pop(notebook_files.FINGERPRINT, None)

    change(path, forget)
    assert make_nav(course) == []
    generated = [c for c in read(path).cells if c.metadata.get(notebook_files.FINGERPRINT)]
    assert len(generated) == 3  # the Colab cell and two navigation cells


def test_the_shared_loop_refuses_an_edit_that_drops_a_students_cell(course):
    path = course[1]
    before = path.read_bytes()

    def careless(_path, notebook):
        notebook.cells = notebook.cells[:-2] + notebook.cells[-1:]

    with pytest.raises(notebook_files.StudentEdit, match=path.name):
        notebook_files.rewrite([path], careless, check=False)
    refused: list[str] = []
    assert notebook_files.rewrite([path], careless, check=False, refused=refused) == []
    assert path.read_bytes() == before and len(refused) == 1


def test_make_nav_stops_with_the_notebook_and_cell_named(course):
    path = course[5]

    def add_note(cells):
        cells[tagged(cells, "navigation")].source += "\n\n" + NOTE

    saved = change(path, add_note)
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "navigation.py"),
                             *map(str, course)], capture_output=True, text=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert path.name in result.stderr and "cell 2 " in result.stderr, result.stderr
    assert path.read_bytes() == saved


def _nav_with_file_size_limit(paths, limit):
    import resource
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        navigation.update(paths, check=False, refused=[])
    except OSError:
        pass


def test_a_rewrite_cut_short_by_a_full_disk_leaves_every_notebook_whole(course):
    """Every tool writes a temporary file and replaces: the file-size limit reached mid-write
    (as `ulimit -f 64` did to 04) leaves each notebook as it was, never a truncated one."""
    import multiprocessing
    for path in course:  # navigation stale everywhere, so every notebook is rewritten
        notebook = read(path)
        for cell in notebook.cells:
            if "navigation" in cell.metadata.get("tags", []):
                cell.source = navigation.MARKER + "\nold links"
                notebook_files.stamp(cell)
        nbformat.write(notebook, path)
    assert max(path.stat().st_size for path in course) > 65_536, "no notebook tests the limit"
    before = {path: path.read_bytes() for path in course}
    child = multiprocessing.get_context("fork").Process(
        target=_nav_with_file_size_limit, args=(course, 65_536))
    child.start()
    child.join(120)
    for path in course:
        after = path.read_bytes()
        nbformat.reads(after.decode(), as_version=4)  # every notebook still parses
        assert after == before[path] or len(before[path]) < 65_536, path.name
    assert not [p for p in course[0].parent.iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize("name, content", [
    ("03-matrix-by-matrix-Copy1.ipynb", "copy"),      # JupyterLab's Duplicate
    ("Untitled.ipynb", "empty"),                      # a student's own notebook
    ("07-my-notes.ipynb", "untitled"),                # named like ours, with a title of its own
    ("08-broken.ipynb", "broken"),                    # not even JSON
])
def test_a_notebook_the_course_did_not_make_is_left_alone_with_a_line(course, name, content):
    folder = course[0].parent
    path = folder / name
    if content == "copy":
        path.write_bytes(course[3].read_bytes())
    elif content == "broken":
        path.write_text('{"cells": [')
    else:
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [new_markdown_cell("# My notes" if content == "untitled" else NOTE)]
        nbformat.write(notebook, path)
    saved = path.read_bytes()
    for tool in ("colab_setup.py", "navigation.py", "slide_metadata.py"):
        result = subprocess.run([sys.executable, str(ROOT / "tools" / tool), "--check",
                                 *map(str, course)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    listed = notebook_files.notebook_paths(folder)
    assert path not in listed and len(listed) == len(course)
    result = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'tools');"
                             "import notebook_files as n, pathlib;"
                             f"n.notebook_paths(pathlib.Path({str(folder)!r}))"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    if content in ("untitled", "broken"):
        assert f"left alone: {name}" in result.stderr, result.stderr
    assert path.read_bytes() == saved
