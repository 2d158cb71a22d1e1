"""``partner-review validate``: check an inputs folder and list every problem (SPEC §7).

Prints a summary (partners, KPIs, rows per file, the date range of the observations,
superseded rows) and then every problem, one a line, as ``file:line: column: message``
(``file: message`` for a whole file, ``file: key: message`` for configuration).
Exit code 0 when clean, 1 when any problem was found (configuration problems
included), 2 when the inputs folder itself is missing or not a folder.
Superseded rows are the duplicate rule at work, not problems: they are counted only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from partner_review.errors import ConfigError, PartnerReviewError
from partner_review.ingest import load_sources
from partner_review.settings import Settings, load_settings
from transforms.model import SourceData


def validate_command(inputs: Path, out: TextIO) -> int:
    """Check ``inputs``; write the summary and problems to ``out``; return the exit code."""
    if not inputs.is_dir():
        print(f"error: --inputs {inputs}: no such folder", file=out)
        return 2
    try:
        settings = load_settings(inputs)
    except ConfigError as exc:
        print(str(exc), file=out)
        return 1
    try:
        source = load_sources(settings)
    except PartnerReviewError as exc:
        print(f"error: {exc}", file=out)
        return 1
    for line in summary_lines(settings, source):
        print(line, file=out)
    problems = problem_lines(source.rejected)
    if not problems:
        print("No problems found.", file=out)
        return 0
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''}:", file=out)
    for line in problems:
        print(f"  {line}", file=out)
    return 1


def summary_lines(settings: Settings, source: SourceData) -> list[str]:
    """What the folder holds: partners, KPIs, files with their rows, the observed dates."""
    partners: list[str] = sorted(settings.partners)
    kpis: list[str] = [k.id for k in settings.config.kpis]
    lines = [
        f"Inputs: {settings.inputs.root}",
        f"Partners ({len(partners)}): {', '.join(partners)}",
        f"KPIs ({len(kpis)}): {', '.join(kpis)}",
    ]
    if source.files.empty:
        lines.append("Files: none (no observations or surveys yet)")
    else:
        lines.append(f"Files ({len(source.files)}):")
        for row in source.files.itertuples(index=False):
            rows = "row" if row.rows == 1 else "rows"
            lines.append(f"  {row.file} [{row.kind}]: {row.rows} {rows}, {row.rejected} rejected")
    lines.append(_date_range(source.observations))
    lines.append(
        f"Rows kept: {len(source.observations)}; rejected: {len(source.rejected)}; "
        f"superseded by a duplicate: {len(source.superseded)}"
    )
    return lines


def problem_lines(rejected: pd.DataFrame) -> list[str]:
    """Each rejected row as ``file:line: column: value: reason`` (parts left out when empty)."""
    lines = []
    records: list[dict[Any, Any]] = rejected.to_dict("records")
    for row in records:
        line, column, value = row["line"], row["column"], row["value"]
        parts = [str(row["file"]) if pd.isna(line) else f"{row['file']}:{int(line)}"]
        if isinstance(column, str) and column:
            parts.append(column)
            shown = value if isinstance(value, str) and value else None
            parts.append(f"{shown!r} {row['reason']}" if shown else str(row["reason"]))
        else:
            parts.append(str(row["reason"]))
        lines.append(": ".join(parts))
    return lines


def _date_range(observations: pd.DataFrame) -> str:
    if observations.empty:
        return "Observations: none"
    first = observations["period_start"].min().date().isoformat()
    last = observations["period_end"].max().date().isoformat()
    return f"Observations: {first} to {last}"
