"""Restatement: the figures of a period that changed since its previous publication, and why.

When a period is run again (late or corrected files arrived), the new scorecard is
compared with the one it replaces. A figure is restated when its actual or its status
differs (actuals equal to 1e-9 relative are the same figure; both empty is the same).
A row present on one side only is restated too (empty old or new side).

Why: the input files that changed between the two runs' manifests (sha256 differs, or
the file is new or gone), attributed to a partner and KPI when the file fed that pair in
the new run (a kept or a superseded row), when it is the partner's own configuration
(``partners/<id>.yaml``) or the shared ``config.yaml``, or — for a file that fed nothing
now (all rows rejected, or removed) — when its path names the partner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY = ["partner_id", "kpi_id", "period"]
RESTATEMENT_COLUMNS = [
    *KEY,
    "old_actual",
    "new_actual",
    "old_status",
    "new_status",
    "changed_files",
]
SHARED_CONFIG = "config.yaml"
RESTATEMENTS = "restatements"  # the ReviewModel.extras key of the rows a report shows


def changed_inputs(old_inputs: pd.DataFrame, new_inputs: pd.DataFrame) -> pd.DataFrame:
    """One row per input path whose content differs between two runs: path, change.

    ``change`` is "modified" (sha256 differs), "added" or "removed". Inputs frames
    hold one row per input file: path, sha256 (as in manifest.json).
    """
    merged = old_inputs[["path", "sha256"]].merge(
        new_inputs[["path", "sha256"]], on="path", how="outer", suffixes=("_old", "_new")
    )
    change = np.select(
        [merged["sha256_old"].isna(), merged["sha256_new"].isna()],
        ["added", "removed"],
        default="modified",
    )
    merged = merged.assign(change=change)
    differs = merged["sha256_old"].isna() | (merged["sha256_old"] != merged["sha256_new"])
    return merged.loc[differs, ["path", "change"]].sort_values("path").reset_index(drop=True)


def changed_figures(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """One row per partner, KPI and period whose actual or status differs: old and new."""
    merged = old[[*KEY, "actual", "status"]].merge(
        new[[*KEY, "actual", "status"]], on=KEY, how="outer", suffixes=("_old", "_new")
    )
    old_actual = pd.to_numeric(merged["actual_old"], errors="coerce").to_numpy(dtype=float)
    new_actual = pd.to_numeric(merged["actual_new"], errors="coerce").to_numpy(dtype=float)
    same_actual = np.isclose(old_actual, new_actual, rtol=1e-9, atol=0.0, equal_nan=True)
    old_status = merged["status_old"].fillna("").astype(str)
    new_status = merged["status_new"].fillna("").astype(str)
    differs = ~same_actual | (old_status != new_status)
    return pd.DataFrame(
        {
            "partner_id": merged["partner_id"].astype(str),
            "kpi_id": merged["kpi_id"].astype(str),
            "period": merged["period"].astype(str),
            "old_actual": old_actual,
            "new_actual": new_actual,
            "old_status": old_status,
            "new_status": new_status,
        }
    )[differs.to_numpy()].reset_index(drop=True)


def feeding_files(observations: pd.DataFrame, superseded: pd.DataFrame) -> pd.DataFrame:
    """One row per partner, KPI and file that fed it in the new run (kept or superseded).

    ``str`` columns whatever the frames' dtypes (Observations' are ``category``); each
    frame's distinct triples are taken before joining (millions of rows, few triples).
    """
    columns = ["partner_id", "kpi_id", "file"]
    kept_files = superseded[["partner_id", "kpi_id", "kept_file"]].rename(
        columns={"kept_file": "file"}
    )
    parts = [observations[columns], superseded[columns], kept_files]
    pairs = pd.concat([part.drop_duplicates().astype(str) for part in parts], ignore_index=True)
    return pairs.drop_duplicates().reset_index(drop=True)


def restate_scorecard(
    old: pd.DataFrame,
    new: pd.DataFrame,
    old_inputs: pd.DataFrame,
    new_inputs: pd.DataFrame,
    observations: pd.DataFrame,
    superseded: pd.DataFrame,
) -> pd.DataFrame:
    """One row per restated partner, KPI and period, with the changed files behind it.

    ``changed_files`` is a ';'-separated list of "path (change)", empty when no
    changed input explains the figure (e.g. a code or reference-date change).
    """
    figures = changed_figures(old, new)
    changes = changed_inputs(old_inputs, new_inputs)
    feeding = feeding_files(observations, superseded)
    fed = set(feeding["file"])
    files = [
        _explain(str(partner), str(kpi), changes, feeding, fed)
        for partner, kpi in zip(figures["partner_id"], figures["kpi_id"], strict=True)
    ]
    return figures.assign(changed_files=files)[RESTATEMENT_COLUMNS]


def _explain(
    partner_id: str, kpi_id: str, changes: pd.DataFrame, feeding: pd.DataFrame, fed: set[str]
) -> str:
    mine = feeding.loc[
        (feeding["partner_id"] == partner_id) & (feeding["kpi_id"] == kpi_id), "file"
    ]
    own = set(mine) | {SHARED_CONFIG, f"partners/{partner_id}.yaml"}
    reasons = [
        f"{row.path} ({row.change})"
        for row in changes.itertuples(index=False)
        if row.path in own or (row.path not in fed and _names(row.path, partner_id))
    ]
    return ";".join(reasons)


def _names(path: object, partner_id: str) -> bool:
    return partner_id in str(path)
