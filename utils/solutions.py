"""Reference solutions of the exercises, for a learner who asks: `utils.checks.solution(name)`.

Each is the plain code a learner would write; the checkers use them to compute the expected
answer, so a reference that is wrong fails the tests in tests/test_checks*.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (the solutions below use it)

# name -> function; each section registers its references at its end.
REFERENCES: dict = {}

# --- solutions, in the order of the notebooks that use them ------------------------------------
