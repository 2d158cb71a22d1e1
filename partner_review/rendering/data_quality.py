"""The data-quality appendix and the KPI definitions of a partner report.

Choice where the spec is silent: a partner report may be sent to the partner,
so the appendix lists rejected rows as counts per file and the files' own
problems (a file that could not be read), never the rejected values — those
may belong to another partner; rejected_rows.csv holds them all.

The report is given the partner's share of the model (transforms.slicing.model_for_partner):
"Sources" lists the partner's own data files (kept or superseded rows of the partner), the
files nobody can be told the owner of (unreadable or wholly rejected) and the logs; the
other partners' files are only counted. Sources are listed up to ``LISTED_ROWS``, then
counted ("and N more"), so a folder of 10,000 files keeps a report of a few pages;
manifest.json lists every input file with its rows, rejected rows and sha256. Superseded
rows are all listed (SPEC §1: "Every superseded row is listed in the report's
data-quality appendix"), only the partner's own.

Restated figures (a period run again after late or corrected files: restatements.csv)
are listed first, each with its old and new value and status and the changed files
that explain it (only the partner's own files and the configuration are ever named).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from partner_review.rendering.formatting import Formats, is_missing
from partner_review.rendering.views import for_partner, kpi_name, kpi_text, partner_currency, text
from partner_review.settings import Settings
from transforms.model import ReviewModel
from transforms.restatement import RESTATEMENTS
from transforms.slicing import source_file_partners

LISTED_ROWS = 50  # rows of the Sources table; the rest are counted

_CHANGED_FILE = re.compile(r"^(?P<path>.*) \((?P<change>modified|added|removed)\)$")


def data_quality_view(
    model: ReviewModel, settings: Settings, partner_id: str, fmt: Formats
) -> dict[str, Any]:
    """Sources read, rejected rows per file, superseded rows and freshness of the partner."""
    source = model.source
    rejected = source.rejected
    row_count = int(rejected["line"].notna().sum())
    restated = model.extras.get(RESTATEMENTS)
    superseded = for_partner(source.superseded, partner_id)
    return {
        "restated": [] if restated is None else _restated(restated, settings, partner_id, fmt),
        "files": _files(source.files, fmt),
        "files_more": max(len(source.files) - LISTED_ROWS, 0),
        "files_of_others": _files_of_others(model, partner_id, source.files),
        "rejected_count": row_count,
        "rejected_by_file": _rejected_by_file(rejected, fmt),
        "unreadable": [
            {"file": text(r.file), "reason": text(r.reason)}
            for r in rejected[rejected["line"].isna()].itertuples(index=False)
        ],
        "superseded": _superseded(superseded, settings, fmt),
        "freshness": _freshness(for_partner(model.freshness, partner_id), settings, fmt),
    }


def _restated(
    table: pd.DataFrame, settings: Settings, partner_id: str, fmt: Formats
) -> list[dict[str, Any]]:
    """One entry per restated KPI and period of the partner (restatements.csv rows)."""
    currency = partner_currency(settings, partner_id)
    return [
        {
            "kpi": kpi_name(settings, row.kpi_id, fmt.language),
            "period": fmt.month(str(row.period)),
            "old": kpi_text(fmt, settings, str(row.kpi_id), row.old_actual, currency),
            "new": kpi_text(fmt, settings, str(row.kpi_id), row.new_actual, currency),
            "old_status": text(row.old_status) or "no_data",
            "new_status": text(row.new_status) or "no_data",
            "files": _changed_files(text(row.changed_files)),
        }
        for row in for_partner(table, partner_id).itertuples(index=False)
    ]


def _changed_files(cell: str) -> list[dict[str, str]]:
    """ "a.csv (modified);b.csv (added)" as [{path, change}]; a change word left as is."""
    entries = []
    for part in filter(None, cell.split(";")):
        found = _CHANGED_FILE.match(part)
        path, change = (found["path"], found["change"]) if found else (part, "")
        entries.append({"path": path, "change": change})
    return entries


def _files_of_others(model: ReviewModel, partner_id: str, shown: pd.DataFrame) -> int:
    """How many data files of the folder are only other partners' (not shown in this report)."""
    pairs = source_file_partners(model)
    files = pairs.loc[pairs["partner_id"] != partner_id, "file"].drop_duplicates()
    return int((~files.isin(shown["file"])).sum())


def _files(files: pd.DataFrame, fmt: Formats) -> list[dict[str, str]]:
    """The first LISTED_ROWS files by path."""
    return [
        {
            "file": text(row.file),
            "kind": text(row.kind),
            "rows": fmt.number(row.rows),
            "rejected": fmt.number(row.rejected),
            "sha": text(row.sha256)[:12],
        }
        for row in files.sort_values("file", kind="stable")
        .head(LISTED_ROWS)
        .itertuples(index=False)
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
