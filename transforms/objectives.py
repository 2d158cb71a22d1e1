"""SMART objectives as of an evaluation month E (SPEC §3 "Objectives").

Inputs are the ObjectiveCatalog and KpiCatalog frames and the monthly values: one row
per partner, KPI and calendar month with at least one row (``period`` ``YYYY-MM``,
``actual``; insufficient-volume months count for objectives).

Choices where the spec is silent:

* ``not_started`` rows still carry every number the formulas give (baseline, target,
  current for E if any, expected 0); the forecast is empty because no month of the
  objective has passed.
* A baseline month with no data leaves baseline, progress, expected and forecast empty;
  a target given as ``change_pct`` is then empty too (a given target value is kept).
* When target equals baseline, progress is undefined and left empty (never infinite).
* The forecast fits every month from the start month to E, also months after the
  deadline when E is past it (the status is then decided by ``achieved``/``missed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from transforms.codes import month_ordinals, text_values
from transforms.schemas import ObjectivesCsv

CSV_COLUMNS = list(ObjectivesCsv.to_schema().columns)
EXTRA_COLUMNS = [
    "title",
    "owner",
    "start",
    "deadline",
    "change",
    "period",
    "tolerance_pct",
    "behind",
    "forecast_misses",
]
ASSESSED_COLUMNS = CSV_COLUMNS + EXTRA_COLUMNS
GLIDE_COLUMNS = ["objective_id", "partner_id", "kpi_id", "period", "expected", "actual", "forecast"]
MIN_FORECAST_POINTS = 3

_SEVERITY = {
    "objective_missed": "critical",
    "objective_off_track": "critical",
    "objective_at_risk": "warning",
}


def _months(ordinals: np.ndarray) -> pd.PeriodIndex:
    return pd.PeriodIndex.from_ordinals(ordinals, freq="M")  # type: ignore[attr-defined]


def at_least_as_good(value: pd.Series, threshold: pd.Series, lower: pd.Series) -> pd.Series:
    """Direction-aware comparison of unrounded values; False where either side is null."""
    better = np.where(lower, value <= threshold, value >= threshold)
    return pd.Series(better & value.notna() & threshold.notna(), index=value.index, dtype=bool)


def monthly_points(monthly: pd.DataFrame, wanted: pd.DataFrame) -> pd.DataFrame:
    """One row per partner, KPI and month with a value: partner_id, kpi_id, month, actual
    (month as a Period ordinal), for the partners and KPIs that ``wanted`` names."""
    keep = monthly["kpi_id"].isin(wanted["kpi_id"].unique()).to_numpy(dtype=bool, copy=True)
    keep &= monthly["actual"].notna().to_numpy()
    keep[keep] = monthly["partner_id"][keep].isin(wanted["partner_id"].unique()).to_numpy()
    points = monthly.loc[keep, ["partner_id", "kpi_id", "period", "actual"]]
    points = points.drop_duplicates(["partner_id", "kpi_id", "period"], keep="last")
    return pd.DataFrame(
        {
            "partner_id": text_values(points["partner_id"]),
            "kpi_id": text_values(points["kpi_id"]),
            "month": month_ordinals(points["period"]),
            "actual": points["actual"].astype(float).to_numpy(),
        }
    )


def _lookup(frame: pd.DataFrame, points: pd.DataFrame, month: pd.Series) -> np.ndarray:
    """The monthly value of each row's partner and KPI in ``month`` (NaN without data)."""
    keys = pd.DataFrame(
        {"partner_id": frame["partner_id"], "kpi_id": frame["kpi_id"], "month": month}
    )
    found = keys.merge(points, on=["partner_id", "kpi_id", "month"], how="left")
    return found["actual"].to_numpy(dtype=float)


