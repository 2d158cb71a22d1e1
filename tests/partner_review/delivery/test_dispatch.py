"""deliver_run against a real SMTP server (aiosmtpd) and against the outbox folder."""

from __future__ import annotations

import json
from dataclasses import asdict
from email import message_from_bytes, policy
from pathlib import Path

from partner_review.delivery import deliver_run
from partner_review.delivery.ledger import Ledger

CLAIRE = "claire.martin@acme.example"
JAMES = "james.porter@acme.example"
AINO = "aino.virtanen@outokia.example"


def _nightly(tmp_path, kit, pdf, deviations, name="run"):
    return kit.write_run(tmp_path / name, deviations, kit.SCORECARD, kit.all_reports(pdf))


def test_nightly_sends_one_email_per_stakeholder_with_headers_and_structure(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH, kit.AT_RISK])

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)

    assert [(o.recipient, o.status) for o in report.outcomes] == [
        (CLAIRE, "sent"),
        (JAMES, "sent"),
    ]
    assert not report.failed
    assert len(mailbox.messages) == 2
    claire = mailbox.to(CLAIRE)[0]
    assert claire["Subject"] == (
        "[Partner Review] Quotidien 2026-11-27 — 2 partenaires : 1 manquement"
    )
    assert claire["From"] == "Partner Review <reviews@acme.example>"
    assert claire["To"] == "Claire Martin <claire.martin@acme.example>"
    assert claire["Date"]
    assert claire["Message-ID"].endswith("@acme.example>")
    assert claire["Message-ID"] == report.outcomes[0].message_id
    assert claire.get_content_type() == "multipart/mixed"
    parts = [p.get_content_type() for p in claire.walk()]
    assert parts == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "application/pdf",
    ]
    assert [a.get_filename() for a in claire.iter_attachments()] == ["portfolio.fr.pdf"]
    james = mailbox.to(JAMES)[0]
    assert (
        james["Subject"] == "[Partner Review] Nightly 2026-11-27 — Outokia Customer Care: 1 breach"
    )
    # James follows one partner: his own report, not the portfolio
    assert [a.get_filename() for a in james.iter_attachments()] == ["OUTOKIA-CX.pdf"]
    assert next(james.iter_attachments()).get_content() == pdf_bytes["a"]


def test_html_body_has_inline_css_and_no_svg_script_or_style(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH, kit.AT_RISK])

    deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)

    html = mailbox.to(JAMES)[0].get_body(("html",)).get_content()
    text = mailbox.to(JAMES)[0].get_body(("plain",)).get_content()
    assert 'style="' in html
    assert "<style" not in html
    assert "<svg" not in html.lower()
    assert "<script" not in html.lower()
    assert "74.2% (expected 80.0%)" in html
    assert "74.2% (expected 80.0%)" in text
    assert "OUTOKIA-CX.pdf" in text
    # the status line is the last complete month (2026-10), not the month to date (2026-11)
    assert "- Outokia Customer Care (2026-10): 1 breached, 1 at risk" in text.splitlines()
    # James follows OUTOKIA-CX only: Nordic's deviation is not his business
    assert "Nordic" not in text


def test_no_smtp_host_writes_parseable_eml_files_to_the_outbox(
    tmp_path, kit, pdf_bytes, settings, outputs
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env={})

    assert [o.status for o in report.outcomes] == ["outbox", "outbox"]
    files = sorted(outputs.outbox.glob("*.eml"))
    assert len(files) == 2
    msg = message_from_bytes(files[1].read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == JAMES
    assert [a.get_filename() for a in msg.iter_attachments()] == ["OUTOKIA-CX.pdf"]
    assert msg.get_body(("plain",)).get_content().startswith("Hello James Porter,")


def test_rerun_of_the_same_run_sends_nothing_twice(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])
    deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    again = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in again.outcomes] == ["duplicate", "duplicate", "duplicate"]
    assert len(mailbox.messages) == 3
    ledger = [(e.recipient, e.outcome) for e in Ledger(outputs.ledger).entries()]
    assert ledger[3:] == [(CLAIRE, "duplicate"), (JAMES, "duplicate"), (AINO, "duplicate")]


