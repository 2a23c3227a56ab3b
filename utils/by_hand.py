"""A two-layer network with batch normalisation, its forward pass written one named line at a time.

forward() keeps every intermediate, so a backward pass written by hand can be checked line by line
against traced_gradients(), the same forward run through utils.autodiff; train() then trains the
network with any backward that returns the parameters' gradients (as in Karpathy's "becoming a
backprop ninja"). The lines, for X (N, n_in) and one-hot targets Y (N, n_out):

    H_pre = X W1ᵀ + b1                 mu  = mean of H_pre over the batch      (n_hidden,)
    Hc    = H_pre - mu                 var = mean of Hc² over the batch        (n_hidden,)
    inv_std = 1 / sqrt(var + eps)      Hn  = Hc * inv_std   H_bn = gamma * Hn + beta
    H     = tanh(H_bn)                 Z   = H W2ᵀ + b2     logS = Z - logsumexp(Z), per row
    L     = -(1/N) Σ Y * logS

W1 (n_hidden, n_in) and W2 (n_out, n_hidden) are stored as Dense stores W (torch.nn.Linear's
.weight): each maps a column to a column, so the rows of a batch go through their transposes.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from . import autodiff as ad
from .costs import check_memory
from .validation import as_float_array, check_count, check_labels, check_number, check_rng, describe

EPS = 1e-5  # keeps 1/sqrt(var + eps) finite for a feature that is constant over the batch
PARAMS = ("W1", "b1", "gamma", "beta", "W2", "b2")
# every line's result, in the order a backward pass meets them (the loss side first)
LINES = ("logS", "Z", "W2", "b2", "H", "H_bn", "gamma", "beta", "Hn", "inv_std", "var", "Hc", "mu",
         "H_pre", "W1", "b1")


def init_params(n_in: int = 64, n_hidden: int = 64, n_out: int = 10, rng=None) -> dict:
    """W1 (n_hidden, n_in), b1, gamma = 1, beta = 0 (n_hidden,), W2 (n_out, n_hidden), b2."""
    n_in, n_hidden = check_count(n_in, "n_in"), check_count(n_hidden, "n_hidden")
    n_out, rng = check_count(n_out, "n_out"), check_rng(rng)
    check_memory((n_in + 3 + n_out) * n_hidden * 8 + n_out * 8,
                 f"init_params(n_in={n_in:,}, n_hidden={n_hidden:,}, n_out={n_out:,})")
    return {"W1": rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_hidden, n_in)),
            "b1": np.zeros(n_hidden),   # batch norm subtracts the mean: b1 cancels (its grad is 0)
            "gamma": np.ones(n_hidden), "beta": np.zeros(n_hidden),
            "W2": rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_out, n_hidden)),
            "b2": np.zeros(n_out)}


def check_params(params) -> dict:
    """The six parameters as float arrays of shapes that fit together, or a clear error."""
    if not isinstance(params, dict) or set(params) != set(PARAMS):
        got = sorted(params) if isinstance(params, dict) else describe(params)
        raise TypeError(f"params must be a dict with the keys {', '.join(PARAMS)} "
                        f"(init_params() makes one); got {got}")
    p = {name: as_float_array(params[name], f"params[{name!r}]") for name in PARAMS}
    if p["W1"].ndim != 2 or p["W2"].ndim != 2 or p["W1"].shape[0] != p["W2"].shape[1]:
        raise ValueError(f"params['W1'] (n_hidden, n_in) and params['W2'] (n_out, n_hidden) must "
                         f"be matrices that chain; got {p['W1'].shape} and {p['W2'].shape}")
    n_out, n_hidden = p["W2"].shape
    for name, size in (("b1", n_hidden), ("gamma", n_hidden), ("beta", n_hidden), ("b2", n_out)):
        if p[name].shape != (size,):
            raise ValueError(f"params[{name!r}] must have shape ({size},); got {p[name].shape}")
    return p


def check_batch(p: dict, X, labels) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X")
    if X.ndim != 2 or X.shape[1] != p["W1"].shape[1] or len(X) < 2:
        raise ValueError(f"X must be a batch of shape (N, {p['W1'].shape[1]}) (n_in = the "
                         f"columns of params['W1']) with N >= 2 (batch norm needs a batch to "
                         f"average over); got shape {X.shape}")
    if isinstance(labels, np.ndarray) and labels.ndim == 1 and len(labels) != len(X):
        raise ValueError(f"labels must hold one class per row of X: X has {len(X)} rows, labels "
                         f"{len(labels)} entries")
    labels = check_labels(labels, len(X), p["W2"].shape[0])
    statistics(p, X)  # refuses a batch whose mean or variance overflows, before any line runs
    return X, labels


def check_statistics(mu, var) -> None:
    """Batch norm's mean and variance must exist: past ~1e154, X @ W1.T squared overflows."""
    if not (np.all(np.isfinite(mu)) and np.all(np.isfinite(var))):
        raise ValueError("X @ params['W1'].T is too large for batch norm in float64: its mean or "
                         "variance over the batch overflowed. Scale X or params['W1'] down")


