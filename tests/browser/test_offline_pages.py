"""The built slide decks and static site, opened from disk with every non-loopback request
blocked: formulas must render (MathJax output present, no MathJax error) and nothing may try
to leave the machine. Run by `make test-browser` after `make slides html`.
"""

from __future__ import annotations

import pytest
from browser_support import ROOT

SLIDES = ROOT / "build" / "slides"
HTML = ROOT / "build" / "html"
MATH_RENDERED = "document.querySelectorAll('.MathJax, .MathJax_Display').length"
MATH_ERRORS = "document.querySelectorAll('.MathJax_Error, .merror').length"
MATH_DONE = ("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
             " && MathJax.Hub.queue.running === 0")


def built(folder, suffix: str) -> list:
    pages = sorted(p for p in folder.glob(f"*{suffix}") if p.name != "index.html")
    if not pages:
        pytest.fail(f"nothing built in {folder}: run `make slides html` first")
    return pages


def has_math(page_path) -> bool:
    text = page_path.read_text(encoding="utf-8")
    return "$" in text.replace("$(", "")


def open_offline(offline_page, url: str, math: bool = True):
    browser_page = offline_page(width=1280, height=800)
    page = browser_page.page
    page.goto(url)
    page.wait_for_load_state("load")
    if math:
        page.wait_for_function(MATH_DONE, timeout=60_000, polling=250)
    return browser_page, page


def assert_stayed_local(browser_page, what: str) -> None:
    assert browser_page.left_machine == [], \
        f"{what} tried to load from the network: {browser_page.left_machine}"
    outside = [url for url in browser_page.requests if not url.startswith(("file:", "data:"))]
    assert outside == [], f"{what} requested more than its own files: {outside}"


def test_a_slide_deck_renders_offline(offline_page, screenshots):
    decks = built(SLIDES, ".slides.html")
    deck = next((d for d in decks if has_math(d) and not d.name.startswith("00")), decks[0])
    browser_page, page = open_offline(offline_page, deck.as_uri())
    # reveal.js starts once the formulas are typeset and long slides are split (course_fit.js)
    page.wait_for_function("() => typeof Reveal !== 'undefined' && Reveal.isReady()",
                           timeout=60_000)
    slides = page.evaluate("Reveal.getTotalSlides()")
    assert slides >= 2, f"{deck.name}: only {slides} slide(s)"
    assert page.evaluate(MATH_RENDERED) > 0, f"{deck.name}: no formula was typeset"
    assert page.evaluate(MATH_ERRORS) == 0, f"{deck.name}: MathJax reported an error"
    page.screenshot(path=str(screenshots / f"slides-{deck.stem}-1.png"))
    for step in range(2, 4):  # walk on with the keyboard, as a presenter does
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(800)
        page.screenshot(path=str(screenshots / f"slides-{deck.stem}-{step}.png"))
    assert_stayed_local(browser_page, deck.name)
    print(f"deck {deck.name}: {slides} slides, {page.evaluate(MATH_RENDERED)} formulas, "
          f"{len(browser_page.requests)} requests, all local")


def test_every_static_page_renders_offline(offline_page, screenshots):
    pages = built(HTML, ".html")
    browser_page, page = open_offline(offline_page, (HTML / "index.html").as_uri(),
                                     math=False)
    links = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(p.name for p in pages), "the index does not list every page"
    page.screenshot(path=str(screenshots / "html-index.png"))
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_function(MATH_DONE, timeout=60_000, polling=250)
        if has_math(path):
            assert page.evaluate(MATH_RENDERED) > 0, f"{path.name}: no formula was typeset"
        assert page.evaluate(MATH_ERRORS) == 0, f"{path.name}: MathJax reported an error"
        broken = page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth)"
                               ".length")
        assert broken == 0, f"{path.name}: {broken} image(s) did not load"
        page.screenshot(path=str(screenshots / f"html-{path.stem}.png"), full_page=True)
        print(f"page {path.name}: {page.evaluate(MATH_RENDERED)} formulas, "
              f"{page.evaluate('document.images.length')} images")
    assert_stayed_local(browser_page, "the static site")


@pytest.mark.parametrize("server", ["voila", "voila_present"])
def test_voilas_file_list_stays_on_the_machine(server, request, offline_page, screenshots):
    """The page the README's voila command and `make present` open first: the list of notebooks.
    Voila's own page asks a CDN for Font Awesome; the course's templates leave it out."""
    base = request.getfixturevalue(server)
    browser_page = offline_page(width=1280, height=800)
    page = browser_page.page
    page.goto(base + "/")
    page.wait_for_load_state("load")
    page.wait_for_selector("text=.ipynb", timeout=60_000)
    page.screenshot(path=str(screenshots / f"{server}-file-list.png"))
    assert browser_page.left_machine == [], \
        f"{server}'s file list tried to load from the network: {browser_page.left_machine}"
