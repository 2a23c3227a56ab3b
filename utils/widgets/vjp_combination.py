"""The centrepiece's figure (04-efficient-vjp): weights × blocks summed into dL/dX, next to the
VJP, on one colour scale; below, what each route costs at this size.

Drawn once, then updated in place: `CombinationFigure.show(state)` moves artists and sets
`view.key` to what the cached background depends on (sizes, wrt, colour limit).
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import SymLogNorm
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from ..costs import DEFAULT_MAX_BYTES, format_bytes
from ..plotting._matrices import SIGNED_CMAP
from ..plotting.matrix_by_matrix import HIGHLIGHT_COLOUR
from ._view import FigureView, Frame

WIDTH, HEIGHT = 1000, 600  # pixels of the figure (10 x 6 in at 100 dpi)
BOXES = {"weights": (0.02, 0.36, 0.12, 0.49),  # figure fractions: left, bottom, width, height
         "tensor": (0.18, 0.36, 0.36, 0.49),
         "running": (0.59, 0.36, 0.14, 0.49),
         "vjp": (0.77, 0.36, 0.14, 0.49)}
LINEAR_UP_TO = 1.0  # the colour scale is linear in [-1, 1], logarithmic beyond
NUMBERS_UP_TO = 4  # sizes up to 4 show the numbers in the cells, if cells are large enough
NUMBERS_FROM_PIXELS = 40  # ... at least this many pixels a side ("-0.7" at 11 pt is 30)
MOST_PIXELS_PER_ENTRY = 48
TEXT, SMALL_TEXT = 12, 11  # points at 100 dpi: 16 px and more once the picture spans a slide


def _sub(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def entry_name(i: int, j: int) -> str:
    """c_ij with 1-based subscripts, comma-separated past 9: c₁₂, c₁₂,₃."""
    return f"c{_sub(i + 1)}{',' if max(i, j) >= 9 else ''}{_sub(j + 1)}"


def seconds_text(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


def signed_norm(limit: float) -> SymLogNorm:
    """One colour scale for every picture: linear near zero, logarithmic past LINEAR_UP_TO, so
    the tensor's entries stay visible next to sums of many of them; equal colours, equal values."""
    return SymLogNorm(LINEAR_UP_TO, linscale=1.0, vmin=-limit, vmax=limit, base=10)


