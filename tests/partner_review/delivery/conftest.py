"""Delivery fixtures: the test settings, run folders with small CSVs and real PDFs, SMTP servers."""

from __future__ import annotations

import csv
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from partner_review.paths import OutputPaths
from partner_review.settings import Settings, load_settings

DATA = Path(__file__).resolve().parents[2] / "data" / "delivery"
SCORECARD_COLUMNS = [
    "partner_id",
    "kpi_id",
    "period",
    "actual",
    "expected",
    "minimum",
    "status",
    "numerator",
    "denominator",
    "rows",
]
DEVIATION_COLUMNS = [
    "partner_id",
    "kpi_id",
    "objective_id",
    "period",
    "kind",
    "severity",
    "message",
]

# One row of deviations.csv each: OUTOKIA-CX breaches its service level in 2026-10,
# NORDIC-HELP's service level is at risk; a rejected-rows deviation tied to no partner.
BREACH = ["OUTOKIA-CX", "service_level", "", "2026-10", "sla_breach", "critical", "74.2 < 75"]
AT_RISK = ["NORDIC-HELP", "service_level", "", "2026-10", "sla_at_risk", "warning", "83 < 85"]
AHT_RISK = [
    "OUTOKIA-CX",
    "average_handling_time",
    "",
    "2026-10",
    "sla_at_risk",
    "warning",
    "380 > 360",
]
REJECTED = ["", "", "", "2026-11-27", "rejected_rows", "info", "observations/x.csv: 2 rows"]
SCORECARD = [
    ["OUTOKIA-CX", "service_level", "2026-10", "74.2", "80", "75", "breach", "742", "1000", "31"],
    [
        "OUTOKIA-CX",
        "average_handling_time",
        "2026-10",
        "380",
        "360",
        "420",
        "at_risk",
        "",
        "",
        "31",
    ],
    ["NORDIC-HELP", "service_level", "2026-10", "83", "85", "80", "at_risk", "83", "100", "31"],
    ["OUTOKIA-CX", "service_level", "2026-11", "81", "80", "75", "met", "810", "1000", "26"],
]


@dataclass
class Mailbox:
    """What an SMTP server received: one entry per accepted message."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> reply, every time
    refuse_once: dict[str, str] = field(default_factory=dict)  # address -> reply, first time
    rcpt_attempts: dict[str, int] = field(default_factory=dict)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.rcpt_attempts[address] = self.rcpt_attempts.get(address, 0) + 1
        if address in self.refuse:
            return self.refuse[address]
        if address in self.refuse_once:
            return self.refuse_once.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = message_from_bytes(envelope.content, policy=policy.SMTP)
        assert isinstance(msg, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def smtp_server(mailbox: Mailbox) -> Iterator[dict[str, str]]:
    """A plain SMTP server on 127.0.0.1; yields the environment that points at it."""
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none",
            "SMTP_TIMEOUT": "5",
            "SMTP_RETRIES": "2",
            "SMTP_RETRY_DELAY": "0.01",
        }
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(DATA / "inputs")


@pytest.fixture(scope="session")
def pdf_bytes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Two small real PDFs made by WeasyPrint: 'a' and a different 'b'."""
    import weasyprint

    folder = tmp_path_factory.mktemp("pdfs")
    made = {}
    for key, body in (("a", "<p>Report A</p>"), ("b", "<p>Report B, with a new comment</p>")):
        path = folder / f"{key}.pdf"
        weasyprint.HTML(string=body).write_pdf(path)
        made[key] = path.read_bytes()
    return made


@pytest.fixture
def outputs(tmp_path: Path) -> OutputPaths:
    return OutputPaths(tmp_path / "outputs")


def write_run(
    folder: Path,
    deviations: list[list[str]],
    scorecard: list[list[str]],
    pdfs: dict[str, bytes],
) -> Path:
    """A published run folder: deviations.csv, scorecard.csv and the named PDFs."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in (
        ("deviations.csv", DEVIATION_COLUMNS, deviations),
        ("scorecard.csv", SCORECARD_COLUMNS, scorecard),
    ):
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
    for name, data in pdfs.items():
        (folder / name).write_bytes(data)
    return folder


def all_reports(pdf: bytes) -> dict[str, bytes]:
    """Every report file of the test settings (organisation language en, stakeholders fr)."""
    names = ["portfolio", "OUTOKIA-CX", "NORDIC-HELP"]
    return {f"{n}{suffix}.pdf": pdf for n in names for suffix in ("", ".fr")}


class RunKit:
    """The rows and helpers above, handed to tests as a fixture."""

    BREACH = BREACH
    AT_RISK = AT_RISK
    AHT_RISK = AHT_RISK
    REJECTED = REJECTED
    SCORECARD = SCORECARD
    write_run = staticmethod(write_run)
    all_reports = staticmethod(all_reports)
    free_port = staticmethod(free_port)


@pytest.fixture
def kit() -> type[RunKit]:
    return RunKit
