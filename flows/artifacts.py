"""Prefect UI artifacts of a published run: status grid, top deviations, links to the reports.

Read back from the published run folder (scorecard.csv, deviations.csv, the PDFs), so the
UI shows what was published. Keys are stable across runs (the UI versions them):

- ``partner-review-grid`` (table): one row per partner — partner, overall status, then one
  column per KPI with its status in the run's main period (quarterly: the quarter;
  nightly: the last complete month). Overall is the worst of breach > at_risk > met
  among its KPIs; a partner with none of these is "no_data".
- ``partner-review-deviations`` (markdown): the top deviations, critical first, then
  warning, then info, at most ``TOP_DEVIATIONS`` rows.
- ``partner-review-report-<file stem>`` (link): the file:// URI of each published PDF.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import get_client, task
from prefect.artifacts import (
    acreate_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE

from partner_review.paths import DEVIATIONS_CSV, SCORECARD_CSV
from transforms.periods import RunSpec, month_label

GRID_KEY = "partner-review-grid"
DEVIATIONS_KEY = "partner-review-deviations"
REPORT_KEY_PREFIX = "partner-review-report-"
TOP_DEVIATIONS = 15
_JUDGED = ("breach", "at_risk", "met")
_SEVERITY = {"critical": 0, "warning": 1, "info": 2}


def main_period(run: RunSpec) -> str:
    """The period the grid shows: the quarter, or the nightly's last complete month."""
    return run.label if run.kind == "quarterly" else month_label(run.evaluation_month)


def status_grid(scorecard: pd.DataFrame, period: str) -> list[dict[str, str]]:
    """One row per partner: partner, overall, and each KPI's status in the period."""
    rows = scorecard[scorecard["period"] == period]
    kpis = sorted(rows["kpi_id"].unique())
    grid = []
    for partner, group in rows.groupby("partner_id", sort=True):
        statuses = dict(zip(group["kpi_id"], group["status"], strict=True))
        line = {"partner": str(partner), "overall": overall_status(list(statuses.values()))}
        line |= {kpi: str(statuses.get(kpi, "")) for kpi in kpis}
        grid.append(line)
    return grid


def overall_status(statuses: list[str]) -> str:
    for status in _JUDGED:
        if status in statuses:
            return status
    return "no_data"


def deviations_markdown(deviations: pd.DataFrame, top: int = TOP_DEVIATIONS) -> str:
    """A markdown table of the top deviations, most severe first."""
    ranked = deviations.assign(_rank=deviations["severity"].map(_SEVERITY).fillna(3))
    ranked = ranked.sort_values(["_rank", "partner_id", "kpi_id", "period"], kind="stable")
    lines = [
        f"# Top deviations ({min(top, len(ranked))} of {len(ranked)})",
        "",
        "| Severity | Partner | KPI | Period | Message |",
        "|---|---|---|---|---|",
    ]
    for row in ranked.head(top).itertuples(index=False):
        cells = [row.severity, row.partner_id, row.kpi_id, row.period, row.message]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if ranked.empty:
        lines.append("| | | | | No deviation |")
    return "\n".join(lines) + "\n"


def report_key(pdf: Path) -> str:
    """partner-review-report-helix-it-fr for HELIX-IT.fr.pdf (lowercase, digits, dashes)."""
    stem = re.sub(r"[^a-z0-9]+", "-", pdf.stem.lower()).strip("-")
    return REPORT_KEY_PREFIX + stem


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def publish_artifacts(run: RunSpec, final: Path, links: bool = True) -> dict[str, Any]:
    """The grid, the top deviations and (``links``) one link per PDF of the published run
    folder. A rerun that kept its publication sends no links: those its publication sent
    point to the same files under the same keys, and a hundred of them take seconds."""
    scorecard = _read(final / SCORECARD_CSV)
    deviations = _read(final / DEVIATIONS_CSV)
    period = main_period(run)
    create_table_artifact(
        status_grid(scorecard, period),
        key=GRID_KEY,
        description=f"Status per partner and KPI, {run.kind} {run.label}, period {period}",
    )
    create_markdown_artifact(
        deviations_markdown(deviations),
        key=DEVIATIONS_KEY,
        description=f"Top deviations, {run.kind} {run.label}",
    )
    pdfs = sorted(final.glob("*.pdf")) if links else []
    if pdfs:
        asyncio.run(_create_links(pdfs, f"{run.kind} {run.label}"))
    return {"period": period, "links": len(pdfs)}


async def _create_links(pdfs: list[Path], run_name: str) -> None:
    """One link artifact per PDF, sent together over one client (a hundred PDFs: one wait)."""
    async with get_client() as client:
        await asyncio.gather(
            *(
                acreate_link_artifact(
                    pdf.resolve().as_uri(),
                    link_text=pdf.name,
                    key=report_key(pdf),
                    description=f"{pdf.name}, {run_name}",
                    client=client,
                )
                for pdf in pdfs
            )
        )


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
