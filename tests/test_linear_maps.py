"""The derivative as a linear map (utils/linear_maps.py): every rule of 04a checked against an
independent route — the 4-D tensor of 03, finite differences, and autograd."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import TensorTooLargeError, matmul_jacobian
from utils.linear_maps import (
    directional_difference,
    frobenius,
    kron_route_vjp,
    matmul_kron,
    measure_kron_route,
    unvec,
    vec,
)

sizes = st.integers(1, 4)


@settings(max_examples=40, deadline=None)
@given(sizes, sizes, sizes, st.integers(0, 2**16))
def test_the_kronecker_jacobian_is_the_tensor_of_03_flattened(m, n, p, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.standard_normal((m, n)), rng.standard_normal((n, p))
    for wrt, X in (("A", A), ("B", B)):
        tensor = matmul_jacobian(A, B, wrt)
        row_major = tensor.reshape(m * p, X.size)  # numpy's reshape: vec_r
        column_major = tensor.transpose(1, 0, 3, 2).reshape(m * p, X.size)  # vec_c both sides
        assert np.allclose(matmul_kron(A, B, wrt, "C"), row_major)
        assert np.allclose(matmul_kron(A, B, wrt, "F"), column_major)
        # and it maps a change of X to the change of C: vec(dC) = J vec(dX)
        dX = rng.standard_normal(X.shape)
        dC = dX @ B if wrt == "A" else A @ dX
        for order in ("C", "F"):
            assert np.allclose(matmul_kron(A, B, wrt, order) @ vec(dX, order), vec(dC, order))


def test_vec_and_unvec_are_inverse_and_orders_differ():
    X = np.arange(6.0).reshape(2, 3)
    assert vec(X).tolist() == [0, 1, 2, 3, 4, 5] and vec(X, "F").tolist() == [0, 3, 1, 4, 2, 5]
    for order in ("C", "F"):
        assert np.array_equal(unvec(vec(X, order), (2, 3), order), X)
    with pytest.raises(ValueError, match="6 entries"):
        unvec(np.ones(5), (2, 3))
    with pytest.raises(ValueError, match="order"):
        vec(X, "K")


def test_frobenius_is_the_trace_of_the_product():
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    assert np.isclose(frobenius(X, Y), np.trace(X.T @ Y))
    with pytest.raises(ValueError, match=r"X \(3, 4\) and Y \(4, 3\)"):
        frobenius(X, Y.T)


def well_conditioned(rng, n):
    return rng.standard_normal((n, n)) + n * np.eye(n)


# d f(X)[dX], the differential, for each function of 04a; checked by finite differences
DIFFERENTIALS = {
    "X²": (lambda X: X @ X, lambda X, dX: X @ dX + dX @ X),
    "X⁻¹": (np.linalg.inv, lambda X, dX: -np.linalg.inv(X) @ dX @ np.linalg.inv(X)),
    "det X": (np.linalg.det, lambda X, dX: np.linalg.det(X) * np.trace(np.linalg.inv(X) @ dX)),
    "‖X‖²_F": (lambda X: np.sum(X * X), lambda X, dX: 2 * np.sum(X * dX)),
    "Xᵀ X": (lambda X: X.T @ X, lambda X, dX: dX.T @ X + X.T @ dX),
}


@pytest.mark.parametrize("name", DIFFERENTIALS)
def test_each_differential_matches_finite_differences(name):
    f, differential = DIFFERENTIALS[name]
    rng = np.random.default_rng(1)
    X, dX = well_conditioned(rng, 4), rng.standard_normal((4, 4))
    assert np.allclose(directional_difference(f, X, dX), differential(X, dX), atol=1e-6)


def test_the_scalar_rule_for_x_squared_is_wrong_for_matrices():
    """d(X²) = X dX + dX X, not 2 X dX: the two differ unless X and dX commute."""
    rng = np.random.default_rng(2)
    X, dX = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    numeric = directional_difference(lambda Y: Y @ Y, X, dX)
    assert not np.allclose(numeric, 2 * X @ dX, atol=1e-3)


# gradients read off dL = ⟨G, dC⟩ (the trace trick), against autograd
def _gradients(rng):
    A, B, S = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), well_conditioned(rng, 3)
    At, Sq = rng.standard_normal((4, 3)), rng.standard_normal((4, 4))
    return [
        ("AB", lambda A_: anp.dot(A_, B), A, lambda G, A_: G @ B.T),
        ("AᵀB", lambda A_: anp.dot(A_.T, B), At, lambda G, A_: B @ G.T),
        ("ABAᵀ", lambda A_: anp.dot(anp.dot(A_, Sq), A_.T), A,
         lambda G, A_: G @ A_ @ Sq.T + G.T @ A_ @ Sq),
        ("A⁻¹", lambda A_: anp.linalg.inv(A_), S,
         lambda G, A_: -np.linalg.inv(A_).T @ G @ np.linalg.inv(A_).T),
        ("det A", lambda A_: anp.linalg.det(A_), S,
         lambda G, A_: G * np.linalg.det(A_) * np.linalg.inv(A_).T),
        ("‖A‖²_F", lambda A_: anp.sum(A_ * A_), A, lambda G, A_: 2 * G * A_),
    ]


@pytest.mark.parametrize("k", range(6))
def test_each_trace_trick_gradient_agrees_with_autograd(k):
    rng = np.random.default_rng(3)
    name, f, A, rule = _gradients(rng)[k]
    G = rng.standard_normal(np.shape(f(A)))
    reference = autograd.grad(lambda A_: anp.sum(G * f(A_)))(A)
    assert np.allclose(rule(G, A), reference), name


def test_the_kronecker_route_gives_the_vjp_and_refuses_what_would_not_fit():
    rng = np.random.default_rng(4)
    A, B, G = rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    assert np.allclose(kron_route_vjp(G, A, B), G @ B.T)
    big = np.ones((200, 200))
    with pytest.raises(TensorTooLargeError, match="over max_bytes") as refused:
        matmul_kron(big, big, max_bytes=10**6)
    assert refused.value.tensor_bytes == 200**4 * 8
    with pytest.raises(ValueError, match="dL_dC must have C's shape"):
        kron_route_vjp(G.T, A, B)


def test_the_measurement_times_both_routes_at_each_size():
    measured = measure_kron_route([2, 8], repeats=1)
    assert measured["n"].tolist() == [2, 8]
    assert measured["kron_bytes"].tolist() == [2**4 * 8, 8**4 * 8]
    assert (measured["kron_seconds"] > 0).all() and (measured["product_seconds"] > 0).all()
    with pytest.raises(ValueError, match="size = 65"):
        measure_kron_route([65])
    with pytest.raises(TypeError, match="sizes"):
        measure_kron_route("16")
