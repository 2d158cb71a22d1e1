"""Observation files' raw rows to kept, rejected and superseded rows (SPEC §1, §3).

Each row of an observation file either becomes one row of the Observations frame
(``origin="observation"``), or one rejected row naming the first column at fault, in
the order partner_id, kpi_id, period_start, period_end, period, numerator,
denominator, value, or one superseded row under the duplicate rule.

Settled here where the spec is silent:

* a ratio, nps or top2box row's ``value`` cell is not read (the KPI is computed
  from numerator and denominator), and another KPI's numerator/denominator cells
  are not read either; the kept row carries only the numbers its KPI uses;
* identifiers are compared after removing surrounding spaces, case-sensitively
  (partner and KPI ids are written exactly as in the configuration);
* ``period`` and ``period_start``/``period_end`` may both be filled when they agree;
  a ``YYYY-MM-DD`` period is that one day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from transforms.batches import Batch, batches, single
from transforms.cells import (
    Dates,
    Faults,
    Numbers,
    RawFrame,
    concat_rejected,
    flag_extra_cells,
    known_list,
    parse_dates,
    parse_months,
)
from transforms.duplicates import ROW_KEY, duplicate_rule, kept_rows, row_keys
from transforms.row_checks import (
    CodedText,
    FaultSink,
    MaskSink,
    RowFaults,
    coded_column_text,
    coded_dates,
    coded_text,
    column_numbers,
    column_optional_text,
    combine,
    constant_text,
    month_index,
    month_text,
)

OBSERVATION_REQUIRED: tuple[str | tuple[str, ...], ...] = (
    "partner_id",
    "kpi_id",
    ("period_start", "period"),
)
OBSERVATION_COLUMNS = [
    "partner_id",
    "kpi_id",
    "period_start",
    "period_end",
    "month",
    "numerator",
    "denominator",
    "value",
    "source",
    "note",
    "file",
    "line",
    "origin",
]
RATIO_AGGREGATIONS = ("ratio", "nps", "top2box")
_VALUES = ["numerator", "denominator", "value"]
_DATE_HINT = "write it as YYYY-MM-DD, e.g. 2026-03-01"
_NUMBER_HINT = "write a number with '.' as decimal point (',' in a semicolon-separated file)"


@dataclass(frozen=True)
class ObservationResult:
    """Kept rows (Observations), rejected rows (RejectedCsv) and superseded rows (Superseded)."""

    observations: pd.DataFrame
    rejected: pd.DataFrame
    superseded: pd.DataFrame


def build_observations(
    tables: Iterable[RawFrame], kpis: pd.DataFrame, partners: pd.DataFrame
) -> ObservationResult:
    """Every observation file's rows checked, then the duplicate rule applied across files.

    Small files are checked together, in batches of consecutive files (see
    :mod:`transforms.batches`): the same rows as checking each file alone.
    """
    kept, rejected = [], []
    for batch in batches(tables):
        rows, bad = _checked_rows(batch, kpis, partners)
        kept.append(rows)
        rejected.append(bad)
    if not all(ROW_KEY in rows.columns for rows in kept):
        kept = [rows.drop(columns=ROW_KEY, errors="ignore") for rows in kept]
    every = pd.concat(kept, ignore_index=True) if kept else empty_observations()
    kept.clear()  # each file's kept rows are in `every` now (peak memory)
    kept_at, superseded = duplicate_rule(every)
    observations = kept_rows(every, kept_at, consume=True)  # one column at a time (memory)
    return ObservationResult(observations, concat_rejected(rejected), superseded)


def check_observation_rows(
    table: RawFrame, kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One file's rows: (valid rows as Observations columns, rejected rows)."""
    kept, rejected = _checked_rows(single(table), kpis, partners)
    return kept.drop(columns=ROW_KEY, errors="ignore"), rejected


