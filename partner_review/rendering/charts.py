"""Small SVG charts inlined in the reports: KPI trends and objective glide paths.

Charts are drawn by matplotlib and written as lean ``<svg>`` markup by
``svg_canvas`` (plain paths and texts: no ids, groups, ``<use>`` or clip paths),
to inline in the HTML, so browser and PDF show the same drawing and nothing is
ever fetched. Each chart costs its elements twice, once to draw here and once
for WeasyPrint to lay out and paint, so a chart has only what it needs to be
read: no tick marks on the value axis (its gridlines carry the values), one
path per line and one per set of markers. Text is SVG text in DejaVu Sans
(``svg.fonttype: none``), the report's own font, which the PDF embeds. The
output is byte-for-byte stable between runs (report fingerprints).

Status is carried by marker shape as well as colour (● met, ▲ at risk,
✖ breach), so a chart reads in black and white and for colour-blind readers.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter

from partner_review.rendering.chart_axes import hide_matplotlib_axes, label_axes
from partner_review.rendering.svg_canvas import figure_svg

COLOURS = {
    "met": "#1a7f37",
    "at_risk": "#b35900",
    "breach": "#c62828",
    "neutral": "#44546a",
    "band": "#f3e3c3",
    "good": "#e3f1e6",
    "limit": "#7a7a7a",
    "target": "#1a7f37",
    "forecast": "#6a3d9a",
}
_K = 0.5 * 0.5523  # four cubic arcs: a circle to 0.03%, half the numbers of matplotlib's "o"
_DOT = MarkerStyle(
    Path(
        [(0.5, 0), (0.5, _K), (_K, 0.5), (0, 0.5), (-_K, 0.5), (-0.5, _K), (-0.5, 0),
         (-0.5, -_K), (-_K, -0.5), (0, -0.5), (_K, -0.5), (0.5, -_K), (0.5, 0), (0.5, 0)],
        [Path.MOVETO, *[Path.CURVE4] * 12, Path.CLOSEPOLY],
    )
)  # fmt: skip
MARKERS: dict[str, Any] = {"met": _DOT, "at_risk": "^", "breach": "X"}
_RC: Any = {  # Any: rc_context wants its Literal keys
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 7.5,
    "axes.edgecolor": "#9aa5b1",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "path.simplify": True,
}
_SIZE = (3.6, 1.9)  # inches: two charts side by side on A4 portrait
_MARGINS = {"left": 0.14, "right": 0.94, "top": 0.95, "bottom": 0.16}


@dataclass(frozen=True)
class TrendPoint:
    """One month of a KPI: its label, value (None: no data), status, band and provisional flag."""

    label: str
    value: float | None
    status: str
    expected: float | None
    minimum: float | None
    provisional: bool = False


@dataclass(frozen=True)
class Limits:
    """XmR limits of a KPI's window (SPEC §3)."""

    cl: float
    lcl: float
    ucl: float


@dataclass(frozen=True)
class GlidePoint:
    """One month of an objective's chart: actual (or None) and the glide path's value."""

    label: str
    actual: float | None
    glide: float


def trend_svg(
    key: str,
    points: Sequence[TrendPoint],
    limits: Limits | None,
    tick: FuncFormatter | None = None,
) -> str:
    """A KPI's monthly values with the expected/minimum band and XmR limits.

    ``key`` names the chart in the page (``data-chart``). The legend is the
    report's (HTML, translated), shared by every chart.
    """
    with rc_context(_RC):
        figure, axes = _figure()
        xs = list(range(len(points)))
        _draw_band(axes, xs, points)
        if limits is not None:
            edges = [-0.5, len(points) - 0.5]
            axes.plot(edges, [limits.cl] * 2, color=COLOURS["limit"], lw=0.6, ls=(0, (1, 1.5)))
            nan = float("nan")
            axes.plot(  # both limits in one path: same style
                [*edges, nan, *edges],
                [limits.lcl, limits.lcl, nan, limits.ucl, limits.ucl],
                color=COLOURS["limit"],
                lw=0.6,
                ls=(0, (4, 2)),
            )
        _draw_actuals(axes, xs, points)
        return _to_svg(figure, axes, key, [p.label for p in points], tick)


