"""Every exercise, and every helper its notebook imports that could compute its answer.

One table drives tests/test_checks_library.py: for each (exercise, helper) pair, SUBMISSIONS
holds a learner's function that gets its answer from that helper (the checkers refuse it as
"used the library", and pass it when nothing is declared: each is a real way round the
exercise); HARMLESS names, per notebook, every other name the notebook imports from utils or
autograd and why it cannot compute an answer. A notebook importing a name in neither fails the
tests, so the table cannot go stale.

A submission is Python source defining `answer`, run in a namespace holding the notebook's own
imports (read from the notebook), numpy as np and CONTEXT[exercise].
"""

from __future__ import annotations

from utils import checks
from utils.checks import jacobians

# exercise -> (notebook, how its checker is called with the learner's function)
EXERCISES = {
    "00-warmup-shape": ("00-start-here", None),  # the answer is a tuple: no function runs
    "01-jacobian-shape": ("01-jacobians", checks.check_jacobian_shape),
    "01-softmax-jacobian": ("01-jacobians", checks.check_softmax_jacobian),
    "01-central-difference": ("01-jacobians", lambda f: checks.check_central_difference(f, 1e-5)),
    "02-chain-jacobian": ("02-chain-rule", checks.check_chain_jacobian),
    "02-chain-vjp": ("02-chain-rule", checks.check_chain_vjp),
    "03-dC-dA": ("03-matrix-by-matrix", checks.check_dC_dA),
    "03-dC-dB": ("03-matrix-by-matrix", checks.check_dC_dB),
    "03-tensor-bytes": ("03-matrix-by-matrix", checks.check_tensor_bytes),
    "03-batch-jacobian": ("03-matrix-by-matrix", checks.check_batch_jacobian),
    "04-lecture-grad-A": ("04-efficient-vjp", checks.check_lecture_grad_A),
    "04-grad-A": ("04-efficient-vjp", checks.check_grad_A),
    "04-grad-B": ("04-efficient-vjp", checks.check_grad_B),
    "04-chain-rule": ("04-efficient-vjp", checks.check_chain_rule),
    "04-challenge-ABAT": ("04-efficient-vjp", checks.check_sandwich_grad),
    "04a-inverse-differential": ("04a-linear-maps", checks.check_inverse_differential),
    "04a-trace-trick": ("04a-linear-maps", checks.check_trace_trick),
    "04a-inverse-vjp": ("04a-linear-maps", checks.check_inverse_vjp),
    "04a-kron-jacobian": ("04a-linear-maps", checks.check_kron_jacobian),
    "05-dense-backward": ("05-backward-pass", checks.check_dense_backward),
    "05-relu-backward": ("05-backward-pass", checks.check_relu_backward),
    "05-used-twice": ("05-backward-pass", checks.check_used_twice),
    "05-sin-rule": ("05-backward-pass", checks.check_vjp_rule),
    "05-mean-loss-grad": ("05-backward-pass", checks.check_mean_loss_grad),
    "05-challenge-logsumexp": ("05-backward-pass", checks.check_logsumexp_rule),
    "05a-backward-by-hand": ("05a-backward-by-hand", checks.check_backward_by_hand),
    "06-jacobian-through-time": ("06-jacobians-through-time",
                                 checks.check_jacobian_through_time),
    "06-clip-by-norm": ("06-jacobians-through-time", checks.check_clip_by_norm),
    "07-network-hvp": ("07-second-order", checks.check_network_hvp),
}

CONTEXT = {"01-jacobian-shape": {"g": jacobians.shape_exercise_g}}  # the notebook's own g

# A Dense layer holding W (n_out, n_in) whichever way utils.layers stores it, run forward.
_DENSE = """
def dense(x, W, b):
    layer = Dense(W.shape[1], W.shape[0])
    flip = layer.params["W"].shape != W.shape
    layer.params["W"], layer.params["b"] = (W.T if flip else W).copy(), b.copy()
    layer.forward(x)
    return layer, flip
"""

# The derivative along each entry of X in turn, by the course's central difference.
_ALONG_EACH_ENTRY = """
def along_each_entry(f, X):
    for index in np.ndindex(X.shape):
        E = np.zeros(X.shape)
        E[index] = 1.0
        yield index, directional_difference(f, X, E)
"""

