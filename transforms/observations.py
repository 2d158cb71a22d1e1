"""Observation files' raw rows to kept, rejected and superseded rows (SPEC §1, §3).

Each row of an observation file either becomes one row of the Observations frame
(``origin="observation"``), or one rejected row naming the first column at fault, in
the order partner_id, kpi_id, period_start, period_end, period, numerator,
denominator, value, or one superseded row under the duplicate rule.

Settled here where the spec is silent:

* a ratio, nps or top2box row's ``value`` cell is not read (the KPI is computed
  from numerator and denominator), and another KPI's numerator/denominator cells
  are not read either; the kept row carries only the numbers its KPI uses;
* identifiers are compared after removing surrounding spaces, case-sensitively
  (partner and KPI ids are written exactly as in the configuration);
* ``period`` and ``period_start``/``period_end`` may both be filled when they agree;
  a ``YYYY-MM-DD`` period is that one day.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from transforms.batches import Batch, batches, single
from transforms.categories import (
    CATEGORY_COLUMNS,
    as_category,
    coded_category,
    coded_month_category,
    concat_rows,
    constant_category,
    empty_category,
    month_category,
)
from transforms.cells import (
    Faults,
    RawFrame,
    concat_rejected,
    flag_extra_cells,
    known_list,
)
from transforms.duplicates import ROW_KEY, coded_row_keys, duplicate_rule, kept_rows
from transforms.observation_cells import (
    NUMBER_COLUMNS,
    Periods,
    coded_periods,
    number_columns,
    number_rows,
)
from transforms.row_checks import (
    CodedText,
    FaultSink,
    RowFaults,
    coded_text,
    column_optional_text,
)

OBSERVATION_REQUIRED: tuple[str | tuple[str, ...], ...] = (
    "partner_id",
    "kpi_id",
    ("period_start", "period"),
)
_PARSE_IN_THREAD_ROWS = 50_000  # below this, starting a thread costs more than it hides
OBSERVATION_COLUMNS = [
    "partner_id",
    "kpi_id",
    "period_start",
    "period_end",
    "month",
    "numerator",
    "denominator",
    "value",
    "source",
    "note",
    "file",
    "line",
    "origin",
]


@dataclass(frozen=True)
class ObservationResult:
    """Kept rows (Observations), rejected rows (RejectedCsv) and superseded rows (Superseded)."""

    observations: pd.DataFrame
    rejected: pd.DataFrame
    superseded: pd.DataFrame


def build_observations(
    tables: Iterable[RawFrame], kpis: pd.DataFrame, partners: pd.DataFrame
) -> ObservationResult:
    """Every observation file's rows checked, then the duplicate rule applied across files.

    Small files are checked together, in batches of consecutive files (see
    :mod:`transforms.batches`): the same rows as checking each file alone. The kept
    rows' repeated text columns are ``category`` (see :mod:`transforms.categories`).
    """
    kept, rejected = [], []
    labels_used = True  # whether every category label of the kept rows is on some row
    for batch in batches(tables):
        rows, bad = _checked_rows(batch, kpis, partners)
        kept.append(rows)
        rejected.append(bad)
        labels_used = labels_used and every_label_used(batch, rows, bad)
    if not all(ROW_KEY in rows.columns for rows in kept):
        kept = [rows.drop(columns=ROW_KEY, errors="ignore") for rows in kept]
    every = concat_rows(kept, consume=True) if kept else empty_observations()
    kept.clear()  # each file's kept rows are in `every` now (peak memory)
    checked = len(every)
    kept_at, superseded = duplicate_rule(every)
    observations = kept_rows(every, kept_at, consume=True)  # one column at a time (memory)
    if not (labels_used and checked and len(observations) == checked):
        # some row was left out (or there are none: empty_observations' text columns)
        observations = used_categories(observations)
    return ObservationResult(observations, concat_rejected(rejected), superseded)


def check_observation_rows(
    table: RawFrame, kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One file's rows: (valid rows as Observations columns, rejected rows)."""
    kept, rejected = _checked_rows(single(table), kpis, partners)
    return kept.drop(columns=ROW_KEY, errors="ignore"), rejected


