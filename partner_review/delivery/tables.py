"""The rows of a finished run folder that an email summarises.

Read with the csv module (the tables are small and already validated when
written); spreadsheet-safety quotes (a leading ``'`` before ``= + - @``) are
removed again so names and messages read as written.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from partner_review.paths import DEVIATIONS_CSV, SCORECARD_CSV
from partner_review.writers import FORMULA_START
from transforms.deviations import KIND_RANK, SEVERITY_RANK


@dataclass(frozen=True)
class Deviation:
    """One row of deviations.csv."""

    partner_id: str
    kpi_id: str
    objective_id: str
    period: str
    kind: str
    severity: str
    message: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What on-change compares: (partner, KPI, kind)."""
        return (self.partner_id, self.kpi_id, self.kind)

    def rank(self) -> tuple[int, int, str, str, str]:
        kind = KIND_RANK.get(self.kind, len(KIND_RANK))
        severity = SEVERITY_RANK.get(self.severity, 3)
        return (severity, kind, self.partner_id, self.kpi_id, self.period)


@dataclass(frozen=True)
class ScoreRow:
    """One row of scorecard.csv: a partner's KPI in one period."""

    partner_id: str
    kpi_id: str
    period: str
    actual: float | None
    expected: float | None
    minimum: float | None
    status: str


@dataclass(frozen=True)
class RunTables:
    """The deviations and scorecard rows of one run folder."""

    deviations: tuple[Deviation, ...]
    scorecard: tuple[ScoreRow, ...]

    def for_partners(self, partner_ids: frozenset[str], include_general: bool) -> RunTables:
        """Rows of these partners; ``include_general`` adds rows tied to no partner."""

        def wanted(pid: str) -> bool:
            return pid in partner_ids or (include_general and pid == "")

        return RunTables(
            tuple(d for d in self.deviations if wanted(d.partner_id)),
            tuple(s for s in self.scorecard if s.partner_id in partner_ids),
        )


def read_run_tables(run_dir: Path) -> RunTables:
    """deviations.csv and scorecard.csv of ``run_dir``; a missing file reads as no rows."""
    deviations = tuple(
        Deviation(
            _text(row, "partner_id"),
            _text(row, "kpi_id"),
            _text(row, "objective_id"),
            _text(row, "period"),
            _text(row, "kind"),
            _text(row, "severity"),
            _text(row, "message"),
        )
        for row in _rows(run_dir / DEVIATIONS_CSV)
    )
    scorecard = tuple(
        ScoreRow(
            _text(row, "partner_id"),
            _text(row, "kpi_id"),
            _text(row, "period"),
            _number(row, "actual"),
            _number(row, "expected"),
            _number(row, "minimum"),
            _text(row, "status"),
        )
        for row in _rows(run_dir / SCORECARD_CSV)
    )
    return RunTables(deviations, scorecard)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(row: dict[str, str], column: str) -> str:
    value = (row.get(column) or "").strip()
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _number(row: dict[str, str], column: str) -> float | None:
    value = _text(row, column)
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
