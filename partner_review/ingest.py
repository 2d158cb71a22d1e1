"""Reading a whole inputs folder into :class:`~transforms.model.SourceData` (SPEC §1).

Observation and survey files are every ``*.csv``, ``*.xlsx`` and ``*.parquet`` under
``observations/`` and ``surveys/`` (sub-folders included), read in the order of their
path relative to the inputs folder; the three logs are optional. A file that cannot
be used at all becomes one rejected row with an empty line and the fix; every other
file still loads. Hidden files (``.gitkeep``) and Excel lock files (``~$...``) are
ignored; any other file in those folders is refused as an unsupported format, so a
misnamed delivery is never silently skipped.

``InputFiles.rows`` counts the data rows read (blank lines excluded), ``rejected``
the rows of rejected_rows.csv for that file (1 for a file that could not be read);
the sha256 of a file refused for its size is empty, since it is not read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from partner_review.catalog import build_catalog
from partner_review.errors import InputError
from partner_review.paths import InputPaths
from partner_review.readers import SUPPORTED_SUFFIXES, Required, read_table
from partner_review.settings import Settings
from transforms import schemas
from transforms.categories import concat_rows
from transforms.cells import REJECTED_COLUMNS, RawFrame, concat_rejected
from transforms.logs import (
    ACTION_FIELDS,
    COMMENT_FIELDS,
    SCOPE_CHANGE_FIELDS,
    Field,
    build_log,
    empty_log,
    required_columns,
)
from transforms.model import Catalog, SourceData
from transforms.observations import OBSERVATION_REQUIRED, build_observations
from transforms.surveys import SURVEY_REQUIRED, build_survey_rows

_HASH_IN_THREAD_BYTES = 4_000_000  # below this, starting a thread costs more than it hides


@dataclass
class _Reading:
    """The files of one load: tables read, files seen, whole-file problems."""

    max_file_mb: float
    files: list[dict[str, object]] = field(default_factory=list)
    problems: list[dict[str, object]] = field(default_factory=list)

    def read(self, path: Path, label: str, kind: str, required: Required) -> RawFrame | None:
        digest, table = hashed_read_table(path, label, required, self.max_file_mb)
        if isinstance(table, InputError):
            self.files.append(_file_row(label, kind, digest, 0))
            reason = table.message + (f"; {table.hint}" if table.hint else "")
            self.problems.append(
                {
                    "file": label,
                    "line": None,
                    "column": table.column,
                    "value": None,
                    "reason": reason,
                }
            )
            return None
        self.files.append(_file_row(label, kind, digest, table.rows))
        return table


def hashed_read_table(
    path: Path, label: str, required: Required, max_file_mb: float
) -> tuple[str, RawFrame | InputError]:
    """A file's sha256 and its raw rows, or the reason it cannot be used.

    The sha256 is empty for a file above the size limit (it is not read at all). A file of
    a few megabytes or more is hashed in a thread while it is read: hashlib and pyarrow's
    reader both release the GIL, so the hash costs no wall time on a second core.
    """
    size = path.stat().st_size

    def table() -> RawFrame | InputError:
        try:
            return read_table(path, label, required, max_file_mb)
        except InputError as exc:
            return exc

    if size > max_file_mb * 1_000_000:
        return "", table()
    if size < _HASH_IN_THREAD_BYTES:
        return _sha256(path), table()
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(_sha256, path)
        read = table()
        return digest.result(), read


def load_sources(settings: Settings) -> SourceData:
    """Every input file of the inputs folder: kept, rejected and superseded rows, and the logs."""
    paths = settings.inputs
    catalog = build_catalog(settings)
    reading = _Reading(settings.config.limits.max_file_mb)
    # files are read one at a time as they are checked: one file's raw rows in memory
    observed = _read_folder(reading, paths, paths.observations, "observations")
    result = build_observations(observed, catalog.kpis, catalog.partners)
    surveyed = _read_folder(reading, paths, paths.surveys, "surveys")
    answers, survey_rejected = build_survey_rows(surveyed, catalog.kpis, catalog.partners)
    logs, log_rejected = {}, []
    for kind, path, fields in (
        ("scope_changes", paths.scope_changes, SCOPE_CHANGE_FIELDS),
        ("actions", paths.actions, ACTION_FIELDS),
        ("comments", paths.comments, COMMENT_FIELDS),
    ):
        logs[kind], rejected = _read_log(reading, path, paths.relative(path), kind, fields, catalog)
        log_rejected.append(rejected)
    rejected = concat_rejected(
        [_problems(reading), result.rejected, survey_rejected, *log_rejected]
    )
    superseded = result.superseded
    observations = _concat([result.observations, answers])
    del result, answers  # the kept rows live on in `observations` only (peak memory)
    source = SourceData(
        # validated in place: the frame was built here, and a copy of millions of rows is
        # the largest allocation of a run
        observations=schemas.Observations.validate(observations, lazy=True, inplace=True),
        superseded=schemas.Superseded.validate(superseded, lazy=True),
        rejected=schemas.RejectedCsv.validate(rejected[REJECTED_COLUMNS], lazy=True),
        files=schemas.InputFiles.validate(_count_rejected(reading.files, rejected), lazy=True),
        scope_changes=schemas.ScopeChanges.validate(logs["scope_changes"], lazy=True),
        actions=schemas.Actions.validate(logs["actions"], lazy=True),
        comments=schemas.Comments.validate(logs["comments"], lazy=True),
    )
    return_freed_memory()
    return source


def return_freed_memory() -> None:
    """Give the C heap's freed pages back to the system (glibc ``malloc_trim``; nothing
    elsewhere). Checking files batch by batch frees many arrays of a few megabytes that
    glibc keeps for reuse: about 300 MB on 7 million rows, which the next stage would
    otherwise hold on top of its own peak."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if trim is not None:
        trim(0)


