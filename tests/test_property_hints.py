"""Properties of every checker's texts, over every exercise the notebooks hold.

- No text a wrong answer can get (a named mistake's hint, or the message of a wrong answer
  fed to the checker) contains the exercise's answer: a hint names the slip and nudges toward
  the fix; the whole answer is what `solution(...)` is for.
- `solution(name)` prints a function named as the exercise cell's stub, so pasting it replaces
  the learner's stub and never an imported library function.

The exercises, their stubs and their checkers are read from the notebooks' exercise cells.
"""

from __future__ import annotations

import ast
import inspect
import io
import json
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from utils import autodiff as ad
from utils import checks, solutions

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def exercise_cells() -> dict:
    """exercise name -> (checker name, the stub's function name or None, notebook name)."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            call = re.search(r"^(?:\w+ = )?(check_\w+)\((\w+)", source, re.M)
            if cell["cell_type"] != "code" or call is None or "..." not in source:
                continue
            checker = getattr(checks, call.group(1))
            stub_name = call.group(2) if f"def {call.group(2)}(" in source else None
            args = [...] if call.group(1) != "check_central_difference" else [..., ...]
            name = re.match(r"\S+ (\S+?):", checker(*args, record=False).message).group(1)
            found[name] = (call.group(1), stub_name, path.stem)
    return found


EXERCISES = exercise_cells()


def test_the_notebooks_hold_every_exercise_with_a_solution():
    assert len(EXERCISES) >= 29 and set(EXERCISES) == set(solutions.REFERENCES)


# --- the solution texts name the stub's function --------------------------------------------

@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_a_solution_defines_the_function_its_exercise_cell_defines(exercise):
    stub = EXERCISES[exercise][1]
    printed = io.StringIO()
    with redirect_stdout(printed):
        checks.solution(exercise)
    defined = re.findall(r"^def (\w+)\(", printed.getvalue(), re.M)
    if stub is None:  # the warm-up asks for a value, not a function
        assert defined == [], exercise
        return
    assert defined[:1] == [stub], (exercise, defined, stub)
    library = {name for module in ("utils", "utils.autodiff") for name in
               dir(__import__(module, fromlist=["_"]))}
    assert stub not in library, f"{exercise}: pasting the solution would replace utils.{stub}"


# --- no wrong answer's text gives the answer ------------------------------------------------

# How a hint writes the answer in math, beside the solution's own return expression (read
# from utils/solutions.py). One entry per exercise whose answer has a written form.
ANSWER_FORMS = {
    "00-warmup-shape": ["(2, 4, 2, 3)", "(m, p, m, n)"],
    "01-softmax-jacobian": ["diag(s) - s sᵀ"],
    "01-central-difference": ["(f(x + h) - f(x - h)) / (2h)", "(f(x + h) - f(x - h)) / 2h"],
    "02-chain-jacobian": ["J_3 · J_2 · J_1", "J_3 J_2 J_1"],
    "02-chain-vjp": ["reversed(jacobians)"],
    "03-dC-dA": ["dC_dA[i, j, i, l] = B[l, j]"],
    "03-dC-dB": ["np.eye(p)", "a_ik δ_jl (np.eye(p))"],
    "03-batch-jacobian": ["diag(1 - H_r²) · W"],
    "04-lecture-grad-A": ["dL/dC · Bᵀ"],
    "04-grad-A": ["B · dL/dCᵀ"],
    "04-grad-B": ["A · dL/dC"],
    "04-chain-rule": ["np.tensordot(dL_dC, dC_dX, axes=2)", "np.einsum('ij,ijkl->kl'"],
    "04-challenge-ABAT": ["G A Bᵀ + Gᵀ A B"],
    "04a-inverse-differential": ["-A⁻¹ dA A⁻¹"],
    "04a-trace-trick": ["Aᵀ G Bᵀ"],
    "04a-inverse-vjp": ["-A⁻ᵀ G A⁻ᵀ"],
    "04a-kron-jacobian": ["A ⊗ I_p", "np.kron(A, np.eye(p))"],
    "05-dense-backward": ["grad_output @ kernel.T", "x.T @ grad_output",
                          "grad_output.sum(axis=0)"],
    "05-relu-backward": ["(grad_output * (a > 0)) @ W"],
    "05-used-twice": ["G @ A + G.T @ A", "(G + Gᵀ) A"],
    "05-sin-rule": ["g * cos(x)"],
    "05-mean-loss-grad": ["(P - Y) / N"],
    "05-challenge-logsumexp": ["g[:, None] * softmax(x)", "g[:, None] * S",
                               "exp(x - ans[:, None])"],
    "06-jacobian-through-time": ["product = J_t @ product"],
    "06-clip-by-norm": ["g * (max_norm / ||g||)"],
    "07-network-hvp": ["ad.jvp(ad.grad(loss), W1, v)"],
}
# Pieces of an answer that, beside the wrong answer the learner holds, complete it: the
# factor the learner left out, a transpose's side, a row of the answer. No hint may hand them over.
ANSWER_PIECES = {
    "04a-kron-jacobian": ["I_p"],
    "04a-trace-trick": ["Aᵀ G", "G Bᵀ"],
    "04a-inverse-vjp": ["A⁻ᵀ"],
    "05-mean-loss-grad": ["P_r - Y_r"],
}
# 05a's hints name each line's formula on purpose (one line = one small step, checked in a table)
# and by_hand.py is being rewritten for W's orientation: it is judged on its own.
NOT_JUDGED = {"05a-backward-by-hand"}

_NAMES = [("dL_dC", "G"), ("dL/dC", "G"), ("grad_output", "G"), ("np.", ""), (".T", "ᵀ"),
          ("·", " "), ("@", " "), ("*", " ")]
_WORD = r"\w⁻¹ᵀ²"


def canonical(text: str) -> str:
    """Code and math written alike: `dL_dC @ B.T` and `dL/dC · Bᵀ` both read "G Bᵀ"."""
    for old, new in _NAMES:
        text = text.replace(old, new)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ?([()\[\],+\-/=:<>]) ?", r"\1", text).strip()


def contains(text: str, form: str) -> bool:
    """form in text, not as a piece of a longer name (`A G` is not in `A Gx`)."""
    before = rf"(?<![{_WORD}])" if re.match(rf"[{_WORD}]", form) else ""
    after = rf"(?![{_WORD}])" if re.match(rf"[{_WORD}]", form[-1]) else ""
    return re.search(before + re.escape(form) + after, text) is not None


def _inlined_returns(function) -> list[str]:
    """The return expressions of a reference, its local names replaced by what they hold."""
    tree = ast.parse(inspect.getsource(function))
    assigned = {}
    returns = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            assigned[node.targets[0].id] = node.value
        elif isinstance(node, ast.Return) and not isinstance(node.value, (ast.Name, type(None))):
            returns.append(node.value)  # (returning an input unchanged gives nothing away)

    class Inline(ast.NodeTransformer):
        inlining: set = set()

        def visit_Name(self, node):
            value = assigned.get(node.id)
            if value is None or node.id in self.inlining:  # a loop's `u = u @ J` stays `u`
                return node
            self.inlining.add(node.id)
            inlined = self.visit(value)
            self.inlining.discard(node.id)
            return inlined

    forms = []
    for value in returns:
        value = Inline().visit(value)
        parts = value.elts if isinstance(value, ast.Tuple) else [value]
        forms += [ast.unparse(part) for part in parts]
    return forms


def answer_forms(exercise: str) -> list[str]:
    reference = solutions.REFERENCES[exercise]
    code = _inlined_returns(reference) if callable(reference) else []
    forms = {canonical(form) for form in code + ANSWER_FORMS.get(exercise, [])}
    return sorted(form for form in forms if len(form.replace(" ", "")) >= 2)


def _recording(monkeypatch) -> list:
    """Every Mistake the checkers build while they run: their hints are what a learner sees."""
    recorded = []

    class RecordedMistake(checks.Mistake):
        def __init__(self, name, value, hint):
            super().__init__(name, value, hint)
            recorded.append(self)

    for name, module in list(sys.modules.items()):
        if name.startswith("utils.checks.") and getattr(module, "Mistake", None) is checks.Mistake:
            monkeypatch.setattr(module, "Mistake", RecordedMistake)
    return recorded


def _edited(value, edit):
    """edit done to the reference's value (to each of its parts, for a tuple)."""
    if isinstance(value, tuple):
        return tuple(_edited(part, edit) for part in value)
    return edit(np.asarray(value, dtype=float))


