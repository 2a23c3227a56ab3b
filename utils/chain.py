"""The cost of multiplying a chain of Jacobians from the input side or from the loss side.

A chain x_0 -> x_1 -> ... -> x_D has widths (n_0, n_1, ..., n_D); step t has the Jacobian
J_t of shape (n_t, n_{t-1}), and the whole chain's Jacobian is J_D ... J_2 J_1 (n_D, n_0).
A (p, q) @ (q, r) product costs p*q*r multiplications, so the order matters:
    forward  (input side):  J_2 J_1, then J_3 (J_2 J_1), ...  costs sum_t n_t n_{t-1} n_0
    reverse  (loss side):   J_D J_{D-1}, then (J_D J_{D-1}) J_{D-2}, ...  sum_t n_D n_t n_{t-1}
With a scalar loss at the end (n_D = 1) every reverse step is a row vector times a matrix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from threadpoolctl import ThreadpoolController

from .costs import check_memory
from .validation import as_float_array, check_count, check_number, check_rng, describe

ORDERS = ("forward", "reverse")
MAX_LENGTH = 100_000  # steps in a chain: beyond this the width tuples alone fill memory
MAX_SECONDS = 600.0   # the longest a timing may be asked to run


def check_widths(widths) -> tuple[int, ...]:
    """The widths (n_0, ..., n_D) of a chain of D >= 1 steps as a tuple of positive ints."""
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"widths must be a sequence of whole numbers (n_0, n_1, ..., n_D); "
                        f"got a {type(widths).__name__}")
    if len(widths) < 2:
        raise ValueError(f"a chain needs at least two widths (input and output: one step); "
                         f"got {len(widths)}: {tuple(widths)!r}")
    return tuple(check_count(w, f"widths[{k}]") for k, w in enumerate(widths))


def check_order(order) -> str:
    if order not in ORDERS:
        raise ValueError(f"order must be 'forward' (from the input side) or 'reverse' (from "
                         f"the loss side); got {order!r}")
    return order


def chain_widths(length: int, input_width: int, hidden_width: int,
                 output_width: int) -> tuple[int, ...]:
    """Widths of a chain of `length` steps: n_0 = input, n_1..n_{D-1} = hidden, n_D = output."""
    length = check_count(length, "length", maximum=MAX_LENGTH)
    hidden = check_count(hidden_width, "hidden_width")
    return ((check_count(input_width, "input_width"),) + (hidden,) * (length - 1)
            + (check_count(output_width, "output_width"),))


@dataclass(frozen=True)
class ChainCosts:
    """Multiplications needed to form J_D ... J_1 in either order, step by step."""

    widths: tuple[int, ...]

    @property
    def length(self) -> int:
        return len(self.widths) - 1

    @property
    def jacobian_shapes(self) -> list[tuple[int, int]]:
        """Shapes of J_1, ..., J_D: (outputs, inputs) of each step."""
        return [(self.widths[k], self.widths[k - 1]) for k in range(1, len(self.widths))]

    @property
    def forward_steps(self) -> list[int]:
        """J_t @ (J_{t-1} ... J_1): (n_t, n_{t-1}) @ (n_{t-1}, n_0), for t = 2..D."""
        n = self.widths
        return [n[k] * n[k - 1] * n[0] for k in range(2, len(n))]

    @property
    def reverse_steps(self) -> list[int]:
        """(J_D ... J_{t+1}) @ J_t: (n_D, n_t) @ (n_t, n_{t-1}), for t = D-1..1."""
        n = self.widths
        return [n[-1] * n[k] * n[k - 1] for k in range(len(n) - 2, 0, -1)]

    @property
    def forward_multiplications(self) -> int:
        return sum(self.forward_steps)

    @property
    def reverse_multiplications(self) -> int:
        return sum(self.reverse_steps)

    def multiplications(self, order: str) -> int:
        check_order(order)
        return self.forward_multiplications if order == "forward" else \
            self.reverse_multiplications


def chain_costs(widths) -> ChainCosts:
    """Costs of both orders for a chain with widths (n_0, ..., n_D)."""
    return ChainCosts(check_widths(widths))


def random_chain(widths, rng=None) -> list[np.ndarray]:
    """Random Jacobians J_1, ..., J_D, J_t of shape (n_t, n_{t-1}), scaled so products stay O(1)."""
    widths = check_widths(widths)
    check_memory(sum(a * b for a, b in zip(widths, widths[1:], strict=False)) * 8,
                 f"random_chain(widths={widths!r:.60})'s Jacobians, all steps together,")
    rng = check_rng(rng)
    return [rng.standard_normal((widths[k], widths[k - 1])) / np.sqrt(widths[k - 1])
            for k in range(1, len(widths))]


def check_chain(jacobians) -> list[np.ndarray]:
    """Jacobians J_1, ..., J_D whose shapes fit: J_t has as many columns as J_{t-1} has rows."""
    if isinstance(jacobians, (np.ndarray, str, bytes, dict)) or not hasattr(jacobians, "__len__"):
        raise TypeError("jacobians must be a list [J_1, ..., J_D] of 2-D arrays, input side "
                        f"first; got {describe(jacobians)}")
    if len(jacobians) == 0:
        raise ValueError("jacobians must hold at least one Jacobian; got an empty list")
    matrices = []
    for t, jacobian in enumerate(jacobians, start=1):
        matrix = as_float_array(jacobian, f"jacobians[{t - 1}] (J_{t})")
        if matrix.ndim != 2:
            raise ValueError(f"jacobians[{t - 1}] (J_{t}) must be a 2-D matrix (outputs, "
                             f"inputs); got shape {matrix.shape}")
        if matrices and matrix.shape[1] != matrices[-1].shape[0]:
            raise ValueError(f"J_{t} has shape {matrix.shape} but J_{t - 1} has shape "
                             f"{matrices[-1].shape}: step {t} must take the {matrices[-1].shape[0]}"
                             f" outputs of step {t - 1} as its inputs (J_{t} needs "
                             f"{matrices[-1].shape[0]} columns)")
        matrices.append(matrix)
    return matrices


def multiply_chain(jacobians, order: str = "reverse") -> np.ndarray:
    """J_D ... J_2 J_1 for jacobians = [J_1, ..., J_D], multiplied in the given order."""
    matrices = check_chain(jacobians)
    check_order(order)
    if len(matrices) == 1:
        return matrices[0].copy()  # a new array, never the caller's J_1 itself
    if order == "forward":
        product = matrices[0]
        for jacobian in matrices[1:]:
            product = jacobian @ product
        return product
    product = matrices[-1]
    for jacobian in reversed(matrices[:-1]):
        product = product @ jacobian
    return product


def single_blas_thread():
    """A context in which numpy's BLAS runs on one thread (threadpoolctl), restored after.

    Timing small products on a busy machine with BLAS threads is mostly timing threads waiting
    for a free core (100× slower is common); one thread measures the work itself.
    """
    return _blas_controller().limit(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()  # finds the loaded BLAS libraries once; limiting is then cheap


def time_product(jacobians, order: str, repeats: int = 5, budget: float = 0.05) -> float:
    """Seconds for multiply_chain(jacobians, order): the best of up to `repeats` runs on one BLAS
    thread, stopping once about `budget` seconds are spent (after one run if that one took
    longer: a slow product is measured well enough by a single run)."""
    matrices = check_chain(jacobians)
    check_order(order)
    repeats = check_count(repeats, "repeats")
    budget = check_number(budget, "budget", low_open=False, high=MAX_SECONDS, high_open=False)
    best, spent = float("inf"), 0.0
    with single_blas_thread():
        for _ in range(int(repeats)):
            start = time.perf_counter()
            multiply_chain(matrices, order)
            elapsed = time.perf_counter() - start
            best, spent = min(best, elapsed), spent + elapsed
            if spent > budget:
                break
    return best
