"""One run at a time per outputs folder, with real processes of the command line.

A nightly run and a manual quarterly started at the same moment on the same
outputs folder: one runs to the end, the other stops at once (long before a
run's Prefect start-up would end) with exit code 2, a message naming the
holder's pid, run and start time, no traceback, and nothing of its own written.
A lock left by a run killed with SIGKILL is taken over by the next run.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from tests.hardening.runs import (
    AS_OF,
    check_run_folders,
    kill_group,
    one_partner_inputs,
    start_nightly,
    start_run,
)

FAIL_FAST_SECONDS = 12.0  # imports and configuration; a whole run takes 25 s or more here


@pytest.mark.timeout(600)
def test_nightly_and_manual_quarterly_at_once_one_runs_the_other_fails_fast(
    tmp_path: Path,
) -> None:
    inputs = one_partner_inputs(tmp_path / "inputs")
    outputs = tmp_path / "outputs"
    quarterly = ["quarterly", "--quarter", "2026-Q3", "--inputs", str(inputs)]
    quarterly += ["--outputs", str(outputs), "--workers", "1", "--no-email"]
    logs = {"nightly": tmp_path / "nightly.log", "quarterly": tmp_path / "quarterly.log"}
    started = time.monotonic()
    procs = {
        "nightly": start_nightly(inputs, outputs, logs["nightly"]),
        "quarterly": start_run(quarterly, logs["quarterly"]),
    }
    finished = {}
    while len(finished) < 2:
        for name, proc in procs.items():
            if name not in finished and proc.poll() is not None:
                finished[name] = (proc.returncode, time.monotonic() - started)
        time.sleep(0.05)
    codes = sorted(code for code, _ in finished.values())
    assert codes == [0, 2], {n: logs[n].read_text()[-2000:] for n in logs}
    loser = next(n for n, (code, _) in finished.items() if code == 2)
    winner = "quarterly" if loser == "nightly" else "nightly"
    output = logs[loser].read_text()
    assert finished[loser][1] < FAIL_FAST_SECONDS, finished
    assert finished[loser][1] < finished[winner][1]
    assert "Traceback" not in output
    holder = procs[winner].pid
    label = "quarterly 2026-Q3" if winner == "quarterly" else f"nightly {AS_OF}"
    expected = (
        rf"error: another run holds {re.escape(str(outputs))} \(pid {holder}, {label}, "
        r"started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.\d]*\+00:00\); nothing was written or sent\. "
        r"Wait for it to finish, or use another --outputs folder\."
    )
    assert re.search(expected, output), output
    kinds = {p.name for p in outputs.iterdir() if p.is_dir() and p.name in ("nightly", "quarterly")}
    assert kinds == {winner}
    print(f"finished (exit code, seconds): {finished}")


@pytest.mark.timeout(600)
def test_lock_of_a_killed_run_is_taken_over_by_the_next_run(tmp_path: Path) -> None:
    inputs = one_partner_inputs(tmp_path / "inputs")
    outputs = tmp_path / "outputs"
    lock = outputs / ".partner-review.lock"
    first = start_nightly(inputs, outputs, tmp_path / "killed.log")
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text()):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    assert json.loads(lock.read_text())["pid"] == first.pid
    kill_group(first)
    assert json.loads(lock.read_text())["pid"] == first.pid  # left behind, stale
    log = tmp_path / "next.log"
    second = start_nightly(inputs, outputs, log)
    assert second.wait() == 0, log.read_text()[-3000:]
    assert check_run_folders(outputs) == "complete"
    assert "another run holds" not in log.read_text()
