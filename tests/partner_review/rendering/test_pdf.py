"""Real PDFs checked by content: text, page count, embedded fonts, nothing fetched."""

from __future__ import annotations

import gc
import logging
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from partner_review.paths import TEMPLATES_DIR
from partner_review.rendering import render_partner_html, write_pdf
from partner_review.rendering.pdf import (
    RENDER_GC_THRESHOLD,
    TemplatesOnlyFetcher,
    fewer_collections,
)
from partner_review.settings import Settings
from transforms.model import ReviewModel

from .conftest import OUTOKIA


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def pdfs(
    tmp_path_factory: pytest.TempPathFactory, quarterly_model: ReviewModel, settings: Settings
) -> dict[str, tuple[Path, int]]:
    folder = tmp_path_factory.mktemp("pdf")
    made = {}
    for language in ("en", "fr"):
        html = render_partner_html(quarterly_model, settings, OUTOKIA, language)
        target = folder / f"{language}.pdf"
        made[language] = (target, write_pdf(html, target))
    return made


def test_quarterly_pack_is_four_to_eight_a4_pages(pdfs: dict[str, tuple[Path, int]]) -> None:
    path, pages = pdfs["en"]
    reader = PdfReader(path)
    assert 4 <= pages <= 8
    assert len(reader.pages) == pages
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)


def test_pdf_text_holds_partner_every_kpi_and_scorecard_figures_in_english(
    pdfs: dict[str, tuple[Path, int]],
) -> None:
    text = _text(pdfs["en"][0])
    for expected in (
        "Outokia Customer Care",
        "Service level (80/20)",
        "First-contact resolution",
        "Average handling time",
        "Cost per contact",
        "72.4%",
        "76.8%",
        "371 s",
        "€4.24",
        "€1,680.00",
    ):
        assert expected in text


def test_pdf_has_running_header_and_page_x_of_y(pdfs: dict[str, tuple[Path, int]]) -> None:
    path, pages = pdfs["en"]
    last = PdfReader(path).pages[pages - 1].extract_text()
    assert f"Page {pages} of {pages}" in last
    assert "Outokia Customer Care" in last and "2026-Q3" in last


def test_french_pdf_has_french_labels_and_decimal_commas(
    pdfs: dict[str, tuple[Path, int]],
) -> None:
    path, pages = pdfs["fr"]
    text = _text(path)
    for expected in (
        "Synthèse",
        "Niveau de service (80/20)",
        "Coût par contact",
        "72,4 %",
        "4,24 €",
        "680,00 €",
        f"Page 1 sur {pages}",
    ):
        assert expected in text


def test_fonts_are_embedded(pdfs: dict[str, tuple[Path, int]]) -> None:
    reader = PdfReader(pdfs["en"][0])
    embedded = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for font in fonts.values():
            for descendant in font.get_object().get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    embedded.add(str(descriptor.get_object()["/FontName"]))
    assert any("DejaVu-Sans" in name for name in embedded)


def test_hostile_comment_shows_as_text_in_the_pdf(pdfs: dict[str, tuple[Path, int]]) -> None:
    text = _text(pdfs["en"][0])
    assert '<img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text


def test_a_file_image_outside_templates_is_refused_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    html = (
        "<html><body><p>hi</p><!-- <img src='x'> -->"
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/track.png">'
        '<img src="../pyproject.toml"></body></html>'
    )
    with caplog.at_level(logging.WARNING, logger="partner_review.rendering.pdf"):
        assert write_pdf(html, tmp_path / "x.pdf") == 1
    refused = [r.getMessage() for r in caplog.records if r.name == "partner_review.rendering.pdf"]
    assert any("file:///etc/passwd" in m for m in refused)
    assert any("http://127.0.0.1:9/track.png" in m for m in refused)
    assert any("pyproject.toml" in m for m in refused)


def test_fetcher_serves_only_files_under_templates() -> None:
    fetcher = TemplatesOnlyFetcher()
    assert fetcher.allows((TEMPLATES_DIR / "report.css").as_uri())
    assert not fetcher.allows("file:///etc/passwd")
    assert not fetcher.allows((TEMPLATES_DIR / ".." / "pyproject.toml").as_uri())
    assert not fetcher.allows("https://example.com/x.png")
    assert not fetcher.allows("data:image/png;base64,AAAA")


def test_fewer_collections_raises_the_youngest_threshold_and_restores_it() -> None:
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == (max(RENDER_GC_THRESHOLD, before[0]), *before[1:])
    assert gc.get_threshold() == before


def test_fewer_collections_restores_the_thresholds_after_an_error() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections(50_000):
        raise RuntimeError("layout failed")
    assert gc.get_threshold() == before


def test_write_pdf_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    before = gc.get_threshold()
    assert write_pdf("<html><body><p>one page</p></body></html>", tmp_path / "x.pdf") == 1
    assert gc.get_threshold() == before


def test_fewer_collections_restores_the_thresholds_when_the_last_thread_leaves() -> None:
    import threading

    before = gc.get_threshold()
    inside, release = threading.Event(), threading.Event()

    def other_render() -> None:
        with fewer_collections():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_render)
    with fewer_collections():
        thread.start()
        assert inside.wait(10)
    assert gc.get_threshold()[0] == max(RENDER_GC_THRESHOLD, before[0]), "another is inside"
    release.set()
    thread.join(10)
    assert gc.get_threshold() == before
