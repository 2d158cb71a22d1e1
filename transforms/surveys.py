"""Survey answers to Observations rows (SPEC §1 "Survey files", §3).

One row per answer: ``partner_id, kpi_id, response_date, score`` (plus optional
``source`` and ``note``). Each kept answer becomes one Observations row with
``origin="survey"``, period_start = period_end = response_date, denominator 1 and
numerator +1 (promoter, 9-10), 0 (passive, 7-8) or -1 (detractor, 0-6) for an nps KPI,
1 (score 4-5) or 0 (1-3) for a top2box KPI, so answers pool with ratio rows as
Σnumerator / Σdenominator × 100. There is no duplicate rule: two identical answers
are two answers. Scores must be whole numbers (``9`` or ``9.0``, not ``8.5``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import numpy as np
import pandas as pd

from transforms.batches import Batch, batches, single
from transforms.categories import concat_rows, constant_category, month_category
from transforms.cells import Faults, RawFrame, concat_rejected, flag_extra_cells
from transforms.observation_cells import flag_number_faults
from transforms.observations import (
    OBSERVATION_COLUMNS,
    empty_observations,
    flag_identity,
    optional_category,
    text_category,
    used_categories,
)
from transforms.row_checks import (
    RowFaults,
    coded_text,
    column_dates,
    column_numbers,
)

SURVEY_REQUIRED = ("partner_id", "kpi_id", "response_date", "score")
SURVEY_AGGREGATIONS = ("nps", "top2box")


def build_survey_rows(
    tables: Iterable[RawFrame], kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every survey file's answers: (Observations rows with origin "survey", rejected rows).

    Small files are checked together, in batches of consecutive files (see
    :mod:`transforms.batches`): the same rows as checking each file alone. The
    repeated text columns are ``category`` (see :mod:`transforms.categories`).
    """
    kept, rejected = [], []
    for batch in batches(tables):
        rows, bad = _checked_answers(batch, kpis, partners)
        kept.append(rows)
        rejected.append(bad)
    answers = concat_rows(kept, consume=True) if kept else empty_observations()
    return used_categories(answers), concat_rejected(rejected)


def check_survey_rows(
    table: RawFrame, kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One survey file: (one Observations row per valid answer, rejected rows)."""
    return _checked_answers(single(table), kpis, partners)


def _checked_answers(
    batch: Batch, kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """check_survey_rows of a batch of files."""
    raw = batch.frame
    faults = RowFaults(raw.index)
    flag_extra_cells(cast(Faults, faults), raw)  # RowFaults has the flag() of Faults
    partner, kpi = coded_text(raw, "partner_id"), coded_text(raw, "kpi_id")
    flag_identity(faults, partner, kpi, kpis, partners)
    aggregation = kpi.lookup(dict(zip(kpis["kpi_id"], kpis["aggregation"], strict=True)))
    faults.flag(
        ~aggregation.isin(SURVEY_AGGREGATIONS),
        "kpi_id",
        "is neither an nps nor a top2box KPI; survey answers feed only those, deliver "
        "other KPIs as observation rows",
    )
    date = column_dates(raw, "response_date")
    faults.flag(date.empty, "response_date", "is empty; write the answer's date as YYYY-MM-DD")
    faults.flag(date.invalid, "response_date", "is not a date; write it as YYYY-MM-DD")
    score = column_numbers(raw, "score", batch.decimal_comma)
    flag_number_faults(faults, score, pd.Series(True, index=raw.index), "score", "write the score")
    values = score.values
    faults.flag(
        values.ne(np.floor(values)) & values.notna(),
        "score",
        "is not a whole number; a score is an integer",
    )
    is_nps = aggregation.eq("nps")
    faults.flag(is_nps & ((values < 0) | (values > 10)), "score", "is outside 0-10 for an nps KPI")
    faults.flag(
        aggregation.eq("top2box") & ((values < 1) | (values > 5)),
        "score",
        "is outside 1-5 for a top2box KPI",
    )
    ok = faults.ok
    numerator = np.where(
        is_nps, np.select([values >= 9, values <= 6], [1.0, -1.0], 0.0), (values >= 4) * 1.0
    )
    day = date.values[ok]
    kept = pd.DataFrame(
        {
            "partner_id": text_category(partner)[ok],
            "kpi_id": text_category(kpi)[ok],
            "period_start": day,
            "period_end": day,
            "month": pd.Series(month_category(day), index=day.index),
            "numerator": pd.Series(numerator, index=raw.index)[ok],
            "denominator": 1.0,
            "value": np.nan,
            "source": optional_category(raw, "source")[ok],
            "note": optional_category(raw, "note")[ok],
            "file": batch.file_category()[ok],
            "line": raw.loc[ok, "line"].astype("int64"),
            "origin": pd.Series(constant_category("survey", len(day)), index=day.index),
        },
        columns=OBSERVATION_COLUMNS,
    )
    rejected = faults.rejected(raw, batch.files)
    return kept.reset_index(drop=True), rejected
