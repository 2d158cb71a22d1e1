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


def model_for_partner(model: ReviewModel, partner_id: str) -> ReviewModel:
    """The model with every partner-keyed frame cut to one partner (other rows kept)."""
    changes: dict[str, Any] = {
        f.name: _only(getattr(model, f.name), partner_id)
        for f in fields(model)
        if isinstance(getattr(model, f.name), pd.DataFrame)
    }
    source = replace(
        model.source,
        observations=model.source.observations.iloc[0:0],
        superseded=_only(model.source.superseded, partner_id),
        rejected=model.source.rejected,
    )
    return replace(model, source=source, **changes)


def without_observations(model: ReviewModel) -> ReviewModel:
    """The model without the raw observation rows (reports never show them row by row)."""
    source: SourceData = replace(model.source, observations=model.source.observations.iloc[0:0])
    return replace(model, source=source)


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
