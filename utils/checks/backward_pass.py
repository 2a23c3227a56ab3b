"""Checkers of 05-backward-pass: a Dense layer's backward, Dense + ReLU, a variable used twice,
and a new VJP rule in the small autodiff."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import autodiff as ad
from .. import solutions
from ._feedback import FAIL, Feedback, Mistake, compare, correct, run_learner_function
from ._graph import in_graph
from ._slips import order_swapped

_DERIVATIVES = ("utils.autodiff", "utils.jacobian", "utils.gradcheck")  # refused (_library)
LIBRARY = {**dict.fromkeys(("05-dense-backward", "05-relu-backward", "05-used-twice",
                            "05-challenge-logsumexp"), (*_DERIVATIVES, "utils.layers")),
           "05-sin-rule": _DERIVATIVES[1:], "05-mean-loss-grad": _DERIVATIVES}


def _dense_case():
    """Batch 5, 3 inputs, 4 outputs: every gradient has a shape of its own, so mix-ups show."""
    gen = np.random.default_rng(51)
    x, kernel, b = gen.normal(size=(5, 3)), gen.normal(size=(3, 4)), gen.normal(size=4)
    return x, kernel, b, gen.normal(size=(5, 4))


def check_dense_backward(kernel_backward) -> Feedback:
    """05-dense-backward: kernel_backward(x, kernel, b, grad_output) -> (dL_dx, dL_dkernel,
    dL_db) for y = x @ kernel + b, the kernel stored (n_in, n_out) as Keras and Flax store it:
    Dense's W transposed."""
    exercise = "05-dense-backward"
    x, kernel, b, G = _dense_case()
    answer, feedback = run_learner_function(exercise, kernel_backward, x, kernel, b, G, names={
        "x": ("N", "n_in"), "kernel": ("n_in", "n_out"), "b": ("n_out",),
        "grad_output": ("N", "n_out")})
    if feedback is not None:
        return feedback
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return Feedback(False, f"{FAIL} {exercise}: return the three gradients as a tuple "
                               f"(dL_dx, dL_dkernel, dL_db); got {type(answer).__name__}.",
                        "not three gradients")
    dL_dx, dL_dkernel, dL_db = solutions.kernel_backward(x, kernel, b, G)
    swapped = order_swapped(answer, (dL_dx, dL_dkernel, dL_db), ("dL_dx", "dL_dkernel", "dL_db"))
    if swapped is not None:
        return Feedback(False, f"{FAIL} {exercise}: {swapped}", "wrong order")
    parts = [
        ("dL_dx", answer[0], dL_dx, "N n_in", [
            Mistake("dx averaged", dL_dx / len(x),
                    "you divided dL/dx by the batch size. Each example's input gradient is just "
                    "its own row of grad_output: the loss already carries the 1/batch."),
        ]),
        ("dL_dkernel", answer[1], dL_dkernel, "n_in n_out", [
            Mistake("kernel transposed", dL_dkernel.T,
                    "you returned grad_output.T @ x, of shape (n_out, n_in) = (4, 3): Dense's "
                    "dL/dW, for W stored (n_out, n_in). The kernel is Wᵀ, stored (n_in, n_out) "
                    "= (3, 4), and its gradient has its shape."),
            Mistake("kernel averaged", dL_dkernel / len(x),
                    "you divided dL/dkernel by the batch size. The loss already carries the "
                    "1/batch (its gradient is divided by the batch); the layer just sums the "
                    "examples' contributions."),
        ]),
        ("dL_db", answer[2], dL_db, "n_out", [
            Mistake("bias not summed", G,
                    "your dL/db has shape (batch, n_out) = (5, 4), but b has shape (4,): a "
                    "gradient always has the shape of what it is for. b is added to every row "
                    "of the batch, so its gradient sums the rows."),
            Mistake("bias keepdims", G.sum(axis=0, keepdims=True),
                    "you summed over the batch with keepdims=True, giving shape (1, 4); b has "
                    "shape (4,), and its gradient must too: no keepdims."),
            Mistake("bias averaged", G.mean(axis=0),
                    "you took the mean over the batch; b gets the sum. b was added to every "
                    "row, and each row's gradient counts in full (the 1/batch of the loss is "
                    "already inside grad_output)."),
            Mistake("bias summed over outputs", G.sum(axis=1),
                    "you summed over the outputs (axis=1), giving one number per example. b "
                    "has one entry per output: sum over the batch, axis=0."),
        ]),
    ]
    for k, (what, part, expected, axes, mistakes) in enumerate(parts):
        def reference(x, kernel, b, grad_output, k=k):  # one of three: the map varies inputs
            return solutions.kernel_backward(x, kernel, b, grad_output)[k]

        feedback = compare(exercise, part, expected, mistakes=mistakes, what=what, axes=axes,
                           reference=(reference, (x, kernel, b, G)))
        if not feedback.passed:
            if feedback.mistake not in {mistake.name for mistake in mistakes}:  # say which one
                return replace(feedback, message=feedback.message.replace(
                    f"{exercise}:", f"{exercise} ({what}):"))
            return feedback
    return correct(exercise, "dL_dx = G @ kernel.T, dL_dkernel = x.T @ G (the transpose of "
                             "Dense's G.T @ x, as the kernel is Wᵀ) and dL_db = G summed over "
                             "the batch; each has its variable's shape.")


