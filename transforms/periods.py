"""Months, fiscal quarters and the periods a run assesses (SPEC §2, §4).

Months are ``pandas.Period`` with freq "M"; labels are ``2026-03``. A fiscal
quarter starts in ``fiscal_year_start_month``; its label is ``2026-Q1`` when
the fiscal year starts in January, otherwise ``FY2027-Q1``, named by the
calendar year in which that fiscal year ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import pandas as pd

_QUARTER = re.compile(r"^(?:(?P<cal>\d{4})|FY(?P<fy>\d{4}))-Q(?P<q>[1-4])$")


def month_of(day: date | pd.Timestamp) -> pd.Period:
    """The calendar month a day lies in."""
    return pd.Period(pd.Timestamp(day), freq="M")


def month_label(month: pd.Period) -> str:
    return month.strftime("%Y-%m")


def parse_month(label: str) -> pd.Period:
    return pd.Period(label, freq="M")


def month_first_day(month: pd.Period) -> date:
    return month.start_time.date()


def month_last_day(month: pd.Period) -> date:
    return month.end_time.date()


@dataclass(frozen=True)
class Quarter:
    """A fiscal quarter: its first month and its label."""

    first_month: pd.Period
    fy_start_month: int

    @property
    def months(self) -> list[pd.Period]:
        return [self.first_month + i for i in range(3)]

    @property
    def last_month(self) -> pd.Period:
        return self.first_month + 2

    @property
    def number(self) -> int:
        return ((self.first_month.month - self.fy_start_month) % 12) // 3 + 1

    @property
    def fiscal_year(self) -> int:
        """The calendar year in which this quarter's fiscal year ends."""
        if self.fy_start_month == 1:
            return self.first_month.year
        return self.first_month.year + (1 if self.first_month.month >= self.fy_start_month else 0)

    @property
    def label(self) -> str:
        prefix = "" if self.fy_start_month == 1 else "FY"
        return f"{prefix}{self.fiscal_year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return month_first_day(self.first_month)

    @property
    def last_day(self) -> date:
        return month_last_day(self.last_month)

    def shifted(self, quarters: int) -> Quarter:
        return Quarter(self.first_month + 3 * quarters, self.fy_start_month)


def quarter_of(month: pd.Period, fy_start_month: int) -> Quarter:
    """The fiscal quarter containing ``month``."""
    offset = (month.month - fy_start_month) % 3
    return Quarter(month - offset, fy_start_month)


def parse_quarter(label: str, fy_start_month: int) -> Quarter:
    """``2026-Q3`` (fiscal year from January) or ``FY2027-Q1``; ValueError otherwise."""
    match = _QUARTER.match(label.strip())
    if not match:
        raise ValueError(f"{label!r} is not a quarter label such as 2026-Q3 or FY2027-Q1")
    number = int(match["q"])
    if fy_start_month == 1:
        if match["cal"] is None:
            raise ValueError(f"{label!r}: the fiscal year starts in January, write 2026-Q{number}")
        year_start = pd.Period(year=int(match["cal"]), month=1, freq="M")
    else:
        if match["fy"] is None:
            raise ValueError(
                f"{label!r}: the fiscal year does not start in January, "
                f"write FY<year it ends>-Q{number}"
            )
        year_start = pd.Period(year=int(match["fy"]) - 1, month=fy_start_month, freq="M")
    return Quarter(year_start + 3 * (number - 1), fy_start_month)


def last_complete_quarter(today: date, fy_start_month: int) -> Quarter:
    """The latest quarter that ended before ``today``."""
    return quarter_of(month_of(today), fy_start_month).shifted(-1)


RunKind = Literal["nightly", "quarterly"]


@dataclass(frozen=True)
class AssessedPeriod:
    """One period a run judges: a month or a quarter."""

    label: str
    kind: Literal["month", "quarter"]
    months: tuple[pd.Period, ...]
    provisional: bool = False  # nightly month to date: deviations say so, no credits
    comparison: bool = False  # quarterly: previous quarter and a year before (no deviations)

    @property
    def first_month(self) -> pd.Period:
        return self.months[0]

    @property
    def last_day(self) -> date:
        return month_last_day(self.months[-1])


@dataclass(frozen=True)
class RunSpec:
    """What one run assesses (SPEC §4)."""

    kind: RunKind
    label: str  # nightly: the as_of date (2026-11-16); quarterly: the quarter label
    as_of: date  # nightly: as_of; quarterly: the quarter's last day
    evaluation_month: pd.Period  # objectives and signals: the last complete month assessed
    periods: tuple[AssessedPeriod, ...] = field(default_factory=tuple)

    @property
    def judged(self) -> tuple[AssessedPeriod, ...]:
        """Periods that raise deviations (not the comparison quarters)."""
        return tuple(p for p in self.periods if not p.comparison)

    @property
    def complete_months(self) -> tuple[AssessedPeriod, ...]:
        """Complete months that owe credits."""
        return tuple(p for p in self.judged if p.kind == "month" and not p.provisional)


def nightly_run(as_of: date) -> RunSpec:
    """The last complete month before as_of's month, and as_of's month to date."""
    current = month_of(as_of)
    previous = current - 1
    periods = (
        AssessedPeriod(month_label(previous), "month", (previous,)),
        AssessedPeriod(month_label(current), "month", (current,), provisional=True),
    )
    return RunSpec("nightly", as_of.isoformat(), as_of, previous, periods)


def quarterly_run(quarter: Quarter) -> RunSpec:
    """Each month of the quarter, the quarter, and two comparison quarters."""
    months = tuple(AssessedPeriod(month_label(m), "month", (m,)) for m in quarter.months)
    own = AssessedPeriod(quarter.label, "quarter", tuple(quarter.months))
    comparisons = tuple(
        AssessedPeriod(q.label, "quarter", tuple(q.months), comparison=True)
        for q in (quarter.shifted(-1), quarter.shifted(-4))
    )
    return RunSpec(
        "quarterly",
        quarter.label,
        quarter.last_day,
        quarter.last_month,
        (*months, own, *comparisons),
    )


def yesterday(today: date) -> date:
    return today - timedelta(days=1)
