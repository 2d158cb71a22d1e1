"""The inputs folders of the resource-bounds benchmark, built from the demo inputs.

Each folder is a copy of the demo (config.yaml, partners/, the logs) with one
thing made big; the same demo always gives the same bytes.

* ``many files``: observations/ holds ``files`` (10,000) one-row CSV files, one
  per partner, KPI and day (``observations/<partner>/<kpi>/<YYYY-MM-DD>.csv``;
  a monthly row: ``<YYYY-MM>.csv``). The rows are the demo's kept 2026
  observation rows (three partners, nine observation KPIs, daily from 1 January
  to 15 November, plus OUTOKIA-CX's monthly cost per contact), replayed 52, 104
  and 156 weeks earlier (same weekdays; monthly rows 1, 2, 3 years earlier)
  until there are enough, newest first. The demo's 2024-11 to 2025-12 monthly
  history is left out (the replay covers it). Every 1,000th file has a second, bad row (its
  numbers ``n/a``), so a few rows are rejected. Surveys as in the demo.
* ``big partner``: OUTOKIA-CX gets ``answers`` (5,000) survey answers per month
  for each of its two survey KPIs (csat, nps) over the demo's 25 survey months
  (2024-11 to 2026-11): each month's answers are drawn with replacement from
  the demo's valid answers of that partner, KPI and month (response date and
  score together), one CSV per KPI and month. Its five observation KPIs keep
  their daily demo rows: the data model keeps one observation row per partner,
  KPI and period (SPEC §1 duplicate rule), so "5,000 rows a month" of one
  observation KPI cannot all be kept (a 31-day month has 31 days and 496
  distinct day spans); raw survey answers are the input that does grow with a
  partner's volume.
* ``oversized``: the demo with ``limits.max_file_mb`` set to ``limit_mb`` (20)
  and one more observation file of ``3 x limit_mb`` (the demo's November file
  repeated), which must be refused by its size, the rest loading as usual.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT = Path(__file__).resolve().parent.parent
DEMO = PROJECT / "inputs"
SEED = 20261129
FILES = 10_000
ANSWERS = 5_000
BIG_PARTNER = "OUTOKIA-CX"
LIMIT_MB = 20
REPLAY_WEEKS = (0, 52, 104, 156)
BAD_EVERY = 1_000
OBSERVATION_HEADER = (
    "partner_id",
    "kpi_id",
    "period_start",
    "period_end",
    "period",
    "numerator",
    "denominator",
    "value",
    "source",
    "note",
)
OVERSIZED_FILE = "observations/OUTOKIA-CX/2026-11-full-export.csv"
_SCORE_RANGES = {"nps": (0, 10), "top2box": (1, 5)}


@dataclass(frozen=True)
class Built:
    """An inputs folder built: the data files and rows written beyond the demo's copy."""

    folder: Path
    files: int  # data files written (observations or surveys)
    rows: int  # data rows written in them
    bad_rows: int  # rows among them written to be rejected


def build_many_files(
    target: Path, files: int = FILES, demo: Path = DEMO, bad_every: int = BAD_EVERY
) -> Built:
    """The demo with observations/ as ``files`` one-row CSV files (see the module).

    Every ``bad_every``-th file has a second row, to be rejected.
    """
    copy_demo(demo, target, skip=("observations",))
    rows = _replayed_rows(_demo_observations(demo)).head(files)
    bad = 0
    for number, row in enumerate(rows.itertuples(index=False), start=1):
        cells = _cells(row)
        lines = [cells]
        if number % bad_every == 0:
            lines.append([*cells[:5], "n/a", "n/a", "n/a", *cells[8:]])
            bad += 1
        name = row.period or row.period_start
        path = target / "observations" / row.partner_id / row.kpi_id / f"{name}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_csv_text(OBSERVATION_HEADER, lines), encoding="utf-8")
    return Built(target, len(rows), len(rows) + bad, bad)


def build_big_partner(target: Path, answers: int = ANSWERS, demo: Path = DEMO) -> Built:
    """The demo with ``answers`` survey answers a month per survey KPI of the big partner."""
    copy_demo(demo, target, skip=(f"surveys/{BIG_PARTNER}.csv",))
    given = _valid_answers(demo, BIG_PARTNER)
    rng = np.random.default_rng(SEED)
    files = rows = 0
    for (kpi_id, month), group in given.groupby(["kpi_id", "month"], sort=True):
        picked = group.iloc[rng.integers(0, len(group), size=answers)]
        picked = picked.sort_values("response_date", kind="stable")
        path = target / "surveys" / BIG_PARTNER / f"{kpi_id}-{month}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            [BIG_PARTNER, kpi_id, d, str(s)]
            for d, s in zip(picked.response_date, picked.score, strict=True)
        ]
        path.write_text(
            _csv_text(("partner_id", "kpi_id", "response_date", "score"), lines),
            encoding="utf-8",
        )
        files += 1
        rows += len(lines)
    return Built(target, files, rows, 0)


