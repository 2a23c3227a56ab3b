"""utils.chain: multiplication counts of both orders, the chain product, and its input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from threadpoolctl import threadpool_info

from utils.chain import (
    chain_costs,
    chain_widths,
    check_chain,
    multiply_chain,
    random_chain,
    single_blas_thread,
    time_product,
)

widths_strategy = st.lists(st.integers(1, 9), min_size=2, max_size=7)


def counted_product(jacobians, order):
    """An independent count: multiply in the given order, adding p*q*r for every (p,q)@(q,r)."""
    count = 0

    def matmul(left, right):
        nonlocal count
        count += left.shape[0] * left.shape[1] * right.shape[1]
        return np.einsum("ij,jk->ik", left, right)

    if order == "forward":
        product = jacobians[0]
        for jacobian in jacobians[1:]:
            product = matmul(jacobian, product)
    else:
        product = jacobians[-1]
        for jacobian in jacobians[-2::-1]:
            product = matmul(product, jacobian)
    return product, count


@settings(max_examples=60, deadline=None)
@given(widths_strategy)
def test_counts_match_an_instrumented_multiplication(widths):
    jacobians = random_chain(widths, np.random.default_rng(1))
    costs = chain_costs(widths)
    for order in ("forward", "reverse"):
        product, count = counted_product(jacobians, order)
        assert costs.multiplications(order) == count
        assert np.allclose(multiply_chain(jacobians, order), product)


@settings(max_examples=60, deadline=None)
@given(widths_strategy)
def test_both_orders_give_the_same_product_as_multi_dot(widths):
    jacobians = random_chain(widths, np.random.default_rng(2))
    expected = jacobians[0] if len(jacobians) == 1 else np.linalg.multi_dot(jacobians[::-1])
    assert expected.shape == (widths[-1], widths[0])
    for order in ("forward", "reverse"):
        assert np.allclose(multiply_chain(jacobians, order), expected)


def test_a_known_chain_by_hand():
    # widths (1000, 100, 100, 1): forward 100*1000*100... reverse is three vector-matrix sizes
    costs = chain_costs((1000, 100, 100, 1))
    assert costs.jacobian_shapes == [(100, 1000), (100, 100), (1, 100)]
    assert costs.forward_steps == [100 * 100 * 1000, 1 * 100 * 1000]
    assert costs.reverse_steps == [1 * 100 * 100, 1 * 100 * 1000]
    assert costs.forward_multiplications == 10_100_000
    assert costs.reverse_multiplications == 110_000


def test_scalar_output_makes_reverse_a_sequence_of_vector_matrix_products():
    widths = (7, 5, 4, 3, 1)
    costs = chain_costs(widths)
    # each reverse step is a (1, n_k) row times an (n_k, n_{k-1}) Jacobian
    assert costs.reverse_multiplications == 4 * 3 + 5 * 4 + 7 * 5
    assert costs.reverse_multiplications < costs.forward_multiplications


def test_one_step_costs_nothing_and_returns_the_jacobian():
    costs = chain_costs((3, 2))
    assert costs.forward_multiplications == costs.reverse_multiplications == 0
    J = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(multiply_chain([J], "forward"), J)


def test_chain_widths():
    assert chain_widths(4, 10, 5, 1) == (10, 5, 5, 5, 1)
    assert chain_widths(1, 3, 99, 2) == (3, 2)


@pytest.mark.parametrize("widths, error, words", [
    ((3,), ValueError, "at least two widths"),
    ((3, 0, 2), ValueError, "widths[1]"),
    ((3, 2.5), TypeError, "widths[1]"),
    ((3, True), TypeError, "widths[1]"),
    ("32", TypeError, "sequence"),
    (5, TypeError, "sequence"),
])
def test_bad_widths_are_refused_with_a_clear_message(widths, error, words):
    with pytest.raises(error, match=None) as info:
        chain_costs(widths)
    assert words in str(info.value)


def test_bad_chain_widths_arguments():
    with pytest.raises(ValueError, match="length"):
        chain_widths(0, 3, 3, 3)
    with pytest.raises(ValueError, match="hidden_width"):
        chain_widths(2, 3, -1, 3)


def test_bad_order_is_refused():
    with pytest.raises(ValueError, match="'forward'.*'reverse'"):
        multiply_chain([np.eye(2)], "backwards")
    with pytest.raises(ValueError, match="order"):
        chain_costs((2, 2)).multiplications("sideways")


def test_chains_whose_shapes_do_not_fit_are_refused_naming_both():
    with pytest.raises(ValueError, match=r"J_2 has shape \(4, 5\) but J_1 has shape \(3, 2\)"):
        check_chain([np.ones((3, 2)), np.ones((4, 5))])
    with pytest.raises(ValueError, match="2-D"):
        check_chain([np.ones(3)])
    with pytest.raises(ValueError, match="at least one"):
        check_chain([])
    with pytest.raises(TypeError, match="list"):
        check_chain(np.ones((2, 2)))


def test_time_product_is_positive_and_refuses_bad_input():
    jacobians = random_chain((50, 40, 30, 1))
    for order in ("forward", "reverse"):
        seconds = time_product(jacobians, order, repeats=2)
        assert 0 < seconds < 1
    with pytest.raises(ValueError, match="order"):
        time_product(jacobians, "upwards")
    with pytest.raises(ValueError, match="J_2"):
        time_product([np.ones((2, 3)), np.ones((2, 3))], "forward")


def test_single_blas_thread_uses_one_thread_then_restores_and_keeps_results():
    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    assert before, "numpy should have loaded a BLAS library"
    A = np.random.default_rng(0).standard_normal((300, 300))
    expected = A @ A
    with single_blas_thread():
        assert blas_threads() == [1] * len(before), "inside the block BLAS should use one thread"
        inside = A @ A
    assert blas_threads() == before, "single_blas_thread must restore the previous count"
    assert np.allclose(inside, expected)



def test_time_product_stops_after_one_run_once_over_budget(monkeypatch):
    import utils.chain as chain

    calls = []
    real = chain.multiply_chain
    monkeypatch.setattr(chain, "multiply_chain", lambda m, o: calls.append(o) or real(m, o))
    jacobians = random_chain((30, 20, 10))
    time_product(jacobians, "forward", repeats=5, budget=0.0)
    assert len(calls) == 1, "a run over the budget is not repeated"
    calls.clear()
    time_product(jacobians, "forward", repeats=4, budget=10.0)
    assert len(calls) == 4, "under the budget every repeat runs"
    for bad in (0, -1, 2.5, True):
        with pytest.raises((TypeError, ValueError), match="repeats must be a whole number"):
            time_product(jacobians, "forward", repeats=bad)
