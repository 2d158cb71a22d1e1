"""CSV files to a frame of string cells whose row 0 is the header row (see ``readers``).

Every record of the file is one row, blank records included (a row of ``""``), so row
``i`` is the file's line ``i + 1`` counted in records.

Two parsers give the same cells:

* pyarrow's multi-threaded reader, for UTF-8 files without a quote character and
  with the same number of cells on every line (what most exports are): every column
  read as strings, quoting switched off, empty lines kept as rows;
* otherwise pandas' C parser (any encoding, quoted cells, a quoted cell spanning
  lines), and for ragged files the csv module, which keeps the extra cells of a row
  that is longer than the header in a column ``_extra``.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from partner_review.errors import InputError

FORMAT_HINT = "save it as CSV (UTF-8), XLSX or Parquet"
_DELIMITERS = (",", ";", "\t")


def read_csv_cells(path: Path, label: str) -> tuple[pd.DataFrame, bool]:
    """(cells with the header as row 0, whether the file uses a decimal comma)."""
    head = _read_head(path)
    encoding = _encoding_from_head(head, label)
    if encoding is None:
        delimiter = _sniff_delimiter(head, "utf-8-sig")
        cells = _parse_plain_utf8(path, head, delimiter)
        if cells is not None:
            return cells, delimiter == ";"
        encoding = "utf-8-sig" if _is_utf8(path) else "cp1252"
    delimiter = _sniff_delimiter(head, encoding)
    try:
        cells = _parse_csv_exact(path, encoding, delimiter)
    except pd.errors.EmptyDataError:
        raise InputError(label, "is empty: no header", hint=header_hint()) from None
    except pd.errors.ParserError:
        cells = _parse_csv_tolerant(path, encoding, delimiter, label)
    except (UnicodeDecodeError, UnicodeError):
        raise InputError(label, "is not readable text", hint=FORMAT_HINT) from None
    return cells, delimiter == ";"


def header_hint() -> str:
    return "the first line must be the header, e.g. partner_id,kpi_id,period,numerator,denominator"


def _read_head(path: Path, size: int = 65536) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _encoding_from_head(head: bytes, label: str) -> str | None:
    """utf-16 when the file starts with its BOM; None when the whole file must say (UTF-8?)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"PK\x03\x04"):
        raise InputError(label, "is a zip or Excel file named .csv", hint="rename it to .xlsx")
    if b"\x00" in head:
        raise InputError(label, "is not a text file", hint=FORMAT_HINT)
    return None


def _is_utf8(path: Path) -> bool:
    incremental = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                incremental.decode(chunk)
            incremental.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _sniff_delimiter(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="ignore")
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse_plain_utf8(path: Path, head: bytes, delimiter: str) -> pd.DataFrame | None:
    """The cells of a UTF-8 file with no quote character and no ragged line; None otherwise.

    None sends the file to the exact parsers: pyarrow refuses invalid UTF-8, a line
    with another number of cells than the header, an empty file and a cell longer than
    its block; a quote character is looked for in the cells read (it would be markup).
    """
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, quote_char=False, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=_all_strings(head, delimiter), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError):
        return None
    if table.num_rows == 0 or not all(pa.types.is_large_string(t) for t in table.schema.types):
        return None
    if _has_quote(table):
        return None
    cells = table.to_pandas()
    cells.columns = pd.RangeIndex(len(cells.columns))
    return cells


def _has_quote(table: pa.Table) -> bool:
    """Whether a cell holds a quote character (looked for in the bytes of all cells)."""
    for column in table.columns:
        for chunk in column.chunks:
            data = chunk.buffers()[2]
            if data is not None and (np.frombuffer(data, dtype=np.uint8) == ord('"')).any():
                return True
    return False


def _all_strings(head: bytes, delimiter: str) -> dict[str, pa.DataType]:
    """Every column of the header line as a string (pyarrow names them f0, f1, ...).

    ``large_string`` (64-bit offsets) is what pandas' ``str`` columns hold: read as
    ``string``, ``to_pandas`` would cast every column again on one core.
    """
    lines = head.splitlines()
    width = lines[0].count(delimiter.encode()) + 1 if lines else 1
    return {f"f{i}": pa.large_string() for i in range(width)}


def _parse_csv_exact(path: Path, encoding: str, delimiter: str) -> pd.DataFrame:
    return pd.read_csv(
        path,
        sep=delimiter,
        header=None,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        index_col=False,
        encoding=encoding,
        encoding_errors="strict",
        engine="c",
    )


def _parse_csv_tolerant(path: Path, encoding: str, delimiter: str, label: str) -> pd.DataFrame:
    """Slow path for ragged files: rows longer than the header keep their extra cells.

    The extra cells go to a column named ``_extra``, so the transforms can reject those
    rows by line instead of the whole file failing.
    """
    # a cell may be as long as the file (the size limit was checked before reading)
    csv.field_size_limit(max(csv.field_size_limit(), path.stat().st_size + 1))
    try:
        with path.open(encoding=encoding, newline="") as handle:
            records = list(csv.reader(handle, delimiter=delimiter))
    except (csv.Error, UnicodeError) as exc:
        raise InputError(label, f"cannot be read as CSV: {exc}", hint=FORMAT_HINT) from None
    if not records:
        raise InputError(label, "is empty: no header", hint=header_hint())
    width = len(records[0])
    rows = [r[:width] + [""] * (width - len(r)) for r in records]
    frame = pd.DataFrame(rows, dtype=str)
    frame["_extra"] = [delimiter.join(r[width:]) for r in records]
    frame.loc[0, "_extra"] = "_extra"
    return frame
