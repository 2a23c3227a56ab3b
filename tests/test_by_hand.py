"""The batch-norm network of 05a (utils/by_hand.py): its traced gradients and the reference backward
(utils/solutions.py) against the independent library autograd and finite differences, line by line;
training with the reference backward reaches 95 % on the test digits, a broken one does not."""

from __future__ import annotations

import time

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad as autograd_grad

from utils import by_hand, numerical_jacobian, solutions
from utils.data import load_digits, train_test_split


def small_case(seed=0, N=6, n_in=5, n_hidden=4, n_out=3):
    rng = np.random.default_rng(seed)
    params = by_hand.init_params(n_in, n_hidden, n_out, rng=rng)
    params["gamma"] = 1.0 + 0.3 * rng.normal(size=n_hidden)
    params["beta"] = 0.2 * rng.normal(size=n_hidden)
    params["b1"] = 0.1 * rng.normal(size=n_hidden)
    X, labels = rng.normal(size=(N, n_in)), rng.integers(0, n_out, size=N)
    return params, X, labels


def tails(c, np_=anp):
    """L as a function of each line's result, the lines above it held fixed (what dL/d(line)
    means in a graph): written again with autograd's numpy, independently of by_hand.forward."""
    t = {}
    t["logS"] = lambda logS: -np_.sum(c.Y * logS) / c.N
    t["Z"] = lambda Z: t["logS"](Z - np_.log(np_.sum(np_.exp(Z), axis=1, keepdims=True)))
    t["H"] = lambda H: t["Z"](np_.dot(H, c.W2.T) + c.b2)
    t["H_bn"] = lambda H_bn: t["H"](np_.tanh(H_bn))
    t["Hn"] = lambda Hn: t["H_bn"](c.gamma * Hn + c.beta)
    t["inv_std"] = lambda inv_std: t["Hn"](c.Hc * inv_std)
    t["var"] = lambda var: t["inv_std"](1.0 / np_.sqrt(var + c.eps))
    t["Hc"] = lambda Hc: t["Hn"](Hc / np_.sqrt(np_.mean(Hc ** 2, axis=0) + c.eps))
    t["mu"] = lambda mu: t["Hc"](c.H_pre - mu)
    t["H_pre"] = lambda H_pre: t["Hc"](H_pre - np_.mean(H_pre, axis=0))
    t["W2"] = lambda W2: t["Z"](np_.dot(c.H, W2.T) + c.b2)
    t["b2"] = lambda b2: t["Z"](np_.dot(c.H, c.W2.T) + b2)
    t["gamma"] = lambda gamma: t["H"](np_.tanh(gamma * c.Hn + c.beta))
    t["beta"] = lambda beta: t["H"](np_.tanh(c.gamma * c.Hn + beta))
    t["W1"] = lambda W1: t["H_pre"](np_.dot(c.X, W1.T) + c.b1)
    t["b1"] = lambda b1: t["H_pre"](np_.dot(c.X, c.W1.T) + b1)
    return t


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_line_agrees_with_autograd_and_finite_differences(seed):
    params, X, labels = small_case(seed)
    c = by_hand.forward(params, X, labels)
    reference, traced = solutions.backward_by_hand(c), by_hand.traced_gradients(params, X, labels)
    for name, tail in tails(c).items():
        at = getattr(c, name)
        assert np.isclose(tail(at), c.L), f"the tail of {name} must give the same loss"
        by_autograd = autograd_grad(tail)(at)
        by_differences = numerical_jacobian(tails(c, np)[name], at)
        assert np.allclose(by_autograd, by_differences, rtol=1e-5, atol=1e-8), name
        assert np.allclose(getattr(reference, name), by_autograd, rtol=1e-7, atol=1e-12), name
        assert np.allclose(traced[name], by_autograd, rtol=1e-7, atol=1e-12), name
    assert set(tails(c)) == set(by_hand.LINES)


def test_autodiff_backward_reads_the_cache():
    params, X, labels = small_case()
    c = by_hand.forward(params, X, labels)
    for name, value in by_hand.autodiff_backward(c).items():
        assert np.array_equal(value, by_hand.traced_gradients(params, X, labels)[name])
    with pytest.raises(TypeError, match="needs what forward"):
        by_hand.autodiff_backward({"X": X})


def test_b1_gets_no_gradient_through_batch_norm():
    """The mean subtracts whatever b1 adds: dL/db1 is zero up to rounding, by every route."""
    params, X, labels = small_case()
    c = by_hand.forward(params, X, labels)
    assert np.allclose(solutions.backward_by_hand(c).b1, 0.0, atol=1e-12)
    assert np.allclose(by_hand.traced_gradients(params, X, labels)["b1"], 0.0, atol=1e-12)


