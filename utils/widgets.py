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
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
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
    next to the parallelogram spanned by δ·(the Jacobian's columns), with det J."""
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
    view = FigureView(figsize=(10, 4), dpi=72,
                     margins={"left": 0.06, "right": 0.99, "bottom": 0.12, "top": 0.88,
                              "wspace": 0.25})
    picture = WarpPicture(*view.figure.subplots(1, 3, width_ratios=(1, 1.3, 1)))
    view.set_moving(picture.moving_artists())
    for name, plane_map in PLANE_MAPS.items():  # each map's grid drawn once, up front
        view.key = name
        picture.show_map(plane_map)
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
        picture.show_map(plane_map)
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
        outline = square_outline(point, size)
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
    view = FigureView(figsize=(8.5, 3.8), dpi=72,
                     margins={"left": 0.09, "right": 0.99, "bottom": 0.17, "top": 0.91,
                              "wspace": 0.3})
    bars = ChainCostBars(*view.figure.subplots(1, 2))
    view.set_moving(bars.moving_artists())
    readout = widgets.HTML()
    rng = np.random.default_rng(0)

    def update(values) -> None:
        widths = chain_widths(values["length"], values["input_width"], values["hidden_width"],
                              values["output_width"])
        costs = chain_costs(widths)
        jacobians = random_chain(widths, rng)
        seconds = [time_product(jacobians, order, repeats=3, budget=0.02)
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
            f"input side first: <b>{counts[0]:,}</b> multiplications, "
            f"{seconds[0] * 1e3:.3f} ms &nbsp;|&nbsp; loss side first: <b>{counts[1]:,}</b> "
            f"multiplications, {seconds[1] * 1e3:.3f} ms &nbsp;|&nbsp; {verdict}."
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


def tensor_explorer(m: int = 3, n: int = 2, p: int = 4, i: int = 1, j: int = 2,
                    wrt: str = "A", max_size: int = 6) -> Explorer:
    """dC/dA or dC/dB of C = A @ B as a matrix of matrices, with the block dc_ij/dX outlined."""
    from .costs import format_bytes, matmul_costs
    from .matmul import matmul_jacobian
    from .plotting import HIGHLIGHT_COLOUR, SIGNED_CMAP, TensorPicture, set_image

    _check_sizes(max_size, 8, m=m, n=n, p=p)
    if not (0 <= i < m and 0 <= j < p):
        raise ValueError(f"(i, j) must index C of shape ({m}, {p}); got ({i}, {j})")
    if wrt not in ("A", "B"):
        raise ValueError(f"wrt must be 'A' or 'B'; got {wrt!r}")
    rng = np.random.default_rng(0)  # fixed entries, so a picture can be compared with the next
    # entries in ±[0.2, 1]: never zero, so every zero in the picture is a structural zero
    A_full, B_full = (rng.choice([-1, 1], (max_size, max_size))
                      * np.round(rng.uniform(0.2, 1, (max_size, max_size)), 1) for _ in range(2))

    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "i": slider("entry c_ij: i", i, 0, m - 1),
                "j": slider("j", j, 0, p - 1),
                "wrt": _dropdown("derivative of C by", ["A", "B"], wrt)}
    view = FigureView(figsize=(9.5, 4.2), dpi=72)
    figure = view.figure
    ax_tensor = figure.add_axes((0.06, 0.1, 0.52, 0.76))
    ax_block = figure.add_axes((0.67, 0.1, 0.3, 0.76))
    ax_tensor.set_axis_off()
    ax_block.set_axis_off()
    picture = TensorPicture(ax_tensor, max_size, max_size, ticks=False)
    tensor_frame = _frame(ax_tensor)
    block_image = ax_block.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, vmin=-1, vmax=1,
                                  interpolation="nearest")
    block_frame = _frame(ax_block, edgecolor=HIGHLIGHT_COLOUR, linewidth=3)
    labels = [ax_block.text(0, 0, "", ha="center", va="center", fontsize=10)
              for _ in range(max_size)]  # the non-zero line of the block: b_lj or a_ik
    text = {"tensor": figure.text(0.32, 0.93, "", ha="center", fontsize=12),
            "block": figure.text(0.82, 0.93, "", ha="center", fontsize=12),
            "x": figure.text(0.32, 0.03, "", ha="center", fontsize=10),
            "y": figure.text(0.02, 0.48, "", va="center", rotation=90, fontsize=10)}
    view.set_moving([picture.image, *picture.row_lines, *picture.col_lines, tensor_frame,
                     picture.highlight, block_image, block_frame, *labels])
    readout = widgets.HTML()
    syncing = [False]  # True while slider limits are moved, so nested updates are skipped

    def update(values):
        if syncing[0]:
            return
        syncing[0] = True
        try:  # the sliders for i and j follow the shape of C; this may clamp their values
            controls["i"].max = values["m"] - 1
            controls["j"].max = values["p"] - 1
        finally:
            syncing[0] = False
        m, n, p, wrt = values["m"], values["n"], values["p"], values["wrt"]
        i, j = controls["i"].value, controls["j"].value
        A, B = A_full[:m, :n], B_full[:n, :p]
        tensor = matmul_jacobian(A, B, wrt)
        block = tensor[i, j]
        view.key = wrt
        text["tensor"].set_text(f"dC/d{wrt}: block (i, j) is ∂c_ij/∂{wrt}")
        text["block"].set_text(f"the outlined block ∂c_ij/∂{wrt}")
        text["x"].set_text(f"block column j; inside a block: column l of {wrt}")
        text["y"].set_text(f"block row i; inside: row k of {wrt}")
        picture.show(tensor, highlight=(i, j), limit=1.0)
        _fit_frame(tensor_frame, (tensor.shape[0] * tensor.shape[2],
                                  tensor.shape[1] * tensor.shape[3]))
        set_image(ax_block, block_image, block, limit=1.0)
        _fit_frame(block_frame, block.shape)
        for k, label in enumerate(labels):  # name the non-zeros; white squares are zeros
            label.set_visible(k < n)
            label.set_position((k, i) if wrt == "A" else (j, k))
            label.set_text(f"b{k}{j}" if wrt == "A" else f"a{i}{k}")
            value = (B[k, j] if wrt == "A" else A[i, k]) if k < n else 0
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
            (f"outlined block ∂c_{i}{j}/∂{wrt}",
             f"shape {block.shape}, {n} non-zeros of {block.size}: {where}"),
        ], align="left")

    return Explorer(controls, view, readout, update)
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
def _seconds(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


def tensor_vs_vjp_explorer(m: int = 3, n: int = 4, p: int = 5, seed: int = 0, wrt: str = "A",
                           max_size: int = 8) -> Explorer:
    """dL/dX of C = A @ B two ways: through the 4-D tensor dC/dX, and as one matrix product."""
    from .costs import format_bytes, matmul_costs
    from .matmul import chain_rule_via_tensor, matmul_jacobian
    from .plotting import TensorPicture, heatmap, set_image
    from .routes import best_time, vjp_route

    _check_sizes(max_size, 10, m=m, n=n, p=p)
    if wrt not in ("A", "B"):
        raise ValueError(f"wrt must be 'A' or 'B'; got {wrt!r}")
    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "seed": slider("random seed", seed, 0, 20),
                "wrt": _dropdown("gradient of L by", ["A", "B"], wrt)}
    view = FigureView(figsize=(10, 4.2), dpi=72)
    figure = view.figure
    ax_tensor = figure.add_axes((0.05, 0.1, 0.55, 0.76))
    ax_vjp = figure.add_axes((0.67, 0.1, 0.3, 0.76))
    ax_tensor.set_axis_off()
    ax_vjp.set_axis_off()
    picture = TensorPicture(ax_tensor, max_size, max_size, ticks=False)
    tensor_frame = _frame(ax_tensor)
    vjp_image = heatmap(ax_vjp, np.zeros((1, 1)))
    vjp_frame = _frame(ax_vjp)
    text = {"tensor": figure.text(0.325, 0.93, "", ha="center", fontsize=12),
            "vjp": figure.text(0.82, 0.93, "", ha="center", fontsize=12),
            "x": figure.text(0.325, 0.03, "", ha="center", fontsize=10),
            "y": figure.text(0.02, 0.48, "", va="center", rotation=90, fontsize=10),
            "vjp x": figure.text(0.82, 0.03, "", ha="center", fontsize=10)}
    view.set_moving([picture.image, *picture.row_lines, *picture.col_lines, tensor_frame,
                     vjp_image, vjp_frame])
    readout = widgets.HTML()

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

        formula = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"
        view.key = wrt
        text["tensor"].set_text(f"tensor route: build dC/d{wrt}, then Σ dL/dc_ij · ∂c_ij/∂{wrt}")
        text["vjp"].set_text(f"VJP route: dL/d{wrt} = {formula}")
        text["x"].set_text(f"block (i, j) = ∂c_ij/∂{wrt}; white = zero")
        text["y"].set_text(f"rows of the blocks: rows of {wrt}")
        text["vjp x"].set_text(f"dL/d{wrt}, shaped like {wrt}")
        picture.show(dC_dX)
        _fit_frame(tensor_frame, (dC_dX.shape[0] * dC_dX.shape[2],
                                  dC_dX.shape[1] * dC_dX.shape[3]))
        set_image(ax_vjp, vjp_image, via_vjp)
        _fit_frame(vjp_frame, via_vjp.shape)

        costs = matmul_costs(m, n, p, wrt)
        memory_ratio = costs.tensor_bytes / costs.vjp_bytes
        work_ratio = costs.tensor_multiplications / costs.vjp_multiplications
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
            ("time (best of 3)", _seconds(tensor_time), _seconds(vjp_time)),
            ("result", f"dL/d{wrt} {via_tensor.shape}", f"dL/d{wrt} {via_vjp.shape}"),
            ("largest |difference|", f"{difference:.1e}", ""),
        ], header=("", "tensor route", "VJP route"))

    return Explorer(controls, view, readout, update)
