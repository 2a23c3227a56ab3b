"""What every explorer shares: the FigureView, its controls and their argument checks (the
Explorer box itself is in _explorer.py).

The figure is a plain matplotlib Figure (no pyplot, so nothing is shown twice) rendered to PNG
into an `ipywidgets.Image`: callbacks change the artists (`set_data`, `set_text`, ...) and call
`view.refresh()`. This works the same in JupyterLab, Notebook 7, Voila and a static page.
"""

from __future__ import annotations

import struct
import zlib
from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ._text_pixels import TextCachingCanvas


class FigureView:
    """A matplotlib figure shown as a PNG image widget, updated in place and redrawn cheaply.

    The static part (axes, ticks, labels, headings) is drawn in full once per `key` and kept
    as pixels; `refresh` restores those pixels, draws only the artists registered with
    `set_moving` on top and encodes the PNG: a few ms instead of a full draw, since text is
    what costs most to render. A callback changes the artists (`set_data`, `set_text`, ...),
    sets `key` when the static part must change (e.g. other axis limits), then refreshes.
    Artists registered with `set_keyed` change with the key only: what is neither keyed nor
    moving (captions, fixed axes) is drawn once into a frame, and a new key draws only the
    keyed artists over it.
    Axes keep fixed positions (no layout engine), so the cached pixels stay valid. Each
    background is a full figure of pixels, so only the `most_backgrounds` latest are kept.
    """

    def __init__(self, figsize=(8, 4), dpi=80, margins: dict | None = None,
                 most_backgrounds: int = 12):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        if margins:
            self.figure.subplots_adjust(**margins)
        self.canvas = TextCachingCanvas(self.figure)  # texts drawn again from their pixels
        self.width = int(round(figsize[0] * dpi))  # shown at its own size: sharp, never stretched
        self._image = None
        self.moving: list = []
        self.keyed: list = []
        self.frame = None  # pixels of what no key changes, when there are keyed artists
        self.backgrounds: OrderedDict = OrderedDict()  # key -> pixels, oldest first
        self.most_backgrounds = most_backgrounds
        self.key = None

    @property
    def image(self) -> widgets.Image:
        """The image widget showing the figure (made on first use: a figure built again for an
        explorer is given the widget the front end already shows)."""
        if self._image is None:
            self._image = widgets.Image(format="png", width=self.width,
                                        layout=widgets.Layout(max_width="100%", height="auto"))
        return self._image

    @image.setter
    def image(self, widget: widgets.Image) -> None:
        self._image = widget

    def release(self) -> None:
        """Drop the figure, its canvas and every pixel this view keeps (backgrounds, the
        renderer's buffer); the image widget stays, with the last picture."""
        self.backgrounds.clear()
        self.frame = None
        if self.canvas is not None:
            self.canvas.__dict__.pop("renderer", None)
        self.figure = self.canvas = None
        self.moving, self.keyed = [], []

    def lay_out(self, *states, pad: float = 0.4) -> None:
        """Place the axes once so that every label fits, at the font sizes in force (a deck
        sets larger ones); updates never move them (no layout engine per update). `states`
        are callables that each put the figure in a state its labels can take (another map,
        the widest tick labels): the layout leaves room for all of them."""
        fits = []
        for state in states or [lambda: None]:
            state()
            self.figure.tight_layout(pad=pad)
            fit = self.figure.subplotpars
            fits.append((fit.left, fit.bottom, fit.right, fit.top, fit.wspace, fit.hspace))
        lefts, bottoms, rights, tops, wspaces, hspaces = zip(*fits, strict=True)
        self.figure.subplots_adjust(left=max(lefts), bottom=max(bottoms), right=min(rights),
                                    top=min(tops), wspace=max(wspaces), hspace=max(hspaces))
        self.backgrounds.clear()
        self.frame = None

    def set_moving(self, artists) -> None:
        self.moving = list(artists)
        for artist in self.moving:
            artist.set_animated(True)  # left out of full draws, drawn by refresh

    def set_keyed(self, artists) -> None:
        self.keyed = list(artists)
        for artist in self.keyed:
            artist.set_animated(True)  # left out of the frame, drawn over it per key
        self.frame = None

    def draw_background(self) -> None:
        """Draw the static part for the current key and keep its pixels."""
        if self.frame is None:
            self.canvas.draw()  # all but the keyed and moving artists
            if self.keyed:
                self.frame = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self.frame)
        for artist in self.keyed:
            if artist.get_visible():
                (artist.axes or self.figure).draw_artist(artist)
        self.backgrounds[self.key] = self.canvas.copy_from_bbox(self.figure.bbox)
        while len(self.backgrounds) > self.most_backgrounds:
            self.backgrounds.popitem(last=False)

    def refresh(self) -> None:
        if self.key not in self.backgrounds:
            self.draw_background()
        else:
            self.backgrounds.move_to_end(self.key)
            self.canvas.restore_region(self.backgrounds[self.key])
        for ax in self.figure.axes:
            ax.apply_aspect()  # the same box the background was drawn with
        for artist in self.moving:
            if artist.get_visible():
                (artist.axes or self.figure).draw_artist(artist)  # figure texts too
        self.image.value = png_bytes(np.asarray(self.canvas.buffer_rgba()))


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_bytes(rgba: np.ndarray) -> bytes:
    """An opaque (height, width, 4) uint8 picture as PNG: RGB (alpha is a quarter of the work),
    no row filter and zlib level 1. A figure is mostly flat colour, so this is as small as
    Pillow's adaptive filters (within a few %) in half the time (5 ms, not 12, for 1000 × 600)."""
    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) at the start of every row
    rows[:, 1:].reshape(height, width, 3)[...] = rgba[..., :3]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows, 1)) + _png_chunk(b"IEND", b""))


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




