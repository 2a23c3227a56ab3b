"""The Explorer box (utils/widgets/_explorer.py): what a closed or long-unused explorer keeps,
which re-run closes what (in a real kernel too), and slow work done after the picture is drawn,
never drawn once a newer move came."""

from __future__ import annotations

import gc
import inspect
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from explorer_driving import largest_difference
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.figure import Figure

from utils import widgets
from utils.widgets import _explorer, jacobian_explorer, tensor_explorer, tensor_vs_vjp_explorer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench_widget_memory  # noqa: E402

EXPLORERS = sorted(name for name, obj in inspect.getmembers(widgets, inspect.isfunction)
                   if name.endswith("_explorer"))


def _live(kind) -> int:
    gc.collect()
    return sum(isinstance(thing, kind) for thing in gc.get_objects())


def _reachable(root) -> list:
    """Everything `root` keeps alive: its attributes, their attributes, ..., closures included
    (but not modules, classes or a function's globals, which live anyway)."""
    seen, stack, found = set(), [root], []
    while stack:
        thing = stack.pop()
        if id(thing) in seen or isinstance(thing, (type, types.ModuleType)):
            continue
        seen.add(id(thing))
        found.append(thing)
        if isinstance(thing, types.FunctionType):
            stack.extend([*(thing.__closure__ or ()), *(thing.__defaults__ or ())])
        else:
            stack.extend(gc.get_referents(thing))
    return found


@pytest.fixture
def in_cell(monkeypatch):
    """in_cell(cell id, execution): explorers made next come from that run of that cell."""
    def run(cell: str, execution: int) -> None:
        monkeypatch.setattr(_explorer, "current_run", lambda: (cell, f"execution {execution}"))
    return run


def test_a_rerun_closes_what_the_cells_earlier_run_made_and_two_in_one_run_both_work(in_cell):
    from ipywidgets.widgets.widget import _instances as registered

    in_cell("cell-7", 1)
    first, second, other_kind = (tensor_vs_vjp_explorer(), tensor_vs_vjp_explorer(),
                                 jacobian_explorer())
    for explorer in (first, second):  # two explorers of one cell both stay and both move
        assert explorer.comm is not None
        before = explorer.view.image.value
        explorer.controls["m"].value = 3
        assert explorer.view.image.value != before
    in_cell("cell-8", 1)
    elsewhere = tensor_explorer()
    figures, widgets_alive = _live(Figure), len(registered)
    for execution in range(2, 12):
        in_cell("cell-7", execution)
        latest = tensor_vs_vjp_explorer()
    assert all(e.comm is None for e in (first, second, other_kind))  # the re-run replaced them
    assert elsewhere.comm is not None and latest.comm is not None
    assert _live(Figure) <= figures  # ten re-runs: no figure added
    assert len(registered) <= widgets_alive


def test_an_explorer_made_outside_a_notebook_cell_is_left_alone():
    first = tensor_vs_vjp_explorer()
    tensor_vs_vjp_explorer()
    assert first.comm is not None


@pytest.mark.parametrize("name", EXPLORERS)
def test_a_closed_explorer_keeps_no_figure_canvas_or_pixels(name):
    """IPython's output history keeps every value a cell showed: a closed explorer must be a
    husk. Nothing it reaches is a figure, a canvas, an array or more than 1 KB of bytes."""
    from matplotlib._pylab_helpers import Gcf

    explorer = getattr(widgets, name)()
    for control in explorer.controls.values():
        control.value = widgets.values_to_try(control)[-1]
    explorer.close()
    heavy = [type(thing).__name__ for thing in _reachable(explorer)
             if isinstance(thing, (Figure, FigureCanvasBase, np.ndarray))
             or (isinstance(thing, bytes | str) and len(thing) > 1024)]
    assert not heavy, f"a closed {name} still holds {heavy}"
    assert explorer.view is None and explorer.children == ()
    assert not Gcf.get_all_fig_managers(), "pyplot must hold no explorer's figure"


def test_only_the_explorers_used_last_keep_a_figure_and_the_others_still_move():
    made = [tensor_explorer(m=1 + k % 6) for k in range(_explorer.MOST_LIVE_FIGURES + 3)]
    holding = [e for e in made if e._view is not None]
    assert len(holding) <= _explorer.MOST_LIVE_FIGURES
    oldest = made[0]
    assert oldest._view is None  # dropped: a front end that sends no cell id stays bounded
    before = oldest.view.image.value
    oldest.controls["n"].value = 4  # builds its figure again, from the controls
    assert oldest.view.image.value != before and oldest._view is not None
    assert "shape (1, 4, 1, 4)" in oldest.readout.value  # m = 1, p = 4, n = 4: its own
    assert sum(e._view is not None for e in made) <= _explorer.MOST_LIVE_FIGURES