# h_k |--> h_T rebuilt from the states alone, for 06-jacobian-through-time
_UNROLLED = """
def unrolled(W, hs, k):
    drives = [np.arctanh(hs[s]) - W @ hs[s - 1] for s in range(1, len(hs))]
    def h_T(h):
        for drive in drives[k:]:
            h = np.tanh(W @ h + drive)
        return h
    return h_T
"""

# (exercise, the imported name it leans on) -> a learner's function that gets the answer from it
SUBMISSIONS = {
    ("01-jacobian-shape", "numerical_jacobian"):
        "answer = lambda x: numerical_jacobian(g, x)",
    ("01-softmax-jacobian", "numerical_jacobian"):
        "answer = lambda z: numerical_jacobian(lambda z_: np.exp(z_) / np.exp(z_).sum(), z)",
    ("01-central-difference", "numerical_jacobian"):
        "answer = lambda f, x, h: numerical_jacobian(f, np.array(x), eps=h)",
    ("02-chain-jacobian", "numerical_jacobian"):
        "answer = lambda steps, jacobians, x: numerical_jacobian("
        "lambda x_: steps[2](steps[1](steps[0](x_))), x)",
    ("02-chain-jacobian", "multiply_chain"): """
def answer(steps, jacobians, x):
    at_each_step = []
    for step, jacobian in zip(steps, jacobians):
        at_each_step.append(jacobian(x))
        x = step(x)
    return multiply_chain(at_each_step)
""",
    ("03-dC-dA", "matmul_jacobian"): "answer = lambda A, B: matmul_jacobian(A, B, 'A')",
    ("03-dC-dA", "numerical_jacobian"):
        "answer = lambda A, B: numerical_jacobian(lambda A_: A_ @ B, A)",
    ("03-dC-dB", "matmul_jacobian"): "answer = lambda A, B: matmul_jacobian(A, B, 'B')",
    ("03-dC-dB", "numerical_jacobian"):
        "answer = lambda A, B: numerical_jacobian(lambda B_: A @ B_, B)",
    ("03-tensor-bytes", "matmul_costs"):
        "answer = lambda m, n, p: matmul_costs(m, n, p).tensor_bytes",
    ("03-batch-jacobian", "matmul_jacobian"):
        "answer = lambda X, W: (1 - np.tanh(X @ W.T) ** 2)[:, :, None, None] "
        "* matmul_jacobian(X, W.T, 'A')",
    ("03-batch-jacobian", "numerical_jacobian"):
        "answer = lambda X, W: numerical_jacobian(lambda X_: np.tanh(X_ @ W.T), X)",
    ("04-lecture-grad-A", "matmul_vjp"): "answer = lambda G, A, B: matmul_vjp(G, A, B)[0]",
    ("04-lecture-grad-A", "matmul_jacobian"):
        "answer = lambda G, A, B: np.tensordot(G, matmul_jacobian(A, B, 'A'), 2)",
    ("04-lecture-grad-A", "chain_rule_via_tensor"):
        "answer = lambda G, A, B: chain_rule_via_tensor("
        "G, np.einsum('ik,lj->ijkl', np.eye(len(A)), B))",
    ("04-lecture-grad-A", "numerical_jacobian"):
        "answer = lambda G, A, B: np.tensordot(G, numerical_jacobian(lambda A_: A_ @ B, A), 2)",
    ("04-lecture-grad-A", "autograd"):
        "answer = lambda G, A, B: autograd.grad(lambda A_: anp.sum(anp.dot(A_, B) * G))(A)",
    ("04-grad-A", "matmul_vjp"): "answer = lambda G, A, B: matmul_vjp(G, A.T, B)[0].T",
    ("04-grad-A", "matmul_jacobian"):
        "answer = lambda G, A, B: np.tensordot(G, matmul_jacobian(A.T, B, 'A'), 2).T",
    ("04-grad-A", "chain_rule_via_tensor"):
        "answer = lambda G, A, B: chain_rule_via_tensor("
        "G, np.einsum('il,kj->ijkl', np.eye(A.shape[1]), B))",
    ("04-grad-A", "numerical_jacobian"):
        "answer = lambda G, A, B: np.tensordot(G, numerical_jacobian(lambda A_: A_.T @ B, A), 2)",
    ("04-grad-A", "autograd"):
        "answer = lambda G, A, B: autograd.grad(lambda A_: anp.sum(anp.dot(A_.T, B) * G))(A)",
    ("04-grad-B", "matmul_vjp"): "answer = lambda G, A, B: matmul_vjp(G, A.T, B)[1]",
    ("04-grad-B", "matmul_jacobian"):
        "answer = lambda G, A, B: np.tensordot(G, matmul_jacobian(A.T, B, 'B'), 2)",
    ("04-grad-B", "chain_rule_via_tensor"):
        "answer = lambda G, A, B: chain_rule_via_tensor("
        "G, np.einsum('ki,jl->ijkl', A, np.eye(B.shape[1])))",
    ("04-grad-B", "numerical_jacobian"):
        "answer = lambda G, A, B: np.tensordot(G, numerical_jacobian(lambda B_: A.T @ B_, B), 2)",
    ("04-grad-B", "autograd"):
        "answer = lambda G, A, B: autograd.grad(lambda B_: anp.sum(anp.dot(A.T, B_) * G))(B)",
    ("04-chain-rule", "chain_rule_via_tensor"): "answer = chain_rule_via_tensor",
    ("04-challenge-ABAT", "matmul_vjp"): """
def answer(G, A, B):
    d_AB, d_AT = matmul_vjp(G, A @ B, A.T)
    return matmul_vjp(d_AB, A, B)[0] + d_AT.T
""",
    ("04-challenge-ABAT", "matmul_jacobian"): """
def answer(G, A, B):
    d_AB = np.tensordot(G, matmul_jacobian(A @ B, A.T, 'A'), 2)
    d_AT = np.tensordot(G, matmul_jacobian(A @ B, A.T, 'B'), 2)
    return np.tensordot(d_AB, matmul_jacobian(A, B, 'A'), 2) + d_AT.T
""",
    ("04-challenge-ABAT", "chain_rule_via_tensor"): """
def answer(G, A, B):
    I = np.eye(len(A))
    tensor = np.einsum('ik,lj->ijkl', I, B @ A.T) + np.einsum('jk,il->ijkl', I, A @ B)
    return chain_rule_via_tensor(G, tensor)
""",
    ("04-challenge-ABAT", "numerical_jacobian"):
        "answer = lambda G, A, B: np.tensordot("
        "G, numerical_jacobian(lambda A_: A_ @ B @ A_.T, A), 2)",
    ("04-challenge-ABAT", "autograd"):
        "answer = lambda G, A, B: autograd.grad("
        "lambda A_: anp.sum(anp.dot(anp.dot(A_, B), A_.T) * G))(A)",
    ("04-lecture-grad-A", "utils.routes.vjp_route"):
        "from utils.routes import vjp_route\nanswer = lambda G, A, B: vjp_route(G, A, B, 'A')",
    ("04-lecture-grad-A", "utils.linear_maps.kron_route_vjp"):
        "from utils.linear_maps import kron_route_vjp\nanswer = kron_route_vjp",
    ("04-grad-A", "utils.routes.vjp_route"):
        "from utils.routes import vjp_route\n"
        "answer = lambda G, A, B: vjp_route(G, A.T, B, 'A').T",
    ("04-grad-A", "utils.linear_maps.kron_route_vjp"):
        "from utils.linear_maps import kron_route_vjp\n"
        "answer = lambda G, A, B: kron_route_vjp(G, A.T, B).T",
    ("04-grad-B", "utils.routes.vjp_route"):
        "from utils.routes import vjp_route\nanswer = lambda G, A, B: vjp_route(G, A.T, B, 'B')",
    ("04-grad-B", "utils.linear_maps.kron_route_vjp"):  # C.T = B.T A: B.T is its left factor
        "from utils.linear_maps import kron_route_vjp\n"
        "answer = lambda G, A, B: kron_route_vjp(G.T, B.T, A).T",
    ("04-challenge-ABAT", "utils.routes.vjp_route"): """
from utils.routes import vjp_route
def answer(G, A, B):
    d_AB, d_AT = vjp_route(G, A @ B, A.T, 'A'), vjp_route(G, A @ B, A.T, 'B')
    return vjp_route(d_AB, A, B, 'A') + d_AT.T
""",
    ("04-challenge-ABAT", "utils.linear_maps.kron_route_vjp"): """
from utils.linear_maps import kron_route_vjp
def answer(G, A, B):
    d_AB = kron_route_vjp(G, A @ B, A.T)
    return kron_route_vjp(d_AB, A, B) + kron_route_vjp(G.T, A, (A @ B).T)
""",
    ("04a-inverse-differential", "directional_difference"):
        "answer = lambda A, dA: directional_difference(np.linalg.inv, A, dA)",
    ("04a-inverse-differential", "autograd"):
        "answer = lambda A, dA: np.tensordot(autograd.jacobian(anp.linalg.inv)(A), dA, 2)",
    ("04a-trace-trick", "directional_difference"): _ALONG_EACH_ENTRY + """
def answer(G, A, M, B):
    gradient = np.zeros(M.shape)
    for index, change in along_each_entry(lambda M_: A @ M_ @ B, M):
        gradient[index] = np.sum(G * change)
    return gradient
""",
    ("04a-trace-trick", "autograd"):
        "answer = lambda G, A, M, B: autograd.grad("
        "lambda M_: anp.sum(anp.dot(anp.dot(A, M_), B) * G))(M)",
    ("04a-trace-trick", "matmul_jacobian"):
        "answer = lambda G, A, M, B: np.tensordot(np.tensordot("
        "G, matmul_jacobian(A @ M, B, 'A'), 2), matmul_jacobian(A, M, 'B'), 2)",
    ("04a-inverse-vjp", "directional_difference"): _ALONG_EACH_ENTRY + """
def answer(G, A):
    gradient = np.zeros(A.shape)
    for index, change in along_each_entry(np.linalg.inv, A):
        gradient[index] = np.sum(G * change)
    return gradient
""",
    ("04a-inverse-vjp", "autograd"):
        "answer = lambda G, A: autograd.grad(lambda A_: anp.sum(anp.linalg.inv(A_) * G))(A)",
    ("04a-kron-jacobian", "matmul_jacobian"):
        "answer = lambda A, B: matmul_jacobian(A, B, wrt='B').reshape(len(A) * B.shape[1], -1)",
    ("04a-kron-jacobian", "autograd"):
        "answer = lambda A, B: autograd.jacobian(lambda B_: anp.dot(A, B_))(B)"
        ".reshape(len(A) * B.shape[1], -1)",
    ("04a-kron-jacobian", "directional_difference"): _ALONG_EACH_ENTRY + """
def answer(A, B):
    columns = [change.ravel() for _, change in along_each_entry(lambda B_: A @ B_, B)]
    return np.stack(columns, axis=1)
""",
    ("04a-kron-jacobian", "utils.linear_maps.matmul_kron"): """
def answer(A, B):
    from utils.linear_maps import matmul_kron
    return matmul_kron(A, B, wrt='B')
""",
    ("05-dense-backward", "Dense"): _DENSE + """
def answer(x, kernel, b, grad_output):
    layer, flip = dense(x, kernel.T, b)
    dL_dx = layer.backward(grad_output)
    dL_dW = layer.grads["W"].T if flip else layer.grads["W"]
    return dL_dx, dL_dW.T, layer.grads["b"]
""",
    ("05-dense-backward", "ad"):
        "answer = lambda x, kernel, b, grad_output: ad.grad(lambda x_, K_, b_: ad.sum("
        "(x_ @ K_ + b_) * grad_output), argnums=(0, 1, 2))(x, kernel, b)",
    ("05-dense-backward", "numerical_jacobian"): """
def answer(x, K, b, G):
    def vjp(f, v):
        return np.tensordot(G, numerical_jacobian(f, v), 2)
    return (vjp(lambda x_: x_ @ K + b, x), vjp(lambda K_: x @ K_ + b, K),
            np.tensordot(G, numerical_jacobian(lambda b_: x @ K + b_, b), 2))
""",
    ("05-dense-backward", "utils.gradcheck.numerical_vjp"): """
def answer(x, K, b, G):
    from utils.gradcheck import numerical_vjp
    return (numerical_vjp(lambda x_: x_ @ K + b, x, G),
            numerical_vjp(lambda K_: x @ K_ + b, K, G),
            numerical_vjp(lambda b_: x @ K + b_, b, G))
""",
    ("05-relu-backward", "Dense"): _DENSE + """
def answer(x, W, b, grad_output):
    layer, _ = dense(x, W, b)
    relu = ReLU()
    relu.forward(x @ W.T + b)
    return layer.backward(relu.backward(grad_output))
""",
    ("05-relu-backward", "ReLU"): """
def answer(x, W, b, grad_output):
    relu = ReLU()
    relu.forward(x @ W.T + b)
    return relu.backward(grad_output) @ W
""",
    ("05-relu-backward", "ad"):
        "answer = lambda x, W, b, G: ad.grad("
        "lambda x_: ad.sum(ad.relu(x_ @ W.T + b) * G))(x)",
    ("05-relu-backward", "vjps"):
        "answer = lambda x, W, b, G: (G * vjps.mask(x @ W.T + b)) @ W",
    ("05-relu-backward", "numerical_jacobian"):
        "answer = lambda x, W, b, G: np.tensordot("
        "G, numerical_jacobian(lambda x_: np.maximum(x_ @ W.T + b, 0), x), 2)",
    ("05-relu-backward", "utils.gradcheck.numerical_vjp"): """
def answer(x, W, b, G):
    from utils.gradcheck import numerical_vjp
    return numerical_vjp(lambda x_: np.maximum(x_ @ W.T + b, 0), x, G)
""",
    ("05-used-twice", "ad"):
        "answer = lambda A, G: ad.grad(lambda A_: ad.sum((A_ @ ad.transpose(A_)) * G))(A)",
    ("05-used-twice", "Dense"): _DENSE + """
def answer(A, G):
    layer, flip = dense(A, A, np.zeros(len(A)))  # A @ A.T as a layer: x = A, W = A
    dL_dx = layer.backward(G)
    return dL_dx + (layer.grads["W"].T if flip else layer.grads["W"])
""",
    ("05-used-twice", "numerical_jacobian"):
        "answer = lambda A, G: np.tensordot(G, numerical_jacobian(lambda A_: A_ @ A_.T, A), 2)",
    ("05-used-twice", "utils.gradcheck.numerical_vjp"): """
def answer(A, G):
    from utils.gradcheck import numerical_vjp
    return numerical_vjp(lambda A_: A_ @ A_.T, A, G)
""",
    ("05-sin-rule", "numerical_jacobian"):
        "answer = lambda g, ans, x: np.tensordot(g, numerical_jacobian(np.sin, x), g.ndim)",
    ("05-sin-rule", "utils.gradcheck.numerical_vjp"): """
def answer(g, ans, x):
    from utils.gradcheck import numerical_vjp
    return numerical_vjp(np.sin, x, g)
""",
    ("05-mean-loss-grad", "ad"):
        "answer = lambda P, Y: ad.grad("
        "lambda P_: ad.sum((P_ - Y) * (P_ - Y)) * (0.5 / len(P)))(P)",
    ("05-mean-loss-grad", "numerical_jacobian"):
        "answer = lambda P, Y: numerical_jacobian("
        "lambda P_: np.sum((P_ - Y) ** 2) / (2 * len(P)), P)",
    ("05-mean-loss-grad", "utils.gradcheck.numerical_vjp"): """
def answer(P, Y):
    from utils.gradcheck import numerical_vjp
    return numerical_vjp(lambda P_: np.sum((P_ - Y) ** 2) / (2 * len(P)), P, np.array(1.0))
""",
    ("05-challenge-logsumexp", "ad"):
        "answer = lambda g, ans, x: ad.grad("
        "lambda x_: ad.sum(ad.log(ad.sum(ad.exp(x_), axis=1)) * g))(x)",
    ("05-challenge-logsumexp", "numerical_jacobian"):
        "answer = lambda g, ans, x: np.tensordot(g, numerical_jacobian("
        "lambda x_: np.log(np.exp(x_).sum(axis=1)), x), 1)",
    ("05-challenge-logsumexp", "utils.gradcheck.numerical_vjp"): """
def answer(g, ans, x):
    from utils.gradcheck import numerical_vjp
    return numerical_vjp(lambda x_: np.log(np.exp(x_).sum(axis=1)), x, g)
""",
    ("05-challenge-logsumexp", "utils.layers.log_softmax"): """
def answer(g, ans, x):
    from utils.layers import log_softmax
    return g[:, None] * np.exp(log_softmax(x))
""",
    ("05a-backward-by-hand", "by_hand"): "answer = lambda c: by_hand.autodiff_backward(c)",
    ("05a-backward-by-hand", "utils.by_hand.traced_gradients"):
        "answer = lambda c: by_hand.traced_gradients("
        "{name: getattr(c, name) for name in by_hand.PARAMS}, c.X, c.labels, c.eps)",
    ("05a-backward-by-hand", "utils.autodiff"): """
def answer(c):
    ad = by_hand.ad  # the course's autodiff, reached through the notebook's own import
    n = {name: ad.Node(getattr(c, name)) for name in by_hand.PARAMS}
    n["H_pre"] = c.X @ n["W1"].T + n["b1"]
    n["mu"] = ad.mean(n["H_pre"], axis=0)
    n["Hc"] = n["H_pre"] - n["mu"]
    n["var"] = ad.mean(n["Hc"] * n["Hc"], axis=0)
    n["inv_std"] = ad.exp(-0.5 * ad.log(n["var"] + c.eps))
    n["Hn"] = n["Hc"] * n["inv_std"]
    n["H_bn"] = n["gamma"] * n["Hn"] + n["beta"]
    n["H"] = ad.tanh(n["H_bn"])
    n["Z"] = n["H"] @ n["W2"].T + n["b2"]
    log_sum = ad.log(ad.sum(ad.exp(n["Z"]), axis=1))
    n["logS"] = (n["Z"].T - log_sum).T
    (-ad.sum(c.Y * n["logS"]) * (1.0 / c.N)).backward()
    return {name: n[name].grad for name in by_hand.LINES}
""",
    ("06-jacobian-through-time", "jacobian_through_time"): """
def answer(W, hs, k):
    from utils.rnn import RNNTrace
    return jacobian_through_time(RNNTrace(hs, np.zeros_like(hs), W, "tanh"), k)
""",
    ("06-jacobian-through-time", "step_jacobian"): """
def answer(W, hs, k):
    from utils.rnn import RNNTrace
    trace = RNNTrace(hs, np.zeros_like(hs), W, "tanh")
    product = np.eye(len(W))
    for t in range(k + 1, len(hs)):
        product = step_jacobian(trace, t) @ product
    return product
""",
    # U x_s = arctanh(h_s) - W h_{s-1}: the states give back every step's drive, hence the map
    ("06-jacobian-through-time", "numerical_jacobian"): _UNROLLED + """
def answer(W, hs, k):
    return numerical_jacobian(unrolled(W, hs, k), hs[k])
""",
    ("06-jacobian-through-time", "utils.gradcheck.numerical_vjp"): _UNROLLED + """
def answer(W, hs, k):
    from utils.gradcheck import numerical_vjp
    return np.array([numerical_vjp(unrolled(W, hs, k), hs[k], row) for row in np.eye(len(W))])
""",
    ("06-jacobian-through-time", "utils.linear_maps.directional_difference"): _UNROLLED + """
def answer(W, hs, k):
    from utils.linear_maps import directional_difference
    f = unrolled(W, hs, k)
    return np.stack([directional_difference(f, hs[k], e) for e in np.eye(len(W))], axis=1)
""",
    ("06-jacobian-through-time", "unrolled_map"): """
def answer(W, hs, k):
    drives = np.arctanh(hs[1:]) - hs[:-1] @ W.T
    f = unrolled_map(W, np.eye(len(W)), drives, k)
    return np.stack([(f(hs[k] + 1e-6 * e) - f(hs[k] - 1e-6 * e)) / 2e-6 for e in np.eye(len(W))],
                    axis=1)
""",
    ("06-clip-by-norm", "clip_by_norm"):
        "answer = lambda gradient, max_norm: clip_by_norm(gradient, max_norm)",
    ("07-network-hvp", "hess"): "answer = lambda loss, W1, v: hess.hvp(loss, W1, v)",
    ("07-network-hvp", "numerical_jacobian"):
        "answer = lambda loss, W1, v: np.tensordot("
        "numerical_jacobian(ad.grad(loss), W1), v, 2)",
    ("07-network-hvp", "utils.solutions.network_hvp"):
        "from utils.solutions import network_hvp as answer",
}

