"""Give every cell of every notebook its reveal.js slide type, from the notebook's own structure.

The deck follows the notebook's story without hand-kept metadata:

    `# ` title, `## ` section        -> "slide"      (a new column of the deck)
    `### ` and deeper headings       -> "subslide"   (down within the section)
    prose that would overflow a slide -> "subslide"  (a long section continues below)
    other prose                       -> "-"          (joins the slide above)
    code cells                        -> "fragment"   (code and its output appear on a click)
    setup cell (imports only), Colab cell, navigation cells, empty cells -> "skip"

A cell tagged `slide-manual` keeps whatever slide type it has. Navigation cells keep the "skip"
tools/navigation.py gives them, so the two scripts can run in either order.

    python tools/slide_metadata.py            # write the metadata (idempotent)
    python tools/slide_metadata.py --check    # exit 1 if any notebook is out of date (tested)
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from notebook_files import NOTEBOOKS, command_line, notebook_paths, rewrite  # noqa: E402, F401

SKIP_TAGS = {"navigation", "colab-setup"}
MANUAL_TAG = "slide-manual"
SLIDE_LINES = 22  # about what fits at reveal's 960x700 with the deck's 20px fonts


def heading_level(cell) -> int:
    """1 for `# Title`, 2 for `## Section`, ...; 0 if the markdown cell opens with no heading."""
    match = re.match(r"\s*(#{1,6})\s", cell.source)
    return len(match.group(1)) if cell.cell_type == "markdown" and match else 0


def is_setup(cell) -> bool:
    """A code cell of imports and configuration (seed, print options): noise on a projector."""
    lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        statements = ast.parse("\n".join(lines)).body
    except SyntaxError:
        return False
    imports = [s for s in statements if isinstance(s, (ast.Import, ast.ImportFrom))]
    configuration = [s for s in statements if isinstance(s, (ast.Assign, ast.Expr))
                     and isinstance(s.value, ast.Call)]
    return bool(imports) and len(imports) + len(configuration) == len(statements)


def height(cell) -> int:
    """A rough count of the screen lines a cell takes on a slide, with its outputs."""
    text_lines = sum(1 + len(line) // 90 for line in cell.source.splitlines())
    if cell.cell_type != "code":
        return text_lines
    lines = text_lines + 1
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:
            lines += 16
        elif "image/png" in data or "image/svg+xml" in data:
            lines += 12
        else:
            text = output.get("text") or data.get("text/plain") or ""
            lines += min(len("".join(text).splitlines()), 12)
    return lines


def slide_types(cells) -> list[str | None]:
    """The slide type for each cell (None: leave the cell's own, it is tagged slide-manual)."""
    types: list[str | None] = []
    used = 0  # lines on the current (sub)slide so far
    seen_code = False
    for cell in cells:
        tags = set(cell.metadata.get("tags", []))
        if MANUAL_TAG in tags:
            types.append(None)
            continue
        if tags & SKIP_TAGS or not cell.source.strip():
            types.append("skip")
            continue
        if cell.cell_type == "code" and not seen_code:
            seen_code = True
            if is_setup(cell):
                types.append("skip")
                continue
        level = heading_level(cell)
        if level in (1, 2):
            kind = "slide"
        elif level >= 3 or (cell.cell_type == "markdown" and used + height(cell) > SLIDE_LINES
                            and used > 0):
            kind = "subslide"
        elif cell.cell_type == "code":
            kind = "fragment"
        else:
            kind = "-"
        used = height(cell) if kind in ("slide", "subslide") else used + height(cell)
        types.append(kind)
    return types


def update(paths: list[Path], check: bool, refused: list[str] | None = None) -> list[str]:
    def edit(_path, notebook):
        for cell, kind in zip(notebook.cells, slide_types(notebook.cells), strict=True):
            if kind is not None:
                cell.metadata["slideshow"] = {"slide_type": kind}
        # RISE's settings are gone with RISE (it never showed an explorer): Voila presents live
        notebook.metadata.pop("rise", None)

    return rewrite(paths, edit, check, refused=refused)


if __name__ == "__main__":
    command_line(update, "slide metadata")
