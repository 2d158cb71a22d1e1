"""The command line as a person uses it: exit codes and messages, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    result = _cli(
        "run",
        "nightly",
        "--as-of",
        "2026-11-27",
        "--no-email",
        "--inputs",
        str(demo_inputs),
        "--outputs",
        str(outputs),
        "--workers",
        "2",
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "nightly 2026-11-27" in result.stdout
    assert (outputs / "nightly" / "2026-11-27" / "portfolio.pdf").is_file()
    assert not list(outputs.glob("outbox/*.eml")), "--no-email sends nothing"


def test_init_writes_a_starter_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "starter"
    result = _cli("init", str(target))
    assert result.returncode == 0, result.stderr
    check = _cli("validate", "--inputs", str(target))
    assert check.returncode == 0, check.stdout + check.stderr
