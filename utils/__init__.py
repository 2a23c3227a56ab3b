"""Helpers for the matrix-derivatives course: the math the notebooks check themselves against.

The math modules (jacobian, matmul, costs) need only numpy; plotting, widgets and checks
build on them.
"""

from .costs import DEFAULT_MAX_BYTES, MatmulCosts, format_bytes, matmul_costs
from .jacobian import numerical_jacobian
from .matmul import TensorTooLargeError, chain_rule_via_tensor, matmul_jacobian, matmul_vjp

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MatmulCosts",
    "TensorTooLargeError",
    "chain_rule_via_tensor",
    "format_bytes",
    "matmul_costs",
    "matmul_jacobian",
    "matmul_vjp",
    "numerical_jacobian",
]
