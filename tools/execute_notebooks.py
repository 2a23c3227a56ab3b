"""Re-run notebooks in place so their stored outputs match the current `utils`.

    python tools/execute_notebooks.py                 # every notebook
    python tools/execute_notebooks.py notebooks/03-*  # some of them

Runs each notebook top to bottom in a fresh kernel from this environment (as nbval does),
with the notebooks folder as working directory, and stops at the first cell that fails.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_files import NOTEBOOKS, notebook_paths, read_notebook, write_notebook  # noqa: E402

# stored outputs show what a new student sees: no exercise progress read or written
os.environ["COURSE_PROGRESS_FILE"] = "off"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def execute(path: Path) -> float:
    notebook = read_notebook(path)
    notebook.metadata["kernelspec"] = KERNELSPEC
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for cell in notebook.cells:  # wall-clock stamps would make every run a diff
        cell.metadata.pop("execution", None)
    write_notebook(notebook, path)
    return time.perf_counter() - start


if __name__ == "__main__":
    if any(arg.startswith("-") for arg in sys.argv[1:]):  # --help, or an option it does not have
        sys.exit(__doc__)
    paths = [Path(p) for p in sys.argv[1:]] or notebook_paths()
    for path in paths:
        print(f"{path.name}: executed in {execute(path):.1f} s", flush=True)
