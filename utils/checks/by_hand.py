"""Checker of 05a-backward-by-hand: every line of a hand-written backward pass against the autodiff.

The learner's backward(c) gets every line of the forward pass (utils/by_hand.py) and returns
dL/d(each line), as a namespace (d.Z, d.W2, ...) or a dict. Each line gets a row of a table, as in
Karpathy's "becoming a backprop ninja": exact (bit for bit the autodiff's), close (np.allclose),
the largest difference. The first line that is not close is the one to fix (the lines below it
use it), so the verdict names its mistake; lines still `...` are "not done yet".
"""

from __future__ import annotations

import functools

import numpy as np

from .. import by_hand, solutions
from ..data import load_digits, train_test_split
from ._feedback import FAIL, PASS, TODO, Feedback, Mistake, compare, is_stub, run_learner_function

# The course's helpers that do an exercise's work: its learner's function may not call them.
# by_hand reaches the course's autodiff as by_hand.ad: a graph built by hand through it is the
# framework's backward, not the learner's, so the whole group is refused too.
LIBRARY = {"05a-backward-by-hand": ("utils.by_hand.autodiff_backward",
                                    "utils.by_hand.traced_gradients", "utils.autodiff")}

EXERCISE = "05a-backward-by-hand"


@functools.lru_cache(maxsize=1)
def _batch():
    X, labels = load_digits()
    X_train, _, labels_train, _ = train_test_split(X, labels, test_fraction=0.25, seed=0)
    return X_train[:32], labels_train[:32]


def check_case():
    """The forward cache of 32 training digits; gamma, beta and b1 drawn away from 1 and 0 so
    that forgetting gamma, or summing where a mean is due, gives other numbers."""
    X, labels = _batch()
    rng = np.random.default_rng(57)
    params = by_hand.init_params(rng=rng)
    params["gamma"] = 1.0 + 0.3 * rng.normal(size=params["gamma"].shape)
    params["beta"] = 0.2 * rng.normal(size=params["beta"].shape)
    params["b1"] = 0.1 * rng.normal(size=params["b1"].shape)
    return by_hand.forward(params, X, labels)


