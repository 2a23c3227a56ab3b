"""What the pictures share (utils/plotting/_matrices.py): the zero-centred colour limit, the block
layout of a 4-D tensor, heatmaps updated in place and numbers written into their cells."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from utils.plotting import (
    SIGNED_CMAP,
    annotate_cells,
    block_layout,
    heatmap,
    set_image,
    symmetric_limit,
)

rng = np.random.default_rng(0)


def new_axes():
    return Figure().add_subplot()


# --- symmetric_limit ----------------------------------------------------------------------------

def test_symmetric_limit_is_the_largest_magnitude():
    values = np.array([[0.5, -3.0], [2.0, 1.0]])
    assert symmetric_limit(values) == 3.0
    assert symmetric_limit([4.0, -1.0]) == 4.0


@pytest.mark.parametrize("values", [np.zeros((2, 2)), np.zeros(0), []])
def test_symmetric_limit_is_never_zero(values):
    assert symmetric_limit(values) == 1.0


# --- block_layout -------------------------------------------------------------------------------

def layout_by_loops(tensor):
    m, p, r, c = tensor.shape
    matrix = np.empty((m * r, p * c))
    for i, j, k, l in np.ndindex(tensor.shape):
        matrix[i * r + k, j * c + l] = tensor[i, j, k, l]
    return matrix


@settings(max_examples=30, deadline=None)
@given(shape=st.tuples(*[st.integers(1, 4)] * 4), seed=st.integers(0, 2**16))
def test_block_layout_puts_block_i_j_at_block_row_i_column_j(shape, seed):
    tensor = np.random.default_rng(seed).normal(size=shape)
    assert np.array_equal(block_layout(tensor), layout_by_loops(tensor))


def test_block_i_j_of_the_layout_is_the_matrix_tensor_i_j():
    tensor = rng.normal(size=(2, 3, 4, 5))
    layout = block_layout(tensor)
    assert layout.shape == (8, 15)
    for i, j in np.ndindex(2, 3):
        assert np.array_equal(layout[4 * i:4 * (i + 1), 5 * j:5 * (j + 1)], tensor[i, j])


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4), (1, 2, 3, 4, 5)])
def test_block_layout_refuses_a_tensor_that_is_not_4d(shape):
    with pytest.raises(ValueError, match=rf"4-D tensor; got shape \({shape[0]}, "):
        block_layout(np.zeros(shape))


# --- heatmap and set_image ----------------------------------------------------------------------

def test_heatmap_draws_the_matrix_centred_on_zero_with_the_signed_map():
    ax = new_axes()
    matrix = np.array([[1.0, -4.0, 0.0], [2.5, 3.0, -1.0]])
    image = heatmap(ax, matrix, title="J", xlabel="input", ylabel="output")
    assert list(ax.images) == [image]
    assert np.array_equal(image.get_array(), matrix)
    assert image.get_clim() == (-4.0, 4.0)
    assert image.get_cmap().name == SIGNED_CMAP
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("J", "input", "output")


def test_heatmap_maps_zero_to_the_middle_of_the_colour_map():
    ax = new_axes()
    image = heatmap(ax, [[0.0, 5.0], [-2.0, 1.0]])
    assert np.allclose(image.to_rgba(0.0), image.get_cmap()(0.5))
    assert np.allclose(image.to_rgba(5.0), image.get_cmap()(1.0))


def test_heatmap_uses_a_shared_limit_when_given_and_one_for_zeros():
    ax = new_axes()
    assert heatmap(ax, np.ones((2, 2)), limit=10.0).get_clim() == (-10.0, 10.0)
    assert heatmap(ax, np.zeros((2, 2))).get_clim() == (-1.0, 1.0)


def test_set_image_replaces_data_extent_and_limits_also_when_the_shape_changes():
    ax = new_axes()
    image = heatmap(ax, np.ones((2, 2)))
    matrix = rng.normal(size=(3, 5))
    set_image(ax, image, matrix)
    assert list(ax.images) == [image], "updated in place, not drawn again"
    assert np.array_equal(image.get_array(), matrix)
    assert image.get_extent() == [-0.5, 4.5, 2.5, -0.5]
    assert ax.get_xlim() == (-0.5, 4.5) and ax.get_ylim() == (2.5, -0.5)
    limit = np.abs(matrix).max()
    assert image.get_clim() == (-limit, limit)
    set_image(ax, image, matrix, limit=7.0)
    assert image.get_clim() == (-7.0, 7.0)


# --- annotate_cells -----------------------------------------------------------------------------

def test_annotate_cells_writes_each_nonzero_entry_in_its_cell():
    ax = new_axes()
    matrix = np.array([[1.0, 0.0, -2.5], [0.0, 4.0, 0.5]])
    texts = annotate_cells(ax, matrix)
    assert texts == list(ax.texts)
    written = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
               for t in texts}
    nonzero = {(r, c): f"{v:g}" for (r, c), v in np.ndenumerate(matrix) if v != 0}
    assert written == nonzero


def test_annotate_cells_can_keep_zeros_and_use_a_format():
    ax = new_axes()
    matrix = np.array([[0.0, 1.0 / 3.0]])
    texts = annotate_cells(ax, matrix, fmt="{:.2f}", skip_zeros=False)
    assert [t.get_text() for t in texts] == [f"{v:.2f}" for v in matrix.ravel()]


def test_annotate_cells_writes_white_only_on_dark_cells_of_the_given_scale():
    matrix = np.array([[10.0, 5.0, -7.0, 1.0]])

    def colours(limit):
        return [to_rgba(t.get_color()) for t in annotate_cells(new_axes(), matrix, limit=limit)]

    white, black = to_rgba("white"), to_rgba("black")
    own = [white if abs(v) > 0.6 * 10.0 else black for v in matrix.ravel()]
    assert colours(None) == own
    assert colours(100.0) == [black] * 4, "on a shared wide scale every cell is pale"
