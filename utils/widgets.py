"""The interactive explorers: each a function returning one ipywidgets widget.

Every explorer is an `Explorer` (a VBox) with
    .controls  a dict name -> the ipywidgets control (sliders, dropdowns, ...),
    .view      the FigureView holding the matplotlib figure, drawn once and updated in place,
    .readout   an HTML widget with the numbers the figure illustrates,
so that tests and benchmarks can drive every control without knowing the layout.

The figure is a plain matplotlib Figure (no pyplot, so nothing is shown twice) rendered to PNG
into an `ipywidgets.Image`: callbacks change the artists (`set_data`, `set_text`, ...) and call
`view.refresh()`. This works the same in JupyterLab, Notebook 7, Voila and a static page.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.figure import Figure


class FigureView:
    """A matplotlib figure shown as a PNG image widget, re-rendered after in-place updates."""

    def __init__(self, figsize=(8, 4), dpi=80):
        self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))

    def refresh(self) -> None:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()


class Explorer(widgets.VBox):
    """One explorer: controls on top, the figure, then a readout of the numbers."""

    def __init__(self, controls: dict, view: FigureView, readout: widgets.HTML, update):
        self.controls = controls
        self.view = view
        self.readout = readout
        self._update = update
        for control in controls.values():
            control.observe(self._on_change, names="value")
        box = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
        super().__init__([box, view.image, readout])
        self.update()

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> None:
        """Read every control, update the artists and the readout, re-render once."""
        self._update({name: control.value for name, control in self.controls.items()})
        self.view.refresh()


def slider(description: str, value: int, low: int, high: int, step: int = 1) -> widgets.IntSlider:
    """An integer slider that only fires when released (continuous_update off)."""
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description,
                             continuous_update=False, style={"description_width": "initial"})


# --- explorers, in the order of the notebooks that use them -----------------------------------


# === 01 Jacobians ===
# (end of 01 Jacobians)


# === 02 Chain rule ===
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
# (end of 04 The efficient VJP)


# === 05 The backward pass ===
# (end of 05 The backward pass)


# === 06 Jacobians through time ===
# (end of 06 Jacobians through time)
