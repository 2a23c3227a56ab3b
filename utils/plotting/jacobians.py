"""Pictures of 01-jacobians: finite-difference error against the step, and a plane map's warp."""

from __future__ import annotations

import numpy as np

from ..maps import grid_lines, square_outline

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
    f(x) + J·(square − x), spanned by Δ·(J's columns)."""

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
        # Δ·J[:, 0] and Δ·J[:, 1], the true image f(square) and the point f(x)
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
        ax_in.set_title("input x, square of side Δ")
        ax_out.set_title("output: the grid warped by f")
        ax_zoom.set_title("zoom: f(square) (black)\nvs f(x) + J·v (green)", fontsize="medium")
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
