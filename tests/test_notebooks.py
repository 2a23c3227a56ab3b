"""The notebooks as files: order, stored outputs, navigation, stubs. (nbval re-runs them.)"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
NAMES = [path.name for path in NOTEBOOKS]


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_notebooks_are_numbered_in_teaching_order():
    assert NAMES[0] == "00-start-here.ipynb"
    numbers = [int(name[:2]) for name in NAMES]
    assert numbers == list(range(len(numbers))), f"gaps or duplicates in {NAMES}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_outputs_are_stored_and_clean(path):
    """Executed top to bottom in order, no error output, standard kernel (nbval needs it)."""
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    counts = [c.execution_count for c in code_cells(path)]
    assert None not in counts, f"{path.name}: some code cells were never run: make execute"
    assert counts == sorted(counts), f"{path.name}: cells were run out of order: make execute"
    for cell in code_cells(path):
        for output in cell.outputs:
            assert output.output_type != "error", f"{path.name}: stored error in {cell.source[:60]}"
            assert "Traceback" not in output.get("text", ""), f"{path.name}: traceback stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NAMES)
def test_exercise_stubs_are_shipped_unsolved(path):
    """A stub's checker must have said "not done yet" when the shipped notebook ran."""
    for cell in code_cells(path):
        source = cell.source
        if "= ..." in source and "check_" in source:
            shown = "".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "")
                            for o in cell.outputs)
            assert "not done yet" in shown, f"{path.name}: stub cell without 'not done yet'"


def test_navigation_cells_are_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "navigation.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
