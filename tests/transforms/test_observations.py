"""Observation rows: what is kept, what is rejected on which column, and the duplicate rule."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from transforms.cells import RawFrame
from transforms.observations import build_observations, check_observation_rows

KPIS = pd.DataFrame(
    {
        "kpi_id": ["service_level", "backlog", "nps", "csat"],
        "aggregation": ["ratio", "last", "nps", "top2box"],
    }
)
PARTNERS = pd.DataFrame({"partner_id": ["ALPHA", "BETA"]})
COLUMNS = ["partner_id", "kpi_id", "period_start", "period_end", "period", "numerator",
           "denominator", "value"]  # fmt: skip


def _raw(rows: list[list[str]], file: str = "observations/a.csv", comma: bool = False) -> RawFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["line"] = range(2, len(rows) + 2)
    return RawFrame(file, frame, comma)


def _check(rows: list[list[str]], comma: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    return check_observation_rows(_raw(rows, comma=comma), KPIS, PARTNERS)


def _only_fault(row: list[str], comma: bool = False) -> tuple[str, str, str]:
    kept, rejected = _check([row], comma)
    assert kept.empty
    assert len(rejected) == 1
    fault = rejected.iloc[0]
    return fault["column"], fault["value"], fault["reason"]


def test_ratio_row_with_month_shorthand_covers_the_whole_month() -> None:
    kept, rejected = _check([["ALPHA", "service_level", "", "", "2026-02", "80", "100", ""]])
    assert rejected.empty
    row = kept.iloc[0]
    assert (row["period_start"], row["period_end"]) == (
        pd.Timestamp("2026-02-01"),
        pd.Timestamp("2026-02-28"),
    )
    assert (row["month"], row["numerator"], row["denominator"]) == ("2026-02", 80.0, 100.0)
    assert math.isnan(row["value"])
    assert (row["file"], row["line"], row["origin"]) == ("observations/a.csv", 2, "observation")


def test_day_shorthand_and_period_end_default_to_a_single_day() -> None:
    kept, _ = _check(
        [
            ["ALPHA", "backlog", "", "", "2026-03-31", "", "", "12"],
            ["ALPHA", "backlog", "2026-03-15", "", "", "", "", "9"],
        ]
    )
    assert kept["period_start"].tolist() == [pd.Timestamp("2026-03-31"), pd.Timestamp("2026-03-15")]
    assert kept["period_end"].tolist() == kept["period_start"].tolist()
    assert kept["value"].tolist() == [12.0, 9.0]


def test_period_and_matching_start_and_end_are_accepted_together() -> None:
    kept, rejected = _check(
        [["ALPHA", "backlog", "2026-03-01", "2026-03-31", "2026-03", "", "", "3"]]
    )
    assert rejected.empty and len(kept) == 1


@pytest.mark.parametrize(
    ("row", "column", "reason_start"),
    [
        (["GAMMA", "backlog", "", "", "2026-03", "", "", "1"], "partner_id", "is not a configured"),
        (["", "backlog", "", "", "2026-03", "", "", "1"], "partner_id", "is empty"),
        (["ALPHA", "speed", "", "", "2026-03", "", "", "1"], "kpi_id", "is not a KPI"),
        (["ALPHA", "backlog", "2026/03/01", "", "", "", "", "1"], "period_start", "is not a date"),
        (["ALPHA", "backlog", "2026-02-30", "", "", "", "", "1"], "period_start", "is not a date"),
        (["ALPHA", "backlog", "2026-03-01", "31.3.", "", "", "", "1"], "period_end", "is not a"),
        (["ALPHA", "backlog", "", "", "2026-13", "", "", "1"], "period", "is not a period"),
        (["ALPHA", "backlog", "", "", "", "", "", "1"], "period_start", "is empty"),
        (
            ["ALPHA", "backlog", "2026-03-02", "", "2026-03", "", "", "1"],
            "period_start",
            "disagree",
        ),
        (["ALPHA", "backlog", "", "2026-03-30", "2026-03", "", "", "1"], "period_end", "disagree"),
        (
            ["ALPHA", "backlog", "2026-03-05", "2026-03-04", "", "", "", "1"],
            "period_end",
            "is befo",
        ),
        (
            ["ALPHA", "backlog", "2026-03-31", "2026-04-01", "", "", "", "1"],
            "period_end",
            "is in an",
        ),
        (["ALPHA", "service_level", "", "", "2026-03", "", "10", ""], "numerator", "is empty"),
        (["ALPHA", "service_level", "", "", "2026-03", "8", "", ""], "denominator", "is empty"),
        (["ALPHA", "service_level", "", "", "2026-03", "8", "0", ""], "denominator", "is not abo"),
        (["ALPHA", "service_level", "", "", "2026-03", "8", "-5", ""], "denominator", "is not ab"),
        (["ALPHA", "service_level", "", "", "2026-03", "-1", "5", ""], "numerator", "is negative"),
        (["ALPHA", "nps", "", "", "2026-03", "-6", "5", ""], "numerator", "is below -denominator"),
        (["ALPHA", "csat", "", "", "2026-03", "6", "5", ""], "numerator", "is above denominator"),
        (["ALPHA", "backlog", "", "", "2026-03", "", "", ""], "value", "is empty"),
        (["ALPHA", "backlog", "", "", "2026-03", "", "", "12 items"], "value", "is not a number"),
        (["ALPHA", "backlog", "", "", "2026-03", "", "", "NaN"], "value", "is not a finite"),
        (["ALPHA", "backlog", "", "", "2026-03", "", "", "-inf"], "value", "is not a finite"),
        (["ALPHA", "backlog", "", "", "2026-03", "", "", "1e400"], "value", "is not a finite"),
        (["ALPHA", "backlog", "", "", "2026-03", "", "", "1,5"], "value", "is not a number"),
    ],
)
def test_each_bad_row_is_rejected_on_its_first_column_at_fault(
    row: list[str], column: str, reason_start: str
) -> None:
    found_column, _, reason = _only_fault(row)
    assert found_column == column
    assert reason.startswith(reason_start)


def test_rejected_row_keeps_the_value_as_written_and_a_reason_with_the_fix() -> None:
    column, value, reason = _only_fault(["ALPHA", "backlog", "", "", " 2026-3 ", "", "", "1"])
    assert (column, value) == ("period", " 2026-3 ")
    assert reason == "is not a period; write YYYY-MM for a whole month or YYYY-MM-DD for one day"


def test_first_column_at_fault_wins_when_several_are_wrong() -> None:
    column, value, _ = _only_fault(["GAMMA", "speed", "bad", "", "", "", "", "x"])
    assert (column, value) == ("partner_id", "GAMMA")


def test_nps_ratio_row_may_have_a_negative_numerator_down_to_minus_denominator() -> None:
    kept, rejected = _check([["ALPHA", "nps", "", "", "2026-03", "-5", "5", ""]])
    assert rejected.empty
    assert kept["numerator"].tolist() == [-5.0]


def test_decimal_comma_file_reads_comma_decimals_and_space_thousands() -> None:
    kept, rejected = _check(
        [
            ["ALPHA", "service_level", "", "", "2026-01", "1 234,5", "2\u00a0000", ""],
            ["ALPHA", "backlog", "", "", "2026-02", "", "", "4,80"],
            ["ALPHA", "backlog", "", "", "2026-03", "", "", "1.234,5"],
            ["ALPHA", "backlog", "", "", "2026-04", "", "", "-0,5"],
        ],
        comma=True,
    )
    assert rejected.empty
    assert kept["numerator"].tolist()[0] == 1234.5
    assert kept["denominator"].tolist()[0] == 2000.0
    assert kept["value"].tolist()[1:] == [4.8, 1234.5, -0.5]


@pytest.mark.parametrize(
    ("cell", "reason_start"),
    [("1.234", "is ambiguous"), ("1 23,5", "is not a number"), ("1,2.3", "is not a number")],
)
def test_decimal_comma_file_rejects_ambiguous_or_malformed_numbers(
    cell: str, reason_start: str
) -> None:
    column, value, reason = _only_fault(
        ["ALPHA", "backlog", "", "", "2026-03", "", "", cell], comma=True
    )
    assert (column, value) == ("value", cell)
    assert reason.startswith(reason_start)


def test_value_cell_of_a_ratio_kpi_is_not_read() -> None:
    kept, rejected = _check([["ALPHA", "service_level", "", "", "2026-03", "8", "10", "junk"]])
    assert rejected.empty
    assert math.isnan(kept["value"].iloc[0])


def test_same_values_in_two_files_are_kept_once_from_the_later_file() -> None:
    row = ["ALPHA", "backlog", "", "", "2026-03-31", "", "", "12"]
    result = build_observations(
        [_raw([row], "observations/2026-03_v2.csv"), _raw([row], "observations/2026-03.csv")],
        KPIS,
        PARTNERS,
    )
    assert result.observations["file"].tolist() == ["observations/2026-03_v2.csv"]
    superseded = result.superseded.iloc[0]
    assert (superseded["file"], superseded["kept_file"], superseded["reason"]) == (
        "observations/2026-03.csv",
        "observations/2026-03_v2.csv",
        "same values",
    )


def test_v2_file_corrects_v1_and_within_a_file_the_last_line_wins() -> None:
    v1 = _raw(
        [
            ["ALPHA", "service_level", "", "", "2026-03", "70", "100", ""],
            ["ALPHA", "service_level", "", "", "2026-03", "75", "100", ""],
            ["BETA", "service_level", "", "", "2026-03", "60", "100", ""],
        ],
        "observations/2026-03.csv",
    )
    v2 = _raw(
        [["ALPHA", "service_level", "2026-03-01", "2026-03-31", "", "82", "100", ""]],
        "observations/2026-03_v2.csv",
    )
    result = build_observations([v1, v2], KPIS, PARTNERS)
    kept = result.observations.set_index("partner_id")
    assert kept.loc["ALPHA", "numerator"] == 82.0
    assert kept.loc["BETA", "numerator"] == 60.0
    superseded = result.superseded.sort_values("line")
    assert superseded[["line", "kept_file", "kept_line", "reason"]].values.tolist() == [
        [2, "observations/2026-03_v2.csv", 2, "different values"],
        [3, "observations/2026-03_v2.csv", 2, "different values"],
    ]


def test_rows_with_different_periods_are_not_duplicates() -> None:
    result = build_observations(
        [
            _raw(
                [
                    ["ALPHA", "backlog", "2026-03-01", "2026-03-31", "", "", "", "1"],
                    ["ALPHA", "backlog", "2026-03-01", "2026-03-15", "", "", "", "2"],
                ]
            )
        ],
        KPIS,
        PARTNERS,
    )
    assert len(result.observations) == 2
    assert result.superseded.empty


def test_rejected_rows_of_every_file_are_collected_in_file_order() -> None:
    bad = ["GAMMA", "backlog", "", "", "2026-03", "", "", "1"]
    result = build_observations(
        [_raw([bad], "observations/a.csv"), _raw([bad, bad], "observations/b.csv")],
        KPIS,
        PARTNERS,
    )
    assert result.rejected[["file", "line"]].values.tolist() == [
        ["observations/a.csv", 2],
        ["observations/b.csv", 2],
        ["observations/b.csv", 3],
    ]


def test_parquet_typed_columns_are_checked_like_text() -> None:
    frame = pd.DataFrame(
        {
            "partner_id": ["ALPHA", "ALPHA"],
            "kpi_id": ["backlog", "backlog"],
            "period_start": pd.to_datetime(["2026-03-31", "2026-03-30 12:00"], format="ISO8601"),
            "value": [float("inf"), 3.0],
            "line": [2, 3],
        }
    )
    kept, rejected = check_observation_rows(RawFrame("p.parquet", frame), KPIS, PARTNERS)
    assert kept.empty
    assert rejected[["line", "column"]].values.tolist() == [[2, "value"], [3, "period_start"]]


def test_number_columns_checked_in_a_thread_give_the_same_kept_and_rejected_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [
        ["ALPHA", "service_level", "", "", "2026-03", "8", "10", ""],
        ["GAMMA", "backlog", "bad", "", "", "", "", "x"],
        ["ALPHA", "backlog", "2026-03-02", "", "", "", "", "12 items"],
        ["BETA", "service_level", "", "", "2026-13", "", "0", ""],
        ["BETA", "nps", "", "", "2026-04", "-6", "5", ""],
        ["ALPHA", "csat", "2026-03-05", "2026-03-06", "", "6", "5", ""],
        ["BETA", "backlog", "", "", "2026-03-31", "", "", "1e400"],
        ["BETA", "backlog", "", "", "2026-03-30", "", "", "4.5"],
        ["BETA", "sla", "", "", "2026-03-30", "", "", "x"],  # an unknown KPI, a bad value
    ] * 3
    import transforms.observations as observations

    monkeypatch.setattr(observations, "_PARSE_IN_THREAD_ROWS", 10**9)
    alone = _check(rows)
    monkeypatch.setattr(observations, "_PARSE_IN_THREAD_ROWS", 0)
    threaded = _check(rows)
    for one, other in zip(alone, threaded, strict=True):
        pd.testing.assert_frame_equal(one, other, check_exact=True)
    kept, rejected = threaded
    assert len(kept) == 6
    assert rejected["column"].tolist()[:7] == [
        "partner_id",
        "value",
        "period",
        "numerator",
        "numerator",
        "value",
        "kpi_id",
    ]


def _labels_are_the_rows_text(kept: pd.DataFrame) -> None:
    for name in ["partner_id", "kpi_id", "month", "source", "note", "file", "origin"]:
        if name in kept.columns:
            column = kept[name]
            assert isinstance(column.dtype, pd.CategoricalDtype), name
            assert column.cat.categories.tolist() == sorted(column.dropna().unique()), name


@pytest.mark.parametrize(
    "case", ["all kept", "a file with no rows", "a rejected row", "a superseded file"]
)
def test_kept_rows_category_labels_are_exactly_those_on_some_row(case: str) -> None:
    clean = [["ALPHA", "backlog", "", "", "2026-03", "", "", "1"]]
    files = [_raw(clean, "observations/a.csv")]
    if case == "a file with no rows":
        # same columns and types as the next file: both are checked in one batch
        files.insert(0, RawFrame("observations/0-empty.csv", files[0].frame.iloc[:0], False))
    elif case == "a rejected row":
        files.append(_raw([["GAMMA", "service_level", "", "", "2026-04", "8", "10", ""]], "b.csv"))
    elif case == "a superseded file":
        later = [["ALPHA", "backlog", "", "", "2026-03", "", "", "2"]]
        files.append(_raw(later, "observations/b.csv"))
    result = build_observations(files, KPIS, PARTNERS)
    assert len(result.observations) == 1
    _labels_are_the_rows_text(result.observations)


def test_no_observation_files_give_no_rows_with_category_text_columns() -> None:
    result = build_observations([], KPIS, PARTNERS)
    assert result.observations.empty
    _labels_are_the_rows_text(result.observations)


def test_a_rejected_rows_month_is_no_label_of_the_kept_rows() -> None:
    kept, rejected = _check(
        [
            ["ALPHA", "backlog", "", "", "2026-03", "", "", "1"],
            ["GAMMA", "backlog", "", "", "2026-04", "", "", "1"],
        ]
    )
    assert len(rejected) == 1
    assert kept["month"].cat.categories.tolist() == ["2026-03"]


def test_a_failure_while_the_numbers_are_checked_in_a_thread_is_raised_not_waited_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import transforms.observations as observations

    monkeypatch.setattr(observations, "_PARSE_IN_THREAD_ROWS", 0)
    rows = [["ALPHA", "backlog", "", "", "2026-03", "", "", "1"]]
    with pytest.raises(KeyError, match="aggregation"):  # a catalog without aggregations
        _checked = check_observation_rows(_raw(rows), KPIS[["kpi_id"]], PARTNERS)


def test_a_frame_built_column_by_column_equals_the_frame_of_its_dict() -> None:
    from transforms.observations import columns_frame

    index = pd.Index([4, 2, 9])
    columns = {
        "b": pd.Series([1.0, 2.0, 3.0], index=index),
        "a": pd.Series(pd.Categorical(["x", None, "x"]), index=index),
        "c": pd.Series([4.0, 5.0, 6.0], index=index),
    }
    frame = columns_frame(columns, ["a", "b", "c"], index)
    pd.testing.assert_frame_equal(frame, pd.DataFrame(columns, columns=["a", "b", "c"]))


def test_identity_checks_flag_only_when_some_cell_is_at_fault() -> None:
    from transforms.observations import flag_identity
    from transforms.row_checks import MaskSink, coded_text

    raw = _raw(
        [
            ["ALPHA", "backlog", "", "", "2026-03", "", "", "1"],
            ["GAMMA", "backlog", "", "", "2026-03", "", "", "1"],
            ["ALPHA", "nps", "", "", "2026-03", "", "", "1"],
        ]
    ).frame
    clean, faulty = MaskSink(), MaskSink()
    kpi = coded_text(raw, "kpi_id")
    flag_identity(clean, coded_text(raw.iloc[[0, 2]], "partner_id"), kpi, KPIS, PARTNERS)
    assert clean.checks == []  # no all-False mask of every row handed on
    flag_identity(faulty, coded_text(raw, "partner_id"), kpi, KPIS, PARTNERS)
    assert [(mask.tolist(), column) for mask, column, _ in faulty.checks] == [
        ([False, True, False], "partner_id")
    ]


def test_number_faults_are_flagged_only_for_kinds_some_cell_has() -> None:
    from transforms.cells import parse_numbers
    from transforms.observation_cells import flag_number_faults
    from transforms.row_checks import MaskSink

    cells = pd.DataFrame({"value": ["1", "", "x", "2"]})
    applies = pd.Series([True, True, True, False])
    clean, faulty = MaskSink(), MaskSink()
    flag_number_faults(clean, parse_numbers(cells.iloc[[0, 3]], "value", False), applies, "v", "")
    assert clean.checks == []
    flag_number_faults(faulty, parse_numbers(cells, "value", False), applies, "v", "need it")
    assert [(mask.tolist(), reason[:15]) for mask, _, reason in faulty.checks] == [
        ([False, True, False, False], "is empty; need "),
        ([False, False, True, False], "is not a number"),
    ]
