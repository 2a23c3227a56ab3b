"""The checkers of 05-backward-pass (utils/checks/backward_pass.py): accept right answers, say
not-done for stubs, and name each common mistake."""

from __future__ import annotations

import numpy as np
import pytest
from feedback_asserts import assert_passes, assert_reads, right_forms

from utils import checks, solutions
from utils.checks.backward_pass import _dense_case, _dense_relu_case, _used_twice_case

# ----- 05-dense-backward (Keras, Flax: y = x @ kernel + b, kernel = Wᵀ (n_in, n_out)) -----


def kernel_backward_einsum(x, kernel, b, grad_output):   # another correct formulation
    return (np.einsum("bo,io->bi", grad_output, kernel), np.einsum("bi,bo->io", x, grad_output),
            np.einsum("bo->o", grad_output))


def test_the_dense_reference_matches_finite_differences():
    from utils import numerical_jacobian

    x, K, b, G = _dense_case()
    dx, dK, db = solutions.kernel_backward(x, K, b, G)
    for got, f, at in ((dx, lambda x_: x_ @ K + b, x), (dK, lambda K_: x @ K_ + b, K),
                       (db, lambda b_: x @ K + b_, b)):
        assert np.allclose(got, np.tensordot(G, numerical_jacobian(f, at), axes=2), atol=1e-8)


def test_the_kernel_gradient_is_the_transpose_of_dense_s():
    """The kernel is Dense's W transposed, so its gradient is Dense's dL/dW transposed."""
    from utils.layers import Dense

    x, K, b, G = _dense_case()
    layer = Dense(3, 4, W=K.T, b=b)
    assert np.allclose(layer.forward(x), x @ K + b)
    dx = layer.backward(G)
    got = solutions.kernel_backward(x, K, b, G)
    assert np.allclose(got[0], dx) and np.allclose(got[1], layer.grads["W"].T)
    assert np.allclose(got[2], layer.grads["b"])


@pytest.mark.parametrize("answer", [solutions.kernel_backward, kernel_backward_einsum])
def test_dense_backward_accepts_correct_answers(answer):
    assert checks.check_dense_backward(answer).passed


@pytest.mark.parametrize("stub", [..., None, lambda x, K, b, g: ..., lambda x, K, b, g: None])
def test_dense_backward_stub_is_not_done(stub):
    assert checks.check_dense_backward(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("bias not summed", lambda x, K, b, g: (g @ K.T, x.T @ g, g)),
    ("bias keepdims", lambda x, K, b, g: (g @ K.T, x.T @ g, g.sum(axis=0, keepdims=True))),
    ("bias averaged", lambda x, K, b, g: (g @ K.T, x.T @ g, g.mean(axis=0))),
    ("bias summed over outputs", lambda x, K, b, g: (g @ K.T, x.T @ g, g.sum(axis=1))),
    ("kernel transposed", lambda x, K, b, g: (g @ K.T, g.T @ x, g.sum(axis=0))),  # Dense's dW
    ("kernel averaged", lambda x, K, b, g: (g @ K.T, x.T @ g / len(x), g.sum(axis=0))),
    ("dx averaged", lambda x, K, b, g: (g @ K.T / len(x), x.T @ g, g.sum(axis=0))),
    ("raised", lambda x, K, b, g: (g @ K, x.T @ g, g.sum(axis=0))),  # Dense's G W copied
    ("not three gradients", lambda x, K, b, g: g @ K.T),
])
def test_dense_backward_names_each_mistake(mistake, answer):
    feedback = checks.check_dense_backward(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_dense_backward_names_the_operands_of_a_copied_dense_rule():
    feedback = checks.check_dense_backward(lambda x, K, b, g: (g @ K, x.T @ g, g.sum(axis=0)))
    assert "kernel" in feedback.message and "(n_in, n_out)" in feedback.message, feedback.message


def test_dense_backward_hints_say_what_the_learner_did():
    bias = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T, x.T @ g, g))
    assert "(5, 4)" in bias.message and "sum" in bias.message
    averaged = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T / 5, x.T @ g, g.sum(0)))
    assert "You divided dL/dx by the batch size" in averaged.message.replace("you", "You")
    mean = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T, x.T @ g, g.mean(0)))
    assert "mean over the batch; b gets the sum" in mean.message
    keepdims = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T, x.T @ g,
                                                               g.sum(0, keepdims=True)))
    assert "(1, 4)" in keepdims.message
    transposed = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T, g.T @ x, g.sum(0)))
    assert "(4, 3)" in transposed.message and "grad_output.T @ x" in transposed.message


