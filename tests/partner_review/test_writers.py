from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pytest
from hypothesis import HealthCheck, given, settings

from partner_review.writers import csv_table, format_number, neutralise, write_csv, write_tables
from transforms import schemas
from transforms.model import ReviewModel, SourceData
from transforms.periods import parse_quarter, quarterly_run

RUN = quarterly_run(parse_quarter("2026-Q3", 1))


def empty(model: type[schemas._Base]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in model.to_schema().columns})


def scorecard() -> pd.DataFrame:
    rows = [
        # partner, kpi, period, actual, expected, minimum, status, num, den, rows
        ("P1", "sl", "2026-Q3", 75.0, 80.0, 75.0, "at_risk", 900.0, 1200.0, 3),
        ("P1", "sl", "2026-07", 0.1, 80.0, 75.0, "breach", 1e-05, 1e-04, 1),
        ("P1", "sl", "2026-08", np.nan, 80.0, 75.0, "no_data", np.nan, np.nan, 0),
        ("P1", "sl", "2025-Q3", 1680.0000000000002, np.nan, np.nan, "no_target", 3.0, 4.0, 2),
    ]
    columns = list(schemas.ScorecardCsv.to_schema().columns)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(period_kind="month", provisional=False, comparison=False, change=None)


def deviations() -> pd.DataFrame:
    rows = [
        ("P2", "sl", None, "2026-07", "sla_breach", "critical", '=HYPERLINK("x")'),
        (None, None, None, "2026-Q3", "rejected_rows", "info", "-abc rows of f.csv"),
        ("P1", "sl", None, "2026-Q3", "sla_at_risk", "warning", "@SUM(A1)"),
        ("P1", "sl", None, "2026-07", "sla_breach", "critical", "\tTabbed"),
        ("P1", "aht", None, "2026-07", "missing_data", "warning", "-12"),
    ]
    return pd.DataFrame(rows, columns=list(schemas.DeviationsCsv.to_schema().columns))


def credits() -> pd.DataFrame:
    columns = list(schemas.CreditsCsv.to_schema().columns)
    frame = pd.DataFrame(
        [("P1", "sl", "2026-07", 4.0, 933.3333333333334, "EUR", True, "pending")], columns=columns
    )
    return frame.assign(monthly_fee=42000.0, chronic=False)


