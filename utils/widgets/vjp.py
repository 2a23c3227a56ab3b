"""Explorers of 04-efficient-vjp: dL/dX of C = A @ B as the weighted sum of the blocks of the
4-D tensor dC/dX, built up entry by entry next to the one matrix product of the VJP, at sizes
from 1 to past the memory budget; and the measured scaling of both routes."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace

import ipywidgets as widgets
import numpy as np

from ..chain import single_blas_thread
from ..costs import DEFAULT_MAX_BYTES, MatmulCosts, format_bytes, matmul_costs
from ..matmul import TensorTooLargeError, chain_rule_via_tensor, matmul_jacobian
from ..plotting.matrix_by_matrix import tensor_pixels
from ..routes import best_time, measure_routes, vjp_route
from ._explorer import Explorer, Later
from ._view import check_choice, check_sizes, check_whole, dropdown, html_table, slider
from .vjp_combination import CombinationFigure, entry_name, seconds_text

SCALES = (1, 2, 4, 8, 16, 32)  # the size control: m, n, p are each multiplied by this
MOST_MEASUREMENTS = 32  # timings kept, one per (sizes, wrt, seed): bounded memory


def measure_routes_with_progress(sizes, wrt: str = "A", **options):
    """utils.routes.measure_routes with a progress bar shown while it measures."""
    from IPython.display import display

    progress = widgets.IntProgress(value=0, max=len(sizes), description="measuring")
    display(progress)
    return measure_routes(sizes, wrt=wrt, on_progress=lambda k: setattr(progress, "value", k),
                          **options)


@dataclass
class VjpState:
    """What the figure and the readout show for one setting of the controls."""

    sizes: tuple
    wrt: str
    seed: int
    dL_dC: np.ndarray
    vjp: np.ndarray
    running: np.ndarray          # Σ weight × block over entries 1 .. entry_number
    entry: tuple                 # (i, j), 0-based
    entry_number: int            # 1-based, row by row
    tensor_pixels: np.ndarray
    pixel_entries: int
    layout_shape: tuple
    limit: float
    costs: MatmulCosts
    costs_at_1000: MatmulCosts
    tensor_seconds: float | None
    vjp_seconds: float
    difference: float | None
    refused: str | None
    measuring: bool = False      # the timings (and the routes' difference) are being measured


def _measure(dL_dC, A, B, wrt):
    """Run both routes once at this size (the tensor route only if the guard allows it)."""
    with single_blas_thread():  # as utils.routes measures: a busy machine's threads aside
        return _measure_routes(dL_dC, A, B, wrt)


def _measure_routes(dL_dC, A, B, wrt):
    try:
        start = time.perf_counter()
        via_tensor = chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, wrt))
        tensor_seconds = time.perf_counter() - start
    except TensorTooLargeError as refusal:
        return None, best_time(lambda: vjp_route(dL_dC, A, B, wrt), 3, 1e-4), None, _refusal(
            wrt, refusal.tensor_bytes, refusal.max_bytes, refusal.vjp_bytes)
    vjp_seconds = best_time(lambda: vjp_route(dL_dC, A, B, wrt), 3, 1e-4)  # ~1 ms in all
    difference = float(np.max(np.abs(via_tensor - vjp_route(dL_dC, A, B, wrt))))
    return tensor_seconds, vjp_seconds, difference, None


def _refusal(wrt, tensor_bytes, max_bytes, vjp_bytes) -> str:
    return (f"TensorTooLargeError: dC/d{wrt} would need {format_bytes(tensor_bytes)},\n"
            f"over the budget of {format_bytes(max_bytes)}: refused before building.\n"
            f"The VJP needs {format_bytes(vjp_bytes)}.")


def _running_sum(dL_dC, A, B, wrt, count):
    """Σ over the first `count` entries (row by row) of dL/dc_ij × ∂c_ij/∂X, block by block:
    block (i, j) of dC/dA is B[:, j] in row i, of dC/dB it is A[i, :] in column j."""
    weights = np.zeros_like(dL_dC)
    weights.ravel()[:count] = dL_dC.ravel()[:count]
    return weights @ B.T if wrt == "A" else A.T @ weights


def _colour_limit(dL_dC, A, B, wrt) -> float:
    """The largest |value| any picture can show at this setting, up to a step of 0.5: the
    weights, the tensor's entries (those of B or A), and every running sum along the way."""
    if wrt == "A":  # row i of the sum after entries (i, 0..j): Σ_j' w_ij' B[:, j']
        partial = np.cumsum(dL_dC[:, :, None] * B.T[None, :, :], axis=1)
    else:  # column j after entries (0..i, j): Σ_i' w_i'j A[i', :]
        partial = np.cumsum(dL_dC[:, :, None] * A[:, None, :], axis=0)
    largest = max(np.max(np.abs(dL_dC)), np.max(np.abs(B if wrt == "A" else A)),
                  np.max(np.abs(partial)))
    return float(np.ceil(largest * 2) / 2)


