"""dC/dA and dC/dB as 4-D tensors, the tensor chain rule, the VJP and the memory guard."""

import tracemalloc

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import jacobian as autograd_jacobian
from autograd import make_vjp
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import (
    DEFAULT_MAX_BYTES,
    TensorTooLargeError,
    chain_rule_via_tensor,
    matmul_jacobian,
    matmul_vjp,
    numerical_jacobian,
)

rng = np.random.default_rng(0)


def random_problem(m, n, p, seed=0, dtype=np.float64):
    gen = np.random.default_rng(seed)
    A, B, dL_dC = (gen.standard_normal(shape).astype(dtype) for shape in [(m, n), (n, p), (m, p)])
    return A, B, dL_dC


# --- the tensors -----------------------------------------------------------------------------

def test_lecture_2x2_example_block_layout():
    """The lecture's picture: block (i, j) of dC/dA is zero except row i, which holds B[:, j]."""
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    B = np.array([[5.0, 6.0], [7.0, 8.0]])
    dC_dA = matmul_jacobian(A, B)
    assert dC_dA.shape == (2, 2, 2, 2)
    np.testing.assert_array_equal(dC_dA[0, 0], [[5.0, 7.0], [0.0, 0.0]])  # [b11 b21; 0 0]
    np.testing.assert_array_equal(dC_dA[0, 1], [[6.0, 8.0], [0.0, 0.0]])  # [b12 b22; 0 0]
    np.testing.assert_array_equal(dC_dA[1, 0], [[0.0, 0.0], [5.0, 7.0]])
    np.testing.assert_array_equal(dC_dA[1, 1], [[0.0, 0.0], [6.0, 8.0]])


def test_rule_delta_ik_b_lj_and_a_ik_delta_jl():
    A, B, _ = random_problem(3, 4, 5)
    m, p = 3, 5
    expected_A = np.einsum("ik,lj->ijkl", np.eye(m), B)
    expected_B = np.einsum("ik,jl->ijkl", A, np.eye(p))
    np.testing.assert_array_equal(matmul_jacobian(A, B, "A"), expected_A)
    np.testing.assert_array_equal(matmul_jacobian(A, B, "B"), expected_B)


@pytest.mark.parametrize("wrt", ["A", "B"])
def test_tensor_matches_autograd_jacobian(wrt):
    A, B, _ = random_problem(2, 3, 4, seed=1)
    if wrt == "A":
        reference = autograd_jacobian(lambda a: anp.dot(a, B))(A)
    else:
        reference = autograd_jacobian(lambda b: anp.dot(A, b))(B)
    np.testing.assert_allclose(matmul_jacobian(A, B, wrt), reference, atol=1e-12)


@pytest.mark.parametrize("wrt,fraction", [("A", 1 / 4), ("B", 1 / 5)])
def test_sparsity_is_one_over_m_or_p(wrt, fraction):
    A, B, _ = random_problem(4, 3, 5, seed=2)
    tensor = matmul_jacobian(A, B, wrt)
    assert np.count_nonzero(tensor) / tensor.size == pytest.approx(fraction)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    A, B, dL_dC = random_problem(2, 3, 4, dtype=dtype)
    assert matmul_jacobian(A, B).dtype == dtype
    assert matmul_jacobian(A, B, "B").dtype == dtype
    assert all(g.dtype == dtype for g in matmul_vjp(dL_dC, A, B))
    assert chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B)).dtype == dtype


def test_integer_and_list_input_become_float64():
    dC_dA = matmul_jacobian([[1, 2]], [[3], [4]])
    assert dC_dA.dtype == np.float64
    np.testing.assert_array_equal(dC_dA, [[[[3.0, 4.0]]]])


# --- the two routes agree --------------------------------------------------------------------

sizes = st.integers(min_value=1, max_value=6)


@settings(max_examples=60, deadline=None)
@given(m=sizes, n=sizes, p=sizes, seed=st.integers(0, 2**16))
def test_tensor_route_equals_vjp_route(m, n, p, seed):
    """Includes 1 x k and k x 1 shapes: the strategies reach 1 in every dimension."""
    A, B, dL_dC = random_problem(m, n, p, seed)
    dL_dA, dL_dB = matmul_vjp(dL_dC, A, B)
    np.testing.assert_allclose(chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, "A")), dL_dA,
                               atol=1e-12)
    np.testing.assert_allclose(chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, "B")), dL_dB,
                               atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(m=sizes, n=sizes, p=sizes, seed=st.integers(0, 2**16))
