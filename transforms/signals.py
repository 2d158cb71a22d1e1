"""XmR statistical signals on monthly values (SPEC §3 "Statistical signals").

Per partner and KPI, the window is the last ``window`` months with a value up to the
evaluation month E (insufficient-volume months dropped). It is assessed only when it
holds at least ``min_points`` points and its latest point is E itself.

Choices where the spec is silent:

* ``limits`` lists only the windows that were assessed (the ones a chart can draw).
* "Strictly above/below CL" and "beyond a limit" ignore differences within floating
  rounding (a relative 1e-9): CL is a mean, so a constant series of 0.1 would otherwise
  sit a hair above or below its own CL.
* Shift and trend need 7 points in the window; with fewer, they are not evaluated.
* Signals carry, besides the columns the deviations need, value (the latest point),
  cl, lcl, ucl and points, so messages and reports can state the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.codes import decode, month_ordinals
from transforms.objectives import format_values

RUN_LENGTH = 7
SIGMA_FACTOR = 2.66
_REL_TOLERANCE = 1e-9
LIMIT_COLUMNS = ["partner_id", "kpi_id", "period", "cl", "lcl", "ucl", "points"]
SIGNAL_COLUMNS = [
    "partner_id",
    "kpi_id",
    "period",
    "signal",
    "concern",
    "direction",
    "value",
    "cl",
    "lcl",
    "ucl",
    "points",
]
DEVIATION_COLUMNS = [
    "partner_id",
    "kpi_id",
    "objective_id",
    "period",
    "kind",
    "severity",
    "message",
]


def _insufficient(monthly: pd.DataFrame) -> pd.Series:
    if "insufficient_volume" in monthly.columns:
        return monthly["insufficient_volume"].fillna(False).astype(bool)
    if "status" in monthly.columns:
        return monthly["status"] == "insufficient_volume"
    return pd.Series(False, index=monthly.index)


def window_points(monthly: pd.DataFrame, evaluation_month: pd.Period, window: int) -> pd.DataFrame:
    """One row per partner, KPI and month in its window: the last ``window`` months with a
    sufficient-volume value up to E, sorted by partner, KPI and month; ``group`` numbers the
    partner and KPI, ``back`` counts points back from the latest (0)."""
    points = _Points.of(monthly, evaluation_month, window)
    return pd.DataFrame(
        {
            "group": points.group,
            "partner_id": pd.Categorical.from_codes(points.partner, points.partners),
            "kpi_id": pd.Categorical.from_codes(points.kpi, points.kpi_ids),
            "month": points.month,
            "x": points.x,
            "back": points.back,
        }
    )


@dataclass(frozen=True)
class _Points:
    """:func:`window_points` as arrays (partner and KPI as codes into their labels)."""

    group: np.ndarray
    partner: np.ndarray
    partners: pd.Index
    kpi: np.ndarray
    kpi_ids: pd.Index
    month: np.ndarray
    x: np.ndarray
    back: np.ndarray

    @classmethod
    def of(cls, monthly: pd.DataFrame, evaluation_month: pd.Period, window: int) -> _Points:
        month = month_ordinals(monthly["period"])
        kept = np.flatnonzero(
            monthly["actual"].notna().to_numpy()
            & ~_insufficient(monthly).to_numpy(dtype=bool)
            & (month <= evaluation_month.ordinal)
        )
        partner_codes, partners = _factorize_rows(monthly["partner_id"], kept)
        kpi_codes, kpi_ids = _factorize_rows(monthly["kpi_id"], kept)
        group = partner_codes * max(len(kpi_ids), 1) + kpi_codes
        order = _order(group, month[kept])
        group, kept = group[order], kept[order]
        windows = _Windows(group)
        back = windows.spread(windows.starts + windows.sizes - 1) - np.arange(len(group))
        recent = back < window
        chosen = order[recent]
        return cls(
            group=group[recent],
            partner=partner_codes[chosen],
            partners=partners,
            kpi=kpi_codes[chosen],
            kpi_ids=kpi_ids,
            month=month[kept[recent]],
            x=monthly["actual"].to_numpy(dtype=float)[kept[recent]],
            back=back[recent],
        )


def _order(group: np.ndarray, month: np.ndarray) -> np.ndarray:
    """The stable order by group, then month (no sorting when the rows already are)."""
    step, later = np.diff(group), np.diff(month)
    if np.all((step > 0) | ((step == 0) & (later >= 0))):
        return np.arange(len(group))
    return np.lexsort((month, group))


def _factorize_rows(column: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``column`` at ``rows`` numbered by first appearance there, and the labels."""
    if isinstance(column.dtype, pd.CategoricalDtype):  # the codes, not the text
        codes, labels = column.cat.codes.to_numpy(), pd.Index(column.cat.categories)
    else:
        codes, uniques = pd.factorize(column)
        labels = pd.Index(uniques)
    chosen = np.asarray(codes)[rows]
    # numbered at the head of each run of equal codes: the same first appearances, and
    # far fewer values to hash than rows
    heads = np.flatnonzero(np.r_[len(chosen) > 0, chosen[1:] != chosen[:-1]])
    numbers, used = pd.factorize(chosen[heads])
    spread = np.repeat(numbers.astype(np.int64), np.diff(np.append(heads, len(chosen))))
    return spread, labels.take(used)


