"""restatements.csv: what a rerun of a period changed from its previous publication.

Written in the staging folder before publish, while the previous run folder of the same
period is still in place. No previous folder (first run of the period), or one without a
scorecard, means nothing is restated and no file is written. Columns: partner_id,
kpi_id, period, old_actual, new_actual, old_status, new_status, changed_files (see
``transforms.restatement``). The rows of a partner are shown in its report's data-quality
appendix, and counted in its summary (see :func:`with_restatements`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from partner_review.manifest import input_entries, read_manifest
from partner_review.paths import SCORECARD_CSV
from partner_review.settings import Settings
from transforms.model import ReviewModel, SourceData
from transforms.restatement import RESTATEMENTS, restate_scorecard

RESTATEMENTS_CSV = "restatements.csv"


def write_restatements(
    settings: Settings, source: SourceData, staging: Path, previous: Path
) -> int | None:
    """Compare the staged scorecard with the previous publication; rows written, or None."""
    old_manifest = read_manifest(previous)
    old_scorecard = previous / SCORECARD_CSV
    if old_manifest is None or not old_scorecard.is_file():
        return None
    table = restate_scorecard(
        _read_scorecard(old_scorecard),
        _read_scorecard(staging / SCORECARD_CSV),
        _inputs_frame(old_manifest.get("inputs", [])),
        _inputs_frame(input_entries(settings, source.files)),
        source.observations,
        source.superseded,
    )
    table.to_csv(staging / RESTATEMENTS_CSV, index=False, lineterminator="\r\n")
    return len(table)


def _read_scorecard(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"partner_id": str, "kpi_id": str, "period": str})


def _inputs_frame(entries: list[dict[str, object]]) -> pd.DataFrame:
    rows = [{"path": str(e["path"]), "sha256": str(e["sha256"])} for e in entries]
    return pd.DataFrame(rows, columns=["path", "sha256"])


def with_restatements(model: ReviewModel, folder: Path) -> ReviewModel:
    """The model with ``folder``'s restatements.csv rows as ``extras["restatements"]``.

    Only when some figure was restated: a rerun that changed nothing leaves the model (and
    so every report's fingerprint) as it was.
    """
    path = folder / RESTATEMENTS_CSV
    if not path.is_file():
        return model
    table = pd.read_csv(path, dtype={"partner_id": str, "kpi_id": str, "period": str})
    if table.empty:
        return model
    table["changed_files"] = table["changed_files"].fillna("")
    table[["old_status", "new_status"]] = table[["old_status", "new_status"]].fillna("")
    return replace(model, extras={**model.extras, RESTATEMENTS: table})
