"""Explorer of 02-chain-rule: the cost of multiplying a chain of Jacobians in either order."""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from ..chain import chain_costs, chain_widths, random_chain, time_product
from ..plotting.chain_rule import ChainCostBars
from ._explorer import Explorer
from ._view import FigureView, check_whole, slider


@functools.lru_cache(maxsize=1)
def _pool(most: int, widest: int) -> list:
    """Random entries drawn once for the largest chain, shared by every chain explorer; each
    update slices its Jacobians from them (drawing 12 fresh 256×256 matrices would cost more
    than timing the products, and a copy per explorer 7 MB)."""
    return random_chain((widest,) * (most + 1), np.random.default_rng(0))


def chain_cost_explorer(length: int = 6, input_width: int = 128, hidden_width: int = 64,
                        output_width: int = 1) -> Explorer:
    """A chain of Jacobians J_D···J_1 with chosen widths: multiplications counted for both
    orders of the product (input side first or loss side first) and the products timed."""

    check_whole("length", length, 2, 12)
    for name, width in (("input_width", input_width), ("hidden_width", hidden_width),
                        ("output_width", output_width)):
        check_whole(name, width, 1, 256)
    controls = {
        "length": slider("chain length D", length, 2, 12),
        "input_width": slider("input width n₀", input_width, 1, 256),
        "hidden_width": slider("hidden width", hidden_width, 1, 256),
        "output_width": slider("output width n_D", output_width, 1, 256),
    }
    readout = widgets.HTML()
    widest = max(controls[k].max for k in ("input_width", "hidden_width", "output_width"))
    pool = _pool(controls["length"].max, widest)

    def plural(count: int) -> str:
        return "multiplication" if count == 1 else "multiplications"

    def build():
        view = FigureView(figsize=(8.5, 3.8), dpi=100)
        bars = ChainCostBars(*view.figure.subplots(1, 2))
        view.lay_out()  # once, for the font size in force (a deck sets a larger one)
        view.set_moving(bars.moving_artists())
        return view, lambda values: update(bars, values)

    def update(bars, values) -> None:
        widths = chain_widths(values["length"], values["input_width"], values["hidden_width"],
                              values["output_width"])
        costs = chain_costs(widths)
        jacobians = [np.ascontiguousarray(pool[k][:rows, :columns]) * np.sqrt(widest / columns)
                     for k, (rows, columns) in enumerate(costs.jacobian_shapes)]
        # a time budget per order: the largest chains are timed once, so updates stay quick
        seconds = [time_product(jacobians, order, repeats=3, budget=0.01)
                   for order in ("forward", "reverse")]
        counts = (costs.forward_multiplications, costs.reverse_multiplications)
        bars.show(counts, seconds)
        if counts[0] == counts[1]:
            verdict = "both orders cost the same"
        elif counts[1] < counts[0]:
            verdict = f"the loss side needs {counts[0] / counts[1]:,.1f}× fewer multiplications"
        else:
            verdict = f"the input side needs {counts[1] / counts[0]:,.1f}× fewer multiplications"
        shapes = " · ".join(f"{r}×{c}" for r, c in reversed(costs.jacobian_shapes))
        vjp_note = (" With one output (a scalar loss) every loss-side step is a row vector "
                    "times a Jacobian: a vector-Jacobian product."
                    if widths[-1] == 1 else "")
        readout.value = (
            f"widths n = {widths}: J<sub>D</sub>···J<sub>1</sub> = {shapes} → "
            f"{widths[-1]}×{widths[0]}<br>"
            f"input side first: <b>{counts[0]:,}</b> {plural(counts[0])}, "
            f"{seconds[0] * 1e3:.3f} ms &nbsp;|&nbsp; loss side first: <b>{counts[1]:,}</b> "
            f"{plural(counts[1])}, {seconds[1] * 1e3:.3f} ms &nbsp;|&nbsp; {verdict}."
            f"{vjp_note}")

    return Explorer(controls, readout, build)
