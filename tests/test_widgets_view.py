"""Every explorer in utils.widgets, driven through every control over its whole range.

Each setting must run without an exception and change what the learner sees (the figure or
the numbers). Explorers are found by name (`*_explorer`), so a new one is tested automatically.
"""

import inspect

import numpy as np
import pytest

from utils import widgets

EXPLORERS = sorted(name for name, obj in inspect.getmembers(widgets, inspect.isfunction)
                   if name.endswith("_explorer"))


def what_is_shown(explorer):
    return explorer.view.image.value, explorer.readout.value


def test_there_are_explorers():
    assert EXPLORERS, "utils.widgets defines no *_explorer function"


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_control_changes_the_display(name, capsys):
    explorer = getattr(widgets, name)()
    assert isinstance(explorer, widgets.Explorer)
    assert explorer.view.image.value, "nothing drawn at construction"
    assert explorer.controls, "an explorer needs at least one control"
    for control_name, control in explorer.controls.items():
        default = control.value
        for value in widgets.values_to_try(control) + [default]:
            before_value, before = control.value, what_is_shown(explorer)
            control.value = value
            if control.value != before_value:
                assert what_is_shown(explorer) != before, (
                    f"{name}: setting {control_name} from {before_value!r} to {value!r} "
                    f"changed neither the figure nor the readout")
    assert capsys.readouterr().out == "", "callbacks must not print (nbval would see it)"


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_builds_its_figure_once(name):
    """Updates change artists in place: the Figure object and its axes stay the same."""
    explorer = getattr(widgets, name)()
    figure, axes = explorer.view.figure, list(explorer.view.figure.axes)
    for control in explorer.controls.values():
        control.value = widgets.values_to_try(control)[-1]
    assert explorer.view.figure is figure
    assert explorer.view.figure.axes == axes


def test_caches_stay_bounded_whatever_the_controls_visit():
    from utils.widgets import rnn_gradient_explorer, tensor_vs_vjp_explorer, values_to_try
    from utils.widgets.vjp import MOST_MEASUREMENTS

    explorer = rnn_gradient_explorer()
    for radius in values_to_try(explorer.controls["radius"], most=23):
        for length in (5, 50, 100):
            explorer.controls["radius"].value, explorer.controls["length"].value = radius, length
    assert len(explorer.view.backgrounds) <= explorer.view.most_backgrounds
    explorer = tensor_vs_vjp_explorer()
    for seed in range(21):
        for m in (1, 2):
            explorer.controls["seed"].value, explorer.controls["m"].value = seed, m
    assert len(explorer.measurements) == MOST_MEASUREMENTS
    assert len(explorer.view.backgrounds) <= explorer.view.most_backgrounds


@pytest.mark.parametrize("name, arguments, moves", [
    ("tensor_vs_vjp_explorer", {"m": 3, "n": 2, "p": 4},
     (("seed", 5), ("wrt", "B"), ("scale", 4), ("entry", 7))),
    ("tensor_explorer", {"m": 2, "n": 3, "p": 2},
     (("m", 5), ("wrt", "B"), ("p", 1), ("i", 3), ("n", 1))),
    ("rnn_gradient_explorer", {},
     (("length", 15), ("radius", 1.4), ("nonlinearity", "relu"), ("radius", 0.6))),
])
def test_keyed_artists_drawn_over_the_frame_give_the_picture_a_full_draw_gives(
        name, arguments, moves):
    """A new key draws only the keyed artists over the frame drawn once: the picture must be
    the one drawing everything at once gives, for every key."""
    from explorer_driving import pixels

    explorer = getattr(widgets, name)(**arguments)
    view = explorer.view
    assert view.keyed, "the explorer draws its captions and fixed axes once"
    for control, value in moves:
        explorer.controls[control].value = value
        layered = pixels(explorer).astype(int)
        keyed, view.keyed, view.frame = view.keyed, [], None
        for artist in keyed:
            artist.set_animated(False)
        view.backgrounds.clear()
        view.refresh()
        whole = pixels(explorer).astype(int)
        view.set_keyed(keyed)
        view.backgrounds.clear()
        assert layered.shape == whole.shape
        assert np.mean(np.abs(layered - whole).max(axis=-1) > 16) < 1e-3, (control, value)