def test_changed_content_is_sent_again_marked_updated(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])
    deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)
    # a corrected Nordic report: only Claire (who follows every partner) gets new content
    (run / "NORDIC-HELP.fr.pdf").write_bytes(pdf_bytes["b"])

    again = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in again.outcomes] == ["sent", "duplicate", "duplicate"]
    assert mailbox.to(CLAIRE)[-1]["Subject"] == (
        "[Partner Review] QBR 2026-Q3 — 2 partenaires : 1 manquement (mise à jour)"
    )
    assert len(mailbox.messages) == 4


def test_resend_sends_the_same_content_again_without_updated(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])
    first = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    again = deliver_run(
        run, "quarterly", "2026-Q3", settings, outputs, {}, resend=True, env=smtp_server
    )

    assert [o.status for o in again.outcomes] == ["sent", "sent", "sent"]
    assert len(mailbox.messages) == 6
    assert mailbox.to(AINO)[1]["Subject"] == mailbox.to(AINO)[0]["Subject"]
    assert mailbox.to(AINO)[1]["Subject"] == (
        "[Partner Review] QBR 2026-Q3 — Outokia Customer Care: 1 breach"
    )
    # a resend needs a Message-ID of its own, or mail services drop it as already seen
    ids, first_ids = [o.message_id for o in again.outcomes], [o.message_id for o in first.outcomes]
    assert all(a != b for a, b in zip(ids, first_ids, strict=True))
    assert mailbox.to(AINO)[1]["Message-ID"] == again.outcomes[2].message_id


def test_quarterly_attaches_the_pack_of_each_partner_followed(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    names = [a.get_filename() for a in mailbox.to(CLAIRE)[0].iter_attachments()]
    assert names == ["NORDIC-HELP.fr.pdf", "OUTOKIA-CX.fr.pdf"]
    # Aino has no language: organisation.language (en), so the file without suffix
    assert [a.get_filename() for a in mailbox.to(AINO)[0].iter_attachments()] == ["OUTOKIA-CX.pdf"]


def test_on_change_unchanged_set_gets_no_email_changed_set_lists_appeared_and_cleared(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    day1 = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH, kit.AT_RISK], "d1")
    day2 = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH, kit.AT_RISK], "d2")
    day3 = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH, kit.AHT_RISK], "d3")

    first = deliver_run(day1, "nightly", "2026-11-25", settings, outputs, {}, env=smtp_server)
    second = deliver_run(day2, "nightly", "2026-11-26", settings, outputs, {}, env=smtp_server)
    third = deliver_run(day3, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in first.outcomes] == ["sent", "sent"]
    # Claire is on_change: same set, no email; James is "always"
    assert [o.status for o in second.outcomes] == ["unchanged", "sent"]
    assert [o.status for o in third.outcomes] == ["sent", "sent"]
    assert len(mailbox.to(CLAIRE)) == 2
    text = mailbox.to(CLAIRE)[1].get_body(("plain",)).get_content()
    appeared = text.split("Nouveau depuis votre dernier envoi")[1].split("Résolu")[0]
    cleared = text.split("Résolu depuis votre dernier envoi")[1].split("Principaux")[0]
    assert (
        "Outokia Customer Care — Durée moyenne de traitement : Niveau de service à risque"
        in appeared
    )
    assert "Nordic" not in appeared
    assert "Nordic Helpdesk — Niveau de service (80/20) : Niveau de service à risque" in cleared
    assert "Outokia" not in cleared


def test_on_change_rerun_of_the_same_night_is_a_duplicate_not_a_new_email(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    day1 = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH], "d1")
    deliver_run(day1, "nightly", "2026-11-26", settings, outputs, {}, env=smtp_server)
    deliver_run(day1, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)
    day2 = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH, kit.AT_RISK], "d2")
    deliver_run(day2, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)

    rerun = deliver_run(day2, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in rerun.outcomes] == ["duplicate", "duplicate"]
    assert len(mailbox.to(CLAIRE)) == 2