def _checked_rows(
    batch: Batch, kpis: pd.DataFrame, partners: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """check_observation_rows of a batch of files, the kept rows with their key if it fits.

    On a batch of many rows the number columns are parsed and checked on the second core
    (a worker thread: arrow casts and numpy masks release the GIL) while this thread
    checks the identity and period columns, handing the worker each row's KPI
    aggregation once kpi_id is coded. The number checks flag into a sink of their own,
    appended after the period's: every row's first fault is the one of flagging them all
    in order on one thread.
    """
    raw = batch.frame
    aggregation: Future[pd.Series] = Future()  # each row's KPI aggregation, set below
    with ThreadPoolExecutor(max_workers=1) as pool:
        number_job = (
            pool.submit(_number_checks, raw, batch.decimal_comma, aggregation)
            if len(raw) >= _PARSE_IN_THREAD_ROWS
            else None
        )
        try:
            faults = RowFaults(raw.index)
            flag_extra_cells(cast(Faults, faults), raw)  # RowFaults has the flag() of Faults
            partner, kpi = coded_text(raw, "partner_id"), coded_text(raw, "kpi_id")
            aggregation.set_result(
                kpi.lookup(dict(zip(kpis["kpi_id"], kpis["aggregation"], strict=True)))
            )
            flag_identity(faults, partner, kpi, kpis, partners)
            periods = coded_periods(faults, raw)
            start, end = periods.rows()
            labels = {"partner_id": text_category(partner), "kpi_id": text_category(kpi)}
        finally:
            if not aggregation.done():  # failed before: the worker must not wait for it
                aggregation.set_exception(RuntimeError("kpi_id was not coded"))
        number_faults, numbers = (
            number_job.result()
            if number_job is not None
            else _number_checks(raw, batch.decimal_comma, aggregation)
        )
    faults.extend(number_faults)
    ok = faults.ok
    every = bool(ok.all())

    def kept_rows(column: pd.Series) -> pd.Series:
        return column if every else column[ok]

    def kept_array(values: np.ndarray) -> np.ndarray:
        return values if every else values[ok.to_numpy()]

    kept_start = kept_rows(start)
    kept = columns_frame(
        {
            **{name: kept_rows(column) for name, column in labels.items()},
            "period_start": kept_start,
            "period_end": kept_rows(end),
            "month": _months(periods, kept_start, every),
            **{name: kept_rows(numbers[name]) for name in NUMBER_COLUMNS},
            "source": kept_rows(optional_category(raw, "source")),
            "note": kept_rows(optional_category(raw, "note")),
            "file": kept_rows(batch.file_category()),
            "line": kept_rows(raw["line"]).astype("int64"),
            "origin": pd.Series(
                constant_category("observation", len(kept_start)), index=kept_start.index
            ),
        },
        OBSERVATION_COLUMNS,
        kept_start.index,
    )
    keys = coded_row_keys(
        (kept_array(partner.codes), _positions(partner.distinct, partners["partner_id"])),
        (kept_array(kpi.codes), _positions(kpi.distinct, kpis["kpi_id"])),
        len(kpis),
        kept_array(periods.codes),
        (periods.start, periods.end),
    )
    if keys is not None:
        kept[ROW_KEY] = keys
    rejected = faults.rejected(raw, batch.rows_file())
    return kept.reset_index(drop=True), rejected


def _months(periods: Periods, kept_start: pd.Series, every: bool) -> pd.Series:
    """The kept rows' month labels: worked out once per distinct period when every row is
    kept (each period is then some row's), else from the kept rows' dates (a rejected
    row's period leaves no label)."""
    if every:
        return pd.Series(coded_month_category(periods.codes, periods.start), kept_start.index)
    return pd.Series(month_category(kept_start), index=kept_start.index)


def _number_checks(
    raw: pd.DataFrame, decimal_comma: bool, aggregation: Future[pd.Series]
) -> tuple[RowFaults, dict[str, pd.Series]]:
    """The number columns parsed, then checked for each row's KPI aggregation (waited
    for: it comes from the thread that codes kpi_id), in a fault sink of their own."""
    cells = number_columns(raw, decimal_comma)
    faults = RowFaults(raw.index)
    return faults, number_rows(faults, *cells, aggregation=aggregation.result())


def columns_frame(columns: dict[str, pd.Series], order: list[str], index: pd.Index) -> pd.DataFrame:
    """The columns (each on ``index``) as a frame in ``order``, one column at a time: each
    stays a block of its own, where ``pd.DataFrame(dict)`` copies the float, date and int
    columns into one 2-D block per dtype (~10 ms per million rows, then split again)."""
    frame = pd.DataFrame(index=index)
    for name in order:
        frame[name] = columns[name]
    return frame


def text_category(text: CodedText) -> pd.Series:
    """Every row's text of a coded column as a ``category`` (no text copied per row)."""
    return pd.Series(coded_category(text.codes, text.distinct), index=text.index)


def optional_category(raw: pd.DataFrame, name: str) -> pd.Series:
    """An optional text column (``source``, ``note``) as a category: NaN where empty or
    absent."""
    if name not in raw.columns:
        return pd.Series(empty_category(len(raw)), index=raw.index)
    return as_category(column_optional_text(raw, name))


def every_label_used(batch: Batch, kept: pd.DataFrame, rejected: pd.DataFrame) -> bool:
    """Whether every category label of a batch's kept rows is on one of them, told without
    counting codes: it is when no row was rejected (each label comes from a row's cell, a
    date or the batch's files), every file of the batch has rows (its label is on them)
    and there is a row at all (``origin`` is one label on every row)."""
    return rejected.empty and len(kept) > 0 and all(batch.sizes)


def used_categories(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with each of CATEGORY_COLUMNS a category of sorted labels all in use
    (rows left out by the checks or the duplicate rule leave labels no row has)."""
    for name in CATEGORY_COLUMNS:
        if name in rows.columns:
            rows[name] = as_category(rows[name])
    return rows


def _positions(values: pd.Series, catalog: pd.Series) -> np.ndarray:
    """Each value's position in the catalog column (-1 where not in it)."""
    return pd.Index(catalog).get_indexer(values.astype(object))


def flag_identity(
    faults: FaultSink,
    partner: CodedText,
    kpi: CodedText,
    kpis: pd.DataFrame,
    partners: pd.DataFrame,
) -> None:
    """partner_id and kpi_id must name a configured partner and KPI."""
    known_partners = set(partners["partner_id"])
    known_kpis = set(kpis["kpi_id"])
    partner_id, kpi_id = partner.distinct, kpi.distinct
    flag_cells(
        faults,
        partner,
        partner_id.eq(""),
        "partner_id",
        f"is empty; write the partner id ({known_list(known_partners)})",
    )
    flag_cells(
        faults,
        partner,
        ~partner_id.isin(known_partners),
        "partner_id",
        f"is not a configured partner; use one of {known_list(known_partners)} "
        "or add partners/<id>.yaml",
    )
    flag_cells(
        faults,
        kpi,
        kpi_id.eq(""),
        "kpi_id",
        f"is empty; write the KPI id ({known_list(known_kpis)})",
    )
    flag_cells(
        faults,
        kpi,
        ~kpi_id.isin(known_kpis),
        "kpi_id",
        f"is not a KPI of config.yaml; use one of {known_list(known_kpis)}",
    )


def flag_cells(
    faults: FaultSink, text: CodedText, at_fault: pd.Series, column: str, reason: str
) -> None:
    """Flag the rows of the distinct cells ``at_fault``; nothing at all when no cell is (a
    mask of a million rows, all False, flags no row in either sink)."""
    if at_fault.any():
        faults.flag(text.spread(at_fault), column, reason)


def empty_observations() -> pd.DataFrame:
    """An Observations frame with no rows (its text columns ``object``)."""
    types: dict[str, Any] = {
        "period_start": "datetime64[ns]",
        "period_end": "datetime64[ns]",
        "numerator": float,
        "denominator": float,
        "value": float,
        "line": "int64",
    }
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in OBSERVATION_COLUMNS})