def test_png_bytes_decode_to_the_very_pixels_given():
    """The view's own PNG encoder (no filter, zlib level 1) is lossless for any picture."""
    import io

    from PIL import Image

    from utils.widgets._view import png_bytes

    rng = np.random.default_rng(0)
    for shape in ((1, 1), (3, 7), (60, 100)):
        rgba = rng.integers(0, 256, size=(*shape, 4), dtype=np.uint8)
        decoded = np.asarray(Image.open(io.BytesIO(png_bytes(rgba))).convert("RGB"))
        assert np.array_equal(decoded, rgba[..., :3]), shape


SLIDE_PICTURE_WIDTH = 1100  # pixels an explorer's picture spans on a 1280 × 720 slide
SLIDE_SMALLEST_TEXT = 16  # pixels: readable from the back of the room


def texts_shown(explorer):
    """The texts a draw of the picture shows (an axis keeps tick labels outside its limits,
    which it does not draw)."""
    from matplotlib.text import Text

    view = explorer.view
    figure = view.figure
    animated = [*view.keyed, *view.moving]  # placed as a full draw places them
    for artist in animated:
        artist.set_animated(False)
    try:
        figure.draw_without_rendering()
    finally:
        for artist in animated:
            artist.set_animated(True)
    hidden = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            drawn = set(axis._update_ticks()) if ax.axison and axis.get_visible() else set()
            hidden |= {id(label) for tick in [*axis.majorTicks, *axis.minorTicks]
                       if tick not in drawn for label in (tick.label1, tick.label2)}
    return [text for text in figure.findobj(Text)
            if text.get_visible() and text.get_text().strip() and id(text) not in hidden]


@pytest.mark.parametrize("font_size", [10, 15])  # matplotlib's default, the lecture deck's
@pytest.mark.parametrize("name", EXPLORERS)
def test_no_label_is_clipped_at_any_setting(name, font_size):
    """Every text of the picture lies inside it, at the font size in force when the explorer
    is made (the decks set a larger one), at the defaults and at both ends of every control."""
    import matplotlib

    with matplotlib.rc_context({"font.size": font_size}):
        explorer = getattr(widgets, name)()
        for control_name, control in [(None, None), *explorer.controls.items()]:
            for value in ([None] if control is None else widgets.values_to_try(control)[::-1]):
                if control is not None:
                    control.value = value
                renderer = explorer.view.canvas.get_renderer()
                figure_box = explorer.view.figure.bbox
                where = f"{name} at font size {font_size}, {control_name} = {value!r}"
                boxes = []
                for text in texts_shown(explorer):
                    box = text.get_window_extent(renderer)
                    assert (box.x0 >= -1 and box.y0 >= -1 and box.x1 <= figure_box.x1 + 1
                            and box.y1 <= figure_box.y1 + 1), (
                        f"{where}: {text.get_text()!r} sticks out of the picture ({box.bounds})")
                    for other, other_box in boxes:
                        overlap = box.padded(-1).overlaps(other_box.padded(-1))
                        assert not overlap, (f"{where}: {text.get_text()!r} overlaps "
                                             f"{other.get_text()!r}")
                    boxes.append((text, box))


@pytest.mark.parametrize("name", EXPLORERS)
def test_labels_are_readable_on_a_slide(name):
    """At the lecture deck's font size, every text of the picture is at least 16 px tall (its
    font size) once the picture spans the slide's width."""
    import matplotlib

    with matplotlib.rc_context({"font.size": 15}):
        explorer = getattr(widgets, name)()
        view = explorer.view
        for text in texts_shown(explorer):
            pixels = text.get_fontsize() * view.figure.dpi / 72 * SLIDE_PICTURE_WIDTH / view.width
            assert pixels >= SLIDE_SMALLEST_TEXT, (
                f"{name}: {text.get_text()!r} is {pixels:.0f} px on a slide")

