"""Every slide of every built deck fits a 1280×720 projector: shown with all its fragments, no
slide scrolls and no element sticks out of the slide box or hides behind a scroll bar.
Run by `make test-browser` after `make slides`; it prints each deck's counts (slides, overflows,
slides with more than 60 words) so a change to the slide view can be measured.
"""

from __future__ import annotations

import pytest
from browser_support import ROOT, SLIDE_SIZE

SLIDES = ROOT / "build" / "slides"
WORDY = 60  # words on one slide that a projector audience can still read while listening
# An explorer's picture is drawn 1000 px wide with labels of 11 pt (15.3 px) or more: shown at
# 1,046 px or wider, every label is 16 px or more on the projector.
FIGURE_WIDTH = 1046
MATH_DONE = ("() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
             " && MathJax.Hub.queue.running === 0")

# For the slide on show: every visible element's box against the slide box (both in screen
# pixels, after reveal.js has scaled the deck), and every element that scrolls or clips its
# content. MathJax's own inner spans are skipped (their clip boxes are how it draws), but a
# formula's outer box is measured like any other element.
MEASURE = """(tolerance) => {
  const slide = Reveal.getCurrentSlide();
  const box = document.querySelector('.reveal .slides').getBoundingClientRect();
  const inside = {left: Math.max(box.left, 0), top: Math.max(box.top, 0),
                  right: Math.min(box.right, window.innerWidth),
                  bottom: Math.min(box.bottom, window.innerHeight)};
  const problems = [];
  const name = (el) => el.tagName.toLowerCase()
      + (el.className && el.className.baseVal === undefined
         ? '.' + String(el.className).trim().split(/\\s+/).slice(0, 2).join('.') : '')
      + ' "' + (el.innerText || el.getAttribute('alt') || '').trim().slice(0, 40) + '"';
  if (slide.scrollHeight > slide.clientHeight + tolerance)
    problems.push(`the slide scrolls (${slide.scrollHeight} > ${slide.clientHeight})`);
  for (const el of slide.querySelectorAll('*')) {
    if (el.closest('.MathJax, .MathJax_Display') && !el.matches('.MathJax, .MathJax_Display'))
      continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' && !el.closest('.fragment'))
      continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > inside.right + tolerance || r.left < inside.left - tolerance)
      problems.push(`${name(el)} runs ${Math.round(Math.max(r.right - inside.right,
                     inside.left - r.left))} px off the side`);
    else if (r.bottom > inside.bottom + tolerance || r.top < inside.top - tolerance)
      problems.push(`${name(el)} runs ${Math.round(Math.max(r.bottom - inside.bottom,
                     inside.top - r.top))} px off the bottom or top`);
    else if (!el.closest('.MathJax, .MathJax_Display')
             && ['auto', 'scroll', 'hidden'].includes(style.overflowX)
             && el.scrollWidth > el.clientWidth + tolerance)
      problems.push(`${name(el)} hides ${el.scrollWidth - el.clientWidth} px to the right`);
    else if (!el.closest('.MathJax, .MathJax_Display')
             && ['auto', 'scroll'].includes(style.overflowY)
             && el.scrollHeight > el.clientHeight + tolerance)
      problems.push(`${name(el)} scrolls ${el.scrollHeight - el.clientHeight} px`);
  }
  const note = slide.querySelector('.course-continued');
  const after = note && note.nextElementSibling;
  const next = after && after.querySelector('h1, h2, h3, h4');
  const title = note && note.innerText.replace(/\\s*\\(continued\\)\\s*$/, '').trim();
  if (next && title === next.innerText.trim())
    problems.push(`"${note.innerText.trim()}" right above the same heading`);
  const words = (slide.innerText || '').split(/\\s+/).filter(w => /\\w/.test(w)).length;
  const zooms = [...slide.querySelectorAll('[style*="zoom"]')].map(el => parseFloat(el.style.zoom));
  // each explorer snapshot's picture: how wide it is drawn, in the slide's own pixels
  const slides = document.querySelector('.reveal .slides');
  const scale = slides.getBoundingClientRect().width / slides.offsetWidth;
  const figures = [...slide.querySelectorAll('img.course-snapshot-figure')].map(img => {
    const r = img.getBoundingClientRect();
    return Math.round(Math.min(r.width, r.height * img.naturalWidth / img.naturalHeight) / scale);
  });
  return {problems: [...new Set(problems)].slice(0, 4), words: words, figures: figures,
          zoom: zooms.length ? Math.min(...zooms) : 1};
}"""


def decks() -> list:
    found = sorted(SLIDES.glob("*.slides.html"))
    if not found:
        pytest.fail(f"no decks in {SLIDES}: run `make slides` first")
    return found


def show_every_slide(page) -> list[dict]:
    """Visit each slide (h, v), reveal all its fragments, measure it; one dict per slide."""
    indices = page.evaluate("Reveal.getSlides().map(s => Reveal.getIndices(s))")
    measured = []
    for where in indices:
        page.evaluate(f"Reveal.slide({where['h']}, {where.get('v') or 0}, 1000)")
        page.wait_for_timeout(60)
        page.wait_for_function(MATH_DONE, timeout=60_000, polling=100)
        result = page.evaluate(MEASURE, 1)
        result["where"] = f"{where['h'] + 1}.{(where.get('v') or 0) + 1}"
        measured.append(result)
    return measured


@pytest.mark.parametrize("deck", decks(), ids=lambda path: path.name.split(".")[0])
def test_every_slide_fits_the_projector(deck, offline_page, screenshots):
    width, height = SLIDE_SIZE
    browser_page = offline_page(width=width, height=height)
    page = browser_page.page
    page.goto(deck.as_uri())
    page.wait_for_function("() => typeof Reveal !== 'undefined' && Reveal.isReady()",
                           timeout=60_000)
    page.wait_for_function(MATH_DONE, timeout=60_000, polling=250)
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    measured = show_every_slide(page)
    overflowing = [m for m in measured if m["problems"]]
    wordy = [m for m in measured if m["words"] > WORDY]
    shrunk = [m for m in measured if m["zoom"] < 1]
    print(f"\n{deck.name}: {len(measured)} slides, {len(overflowing)} overflow, "
          f"{len(wordy)} over {WORDY} words (most: {max(m['words'] for m in measured)}), "
          f"{len(shrunk)} scaled down to fit (smallest: "
          f"{min([m['zoom'] for m in measured]):.2f})")
    for m in overflowing:
        print(f"  slide {m['where']}: " + "; ".join(m["problems"]))
    figures = [(m["where"], width) for m in measured for width in m["figures"]]
    print(f"  explorer snapshots drawn {[w for _, w in figures]} px wide")
    narrow = [(where, width) for where, width in figures if width < FIGURE_WIDTH]
    assert browser_page.left_machine == [], f"{deck.name} reached the network"
    assert not narrow, (f"{deck.name}: explorer pictures drawn under {FIGURE_WIDTH} px wide "
                        f"(slide, px): {narrow}; their labels fall under 16 px")
    assert not overflowing, (
        f"{deck.name}: {len(overflowing)} of {len(measured)} slides do not fit {width}×{height}: "
        + " | ".join(f"{m['where']}: {m['problems'][0]}" for m in overflowing[:6]))
