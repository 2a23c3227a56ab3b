"""Pictures of Jacobians and of 4-D tensors laid out as a matrix of matrices.

Functions draw onto a matplotlib Axes they are given and return the artist they made, so the
notebooks and the widgets share one way of drawing and the widgets can update it in place.
Signed values use a diverging colour map centred on zero.
"""

from __future__ import annotations

import numpy as np

SIGNED_CMAP = "RdBu_r"  # red positive, blue negative, white zero


def symmetric_limit(values) -> float:
    """The colour limit that centres a diverging map on zero (never 0, so imshow is happy)."""
    limit = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return limit if limit > 0 else 1.0


def block_layout(tensor: np.ndarray) -> np.ndarray:
    """A 4-D tensor T[i, j, k, l] as a 2-D matrix of matrices: block (i, j) holds T[i, j]."""
    if tensor.ndim != 4:
        raise ValueError(f"block_layout needs a 4-D tensor; got shape {tensor.shape}")
    m, p, r, c = tensor.shape
    return tensor.transpose(0, 2, 1, 3).reshape(m * r, p * c)


def heatmap(ax, matrix, title: str = "", xlabel: str = "", ylabel: str = "", limit=None):
    """A signed matrix as a heatmap centred on zero; returns the image artist."""
    matrix = np.asarray(matrix)
    limit = symmetric_limit(matrix) if limit is None else limit
    image = ax.imshow(matrix, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return image


# === 01 Jacobians ===
E1_COLOUR, E2_COLOUR = "tab:orange", "tab:purple"  # the two input directions and J's columns


def plot_step_errors(ax, steps, errors: dict, eps: float = float(np.finfo(float).eps)):
    """Finite-difference error against the step h, log-log, with the optimal steps marked.

    `errors` maps "one-sided" and/or "central" to the errors at `steps` (increasing). Dashed
    guides, fitted to the data and drawn 5× above it, show the slopes h and h² (truncation,
    right of each minimum) and ε/h (round-off, left of it); dotted verticals mark √ε (best
    one-sided step) and ε^(1/3) (best central step). `eps` is ε, the machine epsilon.
    """
    steps = np.asarray(steps, dtype=float)
    low = eps / 10
    styles = {"one-sided": ("o-", "tab:red", 1, "h"), "central": ("s-", "tab:blue", 2, "h²")}
    roundoff = []
    for label, values in errors.items():
        values = np.maximum(np.asarray(values, dtype=float), low)
        marker, colour, power, name = styles[label]
        ax.loglog(steps, values, marker, color=colour, markersize=4, label=label)
        best = int(np.argmin(values))
        right = steps >= steps[best] / 3
        # fitted at the largest step (pure truncation), drawn 5× above the data to stay visible
        scale = 5 * values[-1] / steps[-1] ** power
        ax.loglog(steps[right], scale * steps[right] ** power, "--", color=colour,
                  linewidth=1.2, alpha=0.8, label=f"∝ {name}: truncation (guide, 5× above)")
        roundoff.append(np.median((values * steps / eps)[steps < 1e-12]))
    left = steps <= 1e-4
    ax.loglog(steps[left], 5 * max(roundoff) * eps / steps[left], "--", color="gray",
              linewidth=1.2, alpha=0.8, label="∝ ε/h: round-off (guide, 5× above)")
    for step, label in ((np.sqrt(eps), "√ε"), (eps ** (1 / 3), "ε^(1/3)")):
        ax.axvline(step, color="black", linestyle=":", linewidth=1)
        ax.text(step * 1.15, 3e-1, f"h = {label}\n≈ {step:.0e}", fontsize=11, va="top")
    smallest = min(float(np.min(np.maximum(v, low))) for v in errors.values())
    ax.set_ylim(smallest / 10, 10)
    ax.set_xlabel("step h")
    ax.set_ylabel("|estimate − exact derivative|")
    # below the axes: inside, a legend would hide the bottom of the central curve's V
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=10, ncol=2)