def _wrong_answers(exercise: str, mistakes) -> list:
    """Learner's functions (or values) that are wrong: the reference scaled, negated,
    transposed, each named mistake's value, and the exercise's own kinds of slip."""
    if exercise == "00-warmup-shape":
        from utils.checks.start_here import _hints
        return [*_hints(), (2, 4, 3, 2, 1), (4, 2, 3, 2), (2, 4, 2), (1, 2, 3, 4)]
    reference = solutions.REFERENCES[exercise]
    answers = [lambda *a, edit=edit: _edited(reference(*a), edit) for edit in
               (lambda v: 2 * v, lambda v: -v, lambda v: v.T, lambda v: 0 * v)]
    for mistake in mistakes:
        if callable(mistake.value):
            answers.append(lambda *a, f=mistake.value: f(a[0]))
        else:
            answers.append(lambda *a, v=mistake.value: v)
    return answers + SLIPS.get(exercise, [])


def _loops_b_jl(A, B):
    tensor = np.zeros((len(A), B.shape[1], *A.shape))
    for i in range(len(A)):
        for j in range(B.shape[1]):
            for l in range(A.shape[1]):
                tensor[i, j, i, l] = B[j, l]
    return tensor


SLIPS = {  # wrong answers whose feedback is written apart from any Mistake
    "01-central-difference": [
        lambda f, x, h: (f(x + h) - f(x)) / h, lambda f, x, h: (f(x + 1e-3) - f(x)) / 1e-3,
        lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, lambda f, x, h: (f(x + h) - f(x - h)) / h,
        lambda f, x, h: (f(x + h) + f(x - h)) / (2 * h), lambda f, x, h: np.cos(x)],
    "02-chain-vjp": [lambda u, J: u @ (J[2] @ J[1] @ J[0])],
    "03-tensor-bytes": [lambda m, n, p: (m * n) ** 2 * 8, lambda m, n, p: 1],
    "03-dC-dA": [_loops_b_jl],  # raises on sizes all different: diagnosed on square ones
    # right on square inputs, a shape error on the others: the shape error's own words
    "04-grad-A": [lambda G, A, B: B @ G.T + 0 * (A @ B)[:, :1], lambda G, A, B: B @ G],
    "04-grad-B": [lambda G, A, B: A @ G + 0 * (A @ B)[:, :1], lambda G, A, B: A.T @ G],
    "04-lecture-grad-A": [lambda G, A, B: G @ B.T[:, :1],
                          lambda G, A, B: G @ B.T if len(A) == len(B) else G @ B],
}


