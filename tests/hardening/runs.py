"""Real runs of the command line as subprocesses, and the invariants of an outputs folder."""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email import policy
from email.message import EmailMessage
from pathlib import Path

from partner_review.delivery.messages import Attachment, content_hash
from tests.conftest import DEMO_INPUTS, ROOT

AS_OF = "2026-11-16"
KEPT_PARTNER = "OUTOKIA-CX"
_HIDDEN_RUN = re.compile(rf"\.{AS_OF}\.(staging-\d+|previous)")


def one_partner_inputs(target: Path) -> Path:
    """The demo cut down to OUTOKIA-CX (fewer reports to render: a cheaper run)."""
    shutil.copytree(DEMO_INPUTS, target)
    for other in ("HELIX-IT", "NORDLEDGER-BO"):
        (target / "partners" / f"{other}.yaml").unlink()
        shutil.rmtree(target / "observations" / other)
        (target / "surveys" / f"{other}.csv").unlink(missing_ok=True)
    return target


def cli_env(api_url: str | None = None) -> dict[str, str]:
    """The test's environment without SMTP settings (emails go to the outbox).

    With ``api_url``, runs report to that Prefect server instead of starting a
    temporary one each (which costs about 15 s of every run).
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "PREFECT_API"))}
    env["PYTHONPATH"] = str(ROOT)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def start_run(args: list[str], log: Path, api_url: str | None = None) -> subprocess.Popen[bytes]:
    """``partner-review run ...`` in its own session (so its whole group can be killed)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "partner_review.cli", "run", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=cli_env(api_url),
            cwd=ROOT,
            start_new_session=True,
        )


def start_nightly(
    inputs: Path, outputs: Path, log: Path, api_url: str | None = None
) -> subprocess.Popen[bytes]:
    args = ["nightly", "--as-of", AS_OF, "--inputs", str(inputs), "--outputs", str(outputs)]
    return start_run([*args, "--workers", "1"], log, api_url)


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """A real Prefect server on 127.0.0.1 for the test's runs; yields its API URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    url = f"http://127.0.0.1:{port}/api"
    env = {**cli_env(), "PREFECT_HOME": str(home), "PREFECT_SERVER_API_HOST": "127.0.0.1"}
    env["PREFECT_SERVER_API_PORT"] = str(port)
    home.mkdir(parents=True, exist_ok=True)
    log = home / "server.log"
    prefect = Path(sys.executable).parent / "prefect"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                assert time.monotonic() < deadline, "Prefect server not healthy after 120 s"
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the run and every process it started; return once none is left."""
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"processes of group {proc.pid} survived SIGKILL")


def check_run_folders(outputs: Path) -> str:
    """Only complete run folders are visible; returns 'absent' or the manifest's status."""
    root = outputs / "nightly"
    if not root.exists():
        return "absent"
    visible = []
    for entry in root.iterdir():
        if entry.name.startswith("."):
            assert _HIDDEN_RUN.fullmatch(entry.name), entry.name
        else:
            visible.append(entry.name)
    assert visible in ([], [AS_OF]), visible
    if not visible:
        return "absent"
    folder = root / AS_OF
    manifest = json.loads((folder / "manifest.json").read_text())
    names = list(manifest["tables"])
    for report in manifest["reports"]:
        names += [report["name"], report["name"].removesuffix(".pdf") + ".html"]
    assert manifest["tables"] and manifest["reports"]
    for name in names:
        data = (folder / name).read_bytes()
        assert data, name
        if name.endswith(".pdf"):
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
        if name.endswith(".html"):
            assert data.rstrip().endswith(b"</html>"), name
    for name in manifest["tables"]:
        lines = (folder / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) == manifest["tables"][name] + 1 or "\r" in "".join(lines), name
    return str(manifest["status"])


def outbox_messages(outputs: Path) -> list[EmailMessage]:
    found = []
    for path in sorted((outputs / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        assert message["To"] and message["Subject"], path.name
        found.append(message)
    return found


def check_nothing_sent_twice(outputs: Path) -> int:
    """No two .eml files (nor two delivered ledger rows) for one recipient and one content."""
    keys = []
    if not (outputs / "outbox").exists():
        return 0
    for message in outbox_messages(outputs):
        body = message.get_body(("plain",))
        assert body is not None
        attachments = [
            Attachment(part.get_filename() or "", part.get_content())
            for part in message.iter_attachments()
        ]
        keys.append((str(message["To"]), content_hash(body.get_content(), attachments)))
    twice = [key for key, n in Counter(keys).items() if n > 1]
    assert not twice, twice
    ledger = outputs / "deliveries.sqlite"
    if ledger.exists():
        with sqlite3.connect(ledger) as conn:
            rows = conn.execute(
                "SELECT recipient, content_hash, count(*) FROM deliveries "
                "WHERE outcome IN ('sent', 'outbox') GROUP BY run_kind, run_label, recipient, "
                "content_hash HAVING count(*) > 1"
            ).fetchall()
        assert not rows, rows
    return len(keys)