class _Windows:
    """The windows of ``points`` (rows sorted by group, then month): where each starts,
    its size, and per-window reductions spread back to its rows."""

    def __init__(self, group: np.ndarray) -> None:
        self.starts = np.flatnonzero(np.r_[len(group) > 0, group[1:] != group[:-1]])
        self.sizes = np.diff(np.append(self.starts, len(group)))
        self.first = np.zeros(len(group), dtype=bool)
        self.first[self.starts] = True

    def spread(self, per_window: np.ndarray) -> np.ndarray:
        return np.repeat(per_window, self.sizes)

    def diff(self, x: np.ndarray) -> np.ndarray:
        """x minus the previous point of its window (NaN on a window's first point)."""
        step = np.empty_like(x)
        step[1:] = x[1:] - x[:-1]
        step[self.first] = np.nan
        return step


def _window_stats(
    points: _Points, evaluation_month: pd.Period, min_points: int, windows: _Windows
) -> dict[str, np.ndarray]:
    """Per window of ``points``: CL, limits, tolerance, size and whether it is assessed."""
    x = points.x
    ends = windows.starts + windows.sizes - 1
    # the means pandas' groupby took: rows grouped in order and no empty cell (x) give a
    # plain sum over the count; the moving ranges, empty on each first point, a
    # compensated sum (pandas' own kernel, to keep every last bit)
    cl = np.add.reduceat(x, windows.starts) / windows.sizes
    window = np.repeat(np.arange(len(windows.starts)), windows.sizes)
    ranges = pd.Series(np.abs(windows.diff(x)))
    mean_mr = ranges.groupby(window, sort=False).mean().to_numpy()
    mean_mr = np.where(np.isnan(mean_mr), 0.0, mean_mr)  # one point: no moving range
    spread = SIGMA_FACTOR * mean_mr
    scale = np.maximum.reduceat(np.abs(x), windows.starts)
    varies = mean_mr > 0
    return {
        "assessed": (points.month[ends] == evaluation_month.ordinal)
        & (windows.sizes >= min_points),
        "points": windows.sizes,
        "cl": cl,
        "lcl": np.where(varies, cl - spread, np.nan),
        "ucl": np.where(varies, cl + spread, np.nan),
        "eps": _REL_TOLERANCE * np.maximum(scale, 1.0),
    }


