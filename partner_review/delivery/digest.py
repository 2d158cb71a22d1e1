"""What one stakeholder's email says: status, top deviations, what changed, what is attached.

Everything is formatted here (Babel, in the stakeholder's language) into a
plain view that the email templates only lay out. Only data that decides the
content goes in: no clock, no file time, so the same run gives the same body.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from partner_review.delivery.formats import (
    format_count,
    format_run_date,
    format_size,
    format_value,
    single_line,
)
from partner_review.delivery.routing import Route, RunKind
from partner_review.delivery.tables import Deviation, RunTables, ScoreRow
from partner_review.delivery.texts import counted, kind_label, text
from partner_review.settings import Settings

DeviationKey = tuple[str, str, str]
TOP_DEVIATIONS = 10
_SCORE_KINDS = frozenset({"sla_breach", "sla_at_risk", "insufficient_volume"})
# no_target is left out of the one-line summary: a KPI without a service level is not news
_SCORE_STATUSES = ("breach", "at_risk", "met", "insufficient_volume", "no_data")


@dataclass(frozen=True)
class Changes:
    """The deviation set against the one last sent to the same stakeholder."""

    appeared: frozenset[DeviationKey]
    cleared: frozenset[DeviationKey]
    first: bool  # nothing was sent to this stakeholder before

    @property
    def any(self) -> bool:
        return self.first or bool(self.appeared or self.cleared)


@dataclass(frozen=True)
class AttachmentNote:
    """A report of the email: attached with its size, or missing with the reason."""

    name: str
    size: int | None
    reason: str | None = None


def deviation_set(tables: RunTables) -> frozenset[DeviationKey]:
    """The (partner, KPI, kind) triples of the deviations, whatever their period."""
    return frozenset(d.key for d in tables.deviations)


def compare_sets(
    previous: frozenset[DeviationKey] | None, current: frozenset[DeviationKey]
) -> Changes:
    if previous is None:
        return Changes(current, frozenset(), True)
    return Changes(current - previous, previous - current, False)


def status_phrase(tables: RunTables, language: str) -> str:
    """``2 breaches``: (partner, KPI) pairs in breach, else critical, else warning deviations."""
    breaches = {(d.partner_id, d.kpi_id) for d in tables.deviations if d.kind == "sla_breach"}
    critical = sum(d.severity == "critical" for d in tables.deviations)
    warnings = sum(d.severity == "warning" for d in tables.deviations)
    for key, n in (("status_breach", len(breaches)), ("status_critical", critical)):
        if n:
            return counted(key, n, language, format_count(n, language))
    if warnings:
        return counted("status_warning", warnings, language, format_count(warnings, language))
    return text("status_clear", language)


def scope_label(route: Route, settings: Settings) -> str:
    """The partner's name when the stakeholder follows one, else ``N partners``."""
    if len(route.partner_ids) == 1:
        return single_line(settings.partners[route.partner_ids[0]].name)
    n = len(route.partner_ids)
    return text("partners_n", route.language, n=format_count(n, route.language))


def subject_line(
    settings: Settings,
    route: Route,
    kind: RunKind,
    label: str,
    tables: RunTables,
    updated: bool,
) -> str:
    """``[Partner Review] QBR 2026-Q3 — Outokia Customer Care: 2 breaches``, on one line."""
    lang = route.language
    run_word = text(f"run_{kind}", lang)
    subject = (
        f"{settings.config.delivery.subject_prefix} {run_word} {label} — "
        f"{scope_label(route, settings)}{text('colon', lang)}{status_phrase(tables, lang)}"
    )
    if updated:
        subject += f" {text('updated', lang)}"
    return single_line(subject)