def _fitted_lines(spans: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """OLS line per objective row (index of ``spans``) through its months from start to last.

    ``spans`` holds partner_id, kpi_id, start_month, last_month (ordinals); x counts months
    since the start month. Rows with fewer than 3 points get no line (slope/intercept NaN).
    """
    keyed = spans.assign(_row=np.arange(len(spans)))
    pairs = keyed.merge(points, on=["partner_id", "kpi_id"], how="inner")
    pairs = pairs[
        (pairs["month"] >= pairs["start_month"]) & (pairs["month"] <= pairs["last_month"])
    ]
    x = (pairs["month"] - pairs["start_month"]).astype(float)
    y = pairs["actual"]
    grouped = pd.DataFrame({"_row": pairs["_row"], "x": x, "y": y}).groupby("_row")
    n = grouped["x"].count()
    mean_x, mean_y = grouped["x"].mean(), grouped["y"].mean()
    dx = x - pairs["_row"].map(mean_x)
    dy = y - pairs["_row"].map(mean_y)
    sxx = (dx * dx).groupby(pairs["_row"]).sum()
    sxy = (dx * dy).groupby(pairs["_row"]).sum()
    slope = (sxy / sxx).where(n >= MIN_FORECAST_POINTS)
    intercept = mean_y - slope * mean_x
    lines = pd.DataFrame({"slope": slope, "intercept": intercept, "points": n})
    lines = lines.reindex(np.arange(len(spans)))
    lines["points"] = lines["points"].fillna(0).astype(int)
    lines.index = spans.index
    return lines


def _day_fraction(
    day: pd.Series | pd.Timestamp, start: pd.Series, deadline: pd.Series
) -> pd.Series:
    """clamp((day − start).days / (deadline − start).days, 0, 1) in plain day counts."""
    elapsed = (day - start).dt.days.astype(float)
    span = (deadline - start).dt.days.astype(float)
    return (elapsed / span).clip(0, 1)


def _statuses(frame: pd.DataFrame, end_of_e: pd.Timestamp, e_month: int) -> np.ndarray:
    conditions = [
        e_month < frame["_start_month"],
        frame["baseline"].isna() | frame["current"].isna(),
        at_least_as_good(frame["current"], frame["target"], frame["_lower"]),
        end_of_e >= frame["deadline"],
        frame["behind"] & (frame["forecast"].isna() | frame["forecast_misses"]),
        frame["behind"] | frame["forecast_misses"],
    ]
    choices = ["not_started", "no_data", "achieved", "missed", "off_track", "at_risk"]
    return np.select(conditions, choices, default="on_track")


def assess_objectives(
    objectives: pd.DataFrame,
    kpis: pd.DataFrame,
    monthly: pd.DataFrame,
    evaluation_month: pd.Period,
) -> pd.DataFrame:
    """One row per objective as of ``evaluation_month``: ObjectivesCsv columns, then title,
    owner, start, deadline, change, period (E as ``YYYY-MM``), tolerance_pct, behind and
    forecast_misses."""
    if objectives.empty:
        return _empty_assessed()
    frame = objectives.reset_index(drop=True).copy()
    frame["start"] = pd.to_datetime(frame["start"])
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    direction = frame["kpi_id"].map(kpis.set_index("kpi_id")["direction"])
    frame["_lower"] = (direction == "lower_is_better").to_numpy()
    frame["_start_month"] = frame["start"].dt.to_period("M").array.asi8
    points = monthly_points(monthly, frame)
    e_month = evaluation_month.ordinal
    end_of_e = evaluation_month.end_time.normalize()

    baseline_month = pd.Series(np.iinfo(np.int64).min, index=frame.index, dtype=np.int64)
    has_period = frame["baseline_period"].notna()
    if has_period.any():
        baseline_month[has_period] = month_ordinals(frame.loc[has_period, "baseline_period"])
    looked_up = pd.Series(_lookup(frame, points, baseline_month), index=frame.index)
    frame["baseline"] = frame["baseline_value"].astype(float).where(~has_period, looked_up)
    change = frame["baseline"] * (1 + frame["target_change_pct"].astype(float) / 100)
    frame["target"] = frame["target_value"].astype(float).fillna(change)
    frame["current"] = _lookup(frame, points, pd.Series(e_month, index=frame.index))

    gap = frame["target"] - frame["baseline"]
    frame["progress_pct"] = (100 * (frame["current"] - frame["baseline"]) / gap).where(gap != 0)
    frame["expected_pct"] = 100 * _day_fraction(end_of_e, frame["start"], frame["deadline"])
    spans = frame[["partner_id", "kpi_id", "_start_month"]].rename(
        columns={"_start_month": "start_month"}
    )
    lines = _fitted_lines(spans.assign(last_month=e_month), points)
    x_deadline = frame["deadline"].dt.to_period("M").array.asi8 - frame["_start_month"]
    frame["forecast"] = lines["intercept"] + lines["slope"] * x_deadline
    no_baseline = frame["baseline"].isna()
    frame.loc[no_baseline, ["expected_pct", "forecast"]] = np.nan

    tolerance = frame["tolerance_pct"].fillna(0).astype(float)
    frame["behind"] = (frame["progress_pct"] < frame["expected_pct"] - tolerance).fillna(False)
    good = at_least_as_good(frame["forecast"], frame["target"], frame["_lower"])
    frame["forecast_misses"] = frame["forecast"].notna() & ~good
    frame["status"] = _statuses(frame, end_of_e, e_month)
    frame["period"] = evaluation_month.strftime("%Y-%m")
    frame["tolerance_pct"] = tolerance
    return frame[ASSESSED_COLUMNS].astype({"behind": bool, "forecast_misses": bool})


def _empty_assessed() -> pd.DataFrame:
    numbers = [*CSV_COLUMNS[3:9], "tolerance_pct"]
    dtypes: dict[str, Any] = {c: "float64" for c in numbers}
    dtypes |= {"behind": "bool", "forecast_misses": "bool"}
    dtypes |= {"start": "datetime64[us]", "deadline": "datetime64[us]"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, str)) for c in ASSESSED_COLUMNS})