def _runs(
    x: np.ndarray, ends: np.ndarray, sizes: np.ndarray, cl: np.ndarray, eps: np.ndarray
) -> dict[str, np.ndarray]:
    """Shift and trend flags of windows ending at ``ends`` (``sizes`` points each, centre
    line ``cl``, tolerance ``eps``), from their latest 7 points: all 7 above/below CL, or
    6 steps up/down in a row; a window of fewer than 7 points has neither."""
    enough = sizes >= RUN_LENGTH
    latest = x[np.maximum(ends[:, None] - np.arange(RUN_LENGTH)[None, :], 0)]  # newest first
    step = latest[:, :-1] - latest[:, 1:]  # each point minus the one before it
    with np.errstate(invalid="ignore"):
        return {
            "shift_up": enough & (latest - cl[:, None] > eps[:, None]).all(axis=1),
            "shift_down": enough & (cl[:, None] - latest > eps[:, None]).all(axis=1),
            "trend_up": enough & (step > 0).all(axis=1),
            "trend_down": enough & (step < 0).all(axis=1),
        }


def assess_signals(
    monthly: pd.DataFrame,
    kpis: pd.DataFrame,
    evaluation_month: pd.Period,
    window: int,
    min_points: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(signals, limits) at ``evaluation_month``.

    signals: one row per partner, KPI and signal on the latest point (spc_outside,
    spc_shift, spc_trend), with direction "up"/"down" and concern = the KPI's worse
    direction. limits: one row per partner and KPI whose window was assessed: cl, lcl,
    ucl (NaN when the mean moving range is 0) and the number of points.
    """
    points = _Points.of(monthly, evaluation_month, window)
    if not len(points.group):
        return _empty(SIGNAL_COLUMNS), _empty(LIMIT_COLUMNS)
    # statistics per window, and the run flags and rows of the assessed windows only
    windows = _Windows(points.group)
    stats = _window_stats(points, evaluation_month, min_points, windows)
    at = np.flatnonzero(stats["assessed"])
    ends = (windows.starts + windows.sizes - 1)[at]
    stats = {name: column[at] for name, column in stats.items() if name != "assessed"}
    runs = _runs(points.x, ends, stats["points"], stats["cl"], stats["eps"])
    latest = pd.DataFrame(
        {
            "partner_id": decode(points.partner[ends], points.partners),
            "kpi_id": decode(points.kpi[ends], points.kpi_ids),
            **stats,
            "x": points.x[ends],
            **runs,
        }
    )
    latest["period"] = evaluation_month.strftime("%Y-%m")
    limits = latest[LIMIT_COLUMNS].astype({"points": int})
    latest = latest[[*LIMIT_COLUMNS, *_FLAG_COLUMNS]]  # what the signals carry or need
    flags = {
        ("spc_outside", "up"): latest["x"] - latest["ucl"] > latest["eps"],
        ("spc_outside", "down"): latest["lcl"] - latest["x"] > latest["eps"],
        ("spc_shift", "up"): latest["shift_up"],
        ("spc_shift", "down"): latest["shift_down"],
        ("spc_trend", "up"): latest["trend_up"],
        ("spc_trend", "down"): latest["trend_down"],
    }
    found = [np.flatnonzero(mask.fillna(False).astype(bool).to_numpy()) for mask in flags.values()]
    counts = [len(rows) for rows in found]
    signals = latest.take(np.concatenate(found)).reset_index(drop=True)  # one take, not six
    for position, column in enumerate(("signal", "direction")):
        names = [name[position] for name in flags]
        signals[column] = pd.Series(np.repeat(names, counts), dtype="str")
    signals = signals.rename(columns={"x": "value"})
    lower = signals["kpi_id"].map(kpis.set_index("kpi_id")["direction"]) == "lower_is_better"
    signals["concern"] = np.where(
        lower, signals["direction"] == "up", signals["direction"] == "down"
    )
    signals = signals.astype({"concern": bool, "points": int})
    order = ["partner_id", "kpi_id", "signal", "direction"]
    return signals.sort_values(order)[SIGNAL_COLUMNS].reset_index(drop=True), limits


_FLAG_COLUMNS = ["x", "eps", "shift_up", "shift_down", "trend_up", "trend_down"]
_DTYPES = {"concern": bool, "points": int, "value": float, "cl": float, "lcl": float, "ucl": float}


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, str)) for c in columns})


def _signal_messages(concerns: pd.DataFrame) -> list[str]:
    """The message of each concern, built column by column (pyarrow joins), e.g.
    ``Cost per contact 5.60 in 2026-03 is above its control limit 5.41 (centre line 5.08
    over 15 months): an unusual change in the worse direction``."""
    units, decimals = concerns["unit"].tolist(), concerns["decimals"].tolist()

    def shown(column: str | np.ndarray) -> pa.Array:
        values = concerns[column] if isinstance(column, str) else column
        return pa.array(format_values(values.tolist(), units, decimals), pa.string())

    up = concerns["direction"].to_numpy(dtype=object) == "up"
    signal = concerns["signal"].to_numpy(dtype=object)
    name = pa.array(concerns["_kpi"].tolist(), pa.string())
    period = pa.array(concerns["period"].astype(str).tolist(), pa.string())
    points = pa.array(concerns["points"].astype(int).astype(str).tolist(), pa.string())
    value, cl = shown("value"), shown("cl")
    limit = shown(np.where(up, concerns["ucl"].to_numpy(), concerns["lcl"].to_numpy()))
    side = pc.if_else(pa.array(up), "above", "below")
    verb = pc.if_else(pa.array(up), "risen", "fallen")
    run = f" {RUN_LENGTH} months"
    outside = _joined(
        name, " ", value, " in ", period, " is ", side, " its control limit ", limit,
        " (centre line ", cl, " over ", points, " months): ",
        "an unusual change in the worse direction",
    )  # fmt: skip
    shift = _joined(
        name, " has stayed ", side, " its centre line ", cl, " for the last", run, " to ",
        period, " (now ", value, "): a sustained shift in the worse direction",
    )  # fmt: skip
    trend = _joined(
        name, " has ", verb, " month after month over the last", run, ", to ", value,
        " in ", period, ": a steady trend in the worse direction",
    )  # fmt: skip
    is_outside, is_shift = pa.array(signal == "spc_outside"), pa.array(signal == "spc_shift")
    return pc.if_else(is_outside, outside, pc.if_else(is_shift, shift, trend)).to_pylist()


def _joined(*parts: pa.Array | str) -> pa.Array:
    """Row by row, the concatenation of ``parts`` (arrays of one string per row, or text)."""
    return pc.binary_join_element_wise(*parts, "")


def signal_deviations(signals: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """DeviationsCsv rows for concern signals only (kind = the signal, severity warning,
    no objective_id, period = the assessed month). Improvements never become deviations."""
    concerns = signals[signals["concern"].astype(bool)].copy()
    if concerns.empty:
        return pd.DataFrame({column: pd.Series(dtype=str) for column in DEVIATION_COLUMNS})
    catalog = kpis.set_index("kpi_id")
    concerns["unit"] = concerns["kpi_id"].map(catalog["unit"])
    concerns["decimals"] = concerns["kpi_id"].map(catalog["decimals"])
    names = concerns["kpi_id"].map(catalog["name"])
    named = {
        kpi_id: _kpi_name(name, kpi_id)
        for name, kpi_id in set(zip(names.tolist(), concerns["kpi_id"].tolist(), strict=True))
    }
    concerns["_kpi"] = [named[kpi_id] for kpi_id in concerns["kpi_id"].tolist()]
    concerns["objective_id"] = None
    concerns["kind"] = concerns["signal"]
    concerns["severity"] = "warning"
    concerns["message"] = _signal_messages(concerns)
    ordered = concerns.sort_values(["partner_id", "kpi_id", "kind"])
    return ordered[DEVIATION_COLUMNS].reset_index(drop=True)


def _kpi_name(name: object, kpi_id: str) -> str:
    return name if isinstance(name, str) and name else kpi_id.replace("_", " ")