# Submissions the checker refused before the declaration too (another named mistake): the
# declaration only names the helper. Every other one passes when nothing is declared.
CAUGHT_BEFORE = {("07-network-hvp", "numerical_jacobian"): "finite difference"}

_DRAWS = "draws a picture or a widget: it computes no answer"
# notebook -> {imported name: why it cannot compute any of the notebook's exercises}
HARMLESS = {
    "00-start-here": {"check_environment": "reports the installation",
                      "package_versions": "reports the installation"},
    "01-jacobians": {"heatmap": _DRAWS, "plot_step_errors": _DRAWS,
                     "jacobian_explorer": _DRAWS},
    "02-chain-rule": {
        "anp": "autograd's numpy: the checker's maps are plain numpy, autograd cannot trace them",
        "make_jvp": "the checker's maps use plain numpy: autograd cannot trace them",
        "make_vjp": "the checker's maps use plain numpy: autograd cannot trace them",
        "chain_costs": "counts multiplications", "random_chain": "makes random Jacobians",
        "time_product": "times a product", "ChainCostBars": _DRAWS,
        "chain_cost_explorer": _DRAWS},
    "03-matrix-by-matrix": {"DEFAULT_MAX_BYTES": "a number", "format_bytes": "formats a size",
                            "block_layout": _DRAWS, "matrix_of_matrices": _DRAWS,
                            "plot_tensor_memory": _DRAWS, "tensor_explorer": _DRAWS},
    "04-efficient-vjp": {
        "anp": "autograd's numpy: plain numpy unless autograd differentiates (refused there)",
        "TensorTooLargeError": "an exception class", "format_bytes": "formats a size",
        "matmul_costs": "counts bytes and multiplications",
        "plot_block_combination": _DRAWS, "plot_route_scaling": _DRAWS,
        "measure_routes_with_progress": "times the two routes", "tensor_vs_vjp_explorer": _DRAWS},
    "04a-linear-maps": {
        "anp": "autograd's numpy: plain numpy unless autograd differentiates (refused there)",
        "measure_kron_route": "times the Kronecker route", "vec": "a reshape",
        "plot_kron_beside_tensor": _DRAWS, "plot_kron_cost": _DRAWS},
    "05-backward-pass": {
        "matmul_costs": "counts bytes and multiplications",
        "check_layer_gradients": "reports relative errors, not gradients",
        "SoftmaxCrossEntropy": "(S - Y)/N of a mean loss (utils.layers is refused as a whole "
                               "where a layer could help)",
        "matmul_vjp": "05-dense-backward asks for the matrix-product VJP: allowed",
        "load_digits": "loads data", "train_test_split": "splits data",
        "Tanh": "no exercise has a tanh (utils.layers is refused as a whole where it could help)",
        "mlp": "builds a network (utils.layers is refused as a whole where it could help)",
        "sgd_step": "updates weights", "digit_grid": _DRAWS, "draw_graph": _DRAWS},
    "05a-backward-by-hand": {"load_digits": "loads data", "train_test_split": "splits data",
                             "plot_losses": _DRAWS},
    "06-jacobians-through-time": {
        "jacobian_norms": "norms only, and it runs jacobian_through_time (refused)",
        "random_recurrent_matrix": "makes a W", "rnn_forward": "runs the network forward",
        "spectral_radius": "a number about W", "rnn_gradient_explorer": _DRAWS},
    "07-second-order": {
        "ad": "07 asks for ad.grad and ad.jvp", "jvps": "forward-mode rules: building blocks",
        "plot_hessian_and_hvp": _DRAWS, "plot_hvp_costs": _DRAWS},
}
