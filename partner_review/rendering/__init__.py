"""Reports people want to read: HTML and PDF, per partner and portfolio, in English and French.

Public API (small picklable arguments; safe to call in a worker process):

* :func:`render_partner_html` (model, settings, partner_id, language) -> str
* :func:`render_portfolio_html` (model, settings, language) -> str
* :func:`write_pdf` (html, target) -> page count
* :func:`render_index_html` (outputs_root) -> str
* :func:`report_languages` (settings) and :func:`report_file_name` (subject, language, settings)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from partner_review.rendering.html import render_partner_html, render_portfolio_html
    from partner_review.rendering.i18n import report_file_name, report_languages
    from partner_review.rendering.index import render_index_html
    from partner_review.rendering.pdf import write_pdf

# imported on first use: the index alone needs neither the charts nor WeasyPrint
_HOMES = {
    "render_partner_html": "html",
    "render_portfolio_html": "html",
    "report_file_name": "i18n",
    "report_languages": "i18n",
    "render_index_html": "index",
    "write_pdf": "pdf",
}

__all__ = [
    "render_index_html",
    "render_partner_html",
    "render_portfolio_html",
    "report_file_name",
    "report_languages",
    "write_pdf",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