def model(**frames: pd.DataFrame) -> ReviewModel:
    rejected = pd.DataFrame(
        {
            "file": ["observations/a.csv", "observations/b.xlsx"],
            "line": pd.array([4, None], dtype="Int64"),
            "column": ["value", None],
            "value": ["+cmd|' /C calc'!A0", None],
            "reason": ["is not a number", "cannot be read"],
        }
    )
    source = SourceData(
        observations=empty(schemas.Observations),
        superseded=empty(schemas.Superseded),
        rejected=rejected,
        files=empty(schemas.InputFiles),
        scope_changes=empty(schemas.ScopeChanges),
        actions=empty(schemas.Actions),
        comments=empty(schemas.Comments),
    )
    base: dict[str, pd.DataFrame] = {
        "scorecard": scorecard(),
        "monthly": pd.DataFrame(),
        "objectives": empty(schemas.ObjectivesCsv),
        "signals": pd.DataFrame(),
        "spc_limits": pd.DataFrame(),
        "deviations": deviations(),
        "credits": credits(),
        "freshness": pd.DataFrame(),
        "scope_changes": pd.DataFrame(),
        "actions": pd.DataFrame(),
        "comments": pd.DataFrame(),
    }
    base.update(frames)
    return ReviewModel(run=RUN, source=source, **base)


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_writes_every_table_with_exactly_the_spec_columns_in_order(tmp_path: Path) -> None:
    counts = write_tables(model(), tmp_path)
    assert counts == {
        "scorecard.csv": 4,
        "objectives.csv": 0,
        "deviations.csv": 5,
        "credits.csv": 1,
        "rejected_rows.csv": 2,
    }
    headers = {name: read(tmp_path / name)[0] for name in counts}
    assert headers == {
        "scorecard.csv": [
            "partner_id",
            "kpi_id",
            "period",
            "actual",
            "expected",
            "minimum",
            "status",
            "numerator",
            "denominator",
            "rows",
        ],
        "objectives.csv": [
            "objective_id",
            "partner_id",
            "kpi_id",
            "baseline",
            "target",
            "current",
            "progress_pct",
            "expected_pct",
            "forecast",
            "status",
        ],
        "deviations.csv": [
            "partner_id",
            "kpi_id",
            "objective_id",
            "period",
            "kind",
            "severity",
            "message",
        ],
        "credits.csv": [
            "partner_id",
            "kpi_id",
            "period",
            "credit_pct",
            "credit_amount",
            "currency",
            "capped",
            "earnback",
        ],
        "rejected_rows.csv": ["file", "line", "column", "value", "reason"],
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(counts)  # no temporary left


def test_numbers_unrounded_without_exponent_nulls_empty_rows_in_time_order(
    tmp_path: Path,
) -> None:
    write_tables(model(), tmp_path)
    assert read(tmp_path / "scorecard.csv")[1:] == [
        ["P1", "sl", "2025-Q3", "1680.0000000000002", "", "", "no_target", "3", "4", "2"],
        ["P1", "sl", "2026-07", "0.1", "80", "75", "breach", "0.00001", "0.0001", "1"],
        ["P1", "sl", "2026-08", "", "80", "75", "no_data", "", "", "0"],
        ["P1", "sl", "2026-Q3", "75", "80", "75", "at_risk", "900", "1200", "3"],
    ]


def test_booleans_are_true_false_and_extra_columns_are_not_written(tmp_path: Path) -> None:
    write_tables(model(), tmp_path)
    assert read(tmp_path / "credits.csv")[1:] == [
        ["P1", "sl", "2026-07", "4", "933.3333333333334", "EUR", "true", "pending"]
    ]


def test_formula_like_text_is_neutralised_numbers_are_not(tmp_path: Path) -> None:
    write_tables(model(), tmp_path)
    rows = read(tmp_path / "deviations.csv")[1:]
    # sorted by partner, KPI, period; rows without a partner last
    assert [(r[0], r[1], r[3], r[6]) for r in rows] == [
        ("P1", "aht", "2026-07", "-12"),
        ("P1", "sl", "2026-07", "'\tTabbed"),
        ("P1", "sl", "2026-Q3", "'@SUM(A1)"),
        ("P2", "sl", "2026-07", '\'=HYPERLINK("x")'),
        ("", "", "2026-Q3", "'-abc rows of f.csv"),
    ]
    rejected = read(tmp_path / "rejected_rows.csv")[1:]
    assert rejected == [
        ["observations/a.csv", "4", "value", "'+cmd|' /C calc'!A0", "is not a number"],
        ["observations/b.xlsx", "", "", "", "cannot be read"],
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("\rx", "'\rx"),
        ("-4.5", "-4.5"),
        ("+7", "+7"),
        ("-1e3", "-1e3"),
        ("plain", "plain"),
    ],
)
def test_neutralise(text: str, written: str) -> None:
    assert neutralise(text) == written


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (42000.0, "42000"),
        (-40.0, "-40"),
        (1 / 3, "0.3333333333333333"),
        (1e20, "100000000000000000000"),
        (2.5e-7, "0.00000025"),
        (np.nan, ""),
        (None, ""),
    ],
)
def test_format_number_is_repr_exact(value: float | None, text: str) -> None:
    assert format_number(value) == text
    if text:
        assert float(text) == value


def test_rewrite_replaces_the_file_whole(tmp_path: Path) -> None:
    write_tables(model(), tmp_path)
    write_tables(model(deviations=deviations().iloc[:1]), tmp_path)
    assert len(read(tmp_path / "deviations.csv")) == 2


def test_a_table_outside_its_schema_is_refused(tmp_path: Path) -> None:
    bad = scorecard().assign(status="great")
    with pytest.raises(pandera.errors.SchemaError):
        write_tables(model(scorecard=bad), tmp_path)
    assert not (tmp_path / "scorecard.csv").exists()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(schemas.CreditsCsv.strategy(size=4))
def test_any_schema_valid_credits_table_reads_back_exactly(frame: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "credits.csv"
        write_csv(csv_table(frame, schemas.CreditsCsv), path)
        rows = read(path)[1:]
    assert len(rows) == len(frame)
    for cells, record in zip(rows, frame.to_dict("records"), strict=True):
        for cell, (column, value) in zip(cells, record.items(), strict=True):
            if column in ("credit_pct", "credit_amount"):
                assert "e" not in cell.lower() and float(cell) == value
            elif column == "capped":
                assert cell == ("true" if value else "false")
            else:
                assert cell == neutralise(value)
                assert cell == value or (cell == "'" + value and value[:1] in "=+-@\t\r")
