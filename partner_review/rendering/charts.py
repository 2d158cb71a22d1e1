"""Small SVG charts inlined in the reports: KPI trends and objective glide paths.

Each chart is computed in plain Python (scales and round levels in
``chart_axes``) and written as lean ``<svg>`` markup by ``svg_canvas`` (plain
paths and texts: no ids, groups, ``<use>`` or clip paths), to inline in the
HTML, so browser and PDF show the same drawing and nothing is ever fetched. A
chart costs its elements twice, once to write here and once for WeasyPrint to
lay out and paint, so it has only what it needs to be read: no tick marks on the
value axis (its gridlines carry the values), one path per line and one per set
of markers. Text is SVG text in DejaVu Sans, the report's own font, which the
PDF embeds. The output is byte-for-byte stable between runs (report
fingerprints). Sizes, colours, shapes and positions are those matplotlib drew
with the reports' former style (it cost ~28 ms CPU a chart; this ~0.4 ms).

Status is carried by marker shape as well as colour (● met, ▲ at risk,
✖ breach), so a chart reads in black and white and for colour-blind readers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from partner_review.rendering.chart_axes import Tick, levels, plain_labels, value_range
from partner_review.rendering.svg_canvas import Box, Canvas, Point, circle, short

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
LABEL_COLOUR = "#44546a"
GRID_COLOUR = "#e5e9ef"
SPINE_COLOUR = "#9aa5b1"
FONT_FAMILY = "'DejaVu Sans', sans-serif"
FONT_SIZE = 7.5  # pt, the value and month labels
WIDTH, HEIGHT = 3.6 * 72, 1.9 * 72  # pt: two charts side by side on A4 portrait
_PLOT = (0.14 * WIDTH, 0.05 * HEIGHT, 0.94 * WIDTH, 0.84 * HEIGHT)  # left, top, right, bottom
_PAD = 5.5  # pt between an axis and its labels
_VALUE_BASELINE = 2.85  # pt below a level: a label's middle on its gridline
_MONTH_BASELINE = _PAD + 5.7  # pt below the plot: the month labels' baseline
_MONTH_LABELS = 4  # at most; the first and, for 13 months, the last are always among them
_TICK = 2.0  # pt, month tick marks

Shape = list[tuple[str, float, float]]
_TRIANGLE: Shape = [("M", 0, -2), ("L", -2, 2), ("L", 2, 2)]
_CROSS: Shape = [("M", -1, 2), ("L", 0, 1), ("L", 1, 2), ("L", 2, 1), ("L", 1, 0), ("L", 2, -1),
                 ("L", 1, -2), ("L", 0, -1), ("L", -1, -2), ("L", -2, -1), ("L", -1, 0),
                 ("L", -2, 1)]  # fmt: skip
_DIAMOND: Shape = [("M", 0, 2.12), ("L", 2.12, 0), ("L", 0, -2.12), ("L", -2.12, 0)]
MARKERS: dict[str, Shape] = {"met": circle(2), "at_risk": _TRIANGLE, "breach": _CROSS}
_NOT_JUDGED = circle(1.75)


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
    tick: Tick | None = None,
) -> str:
    """A KPI's monthly values with the expected/minimum band and XmR limits.

    ``key`` names the chart in the page (``data-chart``). The legend is the
    report's (HTML, translated), shared by every chart.
    """
    points = [
        replace(p, value=_finite(p.value), expected=_finite(p.expected), minimum=_finite(p.minimum))
        for p in points
    ]
    if limits is not None and not all(map(math.isfinite, (limits.cl, limits.lcl, limits.ucl))):
        limits = None
    expected = [p.expected for p in points]
    minimum = [p.minimum for p in points]
    bounds = [limits.cl, limits.lcl, limits.ucl] if limits is not None else []
    values = [*expected, *minimum, *(p.value for p in points), *bounds]
    canvas, grid = _canvas(len(points), values)
    has_expected = [v is not None for v in expected]
    has_minimum = [v is not None for v in minimum]
    both = [e and m for e, m in zip(has_expected, has_minimum, strict=True)]
    for low, high in zip(_steps(minimum, both), _steps(expected, both), strict=True):
        canvas.polygon([*high, *reversed(low)], fill=COLOURS["band"])
    _grid(canvas, grid)
    line = {"stroke_width": "0.9"}
    canvas.lines(_steps(expected, has_expected), stroke=COLOURS["met"], **line,
                 stroke_linecap="square")  # fmt: skip
    canvas.lines(_steps(minimum, has_minimum), stroke=COLOURS["breach"], **line,
                 stroke_dasharray="2.7,1.35")  # fmt: skip
    if limits is not None:
        edges = (-0.5, len(points) - 0.5)
        limit = {"stroke": COLOURS["limit"], "stroke_width": "0.6"}
        canvas.lines([[(x, limits.cl) for x in edges]], **limit, stroke_dasharray="0.6,0.9")
        canvas.lines([[(x, v) for x in edges] for v in (limits.lcl, limits.ucl)],
                     **limit, stroke_dasharray="2.4,1.2")  # fmt: skip
    _draw_actuals(canvas, points)
    return _finish(canvas, key, [p.label for p in points], grid, tick)


def _draw_actuals(canvas: Canvas, points: Sequence[TrendPoint]) -> None:
    """The actual line, the axes, then one set of markers per status (shape and colour)."""
    canvas.lines(_runs([p.value for p in points]), stroke=COLOURS["neutral"], stroke_width="1.2",
                 stroke_linecap="square")  # fmt: skip
    _frame(canvas, len(points))
    known = [(x, p.value, p) for x, p in enumerate(points) if p.value is not None]
    for status, shape in MARKERS.items():
        canvas.markers(shape, [(x, v) for x, v, p in known if p.status == status],
                       fill=COLOURS[status])  # fmt: skip
    others = [(x, v) for x, v, p in known if p.status not in MARKERS]
    canvas.markers(_NOT_JUDGED, others, fill="#ffffff", stroke=COLOURS["neutral"],
                   stroke_width="0.8")  # fmt: skip
    for x, v, p in known:
        if p.provisional:
            canvas.text(canvas.box.x(x) + 3, canvas.box.y(v) - 3, "*", font_size="7px")


def glide_svg(
    key: str,
    points: Sequence[GlidePoint],
    target: float | None,
    forecast: float | None,
    tick: Tick | None = None,
) -> str:
    """An objective: actual monthly values against the glide path, the target and forecast.

    The last point is the deadline's month; the forecast is drawn there, dashed
    from the latest actual value.
    """
    known = [(x, v) for x, p in enumerate(points) if (v := _finite(p.actual)) is not None]
    target = _finite(target)
    drawn_forecast = _finite(forecast) if known else None
    glide = [(x, p.glide) for x, p in enumerate(points) if math.isfinite(p.glide)]
    values = [*(v for _, v in glide), *(v for _, v in known), target, drawn_forecast]
    canvas, grid = _canvas(len(points), values)
    _grid(canvas, grid)
    canvas.lines([glide], stroke=COLOURS["neutral"], stroke_dasharray="3.7,1.6")
    if target is not None:
        canvas.lines([[(-0.5, target), (len(points) - 0.5, target)]], stroke=COLOURS["target"],
                     stroke_width="0.8", stroke_linecap="square")  # fmt: skip
    dots: list[Point] = [(x, v) for x, v in known]
    canvas.lines([dots], stroke=COLOURS["neutral"], stroke_width="1.4", stroke_linecap="square")
    canvas.markers(circle(1.5), dots, fill=COLOURS["neutral"], stroke=COLOURS["neutral"])
    if drawn_forecast is not None:
        end: Point = (len(points) - 1, drawn_forecast)
        canvas.lines([[dots[-1], end]], stroke=COLOURS["forecast"], stroke_dasharray="2,2")
        canvas.markers(_DIAMOND, [end], fill=COLOURS["forecast"], stroke=COLOURS["forecast"],
                       stroke_linejoin="miter")  # fmt: skip
    _frame(canvas, len(points))
    return _finish(canvas, key, [p.label for p in points], grid, tick)


def _finite(value: float | None) -> float | None:
    """A value a chart can place: None for no value, NaN or an infinity (a sum too large)."""
    return value if value is not None and math.isfinite(value) else None


def _canvas(count: int, values: Sequence[float | None]) -> tuple[Canvas, list[float]]:
    """An empty chart of ``count`` months whose value axis spans ``values``; its round levels."""
    low, high = value_range(values)
    left, top, right, bottom = _PLOT
    box = Box(left, top, right, bottom, (-0.5, count - 0.5), (low, high))
    return Canvas(WIDTH, HEIGHT, box, FONT_FAMILY, FONT_SIZE), levels(low, high)


def _grid(canvas: Canvas, grid: list[float]) -> None:
    """The levels' gridlines, one path under the data."""
    box = canvas.box
    data = " ".join(f"M {short(box.left)} {short(box.y(v))} L {short(box.right)} {short(box.y(v))}"
                    for v in grid)  # fmt: skip
    if data:
        canvas.path(data, fill="none", stroke=GRID_COLOUR, stroke_width="0.5",
                    stroke_linecap="square")  # fmt: skip


