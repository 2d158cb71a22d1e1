"""Handing messages to an SMTP server, or to the outbox folder when there is none.

Settings come from the environment only (SPEC §1): SMTP_HOST, SMTP_PORT,
SMTP_USERNAME, SMTP_PASSWORD, SMTP_SECURITY (starttls, ssl, none). Additions,
also environment-only: SMTP_TIMEOUT (seconds per connection, default 30),
SMTP_RETRIES (extra attempts after a transient failure, default 3),
SMTP_RETRY_DELAY (first back-off in seconds, doubled each time, default 2) and
SMTP_CA_FILE (a CA bundle for a relay with a private certificate authority).

One connection per message: a stakeholder list is short, and a broken
connection then costs one message's retry, never the rest of the run.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from partner_review.errors import ConfigError, Problem

Security = Literal["starttls", "ssl", "none"]
_DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._@-]+")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send; ``host`` None means "write .eml files to the outbox"."""

    host: str | None
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never in logs or errors
    security: Security = "starttls"
    timeout: float = 30.0
    retries: int = 3
    retry_delay: float = 2.0
    ca_file: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        """The settings in ``env`` (default os.environ); ConfigError naming each bad variable."""
        env = os.environ if env is None else env
        problems: list[Problem] = []
        security = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
        if security not in _DEFAULT_PORTS:
            problems.append(_env_problem("SMTP_SECURITY", security, "use starttls, ssl or none"))
            security = "starttls"
        port = _env_number(env, "SMTP_PORT", _DEFAULT_PORTS[security], int, problems)
        timeout = _env_number(env, "SMTP_TIMEOUT", 30.0, float, problems)
        retries = _env_number(env, "SMTP_RETRIES", 3, int, problems)
        delay = _env_number(env, "SMTP_RETRY_DELAY", 2.0, float, problems)
        if problems:
            raise ConfigError(problems)
        return cls(
            host=(env.get("SMTP_HOST") or "").strip() or None,
            port=int(port),
            username=env.get("SMTP_USERNAME") or None,
            password=env.get("SMTP_PASSWORD") or None,
            security=security,  # type: ignore[arg-type]
            timeout=float(timeout),
            retries=int(retries),
            retry_delay=float(delay),
            ca_file=env.get("SMTP_CA_FILE") or None,
        )


class SendError(Exception):
    """A message was not accepted; ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool, attempts: int = 1) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.attempts = attempts


@dataclass(frozen=True)
class Accepted:
    """A message accepted by the server (``outbox`` None) or written to the outbox."""

    attempts: int
    outbox: Path | None = None


def deliver_message(
    msg: EmailMessage,
    settings: SmtpSettings,
    outbox: Path,
    sleep: Callable[[float], None] = time.sleep,
) -> Accepted:
    """Send ``msg`` with retries, or write it to ``outbox`` when no SMTP_HOST is set.

    Raises SendError once the server refused it for good or every retry failed.
    """
    if settings.host is None:
        return Accepted(1, write_outbox(msg, outbox))
    attempts = 0
    while True:
        attempts += 1
        try:
            _send_once(msg, settings)
            return Accepted(attempts)
        except Exception as exc:
            permanent, reason = classify(exc)
            if permanent or attempts > settings.retries:
                raise SendError(reason, permanent, attempts) from exc
            sleep(settings.retry_delay * 2 ** (attempts - 1))


def classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent, reason): 5xx replies and TLS failures are permanent; 4xx and I/O are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        reason = "; ".join(
            f"{addr}: {code} {_decode(text)}" for addr, (code, text) in exc.recipients.items()
        )
        return all(code >= 500 for code in codes), reason
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500, f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLError | ssl.CertificateError):
        return True, f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPException | OSError):
        return False, f"{type(exc).__name__}: {exc}"
    return True, f"{type(exc).__name__}: {exc}"


def _send_once(msg: EmailMessage, settings: SmtpSettings) -> None:
    assert settings.host is not None
    context = ssl.create_default_context(cafile=settings.ca_file)
    client: smtplib.SMTP
    if settings.security == "ssl":
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        client.ehlo()
        if settings.security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(msg)


def write_outbox(msg: EmailMessage, outbox: Path) -> Path:
    """``msg`` as an .eml file a mail client opens; written whole or not at all."""
    outbox.mkdir(parents=True, exist_ok=True)
    stem = _UNSAFE_NAME.sub("_", str(msg["X-Partner-Review-Run"] or "message"))
    to = msg["To"].addresses[0].addr_spec if msg["To"] else "unknown"
    ident = re.sub(r"[^0-9a-f]", "", str(msg["Message-ID"]).split("@")[0])[:12]
    path = outbox / f"{stem}_{_UNSAFE_NAME.sub('_', to)}_{ident}.eml"
    temp = path.with_suffix(".eml.tmp")
    temp.write_bytes(msg.as_bytes(policy=policy.SMTP))
    os.replace(temp, path)
    return path


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _env_problem(name: str, value: str, hint: str) -> Problem:
    return Problem("environment", f"{value!r} is not valid", key=name, hint=hint)


def _env_number(
    env: Mapping[str, str],
    name: str,
    default: float,
    kind: type[int] | type[float],
    problems: list[Problem],
) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        problems.append(_env_problem(name, raw, f"give a {kind.__name__} number"))
        return default
    if value < 0:
        problems.append(_env_problem(name, raw, "give a number of zero or more"))
        return default
    return value
