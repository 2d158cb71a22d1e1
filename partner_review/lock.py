"""One run at a time per outputs folder.

The lock is an advisory ``flock`` on ``outputs/.partner-review.lock``: the kernel
releases it when its holder dies, so a stale lock from a killed run is taken
over by the next run. The file holds the holder's pid, start time and run, for
the message a second run prints.

The lock is re-entrant within one process: the command line takes it before
Prefect starts and holds it around the flow, whose own lock then passes, so a
second run started at the same moment fails at once, not after Prefect's start-up.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from partner_review.errors import PartnerReviewError

_HELD: dict[Path, int] = {}  # lock files this process holds, and how many times


class RunLockedError(PartnerReviewError):
    """Another run holds the outputs folder."""

    exit_code = 2


class RunLock:
    """Exclusive hold of an outputs folder for the duration of a run."""

    def __init__(self, path: Path, run: str, wait_seconds: float = 0.0) -> None:
        self.path = path
        self.run = run
        self.wait_seconds = wait_seconds
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = self.path.resolve()
        if _HELD.get(key):
            _HELD[key] += 1
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read_holder(self.path)
                    os.close(fd)
                    raise RunLockedError(
                        f"another run holds {self.path.parent} ({holder}); nothing was written "
                        "or sent. Wait for it to finish, or use another --outputs folder."
                    ) from None
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        record = {"pid": os.getpid(), "started": datetime.now(UTC).isoformat(), "run": self.run}
        os.write(fd, json.dumps(record).encode())
        self._fd = fd
        _HELD[key] = 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        key = self.path.resolve()
        if _HELD.get(key, 0) > 1:
            _HELD[key] -= 1
            return
        _HELD.pop(key, None)
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _read_holder(path: Path) -> str:
    try:
        data = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "holder unknown"
    return f"pid {data.get('pid')}, {data.get('run')}, started {data.get('started')}"