def test_permanent_refusal_of_one_recipient_does_not_stop_the_others(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    mailbox.refuse[JAMES] = "550 5.1.1 Mailbox unavailable"
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in report.outcomes] == ["sent", "failed", "sent"]
    assert report.failed
    james = report.outcomes[1]
    assert "550" in (james.error or "")
    # permanent: tried once, not retried
    assert james.attempts == 1
    assert mailbox.rcpt_attempts[JAMES] == 1
    assert report.summary_lines() == [
        f"{JAMES} did not get “[Partner Review] QBR 2026-Q3 — Outokia Customer Care: "
        f"1 breach”: {JAMES}: 550 5.1.1 Mailbox unavailable"
    ]
    # a later rerun tries James again, and only James
    mailbox.refuse.clear()
    again = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)
    assert [o.status for o in again.outcomes] == ["duplicate", "sent", "duplicate"]


def test_transient_451_is_retried_then_sent(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    mailbox.refuse_once[CLAIRE] = "451 4.3.0 Try again later"
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in report.outcomes] == ["sent", "sent"]
    assert report.outcomes[0].attempts == 2
    assert mailbox.rcpt_attempts[CLAIRE] == 2
    assert len(mailbox.to(CLAIRE)) == 1
    assert not report.failed


def test_unreachable_server_fails_every_recipient_after_the_retries(
    tmp_path, kit, pdf_bytes, settings, outputs
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(kit.free_port()),
        "SMTP_SECURITY": "none",
        "SMTP_RETRIES": "2",
        "SMTP_RETRY_DELAY": "0.01",
    }

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env=env)

    assert [o.status for o in report.outcomes] == ["failed", "failed"]
    assert [o.attempts for o in report.outcomes] == [3, 3]
    assert "ConnectionRefusedError" in (report.outcomes[0].error or "")
    # nothing delivered: the next run tries everyone again
    assert Ledger(outputs.ledger).delivered_hashes("nightly", "2026-11-27", CLAIRE) == {}


def test_failed_render_is_not_attached_and_the_email_says_so(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])
    (run / "NORDIC-HELP.fr.pdf").write_bytes(b"")  # empty file left behind
    failures = {"OUTOKIA-CX.fr.pdf": "WeasyPrint: layout error"}

    report = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, failures, env=smtp_server)

    claire = report.outcomes[0]
    assert claire.status == "sent"
    assert claire.attachments == []
    assert claire.missing == [
        "NORDIC-HELP.fr.pdf: the report file is empty or not a PDF",
        "OUTOKIA-CX.fr.pdf: WeasyPrint: layout error",
    ]
    msg = mailbox.to(CLAIRE)[0]
    assert list(msg.iter_attachments()) == []
    text = msg.get_body(("plain",)).get_content()
    assert "OUTOKIA-CX.fr.pdf n'a pas pu être joint (WeasyPrint: layout error)" in text
    assert report.failed
    assert f"{CLAIRE} did not get OUTOKIA-CX.fr.pdf: WeasyPrint: layout error" in (
        report.summary_lines()
    )
    # James reads English: his OUTOKIA-CX.pdf rendered fine
    assert report.outcomes[1].missing == []


def test_no_send_builds_nothing_and_records_skipped(tmp_path, kit, pdf_bytes, settings, outputs):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, send=False, env={})

    assert [(o.recipient, o.status) for o in report.outcomes] == [
        (CLAIRE, "skipped_no_send"),
        (JAMES, "skipped_no_send"),
    ]
    assert not outputs.outbox.exists()
    assert not outputs.ledger.exists()
    assert not report.failed


def test_report_serialises_to_json_for_the_manifest(tmp_path, kit, pdf_bytes, settings, outputs):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env={})

    data = json.loads(json.dumps([asdict(o) for o in report.outcomes]))
    assert data[1]["recipient"] == JAMES
    assert data[1]["attachments"] == ["OUTOKIA-CX.pdf"]
    assert data[1]["status"] == "outbox"
    assert len(data[1]["content_hash"]) == 64


def test_bad_smtp_security_fails_each_delivery_with_the_variable_named(
    tmp_path, kit, pdf_bytes, settings, outputs
):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(
        run, "nightly", "2026-11-27", settings, outputs, {}, env={"SMTP_SECURITY": "tls"}
    )

    assert [o.status for o in report.outcomes] == ["failed", "failed"]
    assert "SMTP_SECURITY" in (report.outcomes[0].error or "")
    assert report.failed


