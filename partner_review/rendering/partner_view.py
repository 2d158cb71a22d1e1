"""The figures of one partner's report, formatted for one language (SPEC §6).

The view holds formatted text and status codes only; the templates lay it
out and translate labels. Sections, in report order: summary, service-level
scorecard with trend charts, objectives with glide-path charts, deviations
with their comments, credits and earn-backs, scope changes, actions,
data-quality appendix, KPI definitions.

Choices where the spec is silent:

* The trend chart shows the last 13 months up to the run's last month, so a
  quarter is seen against the same quarter a year before.
* A comment is shown with a deviation when both are on the same KPI and the
  comment's month lies in the deviation's period; the others are listed under
  "other comments".
* Nightly digests carry no charts (they are read on a phone, every day);
  the quarterly pack does.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

from partner_review.rendering import charts
from partner_review.rendering.data_quality import data_quality_view, kpi_definitions
from partner_review.rendering.formatting import Formats, is_missing
from partner_review.rendering.objectives_view import objectives_view
from partner_review.rendering.views import (
    Cell,
    for_partner,
    kpi_ids_in_order,
    kpi_name,
    kpi_text,
    main_period,
    overall_tone,
    partner_currency,
    sort_deviations,
    text,
    tick_formatter,
)
from partner_review.settings import Settings
from transforms.model import ReviewModel
from transforms.periods import AssessedPeriod, month_label, parse_month

TREND_MONTHS = 13
_Row = dict[Hashable, Any]  # a frame's row by column name (DataFrame.to_dict("records"))
_SCORED = ["actual", "expected", "minimum", "status"]  # the columns a scorecard or chart shows


def partner_view(
    model: ReviewModel, settings: Settings, partner_id: str, language: str
) -> dict[str, Any]:
    """Everything the partner template shows, formatted for ``language``."""
    fmt = Formats(language)
    partner = settings.partners[partner_id]
    currency = partner_currency(settings, partner_id)
    quarterly = model.run.kind == "quarterly"
    deviations = sort_deviations(for_partner(model.deviations, partner_id))
    comments = for_partner(model.comments, partner_id)
    scorecard = _scorecard(model, settings, partner_id, fmt, currency, charts_on=quarterly)
    credits = _credits(model, settings, partner_id, fmt)
    actions = _actions(model, settings, partner_id, fmt)
    scope = _scope_changes(model, settings, partner_id, fmt, currency)
    view: dict[str, Any] = {
        "language": language,
        "kind": model.run.kind,
        "organisation": settings.config.organisation.name,
        "partner_id": partner_id,
        "partner_name": partner.name,
        "service": partner.service or "",
        "run_label": model.run.label,
        "as_of": fmt.date(model.run.as_of),
        "main_period": fmt.month(main_period(model.run).label),
        "contract": f"{fmt.date(partner.contract.start)} – {fmt.date(partner.contract.end)}",
        "monthly_fee": fmt.money(partner.monthly_fee, currency, 0),
        "periods": _period_columns(model.run.periods, fmt),
        "scorecard": scorecard,
        "objectives": objectives_view(model, settings, partner_id, fmt, currency, quarterly),
        "deviations": _deviations(deviations, comments, settings, fmt, model.run),
        "other_comments": _other_comments(deviations, comments, settings, fmt, model.run),
        "improvements": _improvements(model, settings, partner_id, fmt),
        "credits": credits,
        "scope_changes": scope,
        "actions": actions,
        "data_quality": data_quality_view(model, settings, partner_id, fmt),
        "kpi_definitions": kpi_definitions(settings, scorecard, language),
    }
    view["summary"] = _summary(view, deviations, fmt, currency)
    return view


def _period_columns(periods: tuple[AssessedPeriod, ...], fmt: Formats) -> list[dict[str, Any]]:
    return [
        {
            "label": fmt.month(p.label),
            "kind": p.kind,
            "provisional": p.provisional,
            "comparison": p.comparison,
        }
        for p in periods
    ]


def _scorecard(
    model: ReviewModel,
    settings: Settings,
    partner_id: str,
    fmt: Formats,
    currency: str,
    charts_on: bool,
) -> list[dict[str, Any]]:
    """One entry per KPI on the scorecard: a cell per assessed period, the band and a chart."""
    rows = for_partner(model.scorecard, partner_id)
    by_kpi = _rows_by_kpi_and_period(rows, _SCORED)
    series = _TrendData.of(model, partner_id) if charts_on else None
    main = main_period(model.run).label
    entries = []
    for kpi_id in kpi_ids_in_order(settings, rows["kpi_id"]):
        mine = by_kpi.get(kpi_id, {})
        cells = []
        for period in model.run.periods:
            row = mine.get(period.label)
            if row is not None:
                value = kpi_text(fmt, settings, kpi_id, row["actual"], currency)
                cells.append(Cell(value, str(row["status"]), period.provisional))
            else:
                cells.append(Cell("—", "no_data", period.provisional))
        head = mine.get(main)
        entries.append(
            {
                "kpi_id": kpi_id,
                "name": kpi_name(settings, kpi_id, fmt.language),
                "expected": _band_value(fmt, settings, kpi_id, head, "expected", currency),
                "minimum": _band_value(fmt, settings, kpi_id, head, "minimum", currency),
                "status": str(head["status"]) if head is not None else "no_data",
                "cells": cells,
                "chart": _trend_chart(series, model, settings, partner_id, kpi_id, fmt, currency)
                if series is not None
                else None,
            }
        )
    return entries


def _rows_by_kpi_and_period(frame: pd.DataFrame, columns: list[str]) -> dict[str, dict[str, _Row]]:
    """A frame's rows as plain dicts of ``columns`` (with kpi_id and period), by KPI id then
    period label (the first row of each).

    One pass over the frame per report instead of a boolean filter and an index
    per KPI: the views read a few cells of each row.
    """
    found: dict[str, dict[str, _Row]] = {}
    for row in frame[["kpi_id", "period", *columns]].to_dict("records"):
        found.setdefault(str(row["kpi_id"]), {}).setdefault(str(row["period"]), row)
    return found


@dataclass(frozen=True)
class _TrendData:
    """What every trend chart of one partner reads: the chart's months (labels, oldest
    first), the monthly rows of those months by KPI and month, and each KPI's latest
    XmR limits row."""

    months: list[str]
    monthly: dict[str, dict[str, _Row]]
    limits: dict[str, _Row]

    @classmethod
    def of(cls, model: ReviewModel, partner_id: str) -> _TrendData:
        last = max(p.months[-1] for p in model.run.judged)
        months = [month_label(last - i) for i in range(TREND_MONTHS - 1, -1, -1)]
        monthly = for_partner(model.monthly, partner_id)
        shown = monthly[monthly["period"].isin(months)]
        spc = for_partner(model.spc_limits, partner_id)[["kpi_id", "cl", "lcl", "ucl"]]
        latest = {str(row["kpi_id"]): row for row in spc.to_dict("records")}  # the last row wins
        return cls(months, _rows_by_kpi_and_period(shown, _SCORED), latest)


def _band_value(
    fmt: Formats, settings: Settings, kpi_id: str, row: Any, column: str, currency: str
) -> str:
    if row is None:
        return "—"
    return kpi_text(fmt, settings, kpi_id, row[column], currency)


def _trend_chart(
    data: _TrendData,
    model: ReviewModel,
    settings: Settings,
    partner_id: str,
    kpi_id: str,
    fmt: Formats,
    currency: str,
) -> Markup | None:
    by_month = data.monthly.get(kpi_id, {})
    provisional = {p.label for p in model.run.periods if p.provisional}
    points = []
    for label in data.months:
        row = by_month.get(label)
        points.append(
            charts.TrendPoint(
                label=fmt.short_month(label),
                value=_number(row, "actual"),
                status=str(row["status"]) if row is not None else "no_data",
                expected=_number(row, "expected"),
                minimum=_number(row, "minimum"),
                provisional=label in provisional,
            )
        )
    if all(p.value is None for p in points):
        return None
    limits = _limits(data.limits.get(kpi_id))
    tick = tick_formatter(fmt, settings.kpis.get(kpi_id), currency)
    key = f"{partner_id}-{kpi_id}-{fmt.language}"
    return Markup(charts.trend_svg(key, points, limits, tick))


def _number(row: Any, column: str) -> float | None:
    if row is None or is_missing(row[column]):
        return None
    return float(row[column])


def _limits(row: _Row | None) -> charts.Limits | None:
    """The limits of a KPI's latest XmR row, if it has all three."""
    if row is None or any(is_missing(row[c]) for c in ("cl", "lcl", "ucl")):
        return None
    return charts.Limits(float(row["cl"]), float(row["lcl"]), float(row["ucl"]))


