"""Jacobians of counting numbers (utils/checks/_counting.py): 02-chain-vjp refuses every
spelling of a matrix-matrix product and accepts every spelling of the chain of vector-Jacobian
products, in both routes (a forked child and in-process). Grow the two lists."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from utils.checks import _running, check_chain_vjp
from utils.checks._counting import Counted, Tally, _einsum, counting


@pytest.fixture(params=["fork", "in-process"])
def route(request, monkeypatch, tmp_path):
    monkeypatch.setattr(_running, "ROUTE", request.param)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return request.param


def _rows(J3, J2):
    return np.array([row @ J2 for row in J3])


def _entries(P, Q):
    return np.array([[sum(P[i, k] * Q[k, j] for k in range(P.shape[1]))
                      for j in range(Q.shape[1])] for i in range(P.shape[0])])


def _float_copies(u, js):
    J1, J2, J3 = (np.asarray(J, dtype=float) for J in js)
    return u @ (J3 @ J2 @ J1)


# each returns the right VJP, but by multiplying Jacobians together first
MATRIX_PRODUCTS = {
    "J3 @ J2 @ J1 first": lambda u, js: u @ (js[2] @ js[1] @ js[0]),
    "u.dot(J3.dot(J2).dot(J1))": lambda u, js: u.dot(js[2].dot(js[1]).dot(js[0])),
    "np.dot nested": lambda u, js: np.dot(u, np.dot(np.dot(js[2], js[1]), js[0])),
    "np.matmul": lambda u, js: u @ np.matmul(np.matmul(js[2], js[1]), js[0]),
    "np.einsum of three": lambda u, js: u @ np.einsum("ij,jk,kl->il", js[2], js[1], js[0]),
    "np.einsum of two": lambda u, js: u @ np.einsum("ij,jk->ik", js[2], js[1]) @ js[0],
    "np.einsum of all four": lambda u, js: np.einsum("i,ij,jk,kl->l", u, js[2], js[1], js[0]),
    "np.tensordot": lambda u, js: u @ np.tensordot(np.tensordot(js[2], js[1], 1), js[0], 1),
    "multi_dot of the Jacobians": lambda u, js: u @ np.linalg.multi_dot(js[::-1]),
    "functools.reduce": lambda u, js: u @ functools.reduce(np.matmul, js[::-1]),
    "np.inner with a transpose": lambda u, js: u @ np.inner(js[2], js[1].T) @ js[0],
    "broadcast and sum": lambda u, js: u @ (js[2][:, :, None] * js[1][None]).sum(1) @ js[0],
    "loop over rows": lambda u, js: u @ _rows(js[2], js[1]) @ js[0],
    "loops over entries": lambda u, js: u @ _entries(_entries(js[2], js[1]), js[0]),
    "transposes first": lambda u, js: (js[0].T @ js[1].T @ js[2].T) @ u,
    "scaled by 1.0 first": lambda u, js: u @ ((1.0 * js[2]) @ js[1]) @ js[0],
    "np.asarray float copies": _float_copies,
    "astype(float) copies": lambda u, js: u @ (js[2].astype(float) @ js[1].astype(float)
                                               @ js[0].astype(float)),
    "tolist then loops": lambda u, js: u @ np.array(_entries(np.array(js[2].tolist()),
                                                             np.array(js[1].tolist()))) @ js[0],
}


def _float_accumulator(u, js):
    for J in js[::-1]:
        out = np.zeros(J.shape[1])
        for j in range(J.shape[1]):
            out[j] = u @ J[:, j]
        u = out
    return u


def _sum_of_rows(u, js):
    for J in reversed(js):
        u = sum(ui * row for ui, row in zip(u, J, strict=True))
    return u


def _loop(step):
    def chain(u, js):
        for J in reversed(js):
            u = step(u, J)
        return u
    return chain


# each multiplies u into one Jacobian at a time
VECTOR_CHAINS = {
    "u @ J3 @ J2 @ J1": lambda u, js: u @ js[2] @ js[1] @ js[0],
    "loop u = u @ J": _loop(lambda u, J: u @ J),
    "np.dot chain": lambda u, js: np.dot(np.dot(np.dot(u, js[2]), js[1]), js[0]),
    "J.T @ u": _loop(lambda u, J: J.T @ u),
    "multi_dot with u": lambda u, js: np.linalg.multi_dot([u, js[2], js[1], js[0]]),
    "reduce": lambda u, js: functools.reduce(lambda v, J: v @ J, reversed(js), u),
    "einsum i,ij->j": _loop(lambda u, J: np.einsum("i,ij->j", u, J)),
    "tensordot": _loop(lambda u, J: np.tensordot(u, J, axes=1)),
    "broadcast and sum": _loop(lambda u, J: (u[:, None] * J).sum(axis=0)),
    "np.inner": _loop(lambda u, J: np.inner(u, J.T)),
    "np.matmul": _loop(np.matmul),
    "row matrix": lambda u, js: (u[None, :] @ js[2] @ js[1] @ js[0])[0],
    "loop over columns": _loop(lambda u, J: np.array([u @ J[:, j] for j in range(J.shape[1])])),
    "float accumulator": _float_accumulator,
    "sum of scaled rows": _sum_of_rows,
    "u copied as floats": lambda u, js: np.asarray(u, dtype=float).copy() @ js[2] @ js[1] @ js[0],
}


@pytest.mark.parametrize("spelling", MATRIX_PRODUCTS, ids=list(MATRIX_PRODUCTS))
def test_every_matrix_matrix_product_is_refused_however_it_is_written(route, spelling):
    feedback = check_chain_vjp(MATRIX_PRODUCTS[spelling])
    assert not feedback.passed, f"{spelling}: passed"
    assert feedback.mistake in ("matrix-matrix product", "converted"), feedback.message
    assert "the numbers are right" in feedback.message


@pytest.mark.parametrize("spelling", VECTOR_CHAINS, ids=list(VECTOR_CHAINS))
def test_every_chain_of_vector_jacobian_products_passes(route, spelling):
    feedback = check_chain_vjp(VECTOR_CHAINS[spelling])
    assert feedback.passed, f"{spelling}: {feedback.message}"


def test_the_feedback_states_the_counted_rule(route):
    message = check_chain_vjp(MATRIX_PRODUCTS["J3 @ J2 @ J1 first"]).message
    assert "scalar multiplications" in message and "needs 48 (16 + 16 + 16" in message


def test_counting_numbers_count_each_multiplication_once():
    tally = Tally()
    tally.start()
    u, J = np.ones(3), counting(np.arange(12.0).reshape(3, 4))
    assert np.allclose((u @ J).astype(float), np.arange(12.0).reshape(3, 4).sum(0))
    counts = tally.collect()
    assert counts["products"] == 12 and counts["jacobian_products"] == 0
    _ = J.T @ J
    assert tally.collect()["jacobian_products"] == 4 * 3 * 4


@pytest.mark.parametrize("subscripts, shapes", [
    ("i,ij->j", [(3,), (3, 4)]), ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("ij->ji", [(2, 3)]), ("ij,ij->i", [(2, 3)] * 2),
])
def test_the_object_einsum_agrees_with_numpys(subscripts, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape) for shape in shapes]
    ours = _einsum(subscripts, *[counting(a) for a in arrays])
    assert np.allclose(np.asarray(ours, dtype=float), np.einsum(subscripts, *arrays))


def test_printing_a_counted_jacobian_shows_its_numbers():
    assert repr(Counted(0.5)) == "0.5" and f"{Counted(0.25):.1f}" == "0.2"
