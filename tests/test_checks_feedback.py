"""What every checker shares (utils/checks/_feedback.py): compare, running a learner's function
safely, and the Feedback a checker returns."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from feedback_asserts import assert_mistake, assert_passes, stub

from utils.checks import FAIL, PASS, TODO, Feedback, Mistake, compare, run_learner_function
from utils.checks._feedback import compact, correct, is_stub, not_done, side_by_side, solution

EXPECTED = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -6.0]])


def table_rows(message: str, columns: int) -> list[tuple[list[float], list[float]]]:
    """The (expected row, given row) pairs of the side-by-side table at the end of a message."""
    lines = message.splitlines()
    header = next(k for k, line in enumerate(lines) if line.split() == ["expected", "got"])
    rows = []
    for line in lines[header + 1:]:
        numbers = [float(v) for v in line.split()]
        assert len(numbers) == 2 * columns, line
        rows.append((numbers[:columns], numbers[columns:]))
    return rows


# --- compare: pass, mistakes, shapes and values -------------------------------------------------

def test_compare_accepts_the_expected_values_as_an_array_a_list_or_within_tolerance():
    assert_passes(compare("ex", EXPECTED.copy(), EXPECTED))
    assert_passes(compare("ex", EXPECTED.tolist(), EXPECTED))
    assert_passes(compare("ex", EXPECTED * (1 + 1e-9), EXPECTED))
    assert_passes(compare("ex", EXPECTED.astype(np.float32), EXPECTED, rtol=1e-6, atol=1e-6))
    assert "ex" in compare("ex", EXPECTED, EXPECTED).message


def test_compare_tolerances_are_the_ones_given():
    nearly = EXPECTED + 1e-3
    assert_mistake(compare("ex", nearly, EXPECTED), "shifted")
    assert_passes(compare("ex", nearly, EXPECTED, rtol=0, atol=2e-3))


@pytest.mark.parametrize("answer", [..., None])
def test_compare_says_not_done_for_the_stubs(answer):
    feedback = compare("ex", answer, EXPECTED)
    assert not feedback.passed and feedback.mistake == "not done"
    assert feedback.message.startswith(TODO) and "ex" in feedback.message


def test_a_recognised_mistake_of_the_same_shape_wins_over_wrong_values():
    negated = Mistake("sign flipped", -EXPECTED, "mind the sign")
    feedback = compare("ex", -EXPECTED, EXPECTED, [negated])
    assert_mistake(feedback, "sign flipped")
    assert feedback.message == f"{FAIL} ex: mind the sign"


def test_a_recognised_mistake_of_another_shape_wins_over_wrong_shape():
    mistakes = [Mistake("sign flipped", -EXPECTED, "mind the sign"),
                Mistake("transposed", EXPECTED.T, "rows are outputs")]
    feedback = compare("ex", EXPECTED.T.copy(), EXPECTED, mistakes)
    assert_mistake(feedback, "transposed")
    assert "rows are outputs" in feedback.message


def test_the_first_matching_mistake_wins_and_unmatched_mistakes_are_ignored():
    zeros = np.zeros_like(EXPECTED)
    mistakes = [Mistake("other", EXPECTED + 1, "no"), Mistake("first", zeros, "first hint"),
                Mistake("second", zeros.copy(), "second hint")]
    assert_mistake(compare("ex", zeros, EXPECTED, mistakes), "first")
    assert_mistake(compare("ex", EXPECTED + 5, EXPECTED, mistakes), "shifted")


def test_a_correct_answer_passes_even_when_a_mistake_has_the_same_value():
    assert_passes(compare("ex", EXPECTED, EXPECTED, [Mistake("same", EXPECTED, "never shown")]))


def test_wrong_shape_names_both_shapes():
    feedback = compare("ex", np.ones((4, 2)), EXPECTED)
    assert_mistake(feedback, "wrong shape")
    assert "expected shape (2, 3)" in feedback.message and "got (4, 2)" in feedback.message
    swapped = compare("ex", np.ones((3, 2)), EXPECTED, axes="m n")
    assert_mistake(swapped, "wrong shape")
    assert "your axes (n, m) are expected's (m, n) = (2, 3)" in swapped.message


@pytest.mark.parametrize("index", [(0, 0), (1, 2), (0, 1)])
def test_wrong_values_name_the_index_of_the_largest_difference(index):
    answer = EXPECTED + 0.01  # small errors everywhere, one large one at `index`
    answer[index] = EXPECTED[index] + 7.0
    feedback = compare("ex", answer, EXPECTED)
    assert_mistake(feedback, "wrong values")
    assert f"at index {index}" in feedback.message
    assert f"expected {EXPECTED[index]:.6g}, got {answer[index]:.6g}" in feedback.message


def test_a_nan_is_named_with_its_index():
    answer = EXPECTED.copy()
    answer[1, 1] = np.nan
    feedback = compare("ex", answer, EXPECTED)
    assert_mistake(feedback, "not finite")
    assert "at index (1, 1)" in feedback.message


def test_complex_answers_get_their_own_message_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ComplexWarning would fail the test
        feedback = compare("ex", EXPECTED + 0j, EXPECTED, what="the Jacobian")
    assert_mistake(feedback, "complex")
    assert "the Jacobian should be real numbers" in feedback.message and "complex" in \
        feedback.message


@pytest.mark.parametrize("answer", [[1.0, None, 3.0], [[1.0, 2.0, 3.0], [None, 4.0, None]]])
def test_none_entries_are_named(answer):
    feedback = compare("ex", answer, EXPECTED)
    assert_mistake(feedback, "None entries")
    assert "None" in feedback.message


@pytest.mark.parametrize("answer, kind", [("abc", "str"), ({"a": 1}, "dict"),
                                          ([[1.0, 2.0], [3.0]], "list"), (object(), "object")])
def test_not_numeric_answers_name_their_type(answer, kind):
    feedback = compare("ex", answer, EXPECTED)
    assert_mistake(feedback, "not numeric")
    assert f"got {kind}." in feedback.message


# --- compare(where=...) -------------------------------------------------------------------------

def test_where_adds_the_test_input_and_a_matrix_gets_a_picture_instead_of_a_table():
    answer = EXPECTED.copy()
    answer[0, 2] = -3.0
    feedback = compare("ex", answer, EXPECTED, where="at x = [1, 2]")
    assert_mistake(feedback, "one entry")
    assert feedback.message.endswith("(checked at x = [1, 2])") and "\n" not in feedback.message
    assert np.array_equal(feedback.picture.wrong, answer != EXPECTED)


def test_where_shows_a_vector_as_one_row():
    expected, answer = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0])
    rows = table_rows(compare("ex", answer, expected, where="at z").message, columns=3)
    assert len(rows) == 1 and np.allclose(rows[0][0], expected) and np.allclose(rows[0][1], answer)


def test_where_leaves_out_the_table_for_big_answers_mistakes_and_wrong_shapes():
    big = np.arange(49.0).reshape(7, 7)
    feedback = compare("ex", big + 1, big, where="at x")
    assert feedback.message.endswith("(checked at x)") and "\n" not in feedback.message
    mistake = compare("ex", -EXPECTED, EXPECTED, [Mistake("negated", -EXPECTED, "sign")],
                      where="at x")
    assert_mistake(mistake, "negated")
    assert mistake.message == f"{FAIL} ex: sign (checked at x)"
    shape = compare("ex", np.ones(4), EXPECTED, where="at x")
    assert_mistake(shape, "wrong shape")
    assert shape.message.endswith("(checked at x)") and "\n" not in shape.message


def test_where_adds_nothing_to_a_pass_or_to_not_done():
    assert compare("ex", EXPECTED, EXPECTED, where="at x") == compare("ex", EXPECTED, EXPECTED)
    assert compare("ex", ..., EXPECTED, where="at x") == compare("ex", ..., EXPECTED)


def test_where_gives_feedback_for_a_small_wrong_tensor():
    expected = np.arange(18.0).reshape(3, 2, 3, 1)
    feedback = compare("ex", expected + 1, expected, where="with A of shape (3, 1)")
    assert_mistake(feedback, "shifted")
    assert "off by +1" in feedback.message and feedback.picture is not None


# --- run_learner_function -----------------------------------------------------------------------

A = np.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize("function", [..., None, stub, lambda a: None])
def test_a_stub_or_a_function_returning_a_stub_is_not_done(function):
    value, feedback = run_learner_function("ex", function, A)
    assert value is None and feedback == not_done("ex")


@pytest.mark.parametrize("function, kind", [(3, "int"), (A, "ndarray"), ("f", "str")])
def test_something_that_is_not_a_function_is_named(function, kind):
    value, feedback = run_learner_function("ex", function, A)
    assert value is None
    assert_mistake(feedback, "not a function")
    assert f"got {kind}." in feedback.message


def test_an_error_becomes_feedback_naming_the_error_and_the_argument_shapes():
    def broken(a, b, k):
        return a @ b  # (2, 3) @ (2, 3): numpy refuses

    value, feedback = run_learner_function("ex", broken, A, A.copy(), 4)
    assert value is None
    assert_mistake(feedback, "raised")
    assert "ValueError" in feedback.message and "matmul" in feedback.message
    assert "(called with shape (2, 3), shape (2, 3), int)" in feedback.message


def test_the_learners_function_gets_copies_so_mutating_its_inputs_does_not_leak():
    original = A.copy()

    def mutating(a):
        seen = a.copy()
        a *= -1
        a[0, 0] = 99.0
        return seen, a.sum()

    value, feedback = run_learner_function("ex", mutating, A)
    assert feedback is None
    assert np.array_equal(value[0], original), "the function must see the real values"
    assert value[1] == -original.sum() + original[0, 0] + 99.0
    assert np.array_equal(A, original), "the caller's array was changed"


def test_a_returned_value_is_passed_back_as_equal_plain_data():
    answer = [1, 2]
    value, feedback = run_learner_function("ex", lambda a, k: answer, A, 7)
    assert feedback is None and value == answer and type(value) is list


# --- Feedback, correct, the small helpers -------------------------------------------------------

def test_feedback_repr_is_its_message():
    feedback = compare("ex", np.ones(4), EXPECTED)
    assert repr(feedback) == feedback.message
    assert repr([feedback]) == f"[{feedback.message}]"
    assert repr(Feedback(True, "done")) == "done"


def test_correct_passes_and_says_why():
    feedback = correct("ex", "rows are outputs.")
    assert_passes(feedback)
    assert feedback.mistake is None
    assert feedback.message == f"{PASS} ex: correct: rows are outputs."


def test_is_stub_only_for_ellipsis_and_none():
    assert is_stub(...) and is_stub(None)
    assert not any(is_stub(v) for v in (0, "", [], np.zeros(0), stub, False))


def test_compact_writes_a_test_input_on_one_line():
    values = np.array([[1.0, -0.5], [2.0, 1 / 3]])
    text = compact(values)
    assert "\n" not in text and text.startswith("[") and text.endswith("]")
    assert np.allclose([float(v) for v in text[1:-1].split(", ")], values.ravel(), atol=1e-4)


def test_side_by_side_has_one_line_a_row_with_expected_left_and_given_right():
    expected, given = np.array([[1.0, 2.0], [-3.0, 0.0]]), np.array([[1.5, 2.0], [-3.0, -0.0]])
    text = side_by_side(expected, given)
    assert text.splitlines()[0].split() == ["expected", "got"]
    rows = table_rows(text, columns=2)
    assert np.allclose([e for e, _ in rows], expected) and np.allclose([g for _, g in rows], given)
    assert "-0.0000" not in text  # a negative zero prints as 0


def test_solution_prints_the_reference_source_and_refuses_unknown_names(capsys):
    solution("04-grad-A")  # a function exercise: its source
    assert re.search(r"def grad_A\(", capsys.readouterr().out)
    solution("00-warmup-shape")  # a value exercise: the value, not a function
    printed = capsys.readouterr().out
    assert "answer = (2, 4, 2, 3)" in printed and "def " not in printed
    with pytest.raises(ValueError, match=r"no exercise called 'nope'.*00-warmup-shape"):
        solution("nope")