def _frame(canvas: Canvas, count: int) -> None:
    """The left and bottom axis lines as one path, and the labelled months' tick marks."""
    box = canvas.box
    left, top, right, bottom = (short(v) for v in (box.left, box.top, box.right, box.bottom))
    canvas.path(f"M {left} {top} L {left} {bottom} L {right} {bottom}", fill="none",
                stroke=SPINE_COLOUR, stroke_width="0.6", stroke_linejoin="miter",
                stroke_linecap="square")  # fmt: skip
    ticks = " ".join(f"M {short(box.x(i))} {bottom} L {short(box.x(i))} {short(box.bottom + _TICK)}"
                     for i in _labelled_months(count))  # fmt: skip
    canvas.path(ticks, fill="none", stroke=LABEL_COLOUR, stroke_width="0.8")


def _finish(
    canvas: Canvas, key: str, labels: list[str], grid: list[float], tick: Tick | None
) -> str:
    """The month and value labels, then the chart's markup (scaling with its container)."""
    box = canvas.box
    for i in _labelled_months(len(labels)):
        canvas.text(box.x(i), box.bottom + _MONTH_BASELINE, labels[i], text_anchor="middle",
                    fill=LABEL_COLOUR)  # fmt: skip
    texts = [tick(v) for v in grid] if tick is not None else plain_labels(grid)
    for level, text in zip(grid, texts, strict=True):
        canvas.text(box.left - _PAD, box.y(level) + _VALUE_BASELINE, text, text_anchor="end",
                    fill=LABEL_COLOUR)  # fmt: skip
    return canvas.svg(f'class="chart" data-chart="{html.escape(key)}"')


