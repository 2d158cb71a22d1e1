"""Small SVG charts inlined in the reports: KPI trends and objective glide paths.

Charts are drawn with matplotlib's SVG canvas (no Agg, no pyplot state) and
returned as ``<svg>`` markup to inline in the HTML, so browser and PDF show
the same drawing and nothing is ever fetched. Text is written as SVG text in
DejaVu Sans (``svg.fonttype: none``): far smaller and faster than glyph paths,
and the PDF embeds the same font as the rest of the report. Element ids are
prefixed with the chart's key, so several charts in one page never share an id,
and the output is byte-for-byte stable between runs (report fingerprints).

Status is carried by marker shape as well as colour (● met, ▲ at risk,
✖ breach), so a chart reads in black and white and for colour-blind readers.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter

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
MARKERS = {"met": "o", "at_risk": "^", "breach": "X"}
_RC = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.edgecolor": "#9aa5b1",
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#44546a",
    "ytick.color": "#44546a",
    "xtick.major.size": 2,
    "ytick.major.size": 2,
    "grid.color": "#e5e9ef",
    "grid.linewidth": 0.5,
    "legend.frameon": False,
    "legend.fontsize": 6.5,
    "svg.image_inline": True,
}
_SIZE = (3.6, 1.9)  # inches: two charts side by side on A4 portrait
_MARGINS = {"left": 0.14, "right": 0.94, "top": 0.95, "bottom": 0.16}
_SVG_HEADER = re.compile(r"^.*?(?=<svg)", re.S)
_ID = re.compile(r'\b(id)="([^"]+)"')
_REF = re.compile(r'(url\(|href=")#([^)"]+)')
_SIZE_ATTRS = re.compile(r'<svg([^>]*?) width="[^"]*" height="[^"]*"')


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

    The legend is the report's (HTML, translated), shared by every chart.
    """
    with rc_context(_rc(key)):
        figure, axes = _figure()
        xs = list(range(len(points)))
        _draw_band(axes, xs, points)
        if limits is not None:
            axes.axhline(limits.cl, color=COLOURS["limit"], lw=0.6, ls=(0, (1, 1.5)))
            for level in (limits.lcl, limits.ucl):
                axes.axhline(level, color=COLOURS["limit"], lw=0.6, ls=(0, (4, 2)))
            axes.plot([], [], color=COLOURS["limit"], lw=0.6, ls=(0, (4, 2)))
        _draw_actuals(axes, xs, points)
        _x_axis(axes, [p.label for p in points])
        if tick is not None:
            axes.yaxis.set_major_formatter(tick)
        return _to_svg(figure, key)


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
    with rc_context(_rc(key)):
        figure, axes = _figure()
        xs = list(range(len(points)))
        axes.plot(xs, [p.glide for p in points], color=COLOURS["neutral"], lw=1, ls="--")
        if target is not None:
            axes.axhline(target, color=COLOURS["target"], lw=0.8)
        known = [(x, p.actual) for x, p in zip(xs, points, strict=True) if p.actual is not None]
        if known:
            axes.plot(
                [x for x, _ in known],
                [v for _, v in known],
                color=COLOURS["neutral"],
                lw=1.4,
                marker="o",
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
        _x_axis(axes, [p.label for p in points])
        if tick is not None:
            axes.yaxis.set_major_formatter(tick)
        return _to_svg(figure, key)


_CANVAS = threading.local()


def _rc(key: str) -> Any:
    """The chart style; a fixed salt keeps the SVG identical between runs."""
    return {**_RC, "svg.hashsalt": "partner-review"}


def _figure() -> tuple[Figure, Any]:
    """This thread's figure, emptied: created once, reused by every chart (saves ~30 ms each)."""
    cached = getattr(_CANVAS, "figure", None)
    if cached is None:
        figure = Figure(figsize=_SIZE)
        FigureCanvasSVG(figure)
        figure.subplots_adjust(**_MARGINS)
        axes = figure.add_subplot()
        axes.grid(axis="y")
        _CANVAS.figure = cached = (figure, axes)
    figure, axes = cached
    for artist in [*axes.lines, *axes.collections, *axes.texts]:
        artist.remove()
    axes.relim()
    axes.set_autoscaley_on(True)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4))
    axes.yaxis.set_major_formatter(ScalarFormatter())
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
    values = [float("nan") if p.value is None else p.value for p in points]
    axes.plot(xs, values, color=COLOURS["neutral"], lw=1.2)
    for status, marker in MARKERS.items():
        chosen = [
            (x, p.value)
            for x, p in zip(xs, points, strict=True)
            if p.status == status and p.value is not None
        ]
        if chosen:
            axes.scatter(
                [x for x, _ in chosen],
                [v for _, v in chosen],
                marker=marker,
                s=16,
                color=COLOURS[status],
                zorder=3,
                linewidths=0,
            )
    other = [
        (x, p.value)
        for x, p in zip(xs, points, strict=True)
        if p.status not in MARKERS and p.value is not None
    ]
    if other:
        axes.scatter(
            [x for x, _ in other],
            [v for _, v in other],
            marker="o",
            s=12,
            facecolors="white",
            edgecolors=COLOURS["neutral"],
            zorder=3,
            linewidths=0.8,
        )
    provisional = [
        (x, p.value)
        for x, p in zip(xs, points, strict=True)
        if p.provisional and p.value is not None
    ]
    for x, value in provisional:
        axes.annotate("*", (x, value), textcoords="offset points", xytext=(3, 3), fontsize=7)


def _x_axis(axes: Any, labels: list[str]) -> None:
    step = max(1, (len(labels) + 4) // 5)
    ticks = list(range(0, len(labels), step))
    axes.set_xticks(ticks, [labels[i] for i in ticks])
    axes.set_xlim(-0.5, len(labels) - 0.5)


def _to_svg(figure: Figure, key: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = _SVG_HEADER.sub("", buffer.getvalue(), count=1)
    # Fixed pt sizes would overflow a 390 px screen: scale with the container instead.
    text = _SIZE_ATTRS.sub(r'<svg\1 class="chart"', text, count=1)
    return _scoped_ids(text, key)


def _scoped_ids(svg: str, key: str) -> str:
    """Every id and reference prefixed with the chart's key, so charts on a page never clash."""
    prefix = "c" + hashlib.sha256(key.encode()).hexdigest()[:8] + "-"
    svg = _ID.sub(lambda m: f'{m[1]}="{prefix}{m[2]}"', svg)
    return _REF.sub(lambda m: f"{m[1]}#{prefix}{m[2]}", svg)
