"""What every report view shares: statuses with their symbols, ordering, KPI value display.

A status is always shown as a colour *and* a symbol (✔ ▲ ✖ …) with its label,
so the reports read in black and white and for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from partner_review.config import Kpi
from partner_review.rendering.chart_axes import Tick
from partner_review.rendering.formatting import Formats, is_missing
from partner_review.settings import Settings
from transforms.deviations import KIND_RANK, SEVERITY_RANK
from transforms.periods import AssessedPeriod, RunSpec

# status code -> (css tone, symbol); the labels are translated in templates/_labels.html.j2
STATUS_LOOK: dict[str, tuple[str, str]] = {
    "met": ("good", "✔"),
    "at_risk": ("warn", "▲"),
    "breach": ("bad", "✖"),
    "insufficient_volume": ("muted", "◌"),
    "no_data": ("muted", "–"),
    "no_target": ("muted", "·"),
    "achieved": ("good", "✔"),
    "on_track": ("good", "✔"),
    "off_track": ("bad", "✖"),
    "missed": ("bad", "✖"),
    "not_started": ("muted", "○"),
    "critical": ("bad", "✖"),
    "warning": ("warn", "▲"),
    "info": ("muted", "●"),
    "improvement": ("good", "✔"),
}


@dataclass(frozen=True)
class Cell:
    """One formatted figure with its status (a table cell)."""

    text: str
    status: str = ""
    provisional: bool = False


def look(status: str) -> tuple[str, str]:
    return STATUS_LOOK.get(status, ("muted", "·"))


def main_period(run: RunSpec) -> AssessedPeriod:
    """The period a report is about: the quarter (quarterly) or the last complete month."""
    judged = run.judged
    quarters = [p for p in judged if p.kind == "quarter"]
    if quarters:
        return quarters[0]
    complete = [p for p in judged if not p.provisional]
    return complete[0] if complete else judged[0]


def for_partner(frame: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    if "partner_id" not in frame.columns:
        return frame
    return frame[frame["partner_id"] == partner_id].reset_index(drop=True)


def kpi_ids_in_order(settings: Settings, present: pd.Series) -> list[str]:
    """The KPIs of ``present`` in config.yaml order (unknown ids last, sorted)."""
    wanted = set(present.dropna().astype(str))
    ordered = [k.id for k in settings.config.kpis if k.id in wanted]
    return ordered + sorted(wanted - set(ordered))


def kpi_name(settings: Settings, kpi_id: object, language: str) -> str:
    if is_missing(kpi_id) or not kpi_id:
        return ""
    kpi = settings.kpis.get(str(kpi_id))
    return kpi.name.get(language) if kpi else str(kpi_id)


def partner_currency(settings: Settings, partner_id: str) -> str:
    partner = settings.partners.get(partner_id)
    return (partner.currency if partner else None) or settings.config.organisation.currency


def kpi_text(fmt: Formats, settings: Settings, kpi_id: str, value: object, currency: str) -> str:
    kpi = settings.kpis.get(kpi_id)
    if kpi is None:
        return fmt.number(value, 2)
    return fmt.kpi_value(value, kpi.unit, kpi.decimals, currency)


def tick_formatter(fmt: Formats, kpi: Kpi | None, currency: str) -> Tick | None:
    """Axis labels in the report's language and the KPI's unit (None: plain numbers)."""
    if kpi is None:
        return None
    decimals = kpi.decimals if kpi.unit == "currency" else 0 if kpi.decimals == 0 else 1
    return lambda v: fmt.kpi_value(v, kpi.unit, decimals, currency)


def overall_tone(deviations: pd.DataFrame) -> str:
    """bad with any critical deviation, warn with any warning, else good."""
    return severity_tone(deviations["severity"] if len(deviations) else [])


def severity_tone(severities: Iterable[object]) -> str:
    """``overall_tone`` of deviations with these severities."""
    found = set(severities)
    if "critical" in found:
        return "bad"
    return "warn" if "warning" in found else "good"


def sort_deviations(frame: pd.DataFrame) -> pd.DataFrame:
    """Worst first: severity, then kind (breaches before signals), then partner, KPI, period."""
    if frame.empty:
        return frame
    keyed = frame.assign(
        _sev=frame["severity"].map(SEVERITY_RANK).fillna(9),
        _kind=frame["kind"].map(KIND_RANK).fillna(99),
    )
    keyed = keyed.sort_values(
        ["_sev", "_kind", "partner_id", "kpi_id", "period"], na_position="last", kind="stable"
    )
    return keyed.drop(columns=["_sev", "_kind"]).reset_index(drop=True)


def text(value: Any) -> str:
    """A free-text cell: empty for null."""
    return "" if is_missing(value) else str(value)
