"""The checker of 00-start-here (utils/checks/start_here.py): the warm-up on the shape of dC/dA
for C = A @ B with A (2, 3) and B (3, 4)."""

from __future__ import annotations

import numpy as np
import pytest
from feedback_asserts import assert_mistake, assert_passes

from utils import matmul_jacobian
from utils.checks import check_warmup_shape

A_SHAPE, B_SHAPE = (2, 3), (3, 4)
C_SHAPE = (np.ones(A_SHAPE) @ np.ones(B_SHAPE)).shape
# an independent route to the answer: build the tensor and read off its shape
RIGHT = matmul_jacobian(np.ones(A_SHAPE), np.ones(B_SHAPE), wrt="A").shape


def test_the_independent_route_agrees_with_the_shape_convention():
    assert RIGHT == C_SHAPE + A_SHAPE


@pytest.mark.parametrize("answer", [RIGHT, list(RIGHT), tuple(np.int64(k) for k in RIGHT),
                                    tuple(float(k) for k in RIGHT)])
def test_the_right_shape_passes_as_a_tuple_or_a_list(answer):
    assert_passes(check_warmup_shape(answer))


@pytest.mark.parametrize("answer", [..., None])
def test_the_stub_is_not_done(answer):
    feedback = check_warmup_shape(answer)
    assert not feedback.passed and feedback.mistake == "not done"
    assert "00-warmup-shape" in feedback.message


@pytest.mark.parametrize("answer, mistake, hint", [
    (A_SHAPE + C_SHAPE, "input first", "output's axes first"),
    (C_SHAPE, "output shape only", "shape of C itself"),
    (A_SHAPE, "gradient shape", "dL/dA"),
])
def test_each_listed_mistake_is_named(answer, mistake, hint):
    feedback = check_warmup_shape(answer)
    assert_mistake(feedback, mistake)
    assert hint in feedback.message


@pytest.mark.parametrize("answer, mistake, hint", [
    (A_SHAPE + B_SHAPE, "A then B", "two factors"),
    (C_SHAPE + B_SHAPE, "dC/dB shape", "dC/dB"),
    (B_SHAPE + C_SHAPE, "dC/dB input first", "input's axes first"),
    (B_SHAPE, "B's shape", "B's shape"),
    ((8, 6), "flattened", "flattened"),
    ((6, 8), "flattened, input first", "input first"),
    ((2, 2, 4, 3), "picture axis order", "block picture"),
    ((4, 2, 2, 3), "C's axes swapped", "C's two axes are swapped"),
    ((2, 4, 3, 2), "A's axes swapped", "A's two axes are swapped"),
    ((4, 2, 3, 2), "both transposed", "reversed"),
    ((2, 3, 4), "three axes", "before the sum over r"),
    (48, "entry count", "how many entries"),
    ((3, 2, 4, 2), "wrong axes", "yours reads as (n, m, p, m)"),
    ((4, 8, 4, 6), "scaled", "each length is 2 times the right one"),
    (RIGHT[:3], "wrong number of axes", "has 3 axes"),
    (RIGHT + (1,), "wrong number of axes", "has 5 axes"),
    ((2, 4, 0, 3), "not positive", "positive length"),
    ((2, 4, 2.5, 3), "not whole numbers", "whole number"),
])
def test_each_wrong_shape_gets_its_own_hint_without_array_talk(answer, mistake, hint):
    feedback = check_warmup_shape(answer)
    assert_mistake(feedback, mistake)
    assert hint in feedback.message
    assert "index" not in feedback.message and "expected shape" not in feedback.message


def test_no_two_wrong_shapes_share_a_hint():
    from utils.checks.start_here import _hints

    hints = [hint for _, hint in _hints().values()]
    assert len(set(hints)) == len(hints) and RIGHT not in _hints()


@pytest.mark.parametrize("answer", [16, "(2, 4, 2, 3)", {2, 3, 4}, 2.5, np.float64(48)])
def test_an_answer_that_is_not_a_tuple_is_refused_with_the_value_shown(answer):
    feedback = check_warmup_shape(answer)
    assert_mistake(feedback, "not a tuple")
    assert repr(answer) in feedback.message


def test_none_entries_in_a_tuple_are_named():
    assert_mistake(check_warmup_shape((2, 4, None, 3)), "None entries")
