"""The cost counts that the notebooks and widgets show, checked against real arrays."""

import numpy as np
import pytest

from utils import format_bytes, matmul_costs, matmul_jacobian


@pytest.mark.parametrize("m,n,p", [(1, 1, 1), (2, 3, 4), (5, 1, 3), (4, 4, 4)])
@pytest.mark.parametrize("wrt", ["A", "B"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_counts_match_the_real_tensor(m, n, p, wrt, dtype):
    gen = np.random.default_rng(0)
    A = gen.uniform(1, 2, (m, n)).astype(dtype)  # no accidental zeros
    B = gen.uniform(1, 2, (n, p)).astype(dtype)
    tensor = matmul_jacobian(A, B, wrt)
    costs = matmul_costs(m, n, p, wrt, dtype)
    assert costs.tensor_shape == tensor.shape
    assert costs.tensor_entries == tensor.size
    assert costs.tensor_bytes == tensor.nbytes
    assert costs.tensor_nonzeros == np.count_nonzero(tensor)
    assert costs.tensor_zero_multiplications == tensor.size - np.count_nonzero(tensor)
    gradient = np.zeros((m, n) if wrt == "A" else (n, p), dtype)
    assert costs.vjp_bytes == gradient.nbytes
    # one multiply-add per (row, column, inner index) of the one matrix product
    assert costs.vjp_multiplications == m * n * p


def test_vjp_multiplications_equal_the_tensors_nonzeros():
    """The VJP is the tensor route with every multiplication by zero skipped."""
    for m, n, p in [(2, 3, 4), (7, 5, 3)]:
        costs = matmul_costs(m, n, p)
        assert costs.vjp_multiplications == costs.tensor_nonzeros


def test_summary_is_a_readable_table():
    table = matmul_costs(2, 2, 2).summary().splitlines()
    assert table[0].split() == ["tensor", "dC/dA", "VJP"]
    assert table[1].split()[-1] == "2)" and "(2, 2, 2, 2)" in table[1]
    assert table[3].split()[1:] == ["128", "B", "32", "B"]
    assert table[5].split()[-2:] == ["8", "0"]  # 16 entries, 8 of them zero


@pytest.mark.parametrize("n_bytes,text", [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"),
                                          (512 * 2**20, "512.0 MiB"), (3000**4 * 8, "589.4 TiB")])
def test_format_bytes(n_bytes, text):
    assert format_bytes(n_bytes) == text


@pytest.mark.parametrize("args,message", [((0, 1, 1), "m must be a whole number >= 1; got 0"),
                                          ((1, 2.5, 1), "n must be a whole number"),
                                          ((1, 1, True), "p must be a whole number")])
def test_bad_sizes(args, message):
    with pytest.raises((TypeError, ValueError), match=message):
        matmul_costs(*args)


def test_bad_wrt():
    with pytest.raises(ValueError, match="wrt must be 'A' or 'B'"):
        matmul_costs(2, 2, 2, wrt="a")


@pytest.mark.parametrize("value", ["12", None, True])
def test_format_bytes_refuses_non_numbers(value):
    with pytest.raises(TypeError, match="n_bytes must be a real number"):
        format_bytes(value)
