"""A chart's axes as the few artists a reader needs: labels, month tick marks, gridlines.

matplotlib's own axis drawing (a tick object per label, label bounding boxes,
offset text) is most of a small chart's drawing time, and writes one SVG
element per tick mark and per gridline. The charts switch it off once
(``hide_matplotlib_axes``) and ``label_axes`` draws, for each chart: up to four month
labels under the x axis with their tick marks as one path, value labels at up
to five round levels of the y range, and those levels' gridlines as one path
under the data. The positions are those of matplotlib's ticks with this style
(labels 5.5 pt from the axis, 2 pt tick marks).
"""

from __future__ import annotations

from typing import Any

from matplotlib.ticker import Formatter, MaxNLocator, ScalarFormatter
from matplotlib.transforms import ScaledTranslation

LABEL_COLOUR = "#44546a"
GRID_COLOUR = "#e5e9ef"
_PAD = 5.5 / 72  # inches between an axis and its labels
_MONTH_LABELS = 4  # at most; the first and, for 13 months, the last are always among them


def hide_matplotlib_axes(axes: Any) -> None:
    """Once per reused axes: no matplotlib axis; the spines stay."""
    axes.xaxis.set_visible(False)
    axes.yaxis.set_visible(False)


def label_axes(axes: Any, labels: list[str], tick: Formatter | None) -> None:
    """Month labels (one per point, some shown) and value labels with gridlines.

    Call once everything else is drawn: the y range is fixed here, from the data.
    """
    _month_axis(axes, labels)
    low, high = axes.get_ylim()
    axes.set_ylim(low, high)  # the gridlines below must not widen it
    levels = [float(v) for v in MaxNLocator(nbins=4).tick_values(low, high) if low <= v <= high]
    _value_axis(axes, levels, tick, len(labels))


def _month_axis(axes: Any, labels: list[str]) -> None:
    step = max(1, -(-(len(labels) - 1) // (_MONTH_LABELS - 1)))
    ticks = list(range(0, len(labels), step))
    axes.set_xlim(-0.5, len(labels) - 0.5)
    below = axes.get_xaxis_transform() + ScaledTranslation(0, -_PAD, axes.figure.dpi_scale_trans)
    for i in ticks:
        axes.text(i, 0, labels[i], transform=below, ha="center", va="top", color=LABEL_COLOUR)
    axes.plot(ticks, [0] * len(ticks), transform=axes.get_xaxis_transform(), ls="none",
              marker=3, ms=2, mew=0.8, color=LABEL_COLOUR)  # fmt: skip


def _value_axis(axes: Any, levels: list[float], tick: Formatter | None, count: int) -> None:
    formatter = tick if tick is not None else _plain_numbers(axes)
    left = axes.get_yaxis_transform() + ScaledTranslation(-_PAD, 0, axes.figure.dpi_scale_trans)
    for level, text in zip(levels, formatter.format_ticks(levels), strict=True):
        axes.text(0, level, text, transform=left, ha="right", va="center_baseline",
                  color=LABEL_COLOUR)  # fmt: skip
    nan = float("nan")
    axes.plot(
        [x for _ in levels for x in (-0.5, count - 0.5, nan)],
        [y for v in levels for y in (v, v, nan)],
        color=GRID_COLOUR,
        lw=0.5,
        solid_capstyle="projecting",
        zorder=1.5,  # matplotlib's gridlines: over the band, under the lines
    )


def _plain_numbers(axes: Any) -> Formatter:
    """Full numbers (no offset or exponent written apart) when the KPI has no formatter."""
    formatter = ScalarFormatter(useOffset=False)
    formatter.set_scientific(False)
    formatter.set_axis(axes.yaxis)
    return formatter
