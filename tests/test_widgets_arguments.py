"""Every explorer's constructor answers a wrong-typed or out-of-range argument with a
TypeError or ValueError naming the argument, what it got and what it allows (issue 9)."""

from __future__ import annotations

import pytest

from utils.widgets import (
    backward_pass_explorer,
    chain_cost_explorer,
    jacobian_explorer,
    rnn_gradient_explorer,
    tensor_explorer,
    tensor_vs_vjp_explorer,
)

CASES = [  # explorer, arguments, error, what the message must say
    (backward_pass_explorer, {"function": "relu(x)"},
     ValueError, "function must be one of ['tanh(w·x + b)·x', 'sum(tanh(A B))', 'sum(G ⊙ (A A))']; "
                 "got 'relu(x)'"),
    (backward_pass_explorer, {"step": 5},
     ValueError, "step must be a whole number between 0 and 4 (one per node of tanh(w·x + b)·x); "
                 "got 5"),
    (backward_pass_explorer, {"function": "sum(tanh(A B))", "step": 4},
     ValueError, "between 0 and 3 (one per node of sum(tanh(A B))); got 4"),
    (backward_pass_explorer, {"step": 1.0},
     TypeError, "step must be a whole number between 0 and 4"),
    (backward_pass_explorer, {"value": 2.5},
     ValueError, "value must be a number between -2.0 and 2.0; got 2.5"),
    (backward_pass_explorer, {"value": "0.5"},
     TypeError, "value must be a number between -2.0 and 2.0; got '0.5' (str)"),
    (chain_cost_explorer, {"length": 13},
     ValueError, "length must be a whole number between 2 and 12; got 13"),
    (chain_cost_explorer, {"length": 1},
     ValueError, "between 2 and 12; got 1"),
    (chain_cost_explorer, {"input_width": 2.5},
     TypeError, "input_width must be a whole number between 1 and 256; got 2.5 (float)"),
    (chain_cost_explorer, {"hidden_width": 0},
     ValueError, "hidden_width must be a whole number between 1 and 256; got 0"),
    (chain_cost_explorer, {"output_width": "1"},
     TypeError, "output_width must be a whole number between 1 and 256; got '1' (str)"),
    (jacobian_explorer, {"map_name": "swirl"},
     ValueError, "map_name must be one of"),
    (jacobian_explorer, {"map_name": ["polar → Cartesian"]},
     ValueError, "map_name must be one of"),
    (rnn_gradient_explorer, {"radius": 2.0},
     ValueError, "radius must be a number between 0.5 and 1.6; got 2.0"),
    (rnn_gradient_explorer, {"radius": float("nan")},
     ValueError, "radius must be a number between 0.5 and 1.6; got nan"),
    (rnn_gradient_explorer, {"radius": "1"},
     TypeError, "radius must be a number between 0.5 and 1.6; got '1' (str)"),
    (rnn_gradient_explorer, {"nonlinearity": "sigmoid"},
     ValueError, "nonlinearity must be one of ['tanh', 'linear', 'relu']; got 'sigmoid'"),
    (rnn_gradient_explorer, {"length": 42},
     ValueError, "length must be a whole number between 5 and 100 in steps of 5; got 42"),
    (rnn_gradient_explorer, {"length": 200},
     ValueError, "between 5 and 100 in steps of 5; got 200"),
    (tensor_explorer, {"m": 9},
     ValueError, "m must be a whole number between 1 and max_size = 6; got 9"),
    (tensor_explorer, {"n": 2.0},
     TypeError, "n must be a whole number between 1 and max_size = 6; got 2.0 (float)"),
    (tensor_explorer, {"max_size": 20},
     ValueError, "max_size must be a whole number between 1 and 8"),
    (tensor_explorer, {"i": "1"},
     TypeError, "i must be a whole number"),
    (tensor_explorer, {"i": 0},
     ValueError, "(i, j) must index C of shape (3, 4)"),
    (tensor_explorer, {"wrt": "C"},
     ValueError, "wrt must be one of ['A', 'B']; got 'C'"),
    (tensor_vs_vjp_explorer, {"p": 11},
     ValueError, "p must be a whole number between 1 and max_size = 8; got 11"),
    (tensor_vs_vjp_explorer, {"m": True},
     TypeError, "m must be a whole number between 1 and max_size = 8; got True (bool)"),
    (tensor_vs_vjp_explorer, {"seed": -1},
     ValueError, "seed must be a whole number between 0 and 20; got -1"),
    (tensor_vs_vjp_explorer, {"scale": 3},
     ValueError, "scale must be one of [1, 2, 4, 8, 16, 32]; got 3"),
    (tensor_vs_vjp_explorer, {"entry": 5},
     ValueError,
     "entry must be a whole number between 1 and m·p = 4 (the entries of C, row by row); got 5"),
    (tensor_vs_vjp_explorer, {"entry": 1.0},
     TypeError, "entry must be a whole number"),
    (tensor_vs_vjp_explorer, {"wrt": None},
     ValueError, "wrt must be one of ['A', 'B']; got None"),
    (tensor_vs_vjp_explorer, {"max_size": 0},
     ValueError, "max_size must be a whole number between 1 and 10"),
]


@pytest.mark.parametrize("make, arguments, error, message", CASES, ids=[
    f"{make.__name__}-{next(iter(args))}-{k}" for k, (make, args, *_) in enumerate(CASES)])
def test_bad_arguments_get_a_clear_error(make, arguments, error, message):
    with pytest.raises(error) as raised:
        make(**arguments)
    assert type(raised.value) is error
    assert message in str(raised.value)


@pytest.mark.parametrize("make, arguments", [
    (backward_pass_explorer, {"function": "sum(tanh(A B))", "step": 3, "value": -2.0}),
    (chain_cost_explorer, {"length": 12, "input_width": 256, "hidden_width": 1}),
    (rnn_gradient_explorer, {"radius": 1.6, "length": 5, "nonlinearity": "relu"}),
    (tensor_explorer, {"m": 6, "i": 6, "j": 4}),
    (tensor_vs_vjp_explorer, {"m": 1, "n": 1, "p": 1, "scale": 32, "entry": 1024}),
])
def test_the_ends_of_every_range_are_accepted(make, arguments):
    explorer = make(**arguments)
    for name, value in arguments.items():
        if name in explorer.controls:
            assert explorer.controls[name].value == value
