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
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


class FigureView:
    """A matplotlib figure shown as a PNG image widget, updated in place and redrawn cheaply.

    The static part (axes, ticks, labels, headings) is drawn in full once per `key` and kept
    as pixels; `refresh` restores those pixels, draws only the artists registered with
    `set_moving` on top and encodes the PNG: a few ms instead of a full draw, since text is
    what costs most to render. A callback changes the artists (`set_data`, `set_text`, ...),
    sets `key` when the static part must change (e.g. other axis limits), then refreshes.
    Axes keep fixed positions (no layout engine), so the cached pixels stay valid.
    """

    def __init__(self, figsize=(8, 4), dpi=80, margins: dict | None = None):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        if margins:
            self.figure.subplots_adjust(**margins)
        self.canvas = FigureCanvasAgg(self.figure)
        width = int(round(figsize[0] * dpi))  # shown at its own pixel size: sharp, never stretched
        self.image = widgets.Image(format="png", width=width,
                                   layout=widgets.Layout(max_width="100%", height="auto"))
        self.moving: list = []
        self.backgrounds: dict = {}
        self.key = None

    def set_moving(self, artists) -> None:
        self.moving = list(artists)
        for artist in self.moving:
            artist.set_animated(True)  # left out of full draws, drawn by refresh

    def draw_background(self) -> None:
        """Draw the static part for the current key in full and keep its pixels."""
        self.canvas.draw()
        self.backgrounds[self.key] = self.canvas.copy_from_bbox(self.figure.bbox)

    def refresh(self) -> None:
        if self.key not in self.backgrounds:
            self.draw_background()
        else:
            self.canvas.restore_region(self.backgrounds[self.key])
        for ax in self.figure.axes:
            ax.apply_aspect()  # the same box the background was drawn with
        for artist in self.moving:
            if artist.get_visible():
                artist.axes.draw_artist(artist)
        buffer = io.BytesIO()  # Pillow at low compression: encoding is then ~1 ms
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png",
                                                                      compress_level=1)
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


def values_to_try(control, most: int = 8) -> list:
    """Values spanning a control's whole range (ends included), for tests and benchmarks."""
    if hasattr(control, "options"):  # Dropdown, ToggleButtons, RadioButtons, ...
        labels = list(control.options)
        return [label[1] if isinstance(label, tuple) else label for label in labels]
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    if hasattr(control, "min") and hasattr(control, "max"):
        points = np.linspace(control.min, control.max, most)
        if isinstance(control.value, int):
            points = np.unique(np.round(points).astype(int))
        return [type(control.value)(v) for v in points]
    raise TypeError(f"do not know how to sweep a {type(control).__name__}")


def slider(description: str, value: int, low: int, high: int, step: int = 1) -> widgets.IntSlider:
    """An integer slider that only fires when released (continuous_update off)."""
    return widgets.IntSlider(value=value, min=low, max=high, step=step, description=description,
                             continuous_update=False, style={"description_width": "initial"})


# --- explorers, in the order of the notebooks that use them -----------------------------------


# === 01 Jacobians ===
class _SelfAdjustingExplorer(Explorer):
    """An Explorer whose update may set its own controls (ranges, values) without re-entering."""

    def __init__(self, controls, view, readout, update, adjusting):
        self._adjusting = adjusting  # a function: True while update is setting the controls
        super().__init__(controls, view, readout, update)

    def _on_change(self, change) -> None:
        if not self._adjusting():
            super()._on_change(change)


def _float_slider(description: str, value: float, low: float, high: float,
                  step: float = 0.01) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=False, readout_format=".2f",
                               style={"description_width": "initial"})


