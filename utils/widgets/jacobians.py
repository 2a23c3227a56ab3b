"""Explorer of 01-jacobians: a plane map, the square it warps and its Jacobian."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..maps import PLANE_MAPS, enclosed_area, square_outline
from ..plotting.jacobians import E1_COLOUR, E2_COLOUR, WarpPicture
from ._explorer import Explorer
from ._view import FigureView, check_choice, float_slider


def jacobian_explorer(map_name: str = "polar → Cartesian") -> Explorer:
    """A plane map warping a grid; at a point chosen with sliders, the image of a small square
    next to the parallelogram spanned by Δ·(the Jacobian's columns), with det J. The square is
    centred on the point, so its area ratio matches det J up to O(Δ²)."""

    check_choice("map_name", map_name, PLANE_MAPS)
    first = PLANE_MAPS[map_name]
    controls = {
        "map": widgets.Dropdown(options=list(PLANE_MAPS), value=map_name, description="map"),
        "x1": float_slider(first.input_names[0], first.default_point[0], *first.domain[0]),
        "x2": float_slider(first.input_names[1], first.default_point[1], *first.domain[1]),
        "size": float_slider("square side Δ", 0.25, 0.02, 0.6),
    }
    margin = controls["size"].max / 2  # room for the largest square (centred on x) at the edge
    readout = widgets.HTML()

    def build():
        view = FigureView(figsize=(10, 4), dpi=100)
        picture = WarpPicture(*view.figure.subplots(1, 3, width_ratios=(1, 1.3, 1)))
        view.lay_out(*(lambda m=m: picture.show_map(m, margin) for m in PLANE_MAPS.values()))
        # once, for every map's labels at the font size in force (a deck sets a larger one)
        view.set_moving(picture.moving_artists())
        for name, plane_map in PLANE_MAPS.items():  # each map's grid drawn once, up front
            view.key = name
            picture.show_map(plane_map, margin)
            view.draw_background()
        state = {"map": None, "view": view, "picture": picture}
        return view, lambda values: update(state, values)

    def switch_map(state, plane_map) -> None:  # runs inside update: Explorer ignores these changes
        moved = () if state["map"] is None else (("x1", 0), ("x2", 1))  # None: a figure built
        for key, k in moved:  # anew, for controls that already fit this map
            control = controls[key]
            low, high = plane_map.domain[k]
            control.min, control.max = min(control.min, low), max(control.max, high)
            control.value = plane_map.default_point[k]
            control.min, control.max = low, high
            control.description = plane_map.input_names[k]
        state["picture"].show_map(plane_map, margin)
        state["view"].key = state["map"] = plane_map.name

    def update(state, values) -> None:
        picture = state["picture"]
        plane_map = PLANE_MAPS[values["map"]]
        if state["map"] != plane_map.name:
            switch_map(state, plane_map)
        point = np.array([controls["x1"].value, controls["x2"].value])
        size = values["size"]
        jacobian, image_path, corners = picture.show_point(plane_map, point, size)
        det = float(np.linalg.det(jacobian))
        area_ratio = enclosed_area(image_path) / size**2
        outline = square_outline(point, size, centred=True)
        linear = plane_map(point)[:, None] + jacobian @ (outline - point[:, None])
        gap = float(np.max(np.linalg.norm(image_path - linear, axis=0)))
        names = plane_map.input_names
        cell = "padding:0 0.6em;text-align:right"
        rows = "".join(
            f"<tr><td style='{cell}'>f{'₁₂'[i]}</td>"
            f"<td style='{cell};color:{E1_COLOUR}'>{jacobian[i, 0]:+.3f}</td>"
            f"<td style='{cell};color:{E2_COLOUR}'>{jacobian[i, 1]:+.3f}</td></tr>"
            for i in range(2))
        readout.value = (
            f"<b>{plane_map.formula}</b> at {names[0]} = {point[0]:.2f}, "
            f"{names[1]} = {point[1]:.2f}, square side Δ = {size:.2f}"
            f"<table style='display:inline-table;vertical-align:middle;margin:0.3em 1.5em'>"
            f"<tr><td></td><td style='{cell}'>∂/∂{names[0]}</td><td style='{cell}'>"
            f"∂/∂{names[1]}</td></tr>{rows}</table>"
            f"det J = <b>{det:+.4f}</b> &nbsp;|&nbsp; area of f(square) / Δ² = "
            f"<b>{area_ratio:+.4f}</b> &nbsp;|&nbsp; largest gap between f(square) and the "
            f"parallelogram: {gap:.2e} = {gap / size**2:.2f}·Δ²")

    return Explorer(controls, readout, build)