def test_outcome_paths_are_relative_names_only(tmp_path, kit, pdf_bytes, settings, outputs):
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "nightly", "2026-11-27", settings, outputs, {}, env={})

    assert all("/" not in name for o in report.outcomes for name in o.attachments)
    assert not any(str(Path(tmp_path)) in json.dumps(asdict(o)) for o in report.outcomes)


def test_hostile_partner_name_cannot_inject_headers_or_markup(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    import dataclasses

    evil = "Evil\r\nBcc: victim@evil.example\r\n\r\n<script>alert(1)</script>"
    partner = settings.partners["OUTOKIA-CX"].model_copy(update={"name": evil})
    hostile = dataclasses.replace(settings, partners={**settings.partners, "OUTOKIA-CX": partner})
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(run, "nightly", "2026-11-27", hostile, outputs, {}, env=smtp_server)

    assert [o.status for o in report.outcomes] == ["sent", "sent"]
    assert [rcpts for rcpts, _ in mailbox.messages] == [[CLAIRE], [JAMES]]
    james = mailbox.to(JAMES)[0]
    assert james["Bcc"] is None
    assert james["Subject"] == (
        "[Partner Review] Nightly 2026-11-27 — Evil Bcc: victim@evil.example "
        "<script>alert(1)</script>: 1 breach"
    )
    html = james.get_body(("html",)).get_content()
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_recipient_outside_allowed_domains_is_refused_at_send_time(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    from dataclasses import replace

    # config validation refuses such a stakeholder; this is the second line of defence,
    # e.g. when allowed_domains is narrowed between validation and sending
    narrowed = settings.config.delivery.model_copy(update={"allowed_domains": ["outokia.example"]})
    config = settings.config.model_copy(update={"delivery": narrowed})
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])

    report = deliver_run(
        run, "nightly", "2026-11-27", replace(settings, config=config), outputs, {}, env=smtp_server
    )

    assert {o.status for o in report.outcomes} == {"failed"}
    assert all("outside delivery.allowed_domains" in (o.error or "") for o in report.outcomes)
    assert mailbox.messages == []
    assert report.failed


def test_smtp_password_never_appears_in_settings_repr():
    from partner_review.delivery.transport import SmtpSettings

    smtp = SmtpSettings.from_env(
        {"SMTP_HOST": "mail.acme.example", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "s3cr3t!"}
    )
    assert smtp.password == "s3cr3t!"
    assert "s3cr3t!" not in repr(smtp)


def test_connection_dropped_after_two_messages_the_rerun_sends_only_the_missing_one(
    tmp_path, kit, pdf_bytes, settings, outputs, smtp_server, mailbox
):
    from aiosmtpd.controller import Controller

    from tests.partner_review.delivery.conftest import Mailbox, free_port

    class Dropping(Mailbox):
        """Accepts two messages, then hangs up on every later one."""

        async def handle_DATA(self, server, session, envelope):
            if len(self.messages) >= 2:
                server.transport.close()
                return "421 closing connection"
            return await super().handle_DATA(server, session, envelope)

    flaky = Dropping()
    port = free_port()
    controller = Controller(flaky, hostname="127.0.0.1", port=port)
    controller.start()
    run = _nightly(tmp_path, kit, pdf_bytes["a"], [kit.BREACH])
    try:
        first = deliver_run(
            run,
            "quarterly",
            "2026-Q3",
            settings,
            outputs,
            {},
            env={**smtp_server, "SMTP_PORT": str(port)},
        )
    finally:
        controller.stop()
    assert [o.status for o in first.outcomes] == ["sent", "sent", "failed"]
    assert len(flaky.messages) == 2

    rerun = deliver_run(run, "quarterly", "2026-Q3", settings, outputs, {}, env=smtp_server)

    assert [o.status for o in rerun.outcomes] == ["duplicate", "duplicate", "sent"]
    assert [rcpts for rcpts, _ in mailbox.messages] == [[first.outcomes[2].recipient]]
