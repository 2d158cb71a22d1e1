"""The bundled demo inputs: every file format is there, the configuration loads, and the key
figures of the feature table in scripts/make_demo.py hold, recomputed here with plain pandas."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from tests.demo import load_generator

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ROOT / "inputs"
OBS = INPUTS / "observations"


def _cx_month(month: str) -> pd.DataFrame:
    return pd.read_csv(OBS / f"OUTOKIA-CX/{month}.csv", dtype={"period": str})


def _cx_days(months: list[str], kpi: str) -> pd.DataFrame:
    frame = pd.concat([_cx_month(m) for m in months], ignore_index=True)
    return frame[frame["kpi_id"] == kpi]


def _nordledger(half: str) -> pd.DataFrame:
    return pd.read_csv(OBS / f"NORDLEDGER-BO/{half}.csv", sep=";", decimal=",", encoding="cp1252")


def _ratio(rows: pd.DataFrame) -> float:
    return float(rows["numerator"].sum() / rows["denominator"].sum() * 100)


@pytest.fixture(scope="module")
def settings():
    return load_settings(INPUTS)


def test_demo_configuration_loads_with_three_partners_and_every_change_id(settings) -> None:
    assert sorted(settings.partners) == ["HELIX-IT", "NORDLEDGER-BO", "OUTOKIA-CX"]
    assert {"CHG-2026-004", "CHG-2026-005", "CHG-2026-007"} <= settings.change_ids
    languages = {person.language for person in settings.config.stakeholders}
    assert languages == {"en", "fr"}
    assert any(p.email.endswith("@outokia.example") for p in settings.config.stakeholders)
    assert any(p.nightly == "on_change" for p in settings.config.stakeholders)


def test_demo_has_an_observation_file_in_every_supported_format() -> None:
    utf8 = (OBS / "OUTOKIA-CX/2026-07.csv").read_bytes()
    assert utf8.decode("utf-8").startswith("partner_id,kpi_id,")
    windows = (OBS / "NORDLEDGER-BO/2026-H2.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        windows.decode("utf-8")
    text = windows.decode("cp1252")
    assert text.startswith("partner_id;kpi_id;") and "révisé" in text and "\r\n" in text
    assert any("," in cell for line in text.splitlines()[1:] for cell in line.split(";")[6:7])
    utf16 = (OBS / "HELIX-IT/resolution-2026.csv").read_bytes()
    assert utf16[:2] == b"\xff\xfe" and utf16.decode("utf-16").startswith("partner_id\tkpi_id\t")
    assert (OBS / "HELIX-IT/mttr-2026.csv").read_text("utf-8").startswith("partner_id\tkpi_id\t")
    book = load_workbook(OBS / "OUTOKIA-CX/cost-per-contact-2026.xlsx", read_only=True)
    assert book.sheetnames == ["README", "observations"]
    history = pd.read_parquet(OBS / "history/2024-2025-monthly.parquet")
    months = pd.period_range("2024-11", "2025-12", freq="M")
    assert set(history["period"]) == {str(m) for m in months}  # 14 months before 2026
    assert set(history["partner_id"]) == {"HELIX-IT", "NORDLEDGER-BO", "OUTOKIA-CX"}
    for log in ("scope_changes.csv", "actions.csv", "comments.csv"):
        assert (INPUTS / log).is_file()


def test_demo_stays_small_enough_for_a_fast_run() -> None:
    answers = sum(len(pd.read_csv(p)) for p in (INPUTS / "surveys").glob("*.csv"))
    assert answers < 3_000
    rows = len(pd.read_parquet(OBS / "history/2024-2025-monthly.parquet"))
    rows += sum(len(pd.read_csv(p)) for p in (OBS / "OUTOKIA-CX").glob("*.csv"))
    rows += sum(len(_nordledger(h)) for h in ("2026-H1", "2026-H2"))
    rows += len(pd.read_csv(OBS / "HELIX-IT/resolution-2026.csv", sep="\t", encoding="utf-16"))
    rows += len(pd.read_csv(OBS / "HELIX-IT/mttr-2026.csv", sep="\t"))
    assert 2_000 < rows < 20_000


def test_q3_first_contact_resolution_ratio_of_sums_differs_from_mean_of_months() -> None:
    rows = _cx_days(["2026-07", "2026-08", "2026-09"], "first_contact_resolution")
    assert rows["denominator"].sum() == 32_000
    # 78% of 9,000 + 68% of 14,000 + 80% of 9,000 = 7,020 + 9,520 + 7,200 = 23,740
    assert rows["numerator"].sum() == 23_740
    assert _ratio(rows) == pytest.approx(74.1875)
    monthly = [_ratio(_cx_days([m], "first_contact_resolution")) for m in ("2026-07", "2026-08")]
    monthly.append(_ratio(_cx_days(["2026-09"], "first_contact_resolution")))
    assert monthly == pytest.approx([78.0, 68.0, 80.0])
    assert sum(monthly) / 3 == pytest.approx(75.3333, abs=1e-4)  # would be met (75); 74.19 is not


def test_august_breaches_exceed_the_credit_cap_under_the_new_service_level(settings) -> None:
    partner = settings.partners["OUTOKIA-CX"]
    versions = [v for v in partner.service_levels if v.kpi == "service_level"]
    assert [(v.expected, v.minimum) for v in versions] == [(80, 75), (82, 77)]
    assert str(versions[1].effective_from) == "2026-07-15" and versions[1].change == "CHG-2026-004"
    assert _ratio(_cx_days(["2026-08"], "service_level")) == pytest.approx(76.0)  # < 77: breach
    assert _ratio(_cx_days(["2026-08"], "first_contact_resolution")) == pytest.approx(68.0)
    owed = {v.kpi: v.credit_pct for v in partner.service_levels}
    assert owed["service_level"] + owed["first_contact_resolution"] == 13
    assert partner.contract.credit_cap_pct == 12


def test_september_corrections_file_supersedes_service_level_and_backlog_rows() -> None:
    first, fixes = _cx_month("2026-09"), _cx_month("2026-09_v2")
    assert len(fixes) == 4
    key = ["kpi_id", "period_start"]
    combined = pd.concat([first, fixes]).drop_duplicates(key, keep="last")
    service = combined[combined["kpi_id"] == "service_level"]
    assert _ratio(service) == pytest.approx(74.0)
    assert _ratio(first[first["kpi_id"] == "service_level"]) != pytest.approx(74.0)
    backlog = combined[combined["kpi_id"] == "backlog"].sort_values("period_end")
    assert backlog["value"].iloc[-1] == 1180
    assert first.loc[first["kpi_id"].eq("backlog"), "value"].iloc[-1] == 1240


def test_nordledger_revised_backlog_line_and_decimal_comma_turnaround() -> None:
    rows = _nordledger("2026-H2")
    revised = rows[(rows["kpi_id"] == "backlog") & (rows["period_start"] == "2026-08-31")]
    assert revised["value"].tolist() == [455, 430]
    assert revised["note"].iloc[-1] == "révisé après rapprochement"
    turnaround = rows[rows["kpi_id"] == "turnaround_hours"]
    september = turnaround[turnaround["period_start"].str.startswith("2026-09")]
    assert len(september) == 22  # working days
    assert september["value"].mean() == pytest.approx(49.0)
    accuracy = rows[(rows["kpi_id"] == "invoice_accuracy")]
    assert _ratio(accuracy[accuracy["period_start"].str.startswith("2026-09")]) == pytest.approx(
        96.5
    )


def test_helix_september_is_missing_and_mttr_objective_baseline_is_ten_hours() -> None:
    resolution = pd.read_csv(OBS / "HELIX-IT/resolution-2026.csv", sep="\t", encoding="utf-16")
    months = set(resolution["period_start"].str[:7])
    assert "2026-09" not in months and {"2026-08", "2026-10"} <= months
    july = resolution[resolution["period_start"].str.startswith("2026-07")]
    assert _ratio(july) == pytest.approx(88.0)
    mttr = pd.read_csv(OBS / "HELIX-IT/mttr-2026.csv", sep="\t")
    mttr = mttr[pd.to_numeric(mttr["value"], errors="coerce").notna()]
    by_month = mttr.groupby(mttr["period_start"].str[:7])["value"].apply(
        lambda v: pd.to_numeric(v).mean()
    )
    assert by_month["2026-03"] == pytest.approx(10.0)
    assert by_month["2026-09"] == pytest.approx(8.6)
    assert by_month["2026-10"] == pytest.approx(13.5)


def test_survey_answers_give_nps_and_top2box_values() -> None:
    cx = pd.read_csv(INPUTS / "surveys/OUTOKIA-CX.csv")
    nps = cx[(cx["kpi_id"] == "nps") & cx["response_date"].str.startswith("2026-09")]
    promoters, detractors = (nps["score"] >= 9).sum(), (nps["score"] <= 6).sum()
    assert (promoters, detractors, len(nps)) == (15, 8, 40)  # NPS 17.5
    helix = pd.read_csv(INPUTS / "surveys/HELIX-IT.csv")
    august = helix[helix["response_date"].str.startswith("2026-08")]
    assert (len(august), (august["score"] >= 4).sum()) == (20, 17)  # below min_denominator 30
    september = helix[helix["response_date"].str.startswith("2026-09")]
    assert (september["score"] >= 4).sum() / len(september) * 100 == pytest.approx(82.857, 1e-4)
    assert min(cx["response_date"].min(), helix["response_date"].min()) == "2024-11-01"
    assert max(cx["response_date"].max(), helix["response_date"].max()) == "2026-11-15"


def test_cost_per_contact_is_monthly_and_stale_at_the_nightly_date() -> None:
    book = load_workbook(OBS / "OUTOKIA-CX/cost-per-contact-2026.xlsx", read_only=True)
    rows = list(book["observations"].iter_rows(values_only=True))
    assert rows[0] == ("partner_id", "kpi_id", "period", "numerator", "denominator", "source")
    assert [r[2] for r in rows[1:]] == [f"2026-{m:02d}" for m in range(1, 11)]
    september = next(r for r in rows if r[2] == "2026-09")
    assert september[3] / september[4] == pytest.approx(4.02)  # OBJ-CX-01 target 4.08: achieved


def test_every_kpi_has_24_full_months_to_2026_10_and_daily_rows_end_the_day_before_as_of(
    settings,
) -> None:
    observations = load_sources(settings).observations
    months = observations.groupby(["partner_id", "kpi_id"], observed=True)["month"].agg(
        lambda m: sorted(set(m.astype(str)))
    )
    full = [str(p) for p in pd.period_range("2024-11", "2026-10", freq="M")]
    assert len(full) == 24
    for (partner, kpi), seen in months.items():
        if (partner, kpi) == ("HELIX-IT", "incident_resolution_sla"):
            assert [m for m in full if m not in seen] == ["2026-09"]  # the lost export
        else:
            assert set(full) <= set(seen), (partner, kpi)
        assert max(seen) <= "2026-11", (partner, kpi)
    daily = observations[observations["period_start"] == observations["period_end"]]
    last_day = daily.groupby(["partner_id", "kpi_id"], observed=True)["period_end"].max()
    assert last_day.max() == pd.Timestamp("2026-11-15")  # the nightly demo runs as of 11-16
    assert (last_day == pd.Timestamp("2026-11-15")).sum() >= 2
    assert last_day[("NORDLEDGER-BO", "backlog")] == pd.Timestamp("2026-11-13")  # a Friday
    history = observations[observations["file"].str.startswith("observations/history/")]
    assert history["month"].astype(str).min() == "2024-11"


def test_committed_demo_is_clean_and_keeps_its_duplicates(settings) -> None:
    sources = load_sources(settings)
    assert sources.rejected.empty
    assert len(sources.superseded) == 5
    assert len(sources.scope_changes) == 5 and len(sources.actions) == 5


def test_demo_with_bad_rows_rejects_exactly_the_six_deliberately_bad_rows(
    demo_with_bad_rows: Path,
) -> None:
    sources = load_sources(load_settings(demo_with_bad_rows))
    rejected = set(zip(sources.rejected["file"], sources.rejected["column"], strict=True))
    assert rejected == {
        ("observations/OUTOKIA-CX/2026-02.csv", "period_start"),
        ("observations/OUTOKIA-CX/2026-05.csv", "denominator"),
        ("observations/NORDLEDGER-BO/2026-H1.csv", "kpi_id"),
        ("observations/HELIX-IT/mttr-2026.csv", "value"),
        ("surveys/OUTOKIA-CX.csv", "score"),
        ("comments.csv", "kpi_id"),
    }
    assert len(sources.rejected) == 6
    assert len(sources.superseded) == 5


def test_generator_reproduces_the_committed_demo_files_byte_for_byte(tmp_path: Path) -> None:
    load_generator().write_demo(tmp_path)
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(generated) == 23
    for relative in generated:
        assert (tmp_path / relative).read_bytes() == (INPUTS / relative).read_bytes(), relative


def test_docs_inputs_page_holds_the_generator_feature_table() -> None:
    source = (ROOT / "scripts/make_demo.py").read_text("utf-8")
    table = source[source.index('Demo "today"') : source.index("Surveys: surveys/")]
    assert "quarter ratio vs mean" in table
    assert table in (ROOT / "docs/inputs.md").read_text("utf-8")
