"""The KPI catalogue and partner terms the deviation tests share (one partner, three KPIs)."""

from __future__ import annotations

import pandas as pd

from transforms import schemas
from transforms.deviations import KpiTerms
from transforms.periods import parse_quarter, quarterly_run

KPIS = schemas.KpiCatalog.validate(
    pd.DataFrame(
        [
            (
                "service_level",
                "Service level (80/20)",
                "percent",
                "higher_is_better",
                "ratio",
                100.0,
                1,
                30.0,
            ),
            ("aht", "Average handling time", "seconds", "lower_is_better", "ratio", 1.0, 0, None),
            ("cpc", "Cost per contact", "currency", "lower_is_better", "ratio", 1.0, 2, None),
        ],
        columns=list(schemas.KpiCatalog.to_schema().columns),
    )
)


def partners(end: str = "2027-12-31") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "partner_id": "P1",
                "name": "Outokia Customer Care",
                "currency": "EUR",
                "monthly_fee": 42000.0,
                "contract_start": pd.Timestamp("2025-01-01"),
                "contract_end": pd.Timestamp(end),
                "credit_cap_pct": None,
                "earnback_months": 0,
                "chronic_breaches": None,
                "chronic_window_months": None,
            }
        ]
    )


TERMS = KpiTerms(KPIS, partners())
Q3 = quarterly_run(parse_quarter("2026-Q3", 1))
