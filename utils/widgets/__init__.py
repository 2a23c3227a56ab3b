"""The interactive explorers, one module per lesson; each explorer is a function returning one
ipywidgets widget (an `Explorer`, in `_explorer`); `_view` holds what else they share: the
FigureView, the controls and their argument checks.
"""

from ._explorer import Explorer
from ._view import FigureView, slider, values_to_try
from .backward_pass import backward_pass_explorer
from .chain_rule import chain_cost_explorer
from .jacobians import jacobian_explorer
from .matrix_by_matrix import tensor_explorer
from .through_time import (
    RNN_DECADES,
    RNN_HIDDEN,
    RNN_INPUTS,
    RNN_LOWEST,
    RNN_MAX_LENGTH,
    RNN_SUPERSCRIPTS,
    rnn_gradient_explorer,
)
from .vjp import measure_routes_with_progress, tensor_vs_vjp_explorer

__all__ = [
    "RNN_HIDDEN",
    "RNN_INPUTS",
    "RNN_MAX_LENGTH",
    "FigureView",
    "Explorer",
    "values_to_try",
    "slider",
    "jacobian_explorer",
    "chain_cost_explorer",
    "tensor_explorer",
    "measure_routes_with_progress",
    "tensor_vs_vjp_explorer",
    "RNN_DECADES",
    "RNN_LOWEST",
    "RNN_SUPERSCRIPTS",
    "rnn_gradient_explorer",
    "backward_pass_explorer",
]
