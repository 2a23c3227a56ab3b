"""Patterns of a whole wrong answer, for the mistake map (`_mistake_map`).

Each function returns a `Reading` (a short stable name and one sentence) when the whole answer is
the expected one transformed: its axes in another order, laid out by a reshape in the other
order, the reference run on swapped, repeated or transposed inputs, times a factor that varies
along some axes only, or off by an outer product minus an inner one; else None.
"""

from __future__ import annotations

import inspect
import itertools
import warnings
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Reading:
    """What the map found: a short lowercase name and the sentence that tells it."""

    name: str
    text: str


def close(a, b, rtol, atol) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def axes_permuted(answer, expected, rtol, atol, letters):
    """The answer is expected with its axes in another order (the shape fits both ways)."""
    if expected.ndim < 3:
        return None  # a matrix's transpose is a generic slip
    for order in itertools.permutations(range(expected.ndim)):
        if order == tuple(range(expected.ndim)):
            continue
        moved = expected.transpose(order)
        if moved.shape == answer.shape and not close(moved, expected, rtol, atol) \
                and close(answer, moved, rtol, atol):
            names = [letters[k] if letters else f"axis {k}" for k in order]
            return Reading("axes swapped", f"your tensor is the right one with its axes in "
                                           f"another order: your axes are expected's "
                                           f"({', '.join(names)}). Index it as the exercise "
                                           f"does, output axes first, then the input's.")
    return None


def other_order(answer, expected, rtol, atol):
    """The right numbers, laid out by a reshape in the other order (C's rows, Fortran's columns)."""
    if expected.ndim < 2:
        return None
    for source, target in (("C", "F"), ("F", "C")):
        moved = expected.reshape(-1, order=source).reshape(expected.shape, order=target)
        if not close(moved, expected, rtol, atol) and close(answer, moved, rtol, atol):
            return Reading("other order", f"your numbers are the right ones, laid out in the "
                                          f"other order: a reshape with order='{target}' where "
                                          f"the entries come in order='{source}' (numpy's "
                                          f"default is 'C', row by row).")
    return None


def _reference_variants(reference):
    """(words, value) of the reference function run on swapped, repeated or transposed inputs."""
    function, args = reference
    try:
        names = list(inspect.signature(function).parameters)[:len(args)]
    except (TypeError, ValueError):
        names = [f"argument {k}" for k in range(len(args))]
    arrays = [k for k, a in enumerate(args) if isinstance(a, np.ndarray) and a.ndim >= 1]
    variants = []
    for i, j in itertools.permutations(arrays, 2):
        if args[i].shape == args[j].shape:
            instead = list(args)
            instead[i] = args[j]
            variants.append((f"built from {names[j]} where {names[i]} belongs", "other operand",
                             instead))
    for i, j in itertools.combinations(arrays, 2):
        if args[i].shape == args[j].shape:
            swapped = list(args)
            swapped[i], swapped[j] = args[j], args[i]
            variants.append((f"{names[i]} and {names[j]} swapped", "operands swapped", swapped))
    for i in arrays:
        left_out = list(args)
        left_out[i] = np.zeros_like(args[i])
        variants.append((f"built without {names[i]} (as if it were zero)", "input left out",
                         left_out))
    for i in arrays:
        if args[i].ndim == 2:
            transposed = list(args)
            transposed[i] = args[i].T
            variants.append((f"built from {names[i]}ᵀ where {names[i]} belongs",
                             "input transposed", transposed))
    for words, name, inputs in variants:
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = np.asarray(function(*inputs), dtype=float)
        except Exception:  # noqa: BLE001 (a variant that does not fit its inputs is no reading)
            continue
        yield words, name, value


def from_reference(answer, expected, rtol, atol, reference):
    if reference is None:
        return None
    for words, name, value in _reference_variants(reference):
        if not close(value, expected, rtol, atol) and close(answer, value, rtol, atol):
            tail = ("that input is missing from your formula" if name == "input left out"
                    else "check which input each factor of the rule takes")
            return Reading(name, f"your answer is the right formula {words}: {tail}.")
    return None


def factor_along_axes(answer, expected, rtol, atol, letters):
    """answer = expected · F, with F varying along some axes only (a chain rule's factor)."""
    support = np.abs(expected) > atol + rtol * np.max(np.abs(expected))
    if expected.ndim < 1 or not support.any() or not np.allclose(answer[~support], 0.0, atol=atol):
        return None
    with np.errstate(all="ignore"):
        ratio = np.where(support, answer / np.where(support, expected, 1.0), np.nan)
    for size in range(1, expected.ndim):
        for kept in itertools.combinations(range(expected.ndim), size):
            others = tuple(k for k in range(expected.ndim) if k not in kept)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN group is fine
                high, low = np.nanmax(ratio, axis=others), np.nanmin(ratio, axis=others)
            spread = np.nan_to_num(high - low)
            if np.all(spread <= 1e-6 * np.nan_to_num(np.maximum(abs(high), abs(low))) + 1e-12):
                along = ", ".join(str(k) for k in kept)
                if letters:
                    along += f" ({', '.join(letters[k] for k in kept)} of ({', '.join(letters)}))"
                return Reading("factor wrong", f"your answer is the right one times a factor "
                                               f"that varies along axes {along} only (from "
                                               f"{np.nanmin(low):.3g} to {np.nanmax(high):.3g}): a "
                                               f"factor of the chain rule (an inner derivative, "
                                               f"an activation's derivative) is missing or taken "
                                               f"at the wrong point.")
    return None


def inner_for_outer(answer, expected, atol):
    """answer = expected + u vᵀ - (u·v) everywhere: an inner product where an outer belongs."""
    if expected.ndim != 2 or expected.shape[0] != expected.shape[1] or len(expected) < 2 \
            or expected.size > 10**5:  # (an SVD of a bigger matrix would take long)
        return None  # u·v needs u and v of one length
    D = answer - expected
    corner = D[0, 0] * D[1:, 1:] - np.outer(D[1:, 0], D[0, 1:])  # 2×2 minors of D - c vanish:
    weight = D[0, 0] + D[1:, 1:] - D[1:, 0][:, None] - D[0, 1:][None, :]  # corner = c · weight
    if not np.any(np.abs(weight) > atol):
        return None
    c = float(np.sum(corner * weight) / np.sum(weight * weight))
    u, sigma, vt = np.linalg.svd(D - c)
    if abs(c) <= atol or sigma[0] <= atol or (len(sigma) > 1 and sigma[1] > 1e-8 * sigma[0]):
        return None
    if not np.isclose(-c, sigma[0] * float(u[:, 0] @ vt[0]), rtol=1e-6, atol=atol):
        return None
    return Reading("inner for outer", f"your answer differs from the right one by an outer "
                                      f"product u vᵀ minus the number u·v = {-c:.4g}: a "
                                      f"`u @ v` of two vectors (one number, their inner "
                                      f"product) stands where the outer product np.outer(u, v) "
                                      f"= u[:, None] * v[None, :] belongs.")
