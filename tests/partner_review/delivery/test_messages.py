"""Content hash, Message-ID and the MIME message itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from partner_review.delivery.messages import (
    Attachment,
    Bodies,
    build_message,
    content_hash,
    message_id,
    render_bodies,
)

PDF = b"%PDF-1.7\n1 0 obj <</Title (QBR) /CreationDate (D:20261127060000Z)>> endobj\n"
PDF_LATER = PDF.replace(b"20261127060000Z", b"20261128061500Z")


def test_content_hash_ignores_pdf_timestamps_but_not_content():
    same = content_hash("body", [Attachment("a.pdf", PDF)])

    assert content_hash("body", [Attachment("a.pdf", PDF_LATER)]) == same
    assert content_hash("body", [Attachment("a.pdf", PDF.replace(b"QBR", b"QBX"))]) != same
    assert content_hash("body!", [Attachment("a.pdf", PDF)]) != same
    assert content_hash("body", [Attachment("b.pdf", PDF)]) != same


def test_content_hash_ignores_the_pdf_file_identifier():
    with_id = PDF + b"trailer <</ID [<0A1B> <2C3D>]>>"
    other_id = PDF + b"trailer <</ID [<FFFF> <EEEE>]>>"

    assert content_hash("x", [Attachment("a.pdf", with_id)]) == content_hash(
        "x", [Attachment("a.pdf", other_id)]
    )


def test_message_id_is_stable_and_uses_the_sender_domain():
    sender = "Partner Review <reviews@acme.example>"
    one = message_id("nightly", "2026-11-27", "a@acme.example", "h1", sender)

    assert one == message_id("nightly", "2026-11-27", "A@acme.example", "h1", sender)
    assert one != message_id("nightly", "2026-11-27", "a@acme.example", "h2", sender)
    assert one != message_id("nightly", "2026-11-28", "a@acme.example", "h1", sender)
    assert one.startswith("<") and one.endswith("@acme.example>")
    resent = message_id("nightly", "2026-11-27", "a@acme.example", "h1", sender, resend=1)
    assert resent != one
    assert resent == message_id("nightly", "2026-11-27", "a@acme.example", "h1", sender, 1)


def test_header_injection_through_a_name_is_impossible():
    msg = build_message(
        subject="QBR — Evil\r\nBcc: victim@evil.example",
        sender="Partner Review <reviews@acme.example>",
        recipient_name="Claire\r\nBcc: victim@evil.example",
        recipient_email="claire.martin@acme.example",
        bodies=Bodies("text", "<p>html</p>"),
        attachments=[],
        message_id="<x@acme.example>",
        when=datetime(2026, 11, 27, 6, tzinfo=UTC),
    )
    raw = msg.as_bytes()

    assert b"\r\nBcc:" not in raw
    assert msg["Bcc"] is None
    assert msg["Subject"] == "QBR — Evil Bcc: victim@evil.example"
    assert msg["To"].addresses[0].addr_spec == "claire.martin@acme.example"


def test_html_escapes_names_and_inlines_the_css(settings):
    view = {"language": "en", "body": "<script>alert(1)</script> & co", "footer": "f"}

    bodies = render_bodies(view, "test")

    assert "<script>" not in bodies.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in bodies.html
    assert "<style" not in bodies.html
    assert 'style="font-family: Arial' in bodies.html
    # the plain-text alternative is not HTML-escaped
    assert bodies.text.startswith("<script>alert(1)</script> & co")


def test_an_email_address_with_a_line_break_cannot_be_a_recipient():
    with pytest.raises(ValueError):
        build_message(
            subject="s",
            sender="reviews@acme.example",
            recipient_name="x",
            recipient_email="a@acme.example\r\nBcc: b@evil.example",
            bodies=Bodies("t", "<p>h</p>"),
            attachments=[],
            message_id="<x@acme.example>",
            when=datetime(2026, 11, 27, tzinfo=UTC),
        )