def jacobian_explorer(map_name: str = "polar → Cartesian") -> Explorer:
    """A plane map warping a grid; at a point chosen with sliders, the image of a small square
    next to the parallelogram spanned by δ·(the Jacobian's columns), with det J. The square is
    centred on the point, so its area ratio matches det J up to O(δ²)."""
    from .maps import PLANE_MAPS, enclosed_area, square_outline
    from .plotting import E1_COLOUR, E2_COLOUR, WarpPicture

    if map_name not in PLANE_MAPS:
        raise ValueError(f"map_name must be one of {list(PLANE_MAPS)}; got {map_name!r}")
    first = PLANE_MAPS[map_name]
    controls = {
        "map": widgets.Dropdown(options=list(PLANE_MAPS), value=map_name, description="map"),
        "x1": _float_slider(first.input_names[0], first.default_point[0], *first.domain[0]),
        "x2": _float_slider(first.input_names[1], first.default_point[1], *first.domain[1]),
        "size": _float_slider("square side δ", 0.25, 0.02, 0.6),
    }
    view = FigureView(figsize=(10, 4), dpi=100,
                      margins={"left": 0.06, "right": 0.99, "bottom": 0.13, "top": 0.87,
                               "wspace": 0.25})
    margin = controls["size"].max / 2  # room for the largest square (centred on x) at the edge
    picture = WarpPicture(*view.figure.subplots(1, 3, width_ratios=(1, 1.3, 1)))
    view.set_moving(picture.moving_artists())
    for name, plane_map in PLANE_MAPS.items():  # each map's grid drawn once, up front
        view.key = name
        picture.show_map(plane_map, margin)
        view.draw_background()
    readout = widgets.HTML()
    state = {"map": None, "adjusting": False}

    def switch_map(plane_map) -> None:
        state["adjusting"] = True
        try:
            for key, k in (("x1", 0), ("x2", 1)):
                control = controls[key]
                low, high = plane_map.domain[k]
                control.min, control.max = min(control.min, low), max(control.max, high)
                control.value = plane_map.default_point[k]
                control.min, control.max = low, high
                control.description = plane_map.input_names[k]
        finally:
            state["adjusting"] = False
        picture.show_map(plane_map, margin)
        view.key = state["map"] = plane_map.name

    def update(values) -> None:
        plane_map = PLANE_MAPS[values["map"]]
        if state["map"] != plane_map.name:
            switch_map(plane_map)
        point = np.array([controls["x1"].value, controls["x2"].value])
        size = values["size"]
        jacobian, image_path, corners = picture.show_point(plane_map, point, size)
        det = float(np.linalg.det(jacobian))
        area_ratio = enclosed_area(image_path) / size**2
        outline = square_outline(point, size, centred=True)
        linear = plane_map(point)[:, None] + jacobian @ (outline - point[:, None])
        gap = float(np.max(np.linalg.norm(image_path - linear, axis=0)))
        names = plane_map.input_names
        cell = "padding:0 0.6em;text-align:right"
        rows = "".join(
            f"<tr><td style='{cell}'>f{'₁₂'[i]}</td>"
            f"<td style='{cell};color:{E1_COLOUR}'>{jacobian[i, 0]:+.3f}</td>"
            f"<td style='{cell};color:{E2_COLOUR}'>{jacobian[i, 1]:+.3f}</td></tr>"
            for i in range(2))
        readout.value = (
            f"<b>{plane_map.formula}</b> at {names[0]} = {point[0]:.2f}, "
            f"{names[1]} = {point[1]:.2f}, square side δ = {size:.2f}"
            f"<table style='display:inline-table;vertical-align:middle;margin:0.3em 1.5em'>"
            f"<tr><td></td><td style='{cell}'>∂/∂{names[0]}</td><td style='{cell}'>"
            f"∂/∂{names[1]}</td></tr>{rows}</table>"
            f"det J = <b>{det:+.4f}</b> &nbsp;|&nbsp; area of f(square) / δ² = "
            f"<b>{area_ratio:+.4f}</b> &nbsp;|&nbsp; largest gap between f(square) and the "
            f"parallelogram: {gap:.2e} = {gap / size**2:.2f}·δ²")

    return _SelfAdjustingExplorer(controls, view, readout, update,
                                  adjusting=lambda: state["adjusting"])
# (end of 01 Jacobians)


