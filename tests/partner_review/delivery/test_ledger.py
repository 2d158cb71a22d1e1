"""The SQLite delivery ledger: what counts as delivered, deviation sets per recipient."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from partner_review.delivery.ledger import Ledger, LedgerEntry


def _entry(outcome: str, content: str = "h1", label: str = "2026-Q3") -> LedgerEntry:
    return LedgerEntry("quarterly", label, "a@acme.example", content, "<m@x>", "s", outcome, 1)


def test_only_sent_and_outbox_count_as_delivered(tmp_path: Path):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    for outcome, content in (
        ("failed", "h0"),
        ("sent", "h1"),
        ("outbox", "h2"),
        ("duplicate", "h3"),
        ("sent", "h1"),
    ):
        ledger.record(_entry(outcome, content))

    assert ledger.delivered_hashes("quarterly", "2026-Q3", "A@acme.example") == {"h1": 2, "h2": 1}
    assert ledger.delivered_hashes("quarterly", "2026-Q2", "a@acme.example") == {}
    assert ledger.delivered_hashes("nightly", "2026-Q3", "a@acme.example") == {}


def test_each_record_is_committed_at_once(tmp_path: Path):
    path = tmp_path / "deliveries.sqlite"
    Ledger(path).record(_entry("sent"))

    # a second connection (another process after a crash) sees the row
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT recipient, outcome, attempts FROM deliveries").fetchall()
    assert rows == [("a@acme.example", "sent", 1)]


def test_previous_set_is_the_latest_earlier_nightly_delivered(tmp_path: Path):
    ledger = Ledger(tmp_path / "deliveries.sqlite")
    a, b = ("P", "k", "sla_breach"), ("P", "k", "sla_at_risk")
    nightly = "nightly"

    def record(label: str, outcome: str, keys: frozenset) -> None:
        entry = LedgerEntry(nightly, label, "a@acme.example", "h", None, None, outcome)
        ledger.record(entry, keys)

    record("2026-11-25", "sent", frozenset({a}))
    record("2026-11-26", "sent", frozenset({b}))
    record("2026-11-26", "failed", frozenset({a, b}))  # not delivered: not remembered
    record("2026-11-27", "sent", frozenset())

    assert ledger.previous_set("a@acme.example", "2026-11-25") is None
    assert ledger.previous_set("a@acme.example", "2026-11-26") == frozenset({a})
    assert ledger.previous_set("a@acme.example", "2026-11-27") == frozenset({b})
    assert ledger.previous_set("a@acme.example", "2026-11-28") == frozenset()
    assert ledger.previous_set("b@acme.example", "2026-11-28") is None