def _dense_relu_case():
    """x, W, b chosen so the pre-activations a lie on both sides of 0 and of 1: relu(a) and
    the mask (a > 0) differ, and the mask of a differs from the mask of x."""
    gen = np.random.default_rng(52)
    x = gen.normal(size=(4, 3))
    W, b = gen.normal(size=(5, 3)), np.array([0.5, -0.3, 0.2, -0.6, 0.1])  # W (n_out, n_in)
    return x, W, b, gen.normal(size=(4, 5))


def check_relu_backward(dense_relu_backward) -> Feedback:
    """05-relu-backward: dense_relu_backward(x, W, b, grad_output) -> dL/dx for
    y = relu(x @ W.T + b) with W of shape (n_out, n_in)."""
    exercise = "05-relu-backward"
    x, W, b, G = _dense_relu_case()
    answer, feedback = run_learner_function(exercise, dense_relu_backward, x, W, b, G, names={
        "x": ("N", "n_in"), "W": ("n_out", "n_in"), "b": ("n_out",), "grad_output": ("N", "n_out")},
        answer=("N", "n_in"))
    if feedback is not None:
        return feedback
    a = x @ W.T + b
    y = np.maximum(a, 0.0)
    return compare(exercise, answer, solutions.dense_relu_backward(x, W, b, G), mistakes=[
        Mistake("output values", (G * y) @ W,
                "you multiplied grad_output by the ReLU's output values relu(a). Its derivative "
                "is 1 where a > 0 and 0 elsewhere, whatever the size of a: multiply by the mask "
                "(a > 0) of its input, not by relu(a)."),
        Mistake("pre-activation values", (G * a) @ W,
                "you multiplied grad_output by the pre-activation a itself. relu'(a) is 1 for "
                "a > 0 and 0 otherwise: multiply by the mask (a > 0)."),
        Mistake("mask missing", G @ W,
                "the ReLU step is missing: grad_output went straight through the matrix "
                "product. Where a <= 0 the output does not move when a does, so first zero "
                "those entries of grad_output."),
        Mistake("mask after the product", G @ W * (x > 0),
                "you applied a mask after the matrix product, to dL/dx. The ReLU comes after "
                "the product in the forward pass, so in the backward pass its mask comes "
                "first, on grad_output."),
        Mistake("dW instead of dx", (G * (a > 0)).T @ x,
                "that is dL/dW, shape (5, 3) like W. The exercise asks for dL/dx, shaped like x "
                "(4, 3)."),
        Mistake("dW instead of dx", x.T @ (G * (a > 0)),
                "that is dL/dW, and transposed: shape (3, 5). The exercise asks for dL/dx, "
                "shaped like x (4, 3)."),
    ], what="dL/dx", axes="N n_in", reference=(solutions.dense_relu_backward, (x, W, b, G)))


def _used_twice_case():  # A (3, 5) is not square: C = A Aᵀ (3, 3) and A differ in shape
    gen = np.random.default_rng(53)
    return gen.normal(size=(3, 5)), gen.normal(size=(3, 3))


def check_used_twice(gram_vjp) -> Feedback:
    """05-used-twice: gram_vjp(A, grad_output) -> dL/dA for C = A @ A.T."""
    exercise = "05-used-twice"
    A, G = _used_twice_case()
    answer, feedback = run_learner_function(exercise, gram_vjp, A, G, answer="mn",
                                             names={"A": "mn", "grad_output": "mm"})
    if feedback is not None:
        return feedback
    overwritten = ("only one of the two uses of A counts: A is the left factor AND (transposed) "
                   "the right factor of A @ A.T, and a variable used twice gets the SUM of both "
                   "gradients: writing the second over the first loses it.")
    symmetric = ("twice one use's gradient would be right only if G were symmetric: for a "
                 "general G the left factor and the right factor send different gradients. "
                 "Work out each use's share with 04's rule and add them.")
    return compare(exercise, answer, solutions.gram_vjp(A, G), mistakes=[
        Mistake("overwritten", G @ A, overwritten), Mistake("overwritten", G.T @ A, overwritten),
        Mistake("assumed symmetric", 2 * G @ A, symmetric),
        Mistake("assumed symmetric", 2 * G.T @ A, symmetric),
    ], what="dL/dA", axes="m n", reference=(solutions.gram_vjp, (A, G)))


