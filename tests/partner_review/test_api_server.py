"""The temporary Prefect API server a command-line run starts for itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from partner_review.api_server import ApiServerError, temporary_api_server


def test_a_set_api_url_means_a_server_is_running_and_none_is_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    with temporary_api_server() as server:
        assert server is None
        assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"


def test_with_the_temporary_server_disabled_none_is_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
    with temporary_api_server() as server:
        assert server is None
        assert "PREFECT_API_URL" not in os.environ


def test_a_started_server_answers_prefects_api_and_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", raising=False)
    with temporary_api_server() as server:
        assert server is not None
        assert os.environ["PREFECT_API_URL"] == server.url
        server.wait_until_ready(120)
        with urllib.request.urlopen(f"{server.url}/health", timeout=5) as response:
            assert response.status == 200
        server.stop()
        assert server.process.poll() is not None
    assert "PREFECT_API_URL" not in os.environ


def test_a_server_that_does_not_answer_in_time_stops_the_run_with_the_fix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", raising=False)
    with pytest.raises(ApiServerError) as raised, temporary_api_server() as server:
        assert server is not None
        server.wait_until_ready(0.05)
    assert "did not answer within" in str(raised.value)
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in str(raised.value)
    assert server.process.poll() is not None, "the server is stopped at once on an error"


_HOLD_A_SERVER = """
from partner_review.api_server import temporary_api_server
with temporary_api_server() as server:
    server.wait_until_ready(120)
    print(server.process.pid, flush=True)
    input()
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_server_stops_when_the_run_is_killed_before_its_exit_handlers(
    how: signal.Signals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", raising=False)
    run = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert run.stdout is not None
    server = psutil.Process(int(run.stdout.readline()))
    assert server.is_running()
    run.send_signal(how)  # SIGTERM: Python's default action, no atexit
    run.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(server)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
