"""The Explorer box every explorer is: controls on top, the picture, then a readout of numbers.

Every explorer is an `Explorer` (a VBox) with
    .controls  a dict name -> the ipywidgets control (sliders, dropdowns, ...),
    .view      the FigureView holding the matplotlib figure, drawn once and updated in place,
    .readout   an HTML widget with the numbers the figure illustrates,
so that tests and benchmarks can drive every control without knowing the layout.

Memory: an explorer is built from `build()`, which makes its figure and returns (view, update).
Only the MOST_LIVE_FIGURES explorers used last keep their figure; an older one drops it and
builds it again when next moved (a front end that sends no cell id never says which explorers
are gone). Re-running a cell closes what the cell's earlier run made, and a closed explorer
keeps no figure, canvas or pixels, so IPython's output history (Out[n]) holds only a husk.

Time: an update may hand back `Later(compute, show)`, slow work (timing both routes) done after
the picture is drawn. A move made in the front end draws at once and runs `compute` in a thread;
`show` fills the result in unless a newer move came first (nothing is drawn from a stale
computation). Moves made in code (tests, notebooks, `make execute`) run it before drawing, so
what they show is reproducible; `asynchronous = True` makes every move answer at once, and
`wait()` waits for the work in flight.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets

MOST_LIVE_FIGURES = 3  # explorers that keep their figure (and its pixels) between moves
DRAWING = threading.RLock()  # one figure drawn at a time: matplotlib is not thread-safe


@dataclass
class Later:
    """Slow work: `compute()` (no drawing, may run in a thread), then `show(result)` (draws);
    `pending()` shows what is known meanwhile ("measuring…"), when the work is done after."""

    compute: Callable
    show: Callable
    pending: Callable


def current_run():
    """(cell id, id of this execution) of the notebook cell running now, or None: JupyterLab
    and Notebook 7 send the cell id in the execute request's metadata."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent("shell") if kernel is not None else None
    except Exception:  # no IPython, an older kernel: nothing to release by cell
        return None
    cell = ((parent or {}).get("metadata") or {}).get("cellId")
    return None if cell is None else (cell, (parent.get("header") or {}).get("msg_id"))