def test_forward_is_batch_norm_then_tanh_then_softmax():
    params, X, labels = small_case(N=7)
    c = by_hand.forward(params, X, labels)
    assert np.allclose(c.Hn.mean(axis=0), 0.0) and np.allclose(c.Hn.var(axis=0), 1.0, atol=1e-3)
    assert np.allclose(c.S.sum(axis=1), 1.0)
    assert np.isclose(c.L, -np.mean(np.log(c.S[np.arange(7), labels])))
    assert np.allclose(c.logS, np.log(c.S))


def digits():
    X, labels = load_digits()
    return train_test_split(X, labels, test_fraction=0.25, seed=0)


def trained_accuracy(backward, **options):
    X_train, X_test, labels_train, labels_test = digits()
    params = by_hand.init_params(rng=np.random.default_rng(0))
    losses = by_hand.train(backward, params, X_train, labels_train, **options)
    mu, var = by_hand.batch_norm_statistics(params, X_train)
    return float(np.mean(by_hand.predict(params, X_test, mu, var) == labels_test)), losses


def test_training_with_the_reference_backward_reaches_95_percent():
    start = time.perf_counter()
    accuracy, losses = trained_accuracy(solutions.backward_by_hand)
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f} below 0.95"
    assert losses[-1] < losses[0] / 5, losses
    assert time.perf_counter() - start < 60, "training should take seconds, not minutes"


def test_training_with_a_broken_backward_does_not():
    """The accuracy test can fail: gradients that point uphill make the network no better."""
    def uphill(c):
        d = solutions.backward_by_hand(c)
        return {name: -getattr(d, name) for name in by_hand.PARAMS}

    accuracy, _ = trained_accuracy(uphill, epochs=2)
    assert accuracy < 0.95


def test_training_accepts_a_dict_and_is_reproducible():
    as_dict = lambda c: vars(solutions.backward_by_hand(c))  # noqa: E731
    first = trained_accuracy(as_dict, epochs=2)
    assert first == trained_accuracy(solutions.backward_by_hand, epochs=2)


def test_batch_norm_statistics_are_those_of_the_whole_set():
    params, X, labels = small_case(N=9)
    mu, var = by_hand.batch_norm_statistics(params, X)
    c = by_hand.forward(params, X, labels)
    assert np.allclose(mu, c.mu) and np.allclose(var, c.var)
    assert np.array_equal(by_hand.predict(params, X, mu, var), c.Z.argmax(axis=1))


@pytest.mark.parametrize("call, error, words", [
    (lambda p, X, y: by_hand.forward({"W1": 1}, X, y), TypeError, "params must be a dict"),
    (lambda p, X, y: by_hand.forward({**p, "b2": np.ones(4)}, X, y), ValueError, "params['b2']"),
    (lambda p, X, y: by_hand.forward({**p, "W2": np.ones((3, 3))}, X, y), ValueError, "chain"),
    (lambda p, X, y: by_hand.forward(p, X[:1], y[:1]), ValueError, "N >= 2"),
    (lambda p, X, y: by_hand.forward(p, X[:, :3], y), ValueError, "X must be a batch"),
    (lambda p, X, y: by_hand.forward(p, X, y + 10), ValueError, "labels must lie"),
    (lambda p, X, y: by_hand.forward(p, X, y, eps=-1.0), ValueError, "eps"),
    (lambda p, X, y: by_hand.traced_gradients(p, "X", y), TypeError, "X"),
    (lambda p, X, y: by_hand.train("backward", p, X, y), TypeError, "backward must be"),
    (lambda p, X, y: by_hand.train(solutions.backward_by_hand, p, X, y, batch_size=1),
     ValueError, "batch_size"),
    (lambda p, X, y: by_hand.predict(p, X, np.zeros(3), np.ones(4)), ValueError, "mu, var"),
    (lambda p, X, y: by_hand.init_params(0), ValueError, "n_in"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    params, X, labels = small_case()
    with pytest.raises(error, match=None) as raised:
        call(params, X, labels)
    assert words in str(raised.value), str(raised.value)


def test_layout_never_changes_a_result():
    """Fortran order, read-only arrays and strided views give the C-order float64 answers (to
    the last bits: a BLAS may sum a product of Fortran-ordered matrices in another order)."""
    params, X, labels = small_case(N=8)
    plain = by_hand.traced_gradients(params, X, labels)
    fortran = {k: np.asfortranarray(v) for k, v in params.items()}
    frozen_X = np.repeat(X, 2, axis=0)[::2]                      # a strided view
    frozen_X.flags.writeable = False
    for name, value in by_hand.traced_gradients(fortran, frozen_X, labels).items():
        assert np.allclose(value, plain[name], rtol=1e-12, atol=1e-15), name
    c, c_other = by_hand.forward(params, X, labels), by_hand.forward(fortran, frozen_X, labels)
    assert np.isclose(c.L, c_other.L, rtol=1e-12) and np.allclose(c.Z, c_other.Z, rtol=1e-12)
    mu, var = by_hand.batch_norm_statistics(params, X)
    assert np.array_equal(by_hand.predict(fortran, frozen_X, mu, var),
                          by_hand.predict(params, X, mu, var))
