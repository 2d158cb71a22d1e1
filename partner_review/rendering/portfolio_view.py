"""The portfolio report: every partner at a glance (SPEC §6).

A partners × KPIs grid of the main period's status (colour, symbol and the
actual value), the worst deviations first across partners, and the service
credits per partner with totals per currency.

Choices where the spec is silent: the grid shows the quarter (quarterly) or
the last complete month (nightly); the deviation list shows every critical
and warning deviation and counts the informational ones.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from partner_review.rendering.formatting import Formats
from partner_review.rendering.views import (
    Cell,
    for_partner,
    kpi_ids_in_order,
    kpi_name,
    kpi_text,
    main_period,
    overall_tone,
    partner_currency,
    severity_tone,
    sort_deviations,
    text,
)
from partner_review.settings import Settings
from transforms.model import ReviewModel


def portfolio_view(model: ReviewModel, settings: Settings, language: str) -> dict[str, Any]:
    fmt = Formats(language)
    period = main_period(model.run).label
    scorecard = model.scorecard[model.scorecard["period"] == period]
    partner_ids = sorted(settings.partners)
    kpi_ids = kpi_ids_in_order(settings, scorecard["kpi_id"])
    deviations = sort_deviations(model.deviations)
    serious = deviations[deviations["severity"].isin(["critical", "warning"])]
    scores, severities = _scores(scorecard), _severities(model.deviations)
    return {
        "language": language,
        "kind": model.run.kind,
        "organisation": settings.config.organisation.name,
        "run_label": model.run.label,
        "as_of": fmt.date(model.run.as_of),
        "main_period": fmt.month(period),
        "kpis": [{"kpi_id": k, "name": kpi_name(settings, k, language)} for k in kpi_ids],
        "grid": [_grid_row(scores, severities, settings, pid, kpi_ids, fmt) for pid in partner_ids],
        "deviations": [
            {
                "severity": row.severity,
                "kind": row.kind,
                "partner": _partner_name(settings, row.partner_id),
                "kpi": kpi_name(settings, row.kpi_id, language),
                "period": fmt.month(str(row.period)),
                "message": text(row.message),
            }
            for row in serious.itertuples(index=False)
        ],
        "info_count": int((deviations["severity"] == "info").sum()) if len(deviations) else 0,
        "credits": _credits(model.credits, settings, partner_ids, fmt),
        "tone": overall_tone(model.deviations),
    }


def _partner_name(settings: Settings, partner_id: object) -> str:
    pid = text(partner_id)
    partner = settings.partners.get(pid)
    return partner.name if partner else pid


def _grid_row(
    scores: dict[str, dict[str, tuple[object, object]]],
    severities: dict[str, list[object]],
    settings: Settings,
    partner_id: str,
    kpi_ids: list[str],
    fmt: Formats,
) -> dict[str, Any]:
    """A partner's row of the grid: its KPIs' (actual, status) of the main period in
    ``scores``, and its deviations' ``severities``."""
    currency = partner_currency(settings, partner_id)
    mine = scores.get(partner_id, {})
    cells = []
    for kpi_id in kpi_ids:
        if kpi_id not in mine:
            cells.append(Cell("", "none"))
            continue
        actual, status = mine[kpi_id]
        cells.append(Cell(kpi_text(fmt, settings, kpi_id, actual, currency), str(status)))
    flagged = severities.get(partner_id, [])
    return {
        "partner_id": partner_id,
        "name": settings.partners[partner_id].name,
        "cells": cells,
        # nothing scored and nothing flagged: "No data", never "On track"
        "tone": severity_tone(flagged) if mine or flagged else "none",
        "critical": flagged.count("critical"),
        "warnings": flagged.count("warning"),
    }


def _scores(scorecard: pd.DataFrame) -> dict[str, dict[str, tuple[object, object]]]:
    """(actual, status) by partner and KPI (the first row of each): one pass for the grid."""
    found: dict[str, dict[str, tuple[object, object]]] = {}
    columns = ("partner_id", "kpi_id", "actual", "status")
    for pid, kpi_id, actual, status in zip(*(scorecard[c] for c in columns), strict=True):
        found.setdefault(str(pid), {}).setdefault(str(kpi_id), (actual, status))
    return found


def _severities(deviations: pd.DataFrame) -> dict[str, list[object]]:
    """Each partner's deviations' severities."""
    found: dict[str, list[object]] = {}
    for pid, severity in zip(deviations["partner_id"], deviations["severity"], strict=True):
        found.setdefault(str(pid), []).append(severity)
    return found


def _credits(
    credits: pd.DataFrame, settings: Settings, partner_ids: list[str], fmt: Formats
) -> dict[str, Any]:
    rows = []
    for pid in partner_ids:
        mine = for_partner(credits, pid)
        for currency, group in mine.groupby("currency", sort=True):
            rows.append(
                {
                    "partner": settings.partners[pid].name,
                    "count": fmt.number(len(group)),
                    "total": fmt.money(group["credit_amount"].sum(), str(currency)),
                    "pending": fmt.number((group["earnback"] == "pending").sum()),
                    "capped": bool(group["capped"].any()),
                }
            )
    totals = [
        fmt.money(group["credit_amount"].sum(), str(currency))
        for currency, group in credits.groupby("currency", sort=True)
    ]
    return {"rows": rows, "totals": totals}
