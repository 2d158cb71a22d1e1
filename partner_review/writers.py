"""The run's CSV tables (SPEC §5): scorecard, objectives, deviations, credits, rejected rows.

Each table has exactly the columns of its ``*Csv`` schema, in order, and is validated
against it before writing. Cells: numbers unrounded (the shortest text that reads back
as the same float, without exponent: ``0.1``, ``0.00001``, ``1680.0000000000002``; whole
numbers without ``.0``), empty for null, booleans ``true``/``false``; a text cell a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return, and not a number) gets a leading ``'``. Rows are sorted by partner, KPI
and period (time order). Lines end with CRLF (RFC 4180), so a cell
holding a carriage return is quoted. Each file is written under a temporary name in the
same folder, then renamed.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from partner_review.paths import (
    CREDITS_CSV,
    DEVIATIONS_CSV,
    OBJECTIVES_CSV,
    REJECTED_CSV,
    SCORECARD_CSV,
)
from transforms import schemas
from transforms.model import ReviewModel
from transforms.review import order_rows

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def write_tables(model: ReviewModel, run_dir: Path) -> dict[str, int]:
    """Write the five CSV tables into ``run_dir``; returns rows written per file name."""
    run = model.run
    tables: list[tuple[str, type[pa.DataFrameModel], pd.DataFrame]] = [
        (SCORECARD_CSV, schemas.ScorecardCsv, order_rows(model.scorecard, run)),
        (OBJECTIVES_CSV, schemas.ObjectivesCsv, _objectives(model.objectives)),
        (DEVIATIONS_CSV, schemas.DeviationsCsv, order_rows(model.deviations, run)),
        (CREDITS_CSV, schemas.CreditsCsv, order_rows(model.credits, run)),
        (REJECTED_CSV, schemas.RejectedCsv, model.source.rejected),
    ]
    run_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, schema, frame in tables:
        table = csv_table(frame, schema)
        write_csv(table, run_dir / name)
        counts[name] = len(table)
    return counts


def csv_table(frame: pd.DataFrame, schema: type[pa.DataFrameModel]) -> pd.DataFrame:
    """``frame`` cut to the schema's columns in order, validated."""
    columns = list(schema.to_schema().columns)
    return schema.validate(frame.reindex(columns=columns).reset_index(drop=True))


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` (header + rows, SPEC §5 cells) to ``path`` atomically."""
    formatters = [_formatter(table[c]) for c in table.columns]
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: quotes any CR or LF
            writer.writerow([neutralise(str(c)) for c in table.columns])
            for row in table.itertuples(index=False, name=None):
                writer.writerow([f(v) for f, v in zip(formatters, row, strict=True)])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _formatter(column: pd.Series) -> Callable[[Any], str]:
    if pd.api.types.is_bool_dtype(column):
        return format_bool
    if pd.api.types.is_numeric_dtype(column):
        return format_number
    return format_text


def format_number(value: Any) -> str:
    """Unrounded: the shortest digits that read back as the same float, never an exponent,
    no ``.0`` on whole numbers."""
    if _is_null(value):
        return ""
    if isinstance(value, bool):
        return format_bool(value)
    return str(np.format_float_positional(float(value), unique=True, trim="-"))


def format_bool(value: Any) -> str:
    if _is_null(value):
        return ""
    return "true" if bool(value) else "false"


def format_text(value: Any) -> str:
    if _is_null(value):
        return ""
    if isinstance(value, bool):
        return format_bool(value)
    if isinstance(value, float | int):
        return format_number(value)
    return neutralise(str(value))


def neutralise(text: str) -> str:
    """A leading ``'`` on text a spreadsheet would run as a formula (not on numbers)."""
    if text.startswith(FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def _objectives(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["partner_id", "kpi_id", "objective_id"], kind="stable")


def _is_null(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)
