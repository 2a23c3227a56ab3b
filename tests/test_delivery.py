"""Delivery: slide metadata, the Colab cell, Binder's environment, the README's launch links and
the offline page templates. (The real-browser tests live in tests/browser: `make test-browser`.)
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import binder_env  # noqa: E402
import build_site  # noqa: E402
import colab_setup  # noqa: E402
import course_repo  # noqa: E402
import slide_metadata  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*-*.ipynb"))


def cell(kind: str, source: str, tags=()):
    made = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
    if tags:
        made.metadata["tags"] = list(tags)
    return made


# --- slide metadata ----------------------------------------------------------------------------

def test_every_notebook_has_current_slide_metadata():
    stale = slide_metadata.update(NOTEBOOKS, check=True)
    assert not stale, f"slide metadata out of date in {stale}: run `make nav`"
    for path in NOTEBOOKS:
        for number, each in enumerate(nbformat.read(path, as_version=4).cells):
            kind = each.metadata.get("slideshow", {}).get("slide_type")
            assert kind in {"slide", "subslide", "fragment", "-", "skip", "notes"}, \
                f"{path.name} cell {number} has no slide type"


def test_slide_types_follow_the_notebook_structure():
    cells = [cell("md", "# 01 · Title\n\nWhat you will learn."),
             cell("md", "[< prev](00-x.ipynb)", tags=["navigation"]),
             cell("code", colab_setup.SOURCE, tags=["colab-setup"]),
             cell("code", "%matplotlib inline\nimport numpy as np\nfrom utils import (\n"
                          "    matmul_vjp,\n)\nrng = np.random.default_rng(0)\n"
                          "np.set_printoptions(precision=4)"),
             cell("md", "## The VJP in math\n\n$$\\frac{dL}{dA} = G B^T$$"),
             cell("md", "The same in code:"),
             cell("code", "A = rng.normal(size=(2, 3))\nA.shape"),
             cell("md", "### A closer look"),
             cell("code", ""),
             cell("md", "Kept as the author set it.", tags=["slide-manual"])]
    cells[-1].metadata["slideshow"] = {"slide_type": "notes"}
    assert slide_metadata.slide_types(cells) == [
        "slide", "skip", "skip", "skip", "slide", "-", "fragment", "subslide", "skip", None]


def test_a_first_code_cell_that_computes_is_shown():
    cells = [cell("md", "# 01 · T"), cell("code", "import numpy as np\nx = np.ones(3)\nx + 1")]
    assert slide_metadata.slide_types(cells) == ["slide", "fragment"]


def test_a_long_section_continues_on_a_subslide():
    long_prose = "\n".join(f"Line {k} of a long explanation." for k in range(15))
    cells = [cell("md", "## Section"), cell("md", long_prose), cell("md", long_prose)]
    assert slide_metadata.slide_types(cells) == ["slide", "-", "subslide"]


def test_slide_metadata_is_idempotent_and_keeps_navigation_skipped(tmp_path):
    notebook = new_notebook(cells=[cell("md", "# 01 · T"), cell("md", "nav", tags=["navigation"]),
                                   cell("md", "## S"), cell("code", "1 + 1")])
    path = tmp_path / "01-t.ipynb"
    nbformat.write(notebook, path)
    assert slide_metadata.update([path], check=False) == ["01-t.ipynb"]
    assert slide_metadata.update([path], check=True) == []
    written = nbformat.read(path, as_version=4)
    assert written.cells[1].metadata["slideshow"] == {"slide_type": "skip"}


# --- the Colab cell ----------------------------------------------------------------------------

def test_every_notebook_starts_its_code_with_the_colab_cell():
    stale = colab_setup.update(NOTEBOOKS, check=True)
    assert not stale, f"Colab cell missing or stale in {stale}: run `make nav`"
    for path in NOTEBOOKS:
        code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert code and colab_setup.TAG in code[0].metadata.get("tags", []), path.name
        assert code[0].outputs == [], f"{path.name}: the Colab cell must print nothing"


def test_colab_cell_is_idempotent_and_goes_before_the_first_code_cell(tmp_path):
    notebook = new_notebook(cells=[cell("md", "# 01 · T"), cell("code", "import numpy")])
    path = tmp_path / "01-t.ipynb"
    nbformat.write(notebook, path)
    assert colab_setup.update([path], check=False) == ["01-t.ipynb"]
    assert colab_setup.update([path], check=True) == []
    cells = nbformat.read(path, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert colab_setup.TAG in cells[1].metadata["tags"] and cells[2].source == "import numpy"


def run_colab_cell(source: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        exec(compile(source, "<colab cell>", "exec"), {})
    return printed.getvalue()


def test_colab_cell_does_nothing_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    before = (os.getcwd(), list(sys.path))
    assert run_colab_cell(colab_setup.SOURCE) == ""
    assert calls == [] and (os.getcwd(), sys.path) == before


def fake_colab(monkeypatch, ipywidgets_version: str | None) -> list:
    """google.colab with an output module that records enable_custom_widget_manager calls,
    and ipywidgets as already imported at that version (None: not imported yet)."""
    enabled = []
    colab, output = types.ModuleType("google.colab"), types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: enabled.append(True)
    colab.output = output
    monkeypatch.setitem(sys.modules, "google.colab", colab)
    monkeypatch.setitem(sys.modules, "google.colab.output", output)
    if ipywidgets_version is None:
        monkeypatch.delitem(sys.modules, "ipywidgets", raising=False)
    else:
        widgets_module = types.ModuleType("ipywidgets")
        widgets_module.__version__ = ipywidgets_version
        monkeypatch.setitem(sys.modules, "ipywidgets", widgets_module)
    return enabled


def test_colab_cell_on_colab_clones_the_course_and_moves_into_it(monkeypatch, tmp_path):
    enabled = fake_colab(monkeypatch, ipywidgets_version="8.1.5")
    checkout = tmp_path / course_repo.CHECKOUT_NAME
    calls = []

    def fake_run(command, check):
        calls.append(command)
        if command[0] == "git":
            (Path(command[-1]) / "notebooks").mkdir(parents=True)

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    source = colab_setup.SOURCE.replace("/content/", f"{tmp_path}/")
    run_colab_cell(source)
    assert calls[0] == ["git", "clone", "--depth", "1", course_repo.REPO_URL, str(checkout)]
    assert calls[1] == [sys.executable, "-m", "pip", "install", "--quiet", "autograd",
                        "ipywidgets>=8.1,<9"]
    assert Path.cwd() == checkout / "notebooks" and sys.path[0] == str(checkout)
    assert enabled == [True], "Colab's custom widget manager (ipywidgets 8) was not enabled"
    run_colab_cell(source)  # run again: no second clone
    assert [call[0] for call in calls] == ["git", sys.executable, sys.executable]


def test_colab_cell_restarts_once_when_colabs_ipywidgets_7_is_loaded(monkeypatch, tmp_path):
    import IPython

    enabled = fake_colab(monkeypatch, ipywidgets_version="7.7.1")
    shutdowns = []
    kernel = types.SimpleNamespace(do_shutdown=lambda restart: shutdowns.append(restart))
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=kernel))
    monkeypatch.setattr(subprocess, "run", lambda command, check: None)
    monkeypatch.chdir(tmp_path)
    (tmp_path / course_repo.CHECKOUT_NAME / "notebooks").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", list(sys.path))
    printed = run_colab_cell(colab_setup.SOURCE.replace("/content/", f"{tmp_path}/"))
    assert shutdowns == [True] and enabled == [], "ipywidgets 7 in memory: restart, then enable"
    assert "run this cell again" in printed


# --- Binder and the README ---------------------------------------------------------------------

def test_binder_environment_is_the_top_level_one_without_the_editable_install():
    top = yaml.safe_load((ROOT / "environment.yml").read_text())
    binder = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    without_pip_e = [d for d in top["dependencies"]
                     if not (isinstance(d, dict) and d.get("pip") == ["-e ."])]
    pinned = [f"python={binder_env.BINDER_PYTHON}" if str(d).startswith("python>") else d
              for d in without_pip_e]
    assert binder["dependencies"] == pinned, "run `python tools/binder_env.py`"
    assert f"python={binder_env.BINDER_PYTHON}" in binder["dependencies"], \
        "repo2docker reads the Python version only from a `python=X.Y` entry"
    bound = next(d for d in top["dependencies"] if str(d).startswith("python>="))
    assert Version(binder_env.BINDER_PYTHON) >= Version(bound.removeprefix("python>="))
    assert binder["channels"] == top["channels"] and binder["name"] == top["name"]
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "binder_env.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_binder_postbuild_installs_the_course_package():
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    assert "pip install --no-deps -e ." in post_build.read_text()


def test_readme_launch_links_use_the_course_repository():
    readme = (ROOT / "README.md").read_text()
    for url in (course_repo.BINDER_URL, course_repo.COLAB_URL, course_repo.REPO_URL):
        assert url in readme, f"README lacks {url} (tools/course_repo.py)"


# --- the offline page templates ----------------------------------------------------------------

@pytest.mark.parametrize("kind", ["slides", "html"])
def test_pages_load_nothing_from_the_network(kind, tmp_path):
    view = {"model_id": "m1", "version_major": 2, "version_minor": 0}
    output = nbformat.v4.new_output("display_data", data={
        "text/plain": "Explorer(...)", build_site.WIDGET_VIEW: view})
    widget_cell = cell("code", "demo_explorer()")
    widget_cell.outputs = [output]
    notebook = new_notebook(cells=[cell("md", "# 01 · T\n\n$x^2$ [next](02-next.ipynb)"),
                                   cell("code", colab_setup.SOURCE, tags=["colab-setup"]),
                                   widget_cell])
    notebook.metadata["widgets"] = {build_site.WIDGET_STATE: {"state": {
        "m1": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_m2", "IPY_MODEL_m3"]}},
        "m2": {"model_name": "HTMLModel", "state": {"value": "<b>entries</b> = 36"}},
        "m3": {"model_name": "IntSliderModel", "state": {"description": "n", "value": 3}}}}}
    suffix = ".slides.html" if kind == "slides" else ".html"
    page = build_site.render(build_site.make_exporter(kind), notebook, tmp_path / "01-t.ipynb",
                             suffix)
    for attribute in ("src", "href"):
        assert f'{attribute}="http' not in page and f"{attribute}='http" not in page
    assert "@import url(http" not in page and "cdn" not in page.lower()
    assert "_static/mathjax/MathJax.js" in page
    assert f"02-next{suffix}" in page, "links between notebooks point at the built pages"
    assert "<b>entries</b> = 36" in page and "<b>n</b> 3" in page, "widget snapshot missing"
    assert "google.colab" not in page, "the Colab cell is left out of pages and decks"


def test_decks_leave_out_marked_code_and_nbvals_markers(tmp_path):
    picture = cell("code", "plot_the_tensor()  # only its picture matters", tags=["hide-input"])
    shown = cell("code", "# NBVAL_IGNORE_OUTPUT\nshown_code()")
    notebook = new_notebook(cells=[cell("md", "# 01 · T"), picture, shown])
    page = build_site.render(build_site.make_exporter("slides"), notebook,
                             tmp_path / "01-t.ipynb", ".slides.html")
    assert "plot_the_tensor" not in page, "a hide-input cell's code reached the deck"
    assert "shown_code" in page and "NBVAL_IGNORE_OUTPUT" not in page


def test_make_help_lists_every_documented_command():
    documented = [line.split(":")[0] for line in (ROOT / "Makefile").read_text().splitlines()
                  if "## " in line and not line.startswith(("#", "\t"))]
    listed = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout
    assert {"lab", "test", "slides", "present", "test-browser", "help"} <= set(documented)
    for target in documented:
        assert f"make {target} " in listed, f"`make help` does not list {target}"
    assert "$(" not in listed, f"`make help` prints a variable's name, not its value:\n{listed}"
    chromium = subprocess.run(["make", "-s", "help", "CHROMIUM=/opt/other/chromium"], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout
    assert "/opt/other/chromium" in chromium, "`make help` does not print the CHROMIUM it uses"


def test_a_snapshots_control_label_does_not_repeat_its_value():
    state = {"s": {"model_name": "SelectionSliderModel",
                   "state": {"description": "size ×", "_options_labels": ["× 1", "× 2"],
                             "index": 1}},
             "r": {"model_name": "FloatSliderModel", "state": {"description": "r", "value": 1.2}}}
    assert build_site.snapshot("s", state) == "<span><b>size ×</b> 2</span>"
    assert build_site.snapshot("r", state) == "<span><b>r</b> 1.2</span>"


def test_slides_are_built_for_the_session_decks_only():
    assert build_site.deck_paths() == [ROOT / "notebooks" / "lecture" / f"{name}.ipynb"
                                       for name in build_site.SESSION_DECKS]
    assert all(path.exists() for path in build_site.deck_paths())
    for lesson in NOTEBOOKS:
        assert lesson not in build_site.deck_paths(), "a lesson is a handout (the site), no deck"


def test_on_slides_long_plotting_code_gives_way_to_its_picture(tmp_path):
    long_plot = cell("code", "\n".join(f"ax.plot(curve_{k})" for k in range(20)))
    long_plot.outputs = [nbformat.v4.new_output("display_data", data={
        "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]
    notebook = new_notebook(cells=[cell("md", "# 01 · T"), long_plot])
    pages = {suffix: build_site.render(build_site.make_exporter(kind), copy.deepcopy(notebook),
                                       tmp_path / "01-t.ipynb", suffix)
             for kind, suffix in (("slides", ".slides.html"), ("html", ".html"))}
    assert "curve_19" not in pages[".slides.html"] and "iVBORw0KGgo=" in pages[".slides.html"]
    assert "curve_19" in pages[".html"], "the page keeps the code"


def test_a_note_stays_closed_on_the_page_and_links_reach_the_notation_page():
    """The page's markdown renderer would end <details> at the first blank line and show the
    note open below it; every link to a notebook, 00a and its anchors too, points at a page."""
    notebook = new_notebook(cells=[new_markdown_cell(
        "Main line, see the [glossary](00a-notation.ipynb#Glossary) and [01](01-jacobians.ipynb)."
        "\n\n<details><summary>An aside</summary>\n\nIts $x^2$ text.\n\n```python\na = 1\n\nb = 2\n"
        "```\n</details>\n\nAfter the note.")])
    build_site.link_pages(notebook, ".html")
    build_site.collapse_notes(notebook)
    source = notebook.cells[0].source
    note = source[source.index("<details>"):source.index("</details>")]
    assert "Its $x^2$ text." in note and "b" in note and "\n\n" not in note, note
    assert source.endswith("</details>\n\nAfter the note.")
    assert "(00a-notation.html#Glossary)" in source and "(01-jacobians.html)" in source
    build_site.drop_notes(notebook)  # on slides: asides are not projected
    assert "<details>" not in notebook.cells[0].source and "After the note." in source
