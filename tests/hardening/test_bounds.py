"""Resource bounds (issue #8, item 5): many files, one big partner, a file above the size limit.

The folders are the resource-bounds benchmark's own (benchmarks/bounds_inputs.py),
built from the demo inputs in a temporary folder and loaded by the ingestion
functions: every row written is kept, rejected or superseded, per file. A file
above ``limits.max_file_mb`` is one rejected row with the message and the fix,
and every other file loads as in the demo.

The big partner is tested at full size (230,000 answers). The many-files folder
is built with 2,000 files here (one in 50 with a bad row): small files are
checked together (transforms/batches.py), so what is left per file is reading
it, about 14 ms of CPU (docs/benchmarks.md "Resource bounds", session 2);
``BOUNDS_TEST_FILES=10000`` runs it at full size, and ``python -m
benchmarks.bounds`` measures it through the command line.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.bounds_inputs import (
    ANSWERS,
    BIG_PARTNER,
    FILES,
    LIMIT_MB,
    OVERSIZED_FILE,
    Built,
    build_big_partner,
    build_many_files,
    build_oversized,
)
from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from partner_review.validate import validate_command
from tests.conftest import DEMO_INPUTS
from transforms.model import SourceData

MB = 1_000_000
FILES_IN_TEST = int(os.environ.get("BOUNDS_TEST_FILES", "2000"))
BAD_EVERY_IN_TEST = 50


@pytest.fixture(scope="module")
def demo() -> SourceData:
    return load_sources(load_settings(DEMO_INPUTS))


@pytest.fixture(scope="module")
def many_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, SourceData]:
    folder = tmp_path_factory.mktemp("bounds") / "many-files"
    built = build_many_files(folder, FILES_IN_TEST, bad_every=BAD_EVERY_IN_TEST)
    return built, load_sources(load_settings(built.folder))


@pytest.fixture(scope="module")
def big_partner(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, SourceData]:
    built = build_big_partner(tmp_path_factory.mktemp("bounds") / "big-partner")
    return built, load_sources(load_settings(built.folder))


def _accounted(source: SourceData, kind: str) -> pd.DataFrame:
    """Per data file of ``kind``: rows read, and rows kept, rejected (by line), superseded."""
    files = source.files[source.files["kind"].eq(kind)].set_index("file")
    rejected = source.rejected[source.rejected["line"].notna()]
    counts = pd.DataFrame(
        {
            "read": files["rows"],
            "kept": source.observations["file"].value_counts(),
            "rejected": rejected["file"].value_counts(),
            "superseded": source.superseded["file"].value_counts(),
        }
    )
    return counts.loc[files.index].fillna(0).astype("int64")


def test_many_small_files_keep_every_row(many_files: tuple[Built, SourceData]) -> None:
    built, source = many_files
    counts = _accounted(source, "observations")
    assert len(counts) == built.files == FILES_IN_TEST <= FILES
    bad_rows = FILES_IN_TEST // BAD_EVERY_IN_TEST
    assert int(counts["read"].sum()) == built.rows == FILES_IN_TEST + bad_rows
    assert (counts["read"] == counts["kept"] + counts["rejected"] + counts["superseded"]).all()
    assert int(counts["kept"].sum()) == FILES_IN_TEST
    assert int(counts["rejected"].sum()) == built.bad_rows == bad_rows >= 1
    assert int(counts["superseded"].sum()) == 0
    assert counts["kept"].eq(1).all()  # one good row in every file
    bad = source.rejected[source.rejected["file"].str.startswith("observations/")]
    assert bad["line"].eq(3).all() and bad["value"].eq("n/a").all()
    assert bad["reason"].str.startswith("is not a number").all()
    assert source.rejected["line"].isna().sum() == 0  # no file refused as a whole


def test_many_small_files_hold_the_demo_values(
    many_files: tuple[Built, SourceData], demo: SourceData
) -> None:
    """The newest files are the demo's latest 2026 rows: same KPIs, periods and numbers."""
    _, source = many_files
    key = ["partner_id", "kpi_id", "period_start", "period_end"]
    numbers = ["numerator", "denominator", "value"]
    given = demo.observations[
        demo.observations["origin"].eq("observation")
        & demo.observations["period_start"].dt.year.eq(2026)
    ]
    assert len(given) == 2575  # 2,565 daily rows (to 2026-11-15) and 10 monthly ones
    kept = source.observations[
        source.observations["period_start"].dt.year.eq(2026)
        & source.observations["file"].str.startswith("observations/")
    ]
    assert len(kept) == min(FILES_IN_TEST, len(given))
    assert kept["period_end"].max() == given["period_end"].max()
    merged = given[key + numbers].merge(kept[key + numbers], on=key, suffixes=("", "_kept"))
    assert len(merged) == len(kept)
    for name in numbers:
        pd.testing.assert_series_equal(
            merged[name], merged[f"{name}_kept"], check_names=False, check_exact=True
        )


