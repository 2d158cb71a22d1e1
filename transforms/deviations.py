"""Deviations other than objectives and signals (SPEC §3 "Deviations").

Each function returns DeviationsCsv rows (partner_id, kpi_id, objective_id, period, kind,
severity, message); :func:`transforms.review.build_review` joins and sorts them.
Messages name the KPI and its unit and show numbers with the KPI's decimals (the
judgement itself always uses unrounded values).

Settled here where the spec is silent:

* service-level kinds and missing_data are raised for every judged period (never for
  comparison quarters); those of the nightly month to date end in
  "(provisional, month to date)"; missing_data concerns months only;
* missing_data carries no objective_id (one row per KPI and month) and says which
  service level or objective needs the data;
* stale_data carries the run label (the as-of date) as period;
* contract_review_due: 0 ≤ contract.end − as_of ≤ 90 days (an ended contract is not due).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from transforms.periods import RunSpec
from transforms.schemas import DeviationsCsv

DEVIATION_COLUMNS = list(DeviationsCsv.to_schema().columns)
SEVERITY = {  # in the order of SPEC §3's table, which is also the order within a period
    "sla_breach": "critical",
    "chronic_breach": "critical",
    "sla_at_risk": "warning",
    "objective_missed": "critical",
    "objective_off_track": "critical",
    "objective_at_risk": "warning",
    "spc_outside": "warning",
    "spc_shift": "warning",
    "spc_trend": "warning",
    "missing_data": "warning",
    "stale_data": "warning",
    "insufficient_volume": "info",
    "action_overdue": "warning",
    "rejected_rows": "info",
    "contract_review_due": "info",
}
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
WORST_FIRST = (  # how people read deviations: breaches before signals, data noise last
    "sla_breach",
    "chronic_breach",
    "objective_missed",
    "objective_off_track",
    "sla_at_risk",
    "objective_at_risk",
    "spc_outside",
    "spc_shift",
    "spc_trend",
    "missing_data",
    "stale_data",
    "action_overdue",
    "insufficient_volume",
    "contract_review_due",
    "rejected_rows",
)
KIND_RANK = {kind: rank for rank, kind in enumerate(WORST_FIRST)}
PROVISIONAL = " (provisional, month to date)"
CONTRACT_REVIEW_DAYS = 90
_UNIT_SUFFIX = {"percent": "%", "seconds": " s", "hours": " h", "points": " points"}


class KpiTerms:
    """How to name a KPI and show its values in a message."""

    def __init__(self, kpis: pd.DataFrame, partners: pd.DataFrame) -> None:
        self._kpis: dict[Any, dict[Any, Any]] = kpis.set_index("kpi_id").to_dict("index")
        self._currency = dict(zip(partners["partner_id"], partners["currency"], strict=True))

    def _get(self, kpi_id: str, key: str) -> Any:
        return self._kpis.get(kpi_id, {}).get(key)

    def name(self, kpi_id: str) -> str:
        name = self._get(kpi_id, "name")
        return str(name) if isinstance(name, str) and name else kpi_id

    def lower_is_better(self, kpi_id: str) -> bool:
        return bool(self._get(kpi_id, "direction") == "lower_is_better")

    def min_denominator(self, kpi_id: str) -> float:
        return float(self._get(kpi_id, "min_denominator"))

    def value(self, kpi_id: str, value: float, partner_id: str | None = None) -> str:
        """``71.2%``, ``432 s``, ``4.80 EUR``: the KPI's decimals and unit."""
        places, suffix = self._shape(kpi_id, partner_id)
        return f"{value:,.{places}f}{suffix}"

    def values(
        self, kpi_ids: Sequence[str], values: Sequence[float], partner_ids: Sequence[str]
    ) -> list[str]:
        """:meth:`value` of each KPI, value and partner given (one lookup per pair)."""
        shapes = {kpi: self._shape(kpi, None) for kpi in set(kpi_ids)}  # one per KPI …
        by_partner = {k for k in shapes if self._get(k, "unit") == "currency"}  # … or pair
        shown = []
        for kpi, value, partner in zip(kpi_ids, values, partner_ids, strict=True):
            places, suffix = self._shape(kpi, partner) if kpi in by_partner else shapes[kpi]
            shown.append(f"{value:,.{places}f}{suffix}")
        return shown

    def _shape(self, kpi_id: str, partner_id: str | None) -> tuple[int, str]:
        """Decimal places and unit suffix of ``kpi_id``'s values for ``partner_id``."""
        decimals = self._get(kpi_id, "decimals")
        places = 2 if decimals is None or pd.isna(decimals) else int(decimals)
        unit = str(self._get(kpi_id, "unit"))
        suffix = _UNIT_SUFFIX.get(unit, "")
        if unit == "currency":
            suffix = f" {self._currency.get(partner_id or '', '')}".rstrip()
        return places, suffix


