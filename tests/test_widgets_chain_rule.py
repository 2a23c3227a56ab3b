"""The explorer of 02-chain-rule (utils/widgets/chain_rule.py): its counts are utils.chain's."""

from __future__ import annotations

from explorer_driving import readout_number

from utils.chain import chain_costs, chain_widths
from utils.widgets import (
    chain_cost_explorer,
)


def test_chain_cost_explorer_counts_match_utils_chain():
    explorer = chain_cost_explorer()
    controls = explorer.controls
    controls["length"].value, controls["input_width"].value = 5, 200
    controls["hidden_width"].value, controls["output_width"].value = 30, 1
    costs = chain_costs(chain_widths(5, 200, 30, 1))
    readout = explorer.readout.value
    assert readout_number(readout, "input side first: <b>") == costs.forward_multiplications
    assert readout_number(readout, "loss side first: <b>") == costs.reverse_multiplications
    assert "vector-Jacobian product" in readout


def test_chain_cost_explorer_says_one_multiplication_in_the_singular():
    explorer = chain_cost_explorer(length=2, input_width=1, hidden_width=1, output_width=1)
    readout = explorer.readout.value
    assert "<b>1</b> multiplication," in readout and "1</b> multiplications" not in readout


def test_chain_length_slider_is_named_D_as_in_the_notebook():
    # L is the loss throughout the course; 02 calls the number of steps of a chain D
    assert chain_cost_explorer().controls["length"].description == "chain length D"
