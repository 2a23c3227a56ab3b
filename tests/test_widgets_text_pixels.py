"""The canvas of every FigureView (utils/widgets/_text_pixels.py): texts drawn again from
cached pixels look as matplotlib draws them, and the cache stays bounded."""

import numpy as np


def test_texts_drawn_from_cached_pixels_look_as_drawn_by_matplotlib():
    """The view's canvas draws a text line again from its cached mask: the picture must be
    matplotlib's own (up to a quarter pixel of position), and the masks stay bounded."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from utils.widgets import _text_pixels

    def picture(canvas_class, x):
        figure = Figure(figsize=(3, 1), dpi=100)
        canvas = canvas_class(figure)
        figure.text(x, 0.6, "Tg −0.7 ∂c", fontsize=12, color="tab:red")
        figure.text(0.5, 0.2, r"$\partial h_T$ and more", fontsize=12)
        figure.text(0.9, 0.5, "turned", rotation=90)
        for _ in range(2):  # the second draw takes every text from the cache
            canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)

    for x in (0.1, 0.1033, 0.2171):
        cached, plain = picture(_text_pixels.TextCachingCanvas, x), picture(FigureCanvasAgg, x)
        assert np.abs(cached - plain).max() <= 64, x
        assert np.mean(np.abs(cached - plain).max(axis=-1) > 16) < 0.01, x
    canvas = _text_pixels.TextCachingCanvas(Figure(figsize=(3, 1), dpi=100))
    texts = [canvas.figure.text(0.1, 0.5, "") for _ in range(10)]
    for k in range(_text_pixels.MOST_TEXTS // 10 + 5):
        for j, text in enumerate(texts):
            text.set_text(f"{k}.{j}")
        canvas.draw()
    assert len(canvas.get_renderer().text_masks) == _text_pixels.MOST_TEXTS