def _network_hvp(loss, W1, v):  # 07 refuses the reference itself: a learner's own copy
    return ad.jvp(ad.grad(loss), W1, v)[1]


RIGHT = {"07-network-hvp": _network_hvp}


def _run(checker, exercise, answer):
    good_step = (1e-5,) if exercise == "01-central-difference" else ()  # its second input
    return checker(answer, *good_step, record=False)


@pytest.mark.parametrize("exercise", sorted(set(EXERCISES) - NOT_JUDGED))
def test_no_text_a_wrong_answer_gets_contains_the_answer(exercise, monkeypatch):
    checker = getattr(checks, EXERCISES[exercise][0])
    recorded = _recording(monkeypatch)
    reference = RIGHT.get(exercise, solutions.REFERENCES[exercise])
    if callable(reference):  # a right answer runs the checker to its end: every Mistake built
        assert _run(checker, exercise, reference).passed, exercise
    texts = {f"hint of {m.name!r}": m.hint for m in recorded}
    for k, answer in enumerate(_wrong_answers(exercise, list(recorded))):
        feedback = _run(checker, exercise, answer)
        if not feedback.passed:
            texts[f"wrong answer {k} ({feedback.mistake})"] = feedback.message
    forms = answer_forms(exercise) + [canonical(p) for p in ANSWER_PIECES.get(exercise, [])]
    spoilers = [f"{where}: {form!r} in {text!r}" for where, text in texts.items()
                for form in forms if contains(canonical(text), form)]
    assert forms and not spoilers, "\n".join(spoilers)


