"""Reading one file into raw cells: formats, encodings, separators, line numbers, refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from partner_review.errors import InputError
from partner_review.readers import _every_cell_starts_printable, read_table

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest" / "inputs" / "observations"
REQUIRED = ("partner_id", "kpi_id", ("period_start", "period"))


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_comma_csv_gives_string_cells_with_header_as_line_1(tmp_path: Path) -> None:
    path = _csv(tmp_path, "partner_id,kpi_id,period,value\nA,backlog,2026-03,012\n")
    table = read_table(path, "observations/f.csv", REQUIRED)
    assert table.file == "observations/f.csv"
    assert table.decimal_comma is False
    assert table.frame.to_dict("records") == [
        {"partner_id": "A", "kpi_id": "backlog", "period": "2026-03", "value": "012", "line": 2}
    ]


def test_semicolon_utf8_bom_csv_is_a_decimal_comma_file_with_normalised_headers() -> None:
    table = read_table(DATA / "fr" / "point-virgule.csv", "fr.csv", REQUIRED)
    assert table.decimal_comma is True
    assert list(table.frame.columns[:3]) == ["partner_id", "kpi_id", "period_start"]
    assert table.frame["numerator"].tolist() == ["1 234,5", ""]
    assert table.frame["value"].tolist() == ["", "4,80"]
    assert table.frame["note"].tolist() == ["", "Relevé fin de mois"]


def test_utf16_tab_separated_csv_is_read() -> None:
    table = read_table(DATA / "unicode-text.csv", "u.csv", REQUIRED)
    assert table.frame.to_dict("records") == [
        {
            "partner_id": "BETA",
            "kpi_id": "service_level",
            "period": "2026-02",
            "numerator": "70",
            "denominator": "100",
            "line": 2,
        }
    ]


def test_windows_1252_csv_keeps_its_accented_source_note() -> None:
    table = read_table(DATA / "windows.csv", "w.csv", REQUIRED)
    assert table.frame["source"].tolist() == ["Relevé équipe Lille"]


def test_blank_lines_are_skipped_but_keep_later_line_numbers(tmp_path: Path) -> None:
    path = _csv(tmp_path, "partner_id,kpi_id,period\nA,k,2026-01\n\n,,\nB,k,2026-02\n")
    table = read_table(path, "f.csv", REQUIRED)
    assert table.frame["partner_id"].tolist() == ["A", "B"]
    assert table.frame["line"].tolist() == [2, 5]


def test_a_row_longer_than_the_header_keeps_its_extra_cells_for_rejection(
    tmp_path: Path,
) -> None:
    path = _csv(tmp_path, "partner_id,kpi_id,period\nA,k,2026-01\nB,k,2026-02,oops,more\n")
    table = read_table(path, "f.csv", REQUIRED)
    assert table.frame["_extra"].tolist() == ["", "oops,more"]
    assert table.frame["line"].tolist() == [2, 3]


def test_header_only_file_is_refused_with_the_fix() -> None:
    with pytest.raises(InputError) as caught:
        read_table(DATA / "header-only.csv", "observations/header-only.csv", REQUIRED)
    assert caught.value.file == "observations/header-only.csv"
    assert "no data rows" in caught.value.message


def test_empty_file_is_refused_as_having_no_header(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no header"):
        read_table(_csv(tmp_path, ""), "f.csv", REQUIRED)


def test_missing_required_column_names_the_column_and_what_was_found() -> None:
    with pytest.raises(InputError) as caught:
        read_table(DATA / "no-kpi.csv", "no-kpi.csv", REQUIRED)
    assert "'kpi_id'" in caught.value.message
    assert "found: partner_id, period, value" in caught.value.message
    assert caught.value.hint == "add a 'kpi_id' column to the header row"


def test_either_period_or_period_start_satisfies_the_period_column(tmp_path: Path) -> None:
    path = _csv(tmp_path, "partner_id,kpi_id,period_start\nA,k,2026-01-01\n")
    assert read_table(path, "f.csv", REQUIRED).rows == 1
    with pytest.raises(InputError, match="'period_start' or 'period'"):
        read_table(_csv(tmp_path, "partner_id,kpi_id\nA,k\n", name="g.csv"), "g.csv", REQUIRED)


def test_duplicate_header_names_are_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, "partner_id,KPI_ID,kpi_id,period\nA,k,k,2026-01\n")
    with pytest.raises(InputError, match="'kpi_id' appears twice"):
        read_table(path, "f.csv", REQUIRED)


def test_file_above_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    # not even valid CSV: it must be refused by size, not by content
    path = tmp_path / "big.csv"
    path.write_bytes(b"\x00" * 1_100_000)
    with pytest.raises(InputError) as caught:
        read_table(path, "big.csv", REQUIRED, max_file_mb=1)
    assert "above limits.max_file_mb (1 MB)" in caught.value.message


def test_binary_file_named_csv_is_refused_as_not_text(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"partner_id\x00kpi_id\n")
    with pytest.raises(InputError, match="not a text file"):
        read_table(path, "f.csv", REQUIRED)


def test_unsupported_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.xls"
    path.write_bytes(b"whatever")
    with pytest.raises(InputError, match=r"unsupported file type '\.xls'"):
        read_table(path, "f.xls", REQUIRED)


def test_xlsx_reads_the_observations_sheet_with_sheet_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["not", "data"])
    sheet = book.create_sheet("Observations")
    sheet.append(["Partner_ID", "kpi_id", "period_start", "value"])
    sheet.append(["A", "backlog", dt.datetime(2026, 3, 31), 12.0])
    sheet.append([None, None, None, None])
    sheet.append(["A", "backlog", dt.date(2026, 2, 28), 4.8])
    path = tmp_path / "f.xlsx"
    book.save(path)
    table = read_table(path, "f.xlsx", REQUIRED)
    assert table.frame.to_dict("records") == [
        {"partner_id": "A", "kpi_id": "backlog", "period_start": "2026-03-31", "value": "12",
         "line": 2},
        {"partner_id": "A", "kpi_id": "backlog", "period_start": "2026-02-28", "value": "4.8",
         "line": 4},
    ]  # fmt: skip


def test_xlsx_without_an_observations_sheet_reads_the_first_sheet(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["partner_id", "kpi_id", "period"])
    book.active.append(["A", "k", "2026-03"])
    book.create_sheet("Other").append(["x"])
    path = tmp_path / "f.xlsx"
    book.save(path)
    assert read_table(path, "f.xlsx", REQUIRED).frame["period"].tolist() == ["2026-03"]


def test_file_named_xlsx_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_text("partner_id,kpi_id\n")
    with pytest.raises(InputError, match=r"not a valid \.xlsx workbook"):
        read_table(path, "f.xlsx", REQUIRED)


def test_parquet_keeps_numbers_and_dates_typed_and_other_types_as_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "partner_id": ["A", "A"],
            "kpi_id": ["backlog", "backlog"],
            "period_start": pa.array([dt.date(2026, 3, 1), None], pa.date32()),
            "value": pa.array([12, None], pa.int64()),
            "note": pa.array([True, None], pa.bool_()),
        }
    )
    path = tmp_path / "f.parquet"
    pq.write_table(table, path)
    raw = read_table(path, "f.parquet", REQUIRED).frame
    assert raw["line"].tolist() == [2, 3]
    assert str(raw["period_start"].dtype) == "datetime64[s]"  # holds any year: checked later
    assert raw["period_start"].iloc[0] == dt.datetime(2026, 3, 1)
    assert raw["value"].iloc[0] == 12.0
    assert raw["note"].tolist() == ["TRUE", ""]


def test_parquet_with_a_text_value_column_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    pq.write_table(
        pa.table({"partner_id": [1], "kpi_id": ["backlog"], "period": ["2026-03"], "value": ["x"]}),
        path,
    )
    raw = read_table(path, "f.parquet", REQUIRED).frame
    assert raw["partner_id"].iloc[0] == 1.0
    assert raw["value"].tolist() == ["x"]


def test_file_named_parquet_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    path.write_text("partner_id,kpi_id\n")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_table(path, "f.parquet", REQUIRED)


def test_parquet_dictionary_columns_are_read_as_their_values(tmp_path: Path) -> None:
    table = pa.table(
        {
            "partner_id": pa.array(["A", "B", None, "A"]).dictionary_encode(),
            "kpi_id": pa.array(["backlog"] * 4).dictionary_encode(),
            "period": ["2026-03"] * 4,
            "value": pa.array([1, 2, 3, 4], pa.int32()).dictionary_encode(),
        }
    )
    path = tmp_path / "f.parquet"
    pq.write_table(table, path)
    raw = read_table(path, "f.parquet", REQUIRED).frame
    assert raw["partner_id"].tolist() == ["A", "B", "", "A"]
    assert raw["kpi_id"].tolist() == ["backlog"] * 4
    assert raw["value"].tolist() == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize(
    ("first_cells", "kept"),
    [
        (["A", "B", "C"], ["A", "B", "C"]),  # every first cell printable: all have content
        (["A", " ", "C"], ["A", "C"]),  # a row of spaces is blank
        (["A", "\u00a0", "C"], ["A", "C"]),  # a no-break space is whitespace to strip()
        (["A", " B", "C"], ["A", " B", "C"]),  # a leading space before content
        (["A", "é", "C"], ["A", "é", "C"]),  # a non-ASCII first character
    ],
)
def test_a_row_is_blank_only_when_every_cell_strips_to_nothing(
    tmp_path: Path, first_cells: list[str], kept: list[str]
) -> None:
    rows = "".join(f"{cell},,\n" if cell.strip() == "" else f"{cell},k,2026-01\n"
                   for cell in first_cells)  # fmt: skip
    path = _csv(tmp_path, "partner_id,kpi_id,period\n" + rows)
    table = read_table(path, "f.csv", REQUIRED)
    assert table.frame["partner_id"].tolist() == kept
    assert table.frame["line"].tolist() == [
        i + 2 for i, cell in enumerate(first_cells) if cell.strip()
    ]


def test_a_column_read_from_csv_with_every_first_byte_printable_is_told_full_without_a_strip(
    tmp_path: Path,
) -> None:
    path = _csv(tmp_path, "partner_id,kpi_id,period\nA,k,2026-01\nB,k,2026-02\n")
    frame = read_table(path, "f.csv", REQUIRED).frame
    # pandas' str columns hold arrow large_string (64-bit offsets) as well as string
    assert _every_cell_starts_printable(frame["partner_id"])
    assert _every_cell_starts_printable(frame["partner_id"].iloc[1:])
    as_string = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([pa.array(["A", "B"])])))
    assert _every_cell_starts_printable(as_string)  # string[pyarrow]: 32-bit offsets
    assert not _every_cell_starts_printable(pd.Series(["A", " B"], dtype="str"))
