"""The command line as a person uses it: exit codes and messages, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import yaml

CLI = [sys.executable, "-m", "partner_review.cli"]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=600
    )


def test_invalid_configuration_exits_2_and_writes_nothing(
    inputs_copy: Path, tmp_path: Path
) -> None:
    partner_file = next((inputs_copy / "partners").glob("*.yaml"))
    data = yaml.safe_load(partner_file.read_text())
    data["service_levels"][0]["expceted"] = 1
    partner_file.write_text(yaml.safe_dump(data))
    outputs = tmp_path / "outputs"
    result = _cli("run", "quarterly", "--inputs", str(inputs_copy), "--outputs", str(outputs))
    assert result.returncode == 2
    assert f"partners/{partner_file.name}: service_levels[0].expceted: unknown key" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (outputs / "quarterly").exists()


def test_bad_arguments_exit_2_with_the_fix(demo_inputs: Path, tmp_path: Path) -> None:
    result = _cli(
        "run",
        "quarterly",
        "--quarter",
        "2026-Q5",
        "--inputs",
        str(demo_inputs),
        "--outputs",
        str(tmp_path),
    )
    assert result.returncode == 2
    assert "is not a quarter label such as 2026-Q3" in result.stderr
    result = _cli(
        "run",
        "nightly",
        "--as-of",
        "2026-02-31",
        "--inputs",
        str(demo_inputs),
        "--outputs",
        str(tmp_path),
    )
    assert result.returncode == 2
    assert "write YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.stderr


def test_nightly_run_from_the_command_line(demo_inputs: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    args = ("run", "nightly", "--as-of", "2026-11-16", "--no-email")
    args += ("--inputs", str(demo_inputs), "--outputs", str(outputs), "--workers", "2")
    result = _cli(*args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "nightly 2026-11-16" in result.stdout
    assert (outputs / "nightly" / "2026-11-16" / "portfolio.pdf").is_file()
    assert not list(outputs.glob("outbox/*.eml")), "--no-email sends nothing"

    again = _cli(*args)
    assert again.returncode == 0, again.stderr
    assert "unchanged since it was published; kept its 8 reports" in again.stdout


def test_init_writes_a_starter_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "starter"
    result = _cli("init", str(target))
    assert result.returncode == 0, result.stderr
    check = _cli("validate", "--inputs", str(target))
    assert check.returncode == 0, check.stdout + check.stderr


def _data_rows(path: Path) -> int:
    """Rows of a demo data file counted with pandas / openpyxl, not with the code under test."""
    if path.suffix == ".parquet":
        return len(pd.read_parquet(path))
    if path.suffix == ".xlsx":
        return len(pd.read_excel(path, sheet_name="observations"))
    head = path.read_bytes()[:4]
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        path.read_bytes().decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
    return len(pd.read_csv(path, sep=None, engine="python", encoding=encoding))


def test_validate_on_the_demo_exits_0_with_a_summary_matching_the_files(
    demo_inputs: Path,
) -> None:
    result = _cli("validate", "--inputs", str(demo_inputs))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    partners = sorted(p.stem for p in (demo_inputs / "partners").glob("*.yaml"))
    assert f"Partners ({len(partners)}): {', '.join(partners)}" in out
    kpis = [k["id"] for k in yaml.safe_load((demo_inputs / "config.yaml").read_text())["kpis"]]
    assert f"KPIs ({len(kpis)}): {', '.join(kpis)}" in out
    data = sorted(
        p
        for folder in ("observations", "surveys")
        for p in (demo_inputs / folder).rglob("*")
        if p.is_file()
    )
    logs = [demo_inputs / n for n in ("scope_changes.csv", "actions.csv", "comments.csv")]
    assert f"Files ({len(data) + len(logs)}):" in out
    for path in [*data, *logs]:
        name = path.relative_to(demo_inputs).as_posix()
        assert (
            f"  {name} [" in out
            and f"]: {_data_rows(path)} rows, 0 rejected"
            in out.split(f"  {name} [")[1].split("\n")[0]
        ), name
    assert "rejected: 0" in out and "No problems found." in out


def test_validate_lists_every_bad_row_and_exits_1(demo_with_bad_rows: Path) -> None:
    result = _cli("validate", "--inputs", str(demo_with_bad_rows))
    assert result.returncode == 1
    assert "6 problems:" in result.stdout
    assert (
        "observations/OUTOKIA-CX/2026-02.csv:114: period_start: '2026-02-31' is not a date"
        in result.stdout
    )
    assert "surveys/OUTOKIA-CX.csv:1925: score: '11' is outside 0-10" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_run_on_its_temporary_server_uses_its_address_now_and_sends_no_heartbeats() -> None:
    from types import SimpleNamespace

    from prefect.settings import get_current_settings

    from partner_review.cli import _on_temporary_server

    moved = SimpleNamespace(url="http://127.0.0.1:1/api")  # restarted on another port
    with _on_temporary_server(moved):
        assert get_current_settings().flows.heartbeat_frequency is None
        assert get_current_settings().api.url == "http://127.0.0.1:1/api"
    assert get_current_settings().flows.heartbeat_frequency is not None
    assert get_current_settings().api.url != "http://127.0.0.1:1/api"


_RUN_WITH_ITS_FIRST_PORT_TAKEN = """
import socket, sys
from partner_review import api_server

taken = socket.socket()
taken.bind(("127.0.0.1", 0))  # bound, not listening: the server's first port is taken
ports = iter([taken.getsockname()[1]])
free = api_server._free_port
api_server._free_port = lambda: next(ports, None) or free()
from partner_review.cli import main

sys.argv = ["partner-review", *sys.argv[1:]]
main()
"""


def test_a_run_whose_server_restarted_on_another_port_talks_to_it(
    demo_inputs: Path, tmp_path: Path
) -> None:
    outputs = tmp_path / "outputs"
    args = ["run", "nightly", "--as-of", "2026-11-16", "--no-email"]
    args += ["--inputs", str(demo_inputs), "--outputs", str(outputs), "--workers", "1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "PREFECT_API_URL"))}
    result = subprocess.run(
        [sys.executable, "-c", _RUN_WITH_ITS_FIRST_PORT_TAKEN, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (outputs / "nightly" / "2026-11-16" / "portfolio.pdf").is_file()
