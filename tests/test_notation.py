"""One symbol, one meaning (DESIGN.md): the notation page 00a lists every letter once.

The symbol tables of notebooks/00a-notation.ipynb (every markdown table whose first column is
headed "symbol") are read row by row. Each row's symbols are the first atoms of its math items
($...$, split at top-level commas): a letter, a Greek letter or an operator such as \\bar or
\\nabla, with sub- and superscripts dropped, so h and h_t, or J and J_t, count as one symbol. A
symbol named in two rows is a symbol with two meanings, unless it stands in KNOWN below with
the reason it stays; an entry there that no longer applies fails too, so the list cannot rot.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

NOTATION = Path(__file__).resolve().parents[1] / "notebooks" / "00a-notation.ipynb"

# symbol -> why it is still listed twice (each must really be listed twice, see the last test)
KNOWN = {
    "h": "the finite-difference step h (01) and the hidden state h_t (06): both are the "
         "standard names in their fields, and the page says a plain h is the step",
    "\\sigma": "singular values sigma_i (06) and 05a's batch variance sigma^2 (05a belongs to "
               "another lesson's owner: reported, not changed here)",
}

_DECORATIONS = ("bar", "hat", "dot", "tilde", "overrightarrow", "overleftarrow", "mathcal",
                "operatorname", "mathbb")
_ATOM = re.compile(r"\\([A-Za-z]+)|([A-Za-z])|(\[)")


def _split_top_level(math: str) -> list[str]:
    """Split at commas outside (), [], {} and \\langle ... \\rangle."""
    items, depth, start = [], 0, 0
    math = math.replace("\\,", " ")  # a thin space, not a list
    text = math.replace("\\langle", "(      ").replace("\\rangle", ")      ")  # same length
    for position, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(math[start:position])
            start = position + 1
    items.append(math[start:])
    return [item.strip() for item in items if item.strip()]


def first_atom(item: str) -> str | set[str] | None:
    """The symbol an item names: left of an '=', its first letter, Greek letter or operator."""
    item = item.split("=")[0].strip()
    entry = re.fullmatch(r"[a-z]_\{([a-z])([a-z])\}", item)
    if entry:  # a_{kl} is entry (k, l) of A: the convention, not a new letter; k, l are indices
        return {"entry", *entry.groups()}
    match = _ATOM.search(item)
    if match is None:
        return None
    if match.group(3):
        return "["
    if match.group(2):
        return match.group(2)
    command = match.group(1)
    if command in _DECORATIONS:
        if command in ("mathcal", "operatorname", "mathbb"):
            argument = re.match(r"\\" + command + r"\s*\{([^}]*)\}", item[match.start():])
            return f"\\{command}{{{argument.group(1) if argument else ''}}}"
        return f"\\{command}"
    return f"\\{command}"


def symbol_rows(cells: list[str]) -> list[tuple[str, set[str]]]:
    """(the row's first column, its symbols) for every row of every table headed 'symbol'."""
    rows = []
    for source in cells:
        in_symbols = False
        for line in source.splitlines():
            if not line.startswith("|"):
                in_symbols = False
                continue
            first = line.strip("|").split("|")[0].strip()
            if first == "symbol":
                in_symbols = True
                continue
            if not in_symbols or set(first) <= set("-: "):
                continue
            maths = re.findall(r"\$([^$]+)\$", first)
            symbols = set()
            for item in (item for math in maths for item in _split_top_level(math)):
                atom = first_atom(item)
                symbols |= atom if isinstance(atom, set) else {atom} - {None}
            rows.append((first, symbols))
    return rows


def _notation_rows():
    notebook = json.loads(NOTATION.read_text(encoding="utf-8"))
    cells = ["".join(cell["source"]) for cell in notebook["cells"]
             if cell["cell_type"] == "markdown"]
    return symbol_rows(cells)


def _listed_twice(rows) -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for first, symbols in rows:
        for symbol in symbols:
            where.setdefault(symbol, []).append(first)
    return {symbol: firsts for symbol, firsts in where.items() if len(firsts) > 1}


def test_the_reader_finds_symbols_in_the_tables():
    rows = _notation_rows()
    symbols = set().union(*(s for _, s in rows))
    assert len(rows) > 40, f"only {len(rows)} symbol rows read from 00a: the parser lost them"
    assert {"J", "W", "t", "k", "\\bar", "\\nabla", "\\rho", "["} <= symbols, sorted(symbols)


def test_the_reader_tells_two_meanings_apart():
    rows = symbol_rows(["| symbol | meaning |\n|---|---|\n| $h$ (no index) | a step |\n"
                        "| $h_t$, $x_t$ | a state |\n| $\\bar A$ | grad |\n"
                        "| $\\bar h_t$ | grad |\n"
                        "| $K \\otimes Q$ | kron |\n| $\\langle K, Q \\rangle$ | inner |\n"
                        "| $K$, $Q$ | any |\n"
                        "| $a_{kl}$, $c_{ij}$ | entries |\n| $k$ | a step |\n"
                        "| $O(\\cdot)$ | order |\n| $\\mathcal{O}(\\cdot)$ | order |\n"])
    assert _listed_twice(rows).keys() == {"h", "\\bar", "K", "k"}


def test_every_symbol_on_the_notation_page_has_one_meaning():
    twice = {symbol: firsts for symbol, firsts in _listed_twice(_notation_rows()).items()
             if symbol not in KNOWN}
    assert not twice, "symbols listed in more than one row of 00a's tables (two meanings): " + \
        "; ".join(f"{symbol} in {firsts}" for symbol, firsts in sorted(twice.items()))


def test_every_known_exception_still_applies():
    twice = _listed_twice(_notation_rows())
    stale = sorted(set(KNOWN) - set(twice))
    assert not stale, f"KNOWN lists {stale}, no longer listed twice in 00a: drop them from KNOWN"


def test_the_page_states_the_entry_convention():
    assert "entry" in set().union(*(s for _, s in _notation_rows())), \
        "00a should list the entries a_kl, b_lj, c_ij (the convention the reader relies on)"


ROOT = NOTATION.parents[1]
NOTEBOOKS = ROOT / "notebooks"
# where chains of steps are shown: their step is t (x_t, J_t, h_t, W^(T-t)), never k, which
# indexes entries (dC/dA[i, j, k, l] = ∂c_ij/∂a_kl)
CHAIN_TEXTS = ["notebooks/00a-notation.ipynb", "notebooks/02-chain-rule.ipynb",
               "notebooks/06-jacobians-through-time.ipynb",
               "notebooks/lecture/through-time-deck.ipynb", "utils/chain.py",
               "utils/checks/chain_rule.py", "utils/checks/through_time.py",
               "utils/widgets/chain_rule.py", "utils/widgets/through_time.py",
               "utils/plotting/chain_rule.py"]
STEP_K = re.compile(r"\b[JhxWn]_\{?k\b|\b[JhxWn]_\{k[+-]1\}|T\s*[-−]\s*k\b|dh_k|steps? k\b|J_L\b")


def _texts(path: Path) -> str:
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join("".join(cell["source"]) for cell in notebook["cells"])
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAIN_TEXTS)
def test_a_chain_counts_its_steps_with_t_not_k(name):
    hits = sorted(set(STEP_K.findall(_texts(ROOT / name))))
    assert not hits, f"{name} counts a chain's steps with k (k indexes entries): {hits}"


