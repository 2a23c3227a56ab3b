"""A numpy shape error in the learner's function, told in the exercise's letters.

"matmul: Input operand 1 has a mismatch in its core dimension 0" names no operand. Where the
error happened, we read the failing line, find its products (`@`, np.dot, np.matmul, `x.dot(y)`)
and entry-by-entry operations, evaluate their operands' shapes and say which two did not fit, as
"dL/dC (m, p) by B (n, p)", and which arrangement of the same two would give the answer's shape.
In a forked child any operand may be evaluated (whatever it does dies with the child); in the
kernel's own process only names and their `.T`.
"""

from __future__ import annotations

import ast
import linecache
import os

import numpy as np

_NUMPY = os.path.dirname(np.__file__)


def shape_note(error, traceback, args, names: dict, answer: str | None, anything: bool):
    """One sentence about the operands of the failing operation, or None."""
    if not isinstance(error, ValueError):
        return None
    frame, line = _learner_line(traceback)
    if frame is None:
        return None
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:  # one line of a longer statement
        return None
    sizes = _letters(args, names)
    for node in _operations(tree):
        shapes = [_shape(part, frame, anything) for part in node[1:]]
        if None in shapes:
            continue
        labels = [_label(part, value, args, names, sizes) for part, (value, _) in
                  zip(node[1:], shapes, strict=True)]
        left, right = (shape for _, shape in shapes)
        if node[0] == "@" and not _fits(left, right):
            return _product_note(labels, left, right, sizes, answer)
        if node[0] in _VERBS and not _broadcasts(left, right):
            return _broadcast_note(node[0], labels, (left, right), sizes, answer)
    return None


_VERBS = {"+": "added", "-": "subtracted", "*": "multiplied entry by entry",
          "/": "divided entry by entry"}


def _broadcast_note(op: str, labels, shapes, sizes, answer) -> str:
    note = (f"You {_VERBS[op]} {labels[0]} and {labels[1]}: those shapes do not broadcast "
            f"(each axis must match or be 1, counted from the right).")
    if answer is None:
        return note
    want = "(" + ", ".join(answer) + ")"
    odd = [label for label, shape in zip(labels, shapes, strict=True)
           if spelled(shape, sizes) != want]
    if len(odd) == 1:  # e.g. two gradients added, one of them transposed
        note += f" The answer has shape {want}, and {odd[0]} does not."
    return note


def _learner_line(traceback):
    """The innermost frame outside numpy (the learner's line that failed) and its text."""
    found = None, ""
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if not code.co_filename.startswith(_NUMPY):
            text = linecache.getline(code.co_filename, traceback.tb_lineno)
            found = (traceback.tb_frame, text) if text.strip() else found
        traceback = traceback.tb_next
    return found


_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _operations(tree):
    """(kind, left, right) for each product and entry-by-entry operation, innermost first."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            found.append(("@", node.left, node.right))
        elif isinstance(node, ast.BinOp) and type(node.op) in _SYMBOLS:
            found.append((_SYMBOLS[type(node.op)], node.left, node.right))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("dot", "matmul"):
            operands = node.args if len(node.args) == 2 else [node.func.value, *node.args]
            if len(operands) == 2:
                found.append(("@", *operands))
    return found[::-1]


def _shape(part, frame, anything: bool):
    """(value, shape) of one operand, evaluated in the learner's frame; None if not safe/array."""
    plain = part
    while isinstance(plain, ast.Attribute) and plain.attr == "T":
        plain = plain.value
    if not anything and not isinstance(plain, ast.Name):
        return None
    try:
        value = eval(compile(ast.Expression(part), "<operand>", "eval"),  # noqa: S307
                     frame.f_globals, frame.f_locals)
    except Exception:  # noqa: BLE001 (the learner's own expression)
        return None
    shape = getattr(value, "shape", None)
    return None if not isinstance(shape, tuple) else (value, shape)


def _letters(args, names: dict) -> dict:
    """size -> letter, for the sizes only one letter has."""
    seen: dict = {}
    for arg, letters in zip(args, names.values(), strict=False):
        for size, letter in zip(np.shape(arg), letters, strict=False):
            seen.setdefault(size, set()).add(letter)
    return {size: letters.pop() for size, letters in seen.items() if len(letters) == 1}


def spelled(shape, sizes: dict) -> str:
    """(2, 4) as "(m, p)" where the sizes have letters."""
    inner = ", ".join(str(sizes.get(size, size)) for size in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _label(part, value, args, names: dict, sizes: dict) -> str:
    name = ast.unparse(part)
    if not isinstance(part, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
        name = f"({name})"
    for arg, given in zip(args, names, strict=False):
        if value is arg:
            name = given
        elif getattr(value, "base", None) is arg and value.shape == np.shape(arg)[::-1]:
            name = given + "ᵀ"
    return f"{name} {spelled(np.shape(value), sizes)}"


def _fits(left, right) -> bool:
    try:
        np.empty(left) @ np.empty(right)
    except ValueError:
        return False
    return True


def _broadcasts(left, right) -> bool:
    try:
        np.broadcast_shapes(left, right)
    except ValueError:
        return False
    return True


def _product_note(labels, left, right, sizes, answer) -> str:
    inner = (spelled(left[-1:], sizes)[1:-2], spelled(right[-2:-1] or right, sizes)[1:-2])
    note = (f"You multiplied {labels[0]} by {labels[1]}: in a product the inner sizes must "
            f"be equal, and here they are {inner[0]} and {inner[1]}.")
    if len(left) != 2 or len(right) != 2:
        return note
    names = [label.rsplit(" (", 1)[0] for label in labels]
    flip = {name: name[:-1] if name.endswith("ᵀ") else name + "ᵀ" for name in names}
    # the arrangement that fits, told as a change (never as the product itself: that is
    # often the exercise's whole answer)
    options = [(f"With {flip[names[1]]} in place of {names[1]}", left, right[::-1]),
               (f"With {flip[names[0]]} in place of {names[0]}", left[::-1], right),
               ("In the other order", right, left),
               ("In the other order, both transposed", right[::-1], left[::-1])]
    for change, a_shape, b_shape in options:
        result = (a_shape[0], b_shape[1])
        if a_shape[1] == b_shape[0] and (answer is None or spelled(result, sizes) ==
                                         "(" + ", ".join(answer) + ")"):
            return (f"{note} {change}, the shapes would be {spelled(a_shape, sizes)}·"
                    f"{spelled(b_shape, sizes)} = {spelled(result, sizes)}"
                    + (", the answer's shape." if answer else "."))
    return note
