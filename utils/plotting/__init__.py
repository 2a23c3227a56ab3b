"""Pictures of Jacobians and of 4-D tensors, one module per lesson; `_matrices` holds what they
share (the signed colour map, heatmaps, the block layout of a 4-D tensor).
"""

from ._matrices import (
    SIGNED_CMAP,
    annotate_cells,
    block_layout,
    heatmap,
    set_image,
    symmetric_limit,
)
from .backward_pass import digit_grid
from .by_hand import plot_losses
from .chain_rule import ORDER_COLOURS, ChainCostBars
from .graph import draw_graph
from .jacobians import E1_COLOUR, E2_COLOUR, WarpPicture, plot_step_errors
from .linear_maps import plot_kron_beside_tensor, plot_kron_cost
from .matrix_by_matrix import (
    HIGHLIGHT_COLOUR,
    TensorPicture,
    matrix_of_matrices,
    plot_tensor_memory,
)
from .second_order import plot_hessian_and_hvp, plot_hvp_costs
from .vjp import plot_block_combination, plot_route_scaling

__all__ = [
    "plot_losses",
    "E1_COLOUR",
    "E2_COLOUR",
    "SIGNED_CMAP",
    "symmetric_limit",
    "block_layout",
    "heatmap",
    "set_image",
    "annotate_cells",
    "plot_step_errors",
    "WarpPicture",
    "ORDER_COLOURS",
    "ChainCostBars",
    "HIGHLIGHT_COLOUR",
    "TensorPicture",
    "matrix_of_matrices",
    "plot_tensor_memory",
    "plot_kron_beside_tensor",
    "plot_kron_cost",
    "plot_route_scaling",
    "plot_block_combination",
    "digit_grid",
    "draw_graph",
    "plot_hessian_and_hvp",
    "plot_hvp_costs",
]