class WarpPicture:
    """A plane map drawn in three panels, updated in place: the input grid with a small square at
    x; the warped grid with the square's image; a zoom on f(square) next to the parallelogram
    f(x) + J·(square − x), spanned by δ·(J's columns)."""

    def __init__(self, ax_in, ax_out, ax_zoom, lines: int = 9):
        from matplotlib.patches import Polygon

        self.ax_in, self.ax_out, self.ax_zoom, self.n_lines = ax_in, ax_out, ax_zoom, lines
        grid_style = {"color": "0.75", "linewidth": 0.8}
        self.grid_in = [ax_in.plot([], [], **grid_style)[0] for _ in range(2 * lines)]
        self.grid_out = [ax_out.plot([], [], **grid_style)[0] for _ in range(2 * lines)]
        self.square = Polygon(np.zeros((4, 2)), closed=True, facecolor="0.6", alpha=0.4,
                              edgecolor="black")
        ax_in.add_patch(self.square)
        self.edges_in = [ax_in.plot([], [], color=c, linewidth=3)[0]
                         for c in (E1_COLOUR, E2_COLOUR)]
        self.point_in, = ax_in.plot([], [], "o", color="black", markersize=5)
        # output and zoom show the same things: the parallelogram, its two edges along
        # δ·J[:, 0] and δ·J[:, 1], the true image f(square) and the point f(x)
        self.parallelograms, self.images, self.columns, self.points_out = [], [], [], []
        for ax, width in ((ax_out, 1.5), (ax_zoom, 2.5)):
            parallelogram = Polygon(np.zeros((4, 2)), closed=True, facecolor="tab:green",
                                    alpha=0.3, edgecolor="tab:green", linewidth=1.5)
            ax.add_patch(parallelogram)
            self.parallelograms.append(parallelogram)
            self.images.append(ax.plot([], [], color="black", linewidth=width)[0])
            self.columns += [ax.plot([], [], color=c, linewidth=width + 1.5,
                                     solid_capstyle="butt")[0] for c in (E1_COLOUR, E2_COLOUR)]
            self.points_out.append(ax.plot([], [], "o", color="black", markersize=5)[0])
        ax_in.set_title("input x, square of side δ")
        ax_out.set_title("output: the grid warped by f")
        ax_zoom.set_title("zoom: f(square) (black)\nvs f(x) + J·d (green)", fontsize=10)
        ax_zoom.set_xticks([])
        ax_zoom.set_yticks([])  # no ticks: the zoom's limits move without redrawing its frame
        for ax in (ax_in, ax_out, ax_zoom):
            ax.set_aspect("equal", adjustable="box")

    def moving_artists(self) -> list:
        """The artists show_point changes (the rest changes only with the map)."""
        return [self.square, *self.edges_in, self.point_in, *self.parallelograms,
                *self.images, *self.columns, *self.points_out]

    def show_map(self, plane_map, margin: float = 0.0) -> None:
        """Draw the grid of `plane_map` (a utils.maps.PlaneMap) and its image, with axis limits
        wide enough for a square reaching `margin` beyond the domain (and for its image)."""
        from .maps import grid_lines

        lines = grid_lines(plane_map.domain, self.n_lines)
        images = [plane_map(line) for line in lines]
        for artist, line in zip(self.grid_in, lines, strict=True):
            artist.set_data(*line)
        for artist, image in zip(self.grid_out, images, strict=True):
            artist.set_data(*image)
        padded = [(low - margin, high + margin) for low, high in plane_map.domain]
        reach = grid_lines(padded, self.n_lines + 2)  # only sets the limits, never drawn
        for ax, paths in ((self.ax_in, lines + reach),
                          (self.ax_out, images + [plane_map(line) for line in reach])):
            points = np.concatenate(paths, axis=1)
            low, high = points.min(axis=1), points.max(axis=1)
            pad = 0.06 * (high - low).max()
            ax.set_xlim(low[0] - pad, high[0] + pad)
            ax.set_ylim(low[1] - pad, high[1] + pad)
        self.ax_in.set_xlabel(plane_map.input_names[0])
        self.ax_in.set_ylabel(plane_map.input_names[1])
        self.ax_out.set_xlabel("f₁")
        self.ax_out.set_ylabel("f₂")

    def show_point(self, plane_map, point, size: float):
        """Square of side `size` centred on `point`, its image and J's parallelogram; returns
        (jacobian, image of the square's outline, parallelogram corners)."""
        from .maps import square_outline

        point = np.asarray(point, dtype=float)
        jacobian = plane_map.jacobian(point)
        corner = point - size / 2  # bottom-left: the orange and purple edges start here
        corners_in = corner + size * np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
        self.square.set_xy(corners_in)
        self.edges_in[0].set_data([corner[0], corner[0] + size], [corner[1]] * 2)
        self.edges_in[1].set_data([corner[0]] * 2, [corner[1], corner[1] + size])
        self.point_in.set_data([point[0]], [point[1]])
        image_path = plane_map(square_outline(point, size, centred=True))
        centre_out = plane_map(point)
        corners_out = centre_out + (corners_in - point) @ jacobian.T
        for parallelogram, image, point_out in zip(self.parallelograms, self.images,
                                                   self.points_out, strict=True):
            parallelogram.set_xy(corners_out)
            image.set_data(*image_path)
            point_out.set_data([centre_out[0]], [centre_out[1]])
        base = corners_out[0]  # the image of the corner under the linear map
        for line, column in zip(self.columns, list(jacobian.T) * 2, strict=True):
            tip = base + size * column
            line.set_data([base[0], tip[0]], [base[1], tip[1]])
        shown = np.concatenate([image_path, corners_out.T], axis=1)
        centre = (shown.min(axis=1) + shown.max(axis=1)) / 2
        half = 0.6 * float((shown.max(axis=1) - shown.min(axis=1)).max()) + 1e-12
        self.ax_zoom.set_xlim(centre[0] - half, centre[0] + half)
        self.ax_zoom.set_ylim(centre[1] - half, centre[1] + half)
        return jacobian, image_path, corners_out
