"""The validated configuration as frames, for the pure transforms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from partner_review.settings import Settings
from transforms import schemas
from transforms.model import Catalog


def build_catalog(settings: Settings) -> Catalog:
    """One frame per kind of configured thing: KPIs, partners, service levels, objectives."""
    config = settings.config
    kpis = pd.DataFrame(
        [
            {
                "kpi_id": k.id,
                "name": k.name.get("en"),
                "unit": k.unit,
                "direction": k.direction,
                "aggregation": k.aggregation,
                "scale": k.effective_scale,
                "decimals": k.decimals,
                "min_denominator": k.min_denominator,
            }
            for k in config.kpis
        ],
        columns=list(schemas.KpiCatalog.to_schema().columns),
    )
    partners, levels, objectives = [], [], []
    for p in settings.partners.values():
        chronic = p.contract.chronic
        partners.append(
            {
                "partner_id": p.id,
                "name": p.name,
                "currency": p.currency or config.organisation.currency,
                "monthly_fee": p.monthly_fee,
                "contract_start": p.contract.start,
                "contract_end": p.contract.end,
                "credit_cap_pct": p.contract.credit_cap_pct,
                "earnback_months": p.contract.earnback_months,
                "chronic_breaches": chronic.breaches if chronic else None,
                "chronic_window_months": chronic.window_months if chronic else None,
            }
        )
        levels += [
            {
                "partner_id": p.id,
                "kpi_id": sl.kpi,
                "expected": sl.expected,
                "minimum": sl.minimum,
                "credit_pct": sl.credit_pct,
                "effective_from": sl.effective_from or p.contract.start,
                "change": sl.change,
            }
            for sl in p.service_levels
        ]
        objectives += [
            {
                "objective_id": o.id,
                "partner_id": p.id,
                "kpi_id": o.kpi,
                "title": o.title,
                "baseline_value": o.baseline.value,
                "baseline_period": o.baseline.period,
                "target_value": o.target.value,
                "target_change_pct": o.target.change_pct,
                "start": o.start,
                "deadline": o.deadline,
                "tolerance_pct": o.tolerance_pct,
                "owner": o.owner,
                "change": o.change,
            }
            for o in p.objectives
        ]
    return Catalog(
        kpis=schemas.KpiCatalog.validate(kpis),
        partners=_frame(schemas.PartnerCatalog, partners),
        service_levels=_frame(schemas.ServiceLevelCatalog, levels),
        objectives=_frame(schemas.ObjectiveCatalog, objectives),
        spc_window=config.reporting.spc.window,
        spc_min_points=config.reporting.spc.min_points,
        freshness_days=config.reporting.freshness_days,
        fiscal_year_start_month=config.organisation.fiscal_year_start_month,
    )


def _frame(model: type[schemas._Base], rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    columns = list(model.to_schema().columns)
    return model.validate(pd.DataFrame(rows, columns=columns))
