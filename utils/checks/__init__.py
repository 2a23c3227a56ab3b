"""Exercise checkers: accept any correct answer, name the mistake a wrong one makes.

One module per lesson holds that lesson's checkers and the mistakes they recognise; `_feedback`
holds what they share (Feedback, Mistake, compare, running a learner's function safely,
`solution`). Reference solutions live in `utils.solutions`; `solution("04-grad-A")` prints one.
"""

from ._feedback import (
    FAIL,
    PASS,
    TODO,
    Feedback,
    Mistake,
    compare,
    is_stub,
    not_done,
    run_learner_function,
    solution,
)
from ._progress import progress_table, recorded, reset_progress
from ._running import one_limit
from .backward_pass import (
    check_dense_backward,
    check_logsumexp_rule,
    check_mean_loss_grad,
    check_relu_backward,
    check_used_twice,
    check_vjp_rule,
)
from .by_hand import check_backward_by_hand
from .chain_rule import (
    chain_exercise_jacobians,
    chain_exercise_maps,
    check_chain_jacobian,
    check_chain_vjp,
)
from .jacobians import (
    check_central_difference,
    check_jacobian_shape,
    check_softmax_jacobian,
    shape_exercise_g,
)
from .linear_maps import (
    check_inverse_differential,
    check_inverse_vjp,
    check_kron_jacobian,
    check_trace_trick,
)
from .matrix_by_matrix import (
    check_batch_jacobian,
    check_dC_dA,
    check_dC_dB,
    check_tensor_bytes,
    matmul_exercise_inputs,
)
from .second_order import check_network_hvp
from .start_here import check_warmup_shape
from .through_time import check_clip_by_norm, check_jacobian_through_time
from .vjp import (
    chain_rule_exercise_inputs,
    check_chain_rule,
    check_grad_A,
    check_grad_B,
    check_lecture_grad_A,
    check_sandwich_grad,
    gradient_exercise_inputs,
)

# Every public checker records its last verdict (utils/checks/_progress.py) and has one time
# limit for all its calls of the learner's function (utils/checks/_running.py), in this place.
for _name in [name for name in dir() if name.startswith("check_")]:
    globals()[_name] = recorded(one_limit(globals()[_name]))

__all__ = [
    "progress_table",
    "reset_progress",
    "PASS",
    "FAIL",
    "TODO",
    "Feedback",
    "Mistake",
    "is_stub",
    "not_done",
    "compare",
    "run_learner_function",
    "solution",
    "check_warmup_shape",
    "shape_exercise_g",
    "check_jacobian_shape",
    "check_softmax_jacobian",
    "check_central_difference",
    "chain_exercise_maps",
    "check_chain_jacobian",
    "chain_exercise_jacobians",
    "check_chain_vjp",
    "matmul_exercise_inputs",
    "check_dC_dA",
    "check_dC_dB",
    "check_tensor_bytes",
    "check_batch_jacobian",
    "check_lecture_grad_A",
    "check_sandwich_grad",
    "gradient_exercise_inputs",
    "check_grad_A",
    "check_grad_B",
    "chain_rule_exercise_inputs",
    "check_chain_rule",
    "check_inverse_differential",
    "check_trace_trick",
    "check_inverse_vjp",
    "check_kron_jacobian",
    "check_dense_backward",
    "check_mean_loss_grad",
    "check_logsumexp_rule",
    "check_relu_backward",
    "check_used_twice",
    "check_vjp_rule",
    "check_backward_by_hand",
    "check_jacobian_through_time",
    "check_clip_by_norm",
    "check_network_hvp",
]
