"""Service-level versions in force and the status of each partner, KPI and period (SPEC §3).

The version in force for a period is the one with the latest ``effective_from`` on or
before the first day of the period's first month (a version effective 2026-07-15
applies from August; a quarter uses the version of its first month). Status, first that
applies: no_target, no_data, insufficient_volume, met, at_risk, breach — "at least as
good" follows the KPI's direction and compares unrounded values.

Scorecard rows: one per partner, per KPI with a service level (any version), an
objective or any data for that partner (in any period of the inputs), per period.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from transforms.aggregation import MONTHLY_COLUMNS, period_values
from transforms.codes import TEXT
from transforms.periods import AssessedPeriod, RunSpec
from transforms.schemas import ScorecardCsv

SCORECARD_COLUMNS = list(ScorecardCsv.to_schema().columns)
LEVEL_COLUMNS = ["expected", "minimum", "credit_pct", "change", "effective_from"]
RUN_COLUMNS = ["period_kind", "provisional", "comparison", "change"]
MONTHLY_STATUS_COLUMNS = [*SCORECARD_COLUMNS, "credit_pct", "change", "insufficient_volume"]


def at_least_as_good(value: pd.Series, threshold: pd.Series, direction: pd.Series) -> np.ndarray:
    """value ≥ threshold (higher_is_better) or value ≤ threshold (lower_is_better)."""
    lower = direction.eq("lower_is_better").to_numpy()
    values, limits = value.to_numpy(dtype=float), threshold.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(lower, values <= limits, values >= limits)


def scorecard_keys(
    observations: pd.DataFrame,
    service_levels: pd.DataFrame,
    objectives: pd.DataFrame,
) -> pd.DataFrame:
    """One row per partner and KPI with a service level, an objective or any data."""
    pairs = pd.concat(
        [
            frame[["partner_id", "kpi_id"]].drop_duplicates()
            for frame in (service_levels, objectives, observations)
        ],
        ignore_index=True,
    )
    pairs = pairs.astype({"partner_id": TEXT, "kpi_id": TEXT})  # whatever dtype they came in
    return pairs.drop_duplicates().sort_values(["partner_id", "kpi_id"], ignore_index=True)


def levels_in_force(service_levels: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """``periods`` (partner_id, kpi_id, period, first_day) with the version in force.

    Adds expected, minimum, credit_pct, change and effective_from (empty without a version).
    """
    candidates = periods[["partner_id", "kpi_id", "period", "first_day"]].merge(
        service_levels[["partner_id", "kpi_id", *LEVEL_COLUMNS]].reset_index(names="_order"),
        on=["partner_id", "kpi_id"],
    )
    effective = pd.to_datetime(candidates["effective_from"]).to_numpy(dtype="datetime64[ns]")
    first_day = pd.to_datetime(candidates["first_day"]).to_numpy(dtype="datetime64[ns]")
    in_force = candidates[effective <= first_day]
    # the latest effective_from wins; of two on the same day, the one listed last
    latest = in_force.sort_values(["effective_from", "_order"]).drop_duplicates(
        ["partner_id", "kpi_id", "period"], keep="last"
    )
    out = periods.merge(
        latest[["partner_id", "kpi_id", "period", *LEVEL_COLUMNS]],
        on=["partner_id", "kpi_id", "period"],
        how="left",
    )
    for column in ("expected", "minimum", "credit_pct"):
        out[column] = out[column].astype(float)
    out["change"] = out["change"].astype(object).where(out["change"].notna(), None)
    return out


def judge_status(frame: pd.DataFrame, kpis: pd.DataFrame) -> pd.Series:
    """The status of each row (actual, expected, minimum, rows, insufficient_volume, kpi_id)."""
    direction = frame["kpi_id"].map(kpis.set_index("kpi_id")["direction"])
    status = np.select(
        [
            frame["expected"].isna().to_numpy(),
            frame["rows"].eq(0).to_numpy() | frame["actual"].isna().to_numpy(),
            frame["insufficient_volume"].fillna(False).astype(bool).to_numpy(),
            at_least_as_good(frame["actual"], frame["expected"], direction),
            at_least_as_good(frame["actual"], frame["minimum"], direction),
        ],
        ["no_target", "no_data", "insufficient_volume", "met", "at_risk"],
        default="breach",
    )
    return pd.Series(status, index=frame.index, dtype=object)


def judge_periods(
    keys: pd.DataFrame,
    values: pd.DataFrame,
    periods: pd.DataFrame,
    service_levels: pd.DataFrame,
    kpis: pd.DataFrame,
) -> pd.DataFrame:
    """Every key × period (period, first_day) with its values, version in force and status."""
    grid = keys.merge(periods, how="cross")
    grid = grid.merge(values[MONTHLY_COLUMNS], on=["partner_id", "kpi_id", "period"], how="left")
    grid["rows"] = grid["rows"].fillna(0).astype(int)
    grid["insufficient_volume"] = grid["insufficient_volume"].astype(object).fillna(False)
    grid["insufficient_volume"] = grid["insufficient_volume"].astype(bool)
    grid = levels_in_force(service_levels, grid)
    grid["status"] = judge_status(grid, kpis)
    return grid


def build_scorecard(
    observations: pd.DataFrame,
    kpis: pd.DataFrame,
    service_levels: pd.DataFrame,
    objectives: pd.DataFrame,
    run: RunSpec,
) -> pd.DataFrame:
    """One row per scorecard key and assessed period of the run (comparison quarters too).

    ScorecardCsv columns + period_kind (month|quarter), provisional, comparison, change
    (the change that set the version in force), credit_pct and insufficient_volume.
    """
    keys = scorecard_keys(observations, service_levels, objectives)
    values = period_values(
        observations, kpis, {p.label: [str(m) for m in p.months] for p in run.periods}
    )
    grid = judge_periods(keys, values, _period_frame(run.periods), service_levels, kpis)
    columns = [*SCORECARD_COLUMNS, *RUN_COLUMNS, "credit_pct", "insufficient_volume"]
    return grid[columns].reset_index(drop=True)


def monthly_scorecard(
    monthly: pd.DataFrame,
    keys: pd.DataFrame,
    months: Sequence[pd.Period],
    service_levels: pd.DataFrame,
    kpis: pd.DataFrame,
) -> pd.DataFrame:
    """One row per key and month of ``months`` with data or a version in force.

    ``monthly`` is :func:`transforms.aggregation.monthly_values`. Columns: ScorecardCsv
    (period ``YYYY-MM``) + credit_pct, change, insufficient_volume.
    """
    frame = pd.DataFrame(
        {
            "period": [str(m) for m in months],
            "first_day": [m.start_time for m in months],
        }
    )
    grid = judge_periods(keys, monthly, frame, service_levels, kpis)
    kept = grid[grid["rows"].gt(0) | grid["expected"].notna()]
    return kept[MONTHLY_STATUS_COLUMNS].reset_index(drop=True)


def _period_frame(periods: Sequence[AssessedPeriod]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": [p.label for p in periods],
            "first_day": [p.first_month.start_time for p in periods],
            "period_kind": [p.kind for p in periods],
            "provisional": [p.provisional for p in periods],
            "comparison": [p.comparison for p in periods],
        }
    )
