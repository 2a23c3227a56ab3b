"""Put the Colab setup cell first among the code cells of every notebook.

On Google Colab a notebook opened from GitHub arrives alone: no `utils` package, no `data/`.
The cell clones the course next to it, makes `import utils` work and moves into `notebooks/`,
installs autograd and ipywidgets 8 (restarting the session once if Colab's ipywidgets 7 was
already loaded) and enables Colab's custom widget manager, which ipywidgets 8 widgets need.
Anywhere else it only imports `sys`: no output,
so nbval's stored-output comparison is unaffected.

    python tools/colab_setup.py          # insert or refresh the cell (idempotent)
    python tools/colab_setup.py --check  # exit 1 if a notebook lacks the current cell

Run it before tools/navigation.py (`make nav` does both), since inserting a cell shifts the
position-based cell ids that navigation.py writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_files  # noqa: E402
from course_repo import CHECKOUT_NAME, REPO_URL  # noqa: E402
from notebook_files import NOTEBOOKS, command_line, notebook_paths, rewrite  # noqa: E402, F401

TAG = "colab-setup"
# What the notebooks import that Colab's image lacks or has too old: autograd is missing, and
# Colab ships ipywidgets 7 while the explorers are ipywidgets 8 widgets.
COLAB_LACKS = ", ".join(f'"{name}"' for name in ("autograd", "ipywidgets>=8.1,<9"))

SOURCE = f'''\
# On Google Colab only: fetch the course, install what Colab lacks, switch on the widget manager
# that draws ipywidgets 8 explorers (elsewhere: does nothing, prints nothing).
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    REPO = "{REPO_URL}"
    COURSE = "/content/{CHECKOUT_NAME}"
    if not os.path.isdir(COURSE):
        subprocess.run(["git", "clone", "--depth", "1", REPO, COURSE], check=True)
    sys.path.insert(0, COURSE)
    os.chdir(COURSE + "/notebooks")
    pip_install = [sys.executable, "-m", "pip", "install", "--quiet"]
    subprocess.run(pip_install + [{COLAB_LACKS}], check=True)
    loaded = sys.modules.get("ipywidgets")
    if loaded is not None and not getattr(loaded, "__version__", "8").startswith(("8", "9")):
        from IPython import get_ipython

        print("ipywidgets 8 is installed; restarting the session once to load it. "
              "When it has restarted, run this cell again.")
        get_ipython().kernel.do_shutdown(True)
    else:
        from google.colab import output

        output.enable_custom_widget_manager()  # Colab's built-in one draws ipywidgets 7 only'''


def setup_cell():
    cell = nbformat.v4.new_code_cell(SOURCE)
    cell.metadata["tags"] = [TAG]
    cell.metadata["slideshow"] = {"slide_type": "skip"}
    return cell


def is_own(cell) -> bool:
    """A Colab cell this tool wrote and nobody edited since (it may be replaced)."""
    return TAG in notebook_files.tags_of(cell) and notebook_files.is_pristine(cell, (SOURCE,))


def with_setup_cell(cells: list) -> list:
    """The cells with the Colab cell (refreshed, or new) right before the first other code cell.

    An existing Colab cell keeps its id and execution count, so a second run changes nothing.
    Callers first make sure every tagged Colab cell is one of ours (is_own).
    """
    old = [c for c in cells if is_own(c)]
    cells = [c for c in cells if not is_own(c)]
    cell = old[0] if old else setup_cell()
    cell.source = SOURCE
    cell.outputs = []
    cell.metadata["slideshow"] = {"slide_type": "skip"}
    notebook_files.stamp(cell)
    first_code = next((k for k, c in enumerate(cells) if c.cell_type == "code"), len(cells))
    cells.insert(first_code, cell)
    return cells


def update(paths: list[Path], check: bool, refused: list[str] | None = None) -> list[str]:
    def edit(path, notebook):
        notebook_files.refuse_edited(path, notebook, {TAG}, is_own, "tools/colab_setup.py")
        notebook.cells = with_setup_cell(notebook.cells)

    return rewrite(paths, edit, check, owned=is_own, refused=refused)


if __name__ == "__main__":
    command_line(update, "Colab setup cell")
