"""Delivering a finished run: one email per stakeholder, recorded in the ledger.

Statuses of an outcome: ``sent`` (accepted by the SMTP server), ``outbox``
(written as .eml, no SMTP_HOST), ``unchanged`` (on-change stakeholder, same
deviation set as last sent: nothing to say), ``duplicate`` (this content was
already delivered for this run), ``failed`` (refused or unreachable after the
retries), ``skipped_no_send`` (``--no-email``).

``resend`` sends again what the ledger says was delivered; it does not wake an
on-change stakeholder whose deviation set is unchanged (there is nothing new
to tell them, and nothing was sent to resend).

A report that failed to render, or whose PDF is missing or empty, is never
attached: the email goes out with a note naming it, and the outcome lists it
under ``missing`` so the run reports who did not get what.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from partner_review.delivery.digest import (
    AttachmentNote,
    Changes,
    compare_sets,
    compose_view,
    deviation_set,
    subject_line,
)
from partner_review.delivery.ledger import Ledger, LedgerEntry
from partner_review.delivery.messages import (
    Attachment,
    build_message,
    content_hash,
    message_id,
    render_bodies,
)
from partner_review.delivery.routing import Route, RunKind, attachment_names, plan_routes
from partner_review.delivery.tables import RunTables, read_run_tables
from partner_review.delivery.transport import SendError, SmtpSettings, deliver_message
from partner_review.errors import ConfigError
from partner_review.paths import OutputPaths
from partner_review.settings import Settings


@dataclass
class DeliveryOutcome:
    """What happened to one stakeholder's email."""

    recipient: str
    subject: str
    attachments: list[str]
    status: str
    message_id: str | None = None
    content_hash: str | None = None
    error: str | None = None
    missing: list[str] = field(default_factory=list)  # "file: reason" of reports not attached
    attempts: int = 0


