"""Deviations read off the scorecard: sla_breach, sla_at_risk, insufficient_volume and
missing_data (SPEC §3 "Deviations"; the choices the spec leaves open are listed in
:mod:`transforms.deviations`).

The scorecard holds a row per key and period, so the messages are built only for the
rows that become deviations, from column arrays rather than row records.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from transforms.deviations import PROVISIONAL, KpiTerms, deviation_columns, deviation_frame
from transforms.periods import parse_month


def service_level_deviations(scorecard: pd.DataFrame, terms: KpiTerms) -> pd.DataFrame:
    """sla_breach, sla_at_risk and insufficient_volume for each judged period."""
    judged = scorecard[
        ~scorecard["comparison"].astype(bool)
        & scorecard["status"].isin(["breach", "at_risk", "insufficient_volume"])
    ]
    kpi = judged["kpi_id"].to_numpy(dtype=object).tolist()
    partner = judged["partner_id"].to_numpy(dtype=object).tolist()
    shown = {
        column: terms.values(kpi, judged[column].to_numpy(dtype=float).tolist(), partner)
        for column in ("actual", "minimum", "expected")
    }
    names = {k: terms.name(k) for k in set(kpi)}
    lower = {k: terms.lower_is_better(k) for k in set(kpi)}
    status = judged["status"].to_numpy(dtype=object)
    messages = [
        _level_message(row, names[row[0]], lower[row[0]], terms)
        for row in zip(
            kpi,
            status,
            judged["period"].to_numpy(dtype=object),
            shown["actual"],
            shown["minimum"],
            shown["expected"],
            judged["denominator"].to_numpy(dtype=float),
            judged["provisional"].to_numpy(dtype=bool),
            strict=True,
        )
    ]
    kinds = {"breach": "sla_breach", "at_risk": "sla_at_risk"}
    return deviation_columns(
        {
            "partner_id": partner,
            "kpi_id": kpi,
            "period": judged["period"].tolist(),
            "kind": [kinds.get(s, "insufficient_volume") for s in status],
            "message": messages,
        }
    )


def _level_message(row: tuple[Any, ...], name: str, lower: bool, terms: KpiTerms) -> str:
    """The message of one deviation: ``row`` is (kpi_id, status, period, actual, minimum,
    expected as shown, denominator, provisional)."""
    kpi, status, period, actual, minimum, expected, denominator, provisional = row
    head = f"{name} {actual} in {period}"
    bound = "limit" if lower else "minimum"
    if status == "breach":
        side = "above" if lower else "below"
        text = f"{head} is {side} the {minimum} {bound} (expected {expected})"
    elif status == "at_risk":
        text = f"{head} misses the expected {expected} but is within the {minimum} {bound}"
    else:
        text = f"{head} is not judged: volume {denominator:,.0f} is below the "
        text += f"{terms.min_denominator(kpi):,.0f} needed"
    return text + (PROVISIONAL if provisional else "")


def missing_data_deviations(
    scorecard: pd.DataFrame, objectives: pd.DataFrame, terms: KpiTerms
) -> pd.DataFrame:
    """missing_data: a judged month without rows for a KPI with a service level in force or
    a running objective (its month overlaps [start, deadline])."""
    months = scorecard[
        scorecard["period_kind"].eq("month")
        & ~scorecard["comparison"].astype(bool)
        & scorecard["rows"].eq(0)
    ]
    records = []
    for row in months.to_dict("records"):
        running = _running_objectives(objectives, row["partner_id"], row["kpi_id"], row["period"])
        needs = []
        if pd.notna(row["expected"]):
            expected = terms.value(row["kpi_id"], row["expected"], row["partner_id"])
            needs.append(f"service level expects {expected}")
        needs += [f"objective {o} is running" for o in running]
        if not needs:
            continue
        text = f"{terms.name(row['kpi_id'])}: no data for {row['period']} ({'; '.join(needs)})"
        records.append(
            {
                "partner_id": row["partner_id"],
                "kpi_id": row["kpi_id"],
                "period": row["period"],
                "kind": "missing_data",
                "message": text + (PROVISIONAL if row["provisional"] else ""),
            }
        )
    return deviation_frame(records)


def _running_objectives(
    objectives: pd.DataFrame, partner_id: str, kpi_id: str, label: str
) -> list[str]:
    month = parse_month(label)
    mine = objectives[(objectives["partner_id"] == partner_id) & (objectives["kpi_id"] == kpi_id)]
    overlaps = (pd.to_datetime(mine["start"]) <= month.end_time) & (
        pd.to_datetime(mine["deadline"]) >= month.start_time
    )
    return sorted(mine.loc[overlaps, "objective_id"].astype(str))