def _checked_rows(
    batch: Batch, kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """check_observation_rows of a batch of files, the kept rows with their key if it fits."""
    raw = batch.frame
    faults = RowFaults(raw.index)
    flag_extra_cells(cast(Faults, faults), raw)  # RowFaults has the flag() of Faults
    partner, kpi = coded_text(raw, "partner_id"), coded_text(raw, "kpi_id")
    flag_identity(faults, partner, kpi, kpis, partners)
    start, end = _check_period(faults, raw)
    aggregation = kpi.lookup(dict(zip(kpis["kpi_id"], kpis["aggregation"], strict=True)))
    numbers = _check_numbers(faults, raw, aggregation, batch.decimal_comma)
    ok = faults.ok
    every = bool(ok.all())

    def kept_rows(column: pd.Series) -> pd.Series:
        return column if every else column[ok]

    kept_start = kept_rows(start)
    kept = pd.DataFrame(
        {
            "partner_id": kept_rows(partner.rows()),
            "kpi_id": kept_rows(kpi.rows()),
            "period_start": kept_start,
            "period_end": kept_rows(end),
            "month": month_text(kept_start),
            **{name: kept_rows(numbers[name]) for name in _VALUES},
            "source": kept_rows(column_optional_text(raw, "source")),
            "note": kept_rows(column_optional_text(raw, "note")),
            "file": kept_rows(batch.files),
            "line": kept_rows(raw["line"]).astype("int64"),
            "origin": constant_text("observation", kept_start.index),
        },
        columns=OBSERVATION_COLUMNS,
    )
    keys = row_keys(
        kept_rows(partner.spread(_positions(partner.distinct, partners["partner_id"]))).to_numpy(),
        kept_rows(kpi.spread(_positions(kpi.distinct, kpis["kpi_id"]))).to_numpy(),
        len(kpis),
        kept_start,
        kept["period_end"],
    )
    if keys is not None:
        kept[ROW_KEY] = keys
    rejected = batch.label_rejected(faults.rejected(raw, batch.file_name))
    return kept.reset_index(drop=True), rejected


def _positions(values: pd.Series, catalog: pd.Series) -> pd.Series:
    """Each value's position in the catalog column (-1 where not in it)."""
    return pd.Series(pd.Index(catalog).get_indexer(values.astype(object)))


def flag_identity(
    faults: FaultSink,
    partner: CodedText,
    kpi: CodedText,
    kpis: pd.DataFrame,
    partners: pd.DataFrame,
) -> None:
    """partner_id and kpi_id must name a configured partner and KPI."""
    known_partners = set(partners["partner_id"])
    known_kpis = set(kpis["kpi_id"])
    partner_id, kpi_id = partner.distinct, kpi.distinct
    faults.flag(
        partner.spread(partner_id.eq("")),
        "partner_id",
        f"is empty; write the partner id ({known_list(known_partners)})",
    )
    faults.flag(
        partner.spread(~partner_id.isin(known_partners)),
        "partner_id",
        f"is not a configured partner; use one of {known_list(known_partners)} "
        "or add partners/<id>.yaml",
    )
    faults.flag(
        kpi.spread(kpi_id.eq("")),
        "kpi_id",
        f"is empty; write the KPI id ({known_list(known_kpis)})",
    )
    faults.flag(
        kpi.spread(~kpi_id.isin(known_kpis)),
        "kpi_id",
        f"is not a KPI of config.yaml; use one of {known_list(known_kpis)}",
    )


def _check_period(faults: FaultSink, raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """period_start and period_end of each row, from the date columns or the period shorthand.

    Each distinct combination of a row's period_start, period_end and period cells is
    checked once (:func:`_period_rows`), and its faults and dates spread to its rows.
    """
    start_codes, given_start = coded_dates(raw, "period_start")
    end_codes, given_end = coded_dates(raw, "period_end")
    period_codes, period = coded_column_text(raw, "period")
    combos = combine([start_codes, end_codes, period_codes], raw.index)
    short_start, short_end = _period_shorthand(period)
    checks = MaskSink()
    start, end = _period_rows(
        checks,
        combos.at(0, given_start),
        combos.at(1, given_end),
        combos.series_at(2, period),
        (combos.series_at(2, short_start), combos.series_at(2, short_end)),
    )
    combos.replay(checks, faults)
    return combos.spread(start), combos.spread(end)


def _period_rows(
    faults: FaultSink,
    given_start: Dates,
    given_end: Dates,
    period: pd.Series,
    short: tuple[pd.Series, pd.Series],
) -> tuple[pd.Series, pd.Series]:
    """The period checks of rows: their parsed dates, period text and its shorthand dates."""
    short_start, short_end = short
    faults.flag(given_start.invalid, "period_start", f"is not a date; {_DATE_HINT}")
    faults.flag(given_end.invalid, "period_end", f"is not a date; {_DATE_HINT}")
    faults.flag(
        period.ne("") & short_start.isna(),
        "period",
        "is not a period; write YYYY-MM for a whole month or YYYY-MM-DD for one day",
    )
    faults.flag(
        given_start.empty & period.eq(""),
        "period_start",
        "is empty; fill period_start (YYYY-MM-DD) or period (YYYY-MM)",
    )
    both = period.ne("")
    faults.flag(
        both & ~given_start.empty & given_start.values.ne(short_start),
        "period_start",
        "disagrees with the period column; fill only one of them or make them agree",
    )
    faults.flag(
        both & ~given_end.empty & given_end.values.ne(short_end),
        "period_end",
        "disagrees with the period column; fill only one of them or make them agree",
    )
    start = given_start.values.fillna(short_start)
    end = given_end.values.fillna(short_end.where(period.ne(""))).fillna(start)
    faults.flag(
        end < start,
        "period_end",
        "is before period_start; correct the dates",
    )
    faults.flag(
        _other_month(start, end),
        "period_end",
        "is in another month than period_start; a row lies inside one calendar month, "
        "split it into one row per month",
    )
    return start, end


def _period_shorthand(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each ``YYYY-MM`` or ``YYYY-MM-DD`` period (NaT where not one)."""
    if not period.ne("").any():
        nothing = pd.Series(pd.NaT, index=period.index, dtype="datetime64[ns]")
        return nothing, nothing
    month_start = parse_months(period)
    day = parse_dates(pd.DataFrame({"p": period.where(month_start.isna(), "")}), "p").values
    return month_start.fillna(day), (month_start + pd.offsets.MonthEnd(0)).fillna(day)


def _check_numbers(
    faults: FaultSink, raw: pd.DataFrame, aggregation: pd.Series, decimal_comma: bool
) -> dict[str, pd.Series]:
    """numerator and denominator for ratio, nps and top2box KPIs; value for the others.

    Each column is parsed once per distinct cell (:func:`transforms.row_checks.column_numbers`);
    the checks then run on every row (:func:`_number_rows`): on a million rows with many
    distinct values, numbering the distinct combinations costs as much as it saves.
    """
    return _number_rows(
        faults,
        *(column_numbers(raw, name, decimal_comma) for name in _VALUES),
        aggregation=aggregation,
    )


def _number_rows(
    faults: FaultSink,
    numerator: Numbers,
    denominator: Numbers,
    value: Numbers,
    *,
    aggregation: pd.Series,
) -> dict[str, pd.Series]:
    """The number checks of rows: their parsed numbers and their KPI's aggregation."""
    is_ratio = aggregation.isin(RATIO_AGGREGATIONS)
    need = "a ratio, nps or top2box KPI needs numerator and denominator"
    flag_number_faults(faults, numerator, is_ratio, "numerator", need)
    num, den = numerator.values, denominator.values
    plain_ratio = is_ratio & aggregation.ne("nps")
    faults.flag(plain_ratio & (num < 0), "numerator", "is negative; a count cannot be below 0")
    flag_number_faults(faults, denominator, is_ratio, "denominator", need)
    faults.flag(
        is_ratio & (den <= 0),
        "denominator",
        "is not above 0; a period with no volume has no row (leave it out)",
    )
    faults.flag(
        aggregation.eq("nps") & (num < -den),
        "numerator",
        "is below -denominator; an nps numerator is promoters - detractors, at least -responses",
    )
    faults.flag(
        aggregation.eq("top2box") & (num > den),
        "numerator",
        "is above denominator; a top2box numerator counts answers scoring 4-5",
    )
    flag_number_faults(faults, value, ~is_ratio, "value", "this KPI needs a value")
    return {
        "numerator": num.where(is_ratio),
        "denominator": den.where(is_ratio),
        "value": value.values.where(~is_ratio),
    }


def flag_number_faults(
    faults: FaultSink, numbers: Numbers, applies: pd.Series, column: str, need: str
) -> None:
    """Empty, non-numeric, ambiguous and non-finite cells of a number column."""
    faults.flag(applies & numbers.empty, column, f"is empty; {need}")
    faults.flag(applies & numbers.invalid, column, f"is not a number; {_NUMBER_HINT}")
    faults.flag(
        applies & numbers.ambiguous,
        column,
        "is ambiguous (thousands separator or decimal point?); write it without "
        "thousands separators, with ',' as decimal comma",
    )
    faults.flag(
        applies & numbers.not_finite,
        column,
        "is not a finite number (NaN or infinity); write the actual figure",
    )


def empty_observations() -> pd.DataFrame:
    """An Observations frame with no rows."""
    types: dict[str, Any] = {
        "period_start": "datetime64[ns]",
        "period_end": "datetime64[ns]",
        "numerator": float,
        "denominator": float,
        "value": float,
        "line": "int64",
    }
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in OBSERVATION_COLUMNS})


def _other_month(start: pd.Series, end: pd.Series) -> pd.Series:
    """Rows whose start and end are both dates, in different calendar months."""
    first, last = month_index(start), month_index(end)
    return pd.Series((first != last) & ~np.isnat(first) & ~np.isnat(last), index=start.index)
