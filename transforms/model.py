"""The bundles of frames passed between stages.

* :class:`Catalog` — the configuration as frames (built by ``partner_review.catalog``).
* :class:`SourceData` — everything ingestion read from the inputs folder.
* :class:`ReviewModel` — every frame the writers, reports and delivery need for one run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from transforms.periods import RunSpec


@dataclass(frozen=True)
class Catalog:
    """config.yaml and partners/*.yaml as frames (see transforms.schemas *Catalog models)."""

    kpis: pd.DataFrame  # KpiCatalog: one row per KPI
    partners: pd.DataFrame  # PartnerCatalog: one row per partner
    service_levels: pd.DataFrame  # ServiceLevelCatalog: one row per version
    objectives: pd.DataFrame  # ObjectiveCatalog: one row per objective
    spc_window: int = 24
    spc_min_points: int = 8
    freshness_days: int = 3
    fiscal_year_start_month: int = 1


@dataclass(frozen=True)
class SourceData:
    """What ingestion read: kept rows, and every row it did not keep, with why."""

    observations: pd.DataFrame  # Observations (survey answers included, origin="survey")
    superseded: pd.DataFrame  # Superseded
    rejected: pd.DataFrame  # RejectedCsv
    files: pd.DataFrame  # InputFiles
    scope_changes: pd.DataFrame  # ScopeChanges
    actions: pd.DataFrame  # Actions
    comments: pd.DataFrame  # Comments


@dataclass(frozen=True)
class ReviewModel:
    """Everything one run computed; pure data, ready to write, render and deliver.

    Frames with ``*Csv`` schemas are written as they are (columns selected in order);
    the others feed the reports.
    """

    run: RunSpec
    scorecard: pd.DataFrame  # ScorecardCsv columns + period_kind, provisional, comparison, change
    monthly: pd.DataFrame  # one row per partner, KPI and month with data or a target, every month
    # of the inputs up to the run's last month: ScorecardCsv columns (period = YYYY-MM)
    objectives: (
        pd.DataFrame
    )  # ObjectivesCsv columns + title, owner, start, deadline, change, period
    signals: pd.DataFrame  # one row per partner, KPI and signal at the evaluation month:
    # partner_id, kpi_id, period, signal (spc_outside|spc_shift|spc_trend), concern (bool)
    spc_limits: pd.DataFrame  # one row per partner and KPI with a window:
    # partner_id, kpi_id, period, cl, lcl, ucl, points
    deviations: pd.DataFrame  # DeviationsCsv columns, sorted by partner, KPI, period
    credits: pd.DataFrame  # CreditsCsv columns + monthly_fee, chronic (bool)
    freshness: pd.DataFrame  # partner_id, kpi_id, latest_period_end, days_old, stale (nightly)
    source: SourceData
    scope_changes: pd.DataFrame  # ScopeChanges in scope of the run + moved_targets (text)
    actions: pd.DataFrame  # Actions in scope of the run + overdue (bool)
    comments: pd.DataFrame  # Comments
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)
