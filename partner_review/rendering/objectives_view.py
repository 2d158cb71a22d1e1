"""One partner's objectives: progress against the glide path and the forecast, with a chart.

The glide path runs straight from the baseline at ``start`` to the target at
``deadline`` in plain day counts, the same clock as ``expected_pct`` (SPEC §3):
the glide value of a month is the one due at its last day.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from partner_review.rendering import charts
from partner_review.rendering.formatting import Formats, is_missing
from partner_review.rendering.views import (
    for_partner,
    kpi_name,
    kpi_text,
    text,
    tick_formatter,
)
from partner_review.settings import Settings
from transforms.model import ReviewModel
from transforms.periods import month_label, month_last_day, month_of


def objectives_view(
    model: ReviewModel,
    settings: Settings,
    partner_id: str,
    fmt: Formats,
    currency: str,
    charts_on: bool,
) -> list[dict[str, Any]]:
    """One entry per objective of the partner, in objective id order."""
    rows = for_partner(model.objectives, partner_id)
    if len(rows):
        rows = rows.sort_values("objective_id", kind="stable")
    actuals = _actuals_by_kpi(model, partner_id) if charts_on and len(rows) else {}
    entries = []
    for row in rows.itertuples(index=False):
        kpi_id = str(row.kpi_id)

        def show(value: object, kpi_id: str = kpi_id) -> str:
            return kpi_text(fmt, settings, kpi_id, value, currency)

        entries.append(
            {
                "objective_id": text(row.objective_id),
                "title": text(row.title),
                "owner": text(row.owner),
                "kpi": kpi_name(settings, kpi_id, fmt.language),
                "start": fmt.date(row.start),
                "deadline": fmt.date(row.deadline),
                "baseline": show(row.baseline),
                "target": show(row.target),
                "current": show(row.current),
                "forecast": show(row.forecast),
                "progress_pct": fmt.percent(row.progress_pct, 0),
                "expected_pct": fmt.percent(row.expected_pct, 0),
                "progress_bar": _bar(row.progress_pct),
                "expected_bar": _bar(row.expected_pct),
                "status": text(row.status),
                "chart": _chart(model, settings, partner_id, row, actuals, fmt, currency)
                if charts_on
                else None,
            }
        )
    return entries


def _bar(value: object) -> float:
    """A progress bar's width in percent, clamped to 0–100."""
    if is_missing(value):
        return 0.0
    return max(0.0, min(100.0, float(value)))  # type: ignore[arg-type]


def glide_value(baseline: float, target: float, start: Any, deadline: Any, day: Any) -> float:
    """The value due on ``day``: straight from baseline at start to target at deadline."""
    start_ts, deadline_ts, day_ts = (pd.Timestamp(x) for x in (start, deadline, day))
    span = (deadline_ts - start_ts).days
    share = (day_ts - start_ts).days / span if span > 0 else 1.0
    return baseline + (target - baseline) * max(0.0, min(1.0, share))


def _actuals_by_kpi(model: ReviewModel, partner_id: str) -> dict[object, dict[object, object]]:
    """The partner's monthly actual values by KPI and month label (the last row of each)."""
    monthly = for_partner(model.monthly, partner_id)
    found: dict[object, dict[object, object]] = {}
    columns = (monthly["kpi_id"], monthly["period"], monthly["actual"])
    for kpi_id, period, value in zip(*columns, strict=True):
        found.setdefault(kpi_id, {})[period] = value
    return found


def _chart(
    model: ReviewModel,
    settings: Settings,
    partner_id: str,
    row: Any,
    actuals: dict[object, dict[object, object]],
    fmt: Formats,
    currency: str,
) -> Markup | None:
    """The objective's glide chart; ``actuals``: the partner's monthly values by KPI, month."""
    if is_missing(row.baseline) or is_missing(row.target):
        return None
    first, last = month_of(pd.Timestamp(row.start)), month_of(pd.Timestamp(row.deadline))
    actual = {} if is_missing(row.kpi_id) else actuals.get(row.kpi_id, {})
    evaluated = model.run.evaluation_month
    points = []
    month = first
    while month <= last:
        label = month_label(month)
        value = actual.get(label)
        shown = None if month > evaluated or is_missing(value) else float(value)  # type: ignore[arg-type]
        due = glide_value(
            float(row.baseline), float(row.target), row.start, row.deadline, month_last_day(month)
        )
        points.append(charts.GlidePoint(fmt.short_month(label), shown, due))
        month += 1
    forecast = None if is_missing(row.forecast) else float(row.forecast)
    tick = tick_formatter(fmt, settings.kpis.get(str(row.kpi_id)), currency)
    key = f"{partner_id}-{row.objective_id}-{fmt.language}"
    return Markup(charts.glide_svg(key, points, float(row.target), forecast, tick))
