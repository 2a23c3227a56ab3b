"""Live slides: JupyterLab's RISE (jupyterlab_rise, in the environment) opens a notebook as a
reveal.js deck that follows the notebook's slide metadata, with its formulas typeset."""

from __future__ import annotations

from browser_support import notebook_paths


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
