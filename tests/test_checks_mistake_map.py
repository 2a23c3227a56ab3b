"""The mistake map (utils/checks/_mistake_map.py, _mistake_patterns.py, _shape_map.py) and its
picture (utils/plotting/_mistake_map.py): for random expected arrays and every kind of error, the
map names the pattern and the region; a wrong shape is read in the exercise's letters."""

from __future__ import annotations

import base64
import re
import tracemalloc

import numpy as np
import pytest
from feedback_asserts import assert_mistake
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.checks import Feedback, compare

seeds = st.integers(0, 2**32 - 1)


def _matrix(rng, square=False):
    rows = int(rng.integers(2, 6))
    cols = rows if square else int(rng.integers(2, 6))
    return rng.normal(size=(rows, cols))


def _one_entry(rng):
    E = _matrix(rng)
    index = tuple(int(rng.integers(0, s)) for s in E.shape)
    answer = E.copy()
    answer[index] += rng.choice([-1, 1]) * rng.uniform(0.5, 2.0)
    return E, answer, "one entry", f"in one entry, ({index[0]}, {index[1]})"


def _one_row(rng):
    E = _matrix(rng)
    row = int(rng.integers(0, len(E)))
    answer = E.copy()
    answer[row] += rng.normal(size=E.shape[1]) + 3.0
    return E, answer, "one row", f"row {row}"


def _one_column(rng):
    E = _matrix(rng)
    column = int(rng.integers(0, E.shape[1]))
    answer = E.copy()
    answer[:, column] += rng.normal(size=len(E)) + 3.0
    return E, answer, "one column", f"column {column}"


def _diagonal(rng):
    E = rng.normal(size=(int(rng.integers(3, 6)),) * 2)
    return E, E + np.diag(rng.normal(size=len(E)) + 3.0), "diagonal", "on the diagonal"


def _off_diagonal(rng):
    E = rng.normal(size=(int(rng.integers(3, 6)),) * 2)
    noise = rng.normal(size=E.shape) + 3.0
    return E, E + noise - np.diag(np.diag(noise)), "off-diagonal", "off the diagonal"


def _block(rng):
    E = rng.normal(size=tuple(int(k) for k in rng.integers(2, 4, size=4)))
    i, j = int(rng.integers(0, E.shape[0])), int(rng.integers(0, E.shape[1]))
    answer = E.copy()
    answer[i, j] += rng.normal(size=E.shape[2:]) + 3.0
    return E, answer, "one block", f"block ({i}, {j})"


def _row_scaled(rng):
    E, answer, _, words = _one_row(rng)
    row = int(words.split()[-1])
    answer[row] = 3.5 * E[row]
    return E, answer, "one row", "3.5 times"


def _entry_sign(rng):
    E, answer, _, words = _one_entry(rng)
    answer[answer != E] *= -1
    answer[answer != E] = -E[answer != E]
    return E, answer, "one entry", "minus the expected value"


def _factor(rng):
    E = _matrix(rng)
    c = float(rng.choice([-1, 1]) * rng.uniform(1.5, 4.0))
    return E, c * E, "scaled", f"times {c:.4g}"


def _sign(rng):
    E = _matrix(rng)
    return E, -E, "sign flipped", "sign flipped"


def _transpose(rng):
    E = _matrix(rng, square=bool(rng.integers(0, 2)))
    return E, E.T.copy(), "transposed", "transposed"


def _axes_permuted(rng):
    m, p, n = (int(k) for k in rng.permutation([2, 3, 4]))
    E = rng.normal(size=(m, p, m, n))
    return E, E.transpose(2, 1, 0, 3).copy(), "axes swapped", "(m, p, m, n)"


def _other_order(rng):  # (for a square matrix the other order is the transpose)
    E = rng.normal(size=tuple(int(k) for k in rng.choice([2, 3, 4, 5], size=2, replace=False)))
    return E, E.reshape(-1).reshape(E.shape, order="F"), "other order", "order='F'"


def _factor_along_rows(rng):
    E = _matrix(rng)
    factor = rng.uniform(0.2, 3.0, size=(len(E), 1))
    return E, E * factor, "factor wrong", "axes 0 (m of (m, n)) only"


def _shifted(rng):
    E = _matrix(rng)
    return E, E + 0.25, "shifted", "off by +0.25"


def _index_slip(rng):
    E = _matrix(rng)
    here, there = (tuple(int(k) for k in divmod(int(i), E.shape[1]))
                   for i in rng.choice(E.size, size=2, replace=False))
    answer = E.copy()
    answer[here] = E[there]
    return E, answer, "one entry", f"belongs in entry {there}"


def _block_slip(rng):
    E = rng.normal(size=(2, 3, 2, 2))
    answer = E.copy()
    answer[1, 2] = E[0, 1]
    return E, answer, "one block", "belongs in block (0, 1)"


def _block_transposed(rng):
    E = rng.normal(size=(3, 2, 3, 3))
    answer = E.copy()
    answer[2, 0] = E[2, 0].T
    return E, answer, "one block", "that block is transposed"


def _inner_for_outer(rng):
    s = rng.uniform(0.1, 1.0, size=int(rng.integers(2, 6)))
    E = np.diag(s) - np.outer(s, s)
    return E, np.diag(s) - s @ s, "inner for outer", "np.outer(u, v)"