def test_dense_backward_other_wrong_values_say_which_gradient():
    feedback = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T, x.T @ g + 1, g.sum(0)))
    assert feedback.mistake == "shifted" and "(dL_dkernel)" in feedback.message
    feedback = checks.check_dense_backward(lambda x, K, b, g: (g @ K.T, x.T @ g, g.sum()))
    assert feedback.mistake == "summed" and "(dL_db)" in feedback.message


# ----- 05-relu-backward (a dense layer followed by ReLU) -----

@pytest.mark.parametrize("answer", [
    solutions.dense_relu_backward,
    lambda x, W, b, g: np.where(np.maximum(x @ W.T + b, 0) > 0, g, 0.0) @ W,  # mask from y
    lambda x, W, b, g: (g * np.heaviside(x @ W.T + b, 0.0)) @ W,
])
def test_relu_backward_accepts_correct_answers(answer):
    assert checks.check_relu_backward(answer).passed


def test_the_relu_reference_matches_finite_differences():
    from utils import numerical_jacobian

    x, W, b, G = _dense_relu_case()
    numeric = np.tensordot(G, numerical_jacobian(lambda x_: np.maximum(x_ @ W.T + b, 0), x), 2)
    assert np.allclose(solutions.dense_relu_backward(x, W, b, G), numeric, atol=1e-8)