def objective_glide_path(assessed: pd.DataFrame | pd.Series, monthly: pd.DataFrame) -> pd.DataFrame:
    """One row per objective and month from its start month to its deadline month.

    ``expected`` is the straight line baseline → target at the month's last day (the same
    day fraction as expected_pct); ``actual`` the monthly value for months up to E (the
    assessed row's ``period``), NaN after E or without data; ``forecast`` the OLS line fitted
    through the start month to E, NaN when it has fewer than 3 points.
    """
    frame = assessed.to_frame().T.infer_objects() if isinstance(assessed, pd.Series) else assessed
    if frame.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in GLIDE_COLUMNS})
    frame = frame.reset_index(drop=True).copy()
    frame["start"] = pd.to_datetime(frame["start"])
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    start_month = frame["start"].dt.to_period("M").array.asi8
    spans = pd.DataFrame(
        {
            "partner_id": frame["partner_id"].astype(str),
            "kpi_id": frame["kpi_id"].astype(str),
            "start_month": start_month,
            "last_month": month_ordinals(frame["period"]),
        }
    )
    points = monthly_points(monthly, spans)
    lines = _fitted_lines(spans, points)
    months = frame["deadline"].dt.to_period("M").array.asi8 - start_month + 1
    rows = frame.index.repeat(months)
    path = frame.loc[rows].reset_index(drop=True)
    offset = path.groupby(rows).cumcount().to_numpy()
    month = start_month[rows] + offset
    end_of_month = _months(month).end_time.normalize()
    fraction = _day_fraction(pd.Series(end_of_month), path["start"], path["deadline"])
    path["expected"] = path["baseline"] + (path["target"] - path["baseline"]) * fraction
    actual = _lookup(path, points, pd.Series(month))
    path["actual"] = np.where(month <= spans["last_month"].to_numpy()[rows], actual, np.nan)
    path["forecast"] = (
        lines["intercept"].to_numpy()[rows] + lines["slope"].to_numpy()[rows] * offset
    )
    path["period"] = _months(month).strftime("%Y-%m")
    return path[GLIDE_COLUMNS]


def _kpi_phrase(name: object, kpi_id: str) -> str:
    text = str(name) if isinstance(name, str) and name else kpi_id.replace("_", " ")
    if len(text) > 1 and text[1].isupper():
        return text  # an acronym such as "NPS" keeps its case
    return text[:1].lower() + text[1:]


def format_value(value: float, unit: object, decimals: object) -> str:
    """A KPI value for a message: the KPI's display decimals, ``%`` for percent units."""
    if value is None or (value != value if isinstance(value, float) else pd.isna(value)):
        return "no data"
    places = int(decimals) if isinstance(decimals, int | float) and decimals == decimals else 2
    return f"{value:.{places}f}{'%' if unit == 'percent' else ''}"


