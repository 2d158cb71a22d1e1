"""Self-contained HTML reports: one partner, the portfolio (SPEC §6).

Templates live in ``templates/``; every label goes through Jinja2's i18n
extension, and autoescaping is on for every template, so HTML in a partner
name, a KPI name or a comment shows as text. The output has its CSS and
charts inline, no script and no reference to any other file or host.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from partner_review.paths import TEMPLATES_DIR
from partner_review.rendering.i18n import translations
from partner_review.rendering.partner_view import partner_view
from partner_review.rendering.portfolio_view import portfolio_view
from partner_review.rendering.views import look
from partner_review.settings import Settings
from transforms.model import ReviewModel


@lru_cache(maxsize=4)
def environment(language: str) -> Environment:
    """The template environment of one language (created once per process)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["look"] = look
    return env


def render_template(name: str, language: str, view: dict[str, Any]) -> str:
    return environment(language).get_template(name).render(**view)


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
