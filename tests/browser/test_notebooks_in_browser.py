"""Every notebook with widgets, run in a real browser: JupyterLab and Voila.

For each notebook that calls an explorer (`..._explorer(` in its source): open it, run every
cell, and check that no cell holds an error, that no widget failed to display and that each
explorer's slider, moved with the keyboard, changes the numbers (or the picture) it shows.
The centrepiece `tensor_vs_vjp_explorer` must change its numbers. Screenshots go to
build/screenshots/.
"""

from __future__ import annotations

import re
import time

import nbformat
import pytest
from browser_support import notebook_paths

WIDGET_NOTEBOOKS = [path for path in notebook_paths() if "_explorer(" in path.read_text()]
CENTREPIECE = "tensor_vs_vjp_explorer"
RUN_TIMEOUT_MS = 240_000
RUN_TIMEOUT_S = RUN_TIMEOUT_MS / 1000

# JavaScript run in JupyterLab (exposed as window.jupyterapp by --LabApp.expose_app_in_browser);
# each function takes the notebook's path and finds its panel, whatever else is open.
PANEL = """(path) => Array.from(window.jupyterapp.shell.widgets("main"))
    .find(widget => widget.context && widget.context.path === path && widget.content)"""
KERNEL_IDLE = f"""(path) => {{
    const panel = window.jupyterapp && ({PANEL})(path);
    const kernel = panel && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return Boolean(kernel) && kernel.status === "idle" && panel.content.widgets.length > 0;
}}"""
RUN_ALL = f"""(path) => {{
    const panel = ({PANEL})(path);
    window.jupyterapp.shell.activateById(panel.id);
    return window.jupyterapp.commands.execute("notebook:run-all-cells");
}}"""
RUN_STATUS = f"""(path) => {{
    const panel = ({PANEL})(path);
    const status = {{idle: panel.sessionContext.session.kernel.status === "idle",
                    pending: [], errors: []}};
    panel.content.widgets.forEach((cell, index) => {{
        if (cell.model.type !== "code" || !cell.model.sharedModel.getSource().trim()) return;
        if (cell.model.executionCount === null) status.pending.push(index);
        for (const output of cell.model.outputs.toJSON()) {{
            if (output.output_type === "error") {{
                status.errors.push(`cell ${{index}}: ${{output.ename}}: ${{output.evalue}}`);
            }}
        }}
    }});
    return status;
}}"""


def run_all_cells(page, path) -> dict:
    """Run every cell in JupyterLab; wait until all ran or one failed (Lab stops there)."""
    page.evaluate(RUN_ALL, path.name)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    status, idle_polls = {}, 0
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        status = page.evaluate(RUN_STATUS, path.name)
        idle_polls = idle_polls + 1 if status["idle"] else 0
        if idle_polls >= 2 and (not status["pending"] or status["errors"]):
            return status
    pytest.fail(f"{path.name}: cells still not run after {RUN_TIMEOUT_S} s: {status}")


def explorer_calls(path) -> list[str]:
    """Names of the explorers the notebook's code cells call, in order."""
    notebook = nbformat.read(path, as_version=4)
    return [name for cell in notebook.cells if cell.cell_type == "code"
            for name in re.findall(r"(?<!def )\b(\w+_explorer)\(", cell.source)]


def stored_widget_outputs(path) -> int:
    """How many widget views the executed notebook displayed (its stored outputs say)."""
    notebook = nbformat.read(path, as_version=4)
    return sum("application/vnd.jupyter.widget-view+json" in output.get("data", {})
               for cell in notebook.cells for output in cell.get("outputs", []))


TOP_WIDGETS = ".jp-OutputArea-output > .jupyter-widgets"


def readout_state(output) -> tuple[str, str]:
    """The numbers (readout HTML text) and the picture (image src) an explorer shows."""
    readouts = output.locator(".widget-html-content")
    images = output.locator("img")
    text = " | ".join(readouts.all_inner_texts())
    image = images.first.get_attribute("src") if images.count() else ""
    return text, image or ""


