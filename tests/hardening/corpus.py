"""Applying a case of the bad-input corpus (tests/data/bad/cases.yaml) to an inputs copy.

Generators make the files a YAML table cannot hold: binary, other encodings, and
big files written into the test's own temporary folder (never committed).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from tests.conftest import DEMO_INPUTS

CASES_FILE = Path(__file__).resolve().parent.parent / "data" / "bad" / "cases.yaml"
MB = 1_000_000
OBSERVATION_HEADER = "partner_id,kpi_id,period,value,source,note\n"


def load_cases() -> list[dict[str, Any]]:
    return list(yaml.safe_load(CASES_FILE.read_text(encoding="utf-8")))


def apply_edits(root: Path, edits: list[dict[str, Any]]) -> set[str]:
    """Apply ``edits`` under ``root``; returns the relative paths touched."""
    touched = set()
    for edit in edits:
        if "write" in edit:
            path = root / edit["write"]
            path.parent.mkdir(parents=True, exist_ok=True)
            if "generate" in edit:
                GENERATORS[edit["generate"]](path)
            else:
                path.write_bytes(edit["text"].encode("utf-8"))
            touched.add(edit["write"])
        elif "append" in edit:
            path = root / edit["append"]
            with path.open("ab") as handle:
                handle.write(edit["text"].encode("utf-8"))
            touched.add(edit["append"])
        elif "replace" in edit:
            path = root / edit["replace"]
            text = path.read_text(encoding="utf-8")
            assert edit["old"] in text, f"{edit['old']!r} not in {edit['replace']}"
            path.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
            touched.add(edit["replace"])
        elif "delete" in edit:
            (root / edit["delete"]).unlink()
            touched.add(edit["delete"])
        else:
            raise AssertionError(f"unknown edit {edit}")
    return touched


# --- generators ------------------------------------------------------------------------------


def _deeply_nested_yaml(path: Path) -> None:
    path.write_text("a: " + "[" * 100 + "]" * 100 + "\n")


def _yaml_over_one_mb(path: Path) -> None:
    original = (DEMO_INPUTS / "partners" / "OUTOKIA-CX.yaml").read_text()
    path.write_text(original + "# " + "x" * (MB + 10) + "\n")


def _config_in_latin_1(path: Path) -> None:
    path.write_bytes((DEMO_INPUTS / "config.yaml").read_text().encode("latin-1"))


def _partner_in_utf_16(path: Path) -> None:
    path.write_bytes((DEMO_INPUTS / "partners" / "OUTOKIA-CX.yaml").read_text().encode("utf-16"))


def _binary_bytes(path: Path) -> None:
    path.write_bytes(b"\x00\x01\x02\xff\x80garbage\n")


def _utf16_without_bom(path: Path) -> None:
    path.write_bytes(
        "partner_id,kpi_id,period,value\nOUTOKIA-CX,backlog,2026-05,12\n".encode("utf-16-le")
    )


def _utf16_with_bom(path: Path) -> None:
    text = (
        "partner_id,kpi_id,period,value\n"
        "OUTOKIA-CX,backlog,2026-05,12\n"
        "OUTOKIA-CX,backlog,2026-13,12\n"
    )
    path.write_bytes(text.encode("utf-16"))  # with BOM, as spreadsheets' "Unicode text"


def _real_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["partner_id", "kpi_id", "period", "value"])
    sheet.append(["OUTOKIA-CX", "backlog", "2026-05", 12])
    book.save(path)


def _zip_of_text(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("holiday/photo-list.txt", "not a workbook\n")
    path.write_bytes(buffer.getvalue())


def _truncated_xlsx(path: Path) -> None:
    whole = (
        DEMO_INPUTS / "observations" / "OUTOKIA-CX" / "cost-per-contact-2026.xlsx"
    ).read_bytes()
    path.write_bytes(whole[: len(whole) // 3])


def _line_of_200_mb(path: Path) -> None:
    """Exactly 200,000,000 bytes: the header, then one line of one huge note."""
    with path.open("w", encoding="ascii") as handle:
        start = OBSERVATION_HEADER + "OUTOKIA-CX,backlog,2026-05,12,wfm,"
        handle.write(start)
        left = 200 * MB - len(start) - 1
        chunk = "A" * MB
        while left > 0:
            handle.write(chunk[: min(left, MB)])
            left -= MB
        handle.write("\n")


def _note_of_20_mb(path: Path) -> None:
    with path.open("w", encoding="ascii") as handle:
        handle.write(OBSERVATION_HEADER)
        handle.write("OUTOKIA-CX,backlog,2026-05,12,wfm," + "A" * (20 * MB) + "\n")
        handle.write("OUTOKIA-CX,backlog,2026-06,13,wfm,ok\n")


def _ragged_note_of_20_mb(path: Path) -> None:
    """A 20 MB cell in a file whose third line has one cell too many (the slow CSV path)."""
    with path.open("w", encoding="ascii") as handle:
        handle.write(OBSERVATION_HEADER)
        handle.write("OUTOKIA-CX,backlog,2026-05,12,wfm," + "A" * (20 * MB) + "\n")
        handle.write("OUTOKIA-CX,backlog,2026-06,13,wfm,ok,x\n")


def _parquet_wrong_types(path: Path) -> None:
    table = pa.table(
        {
            "partner_id": ["OUTOKIA-CX"] * 3,
            "kpi_id": ["backlog"] * 3,
            "period": pa.array([202605, None, None], pa.int64()),
            "period_start": [None, "2026-05-02", "2026-05-03"],
            "period_end": [None, "2026-05-20", "2026-05-20"],
            "value": ["12", "twelve", "14"],
            "numerator": pa.array([True, False, True]),
        }
    )
    pq.write_table(table, path)


def _parquet_timestamp_with_time(path: Path) -> None:
    table = pa.table(
        {
            "partner_id": ["OUTOKIA-CX"] * 2,
            "kpi_id": ["backlog"] * 2,
            "period_start": pa.array(
                [1777642200, 1777680000], pa.timestamp("s")
            ),  # 2026-05-01 13:30, 2026-05-02 00:00
            "period_end": [None, "2026-05-20"],
            "value": [1.0, 2.0],
        }
    )
    pq.write_table(table, path)


GENERATORS: dict[str, Callable[[Path], None]] = {
    "deeply_nested_yaml": _deeply_nested_yaml,
    "yaml_over_one_mb": _yaml_over_one_mb,
    "config_in_latin_1": _config_in_latin_1,
    "partner_in_utf_16": _partner_in_utf_16,
    "binary_bytes": _binary_bytes,
    "utf16_without_bom": _utf16_without_bom,
    "utf16_with_bom": _utf16_with_bom,
    "real_xlsx": _real_xlsx,
    "zip_of_text": _zip_of_text,
    "truncated_xlsx": _truncated_xlsx,
    "line_of_200_mb": _line_of_200_mb,
    "note_of_20_mb": _note_of_20_mb,
    "ragged_note_of_20_mb": _ragged_note_of_20_mb,
    "parquet_wrong_types": _parquet_wrong_types,
    "parquet_timestamp_with_time": _parquet_timestamp_with_time,
}