@dataclass
class DeliveryReport:
    """Every outcome of a run's delivery, in stakeholder order."""

    outcomes: list[DeliveryOutcome] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when someone did not get an email, or got it without a report."""
        return any(o.status == "failed" or o.missing for o in self.outcomes)

    def summary_lines(self) -> list[str]:
        """One line per recipient who did not get something, saying what and why."""
        lines = []
        for o in self.outcomes:
            if o.status == "failed":
                lines.append(f"{o.recipient} did not get “{o.subject}”: {o.error}")
            lines += [f"{o.recipient} did not get {item}" for item in o.missing]
        return lines

    def to_json(self) -> list[dict[str, Any]]:
        return [vars(o).copy() for o in self.outcomes]


def deliver_run(
    run_dir: Path,
    kind: RunKind,
    label: str,
    settings: Settings,
    outputs: OutputPaths,
    render_failures: dict[str, str],
    send: bool = True,
    resend: bool = False,
    env: Mapping[str, str] | None = None,
) -> DeliveryReport:
    """Email the run in ``run_dir`` to each stakeholder routed to ``kind`` runs."""
    routes = plan_routes(settings, kind)
    if not send:
        return DeliveryReport(
            [
                DeliveryOutcome(r.email, "", attachment_names(r, kind, settings), "skipped_no_send")
                for r in routes
            ]
        )
    try:
        smtp = SmtpSettings.from_env(os.environ if env is None else env)
    except ConfigError as exc:
        error = "; ".join(str(p) for p in exc.problems)
        return DeliveryReport(
            [
                DeliveryOutcome(
                    r.email, "", attachment_names(r, kind, settings), "failed", error=error
                )
                for r in routes
            ]
        )
    context = _RunContext(run_dir, kind, label, settings, outputs, render_failures, resend, smtp)
    tables = read_run_tables(run_dir)
    ledger = Ledger(outputs.ledger)
    return DeliveryReport([_deliver_route(context, ledger, tables, r) for r in routes])


@dataclass(frozen=True)
class _RunContext:
    run_dir: Path
    kind: RunKind
    label: str
    settings: Settings
    outputs: OutputPaths
    render_failures: dict[str, str]
    resend: bool
    smtp: SmtpSettings


def _allowed(settings: Settings, email: str) -> bool:
    allowed = {d.lower().lstrip("@") for d in settings.config.delivery.allowed_domains}
    return email.rsplit("@", 1)[-1].lower() in allowed


def _deliver_route(
    ctx: _RunContext, ledger: Ledger, all_tables: RunTables, route: Route
) -> DeliveryOutcome:
    if not _allowed(ctx.settings, route.email):
        # config validation refuses such addresses; checked again here at send time
        outcome = DeliveryOutcome(route.email, "", [], "failed")
        outcome.error = "recipient outside delivery.allowed_domains: not sent"
        _record(ledger, ctx, outcome)
        return outcome
    tables = all_tables.for_partners(route.partner_set, route.all_partners)
    names = attachment_names(route, ctx.kind, ctx.settings)
    attachments, notes = _collect_attachments(ctx, names)
    missing = [f"{n.name}: {n.reason}" for n in notes if n.size is None]
    current = deviation_set(tables) if ctx.kind == "nightly" else None
    changes: Changes | None = None
    if current is not None:
        changes = compare_sets(ledger.previous_set(route.email, ctx.label), current)
        if route.on_change and not changes.any:
            outcome = DeliveryOutcome(route.email, "", [], "unchanged")
            _record(ledger, ctx, outcome)
            return outcome
    view = compose_view(ctx.settings, route, ctx.kind, ctx.label, tables, changes, notes)
    bodies = render_bodies(view)
    digest = content_hash(bodies.text, attachments)
    delivered = ledger.delivered_hashes(ctx.kind, ctx.label, route.email)
    updated = bool(delivered) and digest not in delivered
    subject = subject_line(ctx.settings, route, ctx.kind, ctx.label, tables, updated)
    sender = ctx.settings.config.delivery.sender
    ident = message_id(ctx.kind, ctx.label, route.email, digest, sender, delivered[digest])
    outcome = DeliveryOutcome(
        route.email, subject, [a.name for a in attachments], "", ident, digest, missing=missing
    )
    if digest in delivered and not ctx.resend:
        outcome.status = "duplicate"
        _record(ledger, ctx, outcome)
        return outcome
    msg = build_message(
        subject=subject,
        sender=sender,
        recipient_name=route.name,
        recipient_email=route.email,
        bodies=bodies,
        attachments=attachments,
        message_id=ident,
        when=datetime.now(UTC),
        extra_headers={"X-Partner-Review-Run": f"{ctx.kind} {ctx.label}"},
    )
    try:
        accepted = deliver_message(msg, ctx.smtp, ctx.outputs.outbox)
    except SendError as exc:
        outcome.status, outcome.error, outcome.attempts = "failed", str(exc), exc.attempts
    else:
        outcome.status = "outbox" if accepted.outbox else "sent"
        outcome.attempts = accepted.attempts
    _record(ledger, ctx, outcome, current)
    return outcome


def _collect_attachments(
    ctx: _RunContext, names: list[str]
) -> tuple[list[Attachment], list[AttachmentNote]]:
    """The PDFs that exist and look like PDFs; a note for each one that does not."""
    attachments, notes = [], []
    for name in names:
        reason = ctx.render_failures.get(name)
        data = b""
        if reason is None:
            try:
                data = (ctx.run_dir / name).read_bytes()
            except OSError:
                reason = "the report was not produced"
            else:
                if not data.startswith(b"%PDF-"):
                    reason = "the report file is empty or not a PDF"
        if reason is None:
            attachments.append(Attachment(name, data))
            notes.append(AttachmentNote(name, len(data)))
        else:
            notes.append(AttachmentNote(name, None, reason))
    return attachments, notes


def _record(
    ledger: Ledger,
    ctx: _RunContext,
    outcome: DeliveryOutcome,
    deviations: frozenset[tuple[str, str, str]] | None = None,
) -> None:
    entry = LedgerEntry(
        ctx.kind,
        ctx.label,
        outcome.recipient,
        outcome.content_hash,
        outcome.message_id,
        outcome.subject or None,
        outcome.status,
        outcome.attempts,
        outcome.error,
    )
    ledger.record(entry, deviations)
