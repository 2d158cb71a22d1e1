"""One partner's share of a review model, and a fingerprint of what a report shows."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd

from transforms.codes import decoded
from transforms.model import ReviewModel, SourceData


def _only(frame: pd.DataFrame, partner_id: str) -> pd.DataFrame:
    if "partner_id" not in frame.columns:
        return frame
    return frame[frame["partner_id"] == partner_id].reset_index(drop=True)


FILE_PARTNERS = "file_partners"


def file_partners(
    observations: pd.DataFrame, superseded: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per data file and partner with kept or superseded rows in it.

    A file whose rows were all superseded by a later file (a resend, a correction) is
    still its partner's: it is listed in that partner's report only. Pairs in the order
    first seen; ``str`` columns, whatever dtype the frames' were (``category``).
    """
    columns = ["file", "partner_id"]
    frames = [f for f in (observations, superseded) if f is not None and not f.empty]
    # each frame's own pairs first: a few hundred, not millions of rows joined
    parts = [
        decoded(f[columns].drop_duplicates()) for f in frames if set(columns) <= set(f.columns)
    ]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    pairs = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return pairs.drop_duplicates().reset_index(drop=True)


def source_file_partners(model: ReviewModel) -> pd.DataFrame:
    """:func:`file_partners` of the model (kept from before its observations were dropped)."""
    pairs = model.extras.get(FILE_PARTNERS)
    if pairs is None:
        return file_partners(model.source.observations, model.source.superseded)
    return pairs


def _partner_files(model: ReviewModel, partner_id: str) -> pd.DataFrame:
    """The input files a partner's report may show: its own data files (kept or superseded
    rows of the partner), files with neither (unreadable or wholly rejected: nobody can tell
    whose they are) and the logs.

    Other partners' files never appear, so a report sent to a partner names none of theirs,
    and a change in another partner's file does not change this partner's report.
    """
    pairs = source_file_partners(model)
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
        observations=no_rows(model.source.observations),
        superseded=_only(model.source.superseded, partner_id),
        rejected=rejected[rejected["file"].isin(files["file"])].reset_index(drop=True),
        files=files,
    )
    return replace(model, source=source, **changes)


def without_observations(model: ReviewModel) -> ReviewModel:
    """The model without the raw observation rows (reports never show them row by row);
    which partner has rows in which file is kept for model_for_partner. A model already
    without them is returned as it is."""
    if FILE_PARTNERS in model.extras and model.source.observations.empty:
        return model
    source: SourceData = replace(model.source, observations=no_rows(model.source.observations))
    pairs = file_partners(model.source.observations, model.source.superseded)
    extras = {**model.extras, FILE_PARTNERS: pairs}
    return replace(model, source=source, extras=extras)


