"""Texts drawn from cached pixels: the canvas every FigureView draws on.

Rendering a text costs matplotlib's Agg about 0.3 ms (the font's layout, then each glyph), and
text is most of what an explorer draws for a new setting: tick labels, titles, the numbers in
cells, the same few strings again and again. This canvas keeps the coverage (an alpha mask) of
each text line it drew, keyed by the string, its font, and where it falls within a pixel
(to a quarter pixel), and blends the mask in the text's colour the next time: 0.03 ms.
Rotated texts are drawn as usual.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

MOST_TEXTS = 2048  # masks kept per canvas (each a few hundred bytes)
PHASES = 4  # positions within a pixel told apart
PLAIN = "plain"  # a text the cache leaves to matplotlib


def _mask(renderer, gc, x_phase, y_phase, s, prop, ismath, mtext):
    """(coverage, left, bottom) of the text drawn at (x_phase, y_phase) from an origin (left and
    bottom, exclusive and counted downwards, relative to it); None if it covers no pixel;
    PLAIN if it did not fit the scratch canvas sized from the font (drawn as usual then)."""
    size = int(math.ceil(prop.get_size_in_points() * renderer.dpi / 72))  # no layout: as
    pad = 2 * size + 4  # costly as the drawing; a text that touches the edge is refused
    origin_x, origin_y = pad, 2 * pad
    scratch = RendererAgg(len(s) * size + 2 * pad, 3 * pad, renderer.dpi)
    scratch_gc = scratch.new_gc()
    scratch_gc.set_foreground((0, 0, 0, 1))
    scratch_gc.set_antialiased(gc.get_antialiased())
    RendererAgg.draw_text(scratch, scratch_gc, origin_x + x_phase, origin_y + y_phase, s, prop,
                          0, ismath=ismath, mtext=mtext)
    coverage = np.asarray(scratch.buffer_rgba())[..., 3]
    rows, columns = np.nonzero(np.any(coverage, axis=1))[0], np.nonzero(np.any(coverage, axis=0))[0]
    if not len(rows):
        return None
    top, bottom, left, right = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
    if top == 0 or left == 0 or bottom == coverage.shape[0] or right == coverage.shape[1]:
        return PLAIN
    return (np.ascontiguousarray(coverage[top:bottom, left:right]), left - origin_x,
            bottom - origin_y)


def _draw_text(renderer, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    if angle != 0 or ismath == "TeX":
        return RendererAgg.draw_text(renderer, gc, x, y, s, prop, angle, ismath=ismath,
                                     mtext=mtext)
    x_whole, y_whole = math.floor(x), math.floor(y)
    x_phase = round((x - x_whole) * PHASES) / PHASES
    y_phase = round((y - y_whole) * PHASES) / PHASES
    key = (s, hash(prop), bool(ismath), gc.get_antialiased(), x_phase, y_phase)
    cache = renderer.text_masks
    if key in cache:
        cache.move_to_end(key)
    else:
        cache[key] = _mask(renderer, gc, x_phase, y_phase, s, prop, ismath, mtext)
        while len(cache) > MOST_TEXTS:
            cache.popitem(last=False)
    if cache[key] is PLAIN:
        return RendererAgg.draw_text(renderer, gc, x, y, s, prop, angle, ismath=ismath,
                                     mtext=mtext)
    if cache[key] is not None:
        coverage, left, bottom = cache[key]
        renderer._renderer.draw_text_image(coverage, x_whole + left, y_whole + bottom, 0, gc)
    return None


class TextCachingCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer draws texts from cached masks (see the module)."""

    def get_renderer(self, *args, **kwargs):
        renderer = super().get_renderer(*args, **kwargs)
        if not hasattr(renderer, "text_masks"):
            renderer.text_masks = OrderedDict()
            renderer.draw_text = _draw_text.__get__(renderer)
        return renderer
