"""The checker of 05a-backward-by-hand (utils/checks/by_hand.py): right answers in several forms
pass, stubs and half-done backwards are "not done yet", and every named mistake is named."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from tests.feedback_asserts import assert_mistake, assert_passes
from utils import by_hand, checks, solutions
from utils.checks.by_hand import check_case, line_mistakes

check = checks.check_backward_by_hand


def compact_backward(c):
    """Another correct form: the loss and batch norm in their folded textbook formulas."""
    d = SimpleNamespace()
    d.logS = -c.Y / c.N
    d.Z = (c.S - c.Y) / c.N
    d.W2, d.b2 = np.einsum("nj,ni->ji", d.Z, c.H), np.einsum("nj->j", d.Z)
    d.H = np.einsum("nj,ji->ni", d.Z, c.W2)
    d.H_bn = d.H * (1 - np.tanh(c.H_bn) ** 2)
    d.gamma, d.beta = (d.H_bn * c.Hn).sum(0), d.H_bn.sum(0)
    d.Hn = d.H_bn * c.gamma
    d.inv_std = (d.Hn * c.Hc).sum(0)
    d.var = -0.5 * c.inv_std ** 3 * d.inv_std
    d.Hc = d.Hn * c.inv_std + 2 * c.Hc * d.var / c.N
    d.mu = -d.Hc.sum(0)
    # the whole of batch norm in one line (biased variance):
    d.H_pre = c.inv_std / c.N * (c.N * d.Hn - d.Hn.sum(0) - c.Hn * (d.Hn * c.Hn).sum(0))
    d.W1, d.b1 = np.einsum("nh,ni->hi", d.H_pre, c.X), d.H_pre.sum(0)
    return d


def as_dict(c):
    return vars(solutions.backward_by_hand(c))


def as_lists(c):
    return {name: value.tolist() for name, value in as_dict(c).items()}


@pytest.mark.parametrize("answer", [solutions.backward_by_hand, compact_backward, as_dict,
                                    as_lists])
def test_right_answers_pass_in_every_form(answer):
    feedback = check(answer, record=False)
    assert_passes(feedback)
    assert "16 lines" in feedback.message and feedback.message.count("yes") >= 16


def all_stubs(c):
    d = SimpleNamespace()
    for name in by_hand.LINES:
        setattr(d, name, ...)
    return d


@pytest.mark.parametrize("stub", [..., None, lambda c: ..., all_stubs, lambda c: {}])
def test_stubs_are_not_done(stub):
    feedback = check(stub, record=False)
    assert feedback.mistake == "not done" and "not done yet" in feedback.message


def test_half_done_says_how_far_and_what_next():
    def half(c):
        d = solutions.backward_by_hand(c)
        for name in by_hand.LINES[5:]:
            setattr(d, name, ...)
        return d
    feedback = check(half, record=False)
    assert feedback.mistake == "not done" and not feedback.passed
    assert "5 of 16 lines" in feedback.message and "next: d.H_bn" in feedback.message


def with_line(name, value):
    def backward(c):
        d = solutions.backward_by_hand(c)
        setattr(d, name, value(c, d) if callable(value) else value)
        return d
    return backward


MISTAKES = [(line, m.name) for line, ms in line_mistakes(check_case(), solutions.backward_by_hand(
    check_case())).items() for m in ms]


def test_there_are_named_mistakes_for_every_line():
    assert {line for line, _ in MISTAKES} == set(by_hand.LINES)
    assert len(MISTAKES) >= 30


@pytest.mark.parametrize("line, name", MISTAKES, ids=[f"{a}: {b}" for a, b in MISTAKES])
def test_every_named_mistake_is_named(line, name):
    def wrong(c):
        d = solutions.backward_by_hand(c)
        [mistake] = [m for m in line_mistakes(c, d)[line] if m.name == name]
        setattr(d, line, mistake.value)
        return d
    feedback = check(wrong, record=False)
    assert_mistake(feedback, name)
    assert f"line d.{line}:" in feedback.message and "max difference" in feedback.message


@pytest.mark.parametrize("line, value, mistake", [
    ("Z", lambda c, d: -d.Z, "sign flipped"),                       # generic slips still apply
    ("W1", lambda c, d: 3 * d.W1, "scaled"),
    ("gamma", lambda c, d: np.zeros(5), "wrong shape"),
    ("Hn", lambda c, d: np.full_like(d.Hn, np.inf), "not finite"),
    ("var", lambda c, d: "text", "not numeric"),
    ("b2", lambda c, d: d.b2 + 1e-3j, "complex"),
])
def test_other_slips_are_reported_at_their_line(line, value, mistake):
    assert_mistake(check(with_line(line, value), record=False), mistake)


def test_a_wrong_line_no_mistake_explains_is_still_reported_at_its_line():
    feedback = check(with_line("H", lambda c, d: d.H + 1e-3), record=False)
    assert not feedback.passed and feedback.mistake not in (None, "not done")
    assert feedback.message.startswith("❌") and "line d.H:" in feedback.message


def test_the_first_wrong_line_is_the_one_named():
    def two_wrong(c):
        d = solutions.backward_by_hand(c)
        d.H_bn = d.H * (1 - c.H_bn ** 2)                           # tanh' at the pre-activation
        d.W1 = d.W1.T
        return d
    assert_mistake(check(two_wrong, record=False), "tanh' at the pre-activation")


@pytest.mark.parametrize("answer, mistake", [
    (lambda c: 1 / 0, "raised"),
    (lambda c: (1, 2), "not the lines"),
    (lambda c: np.zeros(3), "not the lines"),
    ("backward", "not a function"),
])
def test_broken_answers_get_feedback_not_a_traceback(answer, mistake):
    assert_mistake(check(answer, record=False), mistake)


def test_a_line_that_raises_when_read_is_feedback():
    class Grads:
        logS = property(lambda self: 1 / 0)

    assert_mistake(check(lambda c: Grads(), record=False), "not numeric")


def test_the_learner_cannot_change_the_next_check():
    def vandal(c):
        c.X[:] = 0.0
        c.W1[:] = 0.0
        return solutions.backward_by_hand(c)
    check(vandal, record=False)
    assert_passes(check(solutions.backward_by_hand, record=False))


def test_the_notebook_stub_has_every_line_and_the_reference_name():
    """Pasting solution("05a-backward-by-hand") replaces the stub; the stub asks for each line."""
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / "05a-backward-by-hand.ipynb"
    [stub] = [cell.source for cell in nbformat.read(path, as_version=4).cells
              if cell.cell_type == "code" and "check_backward_by_hand(" in cell.source]
    assert stub.startswith(f"def {solutions.backward_by_hand.__name__}(c):")
    for name in by_hand.LINES[1:]:
        assert f"    d.{name} = ...\n" in stub, name
