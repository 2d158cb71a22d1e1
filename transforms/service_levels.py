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

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from transforms.aggregation import period_values
from transforms.codes import Factorized, decode, distinct_codes, encode, positions, vocabulary
from transforms.periods import AssessedPeriod, RunSpec
from transforms.schemas import ScorecardCsv

SCORECARD_COLUMNS = list(ScorecardCsv.to_schema().columns)
LEVEL_COLUMNS = ["expected", "minimum", "credit_pct", "change", "effective_from"]
RUN_COLUMNS = ["period_kind", "provisional", "comparison", "change"]
STATUSES = np.array(
    ["no_target", "no_data", "insufficient_volume", "met", "at_risk", "breach"], dtype=object
)
MONTHLY_STATUS_COLUMNS = [*SCORECARD_COLUMNS, "credit_pct", "change", "insufficient_volume"]


def scorecard_keys(
    observations: pd.DataFrame,
    service_levels: pd.DataFrame,
    objectives: pd.DataFrame,
) -> pd.DataFrame:
    """One row per partner and KPI with a service level, an objective or any data."""
    frames = (service_levels, objectives, observations)
    partners = vocabulary(*(frame["partner_id"] for frame in frames))
    kpis = vocabulary(*(frame["kpi_id"] for frame in frames))
    pairs = np.concatenate([_pair_codes(frame, partners, kpis) for frame in frames])
    pairs = distinct_codes(pairs, len(partners) * len(kpis))
    return pd.DataFrame(
        {
            "partner_id": decode(pairs // max(len(kpis), 1), partners),
            "kpi_id": decode(pairs % max(len(kpis), 1), kpis),
        }
    )


def _pair_codes(frame: pd.DataFrame, partners: pd.Index, kpis: pd.Index) -> np.ndarray:
    """partner code × len(kpis) + KPI code per row (-1 when either is empty)."""
    partner = encode(frame["partner_id"], partners)
    kpi = encode(frame["kpi_id"], kpis)
    return np.where((partner >= 0) & (kpi >= 0), partner * max(len(kpis), 1) + kpi, -1)


def judge_periods(
    keys: pd.DataFrame,
    values: pd.DataFrame,
    periods: pd.DataFrame,
    service_levels: pd.DataFrame,
    kpis: pd.DataFrame,
    with_data_or_target: bool = False,
    coded: bool = False,
) -> pd.DataFrame:
    """Every key × period (the columns of ``periods`` but first_day, which only picks the
    version in force) with its values, version in force and status, by key then period in
    the order given.

    ``keys`` are :func:`scorecard_keys`, ``values`` rows of MONTHLY_COLUMNS (at most one
    per partner, KPI and period). Added: actual, numerator, denominator, rows,
    insufficient_volume, expected, minimum, credit_pct, change (empty without data or a
    version) and status. ``with_data_or_target``: only cells with rows or a version in
    force. Cells are a key's position × len(periods) + the period's. ``coded``: status
    as a ``category`` column (the keys and periods keep the dtypes they come with).
    """
    cells = _Cells(keys, len(periods))
    data = cells.locate(values, periods["period"])
    found = np.full(cells.size, -1, dtype=np.int64)
    found[data[data >= 0]] = np.flatnonzero(data >= 0)
    version = _versions_in_force(service_levels, cells, periods["first_day"])
    chosen = np.arange(cells.size)
    if with_data_or_target:
        chosen = np.flatnonzero((found >= 0) | (version >= 0))
    found, version = found[chosen], version[chosen]
    key, period = chosen // max(len(periods), 1), chosen % max(len(periods), 1)
    grid = pd.concat(
        [
            keys.take(key).reset_index(drop=True),
            periods.drop(columns="first_day").take(period).reset_index(drop=True),
        ],
        axis=1,
    )
    pick = _Picker(found, len(values))
    for column in ("actual", "numerator", "denominator"):
        grid[column] = pick(values[column].to_numpy(dtype=float), np.nan)
    grid["rows"] = pick(values["rows"].to_numpy(dtype=np.int64), 0).astype(int)
    grid["insufficient_volume"] = pick(_flags(values["insufficient_volume"]), False)
    for column in ("expected", "minimum", "credit_pct"):
        grid[column] = _pick(service_levels[column].to_numpy(dtype=float), version, np.nan)
    change = service_levels["change"].astype(object)
    if change.isna().all():  # no version set by a change: every cell None, no gather
        changes = np.full(len(grid), None, dtype=object)
    else:
        changes = _pick(change.where(change.notna(), None).to_numpy(), version, None)
    grid["change"] = pd.Series(changes, index=grid.index, dtype=object)  # not inferred as str
    direction = keys["kpi_id"].map(kpis.set_index("kpi_id")["direction"])
    lower = direction.eq("lower_is_better").to_numpy(dtype=bool)
    code = status_codes(grid, lower[key])
    if coded:
        grid["status"] = pd.Categorical.from_codes(code, categories=pd.Index(STATUSES))
    else:
        grid["status"] = pd.Series(STATUSES[code], index=grid.index, dtype=object)
    return grid


def _flags(column: pd.Series) -> np.ndarray:
    """A boolean column as a numpy array, empty cells False."""
    if column.dtype == bool:
        return column.to_numpy()
    return column.astype(object).fillna(False).astype(bool).to_numpy(dtype=bool)


def _pick(column: np.ndarray, at: np.ndarray, missing: object) -> np.ndarray:
    """``column[at]``, ``missing`` where ``at`` is -1."""
    return np.append(column, np.array([missing], dtype=column.dtype))[at]


class _Picker:
    """:func:`_pick` of columns of one frame (``rows`` rows) at the same positions ``at``:
    a copy of the column when ``at`` is every row in order (each cell with data, as the
    monthly grid of monthly values usually is), a plain take when no position is -1."""

    def __init__(self, at: np.ndarray, rows: int) -> None:
        self.at = at
        self.every = len(at) == rows and bool((at == np.arange(rows)).all())
        self.complete = self.every or not (at < 0).any()

    def __call__(self, column: np.ndarray, missing: object) -> np.ndarray:
        if self.every:
            return column.copy()
        if self.complete:
            return column[self.at]
        return _pick(column, self.at, missing)


class _Cells:
    """The key × period grid: where a partner and KPI (by label) sit in ``keys``."""

    def __init__(self, keys: pd.DataFrame, periods: int) -> None:
        self.partners = vocabulary(keys["partner_id"])
        self.kpis = vocabulary(keys["kpi_id"])
        self.pairs = _pair_codes(keys, self.partners, self.kpis)  # sorted, as keys are
        self.periods = periods
        self.size = len(keys) * periods

    def key_of(self, frame: pd.DataFrame) -> np.ndarray:
        """The position in ``keys`` of each row's partner and KPI (-1: not a key)."""
        pair = _pair_codes(frame, self.partners, self.kpis)
        return positions(self.pairs, pair, len(self.partners) * max(len(self.kpis), 1))

    def locate(self, values: pd.DataFrame, labels: pd.Series) -> np.ndarray:
        """The cell of each row of ``values`` (-1: its key or period is not in the grid)."""
        key = self.key_of(values)
        period = encode(values["period"], pd.Index(labels.astype(object)).astype(str))
        return np.where((key >= 0) & (period >= 0), key * self.periods + period, -1)


def _versions_in_force(
    service_levels: pd.DataFrame, cells: _Cells, first_days: pd.Series
) -> np.ndarray:
    """Per cell, the row position in ``service_levels`` of the version in force (-1: none):
    the latest effective_from on or before the period's first day; of two on one day, the
    one listed last (by index label, then position).

    Versions are ranked by key, effective_from, label and position; a table of key × the
    periods' distinct first days holds, per key, the highest rank effective by each day
    (each version entered at the first day it covers, then a running maximum along days).
    """
    version = np.full(cells.size, -1, dtype=np.int64)
    effective = pd.to_datetime(service_levels["effective_from"]).to_numpy("datetime64[ns]")
    key = cells.key_of(service_levels)
    usable = np.flatnonzero((key >= 0) & ~np.isnat(effective))
    if not len(usable) or not cells.size:
        return version
    days = pd.to_datetime(first_days).to_numpy("datetime64[ns]")
    calendar = np.unique(days[~np.isnat(days)])  # the periods' distinct first days
    listed = pd.factorize(service_levels.index, sort=True)[0][usable]
    order = np.lexsort((usable, listed, effective[usable], key[usable]))
    ranked = usable[order]
    table = np.full((cells.size // cells.periods, len(calendar) + 1), -1, dtype=np.int64)
    covers = np.searchsorted(calendar, effective[ranked])  # the first day it is in force by
    np.maximum.at(table, (key[ranked], covers), np.arange(len(ranked)))
    np.maximum.accumulate(table, axis=1, out=table)
    column = np.where(np.isnat(days), len(calendar), np.searchsorted(calendar, days))
    rank = table[:, column]
    rank[:, np.isnat(days)] = -1
    found = rank.ravel()  # cells: key × len(periods) + period
    version[found >= 0] = ranked[found[found >= 0]]
    return version


def judge_status(frame: pd.DataFrame, lower: np.ndarray) -> np.ndarray:
    """The status of each row (actual, expected, minimum, rows, insufficient_volume), as
    object strings; ``lower``: per row, whether its KPI is lower_is_better."""
    return STATUSES[status_codes(frame, lower)]


def status_codes(frame: pd.DataFrame, lower: np.ndarray) -> np.ndarray:
    """:func:`judge_status` as positions in STATUSES."""
    actual = frame["actual"].to_numpy(dtype=float)
    expected = frame["expected"].to_numpy(dtype=float)
    minimum = frame["minimum"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        meets = np.where(lower, actual <= expected, actual >= expected)
        within = np.where(lower, actual <= minimum, actual >= minimum)
    code = np.select(
        [
            np.isnan(expected),
            (frame["rows"].to_numpy() == 0) | np.isnan(actual),
            frame["insufficient_volume"].to_numpy(dtype=bool),
            meets,
            within,
        ],
        np.arange(5),
        default=5,
    )
    return code


def build_scorecard(
    observations: pd.DataFrame,
    kpis: pd.DataFrame,
    service_levels: pd.DataFrame,
    objectives: pd.DataFrame,
    run: RunSpec,
    keys: pd.DataFrame | None = None,
    codes: Mapping[str, Factorized] | None = None,
) -> pd.DataFrame:
    """One row per scorecard key and assessed period of the run (comparison quarters too).

    ScorecardCsv columns + period_kind (month|quarter), provisional, comparison, change
    (the change that set the version in force), credit_pct and insufficient_volume.
    ``keys``: :func:`scorecard_keys` of the same frames, when already at hand; ``codes``:
    :func:`transforms.codes.factorize_sorted` of the observations' keys, likewise.
    """
    if keys is None:
        keys = scorecard_keys(observations, service_levels, objectives)
    labels = {p.label: [str(m) for m in p.months] for p in run.periods}
    values = period_values(
        observations, kpis, labels, coded=True, in_given_order=False, codes=codes
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
    coded: bool = False,
) -> pd.DataFrame:
    """One row per key and month of ``months`` with data or a version in force.

    ``monthly`` is :func:`transforms.aggregation.monthly_values`. Columns: ScorecardCsv
    (period ``YYYY-MM``) + credit_pct, change, insufficient_volume. ``coded``: period and
    status as ``category`` columns (partner_id and kpi_id keep the dtype of ``keys``).
    """
    labels = [str(m) for m in months]
    frame = pd.DataFrame(
        {
            "period": pd.Categorical(labels, categories=labels) if coded else labels,
            "first_day": [m.start_time for m in months],
        }
    )
    grid = judge_periods(
        keys, monthly, frame, service_levels, kpis, with_data_or_target=True, coded=coded
    )
    return grid[MONTHLY_STATUS_COLUMNS]


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
