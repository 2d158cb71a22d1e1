"""One partner's share of a review model, and a fingerprint of what a report shows."""

from __future__ import annotations

import hashlib
from dataclasses import fields, replace
from typing import Any

import pandas as pd

from transforms.model import ReviewModel, SourceData


def _only(frame: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    if "partner_id" not in frame.columns:
        return frame
    return frame[frame["partner_id"] == partner_id].reset_index(drop=True)


FILE_PARTNERS = "file_partners"


def file_partners(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per data file and partner with kept rows in it."""
    return observations[["file", "partner_id"]].drop_duplicates().reset_index(drop=True)


def _partner_files(model: ReviewModel, partner_id: str) -> pd.DataFrame:
    """The input files a partner's report may show: its own data files, files that kept no
    row at all (unreadable or wholly rejected: nobody can tell whose they are) and the logs.

    Other partners' files never appear, so a report sent to a partner names none of theirs,
    and a change in another partner's file does not change this partner's report.
    """
    pairs = model.extras.get(FILE_PARTNERS)
    if pairs is None:
        pairs = file_partners(model.source.observations)
    files = model.source.files
    own = set(pairs.loc[pairs["partner_id"] == partner_id, "file"])
    anyone = set(pairs["file"])
    keep = files["file"].isin(own) | ~files["file"].isin(anyone)
    return files[keep].reset_index(drop=True)


def model_for_partner(model: ReviewModel, partner_id: str) -> ReviewModel:
    """The model with every partner-keyed frame cut to one partner, and the input files and
    rejected rows cut to those the partner's report may show (see _partner_files)."""
    changes: dict[str, Any] = {
        f.name: _only(getattr(model, f.name), partner_id)
        for f in fields(model)
        if isinstance(getattr(model, f.name), pd.DataFrame)
    }
    files = _partner_files(model, partner_id)
    rejected = model.source.rejected
    source = replace(
        model.source,
        observations=model.source.observations.iloc[0:0],
        superseded=_only(model.source.superseded, partner_id),
        rejected=rejected[rejected["file"].isin(files["file"])].reset_index(drop=True),
        files=files,
    )
    return replace(model, source=source, **changes)


def without_observations(model: ReviewModel) -> ReviewModel:
    """The model without the raw observation rows (reports never show them row by row);
    which partner has rows in which file is kept for model_for_partner."""
    source: SourceData = replace(model.source, observations=model.source.observations.iloc[0:0])
    extras = {**model.extras, FILE_PARTNERS: file_partners(model.source.observations)}
    return replace(model, source=source, extras=extras)


def fingerprint_model(model: ReviewModel, *extra: str) -> str:
    """A hash of every frame's content and the run, stable across processes and reruns."""
    digest = hashlib.sha256()
    digest.update(repr((model.run.kind, model.run.label, *extra)).encode())
    frames = [getattr(model, f.name) for f in fields(model)]
    frames += [getattr(model.source, f.name) for f in fields(model.source)]
    frames += list(model.extras.values())
    for frame in frames:
        if isinstance(frame, pd.DataFrame):
            digest.update("|".join(map(str, frame.columns)).encode())
            hashed = pd.util.hash_pandas_object(frame.astype(str), index=False)
            digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()
