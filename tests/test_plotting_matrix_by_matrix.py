"""Pictures of 03-matrix-by-matrix (utils/plotting/matrix_by_matrix.py): the 4-D tensor dC/dX as
a matrix of matrices, and its memory against the gradient's."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.colors import same_color
from matplotlib.figure import Figure

from utils import matmul_jacobian
from utils.plotting import (
    HIGHLIGHT_COLOUR,
    SIGNED_CMAP,
    TensorPicture,
    block_layout,
    matrix_of_matrices,
    plot_route_scaling,
    plot_tensor_memory,
)
from utils.routes import measure_routes

rng = np.random.default_rng(0)


def new_axes():
    return Figure().add_subplot()


def by_loops(tensor):
    """Entry T[i, j, k, l] at row i·r + k, column j·c + l: block (i, j) holds T[i, j]."""
    m, p, r, c = tensor.shape
    matrix = np.empty((m * r, p * c))
    for i, j, k, l in np.ndindex(tensor.shape):
        matrix[i * r + k, j * c + l] = tensor[i, j, k, l]
    return matrix


# --- TensorPicture ------------------------------------------------------------------------------

@pytest.mark.parametrize("wrt", ["A", "B"])
def test_tensor_picture_draws_dC_dX_block_by_block_centred_on_zero(wrt):
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    tensor = matmul_jacobian(A, B, wrt=wrt)
    picture = TensorPicture(new_axes(), 2, 4)
    picture.show(tensor)
    assert np.array_equal(picture.image.get_array(), by_loops(tensor))
    limit = np.abs(tensor).max()
    assert picture.image.get_clim() == (-limit, limit)
    assert picture.image.get_cmap().name == SIGNED_CMAP


def test_tensor_picture_uses_a_shared_limit_when_given():
    picture = TensorPicture(new_axes(), 2, 2)
    picture.show(np.ones((2, 2, 1, 1)), limit=5.0)
    assert picture.image.get_clim() == (-5.0, 5.0)


def test_block_borders_fall_between_the_blocks():
    picture = TensorPicture(new_axes(), 3, 3)
    m, p, r, c = 3, 2, 4, 5
    picture.show(rng.normal(size=(m, p, r, c)))
    rows = [line.get_ydata()[0] for line in picture.row_lines if line.get_visible()]
    cols = [line.get_xdata()[0] for line in picture.col_lines if line.get_visible()]
    assert rows == [k * r - 0.5 for k in range(1, m)]
    assert cols == [k * c - 0.5 for k in range(1, p)]


def test_ticks_name_the_blocks_one_based_at_their_centres():
    ax = new_axes()
    picture = TensorPicture(ax, 2, 3)
    m, p, r, c = 2, 3, 2, 4
    picture.show(rng.normal(size=(m, p, r, c)))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["j=1", "j=2", "j=3"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["i=1", "i=2"]
    assert list(ax.get_xticks()) == [j * c + (c - 1) / 2 for j in range(p)]
    assert list(ax.get_yticks()) == [i * r + (r - 1) / 2 for i in range(m)]


def test_a_picture_without_ticks_keeps_none():
    ax = new_axes()
    picture = TensorPicture(ax, 2, 2, ticks=False)
    picture.show(rng.normal(size=(2, 2, 3, 3)))
    assert len(ax.get_xticks()) == len(ax.get_yticks()) == 0


@pytest.mark.parametrize("block", [(0, 0), (1, 2), (2, 1)])
def test_the_highlight_outlines_exactly_block_i_j(block):
    picture = TensorPicture(new_axes(), 3, 3)
    tensor = rng.normal(size=(3, 3, 2, 5))
    picture.show(tensor, highlight=block)
    box = picture.highlight
    assert box.get_visible() and same_color(box.get_edgecolor(), HIGHLIGHT_COLOUR)
    x, y = box.get_xy()  # cell edges sit at half-integers: cell (row, col) spans col ± 0.5
    top, left = round(y + 0.5), round(x + 0.5)
    inside = picture.image.get_array()[top:top + round(box.get_height()),
                                       left:left + round(box.get_width())]
    assert np.array_equal(inside, tensor[block])
    picture.show(tensor)
    assert not box.get_visible()


# --- matrix_of_matrices -------------------------------------------------------------------------

@pytest.mark.parametrize("wrt", ["A", "B"])
def test_matrix_of_matrices_draws_the_block_layout_and_names_the_operand(wrt):
    ax = new_axes()
    tensor = matmul_jacobian(rng.normal(size=(2, 2)), rng.normal(size=(2, 3)), wrt=wrt)
    image = matrix_of_matrices(ax, tensor, title="dC/dX", wrt=wrt, highlight=(1, 0))
    assert list(ax.images) == [image]
    assert np.array_equal(image.get_array(), by_loops(tensor))
    assert ax.get_title() == "dC/dX"
    assert f"column l of {wrt}" in ax.get_xlabel() and f"row k of {wrt}" in ax.get_ylabel()
    assert any(p.get_visible() and same_color(p.get_edgecolor(), HIGHLIGHT_COLOUR)
               for p in ax.patches)


def test_matrix_of_matrices_annotates_every_nonzero_entry_where_it_is_drawn():
    ax = new_axes()
    tensor = matmul_jacobian(np.ones((2, 2)), np.array([[1.0, -2.0, 0.5], [3.0, 0.0, 4.0]]))
    matrix_of_matrices(ax, tensor, annotate=True)
    layout = by_loops(tensor)
    written = {(round(t.get_position()[1]), round(t.get_position()[0])): float(t.get_text())
               for t in ax.texts}
    assert written == {(r, c): v for (r, c), v in np.ndenumerate(layout) if v != 0}


@pytest.mark.parametrize("shape", [(2, 2), (2, 2, 2), (1, 1, 1, 1, 1)])
def test_matrix_of_matrices_refuses_a_tensor_that_is_not_4d(shape):
    with pytest.raises(ValueError, match=r"4-D tensor; got shape"):
        matrix_of_matrices(new_axes(), np.zeros(shape))


# --- plot_tensor_memory -------------------------------------------------------------------------

def test_memory_plot_draws_n4_and_n2_entries_of_the_itemsize():
    ax = new_axes()
    sizes = np.array([2, 8, 64, 512])
    plot_tensor_memory(ax, sizes, itemsize=4)
    tensor, gradient = ax.get_lines()
    # independent route: bytes of the real arrays for the small sizes
    for n, t_bytes, g_bytes in zip(sizes[:2], tensor.get_ydata(), gradient.get_ydata(),
                                   strict=False):
        A = np.ones((n, n), dtype=np.float32)
        assert t_bytes == matmul_jacobian(A, A).astype(np.float32).nbytes
        assert g_bytes == A.nbytes
    assert np.allclose(tensor.get_ydata(), 4.0 * sizes**4)
    assert np.allclose(gradient.get_ydata(), 4.0 * sizes**2)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    low, high = ax.get_ylim()
    assert low < gradient.get_ydata().min() and tensor.get_ydata().max() < high
    assert not ax.texts, "no budget given, none drawn"


def test_memory_plot_marks_the_budget_with_its_size():
    ax = new_axes()
    plot_tensor_memory(ax, [1, 10, 100], budget=3 * 2**30)
    budget_lines = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_ydata()[0] for line in budget_lines] == [3 * 2**30]
    assert any("3.0 GiB" in t.get_text() for t in ax.texts)
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert {"1 KiB", "1 MiB", "1 GiB"} <= labels


def test_tensor_picture_changes_shape_in_place():
    figure = Figure()
    ax = figure.add_subplot()
    picture = TensorPicture(ax, 4, 4)
    rng = np.random.default_rng(0)
    for m, n, p in ((2, 3, 4), (4, 1, 1), (1, 2, 2)):
        tensor = matmul_jacobian(rng.standard_normal((m, n)), rng.standard_normal((n, p)))
        picture.show(tensor, highlight=(m - 1, p - 1))
        rows, cols = m * m, p * n
        assert picture.image.get_array().shape == (rows, cols)
        assert ax.get_xlim() == (-0.5, cols - 0.5) and ax.get_ylim() == (rows - 0.5, -0.5)
        assert sum(line.get_visible() for line in picture.row_lines) == m - 1
        assert sum(line.get_visible() for line in picture.col_lines) == p - 1
        assert picture.highlight.get_xy() == ((p - 1) * n - 0.5, (m - 1) * m - 0.5)
        assert len(ax.images) == 1  # updated, never redrawn
    with pytest.raises(ValueError, match="at most 4 x 4 blocks"):
        picture.show(np.zeros((5, 1, 1, 1)))


def test_matrix_of_matrices_and_memory_plot_draw():
    figure = Figure()
    ax1, ax2, ax3, ax4 = figure.subplots(1, 4)
    tensor = matmul_jacobian(np.eye(2), np.arange(1.0, 5.0).reshape(2, 2))
    image = matrix_of_matrices(ax1, tensor, title="t", annotate=True)
    assert np.array_equal(image.get_array(), block_layout(tensor))
    assert [t.get_text() for t in ax1.texts] == ["1", "3", "2", "4", "1", "3", "2", "4"]
    plot_tensor_memory(ax2, [1, 10, 100], budget=2**29)
    tensor_line = ax2.get_lines()[0]
    assert np.allclose(tensor_line.get_ydata(), 8 * np.array([1, 10, 100]) ** 4)
    with pytest.raises(ValueError, match="4-D"):
        matrix_of_matrices(ax1, np.zeros((2, 2)))
    result = measure_routes([8, 16, 24], repeats=1)
    slopes = plot_route_scaling(ax3, ax4, result, smallest=8)
    assert set(slopes) == {"tensor_seconds", "vjp_seconds", "tensor_bytes", "vjp_bytes"}
    figure.savefig(io.BytesIO(), format="png")
