"""Text for an email in the stakeholder's locale: values, counts, sizes, dates, one-line names."""

from __future__ import annotations

import copy
import re
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, format_decimal

from partner_review.config import Kpi

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def single_line(value: str) -> str:
    """``value`` with every line break and control character turned into one space."""
    return " ".join(_CONTROL.sub(" ", value).split())


def format_run_date(label: str, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(label), format="long", locale=lang)
    except ValueError:
        return label


def format_value(value: float, kpi: Kpi, currency: str, lang: str) -> str:
    """A KPI value the way the stakeholder's locale writes it (``74,2 %``, ``4,80 €``)."""
    locale = Locale.parse(lang)
    if kpi.unit == "currency":
        return format_currency(value, currency, locale=locale)
    if kpi.unit == "percent":
        return _with_decimals(locale.percent_formats[None], kpi.decimals).apply(value / 100, locale)
    number = _with_decimals(locale.decimal_formats[None], kpi.decimals).apply(value, locale)
    return number + {"seconds": " s", "hours": " h"}.get(kpi.unit, "")


def _with_decimals(pattern: NumberPattern, decimals: int) -> NumberPattern:
    fixed = copy.copy(pattern)
    fixed.frac_prec = (decimals, decimals)
    return fixed


def format_count(n: int, lang: str) -> str:
    return format_decimal(n, locale=lang)


def format_size(size: int | None, lang: str) -> str:
    kilobytes = max(1, round((size or 0) / 1024))
    unit = "Ko" if lang == "fr" else "KB"
    return f"{format_decimal(kilobytes, locale=lang)} {unit}"