def move_slider(page, output) -> tuple[str, tuple, tuple] | None:
    """Press an arrow key on the explorer's first slider; None if it has no slider."""
    handles = output.locator(".noUi-handle")
    if handles.count() == 0:
        return None
    handle = handles.first
    before = readout_state(output)
    now, top = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuemax")
    key = "ArrowLeft" if now is not None and now == top else "ArrowRight"
    handle.focus()
    page.keyboard.press(key)
    for _ in range(40):  # the kernel redraws the figure and the readout
        page.wait_for_timeout(250)
        after = readout_state(output)
        if after != before:
            break
    return key, before, after


def check_explorers(page, path, screenshots, prefix: str) -> list[str]:
    """Move each explorer's slider; assert something it shows changes. Returns a log."""
    outputs = page.locator(TOP_WIDGETS).filter(
        has=page.locator(".noUi-handle"))
    names = explorer_calls(path)
    log = []
    for index in range(outputs.count()):
        output = outputs.nth(index)
        output.scroll_into_view_if_needed()
        moved = move_slider(page, output)
        if moved is None:
            continue
        key, before, after = moved
        name = names[index] if index < len(names) else f"explorer {index}"
        output.screenshot(path=str(screenshots / f"{prefix}-{path.stem}-{index}-{name}.png"))
        assert after != before, f"{path.name}: {name}: {key} on its slider changed nothing shown"
        if name == CENTREPIECE:
            assert after[0] != before[0], f"{path.name}: {CENTREPIECE}'s numbers did not change"
        log.append(f"{prefix} {path.name} {name}: {key}: {before[0][:80]!r} -> {after[0][:80]!r}")
    assert log, f"{path.name}: no explorer with a slider was displayed"
    return log


def assert_no_widget_errors(page, path) -> None:
    body = page.locator("body").inner_text()
    assert "Error displaying widget" not in body, f"{path.name}: a widget failed to display"


@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(path, jupyter_lab, offline_page, screenshots):
    browser_page = offline_page(height=1000)
    page = browser_page.page
    # a workspace of its own, reset: only this notebook is open
    page.goto(f"{jupyter_lab}/lab/workspaces/{path.stem}/tree/{path.name}?reset")
    page.wait_for_function(KERNEL_IDLE, arg=path.name, timeout=120_000)
    status = run_all_cells(page, path)
    page.screenshot(path=str(screenshots / f"lab-{path.stem}.png"))
    assert not status["errors"], f"{path.name} in JupyterLab: {status['errors']}"
    expected = max(stored_widget_outputs(path), 1)
    page.wait_for_function(f"() => document.querySelectorAll('{TOP_WIDGETS}').length >= {expected}",
                           timeout=60_000, polling=500)
    assert_no_widget_errors(page, path)
    for line in check_explorers(page, path, screenshots, "lab"):
        print(line)
    page.screenshot(path=str(screenshots / f"lab-{path.stem}.png"))
    print(f"lab {path.name}: requests blocked (would have left the machine): "
          f"{sorted(set(browser_page.left_machine))}")


@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_in_voila(path, voila, offline_page, screenshots):
    browser_page = offline_page(height=1000)
    page = browser_page.page
    page.goto(f"{voila}/voila/render/{path.name}", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function("() => !document.getElementById('loading')",  # Voila ran all cells
                           timeout=RUN_TIMEOUT_MS, polling=500)
    errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']").filter(
        has_text=re.compile(r"Error|Exception|error when executing"))
    assert errors.count() == 0, f"{path.name} in Voila: {errors.all_inner_texts()[:3]}"
    expected = max(stored_widget_outputs(path), 1)
    page.wait_for_function(f"() => document.querySelectorAll('{TOP_WIDGETS}').length >= {expected}",
                           timeout=60_000, polling=500)
    page.wait_for_timeout(1000)
    assert_no_widget_errors(page, path)
    for line in check_explorers(page, path, screenshots, "voila"):
        print(line)
    page.screenshot(path=str(screenshots / f"voila-{path.stem}.png"), full_page=True)
    print(f"voila {path.name}: requests blocked (would have left the machine): "
          f"{sorted(set(browser_page.left_machine))}")
