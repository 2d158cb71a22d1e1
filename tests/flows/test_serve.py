"""`partner-review serve` against a real Prefect server started on 127.0.0.1 for the test.

Both deployments registered with the configured schedule, the next nightly run at 06:00
Paris time, and the quarterly deployment triggered through the API runs to completion
with its run folder written. Both processes are stopped (their process groups) at the end.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.settings import PREFECT_API_URL, temporary_settings

from partner_review.settings import load_settings

BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT = 180
REGISTER_TIMEOUT = 120
RUN_TIMEOUT = 360


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(
        args, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")[-3000:]
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"Prefect server not healthy after {SERVER_START_TIMEOUT}s")


async def _deployment(name: str, serve: subprocess.Popen[bytes], log: Path) -> Any:
    deadline = time.monotonic() + REGISTER_TIMEOUT
    async with get_client() as client:
        while True:
            assert serve.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                return await client.read_deployment_by_name(name)
            except Exception:  # ObjectNotFound until serve has registered it
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(1)


async def _next_scheduled(deployment_id: Any) -> Any:
    deadline = time.monotonic() + REGISTER_TIMEOUT
    async with get_client() as client:
        while True:
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                    )
                ),
            )
            if runs or time.monotonic() > deadline:
                return min(runs, key=lambda r: r.next_scheduled_start_time) if runs else None
            await asyncio.sleep(2)


async def _run_quarterly(deployment_id: Any, serve: subprocess.Popen[bytes], log: Path) -> Any:
    async with get_client() as client:
        run = await client.create_flow_run_from_deployment(
            deployment_id, parameters={"quarter": "2026-Q3", "send": False}
        )
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            assert serve.poll() is None, log.read_text(errors="replace")[-3000:]
            run = await client.read_flow_run(run.id)
            if run.state is not None and run.state.is_final():
                return run
            await asyncio.sleep(3)
    pytest.fail(f"quarterly run not finished after {RUN_TIMEOUT}s: {run.state}")


def test_serve_registers_both_deployments_and_runs_a_triggered_quarter(
    inputs_copy: Path, tmp_path: Path
) -> None:
    config = load_settings(inputs_copy).config
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    outputs = tmp_path / "outputs"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
    }
    env.pop("PREFECT_API_KEY", None)
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    server = _start(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env,
        server_log,
    )
    serve: subprocess.Popen[bytes] | None = None
    try:
        _wait_healthy(url, server, server_log)
        serve = _start(
            [
                str(BIN / "partner-review"),
                "serve",
                *("--inputs", str(inputs_copy)),
                *("--outputs", str(outputs)),
            ],
            env,
            serve_log,
        )
        with temporary_settings(updates={PREFECT_API_URL: url}):
            nightly = asyncio.run(_deployment("nightly-review/nightly", serve, serve_log))
            quarterly = asyncio.run(_deployment("quarterly-review/quarterly", serve, serve_log))
            assert len(nightly.schedules) == 1
            schedule = nightly.schedules[0].schedule
            assert schedule.cron == config.reporting.nightly_cron == "0 6 * * *"
            assert schedule.timezone == "Europe/Paris"
            assert quarterly.schedules == []
            assert nightly.parameters["outputs"] == str(outputs)

            upcoming = asyncio.run(_next_scheduled(nightly.id))
            assert upcoming is not None, "the server scheduled no nightly run"
            local = upcoming.next_scheduled_start_time.astimezone(ZoneInfo("Europe/Paris"))
            assert (local.hour, local.minute, local.second) == (6, 0, 0)
            now = time.time()
            assert 0 < local.timestamp() - now <= timedelta(days=1).total_seconds()

            done = asyncio.run(_run_quarterly(quarterly.id, serve, serve_log))
        assert done.state.is_completed(), (
            done.state,
            serve_log.read_text(errors="replace")[-3000:],
        )
        run_dir = outputs / "quarterly" / "2026-Q3"
        assert (run_dir / "manifest.json").is_file()
        assert (run_dir / "scorecard.csv").is_file()
        assert (run_dir / "portfolio.pdf").stat().st_size > 1000
        assert not list((outputs / "outbox").glob("*.eml")), "send=false sends nothing"
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
    assert server.poll() is not None and (serve is None or serve.poll() is not None)
