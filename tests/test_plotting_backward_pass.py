"""Pictures of 05-backward-pass (utils/plotting/backward_pass.py): a grid of digits titled with
the predicted and the true label, wrong predictions framed in red."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import same_color
from matplotlib.figure import Figure

from utils.data import load_digits
from utils.plotting import digit_grid


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    return X[:11], y[:11]


def predictions(true):
    """Right except at positions 2 and 7."""
    guess = np.array(true).copy()
    guess[[2, 7]] = (guess[[2, 7]] + 1) % 10
    return guess


def test_one_visible_panel_per_digit_in_rows_of_the_given_width(digits):
    images, true = digits
    axes = digit_grid(Figure(), images, predictions(true), true, columns=4)
    assert axes.shape == (3, 4)  # 11 digits in rows of 4
    assert [ax.get_visible() for ax in axes.flat] == [True] * 11 + [False]


def test_each_panel_shows_its_digit_as_an_8x8_image_on_a_fixed_scale(digits):
    images, true = digits
    axes = digit_grid(Figure(), images, predictions(true), true)
    for ax, image in zip(axes.flat, images, strict=False):
        (drawn,) = ax.images
        assert np.array_equal(drawn.get_array(), image.reshape(8, 8))
        assert drawn.get_clim() == (0, 1)
        assert len(ax.get_xticks()) == len(ax.get_yticks()) == 0


def test_titles_read_predicted_then_true_and_wrong_ones_are_red(digits):
    images, true = digits
    guess = predictions(true)
    axes = digit_grid(Figure(), images, guess, true)
    for ax, g, t in zip(axes.flat, guess, true, strict=False):
        title = ax.title
        assert title.get_text() == f"{g} ({t})"
        wrong = g != t
        assert same_color(title.get_color(), "red" if wrong else "black")
        spines = list(ax.spines.values())
        assert all(same_color(s.get_edgecolor(), "red" if wrong else "lightgray") for s in spines)
        assert all(s.get_linewidth() == (3 if wrong else 1) for s in spines)
    assert sum(same_color(ax.title.get_color(), "red") for ax in axes.flat) == 2


@pytest.mark.parametrize("images, n_predicted, n_true, shown", [
    (np.zeros((3, 63)), 3, 3, r"images \(3, 63\)"),
    (np.zeros(64), 1, 1, r"images \(64,\)"),
    (np.zeros((3, 64)), 2, 3, r"2 and 3 labels"),
    (np.zeros((3, 64)), 3, 4, r"3 and 4 labels"),
])
def test_mismatched_images_and_labels_are_refused_naming_what_was_given(images, n_predicted,
                                                                         n_true, shown):
    with pytest.raises(ValueError, match=shown):
        digit_grid(Figure(), images, [0] * n_predicted, [0] * n_true)
