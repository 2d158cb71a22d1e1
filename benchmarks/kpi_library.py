"""The KPI catalogue the synthetic inputs draw from: twenty contact-centre KPIs.

Each entry says how config.yaml declares the KPI and how its rows behave: the
typical level of a partner (``level``, a rate in 0..1 for percent ratios), how
far partners and months stray from it (``spread``), the daily or monthly volume
behind a ratio, and the service level partners are held to, if any. Where a KPI
has a service level, level and spread put ``expected`` 1.4 spreads and
``minimum`` 2.4 spreads on the worse side of the level, so that about one
month in ten is at risk and one in fifty or so is in breach (more for the
weaker partners), and service credits and chronic breaches exist. The first
five are delivered as daily rows, the others as one row per month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KpiSpec:
    """One KPI: its config.yaml entry, its typical values and its service level."""

    id: str
    en: str
    fr: str
    unit: str
    direction: str
    aggregation: str
    level: float  # typical value; for percent ratios the rate (0..1) before × scale
    spread: float  # partner-to-partner and month-to-month variation, same unit as level
    scale: float = 1.0
    decimals: int = 1
    min_denominator: float | None = None
    volume: float = 0.0  # mean denominator of one row (contacts, answers, agents)
    service_level: tuple[float, float, float] | None = None  # expected, minimum, credit_pct
    daily: bool = False

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

    def config_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": self.id,
            "name": {"en": self.en, "fr": self.fr},
            "unit": self.unit,
            "direction": self.direction,
            "aggregation": self.aggregation,
        }
        if self.aggregation == "ratio":
            entry["scale"] = self.scale
        entry["decimals"] = self.decimals
        if self.min_denominator is not None:
            entry["min_denominator"] = self.min_denominator
        return entry


_HI, _LO = "higher_is_better", "lower_is_better"

KPI_LIBRARY: tuple[KpiSpec, ...] = (
    # daily rows (the bulk of the volume)
    KpiSpec(
        "service_level",
        "Service level (80/20)",
        "Niveau de service (80/20)",
        "percent",
        _HI,
        "ratio",
        0.87,
        0.05,
        scale=100,
        min_denominator=30,
        volume=600,
        daily=True,
        service_level=(80, 75, 4),
    ),
    KpiSpec(
        "first_contact_resolution",
        "First-contact resolution",
        "Résolution au premier contact",
        "percent",
        _HI,
        "ratio",
        0.82,
        0.05,
        scale=100,
        min_denominator=30,
        volume=600,
        daily=True,
        service_level=(75, 70, 3),
    ),
    KpiSpec(
        "average_handling_time",
        "Average handling time",
        "Durée moyenne de traitement",
        "seconds",
        _LO,
        "ratio",
        304,
        40,
        decimals=0,
        volume=600,
        daily=True,
        service_level=(360, 400, 2),
    ),
    KpiSpec(
        "abandonment_rate",
        "Abandonment rate",
        "Taux d'abandon",
        "percent",
        _LO,
        "ratio",
        0.046,
        0.01,
        scale=100,
        min_denominator=30,
        volume=650,
        daily=True,
        service_level=(6, 7, 2),
    ),
    KpiSpec(
        "contacts_handled",
        "Contacts handled",
        "Contacts traités",
        "count",
        _HI,
        "sum",
        600,
        60,
        decimals=0,
        daily=True,
    ),
    # monthly rows
    KpiSpec(
        "cost_per_contact",
        "Cost per contact",
        "Coût par contact",
        "currency",
        _LO,
        "ratio",
        4.6,
        0.25,
        decimals=2,
        volume=18000,
    ),
    KpiSpec(
        "backlog",
        "Open backlog",
        "Stock en attente",
        "count",
        _LO,
        "last",
        290,
        150,
        decimals=0,
        service_level=(500, 650, 1),
    ),
    KpiSpec(
        "csat",
        "Customer satisfaction (top-2-box)",
        "Satisfaction client (top-2-box)",
        "percent",
        _HI,
        "top2box",
        0.884,
        0.06,
        min_denominator=30,
        volume=60,
        service_level=(80, 74, 2),
    ),
    KpiSpec(
        "nps",
        "Net Promoter Score",
        "Net Promoter Score",
        "points",
        _HI,
        "nps",
        39,
        10,
        decimals=0,
        min_denominator=30,
        volume=80,
        service_level=(25, 15, 1),
    ),
    KpiSpec(
        "quality_score",
        "Quality score",
        "Note qualité",
        "score",
        _HI,
        "mean",
        89.2,
        3,
        service_level=(85, 82, 2),
    ),
    KpiSpec(
        "attrition_rate",
        "Agent attrition",
        "Attrition des conseillers",
        "percent",
        _LO,
        "ratio",
        0.03,
        0.008,
        scale=100,
        volume=120,
    ),
    KpiSpec(
        "absenteeism_rate",
        "Absenteeism",
        "Absentéisme",
        "percent",
        _LO,
        "ratio",
        0.06,
        0.012,
        scale=100,
        volume=2600,
    ),
    KpiSpec(
        "schedule_adherence",
        "Schedule adherence",
        "Respect du planning",
        "percent",
        _HI,
        "ratio",
        0.956,
        0.04,
        scale=100,
        volume=2600,
        service_level=(90, 86, 1),
    ),
    KpiSpec(
        "training_hours",
        "Training hours",
        "Heures de formation",
        "hours",
        _HI,
        "sum",
        120,
        25,
        decimals=0,
    ),
    KpiSpec(
        "escalations",
        "Escalations",
        "Escalades",
        "count",
        _LO,
        "sum",
        30,
        7,
        decimals=0,
    ),
    KpiSpec(
        "complaints",
        "Formal complaints",
        "Réclamations formelles",
        "count",
        _LO,
        "sum",
        8.2,
        7,
        decimals=0,
        service_level=(18, 25, 1),
    ),
    KpiSpec(
        "first_response_time",
        "First response time (email)",
        "Délai de première réponse",
        "hours",
        _LO,
        "mean",
        2.6,
        1,
        service_level=(4, 5, 1),
    ),
    KpiSpec(
        "resolution_time",
        "Resolution time",
        "Délai de résolution",
        "hours",
        _LO,
        "mean",
        24,
        3.5,
    ),
    KpiSpec(
        "peak_wait_time",
        "Peak wait time",
        "Attente maximale",
        "seconds",
        _LO,
        "max",
        600,
        90,
        decimals=0,
    ),
    KpiSpec(
        "min_staffing",
        "Minimum staffing",
        "Effectif minimal",
        "count",
        _HI,
        "min",
        40,
        4,
        decimals=0,
    ),
)


def pick_kpis(total: int, daily: int) -> tuple[KpiSpec, ...]:
    """The first ``daily`` daily KPIs and the first ``total - daily`` monthly ones."""
    daily_specs = [k for k in KPI_LIBRARY if k.daily][:daily]
    monthly_specs = [k for k in KPI_LIBRARY if not k.daily][: total - daily]
    if len(daily_specs) != daily or len(daily_specs) + len(monthly_specs) != total:
        raise ValueError(f"the library has no {total} KPIs with {daily} daily ones")
    return (*daily_specs, *monthly_specs)
