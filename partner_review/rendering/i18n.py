"""Report languages, report file names and the message catalogs.

English is the source language of every label (the msgids); French labels
live in ``partner_review/locales/fr/LC_MESSAGES/messages.po``, compiled in
memory with Babel the first time a process needs them — there is no build
step to remember, and editing the .po takes effect on the next run.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from partner_review.settings import Settings

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def report_languages(settings: Settings) -> list[str]:
    """organisation.language first, then each other language a stakeholder reads."""
    first = settings.config.organisation.language
    languages: list[str] = [first]
    for person in settings.config.stakeholders:
        if person.language and person.language not in languages:
            languages.append(person.language)
    return languages


def report_file_name(subject: str, language: str, settings: Settings) -> str:
    """The report's file stem: ``OUTOKIA-CX`` in the organisation language, else ``OUTOKIA-CX.fr``.

    ``subject`` is a partner id or ``portfolio``; add ``.html`` or ``.pdf``.
    """
    if language == settings.config.organisation.language:
        return subject
    return f"{subject}.{language}"


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language``; English (the msgids) needs none."""
    path = catalog_path(language)
    if language == "en" or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)  # plural rule from the .po header
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