def forward(params, X, labels, eps: float = EPS) -> SimpleNamespace:
    """Every line of the forward pass; the result c has c.L, c.Z, ..., c.X, c.Y, c.N, c.W1, ..."""
    p = check_params(params)
    X, labels = check_batch(p, X, labels)
    eps = check_number(eps, "eps")
    c = SimpleNamespace(X=X, labels=labels, N=len(X), eps=eps, **p)
    c.Y = np.eye(p["W2"].shape[0])[labels]             # one-hot targets (N, n_out)
    c.H_pre = X @ p["W1"].T + p["b1"]                  # (N, n_hidden)
    c.mu = c.H_pre.mean(axis=0)                        # (n_hidden,) mean over the batch
    c.Hc = c.H_pre - c.mu                              # (N, n_hidden) centred
    c.var = (c.Hc ** 2).mean(axis=0)                   # (n_hidden,) biased: 1/N, not 1/(N-1)
    c.inv_std = 1.0 / np.sqrt(c.var + eps)             # (n_hidden,) 1 / standard deviation
    c.Hn = c.Hc * c.inv_std                            # (N, n_hidden) mean 0, variance ~1
    c.H_bn = p["gamma"] * c.Hn + p["beta"]             # (N, n_hidden) learned scale and shift
    c.H = np.tanh(c.H_bn)                              # (N, n_hidden)
    c.Z = c.H @ p["W2"].T + p["b2"]                    # (N, n_out) logits
    shifted = c.Z - c.Z.max(axis=1, keepdims=True)     # same log-softmax, no overflow in exp
    c.logS = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    c.S = np.exp(c.logS)                               # softmax, each row sums to 1
    c.L = -(c.Y * c.logS).sum() / c.N                  # mean cross-entropy
    return c


def traced_gradients(params, X, labels, eps: float = EPS) -> dict:
    """dL/d(every line) of forward(), by utils.autodiff: {"logS": ..., "Z": ..., "W1": ...}."""
    p = check_params(params)
    X, labels = check_batch(p, X, labels)
    eps = check_number(eps, "eps")
    n = {name: ad.Node(value) for name, value in p.items()}
    Y, N = np.eye(p["W2"].shape[0])[labels], len(X)
    n["H_pre"] = X @ n["W1"].T + n["b1"]
    n["mu"] = ad.mean(n["H_pre"], axis=0)
    n["Hc"] = n["H_pre"] - n["mu"]
    n["var"] = ad.mean(n["Hc"] * n["Hc"], axis=0)
    n["inv_std"] = ad.exp(-0.5 * ad.log(n["var"] + eps))     # (var + eps)^(-1/2) from exp and log
    n["Hn"] = n["Hc"] * n["inv_std"]
    n["H_bn"] = n["gamma"] * n["Hn"] + n["beta"]
    n["H"] = ad.tanh(n["H_bn"])
    n["Z"] = n["H"] @ n["W2"].T + n["b2"]
    row_max = n["Z"].value.max(axis=1)                 # a constant: log-softmax ignores shifts
    log_sum = ad.log(ad.sum(ad.exp((n["Z"].T - row_max).T), axis=1)) + row_max   # (N,)
    n["logS"] = (n["Z"].T - log_sum).T                 # no keepdims in the autodiff: transpose
    loss = -ad.sum(Y * n["logS"]) * (1.0 / N)
    loss.backward()
    return {name: n[name].grad for name in LINES}


