"""The checkers of 06-jacobians-through-time (utils/checks/through_time.py): accept right
answers, say not-done for stubs, and name each common mistake."""

from __future__ import annotations

import numpy as np
import pytest
from feedback_asserts import assert_passes, assert_reads, changed, right_forms

from utils import checks, solutions
from utils.checks.through_time import _rnn_case

# ----- 06-jacobian-through-time -----

def jacobian_through_time_backwards(W, hs, k):   # another correct formulation: from T down
    product = np.eye(len(W))
    for t in range(len(hs) - 1, k, -1):
        product = product @ ((1 - hs[t] ** 2)[:, None] * W)
    return product


@pytest.mark.parametrize("answer", [solutions.my_jacobian_through_time,
                                    jacobian_through_time_backwards])
def test_jacobian_through_time_accepts_correct_answers(answer):
    assert checks.check_jacobian_through_time(answer).passed


def test_the_reference_matches_finite_differences_of_the_unrolled_rnn():
    from utils import numerical_jacobian
    from utils.rnn import jacobian_through_time, rnn_forward

    W, hs, k = _rnn_case()
    gen = np.random.default_rng(61)  # the same draws as _rnn_case, to rebuild U and xs
    gen.normal(size=(4, 4))
    U, xs = gen.normal(size=(4, 3)), gen.normal(size=(5, 3))
    trace = rnn_forward(W, U, xs, h0=hs[0])
    assert np.allclose(trace.h, hs)
    numeric = numerical_jacobian(lambda h: rnn_forward(W, U, xs[k:], h).h[-1], hs[k])
    assert np.allclose(solutions.my_jacobian_through_time(W, hs, k), numeric, atol=1e-8)
    assert np.allclose(jacobian_through_time(trace, k), numeric, atol=1e-8)


@pytest.mark.parametrize("stub", [..., None, lambda W, hs, k: ...])
def test_jacobian_through_time_stub_is_not_done(stub):
    assert checks.check_jacobian_through_time(stub).mistake == "not done"


def wrong_order(W, hs, k):
    product = np.eye(len(W))
    for t in range(k + 1, len(hs)):
        product = product @ (np.diag(1 - hs[t] ** 2) @ W)
    return product


def product_of_steps(W, hs, first, last, step=lambda W, h: np.diag(1 - h ** 2) @ W):
    product = np.eye(len(W))
    for t in range(first, last + 1):
        product = step(W, hs[t]) @ product
    return product