@pytest.mark.parametrize("stub", [..., None, lambda x, W, b, g: ...])
def test_relu_backward_stub_is_not_done(stub):
    assert checks.check_relu_backward(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("output values", lambda x, W, b, g: (g * np.maximum(x @ W.T + b, 0)) @ W),
    ("pre-activation values", lambda x, W, b, g: (g * (x @ W.T + b)) @ W),
    ("mask missing", lambda x, W, b, g: g @ W),
    ("mask after the product", lambda x, W, b, g: (g @ W) * (x > 0)),
    ("dW instead of dx", lambda x, W, b, g: (g * (x @ W.T + b > 0)).T @ x),
    ("dW instead of dx", lambda x, W, b, g: x.T @ (g * (x @ W.T + b > 0))),
])
def test_relu_backward_names_each_mistake(mistake, answer):
    feedback = checks.check_relu_backward(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_the_relu_case_separates_output_values_from_the_mask():
    x, W, b, G = _dense_relu_case()
    z = x @ W.T + b
    assert np.any((z > 0) & (z < 1)) and np.any(z > 1) and np.any(z < 0)
    assert not np.allclose(G * np.maximum(z, 0), G * (z > 0))


# ----- 05-used-twice: C = A @ A.T -----

@pytest.mark.parametrize("answer", [
    solutions.gram_vjp,
    lambda A, G: (G + G.T) @ A,
    lambda A, G: np.einsum("ij,jk->ik", G, A) + np.einsum("ji,jk->ik", G, A),
])
def test_used_twice_accepts_correct_answers(answer):
    assert checks.check_used_twice(answer).passed


def test_used_twice_agrees_with_the_autodiff_and_finite_differences():
    from utils import autodiff as ad
    from utils import numerical_jacobian

    A, G = _used_twice_case()
    ours = ad.grad(lambda A: ad.sum((A @ A.T) * G))(A)
    numeric = np.tensordot(G, numerical_jacobian(lambda a: a @ a.T, A), axes=2)
    assert np.allclose(solutions.gram_vjp(A, G), ours)
    assert np.allclose(ours, numeric, atol=1e-8)


@pytest.mark.parametrize("stub", [..., None, lambda A, G: None])
def test_used_twice_stub_is_not_done(stub):
    assert checks.check_used_twice(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("overwritten", lambda A, G: G @ A),
    ("overwritten", lambda A, G: G.T @ A),
    ("assumed symmetric", lambda A, G: 2 * G @ A),
    ("assumed symmetric", lambda A, G: 2 * G.T @ A),
    ("wrong shape", lambda A, G: A.T @ G),
])
def test_used_twice_names_each_mistake(mistake, answer):
    feedback = checks.check_used_twice(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


def test_used_twice_overwrite_models_a_real_overwriting_backward():
    def overwriting_backward(A, G):       # a backward loop that assigns instead of adding
        grads = {}
        for contribution in (G @ A, G.T @ A):
            grads["A"] = contribution
        return grads["A"]

    assert checks.check_used_twice(overwriting_backward).mistake == "overwritten"


# ----- 05-sin-rule -----

@pytest.mark.parametrize("answer", [
    solutions.sin_vjp,
    lambda g, ans, x: g * np.sin(x + np.pi / 2),
    lambda g, ans, x: g * np.sqrt(1 - ans ** 2) * np.sign(np.cos(x)),
])
def test_vjp_rule_accepts_correct_answers(answer):
    feedback = checks.check_vjp_rule(answer)
    assert feedback.passed, feedback.message


def test_vjp_rule_leaves_the_rule_table_as_it_was():
    from utils import autodiff as ad

    primitives = [v for v in vars(ad).values() if isinstance(v, ad.Primitive)]
    before = {p.name: (dict(p.vjps), dict(p.jvps)) for p in primitives}
    checks.check_vjp_rule(solutions.sin_vjp)
    checks.check_vjp_rule(lambda g, ans, x: g * ans)
    assert {p.name: (dict(p.vjps), dict(p.jvps)) for p in primitives} == before


def test_vjp_rule_that_only_works_on_the_checkers_shape_is_caught_in_the_graph():
    def shape_bound(g, ans, x):
        return g * np.cos(x) if x.shape == (3, 4) else np.zeros_like(x)

    assert checks.check_vjp_rule(shape_bound).mistake == "wrong in a graph"


@pytest.mark.parametrize("stub", [..., None, lambda g, ans, x: ...])
def test_vjp_rule_stub_is_not_done(stub):
    assert checks.check_vjp_rule(stub).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("local derivative only", lambda g, ans, x: np.cos(x)),
    ("cos of the output", lambda g, ans, x: g * np.cos(ans)),
    ("sign", lambda g, ans, x: -g * np.cos(x)),
    ("derivative of cos", lambda g, ans, x: -g * np.sin(x)),
    ("copied exp's rule", lambda g, ans, x: g * ans),
    ("copied tanh's rule", lambda g, ans, x: g * (1 - ans ** 2)),
    ("cos from the output", lambda g, ans, x: g * np.sqrt(1 - ans ** 2)),
    ("matrix product", lambda g, ans, x: g @ np.cos(x).T),
    ("summed over an axis", lambda g, ans, x: (g * np.cos(x)).sum(axis=0)),
])
def test_vjp_rule_names_each_mistake(mistake, answer):
    feedback = checks.check_vjp_rule(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message




def test_a_rule_that_fails_inside_the_graph_becomes_feedback():
    def fixed_shape_rule(g, ans, x):  # right for the (3, 4) test arrays, breaks on (3, 2)
        return (g * np.cos(x)).reshape(3, 4)

    feedback = checks.check_vjp_rule(fixed_shape_rule)
    assert feedback.mistake == "fails in a graph", feedback.message
    assert "raised ValueError inside the autodiff graph" in feedback.message


def test_a_rule_that_loops_inside_the_graph_gets_feedback(monkeypatch):
    from utils.checks import _running
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", 0.5)

    def loops_on_other_shapes(g, ans, x):
        while g.shape != (3, 4):
            pass
        return g * np.cos(x)

    feedback = checks.check_vjp_rule(loops_on_other_shapes)
    assert feedback.mistake == "timed out" and "inside the autodiff" in feedback.message


# ----- 05-mean-loss-grad: L = (1/N) Σ_r ½‖p_r - y_r‖² -----


def test_mean_loss_reference_agrees_with_autograd():
    import autograd.numpy as anp
    from autograd import grad

    rng = np.random.default_rng(1)
    P, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    loss = lambda P: anp.mean(0.5 * anp.sum((P - Y) ** 2, axis=1))  # noqa: E731
    assert np.allclose(solutions.mse_grad(P, Y), grad(loss)(P))


def test_mean_loss_checker_accepts_the_reference_and_says_not_done():
    assert checks.check_mean_loss_grad(solutions.mse_grad).passed
    assert checks.check_mean_loss_grad(lambda P, Y: (P - Y) * (1 / P.shape[0])).passed
    assert checks.check_mean_loss_grad(lambda P, Y: ...).mistake == "not done"


@pytest.mark.parametrize("mistake, answer", [
    ("1/N missing", lambda P, Y: P - Y),
    ("divided by every entry", lambda P, Y: (P - Y) / P.size),
    ("sign slip", lambda P, Y: (Y - P) / len(P)),
    ("½ not cancelled", lambda P, Y: 2 * (P - Y) / len(P)),
    ("½ kept", lambda P, Y: 0.5 * (P - Y) / len(P)),
    ("1/N twice", lambda P, Y: (P - Y) / len(P) ** 2),
    ("batch averaged away", lambda P, Y: (P - Y).mean(axis=0)),
    ("wrong values", lambda P, Y: (P + Y) / len(P)),
])
def test_mean_loss_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_mean_loss_grad(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


# ----- 05-challenge-logsumexp: a VJP rule for a reduction over each row -----


def test_logsumexp_reference_agrees_with_autograd():
    import autograd.numpy as anp
    from autograd import make_vjp

    x = np.random.default_rng(3).normal(size=(4, 5))
    vjp, ans = make_vjp(lambda x: anp.log(anp.sum(anp.exp(x), axis=1)))(x)
    g = np.arange(1.0, 5.0)
    assert np.allclose(solutions.logsumexp_vjp(g, ans, x), vjp(g))


def test_logsumexp_checker_accepts_the_reference_and_another_form():
    assert checks.check_logsumexp_rule(solutions.logsumexp_vjp).passed
    assert checks.check_logsumexp_rule(lambda g, ans, x: (
        g[:, None] * np.exp(x) / np.exp(x).sum(axis=1, keepdims=True))).passed
    assert checks.check_logsumexp_rule(lambda g, ans, x: ...).mistake == "not done"


def _softmax_rows(x):
    return np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)


@pytest.mark.parametrize("mistake, answer", [
    ("g ignored", lambda g, ans, x: _softmax_rows(x)),
    ("g on the wrong axis", lambda g, ans, x: g * _softmax_rows(x)),
    ("not normalised", lambda g, ans, x: g[:, None] * np.exp(x)),
    ("softmax over columns", lambda g, ans, x: g[:, None] * np.exp(x) / np.exp(x).sum(axis=0)),
    ("broadcast only", lambda g, ans, x: np.broadcast_to(g[:, None], x.shape)),
    ("sign flipped", lambda g, ans, x: -g[:, None] * _softmax_rows(x)),
    ("wrong in a graph", lambda g, ans, x: g[:, None] * _softmax_rows(x) if x.shape == (3, 3)
     else g[:, None] * x),
    ("wrong in a graph", lambda g, ans, x: g[:, None] * _softmax_rows(x) if x.shape == (3, 3)
     else x[7]),
])
def test_logsumexp_checker_names_each_mistake(mistake, answer):
    feedback = checks.check_logsumexp_rule(answer)
    assert not feedback.passed and feedback.mistake == mistake, feedback.message


# --- every 05 checker: the right answer in every form, other wrong answers read by the map ------

def _dense_parts(k):
    """kernel_backward returning a list of its three gradients, each in the k-th right form."""
    def learner(x, kernel, b, G):
        return [right_forms(lambda part=part: part)[k]()
                for part in solutions.kernel_backward(x, kernel, b, G)]
    return learner


def _dense_part(k, change):
    """kernel_backward with its k-th gradient changed by change(gradient, x, kernel, b, G)."""
    def learner(x, kernel, b, G):
        parts = list(solutions.kernel_backward(x, kernel, b, G))
        parts[k] = change(parts[k], x, kernel, b, G)
        return tuple(parts)
    return learner


@pytest.mark.parametrize("check, reference", [
    (checks.check_relu_backward, solutions.dense_relu_backward),
    (checks.check_used_twice, solutions.gram_vjp),
    (checks.check_vjp_rule, solutions.sin_vjp),
    (checks.check_mean_loss_grad, solutions.mse_grad),
    (checks.check_logsumexp_rule, solutions.logsumexp_vjp),
], ids=lambda c: getattr(c, "__name__", ""))
def test_05_checkers_accept_the_right_answer_in_every_form(check, reference):
    for form in right_forms(reference):
        assert_passes(check(form))


@pytest.mark.parametrize("k", range(len(right_forms(None))))
def test_dense_backward_accepts_each_gradient_in_every_form(k):
    assert_passes(checks.check_dense_backward(_dense_parts(k)))


@pytest.mark.parametrize("check, answer, name, words", [
    (checks.check_dense_backward, _dense_part(1, lambda d, *_: 2 * d), "scaled",
     ("(dL_dkernel)", "times 2")),
    (checks.check_dense_backward, _dense_part(0, lambda d, *_: d.ravel()), "reshaped",
     ("(dL_dx)", "a flat (15,) where (N, n_in) = (5, 3)")),
    (checks.check_dense_backward, _dense_part(2, lambda d, *_: d[:, None]), "extra axis",
     ("(dL_db)", "length 1")),
    (checks.check_dense_backward, _dense_part(0, lambda d, *_: d + 0.3), "shifted",
     ("(dL_dx)", "off by +0.3")),
    (checks.check_dense_backward, _dense_part(2, lambda d, *_: -d), "sign flipped",
     ("(dL_db)",)),
    (checks.check_dense_backward, _dense_part(0, lambda d, *_: d.T), "transposed",
     ("(dL_dx)", "transposed")),
    (checks.check_relu_backward, lambda x, W, b, G: (G * (x @ W.T > 0)) @ W, "input left out",
     ("built without b",)),  # the mask of x @ W.T, the bias forgotten
    (checks.check_relu_backward, lambda x, W, b, G: 2 * solutions.dense_relu_backward(x, W, b, G),
     "scaled", ("times 2",)),
    (checks.check_relu_backward, lambda x, W, b, G: solutions.dense_relu_backward(x, W, b, G).T,
     "transposed", ("transposed",)),
    (checks.check_relu_backward,
     lambda x, W, b, G: solutions.dense_relu_backward(x, W, b, G).sum(axis=0),
     "summed over an axis", ("the axis N",)),
    (checks.check_relu_backward,
     lambda x, W, b, G: solutions.dense_relu_backward(x, W, b, G).ravel(), "reshaped",
     ("a flat (12,)",)),
    (checks.check_used_twice, lambda A, G: 0.5 * solutions.gram_vjp(A, G), "scaled",
     ("times 0.5",)),
    (checks.check_used_twice, lambda A, G: solutions.gram_vjp(A, G).T, "transposed",
     ("transposed",)),
    (checks.check_used_twice, lambda A, G: solutions.gram_vjp(A, G).ravel(), "reshaped",
     ("a flat (15,) where (m, n) = (3, 5)",)),
    (checks.check_used_twice, lambda A, G: solutions.gram_vjp(A, G) + 1, "shifted",
     ("off by +1",)),
    (checks.check_used_twice, lambda A, G: solutions.gram_vjp(A, G)[None], "extra axis",
     ("length 1",)),
    (checks.check_vjp_rule, lambda g, ans, x: 2 * g * np.cos(x), "scaled", ("times 2",)),
    (checks.check_vjp_rule, lambda g, ans, x: x * np.cos(g), "operands swapped",
     ("g and x swapped",)),
    (checks.check_vjp_rule, lambda g, ans, x: (g * np.cos(x)).T, "transposed", ("transposed",)),
    (checks.check_vjp_rule, lambda g, ans, x: (g * np.cos(x)).ravel(), "reshaped",
     ("a flat (12,) where (N, n) = (3, 4)",)),
    (checks.check_vjp_rule, lambda g, ans, x: np.sum(g * np.cos(x)), "summed", ("sum of all",)),
    (checks.check_mean_loss_grad, lambda P, Y: (P - Y) / (len(P) - 1), "scaled",
     ("times 1.333",)),  # 1/(N - 1), the sample variance's habit
    (checks.check_mean_loss_grad, lambda P, Y: ((P - Y) / len(P)).T, "transposed",
     ("transposed",)),
    (checks.check_mean_loss_grad, lambda P, Y: ((P - Y) / len(P)).ravel(), "reshaped",
     ("(N, n_out) = (4, 3)",)),
    (checks.check_mean_loss_grad, lambda P, Y: (P - Y) / len(P) * np.arange(1.0, 4.0),
     "factor wrong", ("axes 1 (n_out of (N, n_out))",)),
    (checks.check_mean_loss_grad, lambda P, Y: (P - Y) / len(P) + 0.1, "shifted",
     ("off by +0.1",)),
    (checks.check_logsumexp_rule, lambda g, a, x: 2 * solutions.logsumexp_vjp(g, a, x),
     "scaled", ("times 2",)),
    (checks.check_logsumexp_rule, lambda g, a, x: solutions.logsumexp_vjp(g, a, x).T,
     "transposed", ("transposed",)),
    (checks.check_logsumexp_rule, lambda g, a, x: solutions.logsumexp_vjp(g, a, x).ravel(),
     "reshaped", ("(N, k) = (3, 3)",)),
    (checks.check_logsumexp_rule, lambda g, a, x: solutions.logsumexp_vjp(g, a, x).sum(axis=1),
     "summed over an axis", ("the axis k",)),
    (checks.check_logsumexp_rule, lambda g, a, x: -solutions.logsumexp_vjp(g, a, x),
     "sign flipped", ("sign flipped",)),
])
def test_05_checkers_map_reads_other_wrong_answers(check, answer, name, words):
    assert_reads(check(answer), name, *words)


@pytest.mark.parametrize("order", [(1, 0, 2), (0, 2, 1), (2, 1, 0), (1, 2, 0)])
def test_the_right_gradients_in_another_order_are_named_as_swapped(order):
    def swapped(x, kernel, b, grad_output):
        gradients = solutions.kernel_backward(x, kernel, b, grad_output)
        return tuple(gradients[k] for k in order)

    names = ("dL_dx", "dL_dkernel", "dL_db")
    feedback = checks.check_dense_backward(swapped)
    assert_reads(feedback, "wrong order", "in the wrong order",
                 "(" + ", ".join(names[k] for k in order) + ")", "(dL_dx, dL_dkernel, dL_db)")