# (end of 01 Jacobians)


# === 02 Chain rule ===
ORDER_COLOURS = {"forward": "tab:orange", "reverse": "tab:blue"}


class ChainCostBars:
    """Two bar charts (log scale) for the two orders of a chain product: multiplications counted
    and time measured. `show` moves the bars and labels in place."""

    LABELS = ("from the input side\n(forward)", "from the loss side\n(reverse)")

    def __init__(self, ax_count, ax_time, count_range=(0.5, 1e10), time_range=(1e-6, 10.0)):
        self.axes = (ax_count, ax_time)
        self.bars, self.texts = [], []
        for ax in self.axes:
            bars = ax.bar([0, 1], [1, 1], color=[ORDER_COLOURS["forward"],
                                                  ORDER_COLOURS["reverse"]], width=0.6)
            ax.set_yscale("log")
            ax.set_xticks([0, 1], self.LABELS)
            ax.set_xlim(-0.6, 1.6)
            self.bars.append(bars)
            self.texts.append([ax.text(k, 1, "", ha="center", va="bottom", fontsize=10)
                               for k in (0, 1)])
        ax_count.set_title("multiplications (counted)")
        ax_count.set_ylabel("scalar multiplications")
        ax_time.set_title("time of the product (measured)")
        ax_time.set_ylabel("seconds (best of a few runs, 1 thread)")
        # fixed ranges: the axes never change, so only the bars and labels are redrawn
        ax_count.set_ylim(*count_range)
        ax_time.set_ylim(*time_range)

    def moving_artists(self) -> list:
        return [artist for bars, texts in zip(self.bars, self.texts, strict=True)
                for artist in (*bars, *texts)]

    def show(self, multiplications, seconds) -> None:
        """multiplications, seconds: (forward, reverse) pairs."""
        formats = (lambda v: f"{v:,.0f}", lambda v: f"{v * 1e3:.3g} ms")
        for ax, bars, texts, values, fmt in zip(self.axes, self.bars, self.texts,
                                                (multiplications, seconds), formats,
                                                strict=True):
            low, high = ax.get_ylim()
            for bar, text, value in zip(bars, texts, values, strict=True):
                value = float(value)
                bar.set_height(min(max(value, low), high))
                text.set_y(min(max(value, low) * 1.2, high / 3))
                text.set_text(fmt(value))
