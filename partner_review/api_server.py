"""A temporary Prefect API server for one command-line run, started as the run begins.

With no ``PREFECT_API_URL``, Prefect starts a temporary server when the flow
starts: it imports the whole server into the run's own process, then starts
it again in a subprocess and waits for it, about 12 s on two cores before the
first task runs (a rerun that keeps its pack takes 20 s in all). A command-line
run starts that same subprocess (uvicorn with Prefect's application factory,
as Prefect's ``SubprocessASGIServer`` does) before it loads its configuration
and imports the flows, so the server starts on the other core meanwhile, and
points ``PREFECT_API_URL`` at it; the server stops when the run ends.

With ``PREFECT_API_URL`` already set (a running server, as under
``partner-review serve``), or with Prefect's temporary server disabled
(``PREFECT_SERVER_ALLOW_EPHEMERAL_MODE=false``), nothing is started.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from partner_review.errors import PartnerReviewError

_ADDRESS_IN_USE = 3  # uvicorn's exit code when the port was taken meanwhile
_STOP_SECONDS = 5


@dataclass
class ApiServerError(PartnerReviewError):
    """The temporary Prefect API server did not start (nothing was written or sent)."""

    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})"


@dataclass
class ApiServer:
    """A uvicorn process serving Prefect's API on a local port."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait_until_ready(self, timeout: float) -> None:
        """Block until the server answers its health check (restarting on a taken port)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() == _ADDRESS_IN_USE:
                self.port = _free_port()
                self.process = _start_process(self.port)
                os.environ["PREFECT_API_URL"] = self.url
            elif self.process.poll() is not None:
                raise ApiServerError(
                    f"the temporary Prefect server exited with code {self.process.returncode}",
                    hint="set PREFECT_API_URL to a running Prefect server, or read the lines "
                    "above for the cause",
                )
            elif _healthy(self.url):
                return
            time.sleep(0.1)
        raise ApiServerError(
            f"the temporary Prefect server did not answer within {timeout:.0f} s",
            hint="raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or set "
            "PREFECT_API_URL to a running Prefect server",
        )

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def temporary_api_server() -> Iterator[ApiServer | None]:
    """A server started now and stopped when the process exits (at once on an error), or
    None when Prefect has a server already."""
    if os.environ.get("PREFECT_API_URL") or not _ephemeral_allowed():
        yield None
        return
    port = _free_port()
    server = ApiServer(_start_process(port), port)
    os.environ["PREFECT_API_URL"] = server.url
    # stopped at exit, after Prefect's own exit handlers (registered later, run first) have
    # sent the run's last logs and events to it, as Prefect does with its temporary server
    atexit.register(server.stop)
    try:
        yield server
    except BaseException:
        server.stop()
        raise
    finally:
        # Prefect read the address when it was imported; the variable goes, the server stays
        os.environ.pop("PREFECT_API_URL", None)


def startup_timeout() -> float:
    """Prefect's own limit for its temporary server (our default: 120 s)."""
    try:
        return float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
    except ValueError:
        return 120.0


def _ephemeral_allowed() -> bool:
    value = os.environ.get("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true")
    return value.strip().lower() not in ("0", "false", "no", "off")


# uvicorn, in a process that receives SIGTERM when the run's process ends however it ends
# (killed, or stopped by a signal before its exit handlers run: Linux's parent-death signal,
# sent when the thread that started it ends: the command line's main thread), and does not
# start if that process has already gone
_LAUNCH = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, ctypes.c_ulong(signal.SIGTERM))  # PDEATHSIG
except (OSError, AttributeError):  # not Linux: stopped by the exit handler only
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(0)
import uvicorn
sys.argv = ["uvicorn", *sys.argv[2:]]
uvicorn.main()
"""


def _start_process(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", _LAUNCH, str(os.getpid()), "--factory"]
    command += ["prefect.server.api.server:create_app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "error", "--lifespan", "on"]
    env = os.environ | {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
