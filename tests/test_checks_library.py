"""utils/checks/_library.py: a learner's function that calls the course's own helper for the
exercise (or autograd's differentiation) is refused as "used the library", in both routes.

Driven from one table, tests/library_table.py: every exercise, every helper its notebook imports
that could compute its answer (a submission using it must be refused, and passes when nothing
is declared), the reference solution (must pass), and every other imported name with why it is
harmless (a notebook importing a name in neither fails here).
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
import threading
from pathlib import Path

import numpy as np
import pytest
from feedback_asserts import assert_mistake, assert_passes
from library_table import CAUGHT_BEFORE, CONTEXT, EXERCISES, HARMLESS, SUBMISSIONS

from utils import solutions
from utils.checks import (
    _library,
    _running,
    check_clip_by_norm,
    check_dense_backward,
    check_inverse_differential,
    check_network_hvp,
    check_warmup_shape,
)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
USED = "used the library"


@pytest.fixture(params=["fork", "in-process"])
def route(request, monkeypatch):
    monkeypatch.setattr(_running, "ROUTE", request.param)
    return request.param


@functools.cache
def notebook_imports(notebook: str) -> dict:
    """{name: the import statement binding it} for every name the notebook imports from utils
    (not the checkers, utils.checks) or autograd, read from its code cells."""
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text())["cells"]
    names = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.ImportFrom) and node.module \
                    and node.module.split(".")[0] in ("utils", "autograd") \
                    and not node.module.startswith("utils.checks"):
                for alias in node.names:
                    names[alias.asname or alias.name] = ast.unparse(
                        ast.ImportFrom(node.module, [alias], 0))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in ("utils", "autograd"):
                        names[alias.asname or alias.name.split(".")[0]] = ast.unparse(
                            ast.Import([alias]))
    return names


def learner_function(exercise: str, source: str):
    """The learner's `answer`, defined by source in a namespace like the notebook's."""
    namespace = {"np": np, **CONTEXT.get(exercise, {})}
    for statement in notebook_imports(EXERCISES[exercise][0]).values():
        exec(statement, namespace)
    exec(source, namespace)
    return namespace["answer"]


def check(exercise: str, answer):
    return EXERCISES[exercise][1](answer)


# --- the table is complete and current -----------------------------------------------------------

def test_the_table_holds_every_exercise():
    assert set(EXERCISES) == set(solutions.REFERENCES)
    assert len(EXERCISES) == 29
    assert {exercise for exercise, _ in SUBMISSIONS} <= set(EXERCISES)


@pytest.mark.parametrize("notebook", sorted({nb for nb, _ in EXERCISES.values()}))
def test_every_helper_a_notebook_imports_is_in_the_table(notebook):
    imported = set(notebook_imports(notebook))
    exercises = {exercise for exercise, (nb, _) in EXERCISES.items() if nb == notebook}
    leaned_on = {name for exercise, name in SUBMISSIONS if exercise in exercises}
    missing = imported - leaned_on - set(HARMLESS.get(notebook, {}))
    assert not missing, (f"{notebook} imports {sorted(missing)}: add each to "
                         f"tests/library_table.py, as a SUBMISSION for every exercise it could "
                         f"answer (and declare it in that checker's LIBRARY) or as HARMLESS")
    stale = (set(HARMLESS.get(notebook, {})) | {n for n in leaned_on if "." not in n}) - imported
    assert not stale, f"{notebook} no longer imports {sorted(stale)}: drop them from the table"


def test_the_staleness_test_can_fail(monkeypatch):
    monkeypatch.setitem(HARMLESS, "06-jacobians-through-time",
                        dict(HARMLESS["06-jacobians-through-time"]))
    del HARMLESS["06-jacobians-through-time"]["spectral_radius"]
    with pytest.raises(AssertionError, match="spectral_radius"):
        test_every_helper_a_notebook_imports_is_in_the_table("06-jacobians-through-time")


# --- every pair: refused with the helper, would pass without the declaration ----------------------

PAIRS = sorted(SUBMISSIONS)


@pytest.mark.parametrize("exercise, name", PAIRS, ids=[f"{e}-{n}" for e, n in PAIRS])
def test_a_submission_using_the_helper_is_refused(route, exercise, name):
    feedback = check(exercise, learner_function(exercise, SUBMISSIONS[exercise, name]))
    assert_mistake(feedback, USED)
    assert "the course's" in feedback.message or "autograd's" in feedback.message


@pytest.mark.parametrize("exercise, name", PAIRS, ids=[f"{e}-{n}" for e, n in PAIRS])
def test_without_the_declaration_the_submission_would_pass(monkeypatch, exercise, name):
    monkeypatch.setattr(_library, "declared", lambda exercise: ())
    feedback = check(exercise, learner_function(exercise, SUBMISSIONS[exercise, name]))
    if (exercise, name) in CAUGHT_BEFORE:
        assert_mistake(feedback, CAUGHT_BEFORE[exercise, name])
    else:
        assert_passes(feedback)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_the_reference_solution_passes(route, exercise):
    reference = solutions.REFERENCES[exercise]
    if EXERCISES[exercise][1] is None:  # the warm-up's answer is a tuple: nothing runs
        assert isinstance(reference, str)
        assert_passes(check_warmup_shape(eval(reference.split("=")[1].split("#")[0])))
        return
    source = inspect.getsource(reference)  # as a learner would paste it: the notebook's code
    namespace = {"np": np, "ad": solutions.ad}
    exec(source, namespace)
    assert_passes(check(exercise, namespace[reference.__name__]))


@pytest.mark.parametrize("exercise", sorted(e for e in EXERCISES if _library.declared(e)))
def test_each_declared_name_refuses_a_submission_of_the_table(monkeypatch, exercise):
    declared = _library.declared(exercise)
    sources = [source for (e, _), source in SUBMISSIONS.items() if e == exercise]
    for name in declared:
        monkeypatch.setattr(_library, "declared", lambda exercise, name=name: (name,))
        refused = [check(exercise, learner_function(exercise, s)).mistake == USED
                   for s in sources]
        assert any(refused), f"{exercise} declares {name}, which no submission in the table uses"


# --- the tricks: every route to the helper is seen ----------------------------------------------

def _via_alias(gradient, max_norm):
    from utils.rnn import clip_by_norm
    clip = clip_by_norm
    return clip(gradient, max_norm)


def _via_reload(gradient, max_norm):
    import importlib

    import utils.rnn
    return importlib.reload(utils.rnn).clip_by_norm(gradient, max_norm)


def _caught_and_called_again(gradient, max_norm):
    from utils.rnn import clip_by_norm
    try:
        clip_by_norm(gradient, max_norm)
    except BaseException:  # noqa: BLE001  (the trick: swallow the refusal, then call again)
        pass
    return clip_by_norm(gradient, max_norm)


def _on_a_thread(gradient, max_norm):
    from utils.rnn import clip_by_norm
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("v", clip_by_norm(gradient,
                                                                              max_norm)))
    worker.start()
    worker.join()
    return out.get("v")


def _profiler_switched_off(gradient, max_norm):
    import sys

    from utils.rnn import clip_by_norm
    sys.setprofile(None)
    return clip_by_norm(gradient, max_norm)


class _Lazy:
    """An answer whose numbers come from the helper only when numpy reads it."""

    def __init__(self, gradient, max_norm):
        self.args = gradient, max_norm

    def __array__(self, dtype=None, copy=None):
        from utils.rnn import clip_by_norm
        return clip_by_norm(*self.args)


def _closure():
    from utils.rnn import clip_by_norm
    clip = clip_by_norm

    def answer(gradient, max_norm):
        return clip(gradient, max_norm)
    return answer


def _tricks():
    import utils.rnn
    from utils.rnn import clip_by_norm

    def helper(gradient, max_norm):
        return clip_by_norm(gradient, max_norm)

    def default_argument(gradient, max_norm, clip=clip_by_norm):
        return clip(gradient, max_norm)

    return {
        "a closure": _closure(),
        "a default argument": default_argument,
        "a wrapper of a helper": lambda g, m: helper(g, m),
        "the package path": lambda g, m: utils.rnn.clip_by_norm(g, m),
        "the helper itself": clip_by_norm,
        "wrapped in a lambda": lambda g, m: clip_by_norm(g, m),
        "functools.partial": functools.partial(clip_by_norm),
        "an alias, imported inside": _via_alias,
        "a reloaded module": _via_reload,
        "the refusal caught": _caught_and_called_again,
        "through numpy": lambda g, m: np.apply_along_axis(lambda r: r, 1, clip_by_norm(g, m)),
        "on a thread": _on_a_thread,
        "a lazy answer": _Lazy,
        "the profiler switched off": _profiler_switched_off,
    }


@pytest.mark.parametrize("trick", sorted(_tricks()))
def test_every_route_to_the_helper_is_refused(route, trick):
    feedback = check_clip_by_norm(_tricks()[trick])
    assert_mistake(feedback, USED)
    assert "clip_by_norm" in feedback.message or "sys.setprofile" in feedback.message


def test_a_method_of_a_refused_class_is_refused_by_name(route):
    from utils.layers import Dense

    def through_a_method(x, W, b, G):
        layer = Dense.__new__(Dense)  # no __init__: only the method's own call
        layer.x, layer.W, layer.grads = x, W.T, {}
        layer._output_shape = G.shape
        return Dense.backward(layer, G), G.T @ x, G.sum(axis=0)

    feedback = check_dense_backward(through_a_method)
    assert_mistake(feedback, USED)
    assert "Dense.backward (from utils.layers)" in feedback.message


def test_the_message_is_kind_and_names_what_to_do(route):
    from utils.rnn import clip_by_norm
    message = check_clip_by_norm(clip_by_norm).message
    assert message.startswith("❌ 06-clip-by-norm: your function called the course's "
                              "clip_by_norm (from utils.rnn)")
    assert "Write it yourself" in message
    message = check_network_hvp(solutions.network_hvp).message
    assert "reference solution" in message and 'solution("07-network-hvp")' in message


def test_numpy_and_autograds_numpy_stay_allowed(route):
    import autograd.numpy as anp
    assert_passes(check_inverse_differential(
        lambda A, dA: -anp.linalg.inv(A) @ dA @ anp.linalg.inv(A)))


def test_the_hook_is_gone_after_a_check(route):
    import sys
    before = sys.getprofile(), threading.getprofile()
    check_clip_by_norm(lambda g, m: g)
    from utils.rnn import clip_by_norm
    check_clip_by_norm(clip_by_norm)
    assert (sys.getprofile(), threading.getprofile()) == before
    clip_by_norm(np.ones(3), 1.0)  # and the helper works as before


@pytest.mark.parametrize("name, error", [("numpy.add", TypeError),
                                         ("utils.rnn.no_such_helper", AttributeError),
                                         ("no_such_package.helper", ModuleNotFoundError)])
def test_a_declaration_that_cannot_be_watched_is_refused(name, error):
    with pytest.raises(error):
        _library.Refused((name,))


KERNEL_CODE = """
import numpy as np
from utils.checks import _running, check_clip_by_norm
from utils.rnn import clip_by_norm

def my_clip_by_norm(gradient, max_norm):
    return clip_by_norm(gradient, max_norm)

def written(gradient, max_norm):
    norm = np.linalg.norm(gradient)
    return gradient * (max_norm / norm) if norm > max_norm else gradient

for _running.ROUTE in ("fork", "in-process"):
    print("answers:", _running.ROUTE, check_clip_by_norm(my_clip_by_norm).mistake,
          check_clip_by_norm(clip_by_norm).mistake, check_clip_by_norm(written).passed)
"""


def test_in_a_real_kernel_a_cells_call_is_the_learners_in_both_routes():
    manager = pytest.importorskip("jupyter_client.manager")
    kernel, client = manager.start_new_kernel(kernel_name="python3")
    out = []

    def printed(message):
        if message["msg_type"] == "stream":
            out.append(message["content"]["text"])

    try:
        reply = client.execute_interactive(KERNEL_CODE, timeout=60, output_hook=printed)
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    lines = [line.split()[1:] for line in "".join(out).splitlines() if line.startswith("answers:")]
    assert lines == [[route, "used", "the", "library", "used", "the", "library", "True"]
                     for route in ("fork", "in-process")], out

