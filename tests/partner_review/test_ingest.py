"""A whole inputs folder read: kept, rejected and superseded rows, files, logs."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from transforms.model import SourceData

INPUTS = Path(__file__).resolve().parent.parent / "data" / "ingest" / "inputs"


@pytest.fixture(scope="module")
def source() -> SourceData:
    return load_sources(load_settings(INPUTS))


def test_every_file_is_listed_in_path_order_with_rows_and_rejected_counts(
    source: SourceData,
) -> None:
    files = source.files[["file", "kind", "rows", "rejected"]].values.tolist()
    assert files == [
        ["observations/2026-03.csv", "observations", 3, 0],
        ["observations/2026-03_v2.csv", "observations", 2, 0],
        ["observations/bad-rows.csv", "observations", 19, 18],
        ["observations/fr/point-virgule.csv", "observations", 2, 0],
        ["observations/header-only.csv", "observations", 0, 1],
        ["observations/no-kpi.csv", "observations", 0, 1],
        ["observations/unicode-text.csv", "observations", 1, 0],
        ["observations/windows.csv", "observations", 1, 0],
        ["surveys/answers.csv", "surveys", 11, 5],
        ["scope_changes.csv", "scope_changes", 3, 2],
        ["actions.csv", "actions", 4, 3],
        ["comments.csv", "comments", 3, 2],
    ]
    assert source.files["sha256"].str.fullmatch(r"[0-9a-f]{64}").all()


def test_unreadable_files_are_one_rejected_row_with_empty_line(source: SourceData) -> None:
    whole = source.rejected[source.rejected["line"].isna()]
    assert whole["file"].tolist() == ["observations/header-only.csv", "observations/no-kpi.csv"]
    assert whole["reason"].tolist()[1] == (
        "missing required column 'kpi_id' (found: partner_id, period, value); "
        "add a 'kpi_id' column to the header row"
    )


def test_kept_observation_rows_come_from_every_encoding_and_the_v2_correction(
    source: SourceData,
) -> None:
    obs = source.observations[source.observations["origin"] == "observation"]
    by_key = obs.set_index(["partner_id", "kpi_id", "month"])
    assert by_key.loc[("ALPHA", "service_level", "2026-03"), "numerator"] == 82.0
    assert by_key.loc[("ALPHA", "service_level", "2026-03"), "file"] == (
        "observations/2026-03_v2.csv"
    )
    assert by_key.loc[("BETA", "cost_per_contact", "2026-02"), "numerator"] == 1234.5
    assert by_key.loc[("BETA", "backlog", "2026-02"), "value"] == 4.8
    assert by_key.loc[("BETA", "backlog", "2026-02"), "note"] == "Relevé fin de mois"
    assert by_key.loc[("BETA", "service_level", "2026-02"), "denominator"] == 100.0
    assert by_key.loc[("ALPHA", "backlog", "2026-02"), "source"] == "Relevé équipe Lille"
    # 2026-03.csv: 3, v2: 2 (both supersede), bad-rows: 1 (nps -4/4), fr: 2, utf-16: 1, cp1252: 1
    assert len(obs) == 3 + 2 - 2 + 1 + 2 + 1 + 1


def test_superseded_rows_say_which_row_replaced_them_and_why(source: SourceData) -> None:
    rows = source.superseded.sort_values("line")
    assert rows[["file", "line", "kpi_id", "kept_file", "kept_line", "reason"]].values.tolist() == [
        ["observations/2026-03.csv", 2, "service_level", "observations/2026-03_v2.csv", 2,
         "different values"],
        ["observations/2026-03.csv", 3, "backlog", "observations/2026-03_v2.csv", 3,
         "same values"],
    ]  # fmt: skip


def test_survey_answers_are_pooled_as_observation_rows(source: SourceData) -> None:
    answers = source.observations[source.observations["origin"] == "survey"]
    nps = answers[answers["kpi_id"] == "nps"]
    csat = answers[answers["kpi_id"] == "csat"]
    assert sorted(nps["numerator"]) == [-1.0, 0.0, 1.0, 1.0]
    assert sorted(csat["numerator"]) == [0.0, 1.0]
    assert source.rejected[source.rejected["file"] == "surveys/answers.csv"]["line"].tolist() == [
        8, 9, 10, 11, 12
    ]  # fmt: skip


def test_logs_are_typed_and_their_bad_rows_rejected(source: SourceData) -> None:
    assert source.scope_changes["change_id"].tolist() == ["CHG-1"]
    assert source.scope_changes["fee_delta_monthly"].tolist() == [1500.5]
    assert source.actions["action_id"].tolist() == ["ACT-1"]
    assert source.comments["comment"].tolist() == ["Flu season"]
    logs = source.rejected[source.rejected["file"].isin(["actions.csv", "comments.csv"])]
    assert logs[["file", "line", "column"]].values.tolist() == [
        ["actions.csv", 3, "owner_side"],
        ["actions.csv", 4, "due_date"],
        ["actions.csv", 5, "objective_id"],
        ["comments.csv", 3, "period"],
        ["comments.csv", 4, "comment"],
    ]


def test_rejected_frame_has_exactly_the_rejected_rows_csv_columns(source: SourceData) -> None:
    assert list(source.rejected.columns) == ["file", "line", "column", "value", "reason"]
    assert len(source.rejected) == 32


def _minimal_inputs(tmp_path: Path) -> Path:
    target = tmp_path / "inputs"
    shutil.copytree(INPUTS, target, ignore=shutil.ignore_patterns("*.csv"))
    return target


def test_xlsx_and_parquet_files_load_beside_csv(tmp_path: Path) -> None:
    inputs = _minimal_inputs(tmp_path)
    book = Workbook()
    book.active.append(["partner_id", "kpi_id", "period", "numerator", "denominator"])
    book.active.append(["ALPHA", "service_level", "2026-01", 40, 50])
    book.save(inputs / "observations" / "a.xlsx")
    pq.write_table(
        pa.table({"partner_id": ["BETA"], "kpi_id": ["backlog"], "period": ["2026-01"],
                  "value": pa.array(["seven"])}),
        inputs / "observations" / "b.parquet",
    )  # fmt: skip
    (inputs / "observations" / "notes.txt").write_text("hello")
    (inputs / "observations" / ".gitkeep").write_text("")
    source = load_sources(load_settings(inputs))
    assert source.observations[["partner_id", "numerator"]].values.tolist() == [["ALPHA", 40.0]]
    rejected = source.rejected
    assert rejected["file"].tolist() == ["observations/notes.txt", "observations/b.parquet"]
    assert rejected["line"].isna().tolist() == [True, False]
    assert rejected["line"].iloc[1] == 2
    assert rejected["column"].iloc[1] == "value"
    assert rejected["reason"].iloc[0].startswith("is not a CSV, XLSX or Parquet file")
    assert source.files["file"].tolist() == [
        "observations/a.xlsx",
        "observations/b.parquet",
        "observations/notes.txt",
    ]


def test_parquet_dates_outside_what_pandas_holds_reject_their_rows_only(tmp_path: Path) -> None:
    inputs = _minimal_inputs(tmp_path)
    days = [date(2026, 1, 31), date(9999, 12, 31), date(2026, 2, 28)]
    pq.write_table(
        pa.table({"partner_id": ["ALPHA"] * 3, "kpi_id": ["backlog"] * 3,
                  "period_start": pa.array(days, pa.date32()), "value": [5.0, 6.0, 7.0]}),
        inputs / "observations" / "dates.parquet",
    )  # fmt: skip
    stamps = [datetime(2026, 3, 31), datetime(1, 1, 1)]
    pq.write_table(
        pa.table({"partner_id": ["ALPHA"] * 2, "kpi_id": ["backlog"] * 2,
                  "period_start": pa.array(stamps, pa.timestamp("us")), "value": [8.0, 9.0]}),
        inputs / "observations" / "stamps.parquet",
    )  # fmt: skip
    source = load_sources(load_settings(inputs))
    assert sorted(source.observations["value"].tolist()) == [5.0, 7.0, 8.0]
    assert source.observations["period_start"].dtype == "datetime64[ns]"
    rejected = source.rejected[["file", "line", "column", "value"]].values.tolist()
    assert rejected == [
        ["observations/dates.parquet", 3, "period_start", "9999-12-31"],
        ["observations/stamps.parquet", 3, "period_start", "0001-01-01"],
    ]


def test_file_above_max_file_mb_is_refused_and_others_still_load(tmp_path: Path) -> None:
    inputs = _minimal_inputs(tmp_path)
    big = inputs / "observations" / "big.csv"
    row = "ALPHA,backlog,2026-01-31,5\n"
    big.write_text("partner_id,kpi_id,period_start,value\n" + row * 40_000)  # ~1.1 MB > 1 MB
    (inputs / "observations" / "small.csv").write_text(
        "partner_id,kpi_id,period_start,value\n" + row
    )
    source = load_sources(load_settings(inputs))
    assert len(source.observations) == 1
    refused = source.rejected.iloc[0]
    assert refused["file"] == "observations/big.csv"
    assert "above limits.max_file_mb (1 MB); not read" in refused["reason"]
    assert source.files.set_index("file").loc["observations/big.csv", "sha256"] == ""


def test_folder_without_data_files_gives_empty_frames_with_their_columns(tmp_path: Path) -> None:
    source = load_sources(load_settings(_minimal_inputs(tmp_path)))
    assert source.observations.empty and source.rejected.empty and source.files.empty
    assert "period_start" in source.observations.columns
    assert "due_date" in source.actions.columns


def test_repeated_text_of_kept_rows_is_category_of_sorted_labels_each_in_use(
    source: SourceData,
) -> None:
    """Rows rejected or superseded leave no label behind; labels sort as text."""
    observations = source.observations
    assert len(source.rejected) and len(source.superseded)  # rows left out of the frame
    for name in ("partner_id", "kpi_id", "month", "source", "note", "file", "origin"):
        column = observations[name]
        assert isinstance(column.dtype, pd.CategoricalDtype), name
        labels = column.cat.categories
        assert labels.tolist() == sorted(labels.tolist()), name
        assert set(column.dropna().unique()) == set(labels), name
    assert set(observations["origin"].cat.categories) == {"observation", "survey"}
