"""What each route to dL/dA costs: entries, bytes and multiplications, counted not timed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from .validation import check_count, check_number, check_wrt

DEFAULT_MAX_BYTES = 512 * 2**20  # 512 MiB: what a laptop kernel can spare without swapping
MAX_MULTIPLICATIONS = 10**10     # a few seconds of numpy on a laptop: a lesson never needs more

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def format_bytes(n_bytes: float) -> str:
    """Bytes in human units, powers of 1024: 1536 -> '1.5 KiB'; 2**1100 -> '1.2e+313 EiB'."""
    if isinstance(n_bytes, (int, np.integer)) and not isinstance(n_bytes, (bool, np.bool_)):
        whole = int(n_bytes)
        if abs(whole) >= 2**1023:  # no float holds it: decimal arithmetic does
            return f"{Decimal(whole) / 2**60:.1e} EiB"
    size = check_number(n_bytes, "n_bytes", -np.inf)  # a finite real number of bytes
    for unit in _UNITS:
        if abs(size) < 1024 or unit == _UNITS[-1]:
            if unit == "B":
                return f"{int(size)} B"
            return f"{size:.1f} {unit}" if abs(size) < 1e5 else f"{size:.1e} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def check_memory(n_bytes: int, what: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse, before anything is allocated, what would take more than max_bytes.

    `what` names the call and every size that multiplies into n_bytes, so the message says
    which product of sizes is too large, not just that memory ran out.
    """
    if n_bytes > max_bytes:
        raise ValueError(f"{what} would take {format_bytes(n_bytes)}, over the memory budget of "
                         f"{format_bytes(max_bytes)}: make one of those sizes smaller")


def check_work(multiplications: int, what: str) -> None:
    """Refuse, before starting, a computation of more than MAX_MULTIPLICATIONS."""
    if multiplications > MAX_MULTIPLICATIONS:
        raise ValueError(f"{what} needs about {multiplications:.2g} multiplications, over the "
                         f"{MAX_MULTIPLICATIONS:.0e} that take a few seconds: make one of those "
                         f"sizes smaller")


@dataclass(frozen=True)
class MatmulCosts:
    """Costs of getting dL/dX (X = A or B) for C = A @ B by the tensor route and by the VJP.

    The tensor route builds dC/dX and forms the linear combination
    sum_ij dL/dc_ij * dc_ij/dX: one multiplication per tensor entry, zeros included.
    The VJP route is one matrix product (dL/dC @ B.T or A.T @ dL/dC).
    """

    m: int
    n: int
    p: int
    wrt: str
    itemsize: int

    @property
    def x_shape(self) -> tuple[int, int]:
        return (self.m, self.n) if self.wrt == "A" else (self.n, self.p)

    @property
    def tensor_shape(self) -> tuple[int, int, int, int]:
        return (self.m, self.p) + self.x_shape

    @property
    def tensor_entries(self) -> int:
        return self.m * self.p * self.x_shape[0] * self.x_shape[1]

    @property
    def tensor_nonzeros(self) -> int:
        # c_ij depends on row i of A (n entries) or on column j of B (n entries).
        return self.m * self.p * self.n

    @property
    def tensor_bytes(self) -> int:
        return self.tensor_entries * self.itemsize

    @property
    def tensor_multiplications(self) -> int:
        return self.tensor_entries

    @property
    def tensor_zero_multiplications(self) -> int:
        return self.tensor_entries - self.tensor_nonzeros

    @property
    def vjp_bytes(self) -> int:
        """Memory the VJP route needs beyond its inputs: the gradient dL/dX itself."""
        return self.x_shape[0] * self.x_shape[1] * self.itemsize

    @property
    def vjp_multiplications(self) -> int:
        return self.m * self.n * self.p

    def summary(self) -> str:
        """A small aligned table, ready to print in a notebook."""
        x = self.wrt
        rows = [
            ("", f"tensor dC/d{x}", "VJP"),
            ("shape", str(self.tensor_shape), str(self.x_shape)),
            ("entries", f"{self.tensor_entries:,}", f"{self.x_shape[0] * self.x_shape[1]:,}"),
            ("memory", format_bytes(self.tensor_bytes), format_bytes(self.vjp_bytes)),
            ("multiplications", f"{self.tensor_multiplications:,}",
             f"{self.vjp_multiplications:,}"),
            ("  of them by zero", f"{self.tensor_zero_multiplications:,}", "0"),
        ]
        widths = [max(len(row[k]) for row in rows) for k in range(3)]
        return "\n".join(
            f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows)


def matmul_costs(m: int, n: int, p: int, wrt: str = "A", dtype=np.float64) -> MatmulCosts:
    """Costs of both routes to dL/dX for C = A @ B with A (m, n) and B (n, p)."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point type such as np.float64 or np.float32; "
                        f"got {dtype if dtype is not None else 'something numpy cannot read'}")
    return MatmulCosts(check_count(m, "m"), check_count(n, "n"), check_count(p, "p"),
                       check_wrt(wrt), dtype.itemsize)
