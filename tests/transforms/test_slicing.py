"""A partner's share of the review model, and report fingerprints."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from partner_review.catalog import build_catalog
from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from transforms.model import ReviewModel, SourceData
from transforms.periods import nightly_run, parse_quarter, quarterly_run
from transforms.review import build_review
from transforms.slicing import (
    FILE_PARTNERS,
    fingerprint_model,
    model_for_partner,
    partner_fingerprints,
    without_observations,
)

DEMO = Path(__file__).resolve().parents[2] / "inputs"


def _model(observations: pd.DataFrame, files: pd.DataFrame, rejected: pd.DataFrame) -> ReviewModel:
    empty = pd.DataFrame({"partner_id": pd.Series([], dtype=str)})
    scorecard = pd.DataFrame({"partner_id": ["A", "B"], "kpi_id": ["k", "k"], "actual": [1.0, 2.0]})
    source = SourceData(observations, empty, rejected, files, empty, empty, empty)
    return ReviewModel(
        nightly_run(date(2026, 11, 27)), scorecard, empty, empty, empty, empty, empty, empty,
        empty, source, empty, empty, empty,
    )  # fmt: skip


OBS = pd.DataFrame({"file": ["a.csv", "b.csv", "ab.csv", "ab.csv"],
                    "partner_id": ["A", "B", "A", "B"]})  # fmt: skip
FILES = pd.DataFrame({
    "file": ["a.csv", "b.csv", "ab.csv", "broken.csv", "comments.csv"],
    "kind": ["observations", "observations", "observations", "observations", "comments"],
    "sha256": ["1", "2", "3", "", "5"],
})  # fmt: skip
REJECTED = pd.DataFrame({"file": ["b.csv", "a.csv", "broken.csv"], "line": [3, 4, None]})


def test_partner_share_shows_own_files_unattributable_files_and_logs_only() -> None:
    part = model_for_partner(without_observations(_model(OBS, FILES, REJECTED)), "A")
    assert part.scorecard["partner_id"].tolist() == ["A"]
    assert part.source.files["file"].tolist() == ["a.csv", "ab.csv", "broken.csv", "comments.csv"]
    assert part.source.rejected["file"].tolist() == ["a.csv", "broken.csv"]


def test_another_partners_file_change_leaves_the_fingerprint_unchanged() -> None:
    before = without_observations(_model(OBS, FILES, REJECTED))
    changed = FILES.assign(sha256=["1", "CHANGED", "3", "", "5"])
    after = without_observations(_model(OBS, changed, REJECTED))
    assert fingerprint_model(model_for_partner(before, "A")) == fingerprint_model(
        model_for_partner(after, "A")
    )
    assert fingerprint_model(model_for_partner(before, "B")) != fingerprint_model(
        model_for_partner(after, "B")
    )


def test_partner_fingerprints_equal_fingerprints_of_each_partners_share() -> None:
    model = without_observations(_model(OBS, FILES, REJECTED))
    extra = {"A": ("code", "a"), "B": ("code", "b"), "C": ("code", "c")}
    assert partner_fingerprints(model, extra) == {
        pid: fingerprint_model(model_for_partner(model, pid), *strings)
        for pid, strings in extra.items()
    }


def test_partner_fingerprints_of_the_demo_model_equal_each_partners_share() -> None:
    """Real frames (dates, categoricals, NaN, booleans) of the bundled demo's quarter."""
    settings = load_settings(DEMO)
    run = quarterly_run(parse_quarter("2026-Q3", 1))
    model = without_observations(build_review(build_catalog(settings), load_sources(settings), run))
    extra = {pid: ("code", pid) for pid in [*settings.partners, "NOBODY"]}
    fingerprints = partner_fingerprints(model, extra)
    assert fingerprints == {
        pid: fingerprint_model(model_for_partner(model, pid), *strings)
        for pid, strings in extra.items()
    }
    assert len(set(fingerprints.values())) == len(extra)


def test_fingerprint_follows_values_and_dtypes_not_the_index() -> None:
    model = _model(OBS, FILES, REJECTED)
    scorecard = model.scorecard

    def with_scorecard(frame: pd.DataFrame) -> str:
        return fingerprint_model(replace(model, scorecard=frame))

    same = with_scorecard(scorecard)
    assert with_scorecard(scorecard.set_axis([5, 7])) == same
    assert with_scorecard(scorecard.assign(actual=[1.0, 2.5])) != same
    assert with_scorecard(scorecard.assign(actual=[1, 2])) != same  # int, not float
    assert with_scorecard(scorecard.iloc[::-1]) != same  # row order shows in a report
    assert with_scorecard(scorecard.rename(columns={"actual": "value"})) != same


def test_a_file_whose_rows_were_all_superseded_is_shown_to_its_partner_only() -> None:
    files = pd.concat(
        [FILES, pd.DataFrame({"file": ["b-old.csv"], "kind": ["observations"], "sha256": ["6"]})],
        ignore_index=True,
    )
    model = without_observations(_model(OBS, files, REJECTED))
    superseded = pd.DataFrame({"file": ["b-old.csv"], "partner_id": ["B"], "line": [2]})
    model = replace(model, source=replace(model.source, superseded=superseded))
    model = without_observations(replace(model, extras={}))
    assert "b-old.csv" in model_for_partner(model, "B").source.files["file"].tolist()
    assert "b-old.csv" not in model_for_partner(model, "A").source.files["file"].tolist()
    extra = {"A": ("a",), "B": ("b",)}
    assert partner_fingerprints(model, extra) == {
        pid: fingerprint_model(model_for_partner(model, pid), *strings)
        for pid, strings in extra.items()
    }


def test_category_observations_give_the_pairs_and_fingerprints_of_text_ones() -> None:
    text = without_observations(_model(OBS.astype("str"), FILES, REJECTED))
    category = without_observations(_model(OBS.astype("category"), FILES, REJECTED))
    pd.testing.assert_frame_equal(category.extras[FILE_PARTNERS], text.extras[FILE_PARTNERS])
    assert category.extras[FILE_PARTNERS]["file"].tolist() == ["a.csv", "b.csv", "ab.csv", "ab.csv"]
    assert fingerprint_model(category) == fingerprint_model(text)
    for pid in ("A", "B"):
        assert fingerprint_model(model_for_partner(category, pid)) == fingerprint_model(
            model_for_partner(text, pid)
        )


def test_a_model_already_without_observations_is_returned_as_it_is() -> None:
    slim = without_observations(_model(OBS, FILES, REJECTED))
    assert without_observations(slim) is slim
    assert slim.source.observations.empty