# === 02 Chain rule ===
def chain_cost_explorer(length: int = 6, input_width: int = 128, hidden_width: int = 64,
                        output_width: int = 1) -> Explorer:
    """A chain of Jacobians J_L···J_1 with chosen widths: multiplications counted for both
    orders of the product (input side first or loss side first) and the products timed."""
    from .chain import chain_costs, chain_widths, random_chain, time_product
    from .plotting import ChainCostBars

    controls = {
        "length": slider("chain length L", length, 2, 12),
        "input_width": slider("input width n₀", input_width, 1, 256),
        "hidden_width": slider("hidden width", hidden_width, 1, 256),
        "output_width": slider("output width n_L", output_width, 1, 256),
    }
    view = FigureView(figsize=(8.5, 3.8), dpi=100,
                      margins={"left": 0.09, "right": 0.99, "bottom": 0.17, "top": 0.91,
                               "wspace": 0.3})
    bars = ChainCostBars(*view.figure.subplots(1, 2))
    view.set_moving(bars.moving_artists())
    readout = widgets.HTML()
    # random entries drawn once for the largest chain; each update slices its Jacobians from
    # them (drawing 12 fresh 256×256 matrices would cost more than timing the products)
    most = controls["length"].max
    widest = max(controls[k].max for k in ("input_width", "hidden_width", "output_width"))
    pool = random_chain((widest,) * (most + 1), np.random.default_rng(0))

    def plural(count: int) -> str:
        return "multiplication" if count == 1 else "multiplications"

    def update(values) -> None:
        widths = chain_widths(values["length"], values["input_width"], values["hidden_width"],
                              values["output_width"])
        costs = chain_costs(widths)
        jacobians = [np.ascontiguousarray(pool[k][:rows, :columns]) * np.sqrt(widest / columns)
                     for k, (rows, columns) in enumerate(costs.jacobian_shapes)]
        # a time budget per order: the largest chains are timed once, so updates stay quick
        seconds = [time_product(jacobians, order, repeats=3, budget=0.01)
                   for order in ("forward", "reverse")]
        counts = (costs.forward_multiplications, costs.reverse_multiplications)
        bars.show(counts, seconds)
        if counts[0] == counts[1]:
            verdict = "both orders cost the same"
        elif counts[1] < counts[0]:
            verdict = f"the loss side needs {counts[0] / counts[1]:,.1f}× fewer multiplications"
        else:
            verdict = f"the input side needs {counts[1] / counts[0]:,.1f}× fewer multiplications"
        shapes = " · ".join(f"{r}×{c}" for r, c in reversed(costs.jacobian_shapes))
        vjp_note = (" With one output (a scalar loss) every loss-side step is a row vector "
                    "times a Jacobian: a vector-Jacobian product."
                    if widths[-1] == 1 else "")
        readout.value = (
            f"widths n = {widths}: J<sub>L</sub>···J<sub>1</sub> = {shapes} → "
            f"{widths[-1]}×{widths[0]}<br>"
            f"input side first: <b>{counts[0]:,}</b> {plural(counts[0])}, "
            f"{seconds[0] * 1e3:.3f} ms &nbsp;|&nbsp; loss side first: <b>{counts[1]:,}</b> "
            f"{plural(counts[1])}, {seconds[1] * 1e3:.3f} ms &nbsp;|&nbsp; {verdict}."
            f"{vjp_note}")

    return Explorer(controls, view, readout, update)
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===
def _frame(ax, **style):
    """A rectangle around an image, moved with `_fit_frame` when the image changes shape."""
    from matplotlib.patches import Rectangle

    frame = Rectangle((-0.5, -0.5), 1, 1, fill=False, clip_on=False,
                      **{"edgecolor": "black", "linewidth": 1, **style})
    ax.add_patch(frame)
    return frame


def _fit_frame(frame, shape) -> None:
    rows, cols = shape
    frame.set_xy((-0.5, -0.5))
    frame.set_width(cols)
    frame.set_height(rows)


def _table(rows, header=None, align: str = "right") -> str:
    """A small HTML table; rows are tuples of cells (already escaped, may hold <b> etc.).

    The first column (the row names) is left-aligned, the others follow `align`.
    """
    cell = "padding:2px 10px;border-bottom:1px solid #ddd;text-align:{};"
    html = ['<table style="border-collapse:collapse;font-size:14px;">']
    if header is not None:
        html.append("<tr>" + "".join(
            f'<th style="{cell.format("left" if k == 0 else align)}">{text}</th>'
            for k, text in enumerate(header)) + "</tr>")
    for row in rows:
        html.append("<tr>" + "".join(
            f'<td style="{cell.format("left" if k == 0 else align)}">{text}</td>'
            for k, text in enumerate(row)) + "</tr>")
    return "".join(html) + "</table>"


def _dropdown(description: str, options, value) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=description,
                            style={"description_width": "initial"},
                            layout=widgets.Layout(width="170px"))


def _check_sizes(max_size: int, largest: int, **sizes) -> None:
    if isinstance(max_size, bool) or not isinstance(max_size, int) or not 1 <= max_size <= largest:
        raise ValueError(f"max_size must be a whole number between 1 and {largest} (a readable "
                         f"picture); got {max_size!r}")
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= max_size:
            raise ValueError(f"{name} must be a whole number between 1 and max_size = "
                             f"{max_size}; got {value!r}")


def _sub(number: int) -> str:
    """A whole number as subscript digits: 12 -> '₁₂'."""
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _keep_few_backgrounds(view, most: int = 12) -> None:
    """Cached backgrounds are full-figure pixels: keep only the latest few shapes' worth."""
    if len(view.backgrounds) > most:
        view.backgrounds.clear()


