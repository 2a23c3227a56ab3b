"""A learner's VJP rule run by the autodiff (utils/checks/_graph.py): whatever it does inside
the graph ends in feedback within the check's limit, in both routes."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from utils import autodiff as ad
from utils import primitives
from utils.checks import _running, check_logsumexp_rule


@pytest.fixture(params=["fork", "in-process"])
def route(request, monkeypatch, tmp_path):
    monkeypatch.setattr(_running, "ROUTE", request.param)
    monkeypatch.setattr(_running, "TIME_LIMIT_SECONDS", 1.0)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return request.param


def _right(g, ans, x):
    return g[:, None] * np.exp(x - ans[:, None])


def loops_in_a_graph(g, ans, x):
    while x.shape != (3, 3):
        try:
            sum(range(10))  # a call: CPython 3.10 checks for signals only at some bytecodes
        except:  # noqa: E722
            pass
    return _right(g, ans, x)


def exits_in_a_graph(g, ans, x):
    if x.shape != (3, 3):
        sys.exit()
    return _right(g, ans, x)


def builtin_rules() -> dict:
    """Every built-in primitive's VJP rules (rules live on the primitive object)."""
    return {name: dict(p.vjps) for name, p in vars(primitives).items()
            if isinstance(p, ad.Primitive)}


@pytest.mark.parametrize("rule, mistake", [(loops_in_a_graph, "timed out"),
                                           (exits_in_a_graph, "wrong in a graph")])
def test_a_rule_that_fails_only_inside_the_graph_ends_in_feedback(route, rule, mistake):
    rules = builtin_rules()
    started = time.monotonic()
    feedback = check_logsumexp_rule(rule)
    assert time.monotonic() - started < 1.0 + 1.0
    assert not feedback.passed and feedback.mistake == mistake, feedback.message
    assert builtin_rules() == rules, "the learner's rule changed a built-in primitive's rules"


def test_a_right_rule_still_passes(route):
    assert check_logsumexp_rule(_right).passed