def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``columns`` as dicts of Python values (``to_dict("records")`` of them)."""
    values = [frame[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def deviation_frame(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """DeviationsCsv rows from dicts holding partner_id, kpi_id, period, kind, message."""
    rows = list(records)
    return deviation_columns(
        {
            "partner_id": [r.get("partner_id") for r in rows],
            "kpi_id": [r.get("kpi_id") for r in rows],
            "objective_id": [r.get("objective_id") for r in rows],
            **{name: [r[name] for r in rows] for name in ("period", "kind", "message")},
        }
    )


def deviation_columns(columns: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """DeviationsCsv rows from columns partner_id, kpi_id, period, kind and message
    (objective_id empty when not given); severity follows from kind, None for null."""
    frame = pd.DataFrame(dict(columns), dtype=object)
    frame["severity"] = frame["kind"].map(SEVERITY)
    frame = frame.reindex(columns=DEVIATION_COLUMNS).astype(object)
    return frame.where(frame.notna(), None)


def chronic_deviations(chronic: pd.DataFrame, terms: KpiTerms, run: RunSpec) -> pd.DataFrame:
    """chronic_breach per partner, KPI and judged month where the chronic rule holds."""
    provisional = {p.label for p in run.judged if p.provisional}
    return deviation_frame(
        {
            "partner_id": row["partner_id"],
            "kpi_id": row["kpi_id"],
            "period": row["period"],
            "kind": "chronic_breach",
            "message": f"{terms.name(row['kpi_id'])} was in breach in {row['breaches']} of the "
            f"{row['window_months']} months to {row['period']} (chronic from "
            f"{row['threshold']})" + (PROVISIONAL if row["period"] in provisional else ""),
        }
        for row in chronic.to_dict("records")
    )


def stale_data_deviations(
    freshness: pd.DataFrame, terms: KpiTerms, run: RunSpec, freshness_days: int
) -> pd.DataFrame:
    """stale_data per partner and KPI whose latest data is more than freshness_days old."""
    return deviation_frame(
        {
            "partner_id": row["partner_id"],
            "kpi_id": row["kpi_id"],
            "period": run.label,
            "kind": "stale_data",
            "message": f"{terms.name(row['kpi_id'])}: the latest data ends on "
            f"{row['latest_period_end']:%Y-%m-%d}, {row['days_old']} days before "
            f"{run.as_of:%Y-%m-%d} (stale after {freshness_days} days)",
        }
        for row in freshness[freshness["stale"]].to_dict("records")
    )


def action_deviations(actions: pd.DataFrame, run: RunSpec) -> pd.DataFrame:
    """action_overdue per action open or in progress with a due date before as_of."""
    overdue = actions[
        actions["status"].isin(["open", "in_progress"])
        & (pd.to_datetime(actions["due_date"]) < pd.Timestamp(run.as_of))
    ]
    records = []
    for row in overdue.to_dict("records"):
        due = pd.Timestamp(row["due_date"])
        late = (pd.Timestamp(run.as_of) - due).days
        owner = f" (owner {row['owner']}, {row['owner_side']} side)" if row.get("owner") else ""
        status = str(row["status"]).replace("_", " ")
        records.append(
            {
                "partner_id": row["partner_id"],
                "kpi_id": _text_or_none(row.get("kpi_id")),
                "objective_id": _text_or_none(row.get("objective_id")),
                "period": run.label,
                "kind": "action_overdue",
                "message": f"Action {row['action_id']} '{row['title']}'{owner} was due on "
                f"{due:%Y-%m-%d} and is still {status}, {late} days late",
            }
        )
    return deviation_frame(records)


def rejected_row_deviations(rejected: pd.DataFrame, run: RunSpec) -> pd.DataFrame:
    """rejected_rows per input file with rejected rows (no partner, no KPI)."""
    records = []
    for file, rows in rejected.groupby("file", sort=True):
        unreadable = rows[rows["line"].isna()]
        if not unreadable.empty:
            text = f"{file} could not be read: {unreadable.iloc[0]['reason']}"
        else:
            first = rows.sort_values("line").iloc[0]
            count = len(rows)
            text = f"{count} row{'s' if count != 1 else ''} of {file} rejected (first at line "
            text += f"{int(first['line'])}, column {first['column']}: {first['reason']}); "
            text += "see rejected_rows.csv"
        records.append({"period": run.label, "kind": "rejected_rows", "message": text})
    return deviation_frame(records)


def contract_deviations(partners: pd.DataFrame, run: RunSpec) -> pd.DataFrame:
    """contract_review_due per partner whose contract ends within 90 days after as_of."""
    days = (pd.to_datetime(partners["contract_end"]) - pd.Timestamp(run.as_of)).dt.days
    due = partners.assign(days=days)[days.between(0, CONTRACT_REVIEW_DAYS)]
    return deviation_frame(
        {
            "partner_id": row["partner_id"],
            "period": run.label,
            "kind": "contract_review_due",
            "message": f"The contract with {row['name']} ends on "
            f"{pd.Timestamp(row['contract_end']):%Y-%m-%d}, "
            f"{row['days']} days after {run.as_of:%Y-%m-%d}: review or renew it",
        }
        for row in due.to_dict("records")
    )


def _text_or_none(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    return str(value)