def tensor_explorer(m: int = 3, n: int = 2, p: int = 4, i: int = 1, j: int = 2,
                    wrt: str = "A", max_size: int = 6) -> Explorer:
    """dC/dA or dC/dB of C = A @ B as a matrix of matrices, with the block ∂c_ij/∂X outlined.

    i and j count from 1, as in the math: the entry c_12 is C[0, 1] in numpy.
    """
    from .costs import format_bytes, matmul_costs
    from .matmul import matmul_jacobian
    from .plotting import HIGHLIGHT_COLOUR, SIGNED_CMAP, TensorPicture, set_image

    _check_sizes(max_size, 8, m=m, n=n, p=p)
    if not (1 <= i <= m and 1 <= j <= p):
        raise ValueError(f"(i, j) must index C of shape ({m}, {p}) counting from 1, as c_ij "
                         f"does: 1 <= i <= {m}, 1 <= j <= {p}; got ({i}, {j})")
    if wrt not in ("A", "B"):
        raise ValueError(f"wrt must be 'A' or 'B'; got {wrt!r}")
    rng = np.random.default_rng(0)  # fixed entries, so a picture can be compared with the next
    # entries in ±[0.2, 1]: never zero, so every zero in the picture is a structural zero
    A_full, B_full = (rng.choice([-1, 1], (max_size, max_size))
                      * np.round(rng.uniform(0.2, 1, (max_size, max_size)), 1) for _ in range(2))

    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "i": slider("entry c_ij: i", i, 1, m),
                "j": slider("j", j, 1, p),
                "wrt": _dropdown("derivative of C by", ["A", "B"], wrt)}
    view = FigureView(figsize=(9, 4), dpi=100)
    figure = view.figure
    ax_tensor = figure.add_axes((0.1, 0.15, 0.5, 0.68))
    ax_block = figure.add_axes((0.65, 0.15, 0.22, 0.68))
    ax_colour = figure.add_axes((0.895, 0.15, 0.015, 0.68))
    ax_block.set_axis_off()
    picture = TensorPicture(ax_tensor, max_size, max_size, ticks=True)
    ax_tensor.tick_params(length=0, labelsize=11)
    for spine in ax_tensor.spines.values():
        spine.set_visible(False)
    tensor_frame = _frame(ax_tensor)
    block_image = ax_block.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, vmin=-1, vmax=1,
                                  interpolation="nearest")
    block_frame = _frame(ax_block, edgecolor=HIGHLIGHT_COLOUR, linewidth=3)
    colourbar = figure.colorbar(block_image, cax=ax_colour, ticks=[-1, -0.5, 0, 0.5, 1])
    colourbar.set_label("entry value (white = 0)", fontsize=11)
    ax_colour.tick_params(labelsize=10)
    labels = [ax_block.text(0, 0, "", ha="center", va="center", fontsize=12)
              for _ in range(max_size)]  # the non-zero line of the block: b_lj or a_ik
    text = {"tensor": figure.text(0.35, 0.92, "", ha="center", fontsize=13),
            "block": ax_block.text(0.5, 1.1, "", ha="center", fontsize=13, clip_on=False,
                                   color=HIGHLIGHT_COLOUR, transform=ax_block.transAxes),
            "block x": figure.text(0.76, 0.07, "", ha="center", fontsize=11)}
    view.set_moving([picture.image, *picture.row_lines, *picture.col_lines, tensor_frame,
                     picture.highlight, block_image, block_frame, *labels, text["block"]])
    readout = widgets.HTML()
    syncing = [False]  # True while slider limits are moved, so nested updates are skipped

    def update(values):
        if syncing[0]:
            return
        syncing[0] = True
        try:  # the sliders for i and j follow the shape of C; this may clamp their values
            controls["i"].max = values["m"]
            controls["j"].max = values["p"]
        finally:
            syncing[0] = False
        m, n, p, wrt = values["m"], values["n"], values["p"], values["wrt"]
        i, j = controls["i"].value, controls["j"].value  # 1-based, as c_ij
        A, B = A_full[:m, :n], B_full[:n, :p]
        tensor = matmul_jacobian(A, B, wrt)
        block = tensor[i - 1, j - 1]
        entry = f"∂c{_sub(i)}{_sub(j)}/∂{wrt}"
        _keep_few_backgrounds(view)
        view.key = (wrt, m, n, p)
        text["tensor"].set_text(f"dC/d{wrt}, shape {tensor.shape}: block (i, j) is ∂c_ij/∂{wrt}")
        text["block"].set_text(f"{entry} = dC_d{wrt}[{i - 1}, {j - 1}]")
        text["block x"].set_text(f"shaped like {wrt}, {block.shape[0]} × {block.shape[1]}")
        ax_tensor.set_xlabel(f"block column j  (inside a block: column of {wrt})", fontsize=11)
        ax_tensor.set_ylabel(f"block row i\n(inside: row of {wrt})", fontsize=11)
        picture.show(tensor, highlight=(i - 1, j - 1), limit=1.0)
        _fit_frame(tensor_frame, (tensor.shape[0] * tensor.shape[2],
                                  tensor.shape[1] * tensor.shape[3]))
        set_image(ax_block, block_image, block, limit=1.0)
        _fit_frame(block_frame, block.shape)
        for k, label in enumerate(labels):  # name the non-zeros; white squares are zeros
            label.set_visible(k < n)
            label.set_position((k, i - 1) if wrt == "A" else (j - 1, k))
            label.set_text(f"b{_sub(k + 1)}{_sub(j)}" if wrt == "A" else f"a{_sub(i)}{_sub(k + 1)}")
            value = (B[k, j - 1] if wrt == "A" else A[i - 1, k]) if k < n else 0
            label.set_color("white" if abs(value) > 0.6 else "black")
        where = (f"only row {i} is non-zero: it holds column {j} of B" if wrt == "A" else
                 f"only column {j} is non-zero: it holds row {i} of A")
        costs = matmul_costs(m, n, p, wrt)
        nonzeros = int(np.count_nonzero(tensor))
        readout.value = _table([
            (f"tensor dC/d{wrt}", f"shape {tensor.shape} = C.shape + {wrt}.shape"),
            ("entries", f"{costs.tensor_entries:,}"),
            ("non-zero", f"{costs.tensor_nonzeros:,} = 1/{m if wrt == 'A' else p} of them"
                         f" (counted: {nonzeros:,})"),
            ("memory (float64)", f"{format_bytes(costs.tensor_bytes)} "
                                 f"(the gradient dL/d{wrt} needs {format_bytes(costs.vjp_bytes)})"),
            (f"outlined block {entry}",
             f"numpy dC_d{wrt}[{i - 1}, {j - 1}] (numpy counts from 0), shape {block.shape}, "
             f"{n} non-zero{'s' if n != 1 else ''} of {block.size}: {where}"),
        ], align="left")

    return Explorer(controls, view, readout, update)
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
def _seconds(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


def measure_routes_with_progress(sizes, wrt: str = "A", **options):
    """utils.routes.measure_routes with a progress bar shown while it measures."""
    from IPython.display import display

    from .routes import measure_routes

    progress = widgets.IntProgress(value=0, max=len(sizes), description="measuring")
    display(progress)
    return measure_routes(sizes, wrt=wrt, on_progress=lambda k: setattr(progress, "value", k),
                          **options)


_PANEL_BOXES = {"weights": (0.02, 0.12, 0.15, 0.62),  # figure fractions: left, bottom, w, h
                "tensor": (0.22, 0.12, 0.46, 0.62),
                "vjp": (0.73, 0.12, 0.25, 0.62)}


def tensor_vs_vjp_explorer(m: int = 3, n: int = 4, p: int = 5, seed: int = 0, wrt: str = "A",
                           max_size: int = 8) -> Explorer:
    """dL/dX of C = A @ B two ways: through the 4-D tensor dC/dX, and as one matrix product.

    All three pictures (the weights dL/dC, the tensor, the result) share one scale, one square
    per number, so the tensor's area against the gradient's is its memory against the VJP's.
    """
    from .costs import format_bytes, matmul_costs
    from .matmul import chain_rule_via_tensor, matmul_jacobian
    from .plotting import SIGNED_CMAP, TensorPicture, set_image
    from .routes import best_time, vjp_route

    _check_sizes(max_size, 10, m=m, n=n, p=p)
    if wrt not in ("A", "B"):
        raise ValueError(f"wrt must be 'A' or 'B'; got {wrt!r}")
    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "seed": slider("random seed", seed, 0, 20),
                "wrt": _dropdown("gradient of L by", ["A", "B"], wrt)}
    view = FigureView(figsize=(10, 4.6), dpi=100)
    figure = view.figure
    ax_tensor = figure.add_axes(_PANEL_BOXES["tensor"])
    ax_vjp = figure.add_axes(_PANEL_BOXES["vjp"])
    ax_weights = figure.add_axes(_PANEL_BOXES["weights"])
    box_pixels = {name: (box[2] * 1000, box[3] * 460) for name, box in _PANEL_BOXES.items()}
    for ax in (ax_tensor, ax_vjp, ax_weights):
        ax.set_axis_off()
    picture = TensorPicture(ax_tensor, max_size, max_size, ticks=False)
    tensor_frame = _frame(ax_tensor)
    vjp_image = ax_vjp.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, interpolation="nearest")
    weights_image = ax_weights.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP,
                                      interpolation="nearest")
    vjp_frame, weights_frame = _frame(ax_vjp), _frame(ax_weights)
    titles = {name: ax.text(0, 1.04, "", fontsize=12, va="bottom", transform=ax.transAxes,
                            clip_on=False)
              for name, ax in (("tensor", ax_tensor), ("vjp", ax_vjp),
                               ("weights", ax_weights))}
    figure.text(0.5, 0.03, "All three pictures at the same scale: one square = one float64 "
                           "(8 bytes). White = 0.", ha="center", fontsize=11, color="dimgray")
    figure.text(0.195, 0.7, "×", ha="center", va="center", fontsize=20, color="dimgray")
    figure.text(0.705, 0.7, "=", ha="center", va="center", fontsize=20, color="dimgray")
    heading = figure.text(0.5, 0.92, "", ha="center", fontsize=13)
    view.set_moving([picture.image, *picture.row_lines, *picture.col_lines, tensor_frame,
                     vjp_image, vjp_frame, weights_image, weights_frame])  # titles: background
    readout = widgets.HTML()

    def same_scale(shapes: dict) -> float:
        """Pixels per entry that fit every picture into its box (at most 30)."""
        return min([30.0] + [min(box_pixels[name][0] / cols, box_pixels[name][1] / rows)
                             for name, (rows, cols) in shapes.items()])

    def place(ax, name, scale) -> tuple:
        """Axis limits that draw one entry as `scale` pixels, anchored at the top left."""
        width, height = box_pixels[name]
        ax.set_aspect("auto")
        ax.set_xlim(-0.5, width / scale - 0.5)
        ax.set_ylim(height / scale - 0.5, -0.5)
        return width / scale, height / scale

    def update(values):
        m, n, p, wrt = values["m"], values["n"], values["p"], values["wrt"]
        rng = np.random.default_rng(values["seed"])
        A, B = rng.standard_normal((m, n)), rng.standard_normal((n, p))
        dL_dC = rng.standard_normal((m, p))
        dC_dX = matmul_jacobian(A, B, wrt)
        via_tensor = chain_rule_via_tensor(dL_dC, dC_dX)
        via_vjp = vjp_route(dL_dC, A, B, wrt)
        tensor_time = best_time(lambda: chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, wrt)),
                                repeats=3, min_seconds=5e-4)
        vjp_time = best_time(lambda: vjp_route(dL_dC, A, B, wrt), repeats=3, min_seconds=5e-4)
        difference = float(np.max(np.abs(via_tensor - via_vjp)))
        costs = matmul_costs(m, n, p, wrt)
        formula = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"

        _keep_few_backgrounds(view)
        view.key = (wrt, m, n, p)  # the titles name sizes and bytes: drawn once per shape
        heading.set_text(f"dL/d{wrt} = Σ over the entries c_ij of C:  weight dL/dc_ij × "
                         f"block ∂c_ij/∂{wrt}")
        picture.show(dC_dX)
        set_image(ax_vjp, vjp_image, via_vjp)
        set_image(ax_weights, weights_image, dL_dC)
        rows, cols = dC_dX.shape[0] * dC_dX.shape[2], dC_dX.shape[1] * dC_dX.shape[3]
        scale = same_scale({"tensor": (rows, cols), "vjp": via_vjp.shape,
                            "weights": dL_dC.shape})
        width, height = place(ax_tensor, "tensor", scale)
        place(ax_vjp, "vjp", scale)
        place(ax_weights, "weights", scale)
        for line in picture.row_lines:  # block borders span the picture, not the whole box
            line.set_xdata([0, cols / width])
        for line in picture.col_lines:
            line.set_ydata([1 - rows / height, 1])
        _fit_frame(tensor_frame, (rows, cols))
        _fit_frame(vjp_frame, via_vjp.shape)
        _fit_frame(weights_frame, dL_dC.shape)
        titles["weights"].set_text(f"weights dL/dC\n{m} × {p}")
        titles["tensor"].set_text(f"tensor route: dC/d{wrt} {dC_dX.shape}\n"
                                  f"{format_bytes(costs.tensor_bytes)}, "
                                  f"{costs.tensor_multiplications:,} multiplication"
                                  f"{'s' if costs.tensor_multiplications != 1 else ''}")
        titles["vjp"].set_text(f"VJP: dL/d{wrt} = {formula}\n"
                               f"{format_bytes(costs.vjp_bytes)}, "
                               f"{costs.vjp_multiplications:,} multiplication"
                               f"{'s' if costs.vjp_multiplications != 1 else ''}")

        memory_ratio = costs.tensor_bytes / costs.vjp_bytes
        work_ratio = costs.tensor_multiplications / costs.vjp_multiplications
        at_1000 = matmul_costs(1000, 1000, 1000, wrt)
        headline = (f"<b>Same dL/d{wrt}</b> (largest difference {difference:.1e}); the tensor "
                    f"route needs <b>{memory_ratio:.0f}× the memory</b> and "
                    f"<b>{work_ratio:.1f}× the multiplications</b>, "
                    f"{costs.tensor_zero_multiplications / costs.tensor_multiplications:.0%} "
                    f"of them by zero.")
        readout.value = f"<p style='font-size:14px;margin:4px 0'>{headline}</p>" + _table([
            ("builds", f"dC/d{wrt} {dC_dX.shape}, then Σ<sub>ij</sub> (dL/dc<sub>ij</sub>) "
                       f"∂c<sub>ij</sub>/∂{wrt}", f"one matrix product {formula}"),
            ("memory (float64)", format_bytes(costs.tensor_bytes), format_bytes(costs.vjp_bytes)),
            ("multiplications", f"{costs.tensor_multiplications:,}",
             f"{costs.vjp_multiplications:,}"),
            ("… of them by zero", f"{costs.tensor_zero_multiplications:,}", "0"),
            ("time per call (best of 3)", _seconds(tensor_time), _seconds(vjp_time)),
            ("result", f"dL/d{wrt} {via_tensor.shape}", f"dL/d{wrt} {via_vjp.shape}"),
            ("largest |difference|", f"{difference:.1e}", ""),
            ("memory at n = 1000 (m = n = p)", format_bytes(at_1000.tensor_bytes),
             format_bytes(at_1000.vjp_bytes)),
        ], header=("", "tensor route", "VJP route")) + (
            "<p style='font-size:13px;margin:4px 0;color:#555'>At these tiny sizes the times "
            "are mostly per-call overhead (numpy's function calls take microseconds whatever "
            "the size), not arithmetic; the measured plot above shows how each route grows. "
            f"The sizes say more: at n = 1000 the tensor would need "
            f"{format_bytes(at_1000.tensor_bytes)} against {format_bytes(at_1000.vjp_bytes)} "
            f"for the gradient.</p>")

    return Explorer(controls, view, readout, update)
