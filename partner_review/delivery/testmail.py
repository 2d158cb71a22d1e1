"""``partner-review send-test --to ADDRESS``: one small message through the configured route."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from partner_review.config import Stakeholder
from partner_review.delivery.formats import single_line
from partner_review.delivery.messages import build_message, message_id, render_bodies
from partner_review.delivery.texts import text
from partner_review.delivery.transport import SendError, SmtpSettings, deliver_message
from partner_review.errors import ConfigError
from partner_review.paths import OutputPaths
from partner_review.settings import load_settings


def send_test_command(
    settings_inputs: Path,
    to: str,
    out: TextIO,
    outputs: Path = Path("outputs"),
    env: Mapping[str, str] | None = None,
) -> int:
    """Send a test message to ``to``: 0 accepted (or written to the outbox), 1 refused, 2 bad setup.

    The address must be in delivery.allowed_domains, like any stakeholder's, so the
    command cannot be used to mail the outside world. Nothing goes to the ledger.
    """
    try:
        settings = load_settings(settings_inputs)
        smtp = SmtpSettings.from_env(os.environ if env is None else env)
        address = Stakeholder(name=to, email=to.strip())
    except ConfigError as exc:
        print(str(exc), file=out)
        return 2
    except ValueError:
        print(f"--to {single_line(to)!r} is not an email address", file=out)
        return 2
    allowed = {d.lower().lstrip("@") for d in settings.config.delivery.allowed_domains}
    if address.domain not in allowed:
        print(
            f"{address.email} is outside delivery.allowed_domains ({', '.join(sorted(allowed))})",
            file=out,
        )
        return 2
    language = settings.config.organisation.language
    footer = text("footer", language, organisation=single_line(settings.config.organisation.name))
    body = text("test_body", language)
    bodies = render_bodies({"language": language, "body": body, "footer": footer}, "test")
    now = datetime.now(UTC)
    sender = settings.config.delivery.sender
    msg = build_message(
        subject=f"{settings.config.delivery.subject_prefix} {text('test_subject', language)}",
        sender=sender,
        recipient_name="",
        recipient_email=address.email,
        bodies=bodies,
        attachments=[],
        message_id=message_id("test", now.isoformat(), address.email, "", sender),
        when=now,
        extra_headers={"X-Partner-Review-Run": "send-test"},
    )
    try:
        accepted = deliver_message(msg, smtp, OutputPaths(outputs).outbox)
    except SendError as exc:
        print(f"not sent to {address.email} via {smtp.host}:{smtp.port}: {exc}", file=out)
        return 1
    if accepted.outbox is not None:
        print(f"no SMTP_HOST set: wrote {accepted.outbox}", file=out)
    else:
        print(f"sent to {address.email} via {smtp.host}:{smtp.port} ({smtp.security})", file=out)
    return 0
