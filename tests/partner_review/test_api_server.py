"""The temporary Prefect API server a command-line run starts for itself."""

from __future__ import annotations

import os
import urllib.request

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
