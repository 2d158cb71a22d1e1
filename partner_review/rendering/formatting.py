"""Numbers, percentages, money, dates and KPI values written for one report language.

Every figure a report shows goes through :class:`Formats`, so a French reader
sees ``4,80 €`` and ``82,4 %`` and an English reader ``€4.80`` and ``82.4%``.
Decimals come from the KPI (``decimals`` in config.yaml); all maths upstream
is unrounded, only the display rounds. A missing value is an em dash.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

MISSING = "—"
_INTEGER_PART = re.compile(r"#,##0(?:\.[0#]+)?")


@lru_cache(maxsize=64)
def _pattern(language: str, kind: str, decimals: int) -> str:
    """The locale's standard pattern for ``kind`` with exactly ``decimals`` decimals."""
    locale = _locale(language)
    if kind == "percent":
        base = locale.percent_formats[None].pattern
    elif kind == "currency":
        base = locale.currency_formats["standard"].pattern
    else:
        base = locale.decimal_formats[None].pattern
    fraction = "." + "0" * decimals if decimals > 0 else ""
    return _INTEGER_PART.sub("#,##0" + fraction, base)


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    """The babel locale of ``language``, parsed once: babel parses a locale given by
    name again on every call (a report formats a few thousand figures)."""
    return Locale.parse(language)


@lru_cache(maxsize=4096)
def _month_text(skeleton: str, label: str, language: str) -> str:
    """Month ``label`` (``2026-09``) in babel's ``skeleton`` for ``language``: a report
    writes the same few months hundreds of times (13 per chart)."""
    first = date(int(label[:4]), int(label[5:7]), 1)
    return format_skeleton(skeleton, first, locale=_locale(language))


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


@dataclass(frozen=True)
class Formats:
    """Display formats of one language (``en`` or ``fr``)."""

    language: str

    def number(self, value: object, decimals: int = 0, signed: bool = False) -> str:
        if is_missing(value):
            return MISSING
        number = float(value)  # type: ignore[arg-type]
        text = format_decimal(
            number, _pattern(self.language, "decimal", decimals), locale=_locale(self.language)
        )
        if signed and number > 0 and not text.startswith("+"):
            return "+" + text
        return text

    def percent(self, value: object, decimals: int = 1) -> str:
        """``value`` in percent units: 82.4 → ``82.4%`` (en), ``82,4 %`` (fr)."""
        if is_missing(value):
            return MISSING
        pattern = _pattern(self.language, "percent", decimals)
        locale = _locale(self.language)
        return format_percent(float(value) / 100, pattern, locale=locale)  # type: ignore[arg-type]

    def money(self, value: object, currency: str, decimals: int = 2) -> str:
        if is_missing(value):
            return MISSING
        pattern = _pattern(self.language, "currency", decimals)
        return format_currency(
            float(value),  # type: ignore[arg-type]
            currency,
            pattern,
            locale=_locale(self.language),
            currency_digits=False,
        )

    def date(self, value: object) -> str:
        """A day in the language's medium style: ``Sep 30, 2026`` / ``30 sept. 2026``."""
        if is_missing(value):
            return MISSING
        day = pd.Timestamp(value).date() if not isinstance(value, date) else value  # type: ignore[arg-type]
        return format_date(day, "medium", locale=_locale(self.language))

    def month(self, label: str) -> str:
        """``2026-09`` → ``Sep 2026`` / ``sept. 2026``; other labels (quarters) unchanged."""
        if not re.fullmatch(r"\d{4}-\d{2}", label):
            return label
        return _month_text("yMMM", label[:7], self.language)

    def short_month(self, label: str) -> str:
        """``2026-09`` → ``Sep 26`` / ``sept. 26`` (chart axes)."""
        return _month_text("yyMMM", label[:7], self.language)

    def kpi_value(self, value: object, unit: str, decimals: int, currency: str) -> str:
        """A KPI's value in its unit (config.yaml ``unit``), rounded to its decimals."""
        if is_missing(value):
            return MISSING
        if unit == "percent":
            return self.percent(value, decimals)
        if unit == "currency":
            return self.money(value, currency, decimals)
        text = self.number(value, decimals)
        suffix = {"seconds": " s", "hours": " h"}.get(unit, "")
        return text + suffix
