"""The small reverse-mode autodiff, cross-checked against the independent library `autograd`
(and finite differences) on random inputs, including hypothesis-generated shapes."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad
from hypothesis import given, settings
from hypothesis import strategies as st

from utils import autodiff as ad
from utils import numerical_jacobian

sizes = st.integers(min_value=1, max_value=5)
seeds = st.integers(min_value=0, max_value=2**16)


def assert_same_gradients(ours, theirs):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        assert np.shape(a) == np.shape(b), f"gradient {i}: shape {np.shape(a)} vs {np.shape(b)}"
        assert np.allclose(a, b, rtol=1e-7, atol=1e-10), f"gradient {i} disagrees with autograd"


# ----- every primitive against autograd, on hypothesis-generated shapes -----

@settings(max_examples=30, deadline=None)
@given(m=sizes, n=sizes, p=sizes, seed=seeds)
def test_matmul_gradients_match_autograd(m, n, p, seed):
    gen = np.random.default_rng(seed)
    A, B, W = gen.normal(size=(m, n)), gen.normal(size=(n, p)), gen.normal(size=(m, p))
    ours = ad.grad(lambda A, B: ad.sum((A @ B) * W), argnums=(0, 1))(A, B)
    theirs = autograd_grad(lambda A, B: anp.sum(anp.dot(A, B) * W), (0, 1))(A, B)
    assert_same_gradients(ours, theirs)


@st.composite
def broadcast_pair(draw):
    """Two shapes numpy broadcasts together: some axes of the second dropped or set to 1."""
    shape = draw(st.lists(sizes, min_size=1, max_size=3))
    other = [draw(st.sampled_from([size, 1])) for size in shape]
    drop = draw(st.integers(0, len(other) - 1))
    return tuple(shape), tuple(other[drop:])


@settings(max_examples=40, deadline=None)
@given(shapes=broadcast_pair(), swap=st.booleans(), seed=seeds,
       op=st.sampled_from(["add", "subtract", "multiply"]))
def test_broadcasting_binary_ops_match_autograd(shapes, swap, seed, op):
    gen = np.random.default_rng(seed)
    shape_x, shape_y = shapes[::-1] if swap else shapes
    x, y = gen.normal(size=shape_x), gen.normal(size=shape_y)
    weights = gen.normal(size=np.broadcast_shapes(shape_x, shape_y))
    ours = ad.grad(lambda x, y: ad.sum(getattr(ad, op)(x, y) * weights), (0, 1))(x, y)
    theirs = autograd_grad(lambda x, y: anp.sum(getattr(anp, op)(x, y) * weights), (0, 1))(x, y)
    assert_same_gradients(ours, theirs)
    assert ours[0].shape == x.shape and ours[1].shape == y.shape, "unbroadcast lost a shape"


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(sizes, min_size=1, max_size=3), seed=seeds,
       name=st.sampled_from(["tanh", "exp", "log", "relu"]))
def test_elementwise_functions_match_autograd(shape, seed, name):
    gen = np.random.default_rng(seed)
    x = gen.uniform(0.2, 2.0, size=shape) if name == "log" else gen.normal(size=shape)
    weights = gen.normal(size=shape)
    theirs_f = {"tanh": anp.tanh, "exp": anp.exp, "log": anp.log,
                "relu": lambda v: anp.maximum(v, 0.0)}[name]
    ours = ad.grad(lambda x: ad.sum(getattr(ad, name)(x) * weights))(x)
    theirs = autograd_grad(lambda x: anp.sum(theirs_f(x) * weights))(x)
    assert_same_gradients(ours, theirs)


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(sizes, min_size=1, max_size=3), seed=seeds, data=st.data(),
       reduce=st.sampled_from(["sum", "mean"]))
def test_sum_and_mean_with_an_axis_match_autograd(shape, seed, data, reduce):
    gen = np.random.default_rng(seed)
    x = gen.normal(size=shape)
    axis = data.draw(st.sampled_from([None, *range(len(shape))]))
    out_shape = np.shape(getattr(np, reduce)(x, axis=axis))
    weights = gen.normal(size=out_shape)
    ours = ad.grad(lambda x: ad.sum(getattr(ad, reduce)(x, axis=axis) * weights))(x)
    theirs = autograd_grad(lambda x: anp.sum(getattr(anp, reduce)(x, axis=axis) * weights))(x)
    assert_same_gradients(ours, theirs)


@settings(max_examples=30, deadline=None)
@given(shapes=broadcast_pair(), swap=st.booleans(), seed=seeds)
def test_divide_with_broadcasting_matches_autograd(shapes, swap, seed):
    gen = np.random.default_rng(seed)
    shape_x, shape_y = shapes[::-1] if swap else shapes
    x = gen.normal(size=shape_x)
    y = gen.uniform(0.5, 2.0, size=shape_y) * gen.choice([-1.0, 1.0], size=shape_y)
    weights = gen.normal(size=np.broadcast_shapes(shape_x, shape_y))
    ours = ad.grad(lambda x, y: ad.sum(ad.divide(x, y) * weights), (0, 1))(x, y)
    theirs = autograd_grad(lambda x, y: anp.sum(x / y * weights), (0, 1))(x, y)
    assert_same_gradients(ours, theirs)


@settings(max_examples=30, deadline=None)
@given(m=sizes, n=sizes, seed=seeds, data=st.data())
def test_transpose_reshape_and_broadcast_to_match_autograd(m, n, seed, data):
    gen = np.random.default_rng(seed)
    x = gen.normal(size=(m, n))
    rows = data.draw(st.integers(1, 4))
    row = gen.normal(size=(1, n))
    cases = {   # ours, autograd's, the input, the output's shape
        "transpose": (lambda x: x.T, lambda x: anp.transpose(x), x, (n, m)),
        "reshape": (lambda x: ad.reshape(x, (n * m,)), lambda x: anp.reshape(x, (n * m,)), x,
                    (n * m,)),
        "broadcast_to": (lambda r: ad.broadcast_to(r, (rows, n)),
                         lambda r: anp.broadcast_to(r, (rows, n)), row, (rows, n)),
    }
    for ours_f, theirs_f, value, out_shape in cases.values():
        weights = gen.normal(size=out_shape)
        ours = ad.grad(lambda v, f=ours_f, w=weights: ad.sum(f(v) * w))(value)
        theirs = autograd_grad(lambda v, f=theirs_f, w=weights: anp.sum(f(v) * w))(value)
        assert_same_gradients(ours, theirs)


@settings(max_examples=25, deadline=None)
@given(batch=sizes, classes=st.integers(2, 6), seed=seeds)
def test_softmax_matches_autograd(batch, classes, seed):
    gen = np.random.default_rng(seed)
    logits, weights = 3 * gen.normal(size=(batch, classes)), gen.normal(size=(batch, classes))

    def theirs_softmax(z):
        shifted = anp.exp(z - anp.max(z, axis=-1, keepdims=True))
        return shifted / anp.sum(shifted, axis=-1, keepdims=True)

    ours = ad.grad(lambda z: ad.sum(ad.softmax(z) * weights))(logits)
    theirs = autograd_grad(lambda z: anp.sum(theirs_softmax(z) * weights))(logits)
    assert_same_gradients(ours, theirs)


def test_numpys_sum_inside_a_trace_says_to_use_ad_sum():
    # the natural reverse-over-reverse slip: np.sum where ad.sum is needed
    f = lambda x: ad.sum(ad.tanh(x))  # noqa: E731
    v = np.array([1.0, -2.0])
    with pytest.raises(TypeError, match=r"np\.sum .*do not trace.*ad\.sum\(x\)"):
        ad.grad(lambda x: np.sum(ad.grad(f)(x) * v))(np.array([0.3, 0.5]))
    with pytest.raises(TypeError, match=r"ad\.sum"):
        ad.jvp(lambda x: np.sum(ad.tanh(x), axis=0), np.ones(2), v)
    assert np.isclose(ad.grad(lambda x: ad.tanh(x).sum())(np.array([0.0]))[0], 1.0)


def autograd_softmax_cross_entropy(logits, labels):
    shifted = logits - anp.max(logits, axis=1, keepdims=True)
    log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.mean(log_probs[anp.arange(len(labels)), labels])


@settings(max_examples=25, deadline=None)
@given(batch=sizes, classes=st.integers(2, 6), seed=seeds)
def test_softmax_cross_entropy_matches_autograd(batch, classes, seed):
    gen = np.random.default_rng(seed)
    logits, labels = 3 * gen.normal(size=(batch, classes)), gen.integers(0, classes, batch)
    assert np.isclose(ad.softmax_cross_entropy(logits, labels),
                      autograd_softmax_cross_entropy(logits, labels))
    ours = ad.grad(lambda z: ad.softmax_cross_entropy(z, labels))(logits)
    theirs = autograd_grad(autograd_softmax_cross_entropy)(logits, labels)
    assert_same_gradients(ours, theirs)


@settings(max_examples=20, deadline=None)
@given(batch=sizes, n_in=sizes, hidden=sizes, classes=st.integers(2, 4), seed=seeds)
def test_a_whole_mlp_loss_matches_autograd(batch, n_in, hidden, classes, seed):
    gen = np.random.default_rng(seed)
    x, labels = gen.normal(size=(batch, n_in)), gen.integers(0, classes, batch)
    params = [gen.normal(size=s) for s in [(n_in, hidden), (hidden,), (hidden, classes),
                                           (classes,)]]

    def ours_loss(W1, b1, W2, b2):
        return ad.softmax_cross_entropy(ad.tanh(x @ W1 + b1) @ W2 + b2, labels)

    def theirs_loss(W1, b1, W2, b2):
        return autograd_softmax_cross_entropy(anp.dot(anp.tanh(anp.dot(x, W1) + b1), W2) + b2,
                                              labels)

    assert_same_gradients(ad.grad(ours_loss, (0, 1, 2, 3))(*params),
                          autograd_grad(theirs_loss, (0, 1, 2, 3))(*params))


def test_a_vjp_of_a_non_scalar_output_matches_finite_differences():
    gen = np.random.default_rng(1)
    A, B, G = gen.normal(size=(3, 4)), gen.normal(size=(4, 2)), gen.normal(size=(3, 2))
    node_A = ad.Node(A)
    ad.tanh(node_A @ B).backward(G)   # a VJP: dL/dA for L = sum(G * tanh(A @ B))
    jacobian = numerical_jacobian(lambda a: np.tanh(a @ B), A)
    assert np.allclose(node_A.grad, np.tensordot(G, jacobian, axes=2), atol=1e-8)


# ----- a variable used twice; backward twice -----

def test_a_variable_used_twice_gets_the_sum_of_both_gradients():
    gen = np.random.default_rng(2)
    A, W = gen.normal(size=(3, 3)), gen.normal(size=(3, 3))
    ours = ad.grad(lambda A: ad.sum((A @ A) * W))(A)
    assert np.allclose(ours, W @ A.T + A.T @ W), "both uses of A must add up"
    assert np.allclose(ours, autograd_grad(lambda A: anp.sum(anp.dot(A, A) * W))(A))
    x = gen.normal(size=4)
    assert np.allclose(ad.grad(lambda x: ad.sum(x * x + x))(x), 2 * x + 1)


def test_a_node_reused_along_two_paths_accumulates():
    x = np.array([0.3, -1.2, 2.0])

    def f(x):
        h = ad.tanh(x)                    # h feeds two branches: its gradient must add up
        return ad.sum(h * h) + ad.mean(ad.exp(h))

    def f_ref(x):
        h = anp.tanh(x)
        return anp.sum(h * h) + anp.mean(anp.exp(h))

    assert np.allclose(ad.grad(f)(x), autograd_grad(f_ref)(x))


def test_calling_backward_twice_gives_the_same_gradients():
    gen = np.random.default_rng(3)
    A, B = ad.Node(gen.normal(size=(2, 3))), ad.Node(gen.normal(size=(3, 2)))
    hidden = ad.tanh(A @ B)
    loss = ad.sum(hidden * hidden)
    loss.backward()
    first = (A.grad.copy(), B.grad.copy(), hidden.grad.copy())
    loss.backward()
    second = (A.grad, B.grad, hidden.grad)
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    grad_f = ad.grad(lambda A: ad.sum(A @ B.value))
    assert np.array_equal(grad_f(A.value), grad_f(A.value))


def test_a_second_loss_on_the_same_inputs_does_not_inherit_old_gradients():
    x = ad.Node(np.array([1.0, 2.0]))
    ad.sum(x * 3.0).backward()
    ad.sum(x * x).backward()
    assert np.allclose(x.grad, [2.0, 4.0])


# ----- the entry point and the operators -----

def test_grad_returns_one_gradient_per_argnum_shaped_like_its_input():
    gen = np.random.default_rng(4)
    x, W, b = gen.normal(size=(5, 3)), gen.normal(size=(2, 3)), gen.normal(size=2)  # W (out, in)
    dW, db = ad.grad(lambda x, W, b: ad.mean(ad.relu(x @ W.T + b)), argnums=(1, 2))(x, W, b)
    assert dW.shape == W.shape and db.shape == b.shape
    dx = ad.grad(lambda x, W, b: ad.mean(ad.relu(x @ W.T + b)))(x, W, b)
    assert dx.shape == x.shape


def test_operators_build_the_same_graph_as_the_primitives():
    gen = np.random.default_rng(5)
    x, y = gen.normal(size=(2, 2)), gen.normal(size=(2, 2))
    via_operators = ad.grad(lambda x: ad.sum(-(2.0 * x - y) @ x.T + 1.0 - x), 0)(x)
    reference = autograd_grad(lambda x: anp.sum(anp.dot(-(2.0 * x - y), x.T) + 1.0 - x))(x)
    assert np.allclose(via_operators, reference)


def test_every_primitive_has_a_vjp_and_a_jvp_rule_for_each_differentiable_argument():
    primitives = [v for v in vars(ad).values() if isinstance(v, ad.Primitive)]
    assert len(primitives) >= 16
    for p in primitives:
        assert 0 in p.vjps and set(p.vjps) == set(p.jvps), p.name


# ----- clear errors -----

def test_a_primitive_without_a_rule_names_itself():
    sin = ad.Primitive("sin", np.sin)
    with pytest.raises(NotImplementedError, match="primitive 'sin' has no VJP rule"):
        ad.grad(lambda x: ad.sum(sin(x)))(np.ones(3))


def test_a_non_scalar_output_asked_for_a_gradient_says_so_with_its_shape():
    with pytest.raises(ValueError, match=r"scalar.*shape \(2, 3\)"):
        ad.grad(lambda x: ad.tanh(x))(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"scalar.*shape \(4,\)"):
        ad.tanh(ad.Node(np.ones(4))).backward()
    with pytest.raises(ValueError, match=r"grad_output must have this node's shape \(4,\)"):
        ad.tanh(ad.Node(np.ones(4))).backward(np.ones(3))


def test_bad_shapes_and_arguments_are_named():
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 3\)"):
        ad.grad(lambda A: ad.sum(A @ A))(np.ones((2, 3)))
    with pytest.raises(ValueError, match="argnums"):
        ad.grad(lambda x: ad.sum(x), argnums=2)(np.ones(2))
    with pytest.raises(ValueError, match="labels must be whole numbers"):
        ad.softmax_cross_entropy(ad.Node(np.ones((2, 3))), np.array([0.5, 1.0]))


# ----- no silent wrong answer -----

@pytest.mark.parametrize("argnums", [(0, 1), (1, 0), (-2, 1)])
def test_an_input_the_output_ignores_gets_zeros_never_none(argnums):
    x, y = np.array([1.0, 2.0]), np.array([[3.0, 4.0, 5.0]])
    grads = ad.grad(lambda a, b: ad.sum(a * a), argnums=argnums)(x, y)
    grads = grads if isinstance(grads, tuple) else (grads,)
    positions = (argnums,) if isinstance(argnums, int) else argnums
    for position, g in zip(positions, grads, strict=True):
        expected = 2 * x if position % 2 == 0 else np.zeros_like(y)
        assert g is not None
        np.testing.assert_array_equal(g, expected)


def test_a_rule_returning_the_wrong_shape_is_refused_naming_both_shapes():
    square = ad.Primitive("square (test)", np.square)
    ad.defvjp(square, 0, lambda g, ans, x: np.sum(g * 2 * x))  # a scalar: would broadcast
    with pytest.raises(ValueError, match=r"VJP rule of primitive 'square \(test\)' for "
                                         r"argument 0 returned shape \(\), but that "
                                         r"argument has shape \(3,\)"):
        ad.grad(lambda x: ad.sum(square(x)))(np.arange(3.0))


def test_unsupported_keyword_fails_at_forward_time():
    x = ad.Node(np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"primitive 'transpose' does not support the keyword "
                                        r"argument\(s\) axes; the ones it supports: none"):
        ad.transpose(x, axes=(1, 0))
    with pytest.raises(TypeError, match="'sum' does not support .* keepdims; .* supports: axis"):
        ad.sum(x, keepdims=True)
    np.testing.assert_allclose(ad.sum(x, axis=0).value, [2.0, 2.0, 2.0])


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0]])
def test_out_of_range_labels_are_refused(labels):
    with pytest.raises(ValueError, match=r"labels must lie in 0..2 \(logits have 3 columns\)"):
        ad.softmax_cross_entropy(ad.Node(np.ones((2, 3))), np.array(labels))


def test_none_and_complex_inputs_get_clear_errors():
    with pytest.raises(TypeError, match="argument 0 of f must be a numeric array.*NoneType"):
        ad.grad(lambda x: ad.sum(x))(None)
    with pytest.raises(TypeError, match="argument 0 of f must hold real numbers.*complex"):
        ad.grad(lambda x: ad.sum(x))(np.array([1 + 2j]))
    with pytest.raises(TypeError,  # the operand's name comes from numpy, where it says it
                       match=r"primitive 'add': argument 1( \(x2\))? must be a real array.*None"):
        ad.add(ad.Node(np.ones(2)), None)
    with pytest.raises(TypeError, match="primitive 'multiply': argument 0 .* complex"):
        ad.multiply(np.array([1j, 2.0]), ad.Node(np.ones(2)))
    with pytest.raises(TypeError, match="argnums must be an input's position"):
        ad.grad(lambda x: ad.sum(x), argnums="0")
    with pytest.raises(TypeError, match="grad needs a function"):
        ad.grad(None)
