from datetime import date

import pandas as pd
import pytest

from transforms.periods import (
    last_complete_quarter,
    nightly_run,
    parse_quarter,
    quarter_of,
    quarterly_run,
)


def test_calendar_quarter_label_and_months() -> None:
    quarter = parse_quarter("2026-Q3", 1)
    assert quarter.label == "2026-Q3"
    assert [str(m) for m in quarter.months] == ["2026-07", "2026-08", "2026-09"]
    assert quarter.last_day == date(2026, 9, 30)


def test_fiscal_quarter_is_named_by_the_year_the_fiscal_year_ends() -> None:
    # Fiscal year April 2026 – March 2027 is FY2027.
    assert quarter_of(pd.Period("2026-04", "M"), 4).label == "FY2027-Q1"
    assert quarter_of(pd.Period("2027-03", "M"), 4).label == "FY2027-Q4"
    assert quarter_of(pd.Period("2026-03", "M"), 4).label == "FY2026-Q4"
    assert [str(m) for m in parse_quarter("FY2027-Q2", 4).months] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]


@pytest.mark.parametrize("label", ["2026-Q5", "Q3-2026", "FY2026-Q1", "2026Q1"])
def test_bad_quarter_labels_are_refused_for_a_january_year(label: str) -> None:
    with pytest.raises(ValueError):
        parse_quarter(label, 1)


def test_last_complete_quarter_is_the_one_before_today() -> None:
    assert last_complete_quarter(date(2026, 11, 28), 1).label == "2026-Q3"
    assert last_complete_quarter(date(2026, 10, 1), 1).label == "2026-Q3"
    assert last_complete_quarter(date(2026, 9, 30), 1).label == "2026-Q2"


def test_nightly_assesses_last_complete_month_and_month_to_date() -> None:
    run = nightly_run(date(2026, 11, 27))
    assert [(p.label, p.provisional) for p in run.periods] == [
        ("2026-10", False),
        ("2026-11", True),
    ]
    assert str(run.evaluation_month) == "2026-10"
    assert [p.label for p in run.complete_months] == ["2026-10"]


def test_quarterly_assesses_months_quarter_and_two_comparison_quarters() -> None:
    run = quarterly_run(parse_quarter("2026-Q3", 1))
    assert [(p.label, p.comparison) for p in run.periods] == [
        ("2026-07", False),
        ("2026-08", False),
        ("2026-09", False),
        ("2026-Q3", False),
        ("2026-Q2", True),
        ("2025-Q3", True),
    ]
    assert run.as_of == date(2026, 9, 30)
    assert [p.label for p in run.judged] == ["2026-07", "2026-08", "2026-09", "2026-Q3"]
