"""The bundled demo, computed by the real engine, rendered to real PDFs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from babel.numbers import format_decimal

from partner_review.catalog import build_catalog
from partner_review.ingest import load_sources
from partner_review.rendering import render_partner_html, render_portfolio_html, write_pdf
from partner_review.settings import Settings, load_settings
from transforms.model import ReviewModel
from transforms.periods import parse_quarter, quarterly_run
from transforms.review import build_review
from transforms.slicing import model_for_partner

DEMO = Path(__file__).resolve().parents[3] / "inputs"


@pytest.fixture(scope="module")
def demo() -> tuple[Settings, ReviewModel]:
    settings = load_settings(DEMO)
    model = build_review(
        build_catalog(settings), load_sources(settings), quarterly_run(parse_quarter("2026-Q3", 1))
    )
    return settings, model


def _pdf_text(html: str, target: Path) -> tuple[str, int]:
    pages = write_pdf(html, target)
    out = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, check=True)
    return out.stdout.decode(), pages


@pytest.mark.parametrize("language", ["en", "fr"])
def test_demo_partner_pdf_holds_its_name_kpis_and_quarter_figures(
    demo: tuple[Settings, ReviewModel], tmp_path: Path, language: str
) -> None:
    settings, model = demo
    pid = "OUTOKIA-CX"
    html = render_partner_html(model_for_partner(model, pid), settings, pid, language)
    text, pages = _pdf_text(html, tmp_path / "r.pdf")
    assert 3 <= pages <= 12
    assert settings.partners[pid].name in text
    quarter = model.scorecard[(model.scorecard["partner_id"] == pid)
                              & (model.scorecard["period"] == "2026-Q3")]  # fmt: skip
    for row in quarter.itertuples(index=False):
        kpi = settings.kpi(row.kpi_id)
        assert kpi.name.get(language).split(" (")[0] in text
        if kpi.unit == "percent" and row.actual == row.actual:
            number = format_decimal(row.actual, "0." + "0" * kpi.decimals, locale=language)
            assert number in text


def test_demo_portfolio_names_every_partner(
    demo: tuple[Settings, ReviewModel], tmp_path: Path
) -> None:
    settings, model = demo
    text, _pages = _pdf_text(render_portfolio_html(model, settings, "en"), tmp_path / "p.pdf")
    for partner in settings.partners.values():
        assert partner.name in text