# (end of 04 The efficient VJP)


# === 05 The backward pass ===
# (end of 05 The backward pass)


# === 06 Jacobians through time ===

RNN_HIDDEN, RNN_INPUTS, RNN_MAX_LENGTH = 16, 4, 100  # small enough to redraw in milliseconds
RNN_LOG_RANGE = (1e-30, 1e22)  # fixed, so the axes are drawn once: covers every norm at any setting


def rnn_gradient_explorer(radius: float = 1.0, nonlinearity: str = "tanh",
                          length: int = 40) -> Explorer:
    """Spectral radius of W, nonlinearity, length T -> ||dh_T/dh_k|| against k; singular values."""
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
    # fixed axes (k up to the longest T, a log range that holds every norm) drawn once; each
    # update only redraws the lines and titles over that background
    view = FigureView(figsize=(9.5, 3.6), dpi=72,
                     margins={"left": 0.075, "right": 0.985, "bottom": 0.15, "top": 0.9,
                              "wspace": 0.22})
    ax_norms, ax_sv = view.figure.subplots(1, 2, width_ratios=[1.7, 1])
    for ax in (ax_norms, ax_sv):
        ax.set_yscale("log")
        ax.set_ylim(*RNN_LOG_RANGE)
        ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(-30, 21, 10)))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{np.log10(v):.0f}"))
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.grid(alpha=0.3)
    steps = np.arange(RNN_MAX_LENGTH + 1)
    (norm_line,) = ax_norms.plot(steps, np.ones(len(steps)), "o-", ms=3, color="tab:blue",
                                 label="‖∂h_T/∂h_k‖₂")
    (power_line,) = ax_norms.plot(steps, np.ones(len(steps)), "--", color="tab:gray",
                                  label="ρ(W)^(T−k)")
    end_line = ax_norms.axvline(length, color="tab:green", linewidth=1, label="k = T")
    ax_norms.set_xlim(-1, RNN_MAX_LENGTH + 1)
    ax_norms.set_xlabel("k (the earlier step the gradient reaches back to)")
    ax_norms.set_ylabel("spectral norm (log scale)")
    ax_norms.legend(loc="lower right", fontsize=9)
    index = np.arange(1, RNN_HIDDEN + 1)
    (sv_product,) = ax_sv.plot(index, np.ones(RNN_HIDDEN), "o-", color="tab:red", ms=4,
                               label="of ∂h_T/∂h_0")
    (sv_W,) = ax_sv.plot(index, np.ones(RNN_HIDDEN), "s--", color="tab:gray", ms=3, label="of W")
    ax_sv.set_xlim(0.5, RNN_HIDDEN + 0.5)
    ax_sv.set_xlabel("index i (largest first)")
    ax_sv.set_ylabel("singular value σ_i (log scale)")
    ax_sv.legend(loc="lower left", fontsize=9)
    ax_norms.set_title(" ")
    ax_sv.set_title(" ")
    view.set_moving([norm_line, power_line, end_line, sv_product, sv_W, ax_norms.title,
                     ax_sv.title])
    readout = widgets.HTML()

    def update(values):
        T, phi, rho = values["length"], values["nonlinearity"], values["radius"]
        W = W_unit * rho
        trace = rnn.rnn_forward(W, U, xs[:T], nonlinearity=phi)
        norms = rnn.jacobian_norms(trace)                    # k = 0..T, one pass backwards
        norm_line.set_data(steps[:T + 1], np.where(norms > 0, norms, np.nan))  # log: no zeros
        power_line.set_data(steps[:T + 1], rho ** (T - steps[:T + 1]))
        end_line.set_xdata([T, T])
        ax_norms.title.set_text(f"{phi} RNN, ρ(W) = {rho:.2f}: ‖∂h_T/∂h_k‖ back from T = {T}")
        sv_of_product = np.linalg.svd(rnn.jacobian_through_time(trace, 0), compute_uv=False)
        sv_of_W = np.linalg.svd(W, compute_uv=False)
        sv_product.set_ydata(np.where(sv_of_product > 0, sv_of_product, np.nan))
        sv_W.set_ydata(sv_of_W)
        ax_sv.title.set_text(f"singular values (T = {T})")
        hidden = np.sum(sv_of_product < RNN_LOG_RANGE[0])
        readout.value = (
            f"ρ(W) = {rho:.2f}, ‖W‖₂ = σ₁(W) = {sv_of_W[0]:.3g}, {phi}, T = {T}: "
            f"‖∂h<sub>T</sub>/∂h<sub>T−1</sub>‖ = {norms[T - 1]:.3g}, "
            f"‖∂h<sub>T</sub>/∂h<sub>0</sub>‖ = <b>{norms[0]:.3g}</b>; singular values of "
            f"∂h<sub>T</sub>/∂h<sub>0</sub> from {sv_of_product[0]:.3g} down to "
            f"{sv_of_product[-1]:.3g}" + (f" ({hidden} below the plotted range)" if hidden else ""))

    return Explorer(controls, view, readout, update)

# (end of 06 Jacobians through time)