def test_a_partner_with_5000_answers_a_month_per_survey_kpi(
    big_partner: tuple[Built, SourceData], demo: SourceData
) -> None:
    built, source = big_partner
    counts = _accounted(source, "surveys")
    ours = counts[counts.index.str.startswith(f"surveys/{BIG_PARTNER}/")]
    assert len(ours) == built.files == 50  # csat and nps, 2024-11 .. 2026-11
    assert ours["read"].eq(ANSWERS).all() and ours["kept"].eq(ANSWERS).all()
    assert int(ours["rejected"].sum() + ours["superseded"].sum()) == 0
    answers = source.observations[
        source.observations["partner_id"].eq(BIG_PARTNER)
        & source.observations["origin"].eq("survey")
    ]
    assert len(answers) == built.rows == 50 * ANSWERS
    per_month = answers.groupby(["kpi_id", "month"]).size()
    assert per_month.eq(ANSWERS).all() and len(per_month) == 50
    others = source.observations[~source.observations["file"].str.startswith("surveys/OUTOKIA")]
    was = demo.observations[~demo.observations["file"].str.startswith("surveys/OUTOKIA")]
    assert len(others) == len(was)  # every other file keeps exactly its rows


def test_a_file_above_the_limit_is_refused_and_the_others_load(
    tmp_path: Path, demo: SourceData
) -> None:
    built = build_oversized(tmp_path / "oversized")
    assert (built.folder / OVERSIZED_FILE).stat().st_size >= 3 * LIMIT_MB * MB
    source = load_sources(load_settings(built.folder))
    refused = source.rejected[source.rejected["file"].eq(OVERSIZED_FILE)]
    assert len(refused) == 1 and pd.isna(refused["line"].iloc[0])
    assert refused["reason"].iloc[0] == (
        "is 60.0 MB, above limits.max_file_mb (20 MB); not read; "
        "split it into smaller files or raise limits.max_file_mb in config.yaml"
    )
    row = source.files.set_index("file").loc[OVERSIZED_FILE]
    assert (row["rows"], row["sha256"], row["rejected"]) == (0, "", 1)
    assert len(source.observations) == len(demo.observations)
    pd.testing.assert_frame_equal(
        source.files[source.files["file"].ne(OVERSIZED_FILE)].reset_index(drop=True),
        demo.files,
    )
    out = io.StringIO()
    assert validate_command(built.folder, out) == 1
    assert f"  {OVERSIZED_FILE}: is 60.0 MB, above limits.max_file_mb (20 MB)" in out.getvalue()


@pytest.mark.parametrize(("size", "read"), [(MB, True), (MB + 1, False)])
def test_the_limit_is_inclusive_to_the_byte(
    inputs_copy: Path, demo: SourceData, size: int, read: bool
) -> None:
    """``max_file_mb: 1`` reads a file of exactly 1,000,000 bytes and refuses one byte more."""
    config = inputs_copy / "config.yaml"
    config.write_text(config.read_text().replace("max_file_mb: 200", "max_file_mb: 1"))
    name = "observations/OUTOKIA-CX/2025-12-01.csv"
    start = "partner_id,kpi_id,period_start,numerator,denominator,note\n"
    row = "OUTOKIA-CX,service_level,2025-12-01,240,300,"
    text = start + row + "x" * (size - len(start) - len(row) - 1) + "\n"
    (inputs_copy / name).write_text(text)
    assert (inputs_copy / name).stat().st_size == size
    source = load_sources(load_settings(inputs_copy))
    mine = source.files.set_index("file").loc[name]
    kept = source.observations[source.observations["file"].eq(name)]
    assert (int(mine["rows"]), len(kept), mine["sha256"] != "") == (
        (1, 1, True) if read else (0, 0, False)
    )
    refused = source.rejected[source.rejected["file"].eq(name)]["reason"].tolist()
    assert refused == ([] if read else [
        "is 1.0 MB, above limits.max_file_mb (1 MB); not read; "
        "split it into smaller files or raise limits.max_file_mb in config.yaml"
    ])  # fmt: skip
    assert len(source.observations) == len(demo.observations) + len(kept)
