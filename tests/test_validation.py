"""Input checks shared by the math modules (utils/validation.py): arrays come back as float32 or
float64, and anything else gets a TypeError or ValueError that says what it got."""

from __future__ import annotations

import numpy as np
import pytest

from utils.validation import (
    as_float_array,
    as_matrix,
    check_matmul_shapes,
    check_max_bytes,
    check_wrt,
    describe,
)

# --- describe -----------------------------------------------------------------------------------

def test_describe_names_an_arrays_shape_and_dtype_and_otherwise_the_type():
    assert describe(np.zeros((2, 3), np.float32)) == "an array of shape (2, 3) and dtype float32"
    assert describe([1, 2]) == "a list"
    assert describe(None) == "a NoneType"


# --- as_float_array -----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float32_and_float64_arrays_come_back_as_they_are(dtype):
    x = np.arange(6, dtype=dtype).reshape(2, 3)
    assert as_float_array(x, "x") is x


@pytest.mark.parametrize("x", [[[1, 2], [3, 4]], np.array([1, -2], dtype=np.int8),
                               np.array([3, 4], dtype=np.uint64), 7, (1.5, 2.5)])
def test_whole_numbers_lists_and_scalars_become_float64_with_the_same_values(x):
    array = as_float_array(x, "x")
    assert array.dtype == np.float64
    assert np.array_equal(array, np.asarray(x).astype(np.float64))


def test_float16_is_promoted_to_float32_for_finite_differences():
    x = np.array([0.1, 2.0], dtype=np.float16)
    array = as_float_array(x, "x")
    assert array.dtype == np.float32 and np.array_equal(array, x.astype(np.float32))


@pytest.mark.parametrize("x, shown", [
    ("abc", "got a str: 'abc'"),
    (b"ab", "got a bytes"),
    ({"a": 1}, "got a dict"),
    ({1.0, 2.0}, "got a set"),
    (None, "got a NoneType: None"),
])
def test_text_mappings_sets_and_none_are_refused_naming_the_argument(x, shown):
    with pytest.raises(TypeError, match=rf"dL_dC must be a numeric array.*{shown}"):
        as_float_array(x, "dL_dC")


def test_a_ragged_list_is_refused_as_not_rectangular():
    with pytest.raises(TypeError, match="W must be a rectangular numeric array.*a list"):
        as_float_array([[1.0, 2.0], [3.0]], "W")


@pytest.mark.parametrize("x, what", [
    (np.ones((2, 2), dtype=bool), "booleans"),
    (np.ones(3) * 1j, "complex numbers"),
    (np.array(["a", "b"]), "strings"),
    (np.array([1, None], dtype=object), "Python objects"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "dates"),
])
def test_arrays_of_other_kinds_are_refused_naming_the_kind_and_shape(x, what):
    with pytest.raises(TypeError, match=rf"x must hold real numbers.*{what} with shape "
                                        rf"\({x.shape[0]},"):
        as_float_array(x, "x")


# --- as_matrix ----------------------------------------------------------------------------------

def test_as_matrix_accepts_a_nonempty_2d_array_of_numbers():
    matrix = as_matrix([[1, 2, 3]], "A")
    assert matrix.shape == (1, 3) and matrix.dtype == np.float64


@pytest.mark.parametrize("x, message", [
    (np.ones(3), r"A must be a 2-D matrix; got shape \(3,\) \(1-D\)\. Reshape a vector"),
    (np.ones((2, 2, 2)), r"A must be a 2-D matrix; got shape \(2, 2, 2\) \(3-D\)\.$"),
    (np.float64(2.0), r"got shape \(\) \(0-D\)\.$"),
    (np.ones((0, 3)), r"A must have at least one row and one column; got shape \(0, 3\)"),
    (np.ones((3, 0)), r"got shape \(3, 0\)"),
])
def test_as_matrix_refuses_other_shapes_naming_them(x, message):
    with pytest.raises(ValueError, match=message):
        as_matrix(x, "A")


def test_as_matrix_passes_type_errors_through():
    with pytest.raises(TypeError, match="A must be a numeric array"):
        as_matrix("A", "A")


# --- check_matmul_shapes, check_wrt, check_max_bytes --------------------------------------------

@pytest.mark.parametrize("m, n, p", [(1, 1, 1), (2, 3, 4), (5, 1, 2)])
def test_matmul_shapes_pass_exactly_when_numpy_can_multiply(m, n, p):
    A = np.ones((m, n))
    check_matmul_shapes(A, np.ones((n, p)))
    with pytest.raises(ValueError):
        A @ np.ones((n + 1, p))
    with pytest.raises(ValueError, match=rf"A has shape \({m}, {n}\) and B has shape "
                                         rf"\({n + 1}, {p}\): A's columns \({n}\) must equal "
                                         rf"B's rows \({n + 1}\)"):
        check_matmul_shapes(A, np.ones((n + 1, p)))


def test_wrt_is_A_or_B():
    assert check_wrt("A") == "A" and check_wrt("B") == "B"
    for wrt in ("a", "C", None, 0):
        with pytest.raises(ValueError, match=rf"wrt must be 'A' or 'B'.*got {wrt!r}"):
            check_wrt(wrt)


@pytest.mark.parametrize("value", [1, 2**40, np.int64(1024), np.uint32(8)])
def test_max_bytes_accepts_positive_whole_numbers_as_int(value):
    checked = check_max_bytes(value)
    assert type(checked) is int and checked == value


@pytest.mark.parametrize("value, error, message", [
    (0, ValueError, "max_bytes must be positive; got 0"),
    (-8, ValueError, "got -8"),
    (True, TypeError, "whole number of bytes; got a bool"),
    (1e6, TypeError, "got a float"),
    ("1 GiB", TypeError, "got a str"),
    (np.float64(8.0), TypeError, "got a float64"),
])
def test_max_bytes_refuses_everything_else(value, error, message):
    with pytest.raises(error, match=message):
        check_max_bytes(value)
