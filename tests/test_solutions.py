"""The reference solutions (utils/solutions.py) agree with independent routes (finite
differences, the tensor route, autograd), each exercise has one, and solution() prints it."""

from __future__ import annotations

import numpy as np
import pytest

from utils import (
    chain_rule_via_tensor,
    checks,
    matmul_jacobian,
    matmul_vjp,
    numerical_jacobian,
    solutions,
)
from utils import solutions as ref
from utils.checks import chain_exercise_jacobians, chain_exercise_maps, shape_exercise_g


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_references_agree_with_finite_differences():
    x = np.array([0.5, -1.0, 2.0])
    assert np.allclose(ref.jacobian_of_g(x), numerical_jacobian(shape_exercise_g, x))
    z = np.array([1.0, -0.5, 2.0, 0.3])
    assert np.allclose(ref.softmax_jacobian(z), numerical_jacobian(softmax, z))
    for case in ("square", "wide"):
        steps, jacobians, x = chain_exercise_maps(case)
        point = x
        for step, jacobian in zip(steps, jacobians, strict=True):   # each Jacobian alone
            assert np.allclose(jacobian(point), numerical_jacobian(step, point))
            point = step(point)
        assert np.allclose(ref.chain_jacobian(steps, jacobians, x),
                           numerical_jacobian(lambda v, s=steps: s[2](s[1](s[0](v))), x))
    u, jacobians = chain_exercise_jacobians("wide")
    assert np.allclose(ref.chain_vjp(u, jacobians), u @ np.linalg.multi_dot(jacobians[::-1]))


@pytest.mark.parametrize("shape", [(2, 3, 4), (1, 1, 1), (4, 2, 3)])
def test_references_agree_with_matmul_jacobian_and_finite_differences(shape):
    m, n, p = shape
    A, B, dL_dC = checks.matmul_exercise_inputs(m, n, p)
    dC_dA = solutions.dC_dA_by_loops(A, B)
    dC_dB = solutions.dC_dB_by_rule(A, B)
    assert np.allclose(dC_dA, matmul_jacobian(A, B, "A"))
    assert np.allclose(dC_dB, matmul_jacobian(A, B, "B"))
    assert np.allclose(dC_dA, numerical_jacobian(lambda X: X @ B, A))
    assert np.allclose(dC_dB, numerical_jacobian(lambda X: A @ X, B))
    At = np.ascontiguousarray(A.T)  # C = At.T @ B, the product of 04-grad-A and 04-grad-B
    dL_dAt, dL_dB = matmul_vjp(dL_dC, A, B)
    assert np.allclose(solutions.grad_A(dL_dC, At, B), dL_dAt.T)
    assert np.allclose(solutions.grad_B(dL_dC, At, B), dL_dB)
    assert np.allclose(solutions.grad_A(dL_dC, At, B),
                       chain_rule_via_tensor(dL_dC, numerical_jacobian(lambda X: X.T @ B, At)))
    assert np.allclose(solutions.chain_rule(dL_dC, dC_dA),
                       chain_rule_via_tensor(dL_dC, dC_dA))
    assert solutions.tensor_bytes(m, n, p) == dC_dA.nbytes


def test_references_agree_with_autograd():
    autograd_np = pytest.importorskip("autograd.numpy")
    autograd = pytest.importorskip("autograd")
    A, B, dL_dC = checks.matmul_exercise_inputs(3, 2, 5, seed=11)

    def loss(A, B):
        return autograd_np.sum((A @ B) * dL_dC)  # dL/dC = dL_dC exactly

    def loss_transposed(At, B):  # C = At.T @ B
        return autograd_np.sum((At.T @ B) * dL_dC)

    At = np.ascontiguousarray(A.T)
    assert np.allclose(autograd.grad(loss_transposed, 0)(At, B), solutions.grad_A(dL_dC, At, B))
    assert np.allclose(autograd.grad(loss_transposed, 1)(At, B), solutions.grad_B(dL_dC, At, B))
    assert np.allclose(autograd.jacobian(lambda A: A @ B)(A), solutions.dC_dA_by_loops(A, B))


def test_every_exercise_has_a_reference_registered():
    for name in ("03-dC-dA", "03-dC-dB", "03-tensor-bytes", "04-grad-A", "04-grad-B",
                 "04-chain-rule"):
        assert callable(solutions.REFERENCES[name])


def test_solution_prints_the_reference(capsys):
    checks.solution("02-chain-vjp")
    assert "reversed(jacobians)" in capsys.readouterr().out
    checks.solution("04-grad-A")
    assert "def grad_A(dL_dC, A, B)" in capsys.readouterr().out
    checks.solution("03-dC-dA")
    assert "for l in range(n)" in capsys.readouterr().out


def test_every_exercise_has_a_printable_solution(capsys):
    for name in sorted(solutions.REFERENCES):
        checks.solution(name)
        printed = capsys.readouterr().out
        assert "def " in printed or printed.startswith("answer = "), name


def test_the_warm_up_solution_is_the_tuple_it_asks_for(capsys):
    checks.solution("00-warmup-shape")
    printed = capsys.readouterr().out
    assert printed.startswith("answer = (2, 4, 2, 3)") and "def " not in printed
    assert checks.check_warmup_shape((2, 4, 2, 3)).passed
    assert checks.check_warmup_shape((4, 8, 4, 6)).mistake == "scaled"
    assert "put one after the other" in checks.check_warmup_shape((4, 8, 4, 6)).message


def test_solution_of_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match="04-grad-A"):
        checks.solution("04-grad-Z")


def test_each_reference_has_the_name_of_its_notebook_stub():
    """A pasted solution replaces the stub: same function name."""
    stubs = {"03-dC-dA": "dC_dA_by_loops", "03-dC-dB": "dC_dB_by_rule",
             "03-tensor-bytes": "tensor_bytes", "04-grad-A": "grad_A", "04-grad-B": "grad_B",
             "04-chain-rule": "chain_rule"}
    for exercise, name in stubs.items():
        assert solutions.REFERENCES[exercise].__name__ == name


