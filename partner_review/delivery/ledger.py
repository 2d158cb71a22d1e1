"""The delivery ledger: an SQLite file recording every message of every run.

One row per message outcome (sent, outbox, duplicate, unchanged, failed):
run kind and label, recipient, content hash, Message-ID, subject, time,
outcome, attempts, error. A message counts as delivered when its outcome is
``sent`` or ``outbox`` (the outbox is the configured way of delivering when
no server is set). Each row is committed on its own, right after the server
accepted the message, so a crash later in the run never re-sends it.

Nightly runs also keep, per recipient, the (partner, KPI, kind) deviation set
of each delivered email: on-change stakeholders are compared with the set of
the latest earlier nightly they were sent.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from partner_review.delivery.digest import DeviationKey

DELIVERED = ("sent", "outbox")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    run_kind TEXT NOT NULL,
    run_label TEXT NOT NULL,
    recipient TEXT NOT NULL,
    content_hash TEXT,
    message_id TEXT,
    subject TEXT,
    outcome TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_run
    ON deliveries (run_kind, run_label, recipient);
CREATE TABLE IF NOT EXISTS deviation_sets (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    run_label TEXT NOT NULL,
    deviations TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deviation_sets_recipient ON deviation_sets (recipient, run_label);
"""


@dataclass(frozen=True)
class LedgerEntry:
    """One message outcome to record."""

    run_kind: str
    run_label: str
    recipient: str
    content_hash: str | None
    message_id: str | None
    subject: str | None
    outcome: str
    attempts: int = 0
    error: str | None = None


class Ledger:
    """The ledger file at ``path`` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as conn, conn:
            yield conn

    def delivered_hashes(self, run_kind: str, run_label: str, recipient: str) -> Counter[str]:
        """How many times each content hash was delivered to ``recipient`` for this run."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT content_hash FROM deliveries WHERE run_kind = ? AND run_label = ? "
                "AND lower(recipient) = lower(?) AND outcome IN (?, ?)",
                (run_kind, run_label, recipient, *DELIVERED),
            ).fetchall()
        return Counter(row[0] for row in rows if row[0])

    def previous_set(self, recipient: str, before_label: str) -> frozenset[DeviationKey] | None:
        """The deviation set of the latest nightly before ``before_label`` sent to ``recipient``."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT deviations FROM deviation_sets WHERE lower(recipient) = lower(?) "
                "AND run_label < ? ORDER BY run_label DESC, id DESC LIMIT 1",
                (recipient, before_label),
            ).fetchone()
        if row is None:
            return None
        return frozenset((p, k, kind) for p, k, kind in json.loads(row[0]))

    def record(self, entry: LedgerEntry, deviations: frozenset[DeviationKey] | None = None) -> None:
        """Write one outcome (and the deviation set it carried), committed at once."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO deliveries (run_kind, run_label, recipient, content_hash, "
                "message_id, subject, outcome, attempts, error, recorded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.run_kind,
                    entry.run_label,
                    entry.recipient,
                    entry.content_hash,
                    entry.message_id,
                    entry.subject,
                    entry.outcome,
                    entry.attempts,
                    entry.error,
                    now,
                ),
            )
            if deviations is not None and entry.outcome in DELIVERED:
                conn.execute(
                    "INSERT INTO deviation_sets (recipient, run_label, deviations, recorded_at) "
                    "VALUES (?, ?, ?, ?)",
                    (entry.recipient, entry.run_label, json.dumps(sorted(deviations)), now),
                )

    def entries(self) -> list[LedgerEntry]:
        """Every recorded outcome, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT run_kind, run_label, recipient, content_hash, message_id, subject, "
                "outcome, attempts, error FROM deliveries ORDER BY id"
            ).fetchall()
        return [LedgerEntry(*row) for row in rows]