def glide_svg(
    key: str,
    points: Sequence[GlidePoint],
    target: float | None,
    forecast: float | None,
    tick: FuncFormatter | None = None,
) -> str:
    """An objective: actual monthly values against the glide path, the target and forecast.

    The last point is the deadline's month; the forecast is drawn there, dashed
    from the latest actual value.
    """
    with rc_context(_RC):
        figure, axes = _figure()
        xs = list(range(len(points)))
        axes.plot(xs, [p.glide for p in points], color=COLOURS["neutral"], lw=1, ls="--")
        if target is not None:
            edges = [-0.5, len(points) - 0.5]
            axes.plot(edges, [target] * 2, color=COLOURS["target"], lw=0.8)
        known = [(x, p.actual) for x, p in zip(xs, points, strict=True) if p.actual is not None]
        if known:
            axes.plot(
                [x for x, _ in known],
                [v for _, v in known],
                color=COLOURS["neutral"],
                lw=1.4,
                marker=_DOT,
                ms=3,
            )
        if forecast is not None and known:
            last_x, last_v = known[-1]
            axes.plot(
                [last_x, xs[-1]],
                [last_v, forecast],
                color=COLOURS["forecast"],
                lw=1,
                ls=(0, (2, 2)),
                marker="D",
                ms=3,
                markevery=[1],
            )
        return _to_svg(figure, axes, key, [p.label for p in points], tick)


_CANVAS = threading.local()


def _figure() -> tuple[Figure, Any]:
    """This thread's figure, emptied: created once, reused by every chart (saves ~30 ms each)."""
    cached = getattr(_CANVAS, "figure", None)
    if cached is None:
        figure = Figure(figsize=_SIZE, dpi=72)  # 72 dpi: 1 SVG unit = 1 pt
        figure.subplots_adjust(**_MARGINS)
        figure.patch.set_visible(False)  # the page is the background
        axes = figure.add_subplot()
        axes.patch.set_visible(False)
        hide_matplotlib_axes(axes)
        _CANVAS.figure = cached = (figure, axes)
    figure, axes = cached
    for artist in [*axes.lines, *axes.collections, *axes.texts]:
        artist.remove()
    axes.relim()
    axes.set_autoscaley_on(True)
    return figure, axes


def _draw_band(axes: Any, xs: list[int], points: Sequence[TrendPoint]) -> None:
    expected = [p.expected for p in points]
    minimum = [p.minimum for p in points]
    if all(v is None for v in expected):
        return
    exp = [float("nan") if v is None else v for v in expected]
    low = [float("nan") if v is None else v for v in minimum]
    axes.fill_between(xs, low, exp, color=COLOURS["band"], lw=0, step="mid")
    axes.step(xs, exp, where="mid", color=COLOURS["met"], lw=0.9)
    axes.step(xs, low, where="mid", color=COLOURS["breach"], lw=0.9, ls=(0, (3, 1.5)))


def _draw_actuals(axes: Any, xs: list[int], points: Sequence[TrendPoint]) -> None:
    """The actual line, then one set of markers per status (shape and colour)."""
    values = [float("nan") if p.value is None else p.value for p in points]
    axes.plot(xs, values, color=COLOURS["neutral"], lw=1.2)
    for status, marker in MARKERS.items():
        _markers(axes, xs, points, lambda p, s=status: p.status == s, marker=marker, ms=4,
                 color=COLOURS[status], mew=0)  # fmt: skip
    _markers(axes, xs, points, lambda p: p.status not in MARKERS, marker=_DOT, ms=3.5,
             mfc="white", mec=COLOURS["neutral"], mew=0.8)  # fmt: skip
    for x, p in zip(xs, points, strict=True):
        if p.provisional and p.value is not None:
            axes.annotate("*", (x, p.value), textcoords="offset points", xytext=(3, 3), fontsize=7)


def _markers(
    axes: Any, xs: list[int], points: Sequence[TrendPoint], chosen: Any, **style: Any
) -> None:
    """The chosen points' markers as one line without a line (one SVG path)."""
    picked = [(x, p.value) for x, p in zip(xs, points, strict=True)
              if chosen(p) and p.value is not None]  # fmt: skip
    if picked:
        axes.plot([x for x, _ in picked], [v for _, v in picked], ls="none", zorder=3, **style)


def _to_svg(
    figure: Figure, axes: Any, key: str, labels: list[str], tick: FuncFormatter | None
) -> str:
    """The chart's markup, scaling with its container (fixed pt sizes would overflow a phone)."""
    label_axes(axes, labels, tick)
    for artist in [*axes.lines, *axes.collections, *axes.texts]:
        artist.set_clip_on(False)  # autoscaled: everything is inside the axes already
    return figure_svg(figure, f'class="chart" data-chart="{html.escape(key)}"')
