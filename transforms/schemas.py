"""Every frame's columns, declared once.

Frames are checked against these models where data enters (ingestion) and
leaves (the CSV writers). Output models (``*Csv``) list exactly the columns
of SPEC §5 in order; internal frames may carry more columns (strict=False).
The same models drive hypothesis strategies in the tests.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.engines.pandas_engine import PandasObject
from pandera.typing import Series

ORIGINS = ["observation", "survey"]
MONTH_LABEL = r"^\d{4}-\d{2}$"


@pandas_engine.Engine.register_dtype
class TextCategory(pandas_engine.Category):
    """pandera's ``Category`` (a ``category`` column, any labels), whose coercion leaves a
    column that is already an unordered ``category`` as it is: pandera's would cast it to
    the very same categories and then compare every row's NaN before and after, a pass
    over millions of rows for nothing. Any other column is coerced as ``Category`` does."""

    def coerce(self, data_container: PandasObject) -> PandasObject:
        dtype = getattr(data_container, "dtype", None)
        if isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered:
            return data_container
        return super().coerce(data_container)


def per_label(column: pd.Series, test: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``test`` of each row's text, worked out once per label of a ``category`` column
    (a few labels for millions of rows) and on every row of any other column; an empty
    row passes (pandera leaves empty cells to ``nullable``)."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return test(column) | column.isna()
    labels = pd.Series(column.cat.categories)
    per_code = np.append(test(labels).to_numpy(dtype=bool), True)  # code -1 (empty): last
    return pd.Series(per_code[column.cat.codes.to_numpy()], index=column.index)


class _Base(pa.DataFrameModel):
    class Config:
        coerce = True
        strict = False


class Observations(_Base):
    """One row per kept observation row or survey answer (after the duplicate rule).

    Survey answers become rows with numerator +1/0/-1 (nps) or 1/0 (top2box)
    and denominator 1, so answers and ratio rows pool as Σnum/Σden × 100.
    ``month`` is the ``YYYY-MM`` label of the month the row lies in.

    partner_id, kpi_id, month, file and origin repeat a few hundred labels over
    millions of rows, source and note are mostly empty or repeated: they are
    ``category`` (one code per row, empty cells NaN), with ``str`` labels
    sorted in text order and each in use (see :mod:`transforms.categories`); a text
    column given here becomes such a category. pandera draws no data for a category
    column, so this model has no ``strategy()`` (the property tests draw rows
    themselves: tests/properties/frames.py). ``month`` and ``origin`` are checked once
    per label (:func:`per_label`), under pandera's names for ``str_matches`` and
    ``isin``: the same rows at fault as those per-row checks.
    """

    partner_id: Series[TextCategory]
    kpi_id: Series[TextCategory]
    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    month: Series[TextCategory]  # YYYY-MM: _month_is_a_month_label
    numerator: Series[float] = pa.Field(nullable=True)
    denominator: Series[float] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    source: Series[TextCategory] = pa.Field(nullable=True)
    note: Series[TextCategory] = pa.Field(nullable=True)
    file: Series[TextCategory]
    line: Series[int] = pa.Field(ge=1)
    origin: Series[TextCategory]  # one of ORIGINS: _origin_is_known

    @pa.check("month", name="str_matches", error=f"str_matches('{MONTH_LABEL}')")
    @classmethod
    def _month_is_a_month_label(cls, month: pd.Series) -> pd.Series:
        return per_label(month, lambda labels: labels.str.match(MONTH_LABEL, na=False))

    @pa.check("origin", name="isin", error=f"isin({ORIGINS})")
    @classmethod
    def _origin_is_known(cls, origin: pd.Series) -> pd.Series:
        return per_label(origin, lambda labels: labels.isin(ORIGINS))


class Superseded(_Base):
    """One row per observation row replaced under the duplicate rule (data-quality appendix)."""

    file: Series[str]
    line: Series[int]
    partner_id: Series[str]
    kpi_id: Series[str]
    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    kept_file: Series[str]
    kept_line: Series[int]
    reason: Series[str]  # "same values" (kept once) or "different values"


class RejectedCsv(_Base):
    """rejected_rows.csv: one row per rejected row; line empty for a whole unreadable file."""

    file: Series[str]
    line: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    column: Series[str] = pa.Field(nullable=True)
    value: Series[str] = pa.Field(nullable=True)
    reason: Series[str]

    class Config:
        strict = True
        ordered = True


class InputFiles(_Base):
    """One row per input file read: manifest and data-quality appendix."""

    file: Series[str]  # relative to the inputs folder, with '/'
    kind: Series[str] = pa.Field(
        isin=["observations", "surveys", "scope_changes", "actions", "comments"]
    )
    sha256: Series[str]
    rows: Series[int]  # data rows read (kept + rejected)
    rejected: Series[int]


class ScopeChanges(_Base):
    change_id: Series[str]
    partner_id: Series[str]
    title: Series[str]
    requested_on: Series[pd.Timestamp] = pa.Field(nullable=True)
    requested_by: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(
        isin=["proposed", "assessed", "approved", "rejected", "implemented"]
    )
    decision_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    effective_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    fee_delta_monthly: Series[float] = pa.Field(nullable=True)
    fte_delta: Series[float] = pa.Field(nullable=True)
    affected_kpis: Series[str] = pa.Field(nullable=True)  # ';'-separated KPI ids
    impact: Series[str] = pa.Field(nullable=True)
    document: Series[str] = pa.Field(nullable=True)


class Actions(_Base):
    action_id: Series[str]
    partner_id: Series[str]
    title: Series[str]
    owner: Series[str] = pa.Field(nullable=True)
    owner_side: Series[str] = pa.Field(isin=["client", "partner"])
    raised_on: Series[pd.Timestamp] = pa.Field(nullable=True)
    due_date: Series[pd.Timestamp] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=["open", "in_progress", "done", "cancelled"])
    kpi_id: Series[str] = pa.Field(nullable=True)
    objective_id: Series[str] = pa.Field(nullable=True)
    closed_on: Series[pd.Timestamp] = pa.Field(nullable=True)
    notes: Series[str] = pa.Field(nullable=True)


class Comments(_Base):
    partner_id: Series[str]
    kpi_id: Series[str]
    period: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    author: Series[str] = pa.Field(nullable=True)
    side: Series[str] = pa.Field(nullable=True)
    comment: Series[str]


# --- catalog: config as frames -------------------------------------------------------------


class KpiCatalog(_Base):
    """One row per KPI of config.yaml."""

    kpi_id: Series[str]
    name: Series[str]  # English name, for messages in deviations.csv
    unit: Series[str]
    direction: Series[str] = pa.Field(isin=["higher_is_better", "lower_is_better"])
    aggregation: Series[str]
    scale: Series[float]  # effective: nps and top2box are 100
    decimals: Series[int]
    min_denominator: Series[float] = pa.Field(nullable=True)


class PartnerCatalog(_Base):
    """One row per partner file."""

    partner_id: Series[str]
    name: Series[str]
    currency: Series[str]
    monthly_fee: Series[float]
    contract_start: Series[pd.Timestamp]
    contract_end: Series[pd.Timestamp]
    credit_cap_pct: Series[float] = pa.Field(nullable=True)
    earnback_months: Series[int]
    chronic_breaches: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    chronic_window_months: Series[pd.Int64Dtype] = pa.Field(nullable=True)


class ServiceLevelCatalog(_Base):
    """One row per service-level version (effective_from defaulted to contract.start)."""

    partner_id: Series[str]
    kpi_id: Series[str]
    expected: Series[float]
    minimum: Series[float]
    credit_pct: Series[float]
    effective_from: Series[pd.Timestamp]
    change: Series[str] = pa.Field(nullable=True)


class ObjectiveCatalog(_Base):
    """One row per objective."""

    objective_id: Series[str]
    partner_id: Series[str]
    kpi_id: Series[str]
    title: Series[str]
    baseline_value: Series[float] = pa.Field(nullable=True)
    baseline_period: Series[str] = pa.Field(nullable=True)  # YYYY-MM
    target_value: Series[float] = pa.Field(nullable=True)
    target_change_pct: Series[float] = pa.Field(nullable=True)
    start: Series[pd.Timestamp]
    deadline: Series[pd.Timestamp]
    tolerance_pct: Series[float]
    owner: Series[str] = pa.Field(nullable=True)
    change: Series[str] = pa.Field(nullable=True)


# --- outputs (SPEC §5, exact columns in order) -----------------------------------------------


class ScorecardCsv(_Base):
    partner_id: Series[str]
    kpi_id: Series[str]
    period: Series[str]
    actual: Series[float] = pa.Field(nullable=True)
    expected: Series[float] = pa.Field(nullable=True)
    minimum: Series[float] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(
        isin=["no_target", "no_data", "insufficient_volume", "met", "at_risk", "breach"]
    )
    numerator: Series[float] = pa.Field(nullable=True)
    denominator: Series[float] = pa.Field(nullable=True)
    rows: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        ordered = True


class ObjectivesCsv(_Base):
    objective_id: Series[str]
    partner_id: Series[str]
    kpi_id: Series[str]
    baseline: Series[float] = pa.Field(nullable=True)
    target: Series[float] = pa.Field(nullable=True)
    current: Series[float] = pa.Field(nullable=True)
    progress_pct: Series[float] = pa.Field(nullable=True)
    expected_pct: Series[float] = pa.Field(nullable=True)
    forecast: Series[float] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(
        isin=["not_started", "no_data", "achieved", "missed", "off_track", "at_risk", "on_track"]
    )

    class Config:
        strict = True
        ordered = True


class DeviationsCsv(_Base):
    partner_id: Series[str] = pa.Field(nullable=True)
    kpi_id: Series[str] = pa.Field(nullable=True)
    objective_id: Series[str] = pa.Field(nullable=True)
    period: Series[str]
    kind: Series[str] = pa.Field(
        isin=[
            "sla_breach",
            "chronic_breach",
            "sla_at_risk",
            "objective_missed",
            "objective_off_track",
            "objective_at_risk",
            "spc_outside",
            "spc_shift",
            "spc_trend",
            "missing_data",
            "stale_data",
            "insufficient_volume",
            "action_overdue",
            "rejected_rows",
            "contract_review_due",
        ]
    )
    severity: Series[str] = pa.Field(isin=["critical", "warning", "info"])
    message: Series[str]

    class Config:
        strict = True
        ordered = True


class CreditsCsv(_Base):
    partner_id: Series[str]
    kpi_id: Series[str]
    period: Series[str]
    credit_pct: Series[float]
    credit_amount: Series[float]
    currency: Series[str]
    capped: Series[bool]
    earnback: Series[str] = pa.Field(isin=["pending", "earned_back", "confirmed"])

    class Config:
        strict = True
        ordered = True
