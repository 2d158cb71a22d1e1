"""One run at a time per outputs folder, across real processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from partner_review.lock import RunLock, RunLockedError

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from partner_review.lock import RunLock
    with RunLock(Path(sys.argv[1]), "nightly 2026-11-27"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _holder(lock: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_run_fails_fast_naming_the_holder(tmp_path: Path) -> None:
    lock = tmp_path / ".partner-review.lock"
    proc = _holder(lock, 30)
    try:
        with pytest.raises(RunLockedError) as caught, RunLock(lock, "quarterly 2026-Q3"):
            pass
        message = str(caught.value)
        assert f"pid {proc.pid}" in message
        assert "nightly 2026-11-27" in message
        assert "nothing was written or sent" in message
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    lock = tmp_path / ".partner-review.lock"
    proc = _holder(lock, 30)
    proc.kill()
    proc.wait()
    with RunLock(lock, "quarterly 2026-Q3"):
        assert '"run": "quarterly 2026-Q3"' in lock.read_text()


def test_waiting_run_proceeds_when_the_holder_finishes(tmp_path: Path) -> None:
    lock = tmp_path / ".partner-review.lock"
    proc = _holder(lock, 1.0)
    start = time.monotonic()
    with RunLock(lock, "quarterly 2026-Q3", wait_seconds=20):
        waited = time.monotonic() - start
    proc.wait()
    assert waited > 0.3
