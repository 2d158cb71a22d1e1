"""Tiny catalogs, observation frames and hypothesis strategies shared by the property tests.

Rows are drawn as plain tuples and turned into frames whose columns come from the pandera
models in ``transforms.schemas`` (and are validated by them). The models' own
``strategy()`` is not used for rows: it draws unrelated random ids and month labels,
while these properties need rows that reference the catalog and lie in known months.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from hypothesis import strategies as st

from transforms import schemas
from transforms.model import Catalog, SourceData

PARTNERS = ("P1", "P2")
MONTHS = ("2026-04", "2026-05", "2026-06")
DAYS_IN_MONTH = 28  # every drawn day is in 1..28, so any month works


@dataclass(frozen=True)
class Kpi:
    """One KPI of a test catalog, with its service level (expected, minimum)."""

    kpi_id: str
    direction: str
    aggregation: str
    scale: float
    expected: float
    minimum: float


KPIS = (
    Kpi("sl", "higher_is_better", "ratio", 100.0, 80.0, 75.0),
    Kpi("cpc", "lower_is_better", "ratio", 1.0, 4.0, 5.0),
    Kpi("aht", "lower_is_better", "mean", 1.0, 300.0, 360.0),
    Kpi("cases", "higher_is_better", "sum", 1.0, 500.0, 400.0),
    Kpi("backlog", "lower_is_better", "last", 1.0, 50.0, 80.0),
    Kpi("fcr", "higher_is_better", "min", 1.0, 70.0, 60.0),
    Kpi("quality", "higher_is_better", "max", 1.0, 90.0, 85.0),
)
RATIO_KPIS = tuple(k.kpi_id for k in KPIS if k.aggregation == "ratio")


def make_catalog(kpis: tuple[Kpi, ...] = KPIS, cap_pct: float | None = 10.0) -> Catalog:
    """Partners P1 and P2 (fee 10,000, earn-back 1 month, chronic 2 of 3) and a level per KPI."""
    kpi_frame = pd.DataFrame(
        [(k.kpi_id, k.kpi_id, "count", k.direction, k.aggregation, k.scale, 1, None) for k in kpis],
        columns=list(schemas.KpiCatalog.to_schema().columns),
    )
    partners = pd.DataFrame(
        [
            {
                "partner_id": pid,
                "name": f"Partner {pid}",
                "currency": "EUR",
                "monthly_fee": 10000.0,
                "contract_start": pd.Timestamp("2025-01-01"),
                "contract_end": pd.Timestamp("2027-12-31"),
                "credit_cap_pct": cap_pct,
                "earnback_months": 1,
                "chronic_breaches": 2,
                "chronic_window_months": 3,
            }
            for pid in PARTNERS
        ]
    )
    levels = pd.DataFrame(
        [
            (pid, k.kpi_id, k.expected, k.minimum, 6.0, pd.Timestamp("2026-01-01"), None)
            for pid in PARTNERS
            for k in kpis
        ],
        columns=list(schemas.ServiceLevelCatalog.to_schema().columns),
    )
    objectives = pd.DataFrame(
        {c: pd.Series(dtype=object) for c in schemas.ObjectiveCatalog.to_schema().columns}
    )
    return Catalog(
        kpis=schemas.KpiCatalog.validate(kpi_frame),
        partners=schemas.PartnerCatalog.validate(partners),
        service_levels=schemas.ServiceLevelCatalog.validate(levels),
        objectives=schemas.ObjectiveCatalog.validate(objectives),
    )


@dataclass(frozen=True)
class Row:
    """One observation row: a day, and numerator/denominator (ratio KPIs) or value."""

    partner_id: str
    kpi_id: str
    day: pd.Timestamp
    numerator: float | None
    denominator: float | None
    value: float | None
    end: pd.Timestamp | None = None  # last day covered; default ``day``


def observations_frame(rows: list[Row]) -> pd.DataFrame:
    """An Observations frame of ``rows``, one file, line = position + 2."""
    frame = pd.DataFrame(
        {
            "partner_id": [r.partner_id for r in rows],
            "kpi_id": [r.kpi_id for r in rows],
            "period_start": pd.to_datetime([r.day for r in rows]),
            "period_end": pd.to_datetime([r.end if r.end is not None else r.day for r in rows]),
            "month": [r.day.strftime("%Y-%m") for r in rows],
            "numerator": pd.array([r.numerator for r in rows], dtype="float64"),
            "denominator": pd.array([r.denominator for r in rows], dtype="float64"),
            "value": pd.array([r.value for r in rows], dtype="float64"),
            "source": pd.Series([None] * len(rows), dtype=object),
            "note": pd.Series([None] * len(rows), dtype=object),
            "file": "observations/rows.csv",
            "line": pd.array(range(2, len(rows) + 2), dtype="int64"),
            "origin": "observation",
        },
        columns=list(schemas.Observations.to_schema().columns),
    )
    return schemas.Observations.validate(frame)


def empty_source(observations: pd.DataFrame) -> SourceData:
    """SourceData holding ``observations`` and no logs, rejected or superseded rows."""

    def empty(model: type[schemas._Base]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in model.to_schema().columns})

    rejected = empty(schemas.RejectedCsv)
    rejected["line"] = rejected["line"].astype("Int64")
    return SourceData(
        observations=observations,
        superseded=empty(schemas.Superseded),
        rejected=rejected,
        files=empty(schemas.InputFiles),
        scope_changes=empty(schemas.ScopeChanges),
        actions=empty(schemas.Actions),
        comments=empty(schemas.Comments),
    )


def _kpi(kpi_id: str) -> Kpi:
    return next(k for k in KPIS if k.kpi_id == kpi_id)


@st.composite
def rows(draw: st.DrawFn, kpi_ids: tuple[str, ...] | None = None, max_size: int = 40) -> list[Row]:
    """Observation rows with distinct (partner, KPI, day): no duplicates to resolve.

    Ratio rows have whole-number counts (denominator 1..200, numerator 0..denominator);
    other rows a value with two decimals in 0..1000.
    """
    ids = kpi_ids or tuple(k.kpi_id for k in KPIS)
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(PARTNERS),
                st.sampled_from(ids),
                st.sampled_from(MONTHS),
                st.integers(1, DAYS_IN_MONTH),
            ),
            min_size=1,
            max_size=max_size,
            unique=True,
        )
    )
    drawn = []
    for pid, kid, month, day in keys:
        when = pd.Timestamp(f"{month}-{day:02d}")
        if _kpi(kid).aggregation == "ratio":
            den = draw(st.integers(1, 200))
            num = draw(st.integers(0, den))
            drawn.append(Row(pid, kid, when, float(num), float(den), None))
        else:
            value = draw(st.integers(0, 100_000)) / 100
            drawn.append(Row(pid, kid, when, None, None, value))
    return drawn
