"""Live slides: JupyterLab's RISE (jupyterlab_rise, in the environment) opens a notebook as a
reveal.js deck that follows the notebook's slide metadata, with its formulas typeset."""

from __future__ import annotations

from browser_support import SLIDE_SIZE, notebook_paths


def test_rise_presents_a_notebook(jupyter_lab, offline_page, screenshots):
    path = next(p for p in notebook_paths() if "$" in p.read_text() and not p.name.startswith("00"))
    browser_page = offline_page(height=800)
    page = browser_page.page
    page.goto(f"{jupyter_lab}/rise/{path.name}")
    page.wait_for_function("() => document.querySelectorAll('.reveal .slides section').length > 1"
                           " && document.querySelectorAll('mjx-container').length > 0",
                           timeout=120_000, polling=500)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshots / f"rise-{path.stem}-1.png"))
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshots / f"rise-{path.stem}-2.png"))
    sections = page.evaluate("document.querySelectorAll('.reveal .slides section').length")
    formulas = page.evaluate("document.querySelectorAll('mjx-container').length")
    print(f"RISE {path.name}: {sections} slides, {formulas} formulas; blocked: "
          f"{sorted(set(browser_page.left_machine))}")


# The size text is drawn at on screen: its computed font size times reveal.js's scale.
DRAWN_SIZES = """(selector) => {
  const slides = document.querySelector('.reveal .slides');
  const scale = slides.getBoundingClientRect().width / slides.offsetWidth;
  return [...document.querySelectorAll('.reveal .slides section.present ' + selector)]
    .filter(el => el.offsetParent !== null && el.innerText.trim())
    .map(el => parseFloat(getComputedStyle(el).fontSize) * scale);
}"""
MIN_BODY_PX = 24  # readable from the back of a room at 1280×720
MIN_CODE_PX = 18


def test_rise_text_is_readable_on_a_projector(jupyter_lab, offline_page, screenshots):
    width, height = SLIDE_SIZE
    browser_page = offline_page(width=width, height=height)
    page = browser_page.page
    page.goto(f"{jupyter_lab}/rise/lecture/lecture-deck.ipynb")
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0",
                           timeout=120_000, polling=500)
    page.wait_for_timeout(1500)
    body, code = [], []
    for step in range(1, 6):  # the title, then slides with prose, formulas and code
        body += page.evaluate(DRAWN_SIZES, ".jp-RenderedMarkdown p, .jp-RenderedMarkdown li")
        code += page.evaluate(DRAWN_SIZES, ".jp-InputArea .cm-content")
        page.screenshot(path=str(screenshots / f"rise-lecture-deck-{step}.png"))
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(1000)
    assert body, "no body text found on the first slides"
    print(f"RISE lecture deck: body text {min(body):.1f}-{max(body):.1f} px, code "
          f"{min(code, default=0):.1f} px, theme stylesheet from "
          f"{page.evaluate('document.body.className')}")
    assert min(body) >= MIN_BODY_PX, f"RISE body text at {min(body):.1f} px (< {MIN_BODY_PX})"
    if code:
        assert min(code) >= MIN_CODE_PX, f"RISE code at {min(code):.1f} px (< {MIN_CODE_PX})"
