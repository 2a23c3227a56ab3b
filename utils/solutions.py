"""Reference solutions of the exercises, for a learner who asks: `utils.checks.solution(name)`.

Each is the plain code a learner would write; the checkers use them to compute the expected
answer, so a reference that is wrong fails the tests in tests/test_checks*.py.
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (the solutions below use it)

# name -> function; each section registers its references at its end.
REFERENCES: dict = {}

# --- solutions, in the order of the notebooks that use them ------------------------------------


# === 01 Jacobians ===
# (end of 01 Jacobians)


# === 02 Chain rule ===
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
# (end of 04 The efficient VJP)


# === 05 The backward pass ===
# (end of 05 The backward pass)


# === 06 Jacobians through time ===
# (end of 06 Jacobians through time)
