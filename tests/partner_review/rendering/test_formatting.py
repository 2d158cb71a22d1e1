"""Figures written for each language: decimals from the KPI, Babel's symbols and separators."""

from __future__ import annotations

from datetime import date

import pytest

from partner_review.rendering.formatting import Formats


@pytest.mark.parametrize(("language", "expected"), [("en", "€4.80"), ("fr", "4,80\u00a0€")])
def test_currency_follows_the_language(language: str, expected: str) -> None:
    assert Formats(language).money(4.8, "EUR", 2) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "82.4%"), ("fr", "82,4\u00a0%")])
def test_percent_values_are_in_percent_units_and_rounded_to_the_kpi_decimals(
    language: str, expected: str
) -> None:
    assert Formats(language).percent(82.44, 1) == expected


def test_large_numbers_are_grouped_for_the_language() -> None:
    assert Formats("en").number(1234.5, 1) == "1,234.5"
    assert Formats("fr").number(1234.5, 1) == "1\u202f234,5"


def test_kpi_value_uses_unit_and_decimals() -> None:
    fmt = Formats("en")
    assert fmt.kpi_value(342.4, "seconds", 0, "EUR") == "342 s"
    assert fmt.kpi_value(4.237, "currency", 2, "EUR") == "€4.24"
    assert fmt.kpi_value(12.0, "hours", 1, "EUR") == "12.0 h"
    assert fmt.kpi_value(-7.0, "points", 0, "EUR") == "-7"


def test_missing_values_show_as_a_dash() -> None:
    fmt = Formats("fr")
    assert fmt.kpi_value(None, "percent", 1, "EUR") == "—"
    assert fmt.kpi_value(float("nan"), "currency", 2, "EUR") == "—"
    assert fmt.date(None) == "—"


def test_signed_numbers_show_a_plus_for_gains() -> None:
    assert Formats("en").number(2.5, 1, signed=True) == "+2.5"
    assert Formats("en").number(-2.5, 1, signed=True) == "-2.5"


def test_dates_and_months_follow_the_language() -> None:
    assert Formats("en").date(date(2026, 9, 30)) == "Sep 30, 2026"
    assert Formats("fr").date(date(2026, 9, 30)) == "30 sept. 2026"
    assert Formats("en").month("2026-09") == "Sep 2026"
    assert Formats("fr").month("2026-09") == "sept. 2026"
    assert Formats("fr").month("2026-Q3") == "2026-Q3"
