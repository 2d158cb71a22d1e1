"""SMTP settings from the environment, error classes, STARTTLS/SSL with login, the outbox."""

from __future__ import annotations

import datetime as dt
import ipaddress
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from partner_review.delivery.transport import (
    SendError,
    SmtpSettings,
    classify,
    deliver_message,
)
from partner_review.errors import ConfigError


def _message(to: str = "claire.martin@acme.example") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "reviews@acme.example"
    msg["To"] = to
    msg["Subject"] = "hello"
    msg["Message-ID"] = "<abc123@acme.example>"
    msg.set_content("hello")
    return msg


def test_settings_default_to_the_outbox_and_starttls_on_587():
    settings = SmtpSettings.from_env({})

    assert settings.host is None
    assert (settings.security, settings.port, settings.retries) == ("starttls", 587, 3)


def test_settings_default_port_follows_the_security():
    assert SmtpSettings.from_env({"SMTP_HOST": "h", "SMTP_SECURITY": "ssl"}).port == 465
    assert SmtpSettings.from_env({"SMTP_HOST": "h", "SMTP_SECURITY": "none"}).port == 25
    assert SmtpSettings.from_env({"SMTP_HOST": "h", "SMTP_PORT": "2525"}).port == 2525


def test_bad_environment_values_are_each_named():
    with pytest.raises(ConfigError) as caught:
        SmtpSettings.from_env({"SMTP_SECURITY": "tls", "SMTP_PORT": "abc", "SMTP_RETRIES": "-1"})

    keys = [p.key for p in caught.value.problems]
    assert keys == ["SMTP_SECURITY", "SMTP_PORT", "SMTP_RETRIES"]


def test_classify_4xx_and_io_as_transient_5xx_as_permanent():
    refused = {"a@acme.example": (550, b"no such user")}
    assert classify(smtplib.SMTPRecipientsRefused(refused)) == (
        True,
        "a@acme.example: 550 no such user",
    )
    assert classify(smtplib.SMTPRecipientsRefused({"a@x": (451, b"later")}))[0] is False
    assert classify(smtplib.SMTPDataError(452, b"full"))[0] is False
    assert classify(smtplib.SMTPSenderRefused(553, b"bad", "r@x"))[0] is True
    assert classify(smtplib.SMTPAuthenticationError(535, b"bad credentials"))[0] is True
    assert classify(ConnectionRefusedError(111, "refused"))[0] is False
    assert classify(TimeoutError("timed out"))[0] is False
    assert classify(smtplib.SMTPServerDisconnected("gone"))[0] is False
    assert classify(ssl.SSLCertVerificationError("bad cert"))[0] is True


def test_outbox_file_is_written_whole_and_named_after_run_and_recipient(tmp_path: Path):
    msg = _message()
    msg["X-Partner-Review-Run"] = "nightly 2026-11-27"

    accepted = deliver_message(msg, SmtpSettings(host=None), tmp_path / "outbox")

    assert accepted.outbox is not None
    assert accepted.outbox.name == "nightly_2026-11-27_claire.martin@acme.example_abc123.eml"
    assert list((tmp_path / "outbox").iterdir()) == [accepted.outbox]


class _Recorder:
    def __init__(self) -> None:
        self.sessions: list[tuple[bool, object]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.sessions.append((session.ssl is not None, session.auth_data))
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_with_login_reaches_a_tls_only_server(certificate, kit):
    recorder = _Recorder()
    port = kit.free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        env = {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_USERNAME": "reviews",
            "SMTP_PASSWORD": "s3cret",
            "SMTP_CA_FILE": str(certificate[0]),
            "SMTP_RETRY_DELAY": "0.01",
        }
        accepted = deliver_message(_message(), SmtpSettings.from_env(env), Path("unused"))
        with pytest.raises(SendError) as refused:
            wrong = {**env, "SMTP_PASSWORD": "wrong"}
            deliver_message(_message(), SmtpSettings.from_env(wrong), Path("unused"))
    finally:
        controller.stop()

    assert accepted.attempts == 1 and accepted.outbox is None
    assert len(recorder.sessions) == 1
    assert recorder.sessions[0][0] is True  # the message travelled over TLS
    assert refused.value.permanent and refused.value.attempts == 1
    assert "535" in str(refused.value)


def test_an_untrusted_certificate_is_a_permanent_failure(certificate, kit):
    port = kit.free_port()
    controller = Controller(
        _Recorder(), hostname="127.0.0.1", port=port, tls_context=_server_context(certificate)
    )
    controller.start()
    try:
        env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_RETRY_DELAY": "0.01"}
        with pytest.raises(SendError) as caught:
            deliver_message(_message(), SmtpSettings.from_env(env), Path("unused"))
    finally:
        controller.stop()

    assert caught.value.permanent
    assert "SSLCertVerificationError" in str(caught.value)


def test_implicit_ssl_connects_to_an_ssl_server(certificate, kit):
    recorder = _Recorder()
    port = kit.free_port()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=port, ssl_context=_server_context(certificate)
    )
    controller.start()
    try:
        env = {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_SECURITY": "ssl",
            "SMTP_CA_FILE": str(certificate[0]),
        }
        deliver_message(_message(), SmtpSettings.from_env(env), Path("unused"))
        plain = {**env, "SMTP_SECURITY": "none", "SMTP_RETRIES": "0", "SMTP_TIMEOUT": "2"}
        with pytest.raises(SendError):
            deliver_message(_message(), SmtpSettings.from_env(plain), Path("unused"))
    finally:
        controller.stop()

    # accepted over implicit TLS; the same server does not talk to a plain client
    assert len(recorder.sessions) == 1
