"""Measuring a subprocess: exit code, memory of the tree, stages placed from the log."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.measure import MIB, Measured, child_env, run_measured, stage_figures

CHILD = """
import logging, time
logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s", level=logging.INFO)
block = bytearray(80 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
time.sleep(0.3)
logging.info("read 3 files: 10 rows kept")
time.sleep(0.3)
"""


def test_a_child_process_is_measured_with_its_exit_code_and_memory(tmp_path: Path) -> None:
    measured = run_measured([sys.executable, "-c", CHILD], tmp_path / "child.log", interval=0.05)
    assert measured.returncode == 0
    assert measured.peak_rss >= 80 * MIB
    assert measured.wall >= 0.6
    assert "INFO read 3 files" in measured.log


def test_stages_end_ingest_at_the_log_line_and_keep_the_runs_own_wall_times(
    tmp_path: Path,
) -> None:
    measured = run_measured([sys.executable, "-c", CHILD], tmp_path / "child.log", interval=0.05)
    figures = stage_figures(measured, {"ingest": 0.2, "compute": 0.1})
    assert [f.stage for f in figures] == ["startup", "ingest", "compute", "shutdown"]
    assert [f.wall for f in figures[1:3]] == [0.2, 0.1]
    # the process ran ~0.3 s after the ingest line: compute (0.1 s) then shutdown
    assert figures[-1].wall > 0.1
    assert figures[1].peak_rss >= 80 * MIB


def test_a_run_that_starts_with_the_publication_check_is_placed_by_the_ingest_line(
    tmp_path: Path,
) -> None:
    measured = run_measured([sys.executable, "-c", CHILD], tmp_path / "child.log", interval=0.05)
    figures = stage_figures(measured, {"check": 0.1, "ingest": 0.2, "compute": 0.1})
    assert [f.stage for f in figures] == ["startup", "check", "ingest", "compute", "shutdown"]
    # the check and ingest end 0.3 s before the process does (its final sleep)
    assert figures[-1].wall > 0.15, "placed by the log line, not by the end"


def test_an_unchanged_rerun_is_placed_by_its_fingerprint_line(tmp_path: Path) -> None:
    child = CHILD.replace("read 3 files: 10 rows kept", "run fingerprint 0a1b: unchanged")
    measured = run_measured([sys.executable, "-c", child], tmp_path / "child.log", interval=0.05)
    figures = stage_figures(measured, {"check": 0.05})
    assert [f.stage for f in figures] == ["startup", "check", "shutdown"]
    assert figures[-1].wall > 0.2, "placed by the log line, not by the end"


def test_without_the_log_line_the_stages_end_with_the_process() -> None:
    measured = Measured(["x"], 0, 100.0, 10.0, 4.0, 0, [100.0, 110.0], [0, 0], [0.0, 4.0])
    figures = stage_figures(measured, {"ingest": 2.0, "render": 3.0})
    assert [(f.stage, f.wall) for f in figures] == [
        ("startup", 5.0),
        ("ingest", 2.0),
        ("render", 3.0),
        ("shutdown", 0.0),
    ]


def test_cpu_between_two_moments_comes_from_the_samples() -> None:
    measured = Measured(["x"], 0, 0.0, 3.0, 6.0, 0, [0.0, 1.0, 2.0, 3.0], [0] * 4, [0, 1, 3, 6])
    assert measured.cpu_at(2.5) - measured.cpu_at(1.0) == 2.0


def test_child_env_drops_smtp_settings_and_puts_the_project_on_the_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMTP_HOST", "smtp.example.com")
    env = child_env(Path("project"), EXTRA="1")
    assert "SMTP_HOST" not in env
    assert env["PYTHONPATH"].split(":")[0] == "project"
    assert env["EXTRA"] == "1"
