"""The data-quality appendix and the KPI definitions of a partner report.

Choice where the spec is silent: a partner report may be sent to the partner,
so the appendix lists rejected rows as counts per file and the files' own
problems (a file that could not be read), never the rejected values — those
may belong to another partner; rejected_rows.csv holds them all.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from partner_review.rendering.formatting import Formats, is_missing
from partner_review.rendering.views import for_partner, kpi_name, text
from partner_review.settings import Settings
from transforms.model import ReviewModel


def data_quality_view(
    model: ReviewModel, settings: Settings, partner_id: str, fmt: Formats
) -> dict[str, Any]:
    """Sources read, rejected rows per file, superseded rows and freshness of the partner."""
    source = model.source
    rejected = source.rejected
    row_count = int(rejected["line"].notna().sum())
    return {
        "files": _files(source.files, fmt),
        "rejected_count": row_count,
        "rejected_by_file": _rejected_by_file(rejected, fmt),
        "unreadable": [
            {"file": text(r.file), "reason": text(r.reason)}
            for r in rejected[rejected["line"].isna()].itertuples(index=False)
        ],
        "superseded": _superseded(for_partner(source.superseded, partner_id), settings, fmt),
        "freshness": _freshness(for_partner(model.freshness, partner_id), settings, fmt),
    }


def _files(files: pd.DataFrame, fmt: Formats) -> list[dict[str, str]]:
    return [
        {
            "file": text(row.file),
            "kind": text(row.kind),
            "rows": fmt.number(row.rows),
            "rejected": fmt.number(row.rejected),
            "sha": text(row.sha256)[:12],
        }
        for row in files.sort_values("file", kind="stable").itertuples(index=False)
    ]


def _rejected_by_file(rejected: pd.DataFrame, fmt: Formats) -> list[dict[str, str]]:
    rows = rejected[rejected["line"].notna()]
    counts = rows.groupby("file", sort=True).size()
    return [{"file": str(file), "rows": fmt.number(count)} for file, count in counts.items()]


def _superseded(frame: pd.DataFrame, settings: Settings, fmt: Formats) -> list[dict[str, str]]:
    return [
        {
            "file": f"{text(row.file)}:{row.line}",
            "kpi": kpi_name(settings, row.kpi_id, fmt.language),
            "period": f"{fmt.date(row.period_start)} – {fmt.date(row.period_end)}",
            "kept": f"{text(row.kept_file)}:{row.kept_line}",
            "reason": text(row.reason),
        }
        for row in frame.itertuples(index=False)
    ]


def _freshness(frame: pd.DataFrame, settings: Settings, fmt: Formats) -> list[dict[str, Any]]:
    return [
        {
            "kpi": kpi_name(settings, row.kpi_id, fmt.language),
            "latest": fmt.date(row.latest_period_end),
            "days_old": fmt.number(row.days_old),
            "stale": bool(row.stale) if not is_missing(row.stale) else False,
        }
        for row in frame.itertuples(index=False)
    ]


def kpi_definitions(
    settings: Settings, scorecard: list[dict[str, Any]], language: str
) -> list[dict[str, Any]]:
    """The definition of every KPI on the scorecard, in config.yaml order."""
    shown = {entry["kpi_id"] for entry in scorecard}
    entries = []
    for kpi in settings.config.kpis:
        if kpi.id not in shown:
            continue
        entries.append(
            {
                "kpi_id": kpi.id,
                "name": kpi.name.get(language),
                "description": kpi.description.get(language) if kpi.description else "",
                "unit": kpi.unit,
                "direction": kpi.direction,
                "aggregation": kpi.aggregation,
                "scale": kpi.effective_scale,
                "decimals": kpi.decimals,
                "min_denominator": kpi_min(kpi.min_denominator),
            }
        )
    return entries


def kpi_min(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
