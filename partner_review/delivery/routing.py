"""Who receives which run, for which partners, in which language, with which PDFs.

One route per stakeholder and run: a stakeholder gets one email per run, never
one per partner. Partners are taken in id order so attachments and the body
list them the same way every night.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from partner_review.paths import PORTFOLIO
from partner_review.settings import Settings

RunKind = Literal["nightly", "quarterly"]


@dataclass(frozen=True)
class Route:
    """One stakeholder's email for one run."""

    name: str
    email: str
    language: str
    partner_ids: tuple[str, ...]
    all_partners: bool  # follows "*": also sees deviations tied to no partner (rejected rows)
    on_change: bool  # nightly only when the deviation set differs from the last one sent

    @property
    def partner_set(self) -> frozenset[str]:
        return frozenset(self.partner_ids)


def plan_routes(settings: Settings, kind: RunKind) -> list[Route]:
    """Every stakeholder who receives ``kind`` runs, in config order."""
    routes = []
    default_language = settings.config.organisation.language
    for person in settings.config.stakeholders:
        if kind not in person.reports:
            continue
        partner_ids = tuple(pid for pid in sorted(settings.partners) if person.follows(pid))
        if not partner_ids:
            continue
        routes.append(
            Route(
                name=person.name,
                email=person.email,
                language=person.language or default_language,
                partner_ids=partner_ids,
                all_partners="*" in person.partners,
                on_change=kind == "nightly" and person.nightly == "on_change",
            )
        )
    return routes


def report_file(subject: str, language: str, settings: Settings) -> str:
    """``OUTOKIA-CX.pdf`` in organisation.language, ``OUTOKIA-CX.fr.pdf`` in another."""
    if language == settings.config.organisation.language:
        return f"{subject}.pdf"
    return f"{subject}.{language}.pdf"


def attachment_names(route: Route, kind: RunKind, settings: Settings) -> list[str]:
    """The PDFs this route's email carries.

    Nightly: the portfolio in the stakeholder's language, or the partner's own
    report when the stakeholder follows exactly one partner. Quarterly: the QBR
    pack of each partner followed.
    """
    if kind == "nightly" and len(route.partner_ids) != 1:
        return [report_file(PORTFOLIO, route.language, settings)]
    return [report_file(pid, route.language, settings) for pid in route.partner_ids]