class CombinationFigure:
    """Four pictures on one scale (one square = one float64) and two cost bars, updated in place.

    Only what an entry changes is redrawn per update (the running sum, the outlines, the
    heading); the rest is background, drawn once per (sizes, wrt, seed) and cached.
    """

    def __init__(self):
        self.view = view = FigureView(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100)
        view.image.add_class("wide-picture")  # live slides give it more height (course_present)
        figure = view.figure
        self.axes, self.images, self.frames, self.titles, self.numbers = {}, {}, {}, {}, {}
        for name, box in BOXES.items():
            ax = self.axes[name] = figure.add_axes(box)
            ax.set_axis_off()
            self.images[name] = ax.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP,
                                          interpolation="nearest")
            self.frames[name] = Frame(ax)
            self.titles[name] = ax.text(0, 1.02, "", fontsize=SMALL_TEXT, va="bottom",
                                        transform=ax.transAxes, clip_on=False)
            most = NUMBERS_UP_TO**3 if name == "tensor" else NUMBERS_UP_TO**2
            self.numbers[name] = [ax.text(0, 0, "", ha="center", va="center",
                                          fontsize=SMALL_TEXT)
                                  for _ in range(most)]
        self.borders = self.axes["tensor"].add_collection(LineCollection(
            [], colors="black", linewidths=1.2))
        self.lit = {name: self.axes[name].add_patch(Rectangle(
            (0, 0), 1, 1, fill=False, linewidth=3, edgecolor=HIGHLIGHT_COLOUR, zorder=5,
            clip_on=False)) for name in ("weights", "tensor", "running")}
        self.refusal = self.axes["tensor"].text(0.5, 0.5, "", ha="center", va="center",
                                                fontsize=TEXT, color="firebrick",
                                                transform=self.axes["tensor"].transAxes)
        for x, symbol in ((0.16, "×"), (0.565, "Σ→"), (0.75, "=")):
            figure.text(x, 0.8, symbol, ha="center", va="center", fontsize=18, color="dimgray")
        self._colour_bar(figure.add_axes((0.925, 0.38, 0.014, 0.44)))
        self.heading = figure.text(0.5, 0.955, "", ha="center", va="center", fontsize=TEXT + 1)
        self.memory_ax = figure.add_axes((0.19, 0.09, 0.3, 0.17))
        self.time_ax = figure.add_axes((0.65, 0.09, 0.27, 0.17))
        self.bars = {}
        for ax, names, low, high, title in (
                (self.memory_ax, ("tensor", "vjp", "extrapolated"), 8, 2**46,
                 "memory (float64); dashed: the budget"),
                (self.time_ax, ("tensor", "vjp"), 1e-6, 10, "time, measured once at this size")):
            ax.set_xscale("log")
            ax.set_xlim(low, high)
            ax.set_ylim(len(names) - 0.5, -0.5)
            ax.set_title(title, fontsize=TEXT)
            ax.tick_params(labelsize=SMALL_TEXT)
            for k, name in enumerate(names):
                colour = "tab:blue" if name == "vjp" else "tab:red"
                bar = ax.barh(k, 1, left=low, height=0.6, color=colour,
                              alpha=0.4 if name == "extrapolated" else 1)[0]
                self.bars[ax, name] = (bar, ax.text(low, k, "", va="center",
                                                    fontsize=SMALL_TEXT))
        self.memory_ax.set_yticks([])  # its row names change with wrt: texts, keyed
        self.memory_names = [self.memory_ax.text(
            -0.01, k, "", transform=self.memory_ax.get_yaxis_transform(), ha="right",
            va="center", fontsize=SMALL_TEXT) for k in range(3)]
        self.memory_ax.axvline(DEFAULT_MAX_BYTES, color="gray", linestyle="--", linewidth=1)
        self.memory_ax.set_xticks([1, 2**10, 2**20, 2**30, 2**40],
                                  ["1 B", "1 KiB", "1 MiB", "1 GiB", "1 TiB"])
        self.time_ax.set_xticks([1e-6, 1e-3, 1.0], ["1 µs", "1 ms", "1 s"])  # plain text:
        for ax in (self.memory_ax, self.time_ax):  # mathtext and minor
            ax.xaxis.set_minor_locator(NullLocator())  # ticks cost most of a full draw
            ax.yaxis.set_minor_locator(NullLocator())
        figure.text(0.5, 0.012, "one square = one float64 (8 bytes), white = 0; the green "
                    "outlines move together", ha="center", fontsize=SMALL_TEXT, color="dimgray")
        self.time_ax.set_yticks(range(2), ["tensor route", "VJP"])
        view.set_keyed([*self.axes.values(), *self.scale_labels,
                        self.scale_marks, *self.memory_names,
                        *(a for name in ("tensor", "vjp", "extrapolated")
                          for a in self.bars[self.memory_ax, name])])  # the rest: drawn once
        timings = [artist for name in ("tensor", "vjp") for artist in self.bars[self.time_ax, name]]
        view.set_moving([self.heading, self.images["running"], self.frames["running"],
                         *self.numbers["running"],
                         *self.lit.values(), *timings])  # timings fill in after the picture

    def _colour_bar(self, ax) -> None:
        """The colour scale drawn by hand: matplotlib's colour bar recomputes its mesh and
        ticks for every new scale (20 ms a key); this one only moves a few labels. Its y axis
        spans -limit .. limit; the colours are even in the norm, as a colour bar's are."""
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        self.scale_ax = ax
        self.scale_image = ax.imshow(np.linspace(1, -1, 256)[:, None], cmap=SIGNED_CMAP,
                                     vmin=-1, vmax=1, aspect="auto", interpolation="nearest",
                                     extent=(0, 1, -1, 1))
        ax.add_patch(Rectangle((0, 0), 1, 1, fill=False, linewidth=0.8,
                               transform=ax.transAxes, clip_on=False))
        self.scale_marks = ax.add_collection(LineCollection(
            [], colors="black", linewidths=0.8, transform=ax.transAxes, clip_on=False))
        self.scale_labels = [ax.text(1.5, 0, "", va="center", fontsize=SMALL_TEXT,
                                     transform=ax.transAxes, clip_on=False) for _ in range(5)]
        ax.text(0.5, 1.03, "one scale\nfor all", ha="center", va="bottom", fontsize=SMALL_TEXT,
                transform=ax.transAxes)

    def _show_colour_scale(self, norm, limit: float) -> None:
        ticks = sorted({-limit, 0.0, limit} | ({-LINEAR_UP_TO, LINEAR_UP_TO}
                                               if limit >= 3 else set()))
        self.scale_ax.set_ylim(-limit, limit)
        self.scale_image.set_extent((0, 1, -limit, limit))
        heights = [float(h) for h in norm(np.array(ticks))]  # one call: a norm is slow
        self.scale_marks.set_segments([[(1, y), (1.35, y)] for y in heights])
        for label, tick, y in zip(self.scale_labels, [*ticks, None, None], heights + [0, 0],
                                  strict=False):
            label.set_visible(tick is not None)
            label.set_text("" if tick is None else f"{tick:g}")
            label.set_y(y)

    def _place(self, shapes: dict) -> None:
        """One entry = the same pixels in every picture, anchored at each box's top left."""
        boxes = {name: (BOXES[name][2] * WIDTH, BOXES[name][3] * HEIGHT) for name in BOXES}
        scale = min([MOST_PIXELS_PER_ENTRY] + [min(boxes[name][0] / cols, boxes[name][1] / rows)
                                               for name, (rows, cols) in shapes.items()])
        self.pixels_per_entry = scale
        for name, (rows, cols) in shapes.items():
            width, height = boxes[name]
            ax = self.axes[name]
            ax.set_aspect("auto")
            ax.set_xlim(-0.5, width / scale - 0.5)
            ax.set_ylim(height / scale - 0.5, -0.5)
            self.frames[name].fit((rows, cols))

    def _image(self, name, matrix, norm, extent_shape=None) -> None:
        rows, cols = extent_shape or matrix.shape
        image = self.images[name]
        image.set_data(matrix)
        image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        image.set_norm(norm)

    def _write_numbers(self, name, matrix, show: bool, fmt: str = "{:.1f}") -> None:
        """Numbers in the cells, white where the colour is dark (|value| > self.dark)."""
        texts = self.numbers[name]
        cells = [(r, c, v) for (r, c), v in np.ndenumerate(matrix) if v != 0] if show else []
        for text, (row, col, value) in zip(texts, cells, strict=False):
            text.set_position((col, row))
            text.set_text(fmt.format(value).replace("-0.0", "0.0"))
            text.set_color("white" if abs(value) > self.dark else "black")
            text.set_visible(True)
        for text in texts[len(cells):]:
            text.set_visible(False)

    def show(self, state) -> None:
        """Draw a `VjpState` (see utils/widgets/vjp.py). Another entry of the same setting only
        moves the running sum, the outlines and the heading: the rest is the background."""
        s, wrt = state, state.wrt
        key = (s.sizes, wrt, s.seed)  # what the background shows
        if key != self.view.key:
            self.view.key = key
            self._show_background(s)
        self.images["running"].set_data(s.running)
        self._write_numbers("running", s.running, self.numbers_shown)
        self._outline(s)
        self._time_bars(s)

    def _show_background(self, s) -> None:
        M, N, P = s.sizes
        wrt = s.wrt
        rows, cols = s.layout_shape
        xr, xc = s.vjp.shape
        norm = signed_norm(s.limit)
        self.dark = float(norm.inverse(0.8))  # past 0.3 from the middle the colour is dark
        self._show_colour_scale(norm, s.limit)
        self._place({"weights": s.dL_dC.shape, "tensor": (rows, cols),
                     "running": s.vjp.shape, "vjp": s.vjp.shape})
        self.numbers_shown = (max(s.sizes) <= NUMBERS_UP_TO and s.refused is None
                              and self.pixels_per_entry >= NUMBERS_FROM_PIXELS)
        for name, matrix in (("weights", s.dL_dC), ("running", s.running), ("vjp", s.vjp),
                             ("tensor", s.tensor_pixels)):
            self._image(name, matrix, norm, (rows, cols) if name == "tensor" else None)
            self._write_numbers(name, matrix, self.numbers_shown,
                                "{:.2f}" if name == "weights" and M * P <= 4 else "{:.1f}")
        self.images["tensor"].set_visible(s.refused is None)
        self.refusal.set_text("" if s.refused is None else s.refused)
        self.borders.set_segments(
            [] if s.refused is not None or max(M, P) > 16 else
            [[(-0.5, k * xr - 0.5), (cols - 0.5, k * xr - 0.5)] for k in range(1, M)]
            + [[(k * xc - 0.5, -0.5), (k * xc - 0.5, rows - 0.5)] for k in range(1, P)])
        formula = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"
        self.titles["weights"].set_text(f"weights dL/dC\n{M} × {P}")
        self.titles["tensor"].set_text(
            f"blocks ∂c_ij/∂{wrt}: dC/d{wrt} {s.costs.tensor_shape}, "
            f"{format_bytes(s.costs.tensor_bytes)}"
            + ("" if s.pixel_entries == 1 or s.refused else
               f"\ndrawn at true size: a pixel = {s.pixel_entries} × {s.pixel_entries} entries"))
        self.titles["running"].set_text("running sum\nΣ weight × block")
        self.titles["vjp"].set_text(f"VJP: {formula}\n{format_bytes(s.costs.vjp_bytes)}")
        self._bars(s)

    def _outline(self, s) -> None:
        """The entry's weight, its block and the part of the sum it changes, in green."""
        M, P, wrt = s.sizes[0], s.sizes[2], s.wrt
        xr, xc = s.vjp.shape
        i, j = s.entry
        self.lit["weights"].set_bounds(j - 0.5, i - 0.5, 1, 1)
        self.lit["tensor"].set_bounds(j * xc - 0.5, i * xr - 0.5, xc, xr)
        self.lit["tensor"].set_visible(s.refused is None)
        if wrt == "A":  # block (i, j) of dC/dA only has row i: it adds to row i of dL/dA
            self.lit["running"].set_bounds(-0.5, i - 0.5, xc, 1)
        else:  # block (i, j) of dC/dB only has column j
            self.lit["running"].set_bounds(j - 0.5, -0.5, 1, xr)
        name = entry_name(i, j)
        done = s.entry_number == M * P
        self.heading.set_text(
            f"entry {s.entry_number} of {M * P}: weight dL/d{name} = {s.dL_dC[i, j]:+.2f} "
            f"× block ∂{name}/∂{wrt} added" + (": all added, the sum equals the VJP" if done
                                                else " to the running sum"))

    def _bars(self, s) -> None:
        """The memory bars (part of the background)."""
        costs, at_1000 = s.costs, s.costs_at_1000
        memory = {"tensor": (costs.tensor_bytes, f"dC/d{s.wrt}" + (" (refused)" if s.refused
                                                                   else ""),
                             format_bytes(costs.tensor_bytes)),
                  "vjp": (costs.vjp_bytes, f"dL/d{s.wrt}", format_bytes(costs.vjp_bytes)),
                  "extrapolated": (at_1000.tensor_bytes, f"dC/d{s.wrt} at n = 1000",
                                   f"{format_bytes(at_1000.tensor_bytes)}: extrapolated")}
        self._set_bars(self.memory_ax, {name: (value, reading)
                                        for name, (value, _, reading) in memory.items()})
        for text, (_, label, _) in zip(self.memory_names, memory.values(), strict=True):
            text.set_text(label)

    def _time_bars(self, s) -> None:
        """The timings: drawn over the background, so that they fill in when measured."""
        if s.measuring:
            times = {"tensor": (None, "refused: not built" if s.refused else "measuring…"),
                     "vjp": (None, "measuring…")}
        else:
            times = {"tensor": (s.tensor_seconds, "refused: not built" if s.tensor_seconds is None
                                else seconds_text(s.tensor_seconds)),
                     "vjp": (s.vjp_seconds, seconds_text(s.vjp_seconds))}
        self._set_bars(self.time_ax, times)

    def _set_bars(self, ax, rows: dict) -> None:
        low = ax.get_xlim()[0]
        for name, (value, reading) in rows.items():
            bar, text = self.bars[ax, name]
            bar.set_width(max((value or low) - low, 0))
            inside = name == "extrapolated"  # the longest bar: its label goes inside
            text.set_position((value / 1.5 if inside else max(value or low, low) * 1.5,
                               bar.get_y() + 0.3))
            text.set_horizontalalignment("right" if inside else "left")
            text.set_text(reading)
