"""The run without the Prefect engine (the overhead figure's baseline) does the whole run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from prefect.tasks import Task

from benchmarks.direct import main
from flows import review


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SMTP_"):
            monkeypatch.delenv(name)


def test_direct_quarterly_publishes_the_run_and_writes_its_emails_without_prefect(
    inputs_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs"
    code = main(
        ["quarterly", "--quarter", "2026-Q3", "--inputs", str(inputs_copy),
         "--outputs", str(outputs), "--workers", "2"]
    )  # fmt: skip
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and printed["state"] == "COMPLETED"
    run_dir = outputs / "quarterly" / "2026-Q3"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert printed["reports"] == len(manifest["reports"]) > 0
    assert all((run_dir / r["name"]).stat().st_size > 0 for r in manifest["reports"])
    assert sorted((outputs / "outbox").glob("*.eml")), "deliveries ran: emails in the outbox"
    assert isinstance(review.publish_artifacts, Task), "the flows' tasks are put back"