def line_mistakes(c, d) -> dict:
    """The named mistakes of each line, computed from the right gradients d of the lines above.
    A hint writes the gradient the learner's d.Z holds as ∂L/∂Z (a gradient, not 04a's dZ)."""
    N, Y, S = c.N, c.Y, c.S
    summed = "{} is added to (or multiplies) every row of the batch, so its gradient sums the rows"
    return {
        "logS": [Mistake("1/N missing", -Y, "L is the MEAN over the N rows: -Y / N.")],
        "Z": [
            Mistake("batch not divided", S - Y, "softmax minus one-hot is right up to the 1/N: "
                    "the loss is a mean over the batch, (S - Y) / N."),
            Mistake("log-sum-exp path dropped", d.logS, "logS = Z - logsumexp(Z) uses Z twice: "
                    "the logsumexp path adds -S times each row's sum of ∂L/∂logS."),
            Mistake("one-hot missing", S / N, "the one-hot part is missing: (S - Y) / N."),
        ],
        "W2": [
            Mistake("transposed", c.H.T @ d.Z, "you have Hᵀ (∂L/∂Z), shape (64, 10): the "
                    "gradient of a W2 stored (n_hidden, n_out). W2 is (n_out, n_hidden) = "
                    "(10, 64), a map of columns, and ∂L/∂W2 has its shape: (∂L/∂Z)ᵀ H."),
            Mistake("H_bn in place of H", d.Z.T @ c.H_bn, "the layer's input is H, the tanh's "
                    "output, not H_bn: (∂L/∂Z)ᵀ H."),
            Mistake("averaged", d.Z.T @ c.H / N, "the 1/N is already inside ∂L/∂Z: (∂L/∂Z)ᵀ H."),
        ],
        "b2": [
            Mistake("bias not summed over the batch", d.Z, summed.format("b2") + ": "
                    "∂L/∂Z summed over axis 0, shape (10,)."),
            Mistake("bias averaged", d.Z.mean(axis=0), "sum over the batch, do not average: "
                    "the 1/N is already inside ∂L/∂Z."),
        ],
        "H": [Mistake("averaged", d.Z @ c.W2 / N, "the 1/N is already inside ∂L/∂Z: "
                      "(∂L/∂Z) W2.")],
        "H_bn": [
            Mistake("tanh' at the pre-activation", d.H * (1 - c.H_bn ** 2), "tanh'(x) = 1 - "
                    "tanh(x)²: square the OUTPUT H, not the input H_bn."),
            Mistake("incoming gradient forgotten", 1 - c.H ** 2, "that is tanh' alone; a VJP "
                    "multiplies it by the incoming ∂L/∂H."),
            Mistake("1 - H", d.H * (1 - c.H), "tanh' is 1 - H², squared."),
        ],
        "gamma": [
            Mistake("not summed over the batch", d.H_bn * c.Hn, summed.format("gamma") + "."),
            Mistake("H_bn in place of Hn", (d.H_bn * c.H_bn).sum(axis=0), "gamma multiplies "
                    "Hn: sum (∂L/∂H_bn) ⊙ Hn over the batch."),
            Mistake("averaged", (d.H_bn * c.Hn).mean(axis=0), "sum over the batch, not mean."),
        ],
        "beta": [
            Mistake("not summed over the batch", d.H_bn, summed.format("beta") + "."),
            Mistake("averaged", d.H_bn.mean(axis=0), "sum over the batch, not mean."),
        ],
        "Hn": [Mistake("gamma forgotten", d.H_bn, "H_bn = gamma * Hn + beta: times gamma.")],
        "inv_std": [
            Mistake("not summed over the batch", d.Hn * c.Hc, summed.format("inv_std") + "."),
            Mistake("Hn in place of Hc", (d.Hn * c.Hn).sum(axis=0), "Hn = Hc * inv_std: "
                    "the factor next to inv_std is Hc."),
        ],
        "var": [
            Mistake("power rule", -0.5 * (c.var + c.eps) ** -0.5 * d.inv_std, "inv_std = "
                    "(σ² + 10⁻⁵)^(-1/2), σ² in c.var, 10⁻⁵ in c.eps: differentiating by σ², "
                    "the power drops by one, from -1/2 to -3/2."),
            Mistake("incoming gradient forgotten", -0.5 * (c.var + c.eps) ** -1.5,
                    "times the incoming ∂L/∂inv_std."),
        ],
        "Hc": [
            Mistake("variance term dropped", d.Hn * c.inv_std, "Hc is used twice, in Hn = Hc * "
                    "inv_std and in var = mean(Hc²): add the variance's path, "
                    "2 Hc / N * ∂L/∂var."),
            Mistake("variance path only", 2 * c.Hc / N * d.var, "Hc is used twice; add both "
                    "paths (= overwrote the first): (∂L/∂Hn) * inv_std + 2 Hc / N * ∂L/∂var."),
            Mistake("variance's 1/N missing", d.Hn * c.inv_std + 2 * c.Hc * d.var, "var is a mean "
                    "over the batch: its path carries 1/N, 2 Hc / N * ∂L/∂var."),
            Mistake("factor 2 missing", d.Hn * c.inv_std + c.Hc / N * d.var, "∂(Hc²)/∂Hc = 2 Hc."),
        ],
        "mu": [
            Mistake("not summed over the batch", -d.Hc, "mu is subtracted from every row: sum "
                    "-∂L/∂Hc over the batch (axis 0)."),
            Mistake("averaged", -d.Hc.mean(axis=0), "sum here; the mean's 1/N comes in the next "
                    "line, from mu = mean(H_pre)."),
        ],
        "H_pre": [
            Mistake("the mean's 1/N forgotten", d.Hc + d.mu, "mu = mean over N rows: each row "
                    "gets ∂L/∂mu / N."),
            Mistake("path through the mean dropped", d.Hc, "H_pre is used twice, in Hc and in "
                    "mu: add ∂L/∂mu / N to every row."),
        ],
        "W1": [
            Mistake("transposed", c.X.T @ d.H_pre, "yours is Xᵀ (∂L/∂H_pre), shape (64, 64) "
                    "like W1 but transposed: W1 is (n_hidden, n_in), one row per hidden unit, "
                    "so ∂L/∂W1 = (∂L/∂H_pre)ᵀ X."),
            Mistake("averaged", d.H_pre.T @ c.X / N, "the 1/N is already inside ∂L/∂H_pre."),
        ],
        "b1": [Mistake("bias not summed over the batch", d.H_pre, summed.format("b1") + ".")],
    }


