"""Wrong values, by the kind of argument they are wrong for: test_bad_input.py tries each, and the
fuzz test (test_fuzz_public_api.py) draws from them."""

from __future__ import annotations

import numpy as np

from utils import layers

HUGE = 10**12

_ARRAY = [None, "text", {"a": 1}, np.array([1 + 2j, 3.0]), [[1.0, 2.0], [3.0]],
          np.ma.masked_array([1.0, 2.0], mask=[False, True]), np.array([object()]),
          np.array([True, False])]
_COUNT = [None, "3", 2.5, True, -1, 0, float("nan"), 1 + 2j, np.array([2, 3])]
_POSITIVE = [None, "1", float("nan"), float("inf"), -1.0, 0.0, True, 1 + 2j, np.array([1.0, 2.0])]
_INDEX = [None, "2", 1.5, True, -1, 10**6, float("nan"), np.array([1])]
_NONNEGATIVE = [v for v in _POSITIVE if not (isinstance(v, float) and v == 0.0)]
_CHOICE = [None, 3, "nope", ["A"]]
_CALLABLE = [None, 3, "f"]
_WIDTHS = [None, "abc", 5, [3], [3, 0], [3, -1], [3, 2.5], [True, 2], [3, float("nan")],
           [3, None]]
_RNG = ["seed", 3.5, [1, 2]]
_FLAG = [None, "yes", 2, float("nan")]
_SEED = ["3", 2.5, True, -1, float("nan"), np.array([2, 3])]
BAD_VALUES = {"array": _ARRAY, "count": _COUNT, "positive": _POSITIVE, "index": _INDEX,
        "choice": _CHOICE, "callable": _CALLABLE, "widths": _WIDTHS, "rng": _RNG,
        "flag": _FLAG, "matrix": _ARRAY + [np.ones(3), np.ones((2, 2, 2)), np.ones((0, 3))],
        "size": _COUNT + [HUGE], "trace": [None, np.ones(3), "trace"],
        "model": [None, 3, "model", layers.Sequential(layers.Dense(3, 2))],
        "number": [None, "1", float("nan"), float("inf"), 1 + 2j, [1.0]],
        "dtype": ["nope", 3.5, str, bool, np.int64], "seed": _SEED, "path": [3, 2.5, ["a"]],
        "step": _POSITIVE[1:], "optional index": _INDEX[1:], "nonnegative": _NONNEGATIVE,
        "argnums": [None, "0", 1.5, True, 5, -3, (0, 0), [0, "1"]],
        "layer": [None, 3, "layer", np.tanh],
        "ord": [3, "two", 2.5, float("nan")], "optional array": _ARRAY[1:],
        "real": [None, "1", 1 + 2j, [1.0], np.ones(2)]}
BAD_VALUES["shape"] = [None, "2, 3", 2.5, (2, -3), (2.0, 3), (True, 6), (7,), (1, 2, 4)]
BAD_VALUES["optional matrix"] = BAD_VALUES["matrix"][1:]