def float_slider(description: str, value: float, low: float, high: float,
                  step: float = 0.01) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=False, readout_format=".2f",
                               style={"description_width": "initial"})


class Frame(Rectangle):
    """A rectangle around an image on `ax`; `fit(shape)` follows the image when it changes shape."""

    def __init__(self, ax, **style):
        super().__init__((-0.5, -0.5), 1, 1, fill=False, clip_on=False,
                         **{"edgecolor": "black", "linewidth": 1, **style})
        ax.add_patch(self)

    def fit(self, shape) -> None:
        rows, cols = shape
        self.set_xy((-0.5, -0.5))
        self.set_width(cols)
        self.set_height(rows)


def html_table(rows, header=None, align: str = "right") -> str:
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


def dropdown(description: str, options, value) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=description,
                            style={"description_width": "initial"},
                            layout=widgets.Layout(width="170px"))


def check_whole(name: str, value, low: int, high: int, high_name: str = "",
                step: int = 1) -> int:
    """An explorer's whole-number argument: TypeError if it is not one, ValueError if it is
    outside [low, high] (or off the slider's step), each naming the argument and its range."""
    allowed = (f"a whole number between {low} and {high_name or high}"
               + (f" in steps of {step}" if step != 1 else ""))
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {allowed}; got {value!r} ({type(value).__name__})")
    if not low <= value <= high or (value - low) % step:
        raise ValueError(f"{name} must be {allowed}; got {value!r}")
    return int(value)


def check_real(name: str, value, low: float, high: float) -> float:
    """An explorer's real-number argument, as check_whole."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number between {low} and {high}; got {value!r} "
                        f"({type(value).__name__})")
    if not low <= value <= high:  # NaN fails this too
        raise ValueError(f"{name} must be a number between {low} and {high}; got {value!r}")
    return float(value)


def check_choice(name: str, value, options) -> None:
    options = list(options)
    if not isinstance(value, str | int) or isinstance(value, bool) or value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")


def check_sizes(max_size: int, largest: int, **sizes) -> None:
    check_whole("max_size", max_size, 1, largest, f"{largest} (a readable picture)")
    for name, value in sizes.items():
        check_whole(name, value, 1, max_size, f"max_size = {max_size}")
