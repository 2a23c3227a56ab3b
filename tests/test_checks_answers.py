"""An answer as plain data (utils/checks/_answers.py): equal to what was returned, with no
subclass, __array__ or __eq__ of the learner's left to run."""

from __future__ import annotations

import numpy as np
import pytest

from utils.checks._answers import Foreign, find_foreign, plain


class _Liar(np.ndarray):
    def __eq__(self, other):
        return True

    def __array_ufunc__(self, *args, **kwargs):
        return True


PLAIN = [1, 2.5, np.float64(3.0), None, ..., (1, [2, 3]), np.arange(3),
         np.arange(4.0).reshape(2, 2).T]


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_data_comes_back_equal(value):
    back = plain(value)
    assert type(back) is type(value) or isinstance(value, np.ndarray)
    assert repr(back) == repr(value) or np.array_equal(back, value)


def test_an_answer_loses_its_subclass_and_its_lies():
    liar = np.arange(3.0).view(_Liar)
    back = plain(liar)
    assert type(back) is np.ndarray and not np.allclose(back, np.zeros(3))


@pytest.mark.parametrize("value", [(v for v in range(3)), {1: 1.0}, {"a": object()}, object(),
                                   [[[[[[[[[[1]]]]]]]]]]])
def test_what_numpy_cannot_read_becomes_foreign(value):
    assert isinstance(find_foreign(plain(value)), Foreign)