def build_oversized(target: Path, limit_mb: float = LIMIT_MB, demo: Path = DEMO) -> Built:
    """The demo, ``limits.max_file_mb: limit_mb`` and one file of three times that size."""
    copy_demo(demo, target)
    config = target / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "max_file_mb: 200" in text, "the demo's config.yaml no longer sets max_file_mb: 200"
    config.write_text(text.replace("max_file_mb: 200", f"max_file_mb: {limit_mb:g}", 1))
    month = (demo / "observations" / BIG_PARTNER / "2026-11.csv").read_bytes()
    header, _, body = month.partition(b"\n")
    size = int(3 * limit_mb * 1_000_000)
    path = target / OVERSIZED_FILE
    with path.open("wb") as handle:
        handle.write(header + b"\n")
        written = len(header) + 1
        while written < size:
            handle.write(body)
            written += len(body)
    return Built(target, 1, 0, 0)


def copy_demo(demo: Path, target: Path, skip: Iterable[str] = ()) -> None:
    """A fresh copy of the demo inputs, leaving out the relative paths in ``skip``."""
    shutil.rmtree(target, ignore_errors=True)
    left_out = {demo / name for name in skip}
    shutil.copytree(demo, target, ignore=lambda folder, names: _ignored(folder, names, left_out))


def _ignored(folder: str, names: list[str], left_out: set[Path]) -> list[str]:
    return [name for name in names if Path(folder) / name in left_out]


def _demo_observations(demo: Path) -> pd.DataFrame:
    """The demo's kept observation rows (not survey answers): one row per partner, KPI, period."""
    from partner_review.ingest import load_sources
    from partner_review.settings import load_settings
    from transforms.codes import decoded

    rows = decoded(load_sources(load_settings(demo)).observations)  # category columns as str
    return rows[rows["origin"].eq("observation")].reset_index(drop=True)


def _replayed_rows(observed: pd.DataFrame) -> pd.DataFrame:
    """The 2026 rows and their replays, as text cells, newest first (ties: partner, KPI)."""
    rows = observed[observed["period_start"].dt.year.eq(2026)]
    monthly = (
        rows["period_start"].dt.is_month_start
        & rows["period_end"].dt.is_month_end
        & (rows["period_start"] != rows["period_end"])
    )
    parts = []
    for weeks in REPLAY_WEEKS:
        start = rows["period_start"] - pd.Timedelta(weeks=weeks)
        month_start = rows["period_start"] - pd.DateOffset(years=weeks // 52)
        start = start.where(~monthly, month_start)
        parts.append(
            pd.DataFrame(
                {
                    "partner_id": rows["partner_id"],
                    "kpi_id": rows["kpi_id"],
                    "start": start,
                    "period_start": start.dt.strftime("%Y-%m-%d").where(~monthly, ""),
                    "period_end": start.dt.strftime("%Y-%m-%d").where(~monthly, ""),
                    "period": start.dt.strftime("%Y-%m").where(monthly, ""),
                    "numerator": rows["numerator"].map(_number),
                    "denominator": rows["denominator"].map(_number),
                    "value": rows["value"].map(_number),
                    "source": rows["source"].fillna(""),
                    "note": rows["note"].fillna(""),
                }
            )
        )
    every = pd.concat(parts, ignore_index=True)
    every = every.sort_values(
        ["start", "partner_id", "kpi_id"], ascending=[False, True, True], kind="stable"
    )
    return every.drop(columns="start").reset_index(drop=True)


def _valid_answers(demo: Path, partner_id: str) -> pd.DataFrame:
    """The demo's survey answers of ``partner_id`` whose score is in its KPI's range."""
    from partner_review.settings import load_settings

    aggregation = {k.id: k.aggregation for k in load_settings(demo).config.kpis}
    answers = pd.read_csv(demo / "surveys" / f"{partner_id}.csv", dtype=str)
    score = pd.to_numeric(answers["score"], errors="coerce")
    low = answers["kpi_id"].map(lambda k: _SCORE_RANGES[aggregation[k]][0])
    high = answers["kpi_id"].map(lambda k: _SCORE_RANGES[aggregation[k]][1])
    valid = answers[score.between(low, high) & score.eq(score.round())].copy()
    valid["score"] = score[valid.index].astype(int)
    valid["month"] = valid["response_date"].str[:7]
    return valid.reset_index(drop=True)


def _cells(row: tuple[str, ...]) -> list[str]:
    return [str(cell) for cell in row]


def _number(value: float) -> str:
    """A number as the shortest text that reads back the same; empty when missing."""
    if pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _csv_text(header: Iterable[str], lines: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    return buffer.getvalue()
