"""A partner's share of the review model, and report fingerprints."""

from __future__ import annotations

from datetime import date

import pandas as pd

from transforms.model import ReviewModel, SourceData
from transforms.periods import nightly_run
from transforms.slicing import fingerprint_model, model_for_partner, without_observations


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
