"""partner-review send-test: one message through the configured route."""

from __future__ import annotations

import io
from email import message_from_bytes, policy
from pathlib import Path

from partner_review.delivery import send_test_command

INPUTS = Path(__file__).resolve().parents[2] / "data" / "delivery" / "inputs"


def test_send_test_without_smtp_host_writes_the_outbox(tmp_path: Path):
    out = io.StringIO()

    code = send_test_command(INPUTS, "claire.martin@acme.example", out, tmp_path, env={})

    assert code == 0
    [eml] = (tmp_path / "outbox").glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["Subject"] == "[Partner Review] test message"
    assert msg["From"] == "Partner Review <reviews@acme.example>"
    assert "no SMTP_HOST set: wrote" in out.getvalue()


def test_send_test_reaches_the_smtp_server(tmp_path: Path, smtp_server, mailbox):
    out = io.StringIO()

    code = send_test_command(INPUTS, "james.porter@acme.example", out, tmp_path, smtp_server)

    assert code == 0
    [msg] = mailbox.to("james.porter@acme.example")
    assert (
        msg.get_body(("plain",))
        .get_content()
        .startswith("This test message shows that Partner Review can reach you.")
    )
    assert "sent to james.porter@acme.example via 127.0.0.1" in out.getvalue()


def test_send_test_refused_by_the_server_exits_1(tmp_path: Path, smtp_server, mailbox):
    mailbox.refuse["james.porter@acme.example"] = "550 5.1.1 unknown"
    out = io.StringIO()

    code = send_test_command(INPUTS, "james.porter@acme.example", out, tmp_path, smtp_server)

    assert code == 1
    assert "550 5.1.1 unknown" in out.getvalue()


def test_send_test_refuses_an_address_outside_the_allowed_domains(tmp_path: Path):
    out = io.StringIO()

    code = send_test_command(INPUTS, "someone@gmail.example", out, tmp_path, env={})

    assert code == 2
    assert "outside delivery.allowed_domains" in out.getvalue()
    assert not (tmp_path / "outbox").exists()


def test_send_test_refuses_an_address_with_a_line_break(tmp_path: Path):
    out = io.StringIO()

    code = send_test_command(INPUTS, "a@acme.example\nBcc: b@evil.example", out, tmp_path, env={})

    assert code == 2
    assert "is not an email address" in out.getvalue()


def test_send_test_with_a_bad_inputs_folder_exits_2(tmp_path: Path):
    out = io.StringIO()

    code = send_test_command(tmp_path / "nowhere", "a@acme.example", out, tmp_path, env={})

    assert code == 2
    assert "config.yaml" in out.getvalue()