@pytest.mark.parametrize("text, form, found", [
    ("the rule: dL/dA = dL/dC · Bᵀ.", "dL_dC @ B.T", True),
    ("you computed dL/dC · Bᵀx", "dL_dC @ B.T", False),
    ("so B · dL/dCᵀ is wrong", "B @ dL_dC.T", True),
    ("divide: (P - Y) / N.", "(P - Y) / N", True),
    ("divide by N", "(P - Y) / N", False),
    ("use A⁻¹ dA", "A dA", False),
])
def test_the_answer_is_found_however_it_is_written(text, form, found):
    assert contains(canonical(text), canonical(form)) is found


def test_every_gradient_a_05a_hint_names_is_a_line_of_the_forward_pass():
    """∂L/∂r in a hint names no line of utils/by_hand.py: a learner cannot find it. And a
    gradient is written ∂L/∂Z, never dZ or dL/dZ (00a and 04a: dZ is a small change of Z), and
    no letter 00a gives another meaning (eps: machine epsilon, v: a direction) stands in it (code's
    c.eps may be named)."""
    from utils import by_hand
    from utils.checks.by_hand import check_case, line_mistakes
    c = check_case()
    named, misnamed = {}, []
    for line, mistakes in line_mistakes(c, solutions.backward_by_hand(c)).items():
        for mistake in mistakes:
            for name in re.findall(r"∂L/∂(\w+)", mistake.hint):
                named.setdefault(name.rstrip("ᵀ"), []).append(f"line d.{line}: {mistake.hint}")
            misnamed += [f"line d.{line}: {word!r} in {mistake.hint!r}" for word in
                         re.findall(r"(?<![\w/.∂])d\w+|dL/d\w+|(?<![.\w])(?:eps|v)\b", mistake.hint)
                         if word.startswith(("dL/", "eps", "v")) or word[1:] in by_hand.LINES]
    unknown = {name: where for name, where in named.items()
               if name not in by_hand.LINES}
    assert len(named) >= 5 and not unknown, unknown
    assert not misnamed, "\n".join(misnamed)


@pytest.mark.parametrize("exercise", sorted(e for e in EXERCISES if e.startswith("04a")))
def test_04a_texts_use_words_04a_and_00a_define(exercise, monkeypatch):
    """No "adjoint" (never defined in 04a or 00a) and no Y as a placeholder (00a: targets)."""
    recorded = _recording(monkeypatch)
    checker = getattr(checks, EXERCISES[exercise][0])
    texts = [checker(solutions.REFERENCES[exercise], record=False).message]
    texts += [m.hint for m in recorded]
    for text in texts:
        assert "adjoint" not in text and "⟨Y" not in text and " Y⟩" not in text, text


# --- no wrong answer's text gives another exercise's answer ---------------------------------

# Exercises whose answer the notebook prints before any exercise asks for it (02 prints
# J_D ⋯ J_1, 04's section 3 is headed by its rule): naming it in another hint gives nothing away.
PRINTED = {"02-chain-jacobian", "04-lecture-grad-A"}
_SIBLING_CASES = sorted(set(EXERCISES) - NOT_JUDGED)


@pytest.mark.parametrize("exercise", _SIBLING_CASES)
def test_no_text_a_wrong_answer_gets_contains_a_sibling_exercises_answer(exercise, monkeypatch):
    """04-grad-B's hint must not say its wrong answer "is dL/dA" in the form 04-grad-A asks for."""
    siblings = [other for other, (_, _, notebook) in EXERCISES.items()
                if notebook == EXERCISES[exercise][2] and other not in
                PRINTED | NOT_JUDGED | {exercise}]
    forms = {form: other for other in siblings for form in answer_forms(other)}
    checker = getattr(checks, EXERCISES[exercise][0])
    recorded = _recording(monkeypatch)
    reference = RIGHT.get(exercise, solutions.REFERENCES[exercise])
    if callable(reference):
        _run(checker, exercise, reference)
    texts = {f"hint of {m.name!r}": m.hint for m in recorded}
    for k, answer in enumerate(_wrong_answers(exercise, list(recorded))):
        feedback = _run(checker, exercise, answer)
        if not feedback.passed:
            texts[f"wrong answer {k} ({feedback.mistake})"] = feedback.message
    spoilers = [f"{where}: {other}'s answer {form!r} in {text!r}"
                for where, text in texts.items() for form, other in forms.items()
                if contains(canonical(text), form)]
    assert not spoilers, "\n".join(spoilers)