@pytest.mark.parametrize("mistake, answer", [
    ("wrong order", wrong_order),
    ("transposed", lambda W, hs, k: solutions.my_jacobian_through_time(W, hs, k).T),
    ("off by one step", lambda W, hs, k: solutions.my_jacobian_through_time(
        W, np.vstack([hs[:1], hs[:-1]]), k)),
    ("nonlinearity ignored", lambda W, hs, k: np.linalg.matrix_power(W, len(hs) - 1 - k)),
    ("one step too many", lambda W, hs, k: product_of_steps(W, hs, k, len(hs) - 1)),
    ("one step missing", lambda W, hs, k: product_of_steps(W, hs, k + 2, len(hs) - 1)),
    ("one step missing", lambda W, hs, k: product_of_steps(W, hs, k + 1, len(hs) - 2)),
    ("W transposed", lambda W, hs, k: product_of_steps(
        W, hs, k + 1, len(hs) - 1, step=lambda W, h: np.diag(1 - h ** 2) @ W.T)),
    ("tanh applied to h", lambda W, hs, k: product_of_steps(
        W, hs, k + 1, len(hs) - 1, step=lambda W, h: np.diag(1 - np.tanh(h) ** 2) @ W)),
])
def test_jacobian_through_time_names_each_mistake(mistake, answer):
    feedback = checks.check_jacobian_through_time(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_jacobian_through_time_names_diag_on_the_wrong_side():
    def diag_right(W, hs, k):
        product = np.eye(len(W))
        for t in range(k + 1, len(hs)):
            product = W @ np.diag(1 - hs[t] ** 2) @ product
        return product

    assert checks.check_jacobian_through_time(diag_right).mistake == "diag on the wrong side"


# ----- 06-clip-by-norm -----

@pytest.mark.parametrize("answer", [
    solutions.my_clip_by_norm,
    lambda g, m: g * min(1.0, m / np.linalg.norm(g)),
])
def test_clip_by_norm_accepts_correct_answers(answer):
    assert checks.check_clip_by_norm(answer).passed


@pytest.mark.parametrize("stub", [..., None, lambda g, m: None])
def test_clip_by_norm_stub_is_not_done(stub):
    assert checks.check_clip_by_norm(stub).mistake == "not done"


def clip_rows(g, m):
    norms = np.linalg.norm(g, axis=1, keepdims=True)
    return np.where(norms > m, g * m / norms, g)


@pytest.mark.parametrize("mistake, answer", [
    ("clipped entries", lambda g, m: np.clip(g, -m, m)),
    ("always rescaled", lambda g, m: g * m / np.linalg.norm(g)),
    ("unit length", lambda g, m: g / np.linalg.norm(g)),
    ("never clipped", lambda g, m: g),
    ("per-row norms", clip_rows),
    ("inverted condition", lambda g, m: g * m / np.linalg.norm(g) if np.linalg.norm(g) <= m
     else g),
    ("wrong shape", lambda g, m: g.ravel()),
    ("not numeric", lambda g, m: "clipped"),
])
def test_clip_by_norm_names_each_mistake(mistake, answer):
    feedback = checks.check_clip_by_norm(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_clip_by_norm_messages_name_the_gradient_not_internal_shapes():
    shape = checks.check_clip_by_norm(lambda g, m: g.ravel())
    assert "long gradient" in shape.message and "(2, 3)" in shape.message
    assert "(2, 2, 3)" not in shape.message
    text = checks.check_clip_by_norm(lambda g, m: "clipped")
    assert "should be a numeric array; got str" in text.message
    # right for the long gradient, wrong for the short one: the message says which
    half = checks.check_clip_by_norm(lambda g, m: solutions.my_clip_by_norm(g, m) if
                                     np.linalg.norm(g) > m else g + 1)
    assert half.mistake == "shifted" and "short gradient" in half.message
    assert "(2, 2, 3)" not in half.message



# --- both 06 checkers: the right answer in every form, other wrong answers read by the map -----

@pytest.mark.parametrize("check, reference", [
    (checks.check_jacobian_through_time, solutions.my_jacobian_through_time),
    (checks.check_clip_by_norm, solutions.my_clip_by_norm)], ids=["through time", "clip"])
def test_06_checkers_accept_the_right_answer_in_every_form(check, reference):
    for form in right_forms(reference):
        assert_passes(check(form))


J_T = solutions.my_jacobian_through_time
CLIP = solutions.my_clip_by_norm


@pytest.mark.parametrize("check, answer, name, words", [
    (checks.check_jacobian_through_time, lambda W, hs, k: 2 * J_T(W, hs, k), "scaled",
     ("times 2",)),
    (checks.check_jacobian_through_time, lambda W, hs, k: J_T(W, hs, k).ravel(), "reshaped",
     ("a flat (16,) where (n, n) = (4, 4)",)),
    (checks.check_jacobian_through_time, lambda W, hs, k: J_T(W, hs, k) + 0.1, "shifted",
     ("off by +0.1",)),
    (checks.check_jacobian_through_time, changed(J_T, lambda J, *_: J.__setitem__(0, 0.0)),
     "one row", ("row 0", "zero")),
    (checks.check_jacobian_through_time, lambda W, hs, k: J_T(W, hs, k)[None], "extra axis",
     ("length 1",)),
    (checks.check_jacobian_through_time, lambda W, hs, k: np.trace(J_T(W, hs, k)), "scalar",
     ("a scalar where a matrix (n, n)",)),
    (checks.check_clip_by_norm, lambda g, m: 2 * CLIP(g, m), "scaled",
     ("long gradient", "times 2")),
    (checks.check_clip_by_norm, lambda g, m: CLIP(g, m).ravel(), "reshaped",
     ("long gradient", "a flat (6,) where (rows, columns) = (2, 3)")),
    (checks.check_clip_by_norm, lambda g, m: CLIP(g, m).T, "transposed", ("transposed",)),
    (checks.check_clip_by_norm, lambda g, m: CLIP(g, m)[None], "extra axis", ("length 1",)),
    (checks.check_clip_by_norm, lambda g, m: CLIP(g, m) + 0.1, "shifted", ("off by +0.1",)),
    (checks.check_clip_by_norm,  # each column clipped to max_norm on its own
     lambda g, m: g * m / np.linalg.norm(g, axis=0) if np.linalg.norm(g) > m else g,
     "factor wrong", ("axes 1 (columns of (rows, columns))",)),
])
def test_06_checkers_map_reads_other_wrong_answers(check, answer, name, words):
    assert_reads(check(answer), name, *words)


def _broadcast_product(W, hs, k, factor, newest_left=True):
    product = np.eye(len(W))
    for t in range(k + 1, len(hs)):
        product = factor(hs[t], W) @ product if newest_left else product @ factor(hs[t], W)
    return product


@pytest.mark.parametrize("factor, newest_left, name, words", [
    (lambda h, W: (1 - h**2) * W, True, "diag on the wrong side",
     ("broadcasts a 1-D array along the LAST axis", "columns")),
    (lambda h, W: np.diag(1 - h**2) @ W.T, False, "wrong order and W transposed",
     ("wrong order", "W.T")),
    (lambda h, W: np.diag((1 - h) ** 2) @ W, True, "(1 - h)² for 1 - h²",
     ("one minus the square",)),
])
def test_the_through_time_slips_read2_found_are_named(factor, newest_left, name, words):
    feedback = checks.check_jacobian_through_time(
        lambda W, hs, k: _broadcast_product(W, hs, k, factor, newest_left))
    assert_reads(feedback, name, *words)