def _sin_case():
    gen = np.random.default_rng(54)
    x = gen.uniform(-3.0, 3.0, size=(3, 4))
    return gen.normal(size=(3, 4)), np.sin(x), x


def check_vjp_rule(sin_vjp) -> Feedback:
    """05-sin-rule: sin_vjp(g, ans, x) -> dL/dx for ans = sin(x), then used by the autodiff."""
    exercise = "05-sin-rule"
    g, ans, x = _sin_case()
    answer, feedback = run_learner_function(exercise, sin_vjp, g, ans, x)
    if feedback is not None:
        return feedback
    feedback = compare(exercise, answer, solutions.sin_vjp(g, ans, x), mistakes=[
        Mistake("local derivative only", np.cos(x),
                "that is sin'(x) = cos(x) alone. A VJP rule maps the incoming gradient g: "
                "the local derivative scales it."),
        Mistake("cos of the output", g * np.cos(ans),
                "you took the cosine of ans = sin(x). The derivative of sin is evaluated at "
                "its input x."),
        Mistake("sign", -g * np.cos(x),
                "the sign is flipped: (sin)' = +cos; it is cos whose derivative is -sin."),
        Mistake("derivative of cos", -g * np.sin(x), "-sin(x) is the derivative of cos, not sin."),
        Mistake("copied exp's rule", g * ans, "that is g times sin(x) = ans: sin is not "
                "its own derivative (that is exp)."),
        Mistake("copied tanh's rule", g * (1.0 - ans ** 2),
                "g * (1 - ans**2) is tanh's rule (tanh' = 1 - tanh²); sin's derivative is cos, "
                "evaluated at the input."),
        Mistake("cos from the output", g * np.sqrt(1.0 - ans ** 2),
                "sqrt(1 - ans**2) is |cos(x)|, not cos(x): it loses the sign wherever cos(x) < 0 "
                "(the output sin(x) cannot tell x from pi - x). Use the input x."),
        Mistake("matrix product", g @ np.cos(x).T,
                "sin acts entry by entry, so its Jacobian is diagonal and the VJP is an "
                "elementwise product, not a matrix product."),
    ], what="the rule's output", axes="N n", reference=(solutions.sin_vjp, (g, ans, x)))
    if not feedback.passed:
        return feedback
    # registered on a private primitive, the rule must give the gradient of a real loss
    sin = ad.Primitive("sin (checker)", np.sin)
    ad.defvjp(sin, 0, sin_vjp)
    W = np.random.default_rng(55).normal(size=(2, 4))     # (n_out, n_in), as in Dense
    gradient, failed = in_graph(exercise, ad.grad(lambda x_: ad.sum(sin(x_ @ W.T) * 0.5)), x,
                                "g, ans and x have shape (3, 2)")
    if failed is not None:
        return failed
    expected = (0.5 * np.cos(x @ W.T)) @ W
    if not isinstance(gradient, np.ndarray) or not np.allclose(gradient, expected):
        return Feedback(False, f"{FAIL} {exercise}: your rule is right on its own but gives a "
                               f"wrong gradient inside a graph; return an array shaped like x, "
                               f"computed from g, ans and x only.", "wrong in a graph")
    return correct(exercise, "registered with defvjp, your rule G |--> G * cos(x) gives the "
                             "autodiff the gradient of sum(sin(x @ W.T)) / 2.")