def compose_view(
    settings: Settings,
    route: Route,
    kind: RunKind,
    label: str,
    tables: RunTables,
    changes: Changes | None,
    attachments: list[AttachmentNote],
) -> dict[str, Any]:
    """Everything the email templates show, already worded and formatted."""
    lang = route.language
    scope = scope_label(route, settings)
    if kind == "nightly":
        intro = text("intro_nightly", lang, date=format_run_date(label, lang), scope=scope)
    else:
        intro = text("intro_quarterly", lang, quarter=label, scope=scope)
    ranked = sorted(tables.deviations, key=Deviation.rank)
    return {
        "language": lang,
        "colon": text("colon", lang),
        "subject_status": status_phrase(tables, lang),
        "greeting": text("greeting", lang, name=single_line(route.name)),
        "intro": intro,
        "headings": {
            key: text(f"heading_{key}", lang)
            for key in ("status", "top", "appeared", "cleared", "attached")
        },
        "partners": _partner_lines(settings, route, kind, label, tables),
        "top": [_deviation_line(settings, d, tables, lang) for d in ranked[:TOP_DEVIATIONS]],
        "none": text("none_deviation", lang) if not ranked else "",
        "more": (
            text("more_deviations", lang, n=format_count(len(ranked) - TOP_DEVIATIONS, lang))
            if len(ranked) > TOP_DEVIATIONS
            else ""
        ),
        "changes": _change_view(settings, changes, lang),
        "attached": [
            f"{a.name} ({format_size(a.size, lang)})" for a in attachments if a.size is not None
        ],
        "missing": [
            text("missing_attachment", lang, file=a.name, reason=single_line(a.reason or ""))
            for a in attachments
            if a.size is None
        ],
        "nothing_attached": text("nothing_attached", lang),
        "footer": text("footer", lang, organisation=single_line(settings.config.organisation.name)),
    }


def _headline_period(kind: RunKind, label: str, rows: tuple[ScoreRow, ...]) -> str | None:
    """Quarterly: the quarter. Nightly: the last complete month (the earlier of the two)."""
    if kind == "quarterly":
        return label
    months = sorted({r.period for r in rows})
    return months[0] if months else None


def _partner_lines(
    settings: Settings, route: Route, kind: RunKind, label: str, tables: RunTables
) -> list[dict[str, str]]:
    period = _headline_period(kind, label, tables.scorecard)
    lines = []
    for pid in route.partner_ids:
        statuses = Counter(
            r.status for r in tables.scorecard if r.partner_id == pid and r.period == period
        )
        parts = [
            _status_count(s, statuses[s], route.language) for s in _SCORE_STATUSES if statuses[s]
        ]
        summary = ", ".join(parts) if parts else text("no_rows", route.language)
        lines.append(
            {
                "name": single_line(settings.partners[pid].name),
                "period": period or "",
                "summary": summary,
                "worst": "breach"
                if statuses["breach"]
                else "at_risk"
                if statuses["at_risk"]
                else "",
            }
        )
    return lines


def _status_count(status: str, n: int, lang: str) -> str:
    if status == "met":
        return counted("sc_met", n, lang, format_count(n, lang))
    return text(f"sc_{status}", lang, n=format_count(n, lang))


def _deviation_line(
    settings: Settings, dev: Deviation, tables: RunTables, lang: str
) -> dict[str, str]:
    partner = settings.partners.get(dev.partner_id)
    kpi = settings.kpis.get(dev.kpi_id)
    detail = ""
    if dev.kind in _SCORE_KINDS and kpi is not None and partner is not None:
        row = next(
            (
                r
                for r in tables.scorecard
                if (r.partner_id, r.kpi_id, r.period) == (dev.partner_id, dev.kpi_id, dev.period)
            ),
            None,
        )
        if row is not None and row.actual is not None and row.expected is not None:
            currency = partner.currency or settings.config.organisation.currency
            detail = text(
                "actual_vs",
                lang,
                actual=format_value(row.actual, kpi, currency, lang),
                expected=format_value(row.expected, kpi, currency, lang),
            )
    return {
        "severity": dev.severity,
        "severity_label": text(f"sev_{dev.severity}", lang)
        if dev.severity in ("critical", "warning", "info")
        else dev.severity,
        "kind": kind_label(dev.kind, lang),
        "partner": single_line(partner.name) if partner else "",
        "kpi": single_line(kpi.name.get(lang)) if kpi else "",
        "period": dev.period,
        "detail": detail or single_line(dev.message),
    }


def _change_view(settings: Settings, changes: Changes | None, lang: str) -> dict[str, Any]:
    if changes is None:
        return {"shown": False}

    def describe(keys: frozenset[DeviationKey]) -> list[str]:
        return sorted(_describe_key(settings, key, lang) for key in keys)

    return {
        "shown": True,
        "first": text("first_email", lang) if changes.first else "",
        "appeared": [] if changes.first else describe(changes.appeared),
        "cleared": describe(changes.cleared),
        "none": text("no_change", lang) if not changes.any else "",
    }


def _describe_key(settings: Settings, key: DeviationKey, lang: str) -> str:
    pid, kpi_id, kind = key
    partner = settings.partners.get(pid)
    kpi = settings.kpis.get(kpi_id)
    where = [single_line(partner.name) if partner else pid, kpi.name.get(lang) if kpi else kpi_id]
    return f"{' — '.join(w for w in where if w)}{text('colon', lang)}{kind_label(kind, lang)}"