# (end of 02 Chain rule)


# === 03 Matrix by matrix ===
HIGHLIGHT_COLOUR = "#1a9e3a"  # green: stands out against the red-white-blue of SIGNED_CMAP


def set_image(ax, image, matrix, limit=None) -> None:
    """Replace an imshow image's data in place, also when its shape changes."""
    matrix = np.asarray(matrix)
    rows, cols = matrix.shape
    image.set_data(matrix)
    image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    limit = symmetric_limit(matrix) if limit is None else limit
    image.set_clim(-limit, limit)


class TensorPicture:
    """A 4-D tensor as a block matrix that can change shape in place (for the widgets).

    Draws once: the image, enough block borders for the largest tensor, a highlight rectangle;
    `show` moves and hides them instead of clearing the axes.
    """

    def __init__(self, ax, max_blocks_down: int, max_blocks_across: int, ticks: bool = True):
        from matplotlib.patches import Rectangle  # here, so this section needs no shared import

        self.ax = ax
        self.ticks = ticks  # tick labels cost a few ms each to render: widgets go without
        if not ticks:
            ax.set_xticks([])
            ax.set_yticks([])
        self.image = ax.imshow(np.zeros((1, 1)), cmap=SIGNED_CMAP, vmin=-1, vmax=1,
                               interpolation="nearest")
        style = {"color": "black", "linewidth": 1.5}
        self.row_lines = [ax.axhline(0, **style) for _ in range(max_blocks_down - 1)]
        self.col_lines = [ax.axvline(0, **style) for _ in range(max_blocks_across - 1)]
        self.highlight = Rectangle((-0.5, -0.5), 1, 1, fill=False, linewidth=3.5,
                                   edgecolor=HIGHLIGHT_COLOUR, zorder=5, clip_on=False)
        ax.add_patch(self.highlight)

    def show(self, tensor, highlight=None, limit=None) -> None:
        """Draw `tensor` (C.shape + X.shape); outline block `highlight` = (i, j) if given."""
        tensor = np.asarray(tensor)
        m, p, r, c = tensor.shape
        if m - 1 > len(self.row_lines) or p - 1 > len(self.col_lines):
            raise ValueError(f"TensorPicture was made for at most {len(self.row_lines) + 1} x "
                             f"{len(self.col_lines) + 1} blocks; got {m} x {p}")
        set_image(self.ax, self.image, block_layout(tensor), limit)
        for k, line in enumerate(self.row_lines):
            line.set_visible(k + 1 < m)
            line.set_ydata([(k + 1) * r - 0.5] * 2)
        for k, line in enumerate(self.col_lines):
            line.set_visible(k + 1 < p)
            line.set_xdata([(k + 1) * c - 0.5] * 2)
        if self.ticks:  # 1-based, as in the math: block (i, j) = 1, 1 is dC_dX[0, 0]
            self.ax.set_xticks([j * c + (c - 1) / 2 for j in range(p)],
                               [f"j={j + 1}" for j in range(p)])
            self.ax.set_yticks([i * r + (r - 1) / 2 for i in range(m)],
                               [f"i={i + 1}" for i in range(m)])
        self.highlight.set_visible(highlight is not None)
        if highlight is not None:
            i, j = highlight
            self.highlight.set_xy((j * c - 0.5, i * r - 0.5))
            self.highlight.set_width(c)
            self.highlight.set_height(r)


