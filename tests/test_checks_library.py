"""utils/checks/_library.py: the course's own function is never an exercise's answer.

Every exercise whose answer a utils function computes gets that function, and functions that
only call it (however it was imported), refused with a kind message; an answer written with
numpy, even one that borrows the library function's name, still passes.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from feedback_asserts import assert_passes

import utils
from utils import checks, solutions
from utils.checks._library import ANSWERED_BY, library_used

# exercise -> how its checker takes one answer (some take a second argument)
CHECKERS = {
    "01-jacobian-shape": checks.check_jacobian_shape,
    "01-softmax-jacobian": checks.check_softmax_jacobian,
    "01-central-difference": lambda answer: checks.check_central_difference(answer, 1e-5),
    "02-chain-jacobian": checks.check_chain_jacobian,
    "02-chain-vjp": checks.check_chain_vjp,
    "03-dC-dA": checks.check_dC_dA,
    "03-dC-dB": checks.check_dC_dB,
    "03-tensor-bytes": checks.check_tensor_bytes,
    "03-batch-jacobian": checks.check_batch_jacobian,
    "04-grad-A": checks.check_grad_A,
    "04-grad-B": checks.check_grad_B,
    "04-lecture-grad-A": checks.check_lecture_grad_A,
    "04-challenge-ABAT": checks.check_sandwich_grad,
    "04-chain-rule": checks.check_chain_rule,
    "04a-inverse-differential": checks.check_inverse_differential,
    "04a-trace-trick": checks.check_trace_trick,
    "04a-inverse-vjp": checks.check_inverse_vjp,
    "04a-kron-jacobian": checks.check_kron_jacobian,
    "06-jacobian-through-time": checks.check_jacobian_through_time,
    "06-clip-by-norm": checks.check_clip_by_norm,
}

CASES = [(exercise, library) for exercise, libraries in ANSWERED_BY.items()
         for library in libraries]


def _disguises(library):
    """The library function as a learner might hand it in: itself, or code that calls it."""
    module = __import__(library.__module__, fromlist=["_"])
    name = library.__name__

    def wrapper(*args):
        return library(*args)

    def helper(*args):
        return library(*args)

    def wrapper_of_helper(*args):
        return helper(*args)

    by_attribute = eval(f"lambda *args: module.{name}(*args)", {"module": module})
    by_package = eval(f"lambda *args: utils.{library.__module__.split('.', 1)[1]}.{name}(*args)",
                      {"utils": utils})
    return {"itself": library, "wrapper": wrapper, "wrapper of a helper": wrapper_of_helper,
            "partial": functools.partial(library), "module attribute": by_attribute,
            "package path": by_package}


def test_every_listed_exercise_is_a_real_exercise_with_a_checker_here():
    unknown = set(ANSWERED_BY) - set(solutions.REFERENCES)
    assert not unknown, unknown
    assert set(ANSWERED_BY) == set(CHECKERS)


@pytest.mark.parametrize("exercise, library", CASES,
                         ids=[f"{e}-{f.__name__}" for e, f in CASES])
def test_the_library_function_is_refused_in_every_disguise(exercise, library):
    for how, answer in _disguises(library).items():
        feedback = CHECKERS[exercise](answer)
        assert not feedback.passed, (how, feedback.message)
        assert feedback.mistake == "library function", (how, feedback.mistake, feedback.message)
        assert f"the course's own {library.__name__}" in feedback.message
        assert "the exercise is to write it" in feedback.message


def test_clip_by_norm_as_06_imports_it_is_refused_kindly():
    from utils.rnn import clip_by_norm
    feedback = checks.check_clip_by_norm(clip_by_norm)
    assert feedback.message.endswith("the checker compares it with that function.")
    assert "that is the course's own clip_by_norm (from utils.rnn)" in feedback.message


def test_an_answer_in_numpy_under_the_library_name_still_passes():
    def clip_by_norm(gradient, max_norm):     # the learner's own, named like the library's
        norm = np.linalg.norm(gradient)
        return gradient * min(1.0, max_norm / norm) if norm > 0 else gradient

    def my_clip_by_norm(gradient, max_norm):
        return clip_by_norm(gradient, max_norm)

    assert library_used(my_clip_by_norm, ANSWERED_BY["06-clip-by-norm"]) is None
    assert_passes(checks.check_clip_by_norm(my_clip_by_norm))
    assert_passes(checks.check_clip_by_norm(solutions.my_clip_by_norm))  # a copy, not utils.rnn's


@pytest.mark.parametrize("exercise", sorted(CHECKERS))
def test_the_reference_answer_is_not_mistaken_for_the_library(exercise):
    assert library_used(solutions.REFERENCES[exercise], ANSWERED_BY[exercise]) is None


def test_a_closure_and_a_default_argument_are_followed():
    from utils.rnn import clip_by_norm as library

    def make():
        clip = library

        def answer(gradient, max_norm):
            return clip(gradient, max_norm)
        return answer

    def with_default(gradient, max_norm, clip=library):
        return clip(gradient, max_norm)

    for answer in (make(), with_default):
        assert library_used(answer, (library,)) is library
