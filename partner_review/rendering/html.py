"""Self-contained HTML reports: one partner, the portfolio (SPEC §6).

Templates live in ``templates/``; every label goes through Jinja2's i18n
extension, and autoescaping is on for every template, so HTML in a partner
name, a KPI name or a comment shows as text. The output has its CSS and
charts inline, no script and no reference to any other file or host.
"""

from __future__ import annotations

from partner_review.rendering.partner_view import partner_view
from partner_review.rendering.portfolio_view import portfolio_view
from partner_review.rendering.templates import render_template
from partner_review.settings import Settings
from transforms.model import ReviewModel


def render_partner_html(
    model: ReviewModel, settings: Settings, partner_id: str, language: str
) -> str:
    """One partner's report: the QBR pack (quarterly) or the operational digest (nightly)."""
    return render_template(
        "partner.html.j2", language, partner_view(model, settings, partner_id, language)
    )


def render_portfolio_html(model: ReviewModel, settings: Settings, language: str) -> str:
    """Every partner at a glance: status grid, worst deviations first, credit totals."""
    return render_template("portfolio.html.j2", language, portfolio_view(model, settings, language))
