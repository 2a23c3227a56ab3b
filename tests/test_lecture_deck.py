"""The lecture deck (notebooks/lecture/lecture-deck.ipynb): a notebook made to be presented,
kept out of the numbered lessons (no navigation, no contents entry) but built into the decks
and the site, and run by nbval like every notebook."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import build_site  # noqa: E402
from notebook_files import notebook_paths  # noqa: E402

DECK = ROOT / "notebooks" / "lecture" / "lecture-deck.ipynb"
SLIDE_WORDS = 60  # what an audience reads while listening (explorer snapshots aside)


def cells():
    return nbformat.read(DECK, as_version=4).cells


def kind(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "")


def words(text: str) -> int:
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " formula ", text, flags=re.S)  # a formula: one word
    return len(re.findall(r"[A-Za-z]\w*", text))


def slides() -> list[list]:
    """The deck's slides, each the list of its cells (notes and skipped cells left out)."""
    grouped: list[list] = []
    for cell in cells():
        if kind(cell) in ("slide", "subslide"):
            grouped.append([cell])
        elif kind(cell) in ("-", "fragment") and grouped:
            grouped[-1].append(cell)
    return grouped


def test_every_cell_has_a_slide_type():
    for number, cell in enumerate(cells()):
        assert kind(cell) in {"slide", "subslide", "fragment", "-", "skip", "notes"}, \
            f"lecture-deck cell {number} has no slide type"


def test_the_deck_is_a_lecture_length_and_in_the_lectures_order():
    count = len(slides())
    assert 15 <= count <= 25, f"{count} slides; a one-session lecture deck has 15 to 25"
    titles = [re.match(r"#+\s*(.+)", group[0].source).group(1) for group in slides()
              if group[0].cell_type == "markdown" and group[0].source.startswith("#")]
    order = ["Jacobian", "chain rule", "matrix by a matrix", "loss", "shortcut", "costs",
             "Summary"]
    positions = [next(k for k, t in enumerate(titles) if word.lower() in t.lower())
                 for word in order]
    assert positions == sorted(positions), f"lecture order broken: {titles}"


def test_every_slide_has_speaker_notes_and_few_words():
    grouped, all_cells = slides(), cells()
    starts = [k for k, c in enumerate(all_cells) if kind(c) in ("slide", "subslide")]
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(all_cells)
        assert any(kind(c) == "notes" and words(c.source) >= 15 for c in all_cells[start:end]), \
            f"slide {number + 1} ({all_cells[start].source[:40]!r}) has no speaker notes"
        shown = sum(words(c.source) for c in grouped[number] if c.cell_type == "markdown")
        assert shown <= SLIDE_WORDS, f"slide {number + 1}: {shown} words of prose"


def test_the_two_by_two_example_and_the_explorers_are_there():
    text = "\n".join(c.source for c in cells())
    for symbol in (r"\alpha", r"\beta", r"\gamma", r"\eta", r"B^\top"):
        assert symbol in text, f"the lecture's 2×2 example lacks {symbol}"
    explorers = [c for c in cells() if c.cell_type == "code" and "_explorer(" in c.source]
    assert len(explorers) >= 3
    for cell in explorers:
        assert "hide-input" in cell.metadata.get("tags", []), "an explorer's code shows in the deck"
        assert cell.outputs, "an explorer without stored output has no snapshot in the deck"


def test_the_deck_is_built_but_is_not_a_numbered_lesson():
    assert DECK not in notebook_paths(), "the deck must not join the lessons' navigation"
    assert DECK in build_site.course_pages(), "`make slides` must build the lecture deck"
    assert build_site.course_pages()[:-1] == notebook_paths()


def test_the_deck_presents_live_like_the_lessons():
    import slide_metadata

    metadata = nbformat.read(DECK, as_version=4).metadata
    assert metadata.get("rise") == slide_metadata.RISE, "RISE theme and size differ from lessons'"
