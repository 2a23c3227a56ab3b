"""Input checks shared by the math modules: clear errors instead of numpy tracebacks."""

from __future__ import annotations

import numpy as np

# float16 is too coarse for finite differences, so it is promoted; float32/float64 are kept.
_KEPT_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def describe(x) -> str:
    """A short, student-readable description of what was passed: 'shape (2, 3) float64'."""
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    return f"a {type(x).__name__}"


def as_float_array(x, name: str) -> np.ndarray:
    """`x` as a float32 or float64 array, or a TypeError naming `name` and what it got."""
    if type(x) is np.ndarray and x.dtype in _KEPT_FLOATS:
        return x  # the fast path: no copy, no checks beyond this line
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain numpy array; got a masked array, whose mask "
                        f"the computation would silently ignore. Pass {name}.filled(value) or "
                        f"drop the masked entries first")
    if isinstance(x, (str, bytes, dict, set)) or x is None:
        raise TypeError(f"{name} must be a numeric array (a numpy array or nested lists of "
                        f"numbers); got {describe(x)}: {x!r:.60}")
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as error:  # ragged nested lists, odd objects
        raise TypeError(f"{name} must be a rectangular numeric array; numpy could not read "
                        f"{describe(x)} as one ({error})") from None
    kind = array.dtype.kind
    if kind in "iu":
        return array.astype(np.float64)
    if kind == "f":
        promoted = np.result_type(array, np.float32)  # float16 -> float32, longdouble kept
        return array if array.dtype in _KEPT_FLOATS else array.astype(promoted)
    what = {"b": "booleans", "c": "complex numbers", "U": "strings", "S": "bytes",
            "O": "Python objects", "M": "dates", "m": "time deltas"}.get(kind, str(array.dtype))
    raise TypeError(f"{name} must hold real numbers (float32 or float64); got an array of "
                    f"{what} with shape {array.shape}")


def private_copy(x, name: str, dtype=None) -> np.ndarray:
    """A fresh, writable, C-ordered float copy of `x`, for code that writes into it.

    np.array(x) would keep a Fortran-ordered or transposed input's order, and then
    copy.reshape(-1) is a new array instead of a view: writes through it never reach the copy
    (a finite-difference Jacobian that nudges a copy f never sees answers zeros).
    """
    return np.array(as_float_array(x, name), dtype=dtype, order="C")


def check_finite(x: np.ndarray, name: str, allow=()) -> np.ndarray:
    """x itself, or a ValueError naming `name` and the first entry that is NaN or infinite.

    allow may hold -np.inf, np.inf or np.nan where that value has a meaning, as -inf has for a
    logit and NaN for a measurement skipped.
    """
    bad = ~np.isfinite(x) & ~np.isin(x, allow)
    if any(np.isnan(a) for a in allow):  # isin never matches NaN: NaN != NaN
        bad &= ~np.isnan(x)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must hold finite numbers; got {x[where]} at index {where}")
    return x


def as_matrix(x, name: str) -> np.ndarray:
    """`x` as a 2-D float array with at least one row and column, or a clear error."""
    matrix = as_float_array(x, name)
    if matrix.ndim != 2:
        hint = (" Reshape a vector to a row (1, k) or a column (k, 1) first."
                if matrix.ndim == 1 else "")
        raise ValueError(f"{name} must be a 2-D matrix; got shape {matrix.shape} "
                         f"({matrix.ndim}-D).{hint}")
    if 0 in matrix.shape:
        raise ValueError(f"{name} must have at least one row and one column; "
                         f"got shape {matrix.shape}")
    return matrix


def check_matmul_shapes(A: np.ndarray, B: np.ndarray) -> None:
    """Raise a ValueError if A @ B is undefined, naming both shapes."""
    if A.shape[1] != B.shape[0]:
        raise ValueError(f"A has shape {A.shape} and B has shape {B.shape}: A's columns "
                         f"({A.shape[1]}) must equal B's rows ({B.shape[0]}) for C = A @ B")


def check_wrt(wrt) -> str:
    """The operand a derivative is taken with respect to: 'A' or 'B'."""
    if wrt not in ("A", "B"):
        raise ValueError(f"wrt must be 'A' or 'B' (the operand of C = A @ B to differentiate "
                         f"with respect to); got {wrt!r}")
    return wrt


def check_max_bytes(max_bytes, name: str = "max_bytes") -> int:
    """A positive whole number of bytes."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number of bytes; got {describe(max_bytes)}")
    if max_bytes <= 0:
        raise ValueError(f"{name} must be positive; got {max_bytes}")
    return int(max_bytes)


def check_count(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """A whole number in minimum..maximum (not a bool, not a float), or an error naming `name`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a whole number >= {minimum}; got {describe(value)}: "
                        f"{value!r:.40}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} = {value:,} is too large: at most {maximum:,} here (more would "
                         f"take too long or too much memory)")
    return int(value)


def check_number(value, name: str, low: float = 0.0, *, low_open: bool = True,
                 high: float = np.inf, high_open: bool = True) -> float:
    """A real number (not a bool, string, array or complex) in the interval low..high.

    The bounds are excluded unless low_open/high_open is False; NaN is always refused.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise TypeError(f"{name} must be a real number; got {describe(value)}: {value!r:.40}")
    try:
        value = float(value)
    except OverflowError:  # a Python int past float range: 10**400
        raise ValueError(f"{name} must be a number within the range of floats (below about "
                         f"1.8e308); got a whole number of {len(str(abs(value)))} digits") from None
    below = value <= low if low_open else value < low
    above = value >= high if high_open else value > high
    if np.isnan(value) or below or above:
        interval = (f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}")
        raise ValueError(f"{name} must lie in {interval}; got {value}")
    return value


def check_choice(value, name: str, choices) -> str:
    """One of the strings in `choices`, or a ValueError listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got "
                         f"{value!r:.40}")
    return value


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """A numpy Generator, or the fixed default_rng(0) for None."""
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy Generator (np.random.default_rng(seed)) or "
                        f"None; got {describe(rng)}")
    return rng


def check_function(f, name: str, expected: str = "a function") -> None:
    if not callable(f):
        raise TypeError(f"{name} must be {expected}; got {describe(f)}: {f!r:.40}")


def check_labels(labels, n_rows: int, n_classes: int) -> np.ndarray:
    """Class labels for `n_rows` rows of logits: whole numbers in 0..n_classes - 1, or an error."""
    try:
        labels = np.asarray(labels)
    except ValueError as error:  # ragged nested lists
        raise TypeError(f"labels must be a 1-D array of whole numbers; numpy could not read "
                        f"{describe(labels)} as one ({error})") from None
    if labels.shape != (n_rows,) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be whole numbers of shape ({n_rows},), one class per row "
                         f"of logits; got shape {labels.shape} and dtype {labels.dtype}")
    if n_rows and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1} (logits have {n_classes} "
                         f"columns); got {labels.min()}..{labels.max()}")
    return labels