class Explorer(widgets.VBox):
    """One explorer: `controls` on top, the figure `build()` makes, then `readout`.

    `companions` are shown after the controls but not observed (e.g. a Play linked to a
    slider: the slider's change is the one update). Changes made by the update itself (a
    slider's range following the sizes) do not start another update.
    """

    _made_by_cell: dict = {}  # cell id -> (execution id, weak references to what it made)
    _live: OrderedDict = OrderedDict()  # id -> weak reference, least recently used first

    def __init__(self, controls: dict, readout: widgets.HTML, build: Callable,
                 companions: dict | None = None):
        self.controls = controls
        self.companions = dict(companions or {})
        self.readout = readout
        self.asynchronous: bool | None = None  # None: answer at once for the front end's moves
        self._build, self._view, self._update = build, None, None
        self._updating, self._generation, self._pending = False, 0, None
        self._worker: threading.Thread | None = None
        self._jobs = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self.error: BaseException | None = None
        self._make_figure()
        for control in controls.values():
            control.observe(self._on_change, names="value")
        box = widgets.HBox([*controls.values(), *self.companions.values()],
                           layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([box, self._view.image, readout])
        self._refresh(synchronous=True)
        self._close_earlier_runs_of_this_cell()

    # --- memory -----------------------------------------------------------------------------
    @property
    def view(self):
        """The FigureView (built again, with the controls' picture, if it was dropped)."""
        if self._build is None:
            return None  # closed
        if self._view is None:
            with DRAWING:
                self._make_figure()
                self._apply(synchronous=True)
        return self._view

    def _make_figure(self) -> None:
        self._view, self._update = self._build()
        if self.children:  # built again: into the image widget the front end shows
            self._view.image = self.children[1]
        self._touch()

    def _touch(self) -> None:
        """Mark this explorer used; the least recently used beyond MOST_LIVE_FIGURES drop theirs."""
        Explorer._live[id(self)] = weakref.ref(self)
        Explorer._live.move_to_end(id(self))
        while len(Explorer._live) > MOST_LIVE_FIGURES:
            _, oldest = Explorer._live.popitem(last=False)
            if oldest() is not None:
                oldest()._drop_figure()

    def _drop_figure(self) -> None:
        with DRAWING:
            if self._view is not None:
                self._view.release()
            self._view, self._update = None, None  # work in flight still fills the readout in
            Explorer._live.pop(id(self), None)

    def _close_earlier_runs_of_this_cell(self) -> None:
        """A re-run replaces a cell's outputs: what its earlier run made is closed. Explorers
        made by one run (two in one cell) all stay."""
        run = current_run()
        if run is None:
            return
        cell, execution = run
        made_in, made = Explorer._made_by_cell.get(cell, (None, []))
        if made_in != execution:
            for earlier in made:
                if earlier() is not None:
                    earlier().close()
            made = []
        Explorer._made_by_cell[cell] = (execution, [*made, weakref.ref(self)])

    def close(self) -> None:
        """Close every widget of this explorer and drop its figure, canvas and pixels: a closed
        explorer kept by IPython's output history costs a few widgets' traits, nothing more."""
        with DRAWING:
            self._generation += 1  # work in flight is stale now
            self._pending = None
            parts = [*self.controls.values(), *self.companions.values(), *self.children]
            parts += [w for part in parts for w in getattr(part, "children", ())] + [self]
            for widget in parts:  # a widget's layout and style are widgets too, registered apart
                for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
                    if isinstance(part, widgets.Widget):
                        part.close()
                if widget is not self:
                    widget.close()
            self._drop_figure()
            self._build = None
            super().close()
            # what IPython's output history keeps of a closed explorer: an empty box
            self.children, self.controls, self.companions = (), {}, {}
            self.readout.value = ""

    # --- updates ----------------------------------------------------------------------------
    def _values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change) -> None:
        if self._updating or self._build is None:
            return
        from_front_end = bool(getattr(change["owner"], "_property_lock", None))  # in set_state
        self._refresh(synchronous=not (self.asynchronous or (self.asynchronous is None
                                                              and from_front_end)))

    def update(self) -> None:
        """Read every control, update the artists and the readout, re-render once (slow work
        included: code that calls this reads a complete picture)."""
        self._refresh(synchronous=not self.asynchronous)

    def _refresh(self, synchronous: bool) -> None:
        with DRAWING:
            if self._view is None:
                self._make_figure()
            else:
                self._touch()
            self._generation += 1
            self._pending = None
            later = self._apply(synchronous)
            self._view.refresh()
        if later is not None:
            self._start(later, self._generation)

    def _apply(self, synchronous: bool) -> Later | None:
        """Run the update on the controls' values; slow work too if `synchronous`, else hand
        it back."""
        self._updating = True
        try:
            later = self._update(self._values())
            if later is not None and synchronous:
                later.show(later.compute())
                return None
            if later is not None:
                later.pending()
            return later
        finally:
            self._updating = False

    def _start(self, later: Later, generation: int) -> None:
        with self._jobs:
            self._pending = (generation, later)
            self._idle.clear()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, daemon=True,
                                                name="explorer: measuring")
                self._worker.start()

    def _work(self) -> None:
        while True:
            with self._jobs:
                job, self._pending = self._pending, None
                if job is None:
                    self._worker = None
                    self._idle.set()
                    return
            generation, later = job
            try:
                result = later.compute()
                with DRAWING:
                    if generation == self._generation and self._build is not None:
                        self._updating = True
                        try:
                            later.show(result)
                        finally:
                            self._updating = False
                        if self._view is not None:  # else dropped: drawn when next moved
                            self._view.refresh()
            except BaseException as error:  # kept for wait(): a thread has nobody to tell
                self.error = error

    def wait(self, timeout: float = 60.0) -> None:
        """Wait until the slow work of the last move is shown (or found stale)."""
        if not self._idle.wait(timeout):
            raise TimeoutError(f"the explorer's slow work took longer than {timeout} s")
        if self.error is not None:
            error, self.error = self.error, None
            raise error
