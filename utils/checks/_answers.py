"""A learner's answer as plain data: what a checker may read without running the learner's
code (its __array__, __eq__, __float__ or __del__), in whichever process the function ran."""

from __future__ import annotations

import numbers
import types
from dataclasses import dataclass

import numpy as np

RESULT_CAP = 64 << 20  # bytes an answer may take


@dataclass(frozen=True)
class Foreign:
    """An answer that is not plain data, e.g. a generator or an object numpy cannot read."""

    kind: str
    reason: str


TRUSTED = set()  # the course's own classes an answer may hold (e.g. counting numbers)


def plain(value, depth: int = 0):
    """The answer as data the checker can read without running any of the learner's code."""
    kind = type(value)
    if kind in (bool, int, float, complex, str, type(None), type(Ellipsis), Foreign) \
            or kind in TRUSTED:  # a Foreign: already read (the answer is read where it ran)
        return value
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        return value
    if kind in (list, tuple, dict, types.SimpleNamespace) and depth > 8:
        return Foreign(kind.__name__, "it is nested more than 8 levels deep")
    if kind in (list, tuple):
        return kind(plain(v, depth + 1) for v in value)
    if kind in (dict, types.SimpleNamespace):  # named answers (05a: one gradient per line)
        items = value if kind is dict else vars(value)
        if not all(type(key) is str for key in items):
            return Foreign(kind.__name__, "its keys should be names (strings)")
        fields = {key: plain(v, depth + 1) for key, v in items.items()}
        return fields if kind is dict else types.SimpleNamespace(**fields)
    if isinstance(value, np.ndarray):  # a subclass loses its own methods (a lying __eq__)
        if value.nbytes > RESULT_CAP:
            return Foreign(kind.__name__, f"it takes {value.nbytes / 2**20:.0f} MiB, more than "
                                          f"the {RESULT_CAP >> 20} MiB an answer may")
        array = np.ndarray.view(value, np.ndarray).copy()
        if array.dtype != object:
            return array
        cells = [plain(v, depth + 1) for v in array.flat]
        out = np.empty(len(cells), dtype=object)
        out[:] = cells
        return out.reshape(array.shape)
    try:
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        array = np.asarray(value)
    except Exception as error:  # noqa: BLE001 (its own __array__ may raise anything)
        return Foreign(kind.__name__, f"{type(error).__name__}: {error}")
    if array.dtype == object:
        return Foreign(kind.__name__, "numpy reads it as one opaque object, not as numbers")
    return np.ndarray.view(array, np.ndarray).copy()


def find_foreign(value) -> Foreign | None:
    if isinstance(value, Foreign):
        return value
    if isinstance(value, (list, tuple)):
        return next((f for f in map(find_foreign, value) if f is not None), None)
    if isinstance(value, (dict, types.SimpleNamespace)):
        items = value if isinstance(value, dict) else vars(value)
        return find_foreign(list(items.values()))
    return None