def format_values(
    values: Sequence[float], units: Sequence[object], decimals: Sequence[object]
) -> list[str]:
    """:func:`format_value` of each value with its row's unit and decimals: the template
    worked out once per distinct unit and decimals, each value formatted with ``%``
    (printf's ``%.Nf`` is the same text as ``format(value, ".Nf")``, at a third of the cost)."""
    templates: dict[tuple[object, object], str] = {}
    shown = []
    for value, unit, places in zip(values, units, decimals, strict=True):
        if value is None or (value != value if isinstance(value, float) else pd.isna(value)):
            shown.append("no data")
            continue
        template = templates.get((unit, places))
        if template is None:
            digits = int(places) if isinstance(places, int | float) and places == places else 2
            template = f"%.{digits}f" + ("%%" if unit == "percent" else "")
            templates[(unit, places)] = template
        shown.append(template % value)
    return shown


def _percents(values: Sequence[float]) -> list[str]:
    """``71%`` of each value, ``n/a`` where it is empty."""
    return ["n/a" if value != value else f"{value:.0f}%" for value in values]


def _objective_messages(flagged: pd.DataFrame) -> list[str]:
    """What a vendor manager reads in deviations.csv for each objective: the numbers
    formatted column by column, then joined row by row (a few hundred rows)."""
    units, decimals = flagged["unit"].tolist(), flagged["decimals"].tolist()

    def shown(column: str) -> list[str]:
        return format_values(flagged[column].astype(float).tolist(), units, decimals)

    deadline = pd.to_datetime(flagged["deadline"])
    columns = zip(
        flagged["objective_id"].tolist(),
        flagged["title"].tolist(),
        flagged["_kpi"].tolist(),
        shown("current"),
        flagged["period"].tolist(),
        _percents(flagged["progress_pct"].astype(float).tolist()),
        shown("target"),
        deadline.dt.strftime("%Y-%m-%d").tolist(),
        deadline.dt.strftime("%Y-%m").tolist(),
        flagged["status"].tolist(),
        flagged["behind"].tolist(),
        _percents(flagged["expected_pct"].astype(float).tolist()),
        flagged["forecast"].isna().tolist(),
        shown("forecast"),
        flagged["forecast_misses"].tolist(),
        strict=True,
    )
    messages = []
    for (
        objective,
        title,
        kpi,
        current,
        period,
        progress,
        target,
        day,
        month,
        status,
        behind,
        expected,
        no_forecast,
        forecast,
        misses,
    ) in columns:
        head = f"{objective} '{title}': {kpi} {current} in {period}, {progress} of the way to "
        head += target
        if status == "missed":
            messages.append(f"{head} at the deadline {day}; target missed")
            continue
        head += f" where {expected} was expected" if behind else f" ({expected} expected)"
        if no_forecast:
            messages.append(f"{head}; too few months for a forecast")
            continue
        tail = f"; forecast {forecast} by {month}"
        messages.append(head + tail + (", short of the target" if misses else ""))
    return messages


def objective_deviations(assessed: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """DeviationsCsv rows for objectives missed (critical), off track (critical) or at risk
    (warning) at E; kpi_id is the objective's KPI, period is E."""
    columns = ["partner_id", "kpi_id", "objective_id", "period", "kind", "severity", "message"]
    flagged = assessed[assessed["status"].isin(["missed", "off_track", "at_risk"])].copy()
    if flagged.empty:
        return pd.DataFrame({column: pd.Series(dtype=str) for column in columns})
    catalog = kpis.set_index("kpi_id")
    flagged["unit"] = flagged["kpi_id"].map(catalog["unit"])
    flagged["decimals"] = flagged["kpi_id"].map(catalog["decimals"])
    names = flagged["kpi_id"].map(catalog["name"])
    flagged["_kpi"] = [_kpi_phrase(n, k) for n, k in zip(names, flagged["kpi_id"], strict=True)]
    flagged["kind"] = "objective_" + flagged["status"]
    flagged["severity"] = flagged["kind"].map(_SEVERITY)
    flagged["message"] = _objective_messages(flagged)
    ordered = flagged.sort_values(["partner_id", "kpi_id", "objective_id"])
    return ordered[columns].reset_index(drop=True)
