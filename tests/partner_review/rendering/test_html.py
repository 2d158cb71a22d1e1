"""The HTML reports by content: sections in order, figures per language, hostile text as text."""

from __future__ import annotations

import dataclasses
import re

import pytest

from partner_review.rendering import render_partner_html, render_portfolio_html
from partner_review.settings import Settings
from transforms.model import ReviewModel

from .conftest import HOSTILE_COMMENT, NORDIC, OUTOKIA

HOSTILE_NAME = '<script>alert("pwned")</script> Outokia & Co'


def _visible(html: str) -> str:
    """The page's text: tags removed, entities kept (enough for content checks)."""
    body = html.split("<body>", 1)[-1]
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", body))


def _with_partner_name(settings: Settings, partner_id: str, name: str) -> Settings:
    partners = dict(settings.partners)
    partners[partner_id] = partners[partner_id].model_copy(update={"name": name})
    return dataclasses.replace(settings, partners=partners)


@pytest.fixture(scope="module")
def quarterly_en(quarterly_model: ReviewModel, settings: Settings) -> str:
    return render_partner_html(quarterly_model, settings, OUTOKIA, "en")


@pytest.fixture(scope="module")
def quarterly_fr(quarterly_model: ReviewModel, settings: Settings) -> str:
    return render_partner_html(quarterly_model, settings, OUTOKIA, "fr")


def test_quarterly_sections_come_in_the_spec_order(quarterly_en: str) -> None:
    ids = re.findall(r'<section id="([a-z-]+)"', quarterly_en)
    assert ids == [
        "summary",
        "scorecard",
        "objectives",
        "deviations",
        "credits",
        "scope",
        "actions",
        "data-quality",
        "definitions",
    ]


def test_quarterly_pack_has_a_table_of_contents_linking_every_section(quarterly_en: str) -> None:
    toc = quarterly_en.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([a-z-]+)"', toc) == re.findall(
        r'<section id="([a-z-]+)"', quarterly_en
    )


def test_scorecard_shows_each_month_the_quarter_and_both_comparisons_in_english(
    quarterly_en: str,
) -> None:
    text = _visible(quarterly_en)
    for label in ("Jul 2026", "Aug 2026", "Sep 2026", "2026-Q3", "2026-Q2", "2025-Q3"):
        assert label in text
    # service level Aug 2026 is a breach: 72.4 with the ✖ symbol beside it
    assert "72.4% ✖" in text
    assert "76.8% ▲" in text  # the quarter, at risk
    assert "371 s ▲" in text  # AHT Aug 2026, lower is better, at risk
    assert "€4.24" in text  # cost per contact in the quarter, 4.237 to 2 decimals


def test_french_report_has_french_labels_and_decimal_commas(quarterly_fr: str) -> None:
    text = _visible(quarterly_fr)
    for label in (
        "Synthèse",
        "Tableau de bord des niveaux de service",
        "Objectifs",
        "Écarts et commentaires",
        "Pénalités et récupérations",
        "Manquement",
        "Niveau de service (80/20)",
        "Coût par contact",
        "Page",
    ):
        assert label in text or label in quarterly_fr
    assert "72,4\u00a0% ✖" in text
    assert "1\u202f680,00\u00a0€" in text
    assert "août 2026" in text
    assert "Service-level scorecard" not in text


def test_charts_are_inline_svg_one_per_kpi_with_data_and_one_per_objective(
    quarterly_en: str,
) -> None:
    assert quarterly_en.count("<svg ") == 4 + 2
    assert "<script" not in quarterly_en.split("<body>", 1)[1].replace("&lt;script", "")
    assert not re.search(r'(src|href)="(https?:|file:|//)', quarterly_en)


def test_deviation_shows_the_comment_on_its_kpi_and_month(quarterly_en: str) -> None:
    row = quarterly_en.split("Service-level breach</b>", 2)[2].split("</tr>", 1)[0]
    assert "Storm outage on 12 August" in row
    assert "Jean Dupont" in row


def test_a_comment_no_deviation_shows_is_listed_under_other_comments(quarterly_en: str) -> None:
    other = quarterly_en.split("Other comments", 1)[1].split("</section>", 1)[0]
    assert "Knowledge base refresh delivered." in other


def test_hostile_comment_is_escaped_text_not_markup(quarterly_en: str) -> None:
    assert HOSTILE_COMMENT not in quarterly_en
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in quarterly_en
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in quarterly_en
    assert "<img" not in quarterly_en


