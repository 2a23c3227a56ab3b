"""Checkers of notebooks 05 and 06: accept right answers, say not-done for stubs, and name
each listed mistake by its result."""

from __future__ import annotations

import numpy as np
import pytest

from utils import checks, solutions

# ----- 05-dense-backward -----


def dense_backward_einsum(x, W, b, grad_output):   # another correct formulation
    return (np.einsum("bo,io->bi", grad_output, W), np.einsum("bi,bo->io", x, grad_output),
            np.einsum("bo->o", grad_output))


@pytest.mark.parametrize("answer", [solutions.dense_backward, dense_backward_einsum])
def test_dense_backward_accepts_correct_answers(answer):
    assert checks.check_dense_backward(answer).passed


@pytest.mark.parametrize("stub", [..., None, lambda x, W, b, g: ..., lambda x, W, b, g: None])
def test_dense_backward_stub_is_not_done(stub):
    assert checks.check_dense_backward(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("bias not summed", lambda x, W, b, g: (g @ W.T, x.T @ g, g)),
    ("bias averaged", lambda x, W, b, g: (g @ W.T, x.T @ g, g.mean(axis=0))),
    ("bias summed over outputs", lambda x, W, b, g: (g @ W.T, x.T @ g, g.sum(axis=1))),
    ("dW transposed", lambda x, W, b, g: (g @ W.T, g.T @ x, g.sum(axis=0))),
    ("dW averaged", lambda x, W, b, g: (g @ W.T, x.T @ g / len(x), g.sum(axis=0))),
    ("dx averaged", lambda x, W, b, g: (g @ W.T / len(x), x.T @ g, g.sum(axis=0))),
    ("raised", lambda x, W, b, g: (g @ W, x.T @ g, g.sum(axis=0))),
    ("not three gradients", lambda x, W, b, g: g @ W.T),
])
def test_dense_backward_names_each_mistake(mistake, answer):
    feedback = checks.check_dense_backward(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_dense_backward_bias_hint_talks_about_the_shape():
    feedback = checks.check_dense_backward(lambda x, W, b, g: (g @ W.T, x.T @ g, g))
    assert "(5, 4)" in feedback.message and "sum" in feedback.message


def test_dense_backward_other_wrong_values_say_which_gradient():
    feedback = checks.check_dense_backward(lambda x, W, b, g: (g @ W.T, x.T @ g + 1, g.sum(0)))
    assert feedback.mistake == "wrong values" and "dL_dW" in feedback.message


# ----- 05-relu-backward -----

@pytest.mark.parametrize("answer", [
    solutions.relu_backward,
    lambda x, y, g: np.where(y > 0, g, 0.0),          # the mask read off the output: also right
    lambda x, y, g: g * np.heaviside(x, 0.0),
])
def test_relu_backward_accepts_correct_answers(answer):
    assert checks.check_relu_backward(answer).passed


@pytest.mark.parametrize("stub", [..., None, lambda x, y, g: ...])
def test_relu_backward_stub_is_not_done(stub):
    assert checks.check_relu_backward(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("output values", lambda x, y, g: g * y),
    ("input values", lambda x, y, g: g * x),
    ("mask without grad_output", lambda x, y, g: (x > 0).astype(float)),
    ("gradient passed unchanged", lambda x, y, g: g),
])
def test_relu_backward_names_each_mistake(mistake, answer):
    feedback = checks.check_relu_backward(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_the_relu_case_separates_output_values_from_the_mask():
    x, y, G = checks._relu_case()
    assert not np.allclose(G * y, G * (x > 0)), "the test input must tell the two apart"


# ----- 05-used-twice -----

@pytest.mark.parametrize("answer", [
    solutions.square_matmul_vjp,
    lambda A, G: np.einsum("ij,kj->ik", G, A) + np.einsum("ki,kj->ij", A, G),
])
def test_used_twice_accepts_correct_answers(answer):
    assert checks.check_used_twice(answer).passed


def test_used_twice_agrees_with_the_autodiff_and_finite_differences():
    from utils import autodiff as ad
    from utils import numerical_jacobian

    A, G = checks._used_twice_case()
    ours = ad.grad(lambda A: ad.sum((A @ A) * G))(A)
    numeric = np.tensordot(G, numerical_jacobian(lambda a: a @ a, A), axes=2)
    assert np.allclose(solutions.square_matmul_vjp(A, G), ours)
    assert np.allclose(ours, numeric, atol=1e-8)


@pytest.mark.parametrize("stub", [..., None, lambda A, G: None])
def test_used_twice_stub_is_not_done(stub):
    assert checks.check_used_twice(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("overwritten", lambda A, G: G @ A.T),
    ("overwritten", lambda A, G: A.T @ G),
    ("assumed symmetric", lambda A, G: 2 * G @ A.T),
    ("assumed symmetric", lambda A, G: 2 * A.T @ G),
    ("transposes missing", lambda A, G: G @ A + A @ G),
])
def test_used_twice_names_each_mistake(mistake, answer):
    feedback = checks.check_used_twice(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_used_twice_overwrite_models_a_real_overwriting_backward():
    def overwriting_backward(A, G):       # a backward loop that assigns instead of adding
        grads = {}
        for contribution in (G @ A.T, A.T @ G):
            grads["A"] = contribution
        return grads["A"]

    assert checks.check_used_twice(overwriting_backward).mistake == "overwritten"


# ----- 06-jacobian-through-time -----

def jacobian_through_time_backwards(W, hs, k):   # another correct formulation: from T down
    product = np.eye(len(W))
    for t in range(len(hs) - 1, k, -1):
        product = product @ ((1 - hs[t] ** 2)[:, None] * W)
    return product


@pytest.mark.parametrize("answer", [solutions.jacobian_through_time,
                                    jacobian_through_time_backwards])
def test_jacobian_through_time_accepts_correct_answers(answer):
    assert checks.check_jacobian_through_time(answer).passed


def test_the_reference_matches_finite_differences_of_the_unrolled_rnn():
    from utils import numerical_jacobian
    from utils.rnn import jacobian_through_time, rnn_forward

    W, hs, k = checks._rnn_case()
    gen = np.random.default_rng(61)  # the same draws as _rnn_case, to rebuild U and xs
    gen.normal(size=(4, 4))
    U, xs = gen.normal(size=(4, 3)), gen.normal(size=(5, 3))
    trace = rnn_forward(W, U, xs, h0=hs[0])
    assert np.allclose(trace.h, hs)
    numeric = numerical_jacobian(lambda h: rnn_forward(W, U, xs[k:], h).h[-1], hs[k])
    assert np.allclose(solutions.jacobian_through_time(W, hs, k), numeric, atol=1e-8)
    assert np.allclose(jacobian_through_time(trace, k), numeric, atol=1e-8)


@pytest.mark.parametrize("stub", [..., None, lambda W, hs, k: ...])
def test_jacobian_through_time_stub_is_not_done(stub):
    assert checks.check_jacobian_through_time(stub).mistake == "not done"


def wrong_order(W, hs, k):
    product = np.eye(len(W))
    for t in range(k + 1, len(hs)):
        product = product @ (np.diag(1 - hs[t] ** 2) @ W)
    return product


@pytest.mark.parametrize("mistake, answer", [
    ("wrong order", wrong_order),
    ("transposed", lambda W, hs, k: solutions.jacobian_through_time(W, hs, k).T),
    ("off by one step", lambda W, hs, k: solutions.jacobian_through_time(
        W, np.vstack([hs[:1], hs[:-1]]), k)),
    ("nonlinearity ignored", lambda W, hs, k: np.linalg.matrix_power(W, len(hs) - 1 - k)),
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
    solutions.clip_by_norm,
    lambda g, m: g * min(1.0, m / np.linalg.norm(g)),
])
def test_clip_by_norm_accepts_correct_answers(answer):
    assert checks.check_clip_by_norm(answer).passed


@pytest.mark.parametrize("stub", [..., None, lambda g, m: None])
def test_clip_by_norm_stub_is_not_done(stub):
    assert checks.check_clip_by_norm(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("clipped entries", lambda g, m: np.clip(g, -m, m)),
    ("always rescaled", lambda g, m: g * m / np.linalg.norm(g)),
    ("unit length", lambda g, m: g / np.linalg.norm(g)),
    ("never clipped", lambda g, m: g),
    ("wrong shape", lambda g, m: g.ravel()),
])
def test_clip_by_norm_names_each_mistake(mistake, answer):
    feedback = checks.check_clip_by_norm(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_every_exercise_has_a_printable_solution(capsys):
    for name in ("05-dense-backward", "05-relu-backward", "05-used-twice",
                 "06-jacobian-through-time", "06-clip-by-norm"):
        checks.solution(name)
        assert "def " in capsys.readouterr().out
