"""Live slides: each session deck presented by Voila (`make present`), which runs every cell when
the page opens, at 1280×720. On every slide with an explorer a control is moved and the picture
must change (its pixels differ); every slide's text and outputs are drawn at 20 px or more and no
picture is cut by the slide's edge; console errors about comms or widget modules fail the test.

Why Voila and not RISE: jupyterlab_rise bundles its own JupyterLab core (4.3.4), which cannot load
the ipywidgets 8 extension, so explorers show as text there (upstream jupyterlab-contrib/rise#119).
Voila bundles a core too (4.2.5): it runs from .venv-present, with voila and the widget extension
pinned to a pair built for that core, and a version warning in the console fails the test.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from browser_support import ROOT, SLIDE_SIZE, present_python

sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

MIN_TEXT_PX = 20  # outputs and prose under live slides, read from the back of a room
# Console messages that mean a widget did not load, lost its kernel connection, or was loaded
# by a JupyterLab core other than the one it was built for (webpack's shared-module warnings).
BROKEN = re.compile(r"comm|Could not create|No version of module|Failed to create module"
                    r"|Unsatisfied version|No satisfying version|Error rendering"
                    r"|Class \w+ not found", re.I)

PRESENT = "() => document.querySelector('.reveal .slides section.present:not(.stack)')"
# For the slide on show: the size text and outputs are drawn at (computed size times reveal's
# scale), pictures and text cut by the slide box, and explorers (an image inside a widget box).
MEASURE = """() => {
  const slide = document.querySelector('.reveal .slides section.present:not(.stack)');
  const slides = document.querySelector('.reveal .slides');
  const scale = slides.getBoundingClientRect().width / slides.offsetWidth;
  const box = slides.getBoundingClientRect();
  const visible = el => el.offsetParent !== null && el.getBoundingClientRect().height > 0;
  const texts = [...slide.querySelectorAll('p, li, td, th, pre, .widget-label, .widget-readout,'
                 + ' .widget-html-content, select')]
    .filter(el => visible(el) && el.innerText && el.innerText.trim())
    .map(el => ({px: parseFloat(getComputedStyle(el).fontSize) * scale,
                 text: el.innerText.trim().slice(0, 30)}));
  const bottom = Math.min(box.bottom, innerHeight) + 2, right = Math.min(box.right, innerWidth) + 2;
  // text below the slide's edge counts as cut unless the slide scrolls to it; a picture never
  const scrolls = slide.scrollHeight > slide.clientHeight + 2
    && ['auto', 'scroll'].includes(getComputedStyle(slide).overflowY);
  const cut = [...slide.querySelectorAll('img, p, li, pre, table, .widget-html-content')]
    .filter(el => visible(el) && (el.tagName === 'IMG' || !scrolls))
    .map(el => el.getBoundingClientRect())
    .filter(r => r.bottom > bottom || r.right > right)
    .map(r => `${Math.round(r.width)}×${Math.round(r.height)} at `
              + `(${Math.round(r.left)}, ${Math.round(r.top)})`);
  return {title: (slide.querySelector('h1, h2, h3') || {innerText: '?'}).innerText.trim(),
          texts: texts, cut: cut, scrolls: scrolls,
          explorer: !!slide.querySelector('.jupyter-widgets img, .widget-image')};
}"""


def explorer_picture(page):
    """The largest picture of the explorer on the slide on show."""
    pictures = page.locator("section.present:not(.stack) .jupyter-widgets img")
    sizes = [pictures.nth(k).bounding_box() or {"width": 0, "height": 0}
             for k in range(pictures.count())]
    best = max(range(len(sizes)), key=lambda k: sizes[k]["width"] * sizes[k]["height"])
    return pictures.nth(best)


def move_a_control(page) -> str:
    """Move the explorer's first slider to its other end (keyboard), or pick another option."""
    handle = page.locator("section.present:not(.stack) .noUi-handle").first
    if handle.count():
        handle.focus()
        before = handle.get_attribute("aria-valuenow")
        handle.press("End")
        if handle.get_attribute("aria-valuenow") == before:
            handle.press("Home")
        return f"slider {before} -> {handle.get_attribute('aria-valuenow')}"
    select = page.locator("section.present:not(.stack) select").first
    options = select.locator("option").all_inner_texts()
    choice = next(o for o in options if o != select.input_value())
    select.select_option(label=choice)
    return f"dropdown -> {choice}"