# (end of 04 The efficient VJP)


# === 05 The backward pass ===
# (end of 05 The backward pass)


# === 06 Jacobians through time ===

RNN_HIDDEN, RNN_INPUTS, RNN_MAX_LENGTH = 16, 4, 100  # small enough to redraw in milliseconds
RNN_DECADES = 10  # the log axis snaps to multiples of 10^10, so few backgrounds are ever drawn
RNN_LOWEST = -40  # singular values below 10^-40 (exact zeros of relu) sit off the bottom
RNN_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _rnn_log_range(*arrays) -> tuple[int, int]:
    """Decade limits (low, high) holding every positive value: low snapped to RNN_DECADES,
    high to 5 decades."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    values = values[np.isfinite(values) & (values > 0)]
    low = max(np.floor(np.log10(values.min())), RNN_LOWEST) if len(values) else -1
    high = np.ceil(np.log10(values.max())) if len(values) else 1
    low = int(RNN_DECADES * np.floor(min(low, -1) / RNN_DECADES))
    high = int(5 * np.ceil(max(high, 1) / 5))  # finer at the top: most curves start near 1
    return low, high


def rnn_gradient_explorer(radius: float = 1.0, nonlinearity: str = "tanh",
                          length: int = 40) -> Explorer:
    """Spectral radius of W, nonlinearity, length T -> ||dh_T/dh_k|| against T - k; singular
    values of dh_T/dh_0 and of W."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from . import rnn

    rng = np.random.default_rng(0)
    W_unit = rnn.random_recurrent_matrix(RNN_HIDDEN, 1.0, rng)      # rescaled by the slider
    U = rng.normal(0.0, 0.5, size=(RNN_HIDDEN, RNN_INPUTS))
    xs = rng.normal(size=(RNN_MAX_LENGTH, RNN_INPUTS))
    controls = {
        "radius": _float_slider("spectral radius of W", radius, 0.5, 1.6, step=0.05),
        "nonlinearity": widgets.Dropdown(options=list(rnn.NONLINEARITIES), value=nonlinearity,
                                         description="nonlinearity"),
        "length": slider("sequence length T", length, 5, RNN_MAX_LENGTH, 5),
    }
    # the axes (x from 0 to T, a log range snapped to 10^10 steps) are drawn once per (T, range)
    # and cached by FigureView; an update redraws only the lines and titles over them
    view = FigureView(figsize=(9.6, 3.7), dpi=100,
                      margins={"left": 0.075, "right": 0.985, "bottom": 0.15, "top": 0.9,
                               "wspace": 0.22})
    ax_norms, ax_sv = view.figure.subplots(1, 2, width_ratios=[1.7, 1])
    for ax in (ax_norms, ax_sv):
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(  # 10⁻⁵ as plain text: mathtext is slower
            lambda v, _: "10" + f"{np.log10(v):.0f}".translate(RNN_SUPERSCRIPTS)))
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.grid(alpha=0.3)
    steps_back = np.arange(RNN_MAX_LENGTH, -1, -1)     # T - k for k = 0..T, sliced per T
    (norm_line,) = ax_norms.plot(steps_back, np.ones(len(steps_back)), "o-", ms=3,
                                 color="tab:blue", label=r"$\|\partial h_T/\partial h_k\|_2$")
    (power_line,) = ax_norms.plot(steps_back, np.ones(len(steps_back)), "--", color="tab:gray",
                                  label=r"$\rho(W)^{T-k}$")
    ax_norms.set_xlabel("T − k (steps the gradient travels back)")
    ax_norms.set_ylabel("spectral norm (log scale)")
    ax_norms.legend(loc="lower left", fontsize=10)
    index = np.arange(1, RNN_HIDDEN + 1)
    (sv_product,) = ax_sv.plot(index, np.ones(RNN_HIDDEN), "o-", color="tab:red", ms=4)
    (sv_W,) = ax_sv.plot(index, np.ones(RNN_HIDDEN), "s--", color="tab:gray", ms=3)
    ax_sv.set_xlim(0.5, RNN_HIDDEN + 0.5)
    ax_sv.set_xlabel("index i (largest first)")
    ax_sv.set_ylabel("singular value σᵢ (log scale)")
    ax_norms.set_title(" ")
    ax_sv.set_title(r"σᵢ of $\partial h_T/\partial h_0$ (red) and of $W$ (grey)")  # no legend
    view.set_moving([norm_line, power_line, sv_product, sv_W, ax_norms.title])
    readout = widgets.HTML()

    def set_axes(T, norm_range, sv_range):  # always set: the lines are drawn with these limits
        view.key = (T, norm_range, sv_range)  # a new key: FigureView draws and caches a background
        ax_norms.set_xlim(-0.02 * T, 1.02 * T)
        for ax, (low, high) in ((ax_norms, norm_range), (ax_sv, sv_range)):
            ax.set_ylim(10.0 ** low, 10.0 ** high)
            step = 5 if high - low <= 30 else 10
            ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(low, high + 1, step)))

    def update(values):
        T, phi, rho = values["length"], values["nonlinearity"], values["radius"]
        W = W_unit * rho
        trace = rnn.rnn_forward(W, U, xs[:T], nonlinearity=phi)
        norms = rnn.jacobian_norms(trace)                    # k = 0..T, one pass backwards
        power = rho ** (T - np.arange(T + 1))
        sv_of_product = np.linalg.svd(rnn.jacobian_through_time(trace, 0), compute_uv=False)
        sv_of_W = np.linalg.svd(W, compute_uv=False)
        sv_range = _rnn_log_range(sv_of_product, sv_of_W)
        set_axes(T, _rnn_log_range(norms, power), sv_range)
        norm_line.set_data(steps_back[-T - 1:], np.where(norms > 0, norms, np.nan))  # no zeros
        power_line.set_data(steps_back[-T - 1:], power)
        ax_norms.title.set_text(f"{phi} RNN, ρ(W) = {rho:.2f}, T = {T}: gradient norm")
        sv_product.set_ydata(np.where(sv_of_product > 0, sv_of_product, np.nan))
        sv_W.set_ydata(sv_of_W)
        hidden = np.sum(sv_of_product < 10.0 ** sv_range[0])
        readout.value = (
            f"ρ(W) = {rho:.2f}, ‖W‖₂ = σ₁(W) = {sv_of_W[0]:.3g}, {phi}, T = {T}: "
            f"‖∂h<sub>T</sub>/∂h<sub>T−1</sub>‖ = {norms[T - 1]:.3g}, "
            f"‖∂h<sub>T</sub>/∂h<sub>0</sub>‖ = <b>{norms[0]:.3g}</b>; singular values of "
            f"∂h<sub>T</sub>/∂h<sub>0</sub> from {sv_of_product[0]:.3g} down to "
            f"{sv_of_product[-1]:.3g}" + (f" ({hidden} below the plotted range)" if hidden else ""))

    return Explorer(controls, view, readout, update)

# (end of 06 Jacobians through time)