def test_vjp_matches_autograd(m, n, p, seed):
    A, B, dL_dC = random_problem(m, n, p, seed)
    vjp_A, _ = make_vjp(lambda a: anp.dot(a, B))(A)
    vjp_B, _ = make_vjp(lambda b: anp.dot(A, b))(B)
    dL_dA, dL_dB = matmul_vjp(dL_dC, A, B)
    np.testing.assert_allclose(dL_dA, vjp_A(dL_dC), atol=1e-12)
    np.testing.assert_allclose(dL_dB, vjp_B(dL_dC), atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(m=sizes, n=sizes, p=sizes, seed=st.integers(0, 2**16))
def test_tensor_matches_finite_differences(m, n, p, seed):
    A, B, _ = random_problem(m, n, p, seed)
    np.testing.assert_allclose(matmul_jacobian(A, B, "A"), numerical_jacobian(lambda a: a @ B, A),
                               atol=1e-7)
    np.testing.assert_allclose(matmul_jacobian(A, B, "B"), numerical_jacobian(lambda b: A @ b, B),
                               atol=1e-7)


def test_chain_rule_via_tensor_works_for_vectors_too():
    """The same linear combination with a plain Jacobian matrix: dL/dx = dL/dy @ J."""
    J = rng.standard_normal((3, 4))
    dL_dy = rng.standard_normal(3)
    np.testing.assert_allclose(chain_rule_via_tensor(dL_dy, J), dL_dy @ J)


# --- the memory guard ------------------------------------------------------------------------

def test_huge_request_is_refused_without_allocating():
    A = B = np.ones((3000, 3000))  # dC/dA would be 3000^4 * 8 bytes = 589 TiB
    tracemalloc.start()
    try:
        with pytest.raises(TensorTooLargeError) as caught:
            matmul_jacobian(A, B)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, f"the guard allocated {peak} bytes before refusing"
    message = str(caught.value)
    for fact in ("589.4 TiB", "68.7 MiB", "(3000, 3000, 3000, 3000)"):
        assert fact in message
    assert caught.value.tensor_bytes == 3000**4 * 8
    assert caught.value.vjp_bytes == 3000**2 * 8
    assert isinstance(caught.value, ValueError)


def test_guard_boundary_and_custom_budget():
    A, B, _ = random_problem(4, 4, 4)
    exact = 4**4 * 8
    assert matmul_jacobian(A, B, max_bytes=exact).nbytes == exact
    with pytest.raises(TensorTooLargeError, match="over the budget max_bytes = 2.0 KiB"):
        matmul_jacobian(A, B, max_bytes=exact - 1)
    with pytest.raises(TensorTooLargeError, match=r"dC/dB .* Aᵀ · dL/dC"):
        matmul_jacobian(A, B, wrt="B", max_bytes=100)
    assert DEFAULT_MAX_BYTES == 512 * 2**20


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda A, B, G: matmul_jacobian(A, B),
    lambda A, B, G: matmul_vjp(G, A, B),
])
@pytest.mark.parametrize("A,B,error,message", [
    ("abc", np.ones((2, 2)), TypeError, "A must be a numeric array.*got a str"),
    (np.ones((2, 2)), None, TypeError, "B must be a numeric array.*got a NoneType"),
    ([[1, 2], [3]], np.ones((2, 2)), TypeError, "A must be a rectangular numeric array"),
    (np.ones((2, 2), bool), np.ones((2, 2)), TypeError, "A must hold real numbers.*booleans"),
    (np.ones((2, 2)) * 1j, np.ones((2, 2)), TypeError, "complex numbers"),
    (np.ones(3), np.ones((3, 2)), ValueError, r"A must be a 2-D matrix; got shape \(3,\)"),
    (np.ones((2, 3)), np.ones((2, 3, 1)), ValueError, r"B must be a 2-D matrix.*\(2, 3, 1\)"),
    (np.ones((0, 3)), np.ones((3, 2)), ValueError, "at least one row and one column"),
    (np.ones((2, 3)), np.ones((4, 5)),
     ValueError, r"A has shape \(2, 3\) and B has shape \(4, 5\): A's columns \(3\) must equal "
                 r"B's rows \(4\)"),
])
def test_bad_operands(call, A, B, error, message):
    with pytest.raises(error, match=message):
        call(A, B, np.ones((2, 2)))


def test_bad_wrt_and_budget():
    A, B, _ = random_problem(2, 3, 4)
    with pytest.raises(ValueError, match="wrt must be 'A' or 'B'.*got 'C'"):
        matmul_jacobian(A, B, wrt="C")
    with pytest.raises(ValueError, match="max_bytes must be positive"):
        matmul_jacobian(A, B, max_bytes=0)
    with pytest.raises(TypeError, match="max_bytes must be a whole number"):
        matmul_jacobian(A, B, max_bytes=1e9)


def test_vjp_refuses_incoming_gradient_of_wrong_shape():
    A, B, _ = random_problem(2, 3, 4)
    with pytest.raises(ValueError, match=r"dL_dC must have the shape of C.*\(2, 4\); got \(4, 2\)"):
        matmul_vjp(np.ones((4, 2)), A, B)
    with pytest.raises(ValueError, match=r"got \(2, 4, 2, 3\)"):  # a Jacobian is not a gradient
        matmul_vjp(np.ones((2, 4, 2, 3)), A, B)
    with pytest.raises(TypeError, match="dL_dC must be a numeric array"):
        matmul_vjp("grad", A, B)


def test_chain_rule_via_tensor_refuses_mismatched_axes():
    A, B, dL_dC = random_problem(2, 3, 4)
    dC_dA = matmul_jacobian(A, B)
    with pytest.raises(ValueError, match=r"dL_dC.shape = \(4, 2\).*\(2, 4, 2, 3\)"):
        chain_rule_via_tensor(dL_dC.T, dC_dA)
    with pytest.raises(ValueError, match="no X axes left"):
        chain_rule_via_tensor(dL_dC, dL_dC)
    with pytest.raises(TypeError, match="dC_dX must be a numeric array"):
        chain_rule_via_tensor(dL_dC, "tensor")


def test_vjp_converts_lists_and_integers_like_arrays():
    """The slow path (conversion) gives what the fast path (float ndarrays) gives."""
    A, B, dL_dC = [[1, 2]], [[3], [4]], [[5]]
    for gradient, expected in zip(matmul_vjp(dL_dC, A, B), ([[15.0, 20.0]], [[5.0], [10.0]]),
                                  strict=True):
        assert gradient.dtype == np.float64
        np.testing.assert_array_equal(gradient, expected)
    fast = matmul_vjp(*(np.asarray(x, float) for x in (dL_dC, A, B)))
    np.testing.assert_array_equal(fast[0], [[15.0, 20.0]])
