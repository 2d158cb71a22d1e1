"""Survey answers: one Observations row per valid answer, scores checked by KPI family."""

from __future__ import annotations

import pandas as pd
import pytest

from transforms.cells import RawFrame
from transforms.surveys import build_survey_rows, check_survey_rows

KPIS = pd.DataFrame(
    {"kpi_id": ["nps", "csat", "backlog"], "aggregation": ["nps", "top2box", "last"]}
)
PARTNERS = pd.DataFrame({"partner_id": ["ALPHA"]})


def _raw(rows: list[list[str]], comma: bool = False) -> RawFrame:
    frame = pd.DataFrame(rows, columns=["partner_id", "kpi_id", "response_date", "score"])
    frame["line"] = range(2, len(rows) + 2)
    return RawFrame("surveys/s.csv", frame, comma)


def test_nps_answers_become_plus_one_zero_or_minus_one_over_one_response() -> None:
    rows = [["ALPHA", "nps", "2026-03-10", s] for s in ["10", "9", "8", "7", "6", "0"]]
    kept, rejected = check_survey_rows(_raw(rows), KPIS, PARTNERS)
    assert rejected.empty
    assert kept["numerator"].tolist() == [1.0, 1.0, 0.0, 0.0, -1.0, -1.0]
    assert kept["denominator"].tolist() == [1.0] * 6
    assert set(kept["origin"]) == {"survey"}
    assert set(kept["month"]) == {"2026-03"}
    assert kept["period_start"].eq(pd.Timestamp("2026-03-10")).all()
    assert kept["period_end"].eq(pd.Timestamp("2026-03-10")).all()


def test_top2box_answers_count_four_and_five() -> None:
    rows = [["ALPHA", "csat", "2026-03-10", s] for s in ["5", "4", "3", "1", "4.0"]]
    kept, _ = check_survey_rows(_raw(rows), KPIS, PARTNERS)
    assert kept["numerator"].tolist() == [1.0, 1.0, 0.0, 0.0, 1.0]


def test_identical_answers_are_each_counted() -> None:
    rows = [["ALPHA", "nps", "2026-03-10", "10"]] * 3
    answers, rejected = build_survey_rows([_raw(rows)], KPIS, PARTNERS)
    assert len(answers) == 3 and rejected.empty


@pytest.mark.parametrize(
    ("row", "column", "reason_start"),
    [
        (["ALPHA", "nps", "2026-03-10", "11"], "score", "is outside 0-10"),
        (["ALPHA", "nps", "2026-03-10", "-1"], "score", "is outside 0-10"),
        (["ALPHA", "nps", "2026-03-10", "8.5"], "score", "is not a whole number"),
        (["ALPHA", "csat", "2026-03-10", "0"], "score", "is outside 1-5"),
        (["ALPHA", "csat", "2026-03-10", "6"], "score", "is outside 1-5"),
        (["ALPHA", "csat", "2026-03-10", ""], "score", "is empty"),
        (["ALPHA", "csat", "2026-03-10", "good"], "score", "is not a number"),
        (["ALPHA", "backlog", "2026-03-10", "5"], "kpi_id", "is neither an nps nor a top2box"),
        (["ALPHA", "nps", "10/03/2026", "9"], "response_date", "is not a date"),
        (["ALPHA", "nps", "", "9"], "response_date", "is empty"),
        (["OMEGA", "nps", "2026-03-10", "9"], "partner_id", "is not a configured partner"),
    ],
)
def test_bad_answers_are_rejected_on_their_column(
    row: list[str], column: str, reason_start: str
) -> None:
    kept, rejected = check_survey_rows(_raw([row]), KPIS, PARTNERS)
    assert kept.empty
    assert rejected["column"].tolist() == [column]
    assert rejected["reason"].iloc[0].startswith(reason_start)
    assert rejected["line"].tolist() == [2]


def test_decimal_comma_scores_are_read_in_semicolon_files() -> None:
    kept, rejected = check_survey_rows(
        _raw([["ALPHA", "nps", "2026-03-10", "9,0"], ["ALPHA", "nps", "2026-03-10", "8,5"]], True),
        KPIS,
        PARTNERS,
    )
    assert kept["numerator"].tolist() == [1.0]
    assert rejected["line"].tolist() == [3]
