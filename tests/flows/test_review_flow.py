"""The real Prefect flows on the demo inputs: run folders, manifest, reruns, failures."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from flows.review import nightly_review, quarterly_review
from flows.tasks import RunOutcome

SPEC_FILES = {
    "scorecard.csv": "partner_id,kpi_id,period,actual,expected,minimum,status,numerator,"
    "denominator,rows",
    "objectives.csv": "objective_id,partner_id,kpi_id,baseline,target,current,progress_pct,"
    "expected_pct,forecast,status",
    "deviations.csv": "partner_id,kpi_id,objective_id,period,kind,severity,message",
    "credits.csv": "partner_id,kpi_id,period,credit_pct,credit_amount,currency,capped,earnback",
    "rejected_rows.csv": "file,line,column,value,reason",
}


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SMTP_"):
            monkeypatch.delenv(name)


def _outcome(state: object) -> RunOutcome:
    result = state.result(raise_on_failure=False)  # type: ignore[attr-defined]
    assert isinstance(result, RunOutcome), result
    return result


def test_quarterly_flow_publishes_a_complete_run_folder(inputs_copy: Path, tmp_path: Path) -> None:
    demo_inputs = inputs_copy
    outputs = tmp_path / "outputs"
    state = quarterly_review(
        quarter="2026-Q3", inputs=demo_inputs, outputs=outputs, workers=2, return_state=True
    )
    outcome = _outcome(state)
    assert state.is_completed(), state.message
    run_dir = outputs / "quarterly" / "2026-Q3"
    for name, header in SPEC_FILES.items():
        with (run_dir / name).open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == header.split(",")
    partners = sorted(p.stem for p in (demo_inputs / "partners").glob("*.yaml"))
    for pid in partners:
        assert (run_dir / f"{pid}.pdf").stat().st_size > 1000
        assert (run_dir / f"{pid}.html").is_file()
        assert (run_dir / f"{pid}.fr.pdf").is_file()  # a stakeholder reads French
    assert (run_dir / "portfolio.pdf").is_file()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["run"]["quarter"] == "2026-Q3"
    assert {"config.yaml", f"partners/{partners[0]}.yaml"} <= {
        i["path"] for i in manifest["inputs"]
    }
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["status"] == "complete"
    assert not [p for p in run_dir.parent.iterdir() if p.name.startswith(".")]
    assert not (run_dir / ".work").exists()
    emails = sorted((outputs / "outbox").glob("*.eml"))
    assert emails and len(emails) == len([d for d in outcome.deliveries if d["status"] == "outbox"])
    assert "2026-Q3" in (outputs / "index.html").read_text()

    published = {p.name: p.stat().st_mtime_ns for p in run_dir.iterdir()}
    rerun = _outcome(
        quarterly_review(
            quarter="2026-Q3", inputs=demo_inputs, outputs=outputs, workers=2, return_state=True
        )
    )
    kept = json.loads((run_dir / "manifest.json").read_text())
    assert kept["rerun"]["outcome"] == "unchanged", "unchanged inputs keep the published pack"
    assert kept["created"] == manifest["created"] and kept["reports"] == manifest["reports"]
    assert "check" in kept["rerun"]["timings"] and "render" not in kept["rerun"]["timings"]
    assert {n: t for n, t in published.items() if n != "manifest.json"} == {
        p.name: p.stat().st_mtime_ns for p in run_dir.iterdir() if p.name != "manifest.json"
    }, "no report or table is written again"
    assert rerun.reports == len(manifest["reports"])
    assert sorted((outputs / "outbox").glob("*.eml")) == emails, "nothing is sent twice"
    assert {d["status"] for d in rerun.deliveries} <= {"duplicate", "unchanged"}

    reused = _rerender_after_one_partner_changes(demo_inputs, outputs)
    assert not reused["HELIX-IT.pdf"] and not reused["HELIX-IT.fr.pdf"]
    assert reused["OUTOKIA-CX.pdf"] and reused["NORDLEDGER-BO.fr.pdf"]


def test_nightly_flow_with_failing_smtp_publishes_and_ends_failed(
    demo_inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", "9")  # discard port: nothing listens, connection refused
    monkeypatch.setenv("SMTP_SECURITY", "none")
    outputs = tmp_path / "outputs"
    state = nightly_review(
        as_of="2026-11-16", inputs=demo_inputs, outputs=outputs, workers=1, return_state=True
    )
    outcome = _outcome(state)
    assert state.is_failed()
    assert outcome.delivery_problems
    run_dir = outputs / "nightly" / "2026-11-16"
    assert (run_dir / "scorecard.csv").is_file()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["status"] == "deliveries_failed"
    assert {d["status"] for d in manifest["deliveries"]} == {"failed"}
    assert "2026-11-16" in (outputs / "index.html").read_text()

    again = nightly_review(
        as_of="2026-11-16", inputs=demo_inputs, outputs=outputs, workers=1, return_state=True
    )
    kept = json.loads((run_dir / "manifest.json").read_text())
    assert kept["rerun"]["outcome"] == "unchanged" and kept["created"] == manifest["created"]
    assert again.is_failed(), "a kept pack's failed deliveries are tried again, not forgotten"
    assert {d["status"] for d in kept["deliveries"]} == {"failed"}
    assert len(kept["deliveries"]) == len(manifest["deliveries"])


def _rerender_after_one_partner_changes(inputs: Path, outputs: Path) -> dict[str, bool]:
    """Correct one HELIX-IT value in place; rerun; which reports were reused."""
    data = inputs / "observations" / "HELIX-IT" / "mttr-2026.csv"
    lines = data.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split("\t")
    cells[4] = str(float(cells[4]) + 1)
    lines[1] = "\t".join(cells)
    data.write_text("\n".join(lines), encoding="utf-8")
    quarterly_review(quarter="2026-Q3", inputs=inputs, outputs=outputs, workers=2)
    manifest = json.loads((outputs / "quarterly" / "2026-Q3" / "manifest.json").read_text())
    return {r["name"]: r["reused"] for r in manifest["reports"]}


def test_tasks_receive_the_settings_whole_and_prefect_does_not_walk_them(
    demo_inputs: Path,
) -> None:
    from prefect import flow, task
    from prefect.utilities.annotations import quote

    from flows.review import _passed_whole
    from partner_review.settings import Settings, load_settings

    settings = load_settings(demo_inputs)
    assert _passed_whole(settings) is settings, "no flow run: the plain function's argument"

    @task
    def receive(given: Settings) -> bool:
        return given is settings

    @flow
    def probe() -> tuple[bool, bool]:
        passed = _passed_whole(settings)
        return isinstance(passed, quote), receive(passed)

    assert probe() == (True, True)


def test_render_processes_start_early_unless_the_published_pack_is_current(
    demo_inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import review
    from partner_review import render_processes
    from partner_review.settings import load_settings

    settings = load_settings(demo_inputs)
    run = review.plan_quarterly(settings, "2026-Q3")
    with review.early_render_processes(settings, run, tmp_path, 2):
        assert render_processes._early is not None, "nothing published: a run renders"
    monkeypatch.setattr(review, "publication_current", lambda *args: True)
    with review.early_render_processes(settings, run, tmp_path, 2):
        assert render_processes._early is None, "a run that keeps its pack renders nothing"
