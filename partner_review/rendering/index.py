"""outputs/index.html: every run folder, newest first, with links to its reports.

Choices where the spec is silent: one table for nightly and quarterly runs,
ordered by the day the run is about (a nightly run's as-of date, a quarter's
last day), newest first; the index is in English (it is not addressed to one
reader); hidden folders (staging, previous) are not runs and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from partner_review.manifest import read_manifest
from partner_review.paths import PORTFOLIO
from partner_review.rendering.templates import render_template

_QUARTER = re.compile(r"^(?:FY)?(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass
class ReportLinks:
    """One report subject (a partner or the portfolio) in each language it was written in."""

    subject: str
    files: list[dict[str, str]] = field(default_factory=list)  # language, html, pdf


@dataclass
class RunEntry:
    kind: str
    label: str
    day: date
    status: str
    created: str
    periods: str
    reports: list[ReportLinks]


def render_index_html(outputs_root: Path) -> str:
    """The index of every run under ``outputs_root``/nightly and /quarterly."""
    runs = [
        _entry(folder, kind, outputs_root)
        for kind in ("quarterly", "nightly")
        for folder in _run_folders(outputs_root / kind)
    ]
    runs.sort(key=lambda r: (r.day, r.kind == "quarterly", r.label), reverse=True)
    return render_template("index.html.j2", "en", {"runs": runs})


def _run_folders(parent: Path) -> list[Path]:
    if not parent.is_dir():
        return []
    return [p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _entry(folder: Path, kind: str, root: Path) -> RunEntry:
    manifest = read_manifest(folder) or {}
    run: dict[str, Any] = manifest.get("run") or {}
    periods = [str(p) for p in run.get("periods") or []]
    return RunEntry(
        kind=kind,
        label=folder.name,
        day=_day_of(kind, folder.name, periods),
        status=str(manifest.get("status") or ("no manifest" if not manifest else "")),
        created=str(manifest.get("created") or ""),
        periods=", ".join(periods),
        reports=_reports(folder, root),
    )


def _day_of(kind: str, label: str, periods: list[str]) -> date:
    """The last day the run is about, to order runs; date.min when it cannot be told."""
    if kind == "nightly":
        try:
            return date.fromisoformat(label)
        except ValueError:
            return date.min
    months = sorted(p for p in periods if _MONTH.match(p))
    if months:
        year, month = int(months[-1][:4]), int(months[-1][5:])
        return date(year, month, 28)
    match = _QUARTER.match(label)
    if match:
        return date(int(match[1]), 3 * int(match[2]), 28)
    return date.min


def _reports(folder: Path, root: Path) -> list[ReportLinks]:
    subjects: dict[str, ReportLinks] = {}
    for html in sorted(folder.glob("*.html")):
        stem = html.stem
        subject, _, language = stem.partition(".")
        pdf = html.with_suffix(".pdf")
        links = subjects.setdefault(subject, ReportLinks(subject))
        links.files.append(
            {
                "language": language,
                "html": _href(html, root),
                "pdf": _href(pdf, root) if pdf.is_file() else "",
            }
        )
    ordered = sorted(subjects.values(), key=lambda s: (s.subject != PORTFOLIO, s.subject))
    return ordered


def _href(path: Path, root: Path) -> str:
    return quote(path.relative_to(root).as_posix())
