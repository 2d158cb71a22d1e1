"""The bad-input corpus: every malformed or hostile input gives its message, never a traceback.

Each case of tests/data/bad/cases.yaml is applied to a copy of the demo inputs.
Configuration cases must raise ConfigError naming the file, the line or key and
the fix. Data cases must keep going: exactly the expected rows of
rejected_rows.csv appear (file, line, column, value, reason with its fix), the
touched files keep the declared number of good rows, every other file keeps
exactly the rows it had, and rejected_rows.csv written from them neutralises
any cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from partner_review.errors import ConfigError
from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from partner_review.writers import FORMULA_START, csv_table, write_csv
from tests.conftest import DEMO_INPUTS
from tests.hardening.corpus import apply_edits, load_cases
from transforms import schemas
from transforms.model import SourceData

CASES = load_cases()
LOGS = {"actions.csv": "actions", "comments.csv": "comments", "scope_changes.csv": "scope_changes"}


@pytest.fixture(scope="module")
def baseline() -> SourceData:
    return load_sources(load_settings(DEMO_INPUTS))


def test_corpus_has_at_least_40_cases_of_config_and_data() -> None:
    kinds = [case["kind"] for case in CASES]
    assert len(CASES) >= 40
    assert kinds.count("config") >= 15 and kinds.count("data") >= 15
    assert len({case["id"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_bad_input_gives_its_message(
    case: dict[str, Any], inputs_copy: Path, tmp_path: Path, baseline: SourceData
) -> None:
    touched = apply_edits(inputs_copy, case["edits"])
    if case["kind"] == "config":
        with pytest.raises(ConfigError) as caught:
            load_settings(inputs_copy)
        message = str(caught.value)
        for expected in case["expect"]:
            assert expected in message
        assert "Traceback" not in message
        return
    source = load_sources(load_settings(inputs_copy))
    _check_rejected(case, source, baseline)
    _check_good_rows_kept(case, touched, source, baseline)
    _check_written_csv_is_neutralised(source, tmp_path)


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["file"] + ":" + frame["line"].astype(str)


def _check_rejected(case: dict[str, Any], source: SourceData, baseline: SourceData) -> None:
    """The rows rejected beyond the demo's own are exactly the expected ones, in file order."""
    rejected = source.rejected
    new = rejected[~_key(rejected).isin(set(_key(baseline.rejected)))].reset_index(drop=True)
    expected = case["rejected"]
    shown = new.to_dict("records")
    assert len(new) == len(expected), shown
    for want, got in zip(expected, shown, strict=True):
        assert got["file"] == want["file"], shown
        if want["line"] is None:
            assert pd.isna(got["line"]), shown
        else:
            assert got["line"] == want["line"], shown
        assert (None if pd.isna(got["column"]) else got["column"]) == want["column"], shown
        assert want["reason"] in got["reason"], shown
        if "value" in want:
            assert got["value"] == want["value"], shown


def _check_good_rows_kept(
    case: dict[str, Any], touched: set[str], source: SourceData, baseline: SourceData
) -> None:
    kept = source.observations
    assert int(kept["file"].isin(touched).sum()) == case["kept"]
    before = baseline.files.set_index("file")
    after = source.files.set_index("file")
    for name in before.index.difference(pd.Index(sorted(touched))):
        assert after.loc[name, "rows"] == before.loc[name, "rows"], name
        assert after.loc[name, "rejected"] == before.loc[name, "rejected"], name
    untouched = ~kept["file"].isin(touched)
    was_untouched = ~baseline.observations["file"].isin(touched)
    assert int(untouched.sum()) == int(was_untouched.sum())
    for name, attribute in LOGS.items():
        if name not in touched:
            assert len(getattr(source, attribute)) == len(getattr(baseline, attribute)), name
    for name, rows in case.get("logs", {}).items():
        assert len(getattr(source, LOGS[name])) == rows, name


def _check_written_csv_is_neutralised(source: SourceData, tmp_path: Path) -> None:
    path = tmp_path / "rejected_rows.csv"
    write_csv(csv_table(source.rejected, schemas.RejectedCsv), path)
    with path.open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_START):
            float(cell)  # only numbers may start like a formula
