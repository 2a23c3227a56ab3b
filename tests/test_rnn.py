"""The RNN's Jacobians through time, against finite differences of the unrolled map."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import jacobian as autograd_jacobian
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import numerical_jacobian
from utils.rnn import (
    NONLINEARITIES,
    clip_by_norm,
    jacobian_norms,
    jacobian_through_time,
    random_recurrent_matrix,
    rnn_forward,
    spectral_radius,
    step_jacobian,
    unrolled_map,
)


def make_rnn(n=5, d=3, T=8, radius=1.0, seed=0):
    gen = np.random.default_rng(seed)
    W = random_recurrent_matrix(n, radius, gen)
    return W, gen.normal(size=(n, d)), gen.normal(size=(T, d)), gen.normal(size=n) * 0.5


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 5), T=st.integers(1, 7), data=st.data(), seed=st.integers(0, 2**16),
       nonlinearity=st.sampled_from(NONLINEARITIES))
def test_product_of_step_jacobians_matches_finite_differences(n, T, data, seed, nonlinearity):
    W, U, xs, h0 = make_rnn(n=n, T=T, seed=seed)
    k = data.draw(st.integers(0, T))
    trace = rnn_forward(W, U, xs, h0, nonlinearity)
    if nonlinearity == "relu" and np.any(np.abs(trace.a[k + 1:]) < 1e-3):
        return  # a pre-activation sits on relu's kink: finite differences straddle it
    numeric = numerical_jacobian(unrolled_map(W, U, xs, k, nonlinearity), trace.h[k])
    assert np.allclose(jacobian_through_time(trace, k), numeric, atol=1e-7)


def test_tanh_rnn_jacobian_matches_autograd():
    W, U, xs, h0 = make_rnn(T=6, seed=3)

    def h_T_from_h_2(h):
        for x in xs[2:]:
            h = anp.tanh(anp.dot(W, h) + anp.dot(U, x))
        return h

    trace = rnn_forward(W, U, xs, h0)
    assert np.allclose(jacobian_through_time(trace, 2),
                       autograd_jacobian(h_T_from_h_2)(trace.h[2]))


def test_step_jacobian_scales_the_rows_of_W():
    W, U, xs, h0 = make_rnn(seed=1)
    trace = rnn_forward(W, U, xs, h0)
    assert np.allclose(step_jacobian(trace, 3), np.diag(1 - trace.h[3] ** 2) @ W)
    assert np.allclose(jacobian_through_time(trace, 8, 8), np.eye(5))


def test_jacobian_norms_agree_with_the_explicit_products():
    W, U, xs, h0 = make_rnn(T=10, seed=2)
    trace = rnn_forward(W, U, xs, h0, "relu")
    expected = [np.linalg.norm(jacobian_through_time(trace, k), 2) for k in range(11)]
    assert np.allclose(jacobian_norms(trace), expected)


def test_linear_rnn_norms_follow_the_spectral_radius():
    # with a normal (orthogonal times a scale) W, ||W^j|| = radius^j exactly
    Q, _ = np.linalg.qr(np.random.default_rng(4).normal(size=(6, 6)))
    for radius, direction in ((0.8, "vanishes"), (1.2, "explodes")):
        W = radius * Q
        trace = rnn_forward(W, np.ones((6, 1)), np.zeros((20, 1)), nonlinearity="linear")
        norms = jacobian_norms(trace)
        assert np.allclose(norms, radius ** (20 - np.arange(21))), direction
    assert np.isclose(spectral_radius(1.2 * Q), 1.2)


def test_tanh_never_grows_faster_than_the_linear_rnn():
    W, U, xs, h0 = make_rnn(n=8, T=30, radius=1.5, seed=5)
    tanh_norms = jacobian_norms(rnn_forward(W, U, xs, h0, "tanh"))
    linear_norms = jacobian_norms(rnn_forward(W, U, xs, h0, "linear"))
    assert tanh_norms[0] < linear_norms[0]


def test_random_recurrent_matrix_has_the_asked_spectral_radius():
    for radius in (0.5, 1.0, 1.7):
        assert np.isclose(spectral_radius(random_recurrent_matrix(10, radius)), radius)


def test_clip_by_norm_keeps_direction_and_short_gradients():
    g = np.array([3.0, 4.0])
    assert np.allclose(clip_by_norm(g, 1.0), [0.6, 0.8])
    assert np.array_equal(clip_by_norm(g, 10.0), g)


def test_bad_inputs_get_clear_errors():
    W, U, xs, h0 = make_rnn()
    with pytest.raises(ValueError, match="nonlinearity must be one of"):
        rnn_forward(W, U, xs, h0, "sigmoid")
    with pytest.raises(ValueError, match=r"W must be square.*\(5, 3\)"):
        rnn_forward(U, U, xs, h0)
    with pytest.raises(ValueError, match=r"xs \(8, 2\)"):
        rnn_forward(W, U, xs[:, :2], h0)
    with pytest.raises(ValueError, match=r"h0 must have shape \(5,\); got \(4,\)"):
        rnn_forward(W, U, xs, h0[:4])
    trace = rnn_forward(W, U, xs, h0)
    with pytest.raises(ValueError, match=r"k must lie in 0\.\.T \(= 8\); got k = 9"):
        jacobian_through_time(trace, 9)
    with pytest.raises(ValueError, match=r"1\.\.8"):
        step_jacobian(trace, 0)
    with pytest.raises(ValueError, match=r"max_norm must lie in \(0, inf\)"):
        clip_by_norm(np.ones(2), 0.0)
    with pytest.raises(ValueError, match="spectral_radius"):
        random_recurrent_matrix(3, -1.0)
