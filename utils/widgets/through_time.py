"""Explorer of 06-jacobians-through-time: how ||dh_T/dh_t|| grows or vanishes with T - t."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import rnn
from ._explorer import Explorer
from ._view import FigureView, check_choice, check_real, check_whole, float_slider, slider

RNN_HIDDEN, RNN_INPUTS, RNN_MAX_LENGTH = 16, 4, 100  # small enough to redraw in milliseconds
RNN_DECADES = 10  # the log axis snaps to multiples of 10^10, so few backgrounds are ever drawn
RNN_LOWEST = -40  # singular values below 10^-40 (exact zeros of relu) sit off the bottom
RNN_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _rnn_log_range(*arrays) -> tuple[int, int]:
    """Decade limits (low, high) holding every positive value: low snapped to RNN_DECADES,
    high to 5 decades."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    values = values[np.isfinite(values) & (values > 0)]
    low = max(np.floor(np.log10(values.min())), RNN_LOWEST) if len(values) else -1
    high = np.ceil(np.log10(values.max())) if len(values) else 1
    low = int(RNN_DECADES * np.floor(min(low, -1) / RNN_DECADES))
    high = int(5 * np.ceil(max(high, 1) / 5))  # finer at the top: most curves start near 1
    return low, high


def rnn_gradient_explorer(radius: float = 1.0, nonlinearity: str = "tanh",
                          length: int = 40) -> Explorer:
    """Spectral radius of W, nonlinearity, length T -> ||dh_T/dh_t|| against T - t; singular
    values of dh_T/dh_0 and of W."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    check_real("radius", radius, 0.5, 1.6)
    check_choice("nonlinearity", nonlinearity, rnn.NONLINEARITIES)
    check_whole("length", length, 5, RNN_MAX_LENGTH, step=5)

    rng = np.random.default_rng(0)
    W_unit = rnn.random_recurrent_matrix(RNN_HIDDEN, 1.0, rng)      # rescaled by the slider
    U = rng.normal(0.0, 0.5, size=(RNN_HIDDEN, RNN_INPUTS))
    xs = rng.normal(size=(RNN_MAX_LENGTH, RNN_INPUTS))
    controls = {
        "radius": float_slider("spectral radius of W", radius, 0.5, 1.6, step=0.05),
        "nonlinearity": widgets.Dropdown(options=list(rnn.NONLINEARITIES), value=nonlinearity,
                                         description="nonlinearity"),
        "length": slider("sequence length T", length, 5, RNN_MAX_LENGTH, 5),
    }
    steps_back = np.arange(RNN_MAX_LENGTH, -1, -1)     # T - t for t = 0..T, sliced per T

    def build():
        # Laid out once, for the font size in force (the decks set a larger one) and the widest
        # tick labels; then only what a key changes is redrawn: the frame (labels, the right
        # x axis) is drawn once, the x axis of the norms and both y axes once per (T, range),
        # cached by FigureView; an update draws the lines, the title and the legend over them
        view = FigureView(figsize=(9.6, 3.7), dpi=100)
        ax_norms, ax_sv = view.figure.subplots(1, 2, width_ratios=[1.7, 1])
        for ax in (ax_norms, ax_sv):
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_major_formatter(FuncFormatter(  # 10⁻⁵ as plain text: mathtext is slower
                lambda v, _: "10" + f"{np.log10(v):.0f}".translate(RNN_SUPERSCRIPTS)))
            ax.grid(alpha=0.3)
        ones = [ax.axhline(1.0, color="black", linewidth=0.8) for ax in (ax_norms, ax_sv)]
        (norm_line,) = ax_norms.plot(steps_back, np.ones(len(steps_back)), "o-", ms=3,
                                     color="tab:blue", label=r"$\|\partial h_T/\partial h_t\|_2$")
        (power_line,) = ax_norms.plot(steps_back, np.ones(len(steps_back)), "--",
                                      color="tab:gray", label=r"$\rho(W)^{T-t}$")
        ax_norms.set_xlabel("T − t (steps the gradient travels back)")
        ax_norms.set_ylabel("spectral norm (log scale)")
        legend = ax_norms.legend(loc="lower left")
        index = np.arange(1, RNN_HIDDEN + 1)
        (sv_product,) = ax_sv.plot(index, np.ones(RNN_HIDDEN), "o-", color="tab:red", ms=4)
        (sv_W,) = ax_sv.plot(index, np.ones(RNN_HIDDEN), "s--", color="tab:gray", ms=3)
        ax_sv.set_xlim(0.5, RNN_HIDDEN + 0.5)
        ax_sv.set_xlabel("index i (largest first)")
        ax_sv.set_ylabel("singular value σᵢ (log)")
        ax_norms.set_title(" ", fontsize="medium")
        ax_sv.set_title("σᵢ of $\\partial h_T/\\partial h_0$ (red)\nand of $W$ (grey)",
                        fontsize="medium")
        set_axes(view, ax_norms, ax_sv, RNN_MAX_LENGTH, (RNN_LOWEST, 5), (RNN_LOWEST, 5))
        view.lay_out()  # with the widest labels the keys will show
        view.set_keyed([ax_norms.xaxis, ax_norms.yaxis, ax_sv.yaxis, *ones,  # spines over the
                        *ax_norms.spines.values(), *ax_sv.spines.values()])  # grid, as in a draw
        view.set_moving([norm_line, power_line, sv_product, sv_W, ax_norms.title, legend])
        lines = (norm_line, power_line, sv_product, sv_W)
        return view, lambda values: update(view, (ax_norms, ax_sv), lines, values)

    readout = widgets.HTML()

    def set_axes(view, ax_norms, ax_sv, T, norm_range, sv_range):  # always set: the lines
        # are drawn with these limits
        view.key = (T, norm_range, sv_range)  # a new key: FigureView draws and caches a background
        ax_norms.set_xlim(-0.02 * T, 1.02 * T)
        for ax, (low, high) in ((ax_norms, norm_range), (ax_sv, sv_range)):
            ax.set_ylim(10.0 ** low, 10.0 ** high)
            step = 5 if high - low <= 30 else 10
            ax.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(low, high + 1, step)))

    def update(view, axes, lines, values):
        (ax_norms, ax_sv), (norm_line, power_line, sv_product, sv_W) = axes, lines
        T, phi, rho = values["length"], values["nonlinearity"], values["radius"]
        W = W_unit * rho
        trace = rnn.rnn_forward(W, U, xs[:T], nonlinearity=phi)
        norms = rnn.jacobian_norms(trace)                    # t = 0..T, one pass backwards
        power = rho ** (T - np.arange(T + 1))
        sv_of_product = np.linalg.svd(rnn.jacobian_through_time(trace, 0), compute_uv=False)
        sv_of_W = np.linalg.svd(W, compute_uv=False)
        sv_range = _rnn_log_range(sv_of_product, sv_of_W)
        set_axes(view, ax_norms, ax_sv, T, _rnn_log_range(norms, power), sv_range)
        norm_line.set_data(steps_back[-T - 1:], np.where(norms > 0, norms, np.nan))  # no zeros
        power_line.set_data(steps_back[-T - 1:], power)
        ax_norms.title.set_text(f"{phi} RNN, ρ(W) = {rho:.2f}, T = {T}")
        sv_product.set_ydata(np.where(sv_of_product > 0, sv_of_product, np.nan))
        sv_W.set_ydata(sv_of_W)
        hidden = np.sum(sv_of_product < 10.0 ** sv_range[0])
        readout.value = (
            f"ρ(W) = {rho:.2f}, ‖W‖₂ = σ₁(W) = {sv_of_W[0]:.3g}, {phi}, T = {T}: "
            f"‖∂h<sub>T</sub>/∂h<sub>T−1</sub>‖ = {norms[T - 1]:.3g}, "
            f"‖∂h<sub>T</sub>/∂h<sub>0</sub>‖ = <b>{norms[0]:.3g}</b>; singular values of "
            f"∂h<sub>T</sub>/∂h<sub>0</sub> from {sv_of_product[0]:.3g} down to "
            f"{sv_of_product[-1]:.3g}" + (f" ({hidden} below the plotted range)" if hidden else ""))

    return Explorer(controls, readout, build)
