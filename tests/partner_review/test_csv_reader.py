"""The pyarrow path for plain CSV files gives the same cells as the exact parsers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from partner_review import csv_reader
from partner_review.csv_reader import read_csv_cells

PLAIN = [
    "partner_id,kpi_id,period,value\nA,backlog,2026-03,012\nB,backlog,2026-04, 4.5 \n",
    # blank line, a row of empty cells, CRLF endings and no final line break
    "partner_id;kpi_id;period;value\r\nA;k;2026-01;1,5\r\n\r\n;;;\r\nB;k;2026-02;NA",
    "\ufeffpartner_id\tkpi_id\tperiod\nA\tk\t2026-01\n\n\nC\tk\t2026-03\n",
    "partner_id\nA\n\nB\n",
]
NOT_PLAIN = [
    'partner_id,kpi_id,period\nA,"k, with comma",2026-01\n',  # quoted cell
    'partner_id,kpi_id,note\nA,k,"two\nlines"\nB,k,x\n',  # quoted cell over two lines
    "partner_id,kpi_id,period\nA,k,2026-01,extra\n",  # ragged: longer than the header
    "partner_id,kpi_id,period\nA,k\n",  # ragged: shorter than the header
]


def _exact(path: Path) -> pd.DataFrame:
    head = path.read_bytes()[:65536]
    delimiter = csv_reader._sniff_delimiter(head, "utf-8-sig")
    try:
        return csv_reader._parse_csv_exact(path, "utf-8-sig", delimiter)
    except pd.errors.ParserError:
        return csv_reader._parse_csv_tolerant(path, "utf-8-sig", delimiter, "f.csv")


@pytest.mark.parametrize("text", PLAIN)
def test_plain_file_is_read_by_pyarrow_with_the_exact_parsers_cells(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    head = path.read_bytes()
    delimiter = csv_reader._sniff_delimiter(head, "utf-8-sig")
    assert csv_reader._parse_plain_utf8(path, head, delimiter) is not None
    cells, _ = read_csv_cells(path, "f.csv")
    pd.testing.assert_frame_equal(cells, _exact(path))


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_quoted_or_ragged_file_goes_to_the_exact_parsers(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    head = path.read_bytes()
    assert csv_reader._parse_plain_utf8(path, head, ",") is None
    cells, _ = read_csv_cells(path, "f.csv")
    pd.testing.assert_frame_equal(cells, _exact(path))


def test_invalid_utf8_is_refused_by_the_fast_path_and_read_as_windows_1252(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes("partner_id,source\nA,Relevé\n".encode("cp1252"))
    assert csv_reader._parse_plain_utf8(path, path.read_bytes(), ",") is None
    cells, _ = read_csv_cells(path, "f.csv")
    assert cells.iloc[1].tolist() == ["A", "Relevé"]