def _months_of(period: str, run_periods: tuple[AssessedPeriod, ...]) -> set[str]:
    for p in run_periods:
        if p.label == period:
            return {month_label(m) for m in p.months}
    try:
        return {month_label(parse_month(period))}
    except ValueError:
        return set()


def _deviations(
    deviations: pd.DataFrame,
    comments: pd.DataFrame,
    settings: Settings,
    fmt: Formats,
    run: Any,
) -> list[dict[str, Any]]:
    by_kpi: dict[object, list[Any]] = {}  # the comments of each KPI, in the frame's order
    for comment in comments.itertuples(index=False):
        if not is_missing(comment.kpi_id):
            by_kpi.setdefault(comment.kpi_id, []).append(comment)
    entries = []
    for row in deviations.itertuples(index=False):
        months = _months_of(str(row.period), run.periods)
        candidates = [] if is_missing(row.kpi_id) else by_kpi.get(row.kpi_id, [])
        said = [c for c in candidates if c.period in months]
        entries.append(
            {
                "severity": row.severity,
                "kind": row.kind,
                "kpi": kpi_name(settings, row.kpi_id, fmt.language),
                "objective_id": text(row.objective_id),
                "period": fmt.month(str(row.period)),
                "message": text(row.message),
                "comments": [_comment(c, fmt) for c in said],
            }
        )
    return entries


