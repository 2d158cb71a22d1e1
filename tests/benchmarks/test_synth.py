"""The synthetic inputs generator: complete, loadable, deterministic, realistic targets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.kpi_library import KPI_LIBRARY, KpiSpec, pick_kpis
from benchmarks.synth import generate_inputs, kpi_value
from partner_review.settings import load_settings


@pytest.fixture(scope="module")
def small_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "S"
    generate_inputs("S", folder)
    return folder


def test_size_s_loads_with_three_partners_and_eight_kpis(small_inputs: Path) -> None:
    settings = load_settings(small_inputs)
    assert sorted(settings.partners) == ["P0001", "P0002", "P0003"]
    assert len(settings.config.kpis) == 8


def test_size_s_has_the_hand_counted_observation_rows(tmp_path: Path) -> None:
    summary = generate_inputs("S", tmp_path / "S")
    # daily: 3 partners x 2 KPIs x 730 days (2024-10-01 .. 2026-09-30);
    # monthly: 3 partners x 6 KPIs x 24 months, less csat's 6 survey months (18 rows)
    assert summary.observation_rows == 3 * 2 * 730 + 3 * 6 * 24 - 18 == 4794
    daily = pd.concat(
        pd.read_parquet(p) for p in (tmp_path / "S" / "observations").glob("daily_*.parquet")
    )
    assert len(daily) == 4380


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    generate_inputs("S", tmp_path / "a")
    generate_inputs("S", tmp_path / "b")
    files = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert len(files) > 15
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_different_seed_writes_different_values(tmp_path: Path) -> None:
    generate_inputs("S", tmp_path / "a", seed=1)
    generate_inputs("S", tmp_path / "b", seed=2)
    name = "observations/monthly_2025.csv"
    assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes()


def test_every_input_kind_of_the_spec_is_written(small_inputs: Path) -> None:
    for name in ("config.yaml", "scope_changes.csv", "actions.csv", "comments.csv"):
        assert (small_inputs / name).is_file(), name
    assert (small_inputs / "surveys" / "csat_answers.csv").is_file()
    french = (small_inputs / "observations" / "P0001_2026_export.csv").read_text()
    assert french.splitlines()[0] == "partner_id;kpi_id;period;numerator;denominator;value"
    assert "," in french.splitlines()[1]  # decimal comma


def test_the_corrections_file_carries_three_bad_rows(small_inputs: Path) -> None:
    rows = pd.read_csv(small_inputs / "observations" / "zz_corrections_v2.csv")
    assert (rows["kpi_id"] == "not_a_kpi").sum() == 1
    assert (rows["partner_id"] == "UNKNOWN-PARTNER").sum() == 1
    assert (rows["period"] == "2026-13").sum() == 1


def test_survey_scores_are_whole_numbers_from_1_to_5(small_inputs: Path) -> None:
    answers = pd.read_csv(small_inputs / "surveys" / "csat_answers.csv")
    assert set(answers["score"]) <= {1, 2, 3, 4, 5}
    assert answers["response_date"].str.match(r"^2026-0[4-9]-\d\d$").all()


@pytest.mark.parametrize("kpi", [k for k in KPI_LIBRARY if k.service_level], ids=lambda k: k.id)
def test_expected_sits_1_4_and_minimum_2_4_spreads_on_the_worse_side(kpi: KpiSpec) -> None:
    scale = 100.0 if kpi.scale == 100 or kpi.aggregation == "top2box" else 1.0
    assert kpi.service_level is not None
    expected, minimum, _ = kpi.service_level
    assert kpi_value(kpi, np.array([-1.4]))[0] * scale == pytest.approx(expected)
    assert kpi_value(kpi, np.array([-2.4]))[0] * scale == pytest.approx(minimum)


def test_pick_kpis_takes_daily_ones_first() -> None:
    picked = pick_kpis(4, 2)
    assert [k.id for k in picked] == [
        "service_level",
        "first_contact_resolution",
        "cost_per_contact",
        "backlog",
    ]
    with pytest.raises(ValueError):
        pick_kpis(30, 5)