def autodiff_backward(c) -> dict:
    """traced_gradients for the batch and parameters a forward cache c holds: a backward pass
    that train() can use, written by the framework instead of by hand."""
    if not all(hasattr(c, name) for name in (*PARAMS, "X", "labels", "eps")):
        raise TypeError(f"autodiff_backward needs what forward() returns; got {describe(c)}")
    return traced_gradients({name: getattr(c, name) for name in PARAMS}, c.X, c.labels, c.eps)


def gradient_of(grads, name: str):
    """grads[name] for a dict, grads.name for a namespace (what a backward returns)."""
    if isinstance(grads, dict):
        return grads.get(name)
    return getattr(grads, name, None)


def batch_norm_statistics(params, X) -> tuple[np.ndarray, np.ndarray]:
    """mu and var of H_pre over all of X: after training, they replace a batch's statistics."""
    p = check_params(params)
    X = as_float_array(X, "X")
    X, _ = check_batch(p, X, np.zeros(len(np.atleast_2d(X)), dtype=int))
    return statistics(p, X)


def statistics(p: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """mu and var of H_pre = X @ W1.T + b1 over the rows of X, or a clear error if they overflow."""
    with np.errstate(over="ignore", invalid="ignore"):  # refused just below, by name
        H_pre = X @ p["W1"].T + p["b1"]
        mu, var = H_pre.mean(axis=0), H_pre.var(axis=0)
    check_statistics(mu, var)
    return mu, var


def predict(params, X, mu, var, eps: float = EPS) -> np.ndarray:
    """The class of each row of X, batch norm using the fixed statistics mu and var."""
    p = check_params(params)
    X = as_float_array(X, "X")
    mu, var = as_float_array(mu, "mu"), as_float_array(var, "var")
    if X.ndim != 2 or X.shape[1] != p["W1"].shape[1] or len(X) == 0 or mu.shape != p["b1"].shape \
            or var.shape != p["b1"].shape:
        raise ValueError(f"predict needs X (N, {p['W1'].shape[1]}) (n_in = the columns of "
                         f"params['W1'] {p['W1'].shape}) with N >= 1 and mu, var of shape "
                         f"{p['b1'].shape}; got X {X.shape}, mu {mu.shape}, var {var.shape}")
    Hn = (X @ p["W1"].T + p["b1"] - mu) / np.sqrt(var + check_number(eps, "eps"))
    return (np.tanh(p["gamma"] * Hn + p["beta"]) @ p["W2"].T + p["b2"]).argmax(axis=1)


def train(backward, params, X, labels, epochs: int = 15, batch_size: int = 32,
          learning_rate: float = 0.2, seed: int = 0) -> list:
    """Mini-batch gradient descent with grads = backward(forward(params, batch)); params change
    in place. Returns the mean loss of each epoch."""
    if not callable(backward):
        raise TypeError(f"backward must be a function of the forward cache; got "
                        f"{describe(backward)}")
    p = check_params(params)
    X, labels = check_batch(p, X, labels)
    epochs, batch_size = check_count(epochs, "epochs"), check_count(batch_size, "batch_size", 2)
    learning_rate = check_number(learning_rate, "learning_rate")
    rng, losses = np.random.default_rng(check_count(seed, "seed", minimum=0)), []
    for _ in range(epochs):
        order, epoch_loss = rng.permutation(len(X)), []
        for start in range(0, len(X) - batch_size + 1, batch_size):  # full batches only
            rows = order[start:start + batch_size]
            cache = forward(params, X[rows], labels[rows])
            grads = backward(cache)
            for name in PARAMS:
                params[name] -= learning_rate * np.asarray(gradient_of(grads, name), dtype=float)
            epoch_loss.append(cache.L)
        losses.append(float(np.mean(epoch_loss)))
    return losses