def test_voila_core_and_widget_extensions_agree_where_make_present_runs():
    """Every shared module the loaded widget extensions ask for, Voila's core provides in range
    (read from the built JavaScript of the environment `make present` uses)."""
    done = subprocess.run([present_python(), str(ROOT / "tools" / "present_versions.py")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": 0 mismatches" in done.stdout, done.stdout


@pytest.mark.parametrize("deck", build_site.SESSION_DECKS)
def test_a_session_deck_presents_live_with_moving_explorers(deck, voila_present, offline_page,
                                                              screenshots):
    width, height = SLIDE_SIZE
    browser_page = offline_page(width=width, height=height)
    page = browser_page.page
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    start = time.perf_counter()
    page.goto(f"{voila_present}/voila/render/lecture/{deck}.ipynb", timeout=240_000)
    page.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=240_000)
    source = (ROOT / "notebooks" / "lecture" / f"{deck}.ipynb").read_text()
    explorers = len(re.findall(r"\w+_explorer\(", source))
    expected_pictures = source.count('"image/png"')  # the stored outputs' pictures
    page.wait_for_function(f"() => document.querySelectorAll('.jupyter-widgets img').length >= "
                           f"{explorers}", timeout=120_000, polling=250)
    ready = time.perf_counter() - start
    count_pictures = "document.querySelectorAll('.jp-RenderedImage img').length"
    page.wait_for_function(f"() => {count_pictures} >= {expected_pictures}", timeout=60_000)
    pictures = page.evaluate(count_pictures)
    page.locator("body").click(position={"x": 5, "y": 5})  # keys go to reveal.js from here

    slides, small, cut, moved, latencies, scrolling = [], [], [], [], [], []
    seen = None
    for _ in range(80):  # every slide and fragment, in order (space = next)
        page.wait_for_timeout(150)
        m = page.evaluate(MEASURE)
        where = page.evaluate("location.hash") or "#/"
        if where != seen:
            slides.append(m["title"])
        small += [f"{m['title']}: {t['text']!r} {t['px']:.1f} px" for t in m["texts"]
                  if t["px"] < MIN_TEXT_PX - 0.05]
        cut += [f"{m['title']}: {c}" for c in m["cut"]]
        if m["scrolls"] and where != seen:
            scrolling.append(m["title"])
        if m["explorer"] and where != seen:
            picture = explorer_picture(page)
            before = picture.screenshot()
            t0 = time.perf_counter()
            how = move_a_control(page)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and explorer_picture(page).screenshot() == before:
                page.wait_for_timeout(100)
            changed = explorer_picture(page).screenshot() != before
            latencies.append(time.perf_counter() - t0)
            # the screenshot records the picture at rest: wait until two looks agree (5 s at most)
            settled, last, now = time.monotonic() + 5, None, explorer_picture(page).screenshot()
            while time.monotonic() < settled and now != last:
                page.wait_for_timeout(300)
                last, now = now, explorer_picture(page).screenshot()
            moved.append((m["title"], how, changed))
            page.screenshot(path=str(screenshots / f"live-{deck}-{len(moved)}.png"))
            page.evaluate("document.activeElement && document.activeElement.blur()")
            page.locator("body").click(position={"x": 5, "y": 5})
        if not explorers and where != seen and page.locator(
                "section.present:not(.stack) img").count():
            page.screenshot(path=str(screenshots / f"live-{deck}-picture-{len(slides)}.png"))
        seen = where
        page.keyboard.press("Space")
        page.wait_for_timeout(100)
        if page.evaluate("location.hash") == where and page.evaluate(
                "!document.querySelector('.reveal .controls .navigate-right.enabled')"):
            break

    broken = [m for m in messages if BROKEN.search(m) and not m.startswith(("debug", "log"))]
    print(f"\nlive {deck}: {len(set(slides))} slides, ready in {ready:.1f} s, explorers moved: "
          f"{[(t, how, ok) for t, how, ok in moved]}, picture changed within "
          f"{[f'{s:.2f} s' for s in latencies]}, smallest text "
          f"{min((float(x.rsplit(' ', 2)[-2]) for x in small), default=MIN_TEXT_PX):.1f} px, "
          f"{len(broken)} widget, comm or version errors, slides that scroll: "
          f"{scrolling}, blocked "
          f"{sorted(set(browser_page.left_machine))}")
    assert len(moved) == explorers, f"{deck}: {explorers} explorers, {len(moved)} found on slides"
    assert pictures == expected_pictures, \
        f"{deck}: {pictures} pictures on the slides, {expected_pictures} in the notebook"
    assert all(ok for _, _, ok in moved), f"{deck}: a picture did not change: {moved}"
    assert not broken, f"{deck}: widget, comm or version errors in the console: {broken[:5]}"
    smallest = sorted(set(small), key=lambda s: float(s.rsplit(" ", 2)[-2]))
    assert not small, f"{deck}: text under {MIN_TEXT_PX} px: {smallest[:6]}"
    assert not cut, f"{deck}: pictures or text cut by the slide: {cut[:4]}"
