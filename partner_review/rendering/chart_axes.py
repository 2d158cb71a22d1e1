"""A chart's scales in plain Python: the value range, its round levels and their labels.

The charts' value axis reads as matplotlib's did (whose defaults the reports
used until session 4): the range is the data's, widened by 5 % of it at each
end (a flat series is widened by 5 % of its value); up to five round levels
("nice numbers": steps of 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
ten, about four intervals over the range) label it and carry its gridlines; without a KPI
formatter the labels are plain numbers with as few decimals as tell them apart
(no offset or exponent written apart), negative ones with a true minus sign.
Numbers only: the drawing is ``svg_canvas``'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

Tick = Callable[[float], str]
"""A value label's text for a value (a KPI's unit and decimals in the report's language)."""

MARGIN = 0.05  # of the data range, at each end
_BINS = 4  # intervals between levels, at most
_ROUND = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # steps per power of ten
_STEPS = (*(0.1 * s for s in _ROUND[:-1]), *_ROUND, 10 * _ROUND[1])  # and the decades around
_TINY = 1e-15


def value_range(values: Iterable[float | None]) -> tuple[float, float]:
    """The value axis' (low, high): the finite values' range with its margins.

    No finite value: (0, 1).
    """
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    low, high = _nonsingular(min(finite), max(finite), 0.05)
    pad = (high - low) * MARGIN
    return low - pad, high + pad


def levels(low: float, high: float) -> list[float]:
    """The round values inside [low, high] that label the axis and carry its gridlines."""
    vmin, vmax = _nonsingular(low, high, 1e-13, tiny=1e-14)
    return [v for v in _round_values(vmin, vmax) if low <= v <= high]


def plain_labels(values: Sequence[float]) -> list[str]:
    """Full numbers with the fewest decimals that keep ``values`` apart: 0.5 1 1.5 → 0.5 1.0 1.5."""
    if not values:
        return []
    spread = max(values) - min(values) or max(abs(v) for v in values) or 1.0
    magnitude = math.floor(math.log10(spread))
    decimals = max(0, 3 - magnitude)
    threshold = 1e-3 * 10**magnitude
    while decimals >= 0 and max(abs(v - round(v, decimals)) for v in values) < threshold:
        decimals -= 1
    decimals += 1
    texts = (f"{0.0 if abs(v) < 1e-8 else v:.{decimals}f}" for v in values)
    return [t.replace("-", "\u2212") for t in texts]


def _nonsingular(
    low: float, high: float, expander: float, tiny: float = _TINY
) -> tuple[float, float]:
    """(low, high) widened by ``expander`` of their value when they (nearly) coincide."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return -expander, expander
    low, high = min(low, high), max(low, high)
    largest = max(abs(low), abs(high))
    if largest < 1e6 / tiny * 2.2250738585072014e-308 or (high == 0 and low == 0):
        return -expander, expander
    if high - low <= largest * tiny:
        return low - expander * abs(low), high + expander * abs(high)
    return low, high


def _round_values(vmin: float, vmax: float) -> list[float]:
    """Multiples of the largest round step giving at least two values in [vmin, vmax]."""
    spread = vmax - vmin
    mean = (vmax + vmin) / 2
    offset = (
        0.0 if abs(mean) / spread < 100 else math.copysign(10 ** (math.log10(abs(mean)) // 1), mean)
    )
    scale = 10 ** (math.log10(spread / _BINS) // 1)
    low_end, high_end = vmin - offset, vmax - offset
    steps = [s * scale for s in _STEPS]
    raw = spread / _BINS
    first_large = next((i for i, s in enumerate(steps) if s >= raw), len(steps) - 1)
    values: list[float] = []
    for step in reversed(steps[: first_large + 1]):
        start = (low_end // step) * step
        tolerance = _tolerance(step, offset)
        below = _floor_multiple(low_end - start, step, tolerance)
        above = _ceil_multiple(high_end - start, step, tolerance)
        values = [(below + i) * step + start for i in range(int(above - below) + 1)]
        if sum(1 for v in values if low_end <= v <= high_end) >= 2:
            break
    return [v + offset for v in values]


def _tolerance(step: float, offset: float) -> float:
    """How close to a multiple of ``step`` counts as one (more slop far from zero)."""
    if offset == 0:
        return 1e-10
    return min(0.4999, max(1e-10, 10 ** (math.log10(abs(offset) / step) - 12)))


def _floor_multiple(x: float, step: float, tolerance: float) -> float:
    whole, rest = divmod(x, step)
    return whole + 1 if abs(rest / step - 1) < tolerance else whole


def _ceil_multiple(x: float, step: float, tolerance: float) -> float:
    whole, rest = divmod(x, step)
    return whole if abs(rest / step) < tolerance else whole + 1