def input_files(folder: Path) -> list[Path]:
    """The data files of an observations or surveys folder, sorted by relative path."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def _read_folder(
    reading: _Reading, paths: InputPaths, folder: Path, kind: str
) -> Iterator[RawFrame]:
    """The readable files of an observations or surveys folder, each read when asked for."""
    required: Sequence[str | tuple[str, ...]] = (
        OBSERVATION_REQUIRED if kind == "observations" else SURVEY_REQUIRED
    )
    for path in input_files(folder):
        label = paths.relative(path)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            reading.files.append(_file_row(label, kind, _sha256(path), 0))
            reading.problems.append(
                {
                    "file": label,
                    "line": None,
                    "column": None,
                    "value": None,
                    "reason": f"is not a CSV, XLSX or Parquet file; save it as one of those "
                    f"or move it out of {kind}/",
                }
            )
            continue
        table = reading.read(path, label, kind, required)
        if table is not None:
            yield table


def _read_log(
    reading: _Reading,
    path: Path,
    label: str,
    kind: str,
    fields: tuple[Field, ...],
    catalog: Catalog,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not path.is_file():
        return empty_log(fields), concat_rejected([])
    table = reading.read(path, label, kind, required_columns(fields))
    if table is None:
        return empty_log(fields), concat_rejected([])
    return build_log(table, fields, catalog)


def _problems(reading: _Reading) -> pd.DataFrame:
    frame = pd.DataFrame(reading.problems, columns=REJECTED_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def _count_rejected(files: list[dict[str, object]], rejected: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(files, columns=["file", "kind", "sha256", "rows"])
    counts = rejected["file"].value_counts()
    frame["rejected"] = frame["file"].map(counts).fillna(0).astype("int64")
    return frame


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames' rows one after the other, category columns kept as such, built one
    column at a time (:func:`transforms.categories.concat_rows`): each column is removed
    from the frames once joined, so the peak memory is the frames and one joined column,
    not twice the frames (millions of kept rows)."""
    parts = [f for f in frames if not f.empty]
    if not parts:
        return frames[0]
    if any(list(f.columns) != list(parts[0].columns) for f in parts):
        return pd.concat(parts, ignore_index=True)
    return concat_rows(parts, consume=True)


def _file_row(label: str, kind: str, digest: str, rows: int) -> dict[str, object]:
    return {"file": label, "kind": kind, "sha256": digest, "rows": rows}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
