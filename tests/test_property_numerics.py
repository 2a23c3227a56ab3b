"""Numerically safe: norms, clipping, error measures, areas and log-softmax are scaled so that
huge (1e200, float32 3e19), tiny (1e-300, subnormal) and infinite inputs give the right answer or
a clear refusal: never zeros, never NaN, never an overflow nobody asked for.

Each property compares with a route that cannot overflow (Python's math.hypot, exact fractions,
the same input at a harmless scale) or with a law the answer must obey (scale invariance,
probabilities summing to one).
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from utils import costs, gradcheck, layers, maps, rnn

# Powers of ten that exercise every regime: subnormal, tiny, ordinary, huge.
SCALES = [1e-310, 1e-300, 1e-200, 1e-20, 1.0, 1e20, 1e200, 1e300]
FLOAT32_SCALES = [1e-40, 1e-30, 1e-10, 1.0, 1e10, 3e19, 1e30, 3e38]
unit_entries = st.lists(st.floats(-1, 1, allow_subnormal=False), min_size=1, max_size=6)
settings.register_profile("numerics", max_examples=60, deadline=None)


def scaled(values, dtype, scales):
    """(vector of values times a scale drawn from scales, in dtype) as a strategy."""
    return st.tuples(values, st.sampled_from(scales)).map(
        lambda vs: np.asarray(vs[0], np.float64).astype(dtype) * dtype(vs[1]))


def hypot(x) -> float:
    """The Euclidean norm without overflow: math.hypot scales internally, in float64."""
    return math.hypot(*map(float, np.ravel(x)))


# ----- clip_by_norm -------------------------------------------------------------------------

@settings(settings.get_profile("numerics"))
@given(st.one_of(scaled(unit_entries, np.float64, SCALES),
                 scaled(unit_entries, np.float32, FLOAT32_SCALES)),
       st.sampled_from([1e-300, 1e-5, 1.0, 5.0, 1e5, 1e300]))
def test_clip_by_norm_gives_the_clipped_vector_at_any_scale(gradient, max_norm):
    norm = hypot(gradient)  # exact enough, in float64, whatever the scale
    clipped = rnn.clip_by_norm(gradient, max_norm)
    assert clipped.dtype == gradient.dtype and np.all(np.isfinite(clipped))
    eps = np.finfo(gradient.dtype).eps
    if norm <= max_norm:
        assert np.array_equal(clipped, gradient)
        return
    target = min(max_norm, float(np.finfo(gradient.dtype).max))
    direction = np.asarray(gradient, np.float64) / np.abs(np.asarray(gradient, np.float64)).max()
    expected = direction / hypot(direction) * target  # in float64: no overflow at these scales
    tiny = np.finfo(gradient.dtype).smallest_subnormal
    # a few roundings, relative to the vector: an entry far below the largest one passes through
    # float32's subnormals on the way, and keeps only the precision the largest one leaves it
    atol = 64 * eps * np.abs(expected).max() + 4 * tiny
    assert np.allclose(clipped, expected, rtol=64 * eps, atol=atol), (clipped, expected)


def test_clip_by_norm_of_the_issues_cases():
    assert np.allclose(rnn.clip_by_norm(np.array([3e19, 4e19], np.float32), 5.0), [3, 4])
    assert np.allclose(rnn.clip_by_norm(np.array([1e200, 1e200]), 1.0), [0.70710678] * 2)
    assert np.allclose(rnn.clip_by_norm(np.float32([3e38, 3e38]), 1.0), [0.70710678] * 2)
    assert np.allclose(rnn.clip_by_norm(np.array([3e-320, 4e-320]), 1e-320), [6e-321, 8e-321],
                       rtol=0.05, atol=0)


@pytest.mark.parametrize("bad", [[np.inf, 1.0], [np.nan, 1.0], [-np.inf, np.inf]])
def test_clip_by_norm_refuses_what_has_no_direction(bad):
    with pytest.raises(ValueError, match="gradient"):
        rnn.clip_by_norm(np.array(bad), 1.0)


# ----- relative_error -----------------------------------------------------------------------

@settings(settings.get_profile("numerics"))
@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=1, max_size=5),
       st.sampled_from(SCALES))
def test_relative_error_is_the_same_at_every_scale(pairs, scale):
    analytic, numeric = np.array(pairs).T
    assume(np.abs(np.concatenate([analytic, numeric])).max() > 1e-3)
    at_one = gradcheck.relative_error(analytic, numeric)
    at_scale = gradcheck.relative_error(analytic * scale, numeric * scale)
    # at 1e-310 the inputs themselves are rounded to subnormals: allow that rounding only
    assert at_scale == pytest.approx(at_one, rel=1e-9, abs=1e-9 if scale > 1e-300 else 1e-5)
    assert 0.0 <= at_scale <= 2.0


def test_relative_error_of_opposite_huge_gradients_is_two_not_inf():
    assert gradcheck.relative_error(np.array([1e308]), np.array([-1e308])) == 2.0


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_relative_error_refuses_non_finite_gradients(bad):
    with pytest.raises(ValueError, match="numeric"):
        gradcheck.relative_error(np.ones(2), np.array([1.0, bad]))


# ----- log_softmax and the loss -------------------------------------------------------------

@settings(settings.get_profile("numerics"))
@given(st.lists(st.floats(-1, 1), min_size=1, max_size=5), st.sampled_from(SCALES),
       st.sampled_from([0.0, 1e-300, 1e100, -1e300]))
def test_log_softmax_is_a_log_probability_at_any_scale(logits, scale, shift):
    logits = np.array(logits) * scale
    assume(np.abs(logits).max() + abs(shift) < 1e307)  # the shifted logits themselves exist
    log_probs = layers.log_softmax(logits + shift)
    assert np.all(log_probs <= 0) and not np.any(np.isnan(log_probs))
    assert math.fsum(np.exp(log_probs)) == pytest.approx(1.0, rel=1e-12)
    # shift invariance, where adding the shift kept the logits' differences (1e300 swallows a
    # difference of 1e157 whole: then the shifted logits are equal and their answer is too)
    shifted = logits + shift
    spread = np.abs(logits - logits.max()).max()
    if np.allclose(shifted - shifted.max(), logits - logits.max(), rtol=1e-12, atol=1e-12 * spread):
        expected = layers.log_softmax(logits)
        assert np.allclose(log_probs, expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())


def test_log_softmax_gives_minus_infinity_to_impossible_classes_only():
    assert np.array_equal(layers.log_softmax(np.array([0.0, -np.inf])), [0.0, -np.inf])


@pytest.mark.parametrize("bad", [[np.inf, 0.0], [np.nan, 0.0], [-np.inf, -np.inf]])
def test_log_softmax_refuses_logits_without_a_distribution(bad):
    with pytest.raises(ValueError, match="logits"):
        layers.log_softmax(np.array(bad))
    with pytest.raises(ValueError, match="logits"):
        layers.SoftmaxCrossEntropy().forward(np.array([bad]), np.array([1]))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_loss_of_huge_logits_is_their_gap(dtype):
    big = np.finfo(dtype).max / 4
    logits = np.array([[big, 0.0], [0.0, big]], dtype)
    assert layers.SoftmaxCrossEntropy().forward(logits, np.array([0, 0])) == pytest.approx(
        float(big) / 2, rel=1e-6)


# ----- norms and areas ----------------------------------------------------------------------

@settings(settings.get_profile("numerics"))
@given(st.sampled_from([1e-300, 1e-150, 1e150, 1e300]))
def test_spectral_radius_scales_with_the_matrix(scale):
    W = rnn.random_recurrent_matrix(4, 0.9)
    assert rnn.spectral_radius(W * scale) == pytest.approx(0.9 * scale, rel=1e-9)


@settings(settings.get_profile("numerics"))
@given(st.sampled_from([1e-150, 1e-100, 1.0, 1e100, 1e150]),
       st.floats(0.1, 10), st.floats(-5, 5), st.floats(-5, 5))
def test_enclosed_area_scales_with_the_square_of_the_length(scale, size, x, y):
    unit = maps.enclosed_area(maps.square_outline([x, y], size))
    assert unit == pytest.approx(size ** 2, rel=1e-9)
    area = maps.enclosed_area(maps.square_outline([x, y], size) * scale)
    assert area == pytest.approx(size ** 2 * scale ** 2, rel=1e-9)


def test_enclosed_area_too_large_for_a_float_is_infinite_not_nan():
    assert maps.enclosed_area(maps.square_outline([0, 0], 1.0) * 1e200) == np.inf


def test_jacobian_norms_of_an_exploding_rnn_grow_instead_of_turning_nan():
    W = rnn.random_recurrent_matrix(4, 5.0)
    trace = rnn.rnn_forward(W, np.eye(4), np.zeros((600, 4)), np.zeros(4), "linear")
    norms = rnn.jacobian_norms(trace)
    assert not np.any(np.isnan(norms)) and norms[-1] == 1.0
    finite = norms[np.isfinite(norms)]
    assert np.all(np.diff(np.log(norms[::-1][: len(finite)])) > 0)  # grows as k falls
    assert np.isinf(norms[0])  # 5**600 has no float: infinite, said so, not NaN
    short = rnn.rnn_forward(W, np.eye(4), np.zeros((20, 4)), np.zeros(4), "linear")
    assert np.allclose(rnn.jacobian_norms(short)[:1], np.linalg.norm(
        rnn.jacobian_through_time(short, 0), 2), rtol=1e-9)


def test_jacobian_norms_of_a_vanishing_rnn_stay_positive_until_they_underflow():
    W = rnn.random_recurrent_matrix(4, 0.2)
    trace = rnn.rnn_forward(W, np.eye(4), np.zeros((300, 4)), np.zeros(4), "linear")
    norms = rnn.jacobian_norms(trace)
    assert not np.any(np.isnan(norms)) and np.all(norms[-200:] > 0)


# ----- sizes and numbers past float range ---------------------------------------------------

@pytest.mark.parametrize("n_bytes", [2**1100, 10**400, -(2**1100), 2**64, 10**300],
                         ids=["2**1100", "10**400", "-2**1100", "2**64", "10**300"])
def test_format_bytes_prints_any_whole_number_of_bytes(n_bytes):
    mantissa, unit = costs.format_bytes(n_bytes).split()
    assert unit == "EiB"
    exact = Decimal(n_bytes) / Decimal(2**60)
    assert abs(Decimal(mantissa) - exact) <= Decimal("0.06") * abs(exact)


def test_format_bytes_refuses_a_float_overflowed_to_infinity():
    with pytest.raises(ValueError, match="n_bytes"):
        costs.format_bytes(float("inf"))


def test_sgd_step_refuses_a_learning_rate_beyond_floats():
    model = layers.mlp([3, 2])
    model.backward(np.ones(model.forward(np.ones((2, 3))).shape))
    with pytest.raises(ValueError, match="learning_rate"):
        layers.sgd_step(model, 10**400)