def _check_arguments(m, n, p, seed, wrt, scale, entry, max_size):
    check_sizes(max_size, 10, m=m, n=n, p=p)
    check_whole("seed", seed, 0, 20)
    check_choice("wrt", wrt, ("A", "B"))
    check_choice("scale", scale, SCALES)
    if entry is not None:
        check_whole("entry", entry, 1, m * scale * p * scale,
                    f"m·p = {m * scale * p * scale} (the entries of C, row by row)")


def tensor_vs_vjp_explorer(m: int = 2, n: int = 2, p: int = 2, seed: int = 0, wrt: str = "A",
                           max_size: int = 8, scale: int = 1, entry: int | None = None
                           ) -> Explorer:
    """dL/dX of C = A @ B two ways: Σ over the entries c_ij of weight dL/dc_ij × block
    ∂c_ij/∂X (the 4-D tensor), built up entry by entry, next to one matrix product (the VJP).

    A, B, C have sizes (m·scale, n·scale), (n·scale, p·scale); `entry` counts the entries of C
    row by row from 1 (default: the last, so the sum is complete). Play steps through them.
    """
    _check_arguments(m, n, p, seed, wrt, scale, entry, max_size)
    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "scale": widgets.SelectionSlider(
                    options=[(f"× {k}", k) for k in SCALES], value=scale, description="all sizes",
                    continuous_update=False, style={"description_width": "initial"}),
                "seed": slider("random seed", seed, 0, 20),
                "wrt": dropdown("gradient of L by", ["A", "B"], wrt),
                "entry": slider("entry c_ij (row by row)", entry or m * p * scale**2, 1,
                                m * p * scale**2)}
    play = widgets.Play(value=controls["entry"].value, min=1, max=controls["entry"].max,
                        interval=700, description="step through the entries")
    widgets.link((play, "value"), (controls["entry"], "value"))
    widgets.link((play, "max"), (controls["entry"], "max"))
    readout = widgets.HTML()
    measurements: OrderedDict = OrderedDict()  # (sizes, wrt, seed) -> timings, oldest first
    last_sizes = [None]
    limits: dict = {}

    def build():
        picture = CombinationFigure()
        return picture.view, lambda values: update(picture, values)

    def update(picture, values):
        M, N, P = (values[k] * values["scale"] for k in ("m", "n", "p"))
        wrt, seed = values["wrt"], values["seed"]
        entry_control = controls["entry"]
        if last_sizes[0] not in (None, (M, N, P)):  # new sizes: show the complete sum first
            entry_control.max = M * P
            entry_control.value = M * P
        last_sizes[0] = (M, N, P)
        number = min(entry_control.value, M * P)
        rng = np.random.default_rng(seed)
        A, B = rng.standard_normal((M, N)), rng.standard_normal((N, P))
        dL_dC = rng.standard_normal((M, P))
        key = ((M, N, P), wrt, seed)
        vjp = vjp_route(dL_dC, A, B, wrt)
        running = _running_sum(dL_dC, A, B, wrt, number)
        pixels, s = tensor_pixels(A, B, wrt, 300, 380)
        if limits.get("key") != key:  # one colour scale per setting, whatever the entry
            limits.update(key=key, limit=_colour_limit(dL_dC, A, B, wrt))
        costs = matmul_costs(M, N, P, wrt)
        state = VjpState(
            (M, N, P), wrt, seed, dL_dC, vjp, running, divmod(number - 1, P), number, pixels, s,
            (M * costs.x_shape[0], P * costs.x_shape[1]), limits["limit"], costs,
            matmul_costs(1000, 1000, 1000, wrt), None, None, None,
            _refusal(wrt, costs.tensor_bytes, DEFAULT_MAX_BYTES, costs.vjp_bytes)
            if costs.tensor_bytes > DEFAULT_MAX_BYTES else None, measuring=True)

        def show(measured):
            if key not in measurements:
                measurements[key] = measured
                while len(measurements) > MOST_MEASUREMENTS:
                    measurements.popitem(last=False)
            tensor_seconds, vjp_seconds, difference, refused = measured
            done = replace(state, tensor_seconds=tensor_seconds, vjp_seconds=vjp_seconds,
                           difference=difference, refused=refused, measuring=False)
            picture.show(done)
            readout.value = _readout(done)

        def pending():  # drawn at once; both routes are timed after (see Explorer)
            picture.show(state)
            readout.value = _readout(state)

        if key in measurements:  # measured before: drawn complete at once
            return show(measurements[key])
        return Later(lambda: _measure(dL_dC, A, B, wrt), show, pending)

    explorer = Explorer(controls, readout, build, companions={"play": play})
    explorer.measurements = measurements
    return explorer