PATTERNS = [_index_slip, _block_slip, _block_transposed, _inner_for_outer, _one_entry, _one_row,
            _one_column, _diagonal, _off_diagonal, _block, _row_scaled,
            _entry_sign, _factor, _sign, _transpose, _axes_permuted, _other_order,
            _factor_along_rows, _shifted]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.__name__.strip("_"))
@settings(max_examples=25, deadline=None)
@given(seed=seeds)
def test_the_map_names_every_pattern_and_its_region(pattern, seed):
    expected, answer, name, words = pattern(np.random.default_rng(seed))
    axes = "m p m n" if expected.ndim == 4 else "m n"
    feedback = compare("ex", answer, expected, axes=axes)
    assert_mistake(feedback, name)
    assert words in feedback.message
    assert "\n" not in feedback.message  # one paragraph: the picture carries the numbers


@settings(max_examples=25, deadline=None)
@given(seed=seeds)
def test_the_map_tries_the_reference_on_other_inputs(seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))

    def product_rule(G, A, B):
        return G @ B.T

    G = rng.normal(size=(3, 3))
    reference = (product_rule, (G, A, B))
    other = compare("ex", G @ A.T, G @ B.T, reference=reference)
    assert_mistake(other, "other operand")
    assert "built from A where B belongs" in other.message
    transposed_input = compare("ex", G.T @ B.T, G @ B.T, reference=reference)
    assert_mistake(transposed_input, "input transposed")
    assert "Gᵀ where G belongs" in transposed_input.message


@pytest.mark.parametrize("answer, name, words", [
    (np.arange(6.0), "reshaped", "a flat (6,) where (m, n) = (2, 3) was expected"),
    (np.arange(6.0).reshape(2, 3).ravel(order="F"), "reshaped", ".reshape(2, 3, order='F')"),
    (np.arange(6.0).reshape(2, 3).T.copy(), "transposed", "transposed"),
    (np.float64(15.0), "summed", "the sum of all the right entries"),
    (np.float64(2.0), "scalar", "np.outer(u, v)"),
    (np.arange(6.0).reshape(2, 3).sum(axis=0), "summed over an axis", "the axis m"),
    (np.array([3.0, 4.0, 5.0]), "one slice only", "slice 1 along m"),
    (np.arange(6.0).reshape(1, 2, 3), "extra axis", "length 1"),
    (np.stack([np.arange(6.0).reshape(2, 3)] * 4) / 4, "sum missing", ".sum(axis=0)"),
    (np.ones((4, 5)), "wrong shape", "expected shape (m, n) = (2, 3), got (4, 5)"),
    (np.ones((2, 3, 2)), "wrong shape", "which reads as (m, n, m)"),
])
def test_a_wrong_shape_is_read_in_the_exercise_letters(answer, name, words):
    feedback = compare("ex", answer, np.arange(6.0).reshape(2, 3), axes="m n")
    assert_mistake(feedback, name)
    assert words in feedback.message


def test_axes_swapped_names_them_in_the_letters():
    expected = np.random.default_rng(1).normal(size=(2, 4, 2, 3))
    feedback = compare("ex", expected.transpose(0, 1, 3, 2), expected, axes="m p m n")
    assert_mistake(feedback, "axes swapped")
    assert "your axes (m, p, n, m) are expected's (m, p, m, n) = (2, 4, 2, 3)" in feedback.message


def test_a_huge_wrong_answer_is_refused_without_allocating():
    huge = np.broadcast_to(np.nan, (10**5, 10**5))  # 80 GB if it were ever copied
    tracemalloc.start()
    feedback = compare("ex", huge, np.zeros((2, 3)), axes="m n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert_mistake(feedback, "wrong shape")
    assert "(100000, 100000)" in feedback.message and peak < 10 * 2**20


def test_a_wrong_matrix_carries_a_picture_and_its_text_stays_the_message():
    expected = np.arange(6.0).reshape(2, 3)
    wrong = expected.copy()
    wrong[1, 2] = 0.5
    feedback = compare("ex", wrong, expected)
    bundle = feedback._repr_mimebundle_()
    assert bundle["text/plain"] == feedback.message == repr(feedback)
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert feedback.picture.wrong.sum() == 1 and feedback.picture.wrong[1, 2]


@pytest.mark.parametrize("answer", [np.arange(6.0).reshape(2, 3), ..., np.arange(6.0),
                                    np.arange(3.0)])
def test_no_picture_for_a_pass_a_stub_a_vector_or_a_wrong_shape(answer):
    expected = np.arange(6.0).reshape(2, 3) if np.ndim(answer) != 1 else np.arange(3.0) + 1
    feedback = compare("ex", answer, expected)
    assert feedback.picture is None
    assert set(feedback._repr_mimebundle_()) == {"text/plain"}


def test_feedback_equality_ignores_the_picture():
    assert Feedback(False, "m", "x", None) == Feedback(False, "m", "x", object())


@pytest.mark.parametrize("kwargs, words", [
    ({"axes": 3}, "axes should be letters"), ({"axes": ["m", 2]}, "axes should be letters"),
    ({"reference": np.sum}, "reference should be (function, its inputs)"),
    ({"reference": (np.sum, np.ones(2))}, "reference should be (function, its inputs)"),
])
def test_compare_refuses_bad_axes_and_references_by_name(kwargs, words):
    with pytest.raises(TypeError, match=re.escape(words)):
        compare("ex", np.ones(2), np.zeros(2), **kwargs)