def _recording(explorer) -> list:
    """(what, value) in the order the explorer sets them: its picture and its readout."""
    events = []
    explorer.view.image.observe(lambda c: events.append(("picture", None)), names="value")
    explorer.readout.observe(lambda c: events.append(("readout", c["new"])), names="value")
    return events


def test_a_front_end_move_draws_at_once_and_the_timings_fill_in_after():
    explorer = tensor_vs_vjp_explorer()
    events = _recording(explorer)
    explorer.controls["scale"].set_state({"index": 5})  # as the front end sends it: × 32
    explorer.wait()
    readouts = [value for what, value in events if what == "readout"]
    assert events[0][0] == "readout" and events[1][0] == "picture"  # drawn before measured
    assert "A 64 × 64" in readouts[0] and "measuring…" in readouts[0]
    assert "measuring" not in readouts[-1] and largest_difference(readouts[-1]) < 1e-12
    assert events[-1][0] == "picture"  # the timings are drawn in the picture too


def test_a_move_made_in_code_shows_the_complete_result_at_once():
    explorer = tensor_vs_vjp_explorer()
    events = _recording(explorer)
    explorer.controls["scale"].value = 32
    assert all("measuring" not in value for what, value in events if what == "readout")
    assert largest_difference(explorer.readout.value) < 1e-12


def test_a_newer_move_supersedes_the_measurement_in_flight():
    explorer = tensor_vs_vjp_explorer()
    explorer.asynchronous = True
    events = _recording(explorer)
    explorer.controls["scale"].value = 32  # measuring A, B, C of 64 x 64 starts
    explorer.controls["scale"].value = 1  # measured when built: complete at once
    explorer.wait()
    readouts = [value for what, value in events if what == "readout"]
    assert not [r for r in readouts if "A 64 × 64" in r and "measuring" not in r], (
        "a stale measurement was drawn")
    assert "A 2 × 2" in readouts[-1] and "measuring" not in readouts[-1]
    assert explorer.controls["scale"].value == 1


def test_slow_work_that_fails_is_raised_by_wait(monkeypatch):
    from utils.widgets import vjp

    explorer = tensor_vs_vjp_explorer()
    explorer.asynchronous = True
    monkeypatch.setattr(vjp, "_measure", lambda *a: 1 / 0)
    explorer.controls["m"].value = 3
    with pytest.raises(ZeroDivisionError):
        explorer.wait()


def test_in_a_real_kernel_reruns_stay_flat_and_two_explorers_in_one_cell_both_work():
    """As JupyterLab runs the notebooks' cell `tensor_explorer()` (its cell id sent, its value
    kept in Out) and as a front end that sends no cell id does."""
    with bench_widget_memory.Kernel() as kernel:
        kernel.run("from utils.widgets import tensor_explorer", "imports")
        two = "a, b = tensor_explorer(), tensor_explorer(); display(a, b)"
        kernel.run(two + "; made = [a, b]", "two")
        moved = kernel.run("before = a.view.image.value; a.controls['m'].value = 5; "
                           "print(a.comm is not None, b.comm is not None, "
                           "a.view.image.value != before)", "check")
        assert moved.split() == ["True"] * 3, moved
        kernel.run(two, "two")  # the same cell again
        replaced = kernel.run("print(made[0].comm is None, made[1].comm is None, "
                              "a.comm is not None, b.comm is not None)", "check")
        assert replaced.split() == ["True"] * 4, replaced
        with_id = bench_widget_memory.rerun_growth(kernel, "tensor_explorer()", True)
        without_id = bench_widget_memory.rerun_growth(kernel, "tensor_explorer()", False)
        figures = kernel.run("import gc; from matplotlib.figure import Figure; "
                             "print(sum(isinstance(o, Figure) for o in gc.get_objects()))", "n")
    assert with_id <= 30 and without_id <= 30, (with_id, without_id)
    assert int(figures) <= _explorer.MOST_LIVE_FIGURES


def test_an_explorer_dropped_while_measuring_still_fills_its_numbers_in():
    explorer = tensor_vs_vjp_explorer()
    explorer.asynchronous = True
    explorer.controls["scale"].value = 32
    others = [tensor_explorer() for _ in range(_explorer.MOST_LIVE_FIGURES)]  # drop its figure
    explorer.wait()
    assert explorer._view is None and all(other._view is not None for other in others)
    assert "measuring" not in explorer.readout.value
    assert largest_difference(explorer.readout.value) < 1e-12
    explorer.controls["entry"].value = 5  # built again, complete: measured before
    assert "measuring" not in explorer.readout.value and explorer._view is not None