class _Unreadable:
    """Stands for a line whose value could not even be read: shown as not numeric."""

    def __array__(self, dtype=None, copy=None):
        raise TypeError("unreadable")


def _row(name, value, expected) -> tuple[str, bool | None]:
    """One line of the table, and whether the value is close (None: not done)."""
    if is_stub(value):
        return f"  {name:7s} {str(expected.shape):10s} {'—':6s} {'—':6s} not done yet", None
    try:
        if np.iscomplexobj(value):
            raise TypeError("complex")      # dtype=float would silently drop the imaginary part
        value = np.asarray(value, dtype=float)
    except Exception:  # noqa: BLE001 (an answer's own __array__ may raise anything)
        return f"  {name:7s} {'?':10s} {'no':6s} {'no':6s} not numeric", False
    if value.shape != expected.shape:
        return (f"  {name:7s} {str(value.shape):10s} {'no':6s} {'no':6s} wrong shape, expected "
                f"{expected.shape}"), False
    exact = bool(np.array_equal(value, expected))
    close = bool(np.allclose(value, expected, rtol=1e-6, atol=1e-8))
    diff = float(np.max(np.abs(value - expected))) if value.size else 0.0
    shown = "0" if diff == 0 else f"{diff:.1e}"
    return (f"  {name:7s} {str(value.shape):10s} {'yes' if exact else 'no':6s} "
            f"{'yes' if close else 'no':6s} {shown}"), close


def check_backward_by_hand(backward) -> Feedback:
    """05a-backward-by-hand: backward(c) -> dL/d(every line) of by_hand.forward, as d.Z, d.W2,
    ... (or a dict), each compared with the autodiff's gradient in a table."""
    c = check_case()
    answer, feedback = run_learner_function(EXERCISE, backward, c)
    if feedback is not None:
        return feedback
    if isinstance(answer, (tuple, list, np.ndarray, str, int, float)):
        return Feedback(False, f"{FAIL} {EXERCISE}: return the namespace d (d.logS, d.Z, ...) "
                               f"or a dict of the lines' gradients; got {type(answer).__name__}.",
                        "not the lines")
    truth = check_case()                    # a fresh case: the learner's function may edit c
    expected = by_hand.autodiff_backward(truth)
    table, verdicts = [f"  {'∂L/∂':7s} {'shape':10s} {'exact':6s} {'close':6s} max difference"], []
    values = {}
    for name in by_hand.LINES:
        try:  # an answer's own attribute (a property) may raise anything: read each line once
            values[name] = by_hand.gradient_of(answer, name)
        except Exception:  # noqa: BLE001
            values[name] = _Unreadable()
        line, close = _row(name, values[name], expected[name])
        table.append(line)
        verdicts.append(close)
    table = "\n".join(table)
    if all(v is None for v in verdicts):
        return Feedback(False, f"{TODO} {EXERCISE}: not done yet. Replace each `...` with the "
                               f"line's gradient and run the cell again.\n{table}", "not done")
    if False in verdicts:
        name = by_hand.LINES[verdicts.index(False)]
        mistakes = line_mistakes(truth, solutions.backward_by_hand(truth))[name]
        wrong = compare(EXERCISE, values[name], expected[name], mistakes,
                        what=f"dL/d{name}")
        message = wrong.message.replace(f"{EXERCISE}:", f"{EXERCISE}, line d.{name}:", 1)
        used = "" if name in by_hand.PARAMS else " (The lines below it use it: fix it first.)"
        return Feedback(False, f"{message}{used}\n{table}", wrong.mistake)
    done = sum(v is True for v in verdicts)
    if done < len(verdicts):
        following = by_hand.LINES[verdicts.index(None)]
        return Feedback(False, f"{TODO} {EXERCISE}: not done yet: {done} of {len(verdicts)} "
                               f"lines match the autodiff; next: d.{following}.\n{table}",
                        "not done")
    return Feedback(True, f"{PASS} {EXERCISE}: correct: all {done} lines match the autodiff's "
                          f"gradients.\n{table}")
