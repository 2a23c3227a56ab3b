"""Jacobians made of counting numbers: the check sees every scalar multiplication a learner's
code does with their entries, however the product is spelled (@, np.dot, einsum, tensordot,
multi_dot, inner, broadcasting and .sum, Python loops over rows or entries).

A `Counted` entry is a float that tallies the multiplications it takes part in, and knows
whether it is "pure", computed from Jacobian entries alone: a product of two pure numbers is a
piece of a Jacobian-Jacobian product, which a chain of vector-Jacobian products never forms.
Turning a pure number into a float (float(), astype(float)) would hide what follows, so that is
tallied too. A plain number times a pure one is taken to be the vector's side (u's entries come
as plain floats), which is why the total count is compared with the chain's cost as well.
"""

from __future__ import annotations

import numbers
import string

import numpy as np

from . import _answers

TALLY = {"products": 0, "jacobian_products": 0, "stripped": 0}


class Counted:
    """One Jacobian entry (or a number computed from entries) that counts multiplications."""

    __slots__ = ("value", "pure")

    def __init__(self, value: float, pure: bool = True):
        self.value, self.pure = float(value), pure

    def _other(self, other):
        if type(other) is Counted:
            return other.value, other.pure
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return float(other), None
        return None, None

    def _multiply(self, other, swap: bool):
        value, pure = self._other(other)
        if value is None:
            return NotImplemented
        TALLY["products"] += 1
        TALLY["jacobian_products"] += bool(self.pure and pure)
        product = value * self.value if swap else self.value * value
        return Counted(product, bool(self.pure and pure))

    def _add(self, other, sign_self: float, sign_other: float):
        value, pure = self._other(other)
        if value is None:
            return NotImplemented
        total = sign_self * self.value + sign_other * value
        return Counted(total, self.pure if pure is None else self.pure and pure)

    def __mul__(self, other):
        return self._multiply(other, False)

    def __rmul__(self, other):
        return self._multiply(other, True)

    def __add__(self, other):
        return self._add(other, 1.0, 1.0)

    __radd__ = __add__

    def __sub__(self, other):
        return self._add(other, 1.0, -1.0)

    def __rsub__(self, other):
        return self._add(other, -1.0, 1.0)

    def __truediv__(self, other):
        value, _ = self._other(other)
        return NotImplemented if value is None else Counted(self.value / value, False)

    def __pow__(self, power):
        TALLY["jacobian_products"] += bool(self.pure and power != 1)
        return Counted(self.value ** power, self.pure)

    def __neg__(self):
        return Counted(-self.value, self.pure)

    def __pos__(self):
        return self

    def __abs__(self):
        return Counted(abs(self.value), self.pure)

    def conjugate(self):
        return self

    def __float__(self) -> float:
        TALLY["stripped"] += bool(self.pure)
        return self.value

    def __int__(self) -> int:
        TALLY["stripped"] += bool(self.pure)
        return int(self.value)

    def __bool__(self) -> bool:
        return self.value != 0

    def __eq__(self, other):
        return self.value == self._other(other)[0]

    def __lt__(self, other):
        return self.value < self._other(other)[0]

    def __gt__(self, other):
        return self.value > self._other(other)[0]

    __hash__ = None

    def __repr__(self) -> str:  # printing a Jacobian shows its numbers
        return repr(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


_answers.TRUSTED.add(Counted)


class CountingArray(np.ndarray):
    """An object array of Counted entries; np.einsum works on it with numpy 1.24 too."""

    def __array_function__(self, func, types, args, kwargs):
        if func is np.einsum and np.lib.NumpyVersion(np.__version__) < "1.25.0":
            return _einsum(*args, **kwargs)
        return super().__array_function__(func, types, args, kwargs)


def counting(matrix) -> CountingArray:
    matrix = np.asarray(matrix, dtype=float)
    cells = np.empty(matrix.shape, dtype=object)
    for index, value in np.ndenumerate(matrix):
        cells[index] = Counted(value)
    return cells.view(CountingArray)


def _einsum(subscripts, *operands, **ignored):
    """np.einsum for object arrays (numpy < 1.25 has none): broadcast, multiply, sum."""
    if not isinstance(subscripts, str) or "." in subscripts:
        raise TypeError("einsum on these Jacobians takes subscripts like 'i,ij->j'")
    inputs, _, output = subscripts.replace(" ", "").partition("->")
    inputs = inputs.split(",")
    letters = sorted(set("".join(inputs)), key="".join(inputs).index)
    if "->" not in subscripts:
        output = "".join(sorted(c for c in letters if "".join(inputs).count(c) == 1))
    product = None
    for spec, operand in zip(inputs, operands, strict=True):
        array = np.asarray(operand)
        if len(set(spec)) != len(spec):
            raise TypeError("einsum on these Jacobians takes no repeated subscripts (traces)")
        order = [spec.index(c) for c in letters if c in spec]
        shape = [array.shape[spec.index(c)] if c in spec else 1 for c in letters]
        term = array.transpose(order).reshape(shape)
        product = term if product is None else product * term
    summed = tuple(k for k, c in enumerate(letters) if c not in output)
    result = product.sum(axis=summed) if summed else product
    kept = [c for c in letters if c in output]
    return np.asarray(result).transpose([kept.index(c) for c in output])


class Tally:
    """The observer for run_learner_function: resets the counts, then reads them."""

    def start(self) -> None:
        TALLY.update(products=0, jacobian_products=0, stripped=0)

    def collect(self) -> dict:
        return dict(TALLY)


assert set(string.ascii_letters)  # subscripts are letters; nothing else is needed from string
