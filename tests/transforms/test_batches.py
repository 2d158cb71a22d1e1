"""Small files checked together: batches of consecutive files of one shape, same rows as alone."""

from __future__ import annotations

import pandas as pd

from transforms.batches import batches, single
from transforms.categories import concat_rows
from transforms.cells import RawFrame, concat_rejected
from transforms.observations import build_observations, check_observation_rows
from transforms.surveys import build_survey_rows, check_survey_rows

KPIS = pd.DataFrame(
    {
        "kpi_id": ["service_level", "backlog", "nps"],
        "aggregation": ["ratio", "last", "nps"],
    }
)
PARTNERS = pd.DataFrame({"partner_id": ["ALPHA", "BETA"]})
COLUMNS = ["partner_id", "kpi_id", "period", "numerator", "denominator", "value"]


def _file(name: str, rows: list[list[str]], comma: bool = False) -> RawFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype="str")
    frame["line"] = range(2, len(rows) + 2)
    return RawFrame(name, frame, comma)


def _files() -> list[RawFrame]:
    """One-row files, some with a bad row, a resend, and a semicolon file in between."""
    return [
        _file("o/a.csv", [["ALPHA", "backlog", "2026-01", "", "", "4"]]),
        _file("o/b.csv", [["ALPHA", "service_level", "2026-01", "8", "10", ""],
                          ["ALPHA", "service_level", "2026-02", "n/a", "10", ""]]),
        _file("o/c.csv", [["BETA", "backlog", "2026-01", "", "", "4,5"]], comma=True),
        _file("o/d.csv", [["GAMMA", "backlog", "2026-01", "", "", "1"]]),
        _file("o/e.csv", [["ALPHA", "backlog", "2026-01", "", "", "5"]]),
    ]  # fmt: skip


def test_consecutive_files_of_one_shape_make_one_batch_up_to_the_row_limit() -> None:
    files = _files()
    sizes = [len(b.frame) for b in batches(files)]
    assert sizes == [3, 1, 2]  # the semicolon file breaks the run
    assert [len(b.frame) for b in batches(files, max_rows=2)] == [1, 2, 1, 2]
    first = next(iter(batches(files)))
    assert first.files.tolist() == ["o/a.csv", "o/b.csv", "o/b.csv"]
    assert first.frame["line"].tolist() == [2, 2, 3]


def test_a_file_of_other_columns_is_checked_in_its_own_batch() -> None:
    other = _file("o/x.csv", [["ALPHA", "backlog", "2026-03", "", "", "2"]])
    other.frame["note"] = "late"
    assert [b.files.unique().tolist() for b in batches([*_files()[:1], other, *_files()[3:]])] == [
        ["o/a.csv"],
        ["o/x.csv"],
        ["o/d.csv", "o/e.csv"],
    ]


def test_checking_files_together_gives_the_rows_of_checking_each_alone() -> None:
    files = _files()
    together = build_observations(files, KPIS, PARTNERS)
    alone = [check_observation_rows(f, KPIS, PARTNERS) for f in files]
    rejected = concat_rejected([bad for _, bad in alone])
    pd.testing.assert_frame_equal(together.rejected, rejected)
    assert together.rejected["file"].tolist() == ["o/b.csv", "o/d.csv"]
    assert together.observations["file"].tolist() == ["o/b.csv", "o/c.csv", "o/e.csv"]
    assert together.superseded[["file", "kept_file"]].values.tolist() == [["o/a.csv", "o/e.csv"]]
    one_by_one = pd.concat([kept for kept, _ in alone], ignore_index=True)
    assert len(one_by_one) == len(together.observations) + len(together.superseded)


def test_survey_answers_of_many_files_are_those_of_each_file_alone() -> None:
    columns = ["partner_id", "kpi_id", "response_date", "score"]
    answers = [
        [["ALPHA", "nps", "2026-01-05", "9"]],
        [["BETA", "nps", "2026-01-06", "11"], ["BETA", "nps", "2026-01-07", "3"]],
        [["ALPHA", "nps", "2026-01-08", "7"]],
    ]
    files = []
    for number, rows in enumerate(answers):
        frame = pd.DataFrame(rows, columns=columns, dtype="str")
        frame["line"] = range(2, len(rows) + 2)
        files.append(RawFrame(f"s/{number}.csv", frame))
    kept, rejected = build_survey_rows(files, KPIS, PARTNERS)
    alone = [check_survey_rows(f, KPIS, PARTNERS) for f in files]
    pd.testing.assert_frame_equal(kept, concat_rows([k for k, _ in alone]))
    pd.testing.assert_frame_equal(rejected, concat_rejected([r for _, r in alone]))
    assert rejected[["file", "line", "column"]].values.tolist() == [["s/1.csv", 2, "score"]]
    assert kept["numerator"].tolist() == [1.0, -1.0, 0.0]


def test_a_batch_of_one_file_names_it_once_and_each_row_only_when_asked() -> None:
    one, joined = single(_files()[0]), next(iter(batches(_files()[:2])))
    assert one.rows_file() == "o/a.csv"
    assert one.files.tolist() == ["o/a.csv"] and one.files.index.equals(one.frame.index)
    assert isinstance(joined.rows_file(), pd.Series)
    assert joined.rows_file().tolist() == ["o/a.csv", "o/b.csv", "o/b.csv"]
