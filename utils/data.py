"""The small real data sets shipped in data/: read from disk, checked, never downloaded.

data/ is installed as the package `utils.data_files` (pyproject.toml), so the files are found
with importlib.resources in any install, editable or not; a source checkout put on sys.path
without installing (Colab's setup cell) reads them from data/ beside the package.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
from pathlib import Path

import numpy as np

from .validation import as_float_array, check_count, check_number, describe

SOURCE_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DIGITS_FILE = "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
DIGITS_SHAPE = (1797, 64)


def data_dir() -> Path:
    """The folder holding the shipped data files."""
    try:
        folder = Path(str(importlib.resources.files("utils.data_files")))
    except ModuleNotFoundError:  # not installed: a checkout on sys.path
        return SOURCE_DATA_DIR
    return folder if (folder / DIGITS_FILE).is_file() else SOURCE_DATA_DIR


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_digits(path=None) -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 handwritten digits: X (1797, 64) floats in [0, 1] (ink / 16), y (1797,) ints 0..9.

    Reads data/digits.csv.gz (see data/README.md for its source and licence) and checks its
    checksum and shape, so a damaged or swapped file fails loudly instead of training on junk.
    """
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (a str or a Path) or None for the shipped "
                        f"file; got {describe(path)}")
    path = data_dir() / DIGITS_FILE if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"the digits data should be at {path}; it ships with the course "
                                f"in data/ (see data/README.md)")
    if path.name == DIGITS_FILE and sha256(path) != DIGITS_SHA256:
        raise ValueError(f"{path} does not have the sha256 in data/README.md "
                         f"({DIGITS_SHA256[:12]}...): the file is damaged or was replaced")
    table = np.loadtxt(path, delimiter=",", dtype=np.int64)
    if table.shape != (DIGITS_SHAPE[0], DIGITS_SHAPE[1] + 1):
        raise ValueError(f"{path} should hold {DIGITS_SHAPE[0]} rows of 64 pixels plus a label, "
                         f"shape {(DIGITS_SHAPE[0], DIGITS_SHAPE[1] + 1)}; got {table.shape}")
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{path}: pixels should lie in 0..16 and labels in 0..9; got pixels "
                         f"{pixels.min()}..{pixels.max()}, labels {labels.min()}..{labels.max()}")
    return pixels.astype(np.float64) / 16.0, labels


def train_test_split(X, y, test_fraction: float = 0.25, seed: int = 0):
    """A fixed random split (same seed, same split): X_train, X_test, y_train, y_test."""
    X = as_float_array(X, "X")
    try:
        y = np.asarray(y)
    except ValueError as error:
        raise TypeError(f"y must be a rectangular array of labels; got {describe(y)} "
                        f"({error})") from None
    if X.ndim == 0 or y.ndim != 1 or y.dtype.kind not in "iuf":
        raise ValueError(f"X must have one row per example and y one number per example; got X "
                         f"of shape {X.shape} and y of shape {y.shape}, dtype {y.dtype}")
    if len(X) != len(y):
        raise ValueError(f"X and y need the same number of rows; got X {X.shape} and y {y.shape}")
    test_fraction = check_number(test_fraction, "test_fraction", 0.0, high=1.0)
    seed = check_count(seed, "seed", minimum=0)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(round(test_fraction * len(X)))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]