def _other_comments(
    deviations: pd.DataFrame,
    comments: pd.DataFrame,
    settings: Settings,
    fmt: Formats,
    run: Any,
) -> list[dict[str, Any]]:
    """Comments on a KPI and month that no deviation shows."""
    shown: set[tuple[str, str]] = set()
    for row in deviations.itertuples(index=False):
        for month in _months_of(str(row.period), run.periods):
            shown.add((str(row.kpi_id), month))
    rest = [c for c in comments.itertuples(index=False) if (c.kpi_id, c.period) not in shown]
    return [
        {**_comment(c, fmt), "kpi": kpi_name(settings, c.kpi_id, fmt.language)}
        for c in sorted(rest, key=lambda c: (c.period, c.kpi_id))
    ]


def _comment(row: Any, fmt: Formats) -> dict[str, str]:
    return {
        "author": text(row.author),
        "side": text(row.side),
        "period": fmt.month(str(row.period)),
        "comment": text(row.comment),
    }


def _improvements(
    model: ReviewModel, settings: Settings, partner_id: str, fmt: Formats
) -> list[dict[str, str]]:
    signals = for_partner(model.signals, partner_id)
    good = signals[~signals["concern"].astype(bool)] if len(signals) else signals
    return [
        {
            "kpi": kpi_name(settings, row.kpi_id, fmt.language),
            "signal": str(row.signal),
            "period": fmt.month(str(row.period)),
        }
        for row in good.itertuples(index=False)
    ]


