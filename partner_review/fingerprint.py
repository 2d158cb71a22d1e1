"""A run's fingerprint: everything that decides the bytes of its published pack.

A pack is a function of the run (kind, label, as-of date, periods), the inputs
folder (every file, by content), the project's code and templates, and the
versions of the libraries that compute and render it. When a rerun's
fingerprint equals the one recorded in the published run's manifest, and the
published run is whole (every report rendered, every file it lists present),
rebuilding would write the same pack again: the run keeps the published folder
and only delivers what is still due (the ledger never sends twice) and records
the check in the manifest's ``rerun`` entry.

Choices: every file of the inputs folder counts, not only those ingestion reads
(a stray file costs a rebuild, never a stale pack); the email settings do not
count (they decide deliveries, which run anyway); to force a rebuild, delete the
run's folder.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from partner_review.manifest import read_manifest, sha256_file, versions
from partner_review.paths import PROJECT_ROOT
from partner_review.settings import Settings
from transforms.periods import RunSpec

CODE_FOLDERS = ("partner_review", "transforms", "flows", "templates")


def run_fingerprint(settings: Settings, run: RunSpec, code_root: Path = PROJECT_ROOT) -> str:
    """sha256 over the run, the inputs folder's files, the code and the library versions."""
    parts = {
        "run": [run.kind, run.label, run.as_of.isoformat(), [p.label for p in run.periods]],
        "inputs": _file_digests(settings.inputs.root),
        "code": [d for name in CODE_FOLDERS for d in _file_digests(code_root / name, name)],
        "versions": {k: v for k, v in versions().items() if k != "git_commit"},
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def unchanged_reports(manifest: dict[str, Any] | None, fingerprint: str, run_dir: Path) -> bool:
    """Whether the published run of ``run_dir`` is whole and was made from ``fingerprint``."""
    if not manifest or manifest.get("fingerprint") != fingerprint:
        return False
    reports = manifest.get("reports", [])
    if any(r.get("error") for r in reports):
        return False
    listed = [*manifest.get("tables", {}), *(name for r in reports for name in _report_files(r))]
    return all((run_dir / name).is_file() for name in listed)


def publication_current(settings: Settings, run: RunSpec, run_dir: Path) -> bool:
    """Whether the run published in ``run_dir`` is whole and was made from these inputs,
    configuration, code and versions: run now, it would be kept, nothing rendered. False
    when that cannot be told (an unreadable file, a manifest of another shape: the run's own
    check says why). With nothing published, the inputs are not hashed."""
    manifest = read_manifest(run_dir)
    if not manifest:
        return False
    try:
        return unchanged_reports(manifest, run_fingerprint(settings, run), run_dir)
    except Exception:
        return False


def _report_files(report: dict[str, Any]) -> Iterable[str]:
    """A report's PDF (its name in the manifest) and the HTML beside it."""
    pdf = Path(str(report["name"]))
    return (pdf.name, pdf.with_suffix(".html").name)


def _file_digests(root: Path, label: str = "") -> list[tuple[str, str]]:
    """(label/path relative to ``root``, sha256) of every visible file under ``root``."""
    if not root.is_dir():
        return []
    return [
        ((Path(label) / path.relative_to(root)).as_posix(), sha256_file(path))
        for path in sorted(root.rglob("*"))
        if path.is_file() and not _ignored(path.relative_to(root))
    ]


def _ignored(relative: Path) -> bool:
    """Hidden files and folders, editors' lock files and Python's byte-code caches."""
    return any(part.startswith((".", "~$")) or part == "__pycache__" for part in relative.parts)
