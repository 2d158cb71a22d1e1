"""The period and number cells of observation rows: parsed, and their faults flagged.

The period of a row comes from ``period_start``/``period_end`` or the ``period``
shorthand (``YYYY-MM`` a whole month, ``YYYY-MM-DD`` one day); a row lies inside one
calendar month. A ratio, nps or top2box KPI is read from numerator and denominator, any
other KPI from value; the cells its KPI does not use are not read. Both checks run
once per distinct cell or combination of cells (transforms.row_checks) and are spread
to the rows, with the same first fault per row as a row-by-row check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.cells import Dates, Numbers, parse_dates, parse_months
from transforms.row_checks import (
    FaultSink,
    MaskSink,
    coded_column_text,
    coded_dates,
    column_numbers,
    combine,
    month_index,
    spread,
)

RATIO_AGGREGATIONS = ("ratio", "nps", "top2box")
NUMBER_COLUMNS = ["numerator", "denominator", "value"]
_DATE_HINT = "write it as YYYY-MM-DD, e.g. 2026-03-01"
_NUMBER_HINT = "write a number with '.' as decimal point (',' in a semicolon-separated file)"


@dataclass(frozen=True)
class Periods:
    """Each row's period as one of the distinct combinations of its period cells."""

    codes: np.ndarray  # one per row: its combination
    start: pd.Series  # one per combination: period_start (NaT where at fault)
    end: pd.Series  # one per combination: period_end
    index: pd.Index  # the rows'

    def rows(self) -> tuple[pd.Series, pd.Series]:
        """period_start and period_end of every row."""
        return spread(self.start, self.codes, self.index), spread(self.end, self.codes, self.index)


def check_period(faults: FaultSink, raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """period_start and period_end of each row, from the date columns or the period shorthand.

    Each distinct combination of a row's period_start, period_end and period cells is
    checked once (:func:`period_rows`), and its faults and dates spread to its rows.
    """
    return coded_periods(faults, raw).rows()


def coded_periods(faults: FaultSink, raw: pd.DataFrame) -> Periods:
    """:func:`check_period` with the dates left per combination of period cells (a few
    thousand for millions of rows), for what is worked out from the dates (months, keys)."""
    start_codes, given_start = coded_dates(raw, "period_start")
    end_codes, given_end = coded_dates(raw, "period_end")
    period_codes, period = coded_column_text(raw, "period")
    combos = combine([start_codes, end_codes, period_codes], raw.index)
    short_start, short_end = period_shorthand(period)
    checks = MaskSink()
    start, end = period_rows(
        checks,
        combos.at(0, given_start),
        combos.at(1, given_end),
        combos.series_at(2, period),
        (combos.series_at(2, short_start), combos.series_at(2, short_end)),
    )
    combos.replay(checks, faults)
    return Periods(combos.codes, start, end, combos.index)


def period_rows(
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


def period_shorthand(period: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each ``YYYY-MM`` or ``YYYY-MM-DD`` period (NaT where not one)."""
    if not period.ne("").any():
        nothing = pd.Series(pd.NaT, index=period.index, dtype="datetime64[ns]")
        return nothing, nothing
    month_start = parse_months(period)
    day = parse_dates(pd.DataFrame({"p": period.where(month_start.isna(), "")}), "p").values
    return month_start.fillna(day), (month_start + pd.offsets.MonthEnd(0)).fillna(day)


def check_numbers(
    faults: FaultSink, raw: pd.DataFrame, aggregation: pd.Series, decimal_comma: bool
) -> dict[str, pd.Series]:
    """numerator and denominator for ratio, nps and top2box KPIs; value for the others.

    Each column is parsed once per distinct cell (:func:`transforms.row_checks.column_numbers`);
    the checks then run on every row (:func:`number_rows`): on a million rows with many
    distinct values, numbering the distinct combinations costs as much as it saves.
    """
    return number_rows(faults, *number_columns(raw, decimal_comma), aggregation=aggregation)


def number_columns(raw: pd.DataFrame, decimal_comma: bool) -> tuple[Numbers, Numbers, Numbers]:
    """numerator, denominator and value of every row, parsed (no fault flagged yet).

    Reads ``raw`` only: it may run in a thread while other columns are checked (the
    parsing is mostly pyarrow casts and numpy, which release the GIL).
    """
    numerator, denominator, value = (
        column_numbers(raw, name, decimal_comma) for name in NUMBER_COLUMNS
    )
    return numerator, denominator, value


def number_rows(
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
    """Empty, non-numeric, ambiguous and non-finite cells of a number column (a kind of
    fault no cell has is not flagged at all: its mask would flag no row)."""
    kinds = (
        (numbers.empty, f"is empty; {need}"),
        (numbers.invalid, f"is not a number; {_NUMBER_HINT}"),
        (
            numbers.ambiguous,
            "is ambiguous (thousands separator or decimal point?); write it without "
            "thousands separators, with ',' as decimal comma",
        ),
        (
            numbers.not_finite,
            "is not a finite number (NaN or infinity); write the actual figure",
        ),
    )
    for cells, reason in kinds:
        if cells.any():
            faults.flag(applies & cells, column, reason)


def _other_month(start: pd.Series, end: pd.Series) -> pd.Series:
    """Rows whose start and end are both dates, in different calendar months."""
    first, last = month_index(start), month_index(end)
    return pd.Series((first != last) & ~np.isnat(first) & ~np.isnat(last), index=start.index)