def matrix_of_matrices(ax, tensor, title: str = "", wrt: str = "A", highlight=None,
                       annotate: bool = False):
    """A static picture of dC/dX (C.shape + X.shape): blocks labelled i = .., j = .. ."""
    tensor = np.asarray(tensor)
    if tensor.ndim != 4:
        raise ValueError(f"matrix_of_matrices needs a 4-D tensor; got shape {tensor.shape}")
    picture = TensorPicture(ax, tensor.shape[0], tensor.shape[1], ticks=True)
    picture.show(tensor, highlight=highlight)
    ax.set_title(title)
    ax.set_xlabel(f"block column j of C  (inside a block: column l of {wrt})")
    ax.set_ylabel(f"block row i of C\n(inside: row k of {wrt})")
    ax.tick_params(length=0)
    if annotate:
        annotate_cells(ax, block_layout(tensor))
    return picture.image


def annotate_cells(ax, matrix, fmt: str = "{:g}", skip_zeros: bool = True, fontsize=11,
                   limit=None):
    """Write each entry of a small matrix into its heatmap cell (white on dark cells).

    `limit`: the colour limit the heatmap was drawn with (default: the matrix's own), so that
    "dark" means dark in the picture also when several panels share one scale.
    """
    matrix = np.asarray(matrix)
    limit = symmetric_limit(matrix) if limit is None else limit
    texts = []
    for (row, col), value in np.ndenumerate(matrix):
        if skip_zeros and value == 0:
            continue
        colour = "white" if abs(value) > 0.6 * limit else "black"
        texts.append(ax.text(col, row, fmt.format(value), ha="center", va="center",
                             color=colour, fontsize=fontsize))
    return texts


def plot_tensor_memory(ax, sizes, itemsize: int = 8, budget: int | None = None):
    """Bytes of dC/dA (n**4 entries) against dL/dA (n**2 entries) for square n x n, log-log."""
    sizes = np.asarray(sizes, dtype=float)
    ax.loglog(sizes, sizes**4 * itemsize, "o-", color="tab:red",
              label="tensor dC/dA: $n^4$ entries")
    ax.loglog(sizes, sizes**2 * itemsize, "s-", color="tab:blue",
              label="gradient dL/dA: $n^2$ entries")
    if budget is not None:
        from .costs import format_bytes

        ax.axhline(budget, color="gray", linestyle="--", linewidth=1.2)
        ax.text(sizes[0], budget * 1.6, f"memory budget of matmul_jacobian: "
                                        f"{format_bytes(budget)}", color="dimgray")
    ticks = [1024.0**k for k in range(0, 7)]
    ax.set_yticks(ticks, ["1 B", "1 KiB", "1 MiB", "1 GiB", "1 TiB", "1 PiB", "1 EiB"])
    ax.set_ylim(min(sizes**2 * itemsize) / 4, max(sizes**4 * itemsize) * 4)
    ax.set_xlabel("n   (A, B and C are n × n)")
    ax.set_ylabel("memory (float64)")
    ax.set_title("Memory of the 4-D tensor against the gradient it produces")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left")
# (end of 03 Matrix by matrix)


# === 04 The efficient VJP ===
def plot_route_scaling(ax_time, ax_memory, measurement, smallest: int = 16) -> dict:
    """Measured time and peak memory of both routes against n, log-log, slopes in the legend.

    `measurement` is a utils.routes.RouteMeasurement; slopes are fitted on sizes >= `smallest`
    and returned.
    """
    from .costs import format_bytes

    slopes = measurement.slopes(smallest)
    sizes = measurement.sizes
    panels = ((ax_time, "seconds", "time per call (best of 3, 1 BLAS thread)",
               "Measured time of each route"),
              (ax_memory, "bytes", "peak memory (tracemalloc)", "Measured peak memory"))
    for ax, unit, ylabel, title in panels:
        tensor, vjp = getattr(measurement, f"tensor_{unit}"), getattr(measurement, f"vjp_{unit}")
        ax.loglog(sizes, tensor, "o-", color="tab:red",
                  label=f"tensor route: slope {slopes[f'tensor_{unit}']:.1f}")
        ax.loglog(sizes, vjp, "s-", color="tab:blue",
                  label=f"VJP route: slope {slopes[f'vjp_{unit}']:.1f}")
        last = int(np.max(np.nonzero(np.isfinite(tensor))))
        limit = format_bytes(measurement.tensor_max_bytes)
        ax.annotate(f"n > {sizes[last]}: tensor over the\n{limit} measuring limit,\nnot tried",
                    (sizes[last], tensor[last]), xytext=(12, -44), textcoords="offset points",
                    color="tab:red")
        ax.axvline(smallest, color="gray", linestyle=":", linewidth=1)
        ax.set_xlabel("n   (A, B and dL/dC are n × n)")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="upper left", title=f"slopes fitted for n ≥ {smallest}",
                  fontsize="small", title_fontsize="small")
    ticks = [1024.0**k for k in range(1, 4)]
    ax_memory.set_yticks(ticks, ["1 KiB", "1 MiB", "1 GiB"])
    seconds = np.concatenate([measurement.tensor_seconds, measurement.vjp_seconds])
    low, high = np.nanmin(seconds), np.nanmax(seconds)
    ticks = [(t, label) for t, label in ((1e-6, "1 µs"), (1e-5, "10 µs"), (1e-4, "100 µs"),
                                         (1e-3, "1 ms"), (1e-2, "10 ms"), (1e-1, "100 ms"),
                                         (1.0, "1 s"), (10.0, "10 s")) if low <= t <= high]
    ax_time.set_yticks([t for t, _ in ticks], [label for _, label in ticks])
    return slopes