def _credits(
    model: ReviewModel, settings: Settings, partner_id: str, fmt: Formats
) -> dict[str, Any]:
    rows = for_partner(model.credits, partner_id)
    entries = [
        {
            "kpi": kpi_name(settings, row.kpi_id, fmt.language),
            "period": fmt.month(str(row.period)),
            "credit_pct": fmt.percent(row.credit_pct, 1),
            "amount": fmt.money(row.credit_amount, str(row.currency)),
            "capped": bool(row.capped),
            "earnback": str(row.earnback),
            "chronic": bool(getattr(row, "chronic", False)),
        }
        for row in rows.itertuples(index=False)
    ]
    totals = []
    for currency, group in rows.groupby("currency", sort=True):
        owed = group[group["earnback"] != "earned_back"]["credit_amount"].sum()
        totals.append(
            {
                "total": fmt.money(group["credit_amount"].sum(), str(currency)),
                "owed": fmt.money(owed, str(currency)),
            }
        )
    return {"rows": entries, "totals": totals}


def _scope_changes(
    model: ReviewModel, settings: Settings, partner_id: str, fmt: Formats, currency: str
) -> list[dict[str, Any]]:
    rows = for_partner(model.scope_changes, partner_id)
    return [
        {
            "change_id": text(row.change_id),
            "title": text(row.title),
            "status": text(row.status),
            "requested": fmt.date(row.requested_on),
            "decided": fmt.date(row.decision_date),
            "effective": fmt.date(row.effective_date),
            "fee_delta": fmt.money(row.fee_delta_monthly, currency, 0)
            if not is_missing(row.fee_delta_monthly)
            else "—",
            "fte_delta": fmt.number(row.fte_delta, 1, signed=True),
            "kpis": ", ".join(
                kpi_name(settings, k.strip(), fmt.language)
                for k in text(row.affected_kpis).split(";")
                if k.strip()
            ),
            "impact": text(row.impact),
            "moved_targets": text(getattr(row, "moved_targets", "")),
            "pending": text(row.status) in ("proposed", "assessed"),
        }
        for row in rows.itertuples(index=False)
    ]


def _actions(
    model: ReviewModel, settings: Settings, partner_id: str, fmt: Formats
) -> list[dict[str, Any]]:
    rows = for_partner(model.actions, partner_id)
    if len(rows):
        rows = rows.assign(_late=~rows["overdue"].astype(bool)).sort_values(
            ["_late", "due_date"], kind="stable"
        )
    return [
        {
            "action_id": text(row.action_id),
            "title": text(row.title),
            "owner": text(row.owner),
            "side": text(row.owner_side),
            "due": fmt.date(row.due_date),
            "status": text(row.status),
            "overdue": bool(row.overdue),
            "kpi": kpi_name(settings, row.kpi_id, fmt.language),
            "closed": fmt.date(row.closed_on) if not is_missing(row.closed_on) else "",
            "notes": text(row.notes),
        }
        for row in rows.itertuples(index=False)
    ]


def _summary(
    view: dict[str, Any], deviations: pd.DataFrame, fmt: Formats, currency: str
) -> dict[str, Any]:
    """The overall status and what needs a decision or an action."""
    main_statuses = [k["status"] for k in view["scorecard"]]
    critical = [d for d in view["deviations"] if d["severity"] == "critical"]
    # nothing scored and nothing flagged: "No data", never "On track"
    tone = overall_tone(deviations) if main_statuses or len(deviations) else "none"
    return {
        "tone": tone,
        "met": main_statuses.count("met"),
        "at_risk": main_statuses.count("at_risk"),
        "breach": main_statuses.count("breach"),
        "critical": len(critical),
        "warnings": sum(1 for d in view["deviations"] if d["severity"] == "warning"),
        "top_critical": critical[:6],
        "overdue": [a for a in view["actions"] if a["overdue"]],
        "pending_changes": [c for c in view["scope_changes"] if c["pending"]],
        "credit_totals": view["credits"]["totals"],
        "pending_earnbacks": sum(1 for c in view["credits"]["rows"] if c["earnback"] == "pending"),
        "objectives_behind": [
            o for o in view["objectives"] if o["status"] in ("off_track", "missed", "at_risk")
        ],
    }