def no_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with no rows, its category columns as ``str`` (an emptied frame hashes,
    in a fingerprint, as one of text columns: the same whatever the rows' dtype was)."""
    return decoded(frame.iloc[0:0])


def fingerprint_model(model: ReviewModel, *extra: str) -> str:
    """A hash of every frame's content and the run, stable across processes and reruns."""
    frames = [getattr(model, f.name) for f in fields(model)]
    frames += [getattr(model.source, f.name) for f in fields(model.source)]
    frames += list(model.extras.values())
    shares = [_Share(frame) for frame in frames if isinstance(frame, pd.DataFrame)]
    return _digest(model, extra, [share.digest("") for share in shares])


def partner_fingerprints(model: ReviewModel, extra: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """One fingerprint per partner named in ``extra``, with that partner's extra strings:
    equal to ``fingerprint_model(model_for_partner(model, pid), *extra[pid])``.

    Every frame is hashed once; a partner's digest takes the hashes of the rows of its
    share (one grouping per frame, no frame filtered per partner).
    """
    shares = [_by_partner(getattr(model, f.name)) for f in fields(model)]
    shares += _source_shares(model)
    shares += [_Share(frame) for frame in model.extras.values()]
    kept = [share for share in shares if share is not None]
    return {
        pid: _digest(model, tuple(strings), [share.digest(pid) for share in kept])
        for pid, strings in extra.items()
    }


def _digest(model: ReviewModel, extra: Sequence[str], frame_digests: list[bytes]) -> str:
    digest = hashlib.sha256()
    digest.update(repr((model.run.kind, model.run.label, *extra)).encode())
    for frame_digest in frame_digests:
        digest.update(frame_digest)
    return digest.hexdigest()


_NO_ROWS = np.empty(0, dtype=np.intp)


@dataclass
class _Share:
    """A frame's row hashes (each column hashed with its own dtype, no text conversion) and
    the rows each partner's share holds: by partner id in ``rows``, else ``others``; the
    whole frame for every partner when ``rows`` is None."""

    frame: pd.DataFrame
    rows: Mapping[str, np.ndarray] | None = None
    others: np.ndarray = field(default_factory=lambda: _NO_ROWS)

    def __post_init__(self) -> None:
        self._hashes = pd.util.hash_pandas_object(self.frame, index=False).to_numpy()
        self._header = "|".join(f"{c}:{t}" for c, t in self.frame.dtypes.items()).encode()
        self._whole: bytes | None = None

    def digest(self, partner_id: str) -> bytes:
        """Column names and dtypes, then the hashes of the partner's rows in frame order."""
        if self.rows is None:
            if self._whole is None:
                self._whole = self._digest_of(self._hashes)
            return self._whole
        return self._digest_of(self._hashes[self.rows.get(partner_id, self.others)])

    def _digest_of(self, hashes: np.ndarray) -> bytes:
        digest = hashlib.sha256(self._header)
        digest.update(np.ascontiguousarray(hashes).tobytes())
        return digest.digest()


def _rows_by(frame: pd.DataFrame, column: str) -> dict[Any, np.ndarray]:
    """Row positions (ascending) per value of ``column``."""
    groups = frame.groupby(column, sort=False, observed=True).indices
    return {key: np.sort(rows) for key, rows in groups.items()}


def _union(parts: Sequence[np.ndarray]) -> np.ndarray:
    return np.sort(np.concatenate([_NO_ROWS, *parts])) if parts else _NO_ROWS


def _by_partner(frame: object) -> _Share | None:
    """A partner-keyed frame cut as _only cuts it; any other frame whole; None if no frame."""
    if not isinstance(frame, pd.DataFrame):
        return None
    if "partner_id" not in frame.columns:
        return _Share(frame)
    return _Share(frame, _rows_by(frame, "partner_id"))


def _source_shares(model: ReviewModel) -> list[_Share | None]:
    """The source frames as model_for_partner cuts them: no observation rows, the partner's
    superseded rows, the files of _partner_files and the rejected rows of those files; the
    others whole."""
    source = model.source
    files, rejected = source.files, source.rejected
    pairs = source_file_partners(model)
    names = files["file"].to_numpy()
    anyones = np.flatnonzero(~files["file"].isin(pairs["file"]).to_numpy())
    rows_of_file = _rows_by(files, "file")
    rejected_of_file = _rows_by(rejected, "file")

    def _rejected_in(file_rows: np.ndarray) -> np.ndarray:
        shown = set(names[file_rows])
        return _union([rejected_of_file[name] for name in shown if name in rejected_of_file])

    file_share: dict[Any, np.ndarray] = {}
    rejected_share: dict[Any, np.ndarray] = {}
    for pid, own in pairs.groupby("partner_id", sort=False, observed=True)["file"]:
        parts = [rows_of_file[name] for name in set(own) if name in rows_of_file]
        file_share[pid] = _union([anyones, *parts])
        rejected_share[pid] = _rejected_in(file_share[pid])
    cut = {
        "observations": _Share(no_rows(source.observations)),
        "superseded": _by_partner(source.superseded),
        "files": _Share(files, file_share, anyones),
        "rejected": _Share(rejected, rejected_share, _rejected_in(anyones)),
    }
    return [cut.get(f.name) or _Share(getattr(source, f.name)) for f in fields(source)]
