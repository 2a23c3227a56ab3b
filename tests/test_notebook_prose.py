"""The notebooks' words agree with the course: each summary's "where next" names the notebook the
navigation leads to, and no code variable borrows a course letter (00a) for another meaning.

Both kinds were found by a student's read: 04's summary sent readers to 05 while its navigation
went on to 04a; 01 named the polar point `p` (a size), 03 a block index `s` (softmax's letter).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from navigation import NOTATION, number_of  # noqa: E402
from notebook_files import notebook_paths  # noqa: E402

PATHS = notebook_paths(ROOT / "notebooks")
LESSONS = [path for path in PATHS if path.name != NOTATION]  # the path the navigation walks
DECKS = sorted((ROOT / "notebooks" / "lecture").glob("*.ipynb"))

# notebook -> why its "where next" may still disagree (each must still disagree: see below)
ELSEWHERE: dict[str, str] = {}

NEXT = re.compile(r"^(?:[-*]\s*)?(?:\*\*)?(?:Where next|Next):?(?:\*\*)?:?\s*(.+)$",
                  flags=re.M | re.I)
NUMBER = re.compile(r"(?<![\w.])(\d\d[a-z]?)(?=[\s·,:;)\-]|$)")


def where_next(path: Path) -> str | None:
    """The text of the last 'Next:' / 'Where next:' line of the notebook's prose, if any."""
    found = None
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown" and "navigation" not in cell.metadata.get("tags", []):
            for match in NEXT.finditer(cell.source):
                found = match.group(1)
    return found


def first_notebook_named(text: str) -> str | None:
    match = NUMBER.search(text)
    return match.group(1) if match else None


def _disagreements() -> dict[str, str]:
    wrong = {}
    for here, after in zip(LESSONS[:-1], LESSONS[1:], strict=True):
        text = where_next(here)
        named = first_notebook_named(text or "")
        if named != number_of(after):
            wrong[here.name] = (f"says next is {named!r} ({text!r}), the navigation goes to "
                                f"{after.name}")
    return wrong


def test_the_reader_finds_the_next_notebook():
    assert first_notebook_named("**Where next:** notebook 04a reads ...") == "04a"
    assert first_notebook_named("Next: [01 · Jacobians](01-jacobians.ipynb), where") == "01"
    assert first_notebook_named("in *02 · The chain rule* we compose") == "02"
    assert first_notebook_named("07, one order further") == "07"
    assert first_notebook_named("grows like 10^{16} and 3.05") is None


@pytest.mark.parametrize("path", LESSONS[:-1], ids=[p.name for p in LESSONS[:-1]])
def test_every_summary_says_where_next(path):
    assert where_next(path), f"{path.name}: no 'Next:' or 'Where next:' line in its prose"


def test_where_next_agrees_with_the_navigation():
    wrong = {name: why for name, why in _disagreements().items() if name not in ELSEWHERE}
    assert not wrong, "; ".join(f"{name}: {why}" for name, why in wrong.items())


def test_every_known_disagreement_still_applies():
    stale = sorted(set(ELSEWHERE) - set(_disagreements()))
    assert not stale, f"ELSEWHERE lists {stale}, which now agree: drop them from ELSEWHERE"


# Letters 00a gives a meaning, by kind. A size or count holds a whole number; a vector or
# matrix letter never counts loop steps or holds a bare number.
SIZES = {"m", "n", "p", "N", "T", "D"}
ARRAYS = {"s", "S", "G", "J", "W", "U", "A", "B", "C", "X", "Y", "Z", "H", "P", "O"}
_ARRAY_MAKERS = re.compile(r"^(np|rng|anp)\b|\.(normal|standard_normal|array|zeros|ones|eye)$")


def _call_name(node: ast.AST) -> str:
    return ast.unparse(node.func) if isinstance(node, ast.Call) else ""


def _is_array_or_float(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, float)
    if isinstance(node, ast.Call):
        name = _call_name(node)
        return bool(_ARRAY_MAKERS.search(name)) and name not in {"np.prod", "np.int64"}
    return isinstance(node, (ast.List, ast.ListComp, ast.Dict))


def _is_count(node: ast.AST) -> bool:
    """A range(...) or a literal sequence of whole numbers: what a step counter runs over."""
    if _call_name(node) == "range":
        return True
    if isinstance(node, (ast.Tuple, ast.List)):
        return bool(node.elts) and all(isinstance(e, ast.Constant) and type(e.value) is int
                                       for e in node.elts)
    return False


def _pairs(target: ast.AST, value: ast.AST | None):
    """(name, value it gets) for a target, element by element for tuple = tuple."""
    if isinstance(target, ast.Name):
        yield target.id, value
    elif isinstance(target, ast.Tuple):
        values = value.elts if isinstance(value, ast.Tuple) and len(value.elts) == len(
            target.elts) else [None] * len(target.elts)
        for element, element_value in zip(target.elts, values, strict=True):
            yield from _pairs(element, element_value)


def misnamed(source: str) -> list[str]:
    """Every course letter a cell's code uses for something of another kind."""
    source = "\n".join(line for line in source.splitlines()
                       if not line.lstrip().startswith(("%", "!")))  # IPython magics
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name, value in _pairs(target, node.value):
                    if name in SIZES and value is not None and _is_array_or_float(value):
                        found.append(f"{name} = {ast.unparse(value)} (a size holds a whole "
                                     f"number)")
                    if name in ARRAYS and isinstance(value, ast.Constant) \
                            and type(value.value) is int:
                        found.append(f"{name} = {value.value} (a vector or matrix letter as a "
                                     f"number)")
        elif isinstance(node, (ast.For, ast.comprehension)):
            for name, _ in _pairs(node.target, None):
                if name in ARRAYS and _is_count(node.iter):
                    found.append(f"for {name} in {ast.unparse(node.iter)} (a vector or matrix "
                                 f"letter as a counter)")
    return found


def test_the_checker_of_names_finds_each_kind():
    assert misnamed("p = np.array([2.0, 0.5])") == [
        "p = np.array([2.0, 0.5]) (a size holds a whole number)"]
    assert len(misnamed("ok = all(J[r, s] for r in range(3) for s in range(3))")) == 1
    assert len(misnamed("n, d, T, k = 6, 3.5, 10, 4\nfor S in (1, 2):\n    pass")) == 1
    assert misnamed("m, n, p = 2, 3, 4\nn = A.shape[0]\nfor n in (10, 100):\n"
                    "    W = rng.normal(size=(n, n))") == []


@pytest.mark.parametrize("path", PATHS + DECKS, ids=[p.name for p in PATHS + DECKS])
def test_no_code_variable_borrows_a_course_letter(path):
    cells = nbformat.read(path, as_version=4).cells
    found = [f"cell {index}: {what}" for index, cell in enumerate(cells)
             if cell.cell_type == "code" for what in misnamed(cell.source)]
    assert not found, (f"{path.name} gives a course letter (00a) another meaning: "
                       + "; ".join(found))