def check_mean_loss_grad(mse_grad) -> Feedback:
    """05-mean-loss-grad: mse_grad(P, Y) = dL/dP for L = (1/N) Σ_r ½‖P_r - Y_r‖², P (N, n_out)."""
    exercise = "05-mean-loss-grad"
    gen = np.random.default_rng(55)
    P, Y = gen.normal(size=(4, 3)), gen.normal(size=(4, 3))  # N = 4 rows, n_out = 3: 1/N ≠ 1/n_out
    answer, feedback = run_learner_function(exercise, mse_grad, P, Y)
    if feedback is not None:
        return feedback
    N, E = len(P), P - Y
    mistakes = [
        Mistake("1/N missing", E, "you returned P - Y, the gradient of the SUM over the batch. "
                "L is the mean over the N rows, so every row's gradient carries 1/N."),
        Mistake("divided by every entry", E / P.size, "you divided by N·n_out, the number "
                "of entries: the gradient of np.mean over all entries. Here each row's "
                "½‖p_r - y_r‖² sums its n_out outputs; only the N rows are averaged."),
        Mistake("sign slip", -E / N, "the sign is flipped: ½‖p - y‖² grows as p moves away "
                "from y, so its gradient points from y toward p."),
        Mistake("½ not cancelled", 2 * E / N, "the factor 2 of d(u²)/du cancels the ½ in "
                "½‖p - y‖²: no factor 2 is left."),
        Mistake("½ kept", E / (2 * N), "the ½ in ½‖p - y‖² is cancelled by the 2 of d(u²)/du; "
                "you kept it."),
        Mistake("1/N twice", E / N**2, "you divided by N twice. The mean's 1/N appears once."),
        Mistake("batch averaged away", E.mean(axis=0), "you averaged over the rows, giving "
                "shape (n_out,) = (3,). dL/dP has P's shape (N, n_out) = (4, 3): each row "
                "keeps its own gradient; do not average the rows away."),
    ]
    feedback = compare(exercise, answer, solutions.mse_grad(P, Y), mistakes,
                       what="dL/dP", where="with P and Y of shape (4, 3)", axes="N n_out",
                       reference=(solutions.mse_grad, (P, Y)))
    return feedback if not feedback.passed else correct(
        exercise, "dL/dP = (P - Y) / N: the mean over the batch puts 1/N in every row, once.")


def _logsumexp(x):  # per row
    return np.log(np.exp(x).sum(axis=1))


def check_logsumexp_rule(logsumexp_vjp) -> Feedback:
    """05-challenge-logsumexp: logsumexp_vjp(g, ans, x) for ans = log Σ_j exp(x_ij), per row."""
    exercise = "05-challenge-logsumexp"
    gen = np.random.default_rng(56)
    x, g = gen.normal(size=(3, 3)), gen.normal(size=3)  # square: a wrongly broadcast g still fits
    ans = _logsumexp(x)
    answer, feedback = run_learner_function(exercise, logsumexp_vjp, g, ans, x)
    if feedback is not None:
        return feedback
    softmax = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    feedback = compare(exercise, answer, solutions.logsumexp_vjp(g, ans, x), mistakes=[
        Mistake("g ignored", softmax, "that is the local derivative, each row's softmax, alone. "
                "A VJP rule scales it by the incoming gradient g, one entry per row."),
        Mistake("g on the wrong axis", g * softmax, "g has one entry per ROW of x, but `g * S` "
                "lines it up with the columns. Give g an axis of length 1 so it runs down the "
                "rows."),
        Mistake("not normalised", g[:, None] * np.exp(x), "d/dx_ij log Σ_k exp(x_ik) = "
                "exp(x_ij) / Σ_k exp(x_ik): divide by the row sum (which is exp(ans_i))."),
        Mistake("softmax over columns", g[:, None] * np.exp(x) / np.exp(x).sum(axis=0),
                "you normalised over axis 0 (columns); logsumexp sums each row, so normalise "
                "each row (the row sums are exp(ans))."),
        Mistake("broadcast only", np.broadcast_to(g[:, None], x.shape), "copying g across the "
                "row is the rule of a plain sum; the log and exp weight each entry by its "
                "softmax."),
    ], what="the rule's output", where="with x (3, 3), ans and g (3,)", axes="N k",
        reference=(solutions.logsumexp_vjp, (g, ans, x)))
    if not feedback.passed:
        return feedback
    lse = ad.Primitive("logsumexp (checker)", _logsumexp)
    ad.defvjp(lse, 0, logsumexp_vjp)
    W, z = gen.normal(size=(5, 3)), gen.normal(size=(4, 3))  # another shape, inside a graph
    gradient, failed = in_graph(exercise, ad.grad(lambda z_: ad.sum(lse(z_ @ W.T))), z,
                                "x has shape (4, 5)", "wrong in a graph")
    if failed is not None:
        return failed
    expected = solutions.logsumexp_vjp(np.ones(4), _logsumexp(z @ W.T), z @ W.T) @ W
    if not isinstance(gradient, np.ndarray) or not np.allclose(gradient, expected):
        return Feedback(False, f"{FAIL} {exercise}: right on the square test, wrong inside a "
                               f"graph with x of shape (4, 5).", "wrong in a graph")
    return correct(exercise, "G |--> g[:, None] * softmax(x): the reduction's gradient copied "
                             "along each row, weighted by the softmax.")
