"""The Jinja2 environment of the reports, the index and the emails' report parts.

Kept apart from the report views (pandas, charts) so that a run which only
writes the index (a rerun that kept its pack) does not import the renderer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from partner_review.paths import TEMPLATES_DIR
from partner_review.rendering.i18n import translations


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
    env.globals["look"] = _look
    return env


def render_template(name: str, language: str, view: dict[str, Any]) -> str:
    return environment(language).get_template(name).render(**view)


def _look(status: str) -> tuple[str, str]:
    """views.look, imported when a template first asks for it (the reports, not the index)."""
    from partner_review.rendering.views import look

    return look(status)
