"""The shipped data (utils/data.py): the digits load checked, the split is fixed and disjoint."""

from __future__ import annotations

import numpy as np
import pytest

from utils.data import DIGITS_SHAPE, load_digits, train_test_split


def test_digits_load_with_the_documented_shape_range_and_labels():
    X, y = load_digits()
    assert X.shape == DIGITS_SHAPE and X.dtype == np.float64
    assert X.min() == 0.0 and X.max() == 1.0
    assert y.shape == (1797,) and set(np.unique(y)) == set(range(10))


def test_digits_loader_refuses_a_wrong_file(tmp_path):
    bad = tmp_path / "other.csv"
    bad.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match=r"shape \(1797, 65\); got \(2, 3\)"):
        load_digits(bad)
    with pytest.raises(FileNotFoundError, match="ships with the course"):
        load_digits(tmp_path / "missing.csv.gz")


def test_train_test_split_is_fixed_and_disjoint():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    first, second = train_test_split(X, y, 0.3, seed=1), train_test_split(X, y, 0.3, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    X_train, X_test, y_train, y_test = first
    assert len(y_test) == 3 and not set(y_train) & set(y_test)
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(X, y[:5])
