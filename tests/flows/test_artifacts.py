"""Prefect UI artifacts of a real quarterly run, read back through the Prefect client;
and restatements.csv when the quarter is run again after a corrected file."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
from pathlib import Path
from typing import Any
from uuid import UUID

import pandas as pd
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from flows.artifacts import deviations_markdown, overall_status, report_key, status_grid
from flows.review import quarterly_review


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SMTP_"):
            monkeypatch.delenv(name)


def test_grid_has_one_row_per_partner_with_its_worst_status_in_the_period() -> None:
    scorecard = pd.DataFrame(
        [
            ("B", "FCR", "2026-Q3", "met"),
            ("A", "FCR", "2026-Q3", "at_risk"),
            ("A", "AHT", "2026-Q3", "met"),
            ("A", "AHT", "2026-07", "breach"),  # another period: not in the grid
            ("B", "AHT", "2026-Q3", "no_data"),
        ],
        columns=["partner_id", "kpi_id", "period", "status"],
    )
    assert status_grid(scorecard, "2026-Q3") == [
        {"partner": "A", "overall": "at_risk", "AHT": "met", "FCR": "at_risk"},
        {"partner": "B", "overall": "met", "AHT": "no_data", "FCR": "met"},
    ]
    assert overall_status(["no_target", "no_data"]) == "no_data"


def test_deviations_markdown_lists_critical_first_and_caps_the_count() -> None:
    deviations = pd.DataFrame(
        [
            ("A", "FCR", "2026-Q3", "info", "i"),
            ("B", "AHT", "2026-Q3", "warning", "w | pipe"),
            ("C", "FCR", "2026-Q3", "critical", "c"),
        ],
        columns=["partner_id", "kpi_id", "period", "severity", "message"],
    )
    text = deviations_markdown(deviations, top=2)
    rows = [
        line for line in text.splitlines() if line.startswith("| critical") or "warning" in line
    ]
    assert rows == [
        "| critical | C | FCR | 2026-Q3 | c |",
        "| warning | B | AHT | 2026-Q3 | w \\| pipe |",
    ]
    assert "(2 of 3)" in text and "| info |" not in text


def test_report_key_is_lowercase_dashes() -> None:
    assert report_key(Path("HELIX-IT.fr.pdf")) == "partner-review-report-helix-it-fr"


async def _artifacts(flow_run_id: UUID) -> list[Any]:
    async with get_client() as client:
        return await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_quarterly_run_publishes_artifacts_and_a_rerun_records_restatements(
    inputs_copy: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    state = quarterly_review(
        quarter="2026-Q3",
        inputs=inputs_copy,
        outputs=outputs,
        send=False,
        workers=2,
        return_state=True,
    )
    assert state.is_completed(), state.message
    run_dir = outputs / "quarterly" / "2026-Q3"
    assert not (run_dir / "restatements.csv").exists(), "first publication restates nothing"
    found = {a.key: a for a in asyncio.run(_artifacts(state.state_details.flow_run_id))}

    grid = found["partner-review-grid"]
    assert grid.type == "table"
    rows = json.loads(grid.data) if isinstance(grid.data, str) else grid.data
    partners = sorted(p.stem for p in (inputs_copy / "partners").glob("*.yaml"))
    assert [r["partner"] for r in rows] == partners
    quarter = [r for r in _csv(run_dir / "scorecard.csv") if r["period"] == "2026-Q3"]
    helix = next(r for r in rows if r["partner"] == "HELIX-IT")
    for line in (r for r in quarter if r["partner_id"] == "HELIX-IT"):
        assert helix[line["kpi_id"]] == line["status"]

    markdown = found["partner-review-deviations"]
    assert markdown.type == "markdown"
    severities = [line.split("|")[1].strip() for line in markdown.data.splitlines()[4:]]
    order = {"critical": 0, "warning": 1, "info": 2}
    assert severities and [order[s] for s in severities] == sorted(order[s] for s in severities)
    critical = sum(r["severity"] == "critical" for r in _csv(run_dir / "deviations.csv"))
    assert severities.count("critical") == min(critical, 15)

    links = {k: a for k, a in found.items() if k.startswith("partner-review-report-")}
    pdfs = sorted(run_dir.glob("*.pdf"))
    assert len(links) == len(pdfs) and "partner-review-report-helix-it-fr" in links
    assert (run_dir / "HELIX-IT.fr.pdf").resolve().as_uri() in links[
        "partner-review-report-helix-it-fr"
    ].data

    kept = quarterly_review(
        quarter="2026-Q3", inputs=inputs_copy, outputs=outputs, send=False, return_state=True
    )
    assert kept.is_completed() and kept.result().unchanged, kept.message
    again = {a.key for a in asyncio.run(_artifacts(kept.state_details.flow_run_id))}
    assert again == {"partner-review-grid", "partner-review-deviations"}, "no links resent"

    data = inputs_copy / "observations" / "HELIX-IT" / "mttr-2026.csv"
    header, *rows = data.read_text(encoding="utf-8").rstrip("\n").split("\n")
    corrected = [row.split("\t") for row in rows]
    for cells in corrected:
        if cells[4].replace(".", "", 1).isdigit():  # every readable MTTR figure moves
            cells[4] = str(float(cells[4]) + 100)
    data.write_text("\n".join([header, *("\t".join(c) for c in corrected)]) + "\n")
    rerun = quarterly_review(
        quarter="2026-Q3",
        inputs=inputs_copy,
        outputs=outputs,
        send=False,
        workers=2,
        return_state=True,
    )
    assert rerun.is_completed(), rerun.message
    restated = _csv(run_dir / "restatements.csv")
    assert restated, "the corrected MTTR figure is restated"
    assert {(r["partner_id"], r["kpi_id"]) for r in restated} == {("HELIX-IT", "mttr_hours")}
    assert all(
        r["changed_files"] == "observations/HELIX-IT/mttr-2026.csv (modified)" for r in restated
    )
    assert all(r["old_actual"] != r["new_actual"] for r in restated)
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["tables"]["restatements.csv"] == len(restated)
    _assert_reports_show_restatements(run_dir, restated)


def _assert_reports_show_restatements(run_dir: Path, restated: list[dict[str, str]]) -> None:
    """HELIX-IT's report (HTML and PDF, en and fr) lists each restated MTTR figure, old and
    new, and the corrected file; the other partners' reports say nothing of it."""
    html = (run_dir / "HELIX-IT.html").read_text(encoding="utf-8")
    section = html[html.index('id="restated"') : html.index("Sources</h3>")]
    assert "Mean time to resolve" in section
    assert "observations/HELIX-IT/mttr-2026.csv (changed)" in section
    for row in restated:
        assert f"{float(row['old_actual']):,.1f} h" in section
        assert f"{float(row['new_actual']):,.1f} h" in section
    count = len(restated)
    noun = "figure" if count == 1 else "figures"
    assert f"{count} {noun} changed since the previous report for this period." in html
    french = (run_dir / "HELIX-IT.fr.html").read_text(encoding="utf-8")
    assert "Chiffres révisés" in french and "Délai moyen de résolution" in french
    assert "mttr-2026.csv (modifié)" in french
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(run_dir / "HELIX-IT.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Restated figures" in pdf_text and "mttr-2026.csv" in pdf_text
    for other in ("OUTOKIA-CX", "NORDLEDGER-BO"):
        assert 'id="restated"' not in (run_dir / f"{other}.html").read_text(encoding="utf-8")
