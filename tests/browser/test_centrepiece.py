"""The centrepiece in JupyterLab, driven with the keyboard: its size control moved step by
step to its largest value (A, B, C of 64 x 64), each key press timed until the new picture is
shown; the readout must then show the 128 MiB tensor and, once measured (after the picture:
"measuring…" meanwhile), both routes' times.

Prints the key-press-to-picture times (median and worst): the browser half of the latency
that benchmarks/bench_widgets.py measures in the kernel. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import re
import statistics
import time

import nbformat
from test_notebooks_in_browser import KERNEL_IDLE, TOP_WIDGETS, run_all_cells

NOTEBOOK = "centrepiece-keys.ipynb"
SOURCE = "from utils.widgets import tensor_vs_vjp_explorer\n\ntensor_vs_vjp_explorer()"


def picture(output) -> str:
    return output.locator("img").first.get_attribute("src") or ""


def settled(page, output) -> None:
    """Wait until the timings of the last move are filled in (their picture follows the
    readout by a refresh), so that the next picture is the next move's own."""
    page.wait_for_function("el => !el.innerText.includes('measuring')",
                           arg=output.locator(".widget-html-content").last.element_handle(),
                           timeout=60_000)
    page.wait_for_timeout(300)


def press_and_wait(page, output, handle, key: str, timeout_s: float = 60.0) -> float:
    """Seconds from the key press to a new picture in the page."""
    settled(page, output)
    before = picture(output)
    handle.focus()
    start = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function(
        "([img, before]) => img.getAttribute('src') !== before",
        arg=[output.locator("img").first.element_handle(), before],
        timeout=timeout_s * 1000, polling="raf")
    return time.perf_counter() - start


def test_size_control_to_its_largest_value_by_keyboard(jupyter_lab, course_copy, offline_page,
                                                       screenshots):
    path = course_copy / "notebooks" / NOTEBOOK
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    browser_page = offline_page(height=1100)
    page = browser_page.page
    page.goto(f"{jupyter_lab}/lab/workspaces/centrepiece/tree/{NOTEBOOK}?reset")
    page.wait_for_function(KERNEL_IDLE, arg=NOTEBOOK, timeout=120_000)
    status = run_all_cells(page, path)
    assert not status["errors"], status["errors"]
    output = page.locator(TOP_WIDGETS).filter(has=page.locator(".noUi-handle")).first
    output.wait_for(timeout=60_000)
    output.scroll_into_view_if_needed()
    size = output.locator(".widget-slider").filter(has_text="all sizes").locator(".noUi-handle")
    assert size.count() == 1
    top = size.get_attribute("aria-valuemax")
    times = []
    while size.get_attribute("aria-valuenow") != top:
        times.append(press_and_wait(page, output, size, "ArrowRight"))
    settled(page, output)  # the picture came at once; the timings fill in when measured
    readout = " ".join(output.locator(".widget-html-content").all_inner_texts())
    output.screenshot(path=str(screenshots / "lab-centrepiece-largest-size.png"))
    assert "A 64 × 64, B 64 × 64" in readout, readout[:400]
    assert "128.0 MiB" in readout and "32.0 KiB" in readout, readout[:400]
    measured = re.search(r"time \(measured once at this size\)\s*([0-9.]+ (?:ms|µs))\s*"
                         r"([0-9.]+ (?:ms|µs))", readout)
    assert measured, readout[:600]
    for _ in range(len(times)):  # and back down: more samples, each a size seen before
        times.append(press_and_wait(page, output, size, "ArrowLeft"))
    milliseconds = [t * 1e3 for t in times]
    print(f"\ncentrepiece in JupyterLab, size control by keyboard: {len(times)} key presses, "
          f"key press to new picture: median {statistics.median(milliseconds):.0f} ms, worst "
          f"{max(milliseconds):.0f} ms (first to n = 64 included: "
          f"{milliseconds[len(times) // 2 - 1]:.0f} ms); at n = 64 the readout measured "
          f"tensor route {measured.group(1)}, VJP {measured.group(2)}")
