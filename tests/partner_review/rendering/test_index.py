"""outputs/index.html: every run, newest first, with links to its reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from partner_review.rendering import render_index_html


def _run(folder: Path, files: list[str], manifest: dict[str, object] | None) -> None:
    folder.mkdir(parents=True)
    for name in files:
        (folder / name).write_text("x")
    if manifest is not None:
        (folder / "manifest.json").write_text(json.dumps(manifest))


def test_index_lists_every_run_newest_first_with_links(tmp_path: Path) -> None:
    _run(
        tmp_path / "quarterly" / "2026-Q3",
        ["OUTOKIA-CX.html", "OUTOKIA-CX.pdf", "OUTOKIA-CX.fr.html", "portfolio.html"],
        {"run": {"periods": ["2026-07", "2026-08", "2026-09", "2026-Q3"]}, "status": "complete"},
    )
    _run(tmp_path / "nightly" / "2026-11-27", ["portfolio.html", "portfolio.pdf"], None)
    _run(tmp_path / "nightly" / "2026-08-02", [], {"status": "deliveries_failed"})
    _run(tmp_path / "nightly" / ".2026-11-28.staging-123", ["portfolio.html"], None)
    html = render_index_html(tmp_path)
    labels = re.findall(r"<td><b>([^<]+)</b>", html)
    assert labels == ["2026-11-27", "2026-Q3", "2026-08-02"]
    assert 'href="quarterly/2026-Q3/OUTOKIA-CX.fr.html"' in html
    assert 'href="quarterly/2026-Q3/OUTOKIA-CX.pdf"' in html
    assert 'href="nightly/2026-11-27/portfolio.pdf"' in html
    assert "deliveries_failed" in html and "complete" in html and "no manifest" in html
    assert "staging" not in html


def test_portfolio_is_listed_before_partners(tmp_path: Path) -> None:
    _run(tmp_path / "nightly" / "2026-11-27", ["ZETA.html", "portfolio.html", "ALPHA.html"], None)
    html = render_index_html(tmp_path)
    assert re.findall(r"<div><b>([^<]+)</b>", html) == ["portfolio", "ALPHA", "ZETA"]


def test_hostile_folder_names_are_escaped(tmp_path: Path) -> None:
    _run(tmp_path / "nightly" / "<script>x", ["a.html"], None)
    html = render_index_html(tmp_path)
    assert "<script>x" not in html
    assert "&lt;script&gt;x" in html
    assert 'href="nightly/%3Cscript%3Ex/a.html"' in html


def test_an_empty_outputs_folder_says_so(tmp_path: Path) -> None:
    assert "No run yet." in render_index_html(tmp_path)