def plot_block_combination(axes, dL_dC, dC_dX, weight_names=None, wrt: str = "A"):
    """The chain rule as a picture: each block ∂c_ij/∂X, titled with its weight dL/dc_ij, then
    their weighted sum dL/dX. `axes`: one Axes per entry of C, plus one for the sum.
    """
    dL_dC, dC_dX = np.asarray(dL_dC, dtype=float), np.asarray(dC_dX, dtype=float)
    m, p = dL_dC.shape
    if dC_dX.shape[:2] != (m, p) or len(axes) != m * p + 1:
        raise ValueError(f"need dC_dX of shape {(m, p)} + X.shape and {m * p + 1} axes; got "
                         f"dC_dX {dC_dX.shape} and {len(axes)} axes")
    names = weight_names or [f"{w:g}" for w in dL_dC.ravel()]
    result = np.tensordot(dL_dC, dC_dX, axes=2)
    limit = symmetric_limit(np.concatenate([dC_dX.ravel(), result.ravel()]))
    subscript = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
    for ax, (i, j) in zip(axes[:-1], np.ndindex(m, p), strict=True):
        ax.imshow(dC_dX[i, j], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        annotate_cells(ax, dC_dX[i, j], fontsize=13, limit=limit)
        sign = "" if (i, j) == (0, 0) else "+ "
        entry = f"{i + 1}{j + 1}".translate(subscript)
        ax.set_title(f"{sign}{names[i * p + j]} ×\n∂c{entry}/∂{wrt}")
    ax = axes[-1]
    ax.imshow(result, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    annotate_cells(ax, result, fontsize=13, limit=limit)
    ax.set_title(f"= dL/d{wrt}")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return result
# (end of 04 The efficient VJP)


# === 05 The backward pass ===

def digit_grid(figure, images, predicted, true, columns: int = 8):
    """8x8 digit images in a grid titled 'predicted (true)'; wrong predictions framed in red."""
    images = np.asarray(images)
    if images.ndim != 2 or images.shape[1] != 64 or not len(images) == len(predicted) == len(true):
        raise ValueError(f"digit_grid needs images (k, 64) with k predicted and k true labels; "
                         f"got images {images.shape}, {len(predicted)} and {len(true)} labels")
    rows = -(-len(images) // columns)
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_visible(False)
    for ax, image, guess, label in zip(axes.flat, images, predicted, true, strict=False):
        wrong = guess != label
        ax.set_visible(True)
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{guess} ({label})", fontsize=11, color="red" if wrong else "black",
                     fontweight="bold" if wrong else "normal")
        for spine in ax.spines.values():
            spine.set_color("red" if wrong else "lightgray")
            spine.set_linewidth(3 if wrong else 1)
    return axes
# (end of 05 The backward pass)


# === 06 Jacobians through time ===
# (end of 06 Jacobians through time)
