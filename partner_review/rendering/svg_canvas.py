"""Lean SVG markup for the charts: few plain elements for WeasyPrint and browsers to lay out.

A ``Canvas`` is one chart's plot: a fixed size in pt (1 SVG unit = 1 pt), a
plot box inside it, and data coordinates (x: the points' positions 0…n-1, y:
the values) mapped onto the box. It writes each thing drawn as one plain
``<path>`` or ``<text>``: no groups, ids, ``<defs>``/``<use>``, clip paths,
stylesheet or metadata (inlined twenty times in a report, every element is
parsed, styled and drawn one by one by the PDF engine); all markers of a
status as one compound path; coordinates to 0.01 pt; styles as presentation
attributes; the texts' common font once on the root. Text is escaped (labels
carry partner data), and the same drawing gives the same bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]
"""A point in data coordinates: (position of the month, value)."""


@dataclass(frozen=True)
class Box:
    """The plot box in pt from the canvas' top left; x and y data ranges mapped onto it."""

    left: float
    top: float
    right: float
    bottom: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.left + (value - low) / (high - low) * (self.right - self.left)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)


@dataclass
class Canvas:
    """One chart's elements in drawing order, written by ``svg``."""

    width: float
    height: float
    box: Box
    font_family: str
    font_size: float
    elements: list[str] = field(default_factory=list)

    def lines(self, runs: Iterable[Sequence[Point]], **style: str) -> None:
        """Polylines in data coordinates as one path (a run of fewer than two points is dropped)."""
        data = " ".join(self._polyline(run) for run in runs if len(run) >= 2)
        if data:
            self.path(data, fill="none", **style)

    def polygon(self, points: Sequence[Point], **style: str) -> None:
        """A closed area in data coordinates."""
        if len(points) >= 3:
            self.path(f"{self._polyline(points)} z", **style)

    def markers(
        self, shape: Sequence[tuple[str, float, float]], at: Sequence[Point], **style: str
    ) -> None:
        """One ``shape`` (commands, offsets in pt from its centre, y down) per point, one path."""
        parts = []
        for point in at:
            cx, cy = self.box.x(point[0]), self.box.y(point[1])
            parts.append(" ".join(_command(c, cx + dx, cy + dy) for c, dx, dy in shape) + " z")
        if parts:
            self.path(" ".join(parts), **style)

    def path(self, data: str, **style: str) -> None:
        """A path of pt coordinates ``data``; ``style``: attributes (stroke_width: stroke-width)."""
        self.elements.append(f'<path d="{data}"{_attributes(style)}/>')

    def text(self, x: float, y: float, content: str, **style: str) -> None:
        """A text at (x, y) in pt, its baseline at y; ``style`` as attributes."""
        self.elements.append(
            f'<text x="{short(x)}" y="{short(y)}"{_attributes(style)}>{html.escape(content)}</text>'
        )

    def svg(self, root_attributes: str) -> str:
        """The chart as one ``<svg>`` element; ``root_attributes`` e.g. ``class="chart"``."""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" {root_attributes} '
            f'viewBox="0 0 {short(self.width)} {short(self.height)}" stroke-linejoin="round" '
            f'font-size="{short(self.font_size)}px" font-family="{self.font_family}">'
            f"{''.join(self.elements)}</svg>"
        )

    def _polyline(self, run: Sequence[Point]) -> str:
        """M x y L x y …: to 0.01 pt, without repeated points or middle points of a straight run."""
        placed = _without_middles([(short(self.box.x(x)), short(self.box.y(y))) for x, y in run])
        return " ".join(f"{'L' if i else 'M'} {x} {y}" for i, (x, y) in enumerate(placed))


def short(value: float) -> str:
    """A coordinate to 0.01, without trailing zeros (``12.5``, ``3``, never ``-0``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _command(command: str, x: float, y: float) -> str:
    """One point of a shape, after its command letter if it starts one (``C``: each third)."""
    return f"{command} {short(x)} {short(y)}" if command else f"{short(x)} {short(y)}"


def _without_middles(points: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop repeated points and the middle points of horizontal or vertical runs (steps)."""
    kept: list[tuple[str, str]] = []
    for point in points:
        if kept and point == kept[-1]:
            continue
        if len(kept) >= 2 and _aligned(kept[-2], kept[-1], point):
            kept[-1] = point
        else:
            kept.append(point)
    return kept


def _aligned(a: tuple[str, str], b: tuple[str, str], c: tuple[str, str]) -> bool:
    """b lies between a and c on one horizontal or vertical line."""
    for same, along in ((1, 0), (0, 1)):
        if a[same] == b[same] == c[same]:
            first, middle, last = (float(p[along]) for p in (a, b, c))
            return min(first, last) <= middle <= max(first, last)
    return False


def _attributes(style: dict[str, str]) -> str:
    return "".join(f' {k.replace("_", "-")}="{html.escape(v)}"' for k, v in style.items())


def circle(radius: float) -> list[tuple[str, float, float]]:
    """A circle as four cubic arcs (to 0.03 %), from its rightmost point; y down."""
    k = radius * 0.5523
    r = radius
    return [("M", r, 0), ("C", r, -k), ("", k, -r), ("", 0, -r), ("C", -k, -r), ("", -r, -k),
            ("", -r, 0), ("C", -r, k), ("", -k, r), ("", 0, r), ("C", k, r), ("", r, k),
            ("", r, 0)]  # fmt: skip
