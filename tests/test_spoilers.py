"""No spoilers: no lesson cell above an exercise already computes that exercise's answer.

For every exercise cell (a code cell that calls a checker) the expressions the reference
solution returns (utils/solutions.py, with its own local names filled in) are looked for in
every code cell above it in the same notebook, with each cell's simple assignments filled in
too, so `J_f, J_g = jacobian_f(g(x)), jacobian_g(x)` then `J_f @ J_g` counts as
`jacobian_f(g(x)) @ jacobian_g(x)`. Names are compared as written: a lesson that shows the
answer under the exercise's own argument names is a spoiler.
"""

from __future__ import annotations

import ast
import copy
import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest

from utils import checks, solutions

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9]*.ipynb"))


class _Inline(ast.NodeTransformer):
    def __init__(self, names: dict):
        self.names = names

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.names:
            return copy.deepcopy(self.names[node.id])
        return node


def _expressions(statements) -> set[str]:
    """Every expression in the statements, with earlier simple assignments filled in."""
    names, found = {}, set()
    for statement in statements:
        statement = _Inline(names).visit(copy.deepcopy(statement))
        for node in ast.walk(statement):
            if isinstance(node, (ast.BinOp, ast.Call)):
                found.add(ast.dump(node))
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
            if isinstance(target, ast.Name):
                names[target.id] = value
            elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                    and len(target.elts) == len(value.elts):
                for name, part in zip(target.elts, value.elts, strict=True):
                    if isinstance(name, ast.Name):
                        names[name.id] = part
    return found


def _answers(function) -> set[str]:
    """What the reference solution returns, its local assignments filled in."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    body = tree.body[0].body
    names, answers = {}, set()
    for statement in body:
        statement = _Inline(names).visit(copy.deepcopy(statement))
        if isinstance(statement, ast.Return) and isinstance(statement.value, (ast.BinOp, ast.Call)):
            answers.add(ast.dump(statement.value))
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], ast.Name):
            names[statement.targets[0].id] = statement.value
    return answers


def _exercise_of(checker_name: str) -> str | None:
    checker = getattr(checks, checker_name, None)
    for args in ((...,), (..., ...)):
        try:
            feedback = checker(*args, record=False)
        except TypeError:
            try:
                feedback = checker(*args)
            except TypeError:
                continue
        match = re.search(r"(\d\d[a-z]?-[\w-]+): not done", feedback.message)
        if match:
            return match.group(1)
    return None


def _cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _parsed(source: str):
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines)).body
    except SyntaxError:
        return []


def spoilers(path: Path) -> list[str]:
    found, cells = [], _cells(path)
    for index, source in enumerate(cells):
        for checker_name in sorted(set(re.findall(r"\b(check_\w+)\(", source))):
            exercise = _exercise_of(checker_name)
            reference = solutions.REFERENCES.get(exercise)
            if not callable(reference):
                continue
            answers = _answers(reference)
            for earlier, lesson in enumerate(cells[:index]):
                if re.search(r"\bcheck_\w+\(", lesson):
                    continue  # another exercise's cell, a stub
                if answers & _expressions(_parsed(lesson)):
                    found.append(f"{path.name}: code cell {earlier} computes the answer of "
                                 f"{exercise} ({reference.__name__}), asked in code cell {index}")
    return found


def test_the_finder_finds_the_spoiler_it_was_written_for():
    lesson = _parsed("J_f, J_g = jacobian_f(g(x)), jacobian_g(x)\nJ_F = J_f @ J_g\n")

    def two_steps(jacobian_f, g, jacobian_g, x):
        return jacobian_f(g(x)) @ jacobian_g(x)

    assert _answers(two_steps) & _expressions(lesson)
    assert not _answers(two_steps) & _expressions(_parsed("J = jacobian_g(x) @ jacobian_f(x)"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_lesson_cell_computes_an_exercise_answer_above_it(path):
    assert not spoilers(path), "\n".join(spoilers(path))