def test_hostile_partner_name_is_escaped_everywhere(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    hostile = _with_partner_name(settings, OUTOKIA, HOSTILE_NAME)
    html = render_partner_html(quarterly_model, hostile, OUTOKIA, "en")
    portfolio = render_portfolio_html(quarterly_model, hostile, "en")
    for page in (html, portfolio):
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt; Outokia &amp; Co" in page


def test_summary_lists_critical_deviations_overdue_actions_and_pending_changes(
    quarterly_en: str,
) -> None:
    summary = _visible(quarterly_en.split('<section id="summary">', 1)[1].split("</section>")[0])
    assert "Action required" in summary
    assert "3 critical and 4 warning deviations" in summary
    assert "Service-level breach — Service level (80/20) (Aug 2026)" in summary
    assert "ACT-7" in summary and "Sep 15, 2026" in summary
    assert "CR-2026-06" in summary  # proposed: awaits a decision
    assert "CR-2026-04" not in summary  # approved: nothing to decide
    assert "1 credit can still be earned back" in summary
    assert "Nordic" not in summary


def test_credit_total_and_earn_back_state(quarterly_en: str) -> None:
    credits = _visible(quarterly_en.split('<section id="credits">', 1)[1].split("</section>")[0])
    assert "Aug 2026 Service level (80/20) 4.0% €1,680.00 no Pending" in credits
    assert "Total (still owed after earn-backs: €1,680.00) €1,680.00" in credits


def test_data_quality_appendix_counts_rejected_rows_without_their_values(
    quarterly_en: str,
) -> None:
    appendix = quarterly_en.split('<section id="data-quality"', 1)[1].split("</section>")[0]
    text = _visible(appendix)
    assert "2 rows were rejected" in text
    assert "observations/outokia-2026-q3.csv: 2" in text
    assert "observations/broken.csv — no header row" in text
    assert "observations/outokia-2026-08.csv:4" in text  # superseded
    assert "n/a" not in text


def test_nightly_digest_puts_exceptions_first_marks_month_to_date_and_shows_freshness(
    nightly_model: ReviewModel, settings: Settings
) -> None:
    html = render_partner_html(nightly_model, settings, OUTOKIA, "en")
    ids = re.findall(r'<section id="([a-z-]+)"', html)
    assert ids[:3] == ["summary", "deviations", "scorecard"]
    assert "<svg" not in html and '<nav class="toc"' not in html
    text = _visible(html)
    assert "Sep 2026 month" in text and "Oct 2026 month to date" in text
    assert "Month to date is provisional" in text
    assert "78.8%" in text  # service level, October to date
    freshness = _visible(html.split("<h3>Freshness</h3>", 1)[1].split("</table>")[0])
    assert "Average handling time Sep 27, 2026 5 ▲ Stale" in freshness
    assert "Service level (80/20) Oct 1, 2026 1 ✔ Fresh" in freshness


def test_portfolio_grid_has_a_symbol_and_a_label_with_every_colour(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    html = render_portfolio_html(quarterly_model, settings, "en")
    grid = html.split('<table class="grid">', 1)[1].split("</table>", 1)[0]
    rows = grid.split("<tr>")[2:]
    assert [re.search(r"<b>(.*?)</b>", r)[1] for r in rows] == [  # type: ignore[index]
        "Nordic Back Office",
        "Outokia Customer Care",
    ]
    outokia = _visible(rows[1])
    assert "▲ 76.8% At risk" in outokia  # service level in the quarter
    assert "✔ 75.1% Met" in outokia
    assert "· €4.24 No target" in outokia
    assert "3 critical, 4 warnings" in outokia
    for tone, symbol in (("good", "✔"), ("warn", "▲")):
        cells = re.findall(rf'class="status {tone}"[^>]*><span class="sym">(.)</span>', grid)
        assert cells and set(cells) == {symbol}


def test_portfolio_lists_the_worst_deviations_first_and_totals_credits(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    html = render_portfolio_html(quarterly_model, settings, "fr")
    section = html.split('<section id="deviations">', 1)[1].split("</section>")[0]
    kinds = re.findall(r"<b>(.*?)</b>", section)
    assert kinds[:3] == [
        "Manquement au niveau de service",
        "Objectif manqué",
        "Objectif hors trajectoire",
    ]
    assert set(kinds[3:]) == {"Niveau de service à risque", "Action en retard"}
    assert "Lignes rejetées" not in section  # info deviations are only counted
    credits = _visible(html.split('<section id="credits">', 1)[1].split("</section>")[0])
    assert "Outokia Customer Care 1 1 non 1\u202f680,00\u00a0€" in credits
    assert "Total 1\u202f680,00\u00a0€" in credits


def test_partner_report_shows_only_that_partner(
    quarterly_model: ReviewModel, settings: Settings
) -> None:
    html = render_partner_html(quarterly_model, settings, NORDIC, "en")
    text = _visible(html)
    assert "Nordic Back Office" in text
    assert "Outokia" not in text and "Storm outage" not in text
    assert "Sustained trend" in text  # an improvement signal is good news