def test_the_step_pattern_finds_the_old_spellings():
    old = "J_k = dx_k/dx_{k-1}; W^{T-k}; T − k steps; J_L ... J_1; number of steps k"
    assert len(STEP_K.findall(old)) >= 5
    assert not STEP_K.findall("dC/dA[i, j, k, l] = ∂c_ij/∂a_kl; sum_k e^{z_k}; a_{kl}")


# --- a name in code keeps one meaning across notebooks (07 once imported utils.hessian as hs,
# 06's list of states) -----------------------------------------------------------------------

def code_names(source: str) -> tuple[set[str], set[str]]:
    """(import aliases, names assigned or taken as parameters) of one code cell's source."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    aliases, variables = set(), set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.alias):
            aliases.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            variables.add(node.id)
        elif isinstance(node, ast.arg):
            variables.add(node.arg)
    return aliases, variables


def clashes(notebooks: dict[str, list[str]]) -> dict[str, tuple]:
    """name -> (notebooks importing it as a module alias, notebooks using it as a variable)."""
    aliases, variables = {}, {}
    for name, cells in notebooks.items():
        for source in cells:
            cell_aliases, cell_variables = code_names(source)
            for alias in cell_aliases:
                aliases.setdefault(alias, set()).add(name)
            for variable in cell_variables:
                variables.setdefault(variable, set()).add(name)
    return {name: (sorted(aliases[name]), sorted(variables[name]))
            for name in set(aliases) & set(variables)}


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def test_no_import_alias_is_a_variable_in_another_notebook():
    notebooks = {path.stem: _code_cells(path) for path in sorted(NOTEBOOKS.rglob("*.ipynb"))}
    found = clashes(notebooks)
    assert not found, f"an import alias is also a variable (alias in, variable in): {found}"


def test_the_alias_test_finds_the_old_clash():
    old = {"06": ["def my_jacobian_through_time(W, hs, t):\n    ..."],
           "07": ["%matplotlib inline\nfrom utils import hessian as hs"]}
    assert clashes(old) == {"hs": (["07"], ["06"])}


# --- the dense layer is H = X Wᵀ + b everywhere (Y is a batch's targets) ------------------------

DENSE = re.compile(r"\b([A-Z])\s*=\s*X\s*(?:W\^\\top|W\^T|Wᵀ)\s*\+\s*b")


def test_a_dense_layers_output_is_H():
    for path in sorted(NOTEBOOKS.rglob("*.ipynb")):
        letters = set(DENSE.findall(_texts(path)))
        assert letters <= {"H"}, f"{path.name} writes a dense layer's output as {letters}, not H"
    assert DENSE.findall(r"$Y = X W^\top + b$ and Y = X Wᵀ + b") == ["Y", "Y"]