def _labelled_months(count: int) -> range:
    """Up to four evenly spaced months from the first (and the last, for 13 months)."""
    step = max(1, -(-(count - 1) // (_MONTH_LABELS - 1)))
    return range(0, count, step)


def _runs(values: Sequence[float | None]) -> list[list[Point]]:
    """The points of each unbroken run of values (None breaks a line)."""
    runs: list[list[Point]] = [[]]
    for x, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((x, v))
    return [r for r in runs if r]


def _steps(values: Sequence[float | None], shown: Sequence[bool]) -> list[list[Point]]:
    """Each run of ``shown`` months as a step line through ``values``, changing halfway between.

    A run starts at its first month (at the chart's first month) or half a month
    before, and ends likewise; ``values`` are set wherever ``shown`` is true.
    """
    level = [math.nan if v is None else v for v in values]
    last = len(level) - 1
    lines = []
    for first, end in _index_runs(shown):
        line: list[Point] = [(first if first == 0 else first - 0.5, level[first])]
        for x in range(first, end):
            line += [(x + 0.5, level[x]), (x + 0.5, level[x + 1])]
        line.append((end if end == last else end + 0.5, level[end]))
        lines.append(line)
    return lines


def _index_runs(shown: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last) index of each unbroken run of true values."""
    runs: list[tuple[int, int]] = []
    for x, on in enumerate(shown):
        if on and runs and runs[-1][1] == x - 1:
            runs[-1] = (runs[-1][0], x)
        elif on:
            runs.append((x, x))
    return runs
