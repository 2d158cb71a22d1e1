"""Reports at the edges: a partner with no data, one KPI only, or 40 KPIs, through the real engine.

One inputs folder is written per test session in a temporary folder: a KPI
catalogue of 40 ratio KPIs and three partners.

* EMPTY-CO: a contract, no service level, no objective, no observation.
* SOLO-CO: one service level (kpi_01: expected 80, minimum 75) and its nine months of data.
* WIDE-CO: a service level on each of the 40 KPIs and nine months of data for each.

Every observation row is one month (2026-01 … 2026-09) with numerator 80 + the
KPI's number and denominator 100, so kpi_07's value is 87.0% in every month and
in the quarter.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from partner_review.catalog import build_catalog
from partner_review.ingest import load_sources
from partner_review.rendering import render_partner_html, render_portfolio_html, write_pdf
from partner_review.settings import Settings, load_settings
from transforms.model import ReviewModel
from transforms.periods import parse_quarter, quarterly_run
from transforms.review import build_review
from transforms.slicing import model_for_partner

KPI_COUNT = 40
MONTHS = [f"2026-{m:02d}" for m in range(1, 10)]
NAMES = {
    "EMPTY-CO": "Empty Partner Ltd",
    "SOLO-CO": "Solo Partner Ltd",
    "WIDE-CO": "Wide Partner Ltd",
}


def _kpi_id(n: int) -> str:
    return f"kpi_{n:02d}"


def _config() -> str:
    kpis = "".join(
        f"  - id: {_kpi_id(n)}\n"
        f'    name: {{en: "Measure number {n}", fr: "Mesure numéro {n}"}}\n'
        "    unit: percent\n    direction: higher_is_better\n"
        "    aggregation: ratio\n    scale: 100\n    decimals: 1\n"
        for n in range(1, KPI_COUNT + 1)
    )
    return (
        "organisation:\n  name: Acme Retail\n  currency: EUR\n  timezone: Europe/Paris\n"
        "  language: en\n  fiscal_year_start_month: 1\n"
        "reporting:\n  freshness_days: 3\n  spc: {window: 24, min_points: 8}\n"
        f"kpis:\n{kpis}"
        "stakeholders:\n  - name: Claire Martin\n    email: claire.martin@acme.example\n"
        '    language: fr\n    partners: ["*"]\n'
        'delivery:\n  sender: "Partner Review <reviews@acme.example>"\n'
        "  allowed_domains: [acme.example]\n"
    )


def _partner(pid: str, kpi_numbers: range) -> str:
    levels = "".join(
        f"  - kpi: {_kpi_id(n)}\n    expected: 80\n    minimum: 75\n    credit_pct: 1\n"
        for n in kpi_numbers
    )
    return (
        f"id: {pid}\nname: {NAMES[pid]}\ncurrency: EUR\nmonthly_fee: 10000\n"
        "contract:\n  start: 2025-01-01\n  end: 2027-12-31\n  credit_cap_pct: 12\n"
        f"service_levels:{chr(10) + levels if levels else ' []' + chr(10)}"
    )


def _observations(pid: str, kpi_numbers: range) -> str:
    lines = ["partner_id,kpi_id,period,numerator,denominator"]
    lines += [f"{pid},{_kpi_id(n)},{month},{80 + n},100" for n in kpi_numbers for month in MONTHS]
    return "\n".join(lines) + "\n"


def write_inputs(root: Path) -> Path:
    """The inputs folder described in the module docstring."""
    (root / "partners").mkdir(parents=True)
    (root / "observations").mkdir()
    (root / "config.yaml").write_text(_config(), encoding="utf-8")
    spans = {"EMPTY-CO": range(0), "SOLO-CO": range(1, 2), "WIDE-CO": range(1, KPI_COUNT + 1)}
    for pid, numbers in spans.items():
        (root / "partners" / f"{pid}.yaml").write_text(_partner(pid, numbers), encoding="utf-8")
        if numbers:
            (root / "observations" / f"{pid}.csv").write_text(
                _observations(pid, numbers), encoding="utf-8"
            )
    return root


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReviewModel]:
    settings = load_settings(write_inputs(tmp_path_factory.mktemp("edge") / "inputs"))
    model = build_review(
        build_catalog(settings), load_sources(settings), quarterly_run(parse_quarter("2026-Q3", 1))
    )
    return settings, model


def _pdf(html: str, target: Path) -> tuple[str, int]:
    pages = write_pdf(html, target)
    out = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8"), pages


def _partner_pdf(
    edge: tuple[Settings, ReviewModel], pid: str, lang: str, tmp: Path
) -> tuple[str, str, int]:
    settings, model = edge
    html = render_partner_html(model_for_partner(model, pid), settings, pid, lang)
    text, pages = _pdf(html, tmp / f"{pid}.{lang}.pdf")
    return html, text, pages


def test_engine_scores_nothing_for_the_partner_without_data(
    edge: tuple[Settings, ReviewModel],
) -> None:
    _settings, model = edge
    assert (model.scorecard["partner_id"] == "EMPTY-CO").sum() == 0
    assert (model.scorecard["partner_id"] == "WIDE-CO").sum() > 0


@pytest.mark.parametrize("language", ["en", "fr"])
def test_partner_without_any_data_renders_a_short_report_naming_it(
    edge: tuple[Settings, ReviewModel], tmp_path: Path, language: str
) -> None:
    html, text, pages = _partner_pdf(edge, "EMPTY-CO", language, tmp_path)
    assert "<h1>Empty Partner Ltd</h1>" in html
    assert "<svg" not in html  # no chart drawn without data
    verdict = html.split('<div class="verdict', 1)[1].split("</strong>", 1)[0]
    assert ("No data" if language == "en" else "Pas de données") in verdict
    assert "On track" not in verdict and "En bonne voie" not in verdict
    assert "is on course" not in html and "en bonne voie." not in html
    assert ("no data was delivered" if language == "en" else "aucune donnée") in html
    assert "Empty Partner Ltd" in text
    assert 1 <= pages <= 4


def test_partner_with_one_kpi_shows_it_with_its_quarter_value_and_one_trend_chart(
    edge: tuple[Settings, ReviewModel], tmp_path: Path
) -> None:
    html, text, pages = _partner_pdf(edge, "SOLO-CO", "en", tmp_path)
    assert "Solo Partner Ltd" in text
    assert "Measure number 1" in text
    assert "Measure number 2" not in text
    assert "81.0%" in text  # numerator 81 / denominator 100, every month and the quarter
    assert html.count("<svg") == 1
    assert 2 <= pages <= 6


def test_partner_with_forty_kpis_lists_every_kpi_and_draws_a_chart_for_each(
    edge: tuple[Settings, ReviewModel], tmp_path: Path
) -> None:
    html, text, pages = _partner_pdf(edge, "WIDE-CO", "en", tmp_path)
    assert "Wide Partner Ltd" in text
    for n in range(1, KPI_COUNT + 1):
        assert f"Measure number {n}" in text
    assert "87.0%" in text  # kpi_07: 87 / 100
    assert "120.0%" in text  # kpi_40: 120 / 100
    assert html.count("<svg") == KPI_COUNT
    assert 6 <= pages <= 40


def test_french_report_of_forty_kpis_uses_french_names_and_decimal_commas(
    edge: tuple[Settings, ReviewModel], tmp_path: Path
) -> None:
    _html, text, _pages = _partner_pdf(edge, "WIDE-CO", "fr", tmp_path)
    assert "Mesure numéro 40" in text
    assert "87,0" in text


def test_portfolio_of_empty_single_and_forty_kpi_partners_renders_every_partner(
    edge: tuple[Settings, ReviewModel], tmp_path: Path
) -> None:
    settings, model = edge
    text, pages = _pdf(render_portfolio_html(model, settings, "en"), tmp_path / "portfolio.pdf")
    for name in NAMES.values():
        assert name in text
    assert 1 <= pages <= 4
    html = render_portfolio_html(model, settings, "en")
    assert html.count('<table class="grid">') == 4  # 40 KPI columns, 12 per table
    empty_row = html.split("<b>Empty Partner Ltd</b>", 1)[1].split("</tr>", 1)[0]
    assert "No data" in empty_row and "On track" not in empty_row
    assert "Measure number 40" in text
