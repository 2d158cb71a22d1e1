"""manifest.json: what a run read, with which versions, how long it took, what it delivered.

From a manifest and the archived inputs (matched by sha256), every past pack
can be reproduced: it names each input file with its hash and row count, the
run's as-of date or quarter, and the versions of the code that produced it.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from partner_review import __version__
from partner_review.paths import MANIFEST_JSON, PROJECT_ROOT
from partner_review.runfolder import atomic_write_text
from partner_review.settings import Settings
from transforms.periods import RunSpec

_VERSIONED = ("prefect", "pandas", "pandera", "pydantic", "weasyprint", "jinja2")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_entries(settings: Settings, files: pd.DataFrame) -> list[dict[str, Any]]:
    """Every input file: the configuration files and each data file read."""
    paths = settings.inputs
    config_files = [paths.config, *sorted(paths.partners.glob("*.y*ml"))]
    entries: list[dict[str, Any]] = [
        {"path": paths.relative(p), "kind": "configuration", "sha256": sha256_file(p), "rows": None}
        for p in config_files
    ]
    entries += [
        {
            "path": str(row["file"]),
            "kind": str(row["kind"]),
            "sha256": str(row["sha256"]),
            "rows": int(row["rows"]),
            "rejected": int(row["rejected"]),
        }
        for row in files.to_dict("records")
    ]
    return entries


def git_commit() -> str | None:
    """The project's git commit when it runs from a checkout (None otherwise)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def versions() -> dict[str, str]:
    found = {"partner-review": __version__, "python": platform.python_version()}
    commit = git_commit()
    if commit:
        found["git_commit"] = commit
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def build_manifest(
    run: RunSpec,
    settings: Settings,
    files: pd.DataFrame,
    tables: dict[str, int],
    reports: list[dict[str, Any]],
    timings: dict[str, float],
    fingerprint: str = "",
) -> dict[str, Any]:
    return {
        "run": {
            "kind": run.kind,
            "label": run.label,
            "as_of": run.as_of.isoformat() if run.kind == "nightly" else None,
            "quarter": run.label if run.kind == "quarterly" else None,
            "periods": [p.label for p in run.periods],
        },
        "organisation": settings.config.organisation.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": input_entries(settings, files),
        "versions": versions(),
        "fingerprint": fingerprint,
        "tables": tables,
        "reports": reports,
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "deliveries": [],
        "status": "written",
    }


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(run_dir / MANIFEST_JSON, json.dumps(manifest, indent=2, default=str))


def record_unchanged_rerun(
    run_dir: Path, manifest: dict[str, Any], timings: dict[str, float]
) -> None:
    """Note in the manifest that a rerun found the pack unchanged (the latest such rerun)."""
    manifest["rerun"] = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "outcome": "unchanged",
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
    write_manifest(run_dir, manifest)


def read_manifest(run_dir: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((run_dir / MANIFEST_JSON).read_text())
    except (OSError, ValueError):
        return None
    return data
