"""KPI values per partner, KPI and period, computed from the rows themselves (SPEC §2, §3).

A period is a month or several months (a quarter); its value always comes from the
observation rows (and survey answers) of its months, never from monthly values:

* ratio: Σnumerator × scale / Σdenominator (multiplied before dividing, so whole-number
  counts such as 57 of 100 give exactly 57.0, which matters for "at least as good as");
* nps, top2box: the same pooled ratio with scale 100 (survey answers are rows with
  numerator +1/0/-1 or 1/0 and denominator 1);
* sum, mean, min, max: of ``value``;
* last: ``value`` of the row with the latest period_end; ties: the latest period_start,
  then the later file (path sorts last), then the later line.

numerator and denominator are kept only for ratio-like KPIs (ratio, nps, top2box);
``rows`` counts the rows (or answers) used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

RATIO_LIKE = ("ratio", "nps", "top2box")
KEYS = ["partner_id", "kpi_id", "period"]
VALUE_COLUMNS = [*KEYS, "actual", "numerator", "denominator", "rows"]
MONTHLY_COLUMNS = [*VALUE_COLUMNS, "insufficient_volume"]


def monthly_values(observations: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """One row per partner, KPI and calendar month with at least one row (period ``YYYY-MM``).

    Columns: partner_id, kpi_id, period, actual, numerator, denominator, rows and
    insufficient_volume (a ratio, nps or top2box KPI with min_denominator set and
    Σdenominator below it).
    """
    values = aggregate_rows(observations, kpis, observations["month"])
    return flag_insufficient_volume(values, kpis)


def period_values(
    observations: pd.DataFrame,
    kpis: pd.DataFrame,
    periods: Mapping[str, Sequence[str]],
) -> pd.DataFrame:
    """One row per partner, KPI and named period with at least one row.

    ``periods`` maps a period label (``2026-07``, ``2026-Q3``) to the ``YYYY-MM`` labels
    of its months; each period is computed from the rows of its months.
    Columns as :func:`monthly_values`.
    """
    parts = []
    for label, months in periods.items():
        rows = observations[observations["month"].isin(list(months))]
        parts.append(aggregate_rows(rows, kpis, pd.Series(label, index=rows.index)))
    values = pd.concat(parts, ignore_index=True) if parts else _empty_values()
    return flag_insufficient_volume(values, kpis)


def aggregate_rows(rows: pd.DataFrame, kpis: pd.DataFrame, period: pd.Series) -> pd.DataFrame:
    """One row per partner, KPI and value of ``period`` (a label per row): VALUE_COLUMNS."""
    if rows.empty:
        return _empty_values()
    group, keys = _group_codes(rows, period)
    numbers = pd.DataFrame(
        {
            "group": group,
            "numerator": rows["numerator"].to_numpy(dtype=float),
            "denominator": rows["denominator"].to_numpy(dtype=float),
            "value": rows["value"].to_numpy(dtype=float),
        }
    )
    stats = numbers.groupby("group", sort=True).agg(
        numerator=("numerator", "sum"),
        denominator=("denominator", "sum"),
        total=("value", "sum"),
        mean=("value", "mean"),
        low=("value", "min"),
        high=("value", "max"),
        rows=("value", "size"),
    )
    stats["last"] = _last_values(rows, kpis, group)
    stats = keys.loc[stats.index].join(stats).reset_index(drop=True)
    stats = stats.merge(kpis[["kpi_id", "aggregation", "scale"]], on="kpi_id", how="inner")
    return _pick_actual(stats).sort_values(KEYS, ignore_index=True)


def flag_insufficient_volume(values: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """``values`` with insufficient_volume: ratio-like KPI with Σdenominator < min_denominator."""
    terms = values[["kpi_id"]].merge(
        kpis[["kpi_id", "aggregation", "min_denominator"]], on="kpi_id", how="left"
    )
    flagged = (
        terms["aggregation"].isin(RATIO_LIKE).to_numpy()
        & terms["min_denominator"].notna().to_numpy()
        & (values["denominator"].to_numpy() < terms["min_denominator"].to_numpy())
    )
    out = values.copy()
    out["insufficient_volume"] = flagged.astype(bool)
    return out[MONTHLY_COLUMNS]


def _group_codes(rows: pd.DataFrame, period: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """An integer per (partner, KPI, period) of each row, and the keys of each integer."""
    partner_codes, partners = pd.factorize(rows["partner_id"])
    kpi_codes, kpi_ids = pd.factorize(rows["kpi_id"])
    period_codes, periods = pd.factorize(period)
    n_kpis, n_periods = len(kpi_ids), len(periods)
    group = (partner_codes.astype(np.int64) * n_kpis + kpi_codes) * n_periods + period_codes
    codes = np.unique(group)
    keys = pd.DataFrame(
        {
            "partner_id": np.asarray(partners, dtype=object)[codes // (n_kpis * n_periods)],
            "kpi_id": np.asarray(kpi_ids, dtype=object)[(codes // n_periods) % n_kpis],
            "period": np.asarray(periods, dtype=object)[codes % n_periods],
        },
        index=codes,
    )
    return group, keys


def _last_values(rows: pd.DataFrame, kpis: pd.DataFrame, group: np.ndarray) -> pd.Series:
    """The value of the last row (SPEC order) per group, for rows of `last` KPIs."""
    last_kpis = kpis.loc[kpis["aggregation"].eq("last"), "kpi_id"]
    mask = rows["kpi_id"].isin(last_kpis).to_numpy()
    if not mask.any():
        return pd.Series(dtype=float)
    chosen = rows.loc[mask]
    file_codes, _ = pd.factorize(chosen["file"], sort=True)
    order = np.lexsort(
        (
            chosen["line"].to_numpy(dtype=np.int64),
            file_codes,
            chosen["period_start"].to_numpy(dtype="datetime64[ns]"),
            chosen["period_end"].to_numpy(dtype="datetime64[ns]"),
            group[mask],
        )
    )
    groups = group[mask][order]
    is_last = np.append(groups[1:] != groups[:-1], True)
    values = chosen["value"].to_numpy(dtype=float)[order]
    return pd.Series(values[is_last], index=groups[is_last])


def _pick_actual(stats: pd.DataFrame) -> pd.DataFrame:
    aggregation = stats["aggregation"]
    ratio_like = aggregation.isin(RATIO_LIKE).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = stats["numerator"] * stats["scale"] / stats["denominator"]
    actual = np.select(
        [
            ratio_like,
            aggregation.eq("sum"),
            aggregation.eq("mean"),
            aggregation.eq("min"),
            aggregation.eq("max"),
            aggregation.eq("last"),
        ],
        [ratio, stats["total"], stats["mean"], stats["low"], stats["high"], stats["last"]],
        default=np.nan,
    )
    out = stats[KEYS].copy()
    out["actual"] = actual.astype(float)
    out["numerator"] = stats["numerator"].where(ratio_like).astype(float)
    out["denominator"] = stats["denominator"].where(ratio_like).astype(float)
    out["rows"] = stats["rows"].astype(int)
    return out[VALUE_COLUMNS].reset_index(drop=True)


def _empty_values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_id": pd.Series(dtype=object),
            "kpi_id": pd.Series(dtype=object),
            "period": pd.Series(dtype=object),
            "actual": pd.Series(dtype=float),
            "numerator": pd.Series(dtype=float),
            "denominator": pd.Series(dtype=float),
            "rows": pd.Series(dtype=int),
        }
    )