def _readout(s: VjpState) -> str:
    costs, wrt = s.costs, s.wrt
    M, N, P = s.sizes
    formula = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"
    gap = float(np.max(np.abs(s.running - s.vjp)))
    i, j = s.entry
    if s.measuring and s.refused is None:
        headline = (f"<b>dL/d{wrt} both ways</b>: the tensor route needs <b>"
                    f"{costs.tensor_bytes / costs.vjp_bytes:.0f}× the memory</b>; timing both "
                    f"routes and comparing them: <i>measuring…</i>")
    elif s.refused is None:
        headline = (f"<b>Same dL/d{wrt}</b> (largest difference {s.difference:.1e}); the tensor "
                    f"route needs <b>{costs.tensor_bytes / costs.vjp_bytes:.0f}× the memory</b> "
                    f"and took <b>{s.tensor_seconds / s.vjp_seconds:.0f}× the time</b>.")
    else:
        headline = (f"<b>The memory guard refused the tensor</b>: "
                    f"{format_bytes(costs.tensor_bytes)} over the budget of "
                    f"{format_bytes(DEFAULT_MAX_BYTES)}; the VJP needs "
                    f"{format_bytes(costs.vjp_bytes)}.")
    at_1000 = s.costs_at_1000
    progress = (f"A {M} × {N}, B {N} × {P}, C {M} × {P} (seed {s.seed}). Running sum after "
                f"{s.entry_number} of {M * P} entries (the last {entry_name(i, j)}): largest "
                f"|sum − VJP| = {gap:.1e}.")
    return (f"<p style='font-size:14px;margin:4px 0'>{headline}</p>"
            f"<p style='font-size:14px;margin:4px 0'>{progress}</p>") + html_table([
        ("builds", f"dC/d{wrt} {costs.tensor_shape}", f"one product {formula}"),
        ("memory (float64)", format_bytes(costs.tensor_bytes), format_bytes(costs.vjp_bytes)),
        ("multiplications", f"{costs.tensor_multiplications:,}", f"{costs.vjp_multiplications:,}"),
        ("time (measured once at this size)",
         "refused" if s.refused else "measuring…" if s.measuring else
         seconds_text(s.tensor_seconds),
         "measuring…" if s.measuring else seconds_text(s.vjp_seconds)),
        ("memory at n = 1000 (extrapolated, never built)", format_bytes(at_1000.tensor_bytes),
         format_bytes(at_1000.vjp_bytes)),
    ], header=("", "tensor route", "VJP route"))
