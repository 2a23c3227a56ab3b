"""A learner's VJP rule run by the autodiff (05's rule exercises): in the forked child, under
the check's deadline, like any learner function. The rule belongs to the learner's own
primitive object (utils/tracing.py), so nothing needs unregistering afterwards."""

from __future__ import annotations

from ._feedback import FAIL, Feedback, timed_out
from ._isolation import run_isolated
from ._library import UsedTheLibrary, refusal, watched
from ._running import TimedOut


def in_graph(exercise: str, gradient_of, x, where: str, mistake="fails in a graph"):
    """(the gradient, None) with the learner's rule run by the autodiff where nothing it does
    can harm the check (`_isolation`), or (None, Feedback)."""
    try:
        outcome = run_isolated(watched(exercise, gradient_of, trusted=True), (x,))
    except TimedOut as timeout:
        return None, timed_out(exercise, timeout, f"inside the autodiff, where {where}")
    if outcome.raised is not None and outcome.raised.kind == UsedTheLibrary.__name__:
        return None, Feedback(False, f"{FAIL} {exercise}: inside the autodiff graph, "
                                     f"{refusal(exercise, outcome.raised.message)}",
                              "used the library")
    if outcome.raised is None and outcome.ended is None:
        return outcome.value, None
    what, why = ((f"raised {outcome.raised.kind}", outcome.raised.message)
                 if outcome.raised is not None else ("stopped", outcome.ended))
    return None, Feedback(False, f"{FAIL} {exercise}: your rule is right on its own but {what} "
                                 f"inside the autodiff graph, where {where}: {why}. Compute the "
                                 f"result from its arguments only, with no fixed shapes.",
                          mistake)
