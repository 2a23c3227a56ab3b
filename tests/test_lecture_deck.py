"""The session decks (notebooks/lecture/: the lecture deck for 01–04, the backward pass for 05,
Jacobians through time for 06): notebooks made to be presented, kept out of the numbered lessons
(no navigation, no contents entry) but built into the decks and the site, presented live by
`make present`, and run by nbval like every notebook."""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_site  # noqa: E402
from notebook_files import notebook_paths  # noqa: E402

DECK = ROOT / "notebooks" / "lecture" / "lecture-deck.ipynb"
DECKS = build_site.deck_paths()
SLIDE_WORDS = 60  # what an audience reads while listening (explorer snapshots aside)
MEDIAN_WORDS = 40
# Each deck speaks its notebooks' symbols (00a-notation): a few that must appear in each.
SYMBOLS = {"lecture-deck": (r"g_{11}", r"g_{12}", r"g_{21}", r"g_{22}", r"B^\top", r"J^F = J^f"),
           "backward-pass-deck": (r"XW^\top + b", r"G^\top X", r"\frac{S - Y}{N}", r"\odot",
                                  "defvjp", "+="),
           "through-time-deck": (r"\operatorname{diag}(1 - h_t^2)\, W", r"J_T\, J_{T-1}",
                                 r"\rho(W)", r"\bar h_{t-1} = \bar h_t\, J_t", r"h_{t-1}^\top")}
EXPLORERS = {"lecture-deck": 3, "backward-pass-deck": 1, "through-time-deck": 1}


def cells(deck=DECK):
    return nbformat.read(deck, as_version=4).cells


def kind(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "")


def words(text: str) -> int:
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " formula ", text, flags=re.S)  # a formula: one word
    return len(re.findall(r"[A-Za-z]\w*", text))


def slides(deck=DECK) -> list[list]:
    """The deck's slides, each the list of its cells (notes and skipped cells left out)."""
    grouped: list[list] = []
    for cell in cells(deck):
        if kind(cell) in ("slide", "subslide"):
            grouped.append([cell])
        elif kind(cell) in ("-", "fragment") and grouped:
            grouped[-1].append(cell)
    return grouped


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_every_cell_has_a_slide_type(deck):
    for number, cell in enumerate(cells(deck)):
        assert kind(cell) in {"slide", "subslide", "fragment", "-", "skip", "notes"}, \
            f"{deck.stem} cell {number} has no slide type"


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_a_deck_is_one_sessions_length(deck):
    count = len(slides(deck))
    assert 15 <= count <= 25, f"{deck.stem}: {count} slides; a one-session deck has 15 to 25"


def test_the_lecture_deck_is_in_the_lectures_order():
    titles = [re.match(r"#+\s*(.+)", group[0].source).group(1) for group in slides()
              if group[0].cell_type == "markdown" and group[0].source.startswith("#")]
    order = ["Jacobian", "chain rule", "matrix by a matrix", "loss", "shortcut", "costs",
             "Summary"]
    positions = [next(k for k, t in enumerate(titles) if word.lower() in t.lower())
                 for word in order]
    assert positions == sorted(positions), f"lecture order broken: {titles}"


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_every_slide_has_speaker_notes_and_few_words(deck):
    grouped, all_cells = slides(deck), cells(deck)
    starts = [k for k, c in enumerate(all_cells) if kind(c) in ("slide", "subslide")]
    counts = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(all_cells)
        assert any(kind(c) == "notes" and words(c.source) >= 15 for c in all_cells[start:end]), \
            f"{deck.stem} slide {number + 1} ({all_cells[start].source[:40]!r}) has no notes"
        counts.append(sum(words(c.source) for c in grouped[number] if c.cell_type == "markdown"))
        assert counts[-1] <= SLIDE_WORDS, f"{deck.stem} slide {number + 1}: {counts[-1]} words"
    assert statistics.median(counts) <= MEDIAN_WORDS, \
        f"{deck.stem}: a median of {statistics.median(counts)} words a slide (> {MEDIAN_WORDS})"


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_the_notebooks_symbols_and_the_explorers_are_there(deck):
    text = "\n".join(c.source for c in cells(deck))
    for symbol in SYMBOLS[deck.stem]:
        assert symbol in text, f"{deck.stem} lacks {symbol}"
    explorers = [c for c in cells(deck) if c.cell_type == "code" and "_explorer(" in c.source]
    assert len(explorers) == EXPLORERS[deck.stem]
    for cell in explorers:
        assert "hide-input" in cell.metadata.get("tags", []), "an explorer's code shows in the deck"
        assert cell.outputs, "an explorer without stored output has no snapshot in the deck"


def test_the_decks_are_built_but_are_not_numbered_lessons():
    on_disk = sorted(DECK.parent.glob("*.ipynb"))
    assert sorted(DECKS) == on_disk, "every notebook in notebooks/lecture is a session deck"
    for deck in DECKS:
        assert deck not in notebook_paths(), "a deck must not join the lessons' navigation"
    assert build_site.course_pages() == notebook_paths() + DECKS
