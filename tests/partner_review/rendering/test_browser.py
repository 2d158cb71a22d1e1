"""A real browser opens the reports: phone and desktop widths, the DOM holds the partner."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from partner_review.rendering import render_partner_html, render_portfolio_html
from partner_review.settings import Settings
from transforms.model import ReviewModel

from .conftest import OUTOKIA

CHROMIUM = "/usr/bin/chromium"


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, timeout=120, check=True)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture(scope="module")
def report_file(
    tmp_path_factory: pytest.TempPathFactory, quarterly_model: ReviewModel, settings: Settings
) -> Path:
    path = tmp_path_factory.mktemp("browser") / "OUTOKIA-CX.fr.html"
    path.write_text(render_partner_html(quarterly_model, settings, OUTOKIA, "fr"))
    return path


@pytest.mark.parametrize("width", [390, 1440])
def test_report_screenshots_at_phone_and_desktop_width(
    report_file: Path, tmp_path: Path, width: int
) -> None:
    shot = tmp_path / f"{width}.png"
    _chromium(
        tmp_path / "profile", f"--window-size={width},1200", f"--screenshot={shot}",
        report_file.as_uri(),
    )  # fmt: skip
    assert _png_size(shot) == (width, 1200)
    assert shot.stat().st_size > 20_000  # a page with content, not a blank image


def test_browser_dom_holds_the_partner_name_and_french_labels(
    report_file: Path, tmp_path: Path
) -> None:
    dom = _chromium(tmp_path / "profile", "--dump-dom", report_file.as_uri()).stdout.decode()
    assert "<h1>Outokia Customer Care</h1>" in dom
    assert "Tableau de bord des niveaux de service" in dom


def test_portfolio_opens_in_the_browser(
    quarterly_model: ReviewModel, settings: Settings, tmp_path: Path
) -> None:
    page = tmp_path / "portfolio.html"
    page.write_text(render_portfolio_html(quarterly_model, settings, "en"))
    dom = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri()).stdout.decode()
    assert "Nordic Back Office" in dom and "Outokia Customer Care" in dom
