"""Building the email itself: bodies from templates, content hash, Message-ID, MIME.

Content hash (what decides "same content, already sent"): SHA-256 of the
plain-text body and of each attachment's name and bytes, with the PDF's own
timestamps and file identifier (``/CreationDate``, ``/ModDate``, ``/ID``)
blanked. The text body is made only of the run's deviations and scorecard
rows for the stakeholder's partners, the change set and the attachment names
and sizes — no clock — and the PDF bytes minus their timestamps are what the
report shows, so a rerun with unchanged inputs hashes the same while any
change a reader could see (a new comment in the PDF included) does not. The
subject is left out so that "(updated)" does not itself change the hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from typing import Any

import css_inline
import jinja2

from partner_review.delivery.formats import single_line
from partner_review.paths import TEMPLATES_DIR

EMAIL_TEMPLATES = TEMPLATES_DIR / "email"
_PDF_VOLATILE = re.compile(
    rb"/(?:CreationDate|ModDate)\s*\((?:[^()\\]|\\.)*\)|/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]"
)


@dataclass(frozen=True)
class Attachment:
    """A PDF to attach: its file name and bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Bodies:
    """The plain-text and the HTML alternative of one email."""

    text: str
    html: str


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(EMAIL_TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_bodies(view: dict[str, Any], template: str = "digest") -> Bodies:
    """The text body and the HTML body (CSS inlined, no style block left) of ``view``."""
    env = _environment()
    text = env.get_template(f"{template}.txt").render(view)
    html = env.get_template(f"{template}.html").render(view)
    inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
    return Bodies(text, inliner.inline(html))


def content_hash(text: str, attachments: list[Attachment]) -> str:
    """SHA-256 of the text body and the attachments (PDF timestamps blanked)."""
    digest = hashlib.sha256()
    digest.update(text.encode("utf-8"))
    for item in attachments:
        digest.update(b"\0" + item.name.encode("utf-8") + b"\0")
        digest.update(_PDF_VOLATILE.sub(b"", item.data))
    return digest.hexdigest()


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rsplit("@", 1)[1] if "@" in address else "partner-review.invalid"


def message_id(
    kind: str, label: str, recipient: str, content: str, sender: str, resend: int = 0
) -> str:
    """``<hash@sender-domain>``: the same run, recipient and content give the same id.

    The n-th forced resend of the same content gets an id of its own (still
    derived, so stable): mail services drop a message whose Message-ID they
    already delivered, which would make ``--resend`` silently do nothing.
    """
    key = f"{kind}\0{label}\0{recipient.lower()}\0{content}".encode()
    if resend:
        key += f"\0resend {resend}".encode()
    return f"<{hashlib.sha256(key).hexdigest()[:40]}@{sender_domain(sender)}>"


def build_message(
    *,
    subject: str,
    sender: str,
    recipient_name: str,
    recipient_email: str,
    bodies: Bodies,
    attachments: list[Attachment],
    message_id: str,
    when: datetime,
    extra_headers: dict[str, str] | None = None,
) -> EmailMessage:
    """multipart/mixed: a text/HTML alternative, then each PDF under its own file name.

    Every header value passes through :func:`single_line`, and the policy
    refuses any header that still holds a line break: no header injection.
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = single_line(subject)
    msg["From"] = single_line(sender)
    local, _, domain = recipient_email.partition("@")
    msg["To"] = Address(display_name=single_line(recipient_name), username=local, domain=domain)
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (extra_headers or {}).items():
        msg[name] = single_line(value)
    msg.set_content(bodies.text, subtype="plain", charset="utf-8")
    msg.add_alternative(bodies.html, subtype="html", charset="utf-8")
    for item in attachments:
        msg.add_attachment(item.data, maintype="application", subtype="pdf", filename=item.name)
    return msg
