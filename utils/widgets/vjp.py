"""Explorers of 04-efficient-vjp: the tensor route next to the VJP, and the routes' scaling."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..costs import format_bytes, matmul_costs
from ..matmul import chain_rule_via_tensor, matmul_jacobian
from ..plotting._matrices import SIGNED_CMAP, set_image
from ..plotting.matrix_by_matrix import TensorPicture
from ..routes import best_time, measure_routes, vjp_route
from ._view import Explorer, FigureView, Frame, check_sizes, dropdown, html_table, slider


def _seconds(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.1f} ms"


def measure_routes_with_progress(sizes, wrt: str = "A", **options):
    """utils.routes.measure_routes with a progress bar shown while it measures."""
    from IPython.display import display


    progress = widgets.IntProgress(value=0, max=len(sizes), description="measuring")
    display(progress)
    return measure_routes(sizes, wrt=wrt, on_progress=lambda k: setattr(progress, "value", k),
                          **options)


_PANEL_BOXES = {"weights": (0.02, 0.12, 0.15, 0.62),  # figure fractions: left, bottom, w, h
                "tensor": (0.22, 0.12, 0.46, 0.62),
                "vjp": (0.73, 0.12, 0.25, 0.62)}


def tensor_vs_vjp_explorer(m: int = 3, n: int = 4, p: int = 5, seed: int = 0, wrt: str = "A",
                           max_size: int = 8) -> Explorer:
    """dL/dX of C = A @ B two ways: through the 4-D tensor dC/dX, and as one matrix product.

    All three pictures (the weights dL/dC, the tensor, the result) share one scale, one square
    per number, so the tensor's area against the gradient's is its memory against the VJP's.
    """

    check_sizes(max_size, 10, m=m, n=n, p=p)
    if wrt not in ("A", "B"):
        raise ValueError(f"wrt must be 'A' or 'B'; got {wrt!r}")
    controls = {"m": slider("m (rows of A)", m, 1, max_size),
                "n": slider("n (cols of A)", n, 1, max_size),
                "p": slider("p (cols of B)", p, 1, max_size),
                "seed": slider("random seed", seed, 0, 20),
                "wrt": dropdown("gradient of L by", ["A", "B"], wrt)}
    view = FigureView(figsize=(10, 4.6), dpi=100)
    figure = view.figure
    ax_tensor = figure.add_axes(_PANEL_BOXES["tensor"])
    ax_vjp = figure.add_axes(_PANEL_BOXES["vjp"])
    ax_weights = figure.add_axes(_PANEL_BOXES["weights"])
    box_pixels = {name: (box[2] * 1000, box[3] * 460) for name, box in _PANEL_BOXES.items()}
    for ax in (ax_tensor, ax_vjp, ax_weights):
        ax.set_axis_off()
    picture = TensorPicture(ax_tensor, max_size, max_size, ticks=False)
    tensor_frame = Frame(ax_tensor)
    vjp_image = ax_vjp.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, interpolation="nearest")
    weights_image = ax_weights.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP,
                                      interpolation="nearest")
    vjp_frame, weights_frame = Frame(ax_vjp), Frame(ax_weights)
    titles = {name: ax.text(0, 1.04, "", fontsize=12, va="bottom", transform=ax.transAxes,
                            clip_on=False)
              for name, ax in (("tensor", ax_tensor), ("vjp", ax_vjp),
                               ("weights", ax_weights))}
    figure.text(0.5, 0.03, "All three pictures at the same scale: one square = one float64 "
                           "(8 bytes). White = 0.", ha="center", fontsize=11, color="dimgray")
    figure.text(0.195, 0.7, "×", ha="center", va="center", fontsize=20, color="dimgray")
    figure.text(0.705, 0.7, "=", ha="center", va="center", fontsize=20, color="dimgray")
    heading = figure.text(0.5, 0.92, "", ha="center", fontsize=13)
    view.set_moving([picture.image, *picture.row_lines, *picture.col_lines, tensor_frame,
                     vjp_image, vjp_frame, weights_image, weights_frame])  # titles: background
    readout = widgets.HTML()

    def same_scale(shapes: dict) -> float:
        """Pixels per entry that fit every picture into its box (at most 30)."""
        return min([30.0] + [min(box_pixels[name][0] / cols, box_pixels[name][1] / rows)
                             for name, (rows, cols) in shapes.items()])

    def place(ax, name, scale) -> tuple:
        """Axis limits that draw one entry as `scale` pixels, anchored at the top left."""
        width, height = box_pixels[name]
        ax.set_aspect("auto")
        ax.set_xlim(-0.5, width / scale - 0.5)
        ax.set_ylim(height / scale - 0.5, -0.5)
        return width / scale, height / scale

    def update(values):
        m, n, p, wrt = values["m"], values["n"], values["p"], values["wrt"]
        rng = np.random.default_rng(values["seed"])
        A, B = rng.standard_normal((m, n)), rng.standard_normal((n, p))
        dL_dC = rng.standard_normal((m, p))
        dC_dX = matmul_jacobian(A, B, wrt)
        via_tensor = chain_rule_via_tensor(dL_dC, dC_dX)
        via_vjp = vjp_route(dL_dC, A, B, wrt)
        tensor_time = best_time(lambda: chain_rule_via_tensor(dL_dC, matmul_jacobian(A, B, wrt)),
                                repeats=3, min_seconds=5e-4)
        vjp_time = best_time(lambda: vjp_route(dL_dC, A, B, wrt), repeats=3, min_seconds=5e-4)
        difference = float(np.max(np.abs(via_tensor - via_vjp)))
        costs = matmul_costs(m, n, p, wrt)
        formula = "dL/dC · Bᵀ" if wrt == "A" else "Aᵀ · dL/dC"

        view.key = (wrt, m, n, p)  # the titles name sizes and bytes: drawn once per shape
        heading.set_text(f"dL/d{wrt} = Σ over the entries c_ij of C:  weight dL/dc_ij × "
                         f"block ∂c_ij/∂{wrt}")
        picture.show(dC_dX)
        set_image(ax_vjp, vjp_image, via_vjp)
        set_image(ax_weights, weights_image, dL_dC)
        rows, cols = dC_dX.shape[0] * dC_dX.shape[2], dC_dX.shape[1] * dC_dX.shape[3]
        scale = same_scale({"tensor": (rows, cols), "vjp": via_vjp.shape,
                            "weights": dL_dC.shape})
        width, height = place(ax_tensor, "tensor", scale)
        place(ax_vjp, "vjp", scale)
        place(ax_weights, "weights", scale)
        for line in picture.row_lines:  # block borders span the picture, not the whole box
            line.set_xdata([0, cols / width])
        for line in picture.col_lines:
            line.set_ydata([1 - rows / height, 1])
        tensor_frame.fit((rows, cols))
        vjp_frame.fit(via_vjp.shape)
        weights_frame.fit(dL_dC.shape)
        titles["weights"].set_text(f"weights dL/dC\n{m} × {p}")
        titles["tensor"].set_text(f"tensor route: dC/d{wrt} {dC_dX.shape}\n"
                                  f"{format_bytes(costs.tensor_bytes)}, "
                                  f"{costs.tensor_multiplications:,} multiplication"
                                  f"{'s' if costs.tensor_multiplications != 1 else ''}")
        titles["vjp"].set_text(f"VJP: dL/d{wrt} = {formula}\n"
                               f"{format_bytes(costs.vjp_bytes)}, "
                               f"{costs.vjp_multiplications:,} multiplication"
                               f"{'s' if costs.vjp_multiplications != 1 else ''}")

        memory_ratio = costs.tensor_bytes / costs.vjp_bytes
        work_ratio = costs.tensor_multiplications / costs.vjp_multiplications
        at_1000 = matmul_costs(1000, 1000, 1000, wrt)
        headline = (f"<b>Same dL/d{wrt}</b> (largest difference {difference:.1e}); the tensor "
                    f"route needs <b>{memory_ratio:.0f}× the memory</b> and "
                    f"<b>{work_ratio:.1f}× the multiplications</b>, "
                    f"{costs.tensor_zero_multiplications / costs.tensor_multiplications:.0%} "
                    f"of them by zero.")
        readout.value = f"<p style='font-size:14px;margin:4px 0'>{headline}</p>" + html_table([
            ("builds", f"dC/d{wrt} {dC_dX.shape}, then Σ<sub>ij</sub> (dL/dc<sub>ij</sub>) "
                       f"∂c<sub>ij</sub>/∂{wrt}", f"one matrix product {formula}"),
            ("memory (float64)", format_bytes(costs.tensor_bytes), format_bytes(costs.vjp_bytes)),
            ("multiplications", f"{costs.tensor_multiplications:,}",
             f"{costs.vjp_multiplications:,}"),
            ("… of them by zero", f"{costs.tensor_zero_multiplications:,}", "0"),
            ("time per call (best of 3)", _seconds(tensor_time), _seconds(vjp_time)),
            ("result", f"dL/d{wrt} {via_tensor.shape}", f"dL/d{wrt} {via_vjp.shape}"),
            ("largest |difference|", f"{difference:.1e}", ""),
            ("memory at n = 1000 (m = n = p)", format_bytes(at_1000.tensor_bytes),
             format_bytes(at_1000.vjp_bytes)),
        ], header=("", "tensor route", "VJP route")) + (
            "<p style='font-size:13px;margin:4px 0;color:#555'>At these tiny sizes the times "
            "are mostly per-call overhead (numpy's function calls take microseconds whatever "
            "the size), not arithmetic; the measured plot above shows how each route grows. "
            f"The sizes say more: at n = 1000 the tensor would need "
            f"{format_bytes(at_1000.tensor_bytes)} against {format_bytes(at_1000.vjp_bytes)} "
            f"for the gradient.</p>")

    return Explorer(controls, view, readout, update)
