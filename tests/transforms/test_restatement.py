"""Restatement: changed figures of a rerun period and the input files behind them."""

from __future__ import annotations

import math

import pandas as pd

from transforms.restatement import (
    changed_figures,
    changed_inputs,
    feeding_files,
    restate_scorecard,
)


def _scorecard(rows: list[tuple[str, str, str, float | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["partner_id", "kpi_id", "period", "actual", "status"])


def _inputs(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["path", "sha256"])


def _fed(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["partner_id", "kpi_id", "file"])


NO_SUPERSEDED = pd.DataFrame(columns=["partner_id", "kpi_id", "file", "kept_file"])


def test_changed_inputs_lists_modified_added_and_removed_files_only() -> None:
    old = _inputs([("config.yaml", "a"), ("obs/A/x.csv", "b"), ("obs/B/y.csv", "c")])
    new = _inputs([("config.yaml", "a"), ("obs/A/x.csv", "B2"), ("obs/C/z.csv", "d")])
    got = changed_inputs(old, new)
    assert got.to_dict("records") == [
        {"path": "obs/A/x.csv", "change": "modified"},
        {"path": "obs/B/y.csv", "change": "removed"},
        {"path": "obs/C/z.csv", "change": "added"},
    ]


def test_changed_figures_keeps_rows_whose_actual_or_status_differs() -> None:
    old = _scorecard(
        [
            ("A", "FCR", "2026-Q3", 0.80, "met"),
            ("A", "AHT", "2026-Q3", 300.0, "met"),
            ("A", "CSAT", "2026-Q3", None, "no_data"),
            ("B", "FCR", "2026-Q3", 0.70, "met"),
        ]
    )
    new = _scorecard(
        [
            ("A", "FCR", "2026-Q3", 0.80, "met"),  # unchanged
            ("A", "AHT", "2026-Q3", 310.0, "met"),  # actual changed
            ("A", "CSAT", "2026-Q3", None, "no_data"),  # both empty: unchanged
            ("B", "FCR", "2026-Q3", 0.70, "at_risk"),  # status changed
        ]
    )
    got = changed_figures(old, new)
    assert list(zip(got["partner_id"], got["kpi_id"], strict=True)) == [("A", "AHT"), ("B", "FCR")]
    assert got["old_actual"].tolist() == [300.0, 0.70]
    assert got["new_actual"].tolist() == [310.0, 0.70]
    assert got["new_status"].tolist() == ["met", "at_risk"]


def test_a_figure_new_in_the_rerun_is_restated_with_an_empty_old_side() -> None:
    old = _scorecard([])
    new = _scorecard([("A", "FCR", "2026-07", 0.5, "breach")])
    got = changed_figures(old, new)
    assert len(got) == 1
    assert math.isnan(got.loc[0, "old_actual"]) and got.loc[0, "old_status"] == ""


def test_restated_figure_names_only_the_changed_files_that_fed_it() -> None:
    old = _scorecard([("A", "AHT", "2026-Q3", 300.0, "met"), ("B", "AHT", "2026-Q3", 200.0, "met")])
    new = _scorecard([("A", "AHT", "2026-Q3", 310.0, "met"), ("B", "AHT", "2026-Q3", 250.0, "met")])
    old_in = _inputs([("config.yaml", "c"), ("obs/A/aht.csv", "1"), ("obs/B/aht.csv", "2")])
    new_in = _inputs([("config.yaml", "c"), ("obs/A/aht.csv", "1b"), ("obs/B/aht.csv", "2")])
    fed = _fed([("A", "AHT", "obs/A/aht.csv"), ("B", "AHT", "obs/B/aht.csv")])
    got = restate_scorecard(old, new, old_in, new_in, fed, NO_SUPERSEDED)
    assert got["changed_files"].tolist() == ["obs/A/aht.csv (modified)", ""]


def test_partner_configuration_and_a_fully_rejected_file_explain_a_restatement() -> None:
    old = _scorecard([("A", "AHT", "2026-Q3", 300.0, "met")])
    new = _scorecard([("A", "AHT", "2026-Q3", None, "no_data")])
    old_in = _inputs([("partners/A.yaml", "p"), ("partners/B.yaml", "q"), ("obs/A/aht.csv", "1")])
    new_in = _inputs([("partners/A.yaml", "p2"), ("partners/B.yaml", "q2"), ("obs/A/aht.csv", "x")])
    got = restate_scorecard(old, new, old_in, new_in, _fed([]), NO_SUPERSEDED)
    assert got.loc[0, "changed_files"] == "obs/A/aht.csv (modified);partners/A.yaml (modified)"


def test_a_superseded_row_attributes_both_files_to_its_partner_and_kpi() -> None:
    old = _scorecard([("A", "AHT", "2026-Q3", 300.0, "met")])
    new = _scorecard([("A", "AHT", "2026-Q3", 320.0, "met")])
    old_in = _inputs([("obs/late.csv", "1")])
    new_in = _inputs([("obs/late.csv", "1"), ("obs/fix.csv", "2")])
    superseded = pd.DataFrame(
        [("A", "AHT", "obs/late.csv", "obs/fix.csv")],
        columns=["partner_id", "kpi_id", "file", "kept_file"],
    )
    got = restate_scorecard(old, new, old_in, new_in, _fed([]), superseded)
    assert got.loc[0, "changed_files"] == "obs/fix.csv (added)"


def test_feeding_files_of_category_rows_are_the_text_triples_in_first_seen_order() -> None:
    fed = _fed([("B", "AHT", "obs/b.csv"), ("A", "AHT", "obs/a.csv"), ("B", "AHT", "obs/b.csv")])
    superseded = pd.DataFrame(
        [("A", "AHT", "obs/old.csv", "obs/a.csv")],
        columns=["partner_id", "kpi_id", "file", "kept_file"],
    )
    got = feeding_files(fed.astype("category"), superseded)
    pd.testing.assert_frame_equal(got, feeding_files(fed, superseded))
    assert got.values.tolist() == [
        ["B", "AHT", "obs/b.csv"],
        ["A", "AHT", "obs/a.csv"],
        ["A", "AHT", "obs/old.csv"],
    ]
    assert (got.dtypes == "str").all()
