"""Report languages, file names and the French catalog."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from partner_review.paths import TEMPLATES_DIR
from partner_review.rendering import report_file_name, report_languages
from partner_review.rendering.i18n import catalog_path, translations
from partner_review.settings import Settings


def test_languages_are_the_organisations_first_then_each_stakeholders(
    settings: Settings,
) -> None:
    assert report_languages(settings) == ["en", "fr"]


def test_a_french_organisation_lists_french_first(settings: Settings) -> None:
    organisation = settings.config.organisation.model_copy(update={"language": "fr"})
    config = settings.config.model_copy(update={"organisation": organisation})
    french = dataclasses.replace(settings, config=config)
    assert report_languages(french) == ["fr", "en"]


def test_file_name_has_a_language_suffix_only_outside_the_organisation_language(
    settings: Settings,
) -> None:
    assert report_file_name("OUTOKIA-CX", "en", settings) == "OUTOKIA-CX"
    assert report_file_name("OUTOKIA-CX", "fr", settings) == "OUTOKIA-CX.fr"
    assert report_file_name("portfolio", "fr", settings) == "portfolio.fr"


def test_french_catalog_is_compiled_at_run_time() -> None:
    french = translations("fr")
    assert french.gettext("Breach") == "Manquement"
    plural = french.ngettext(
        "%(num)s credit can still be earned back", "%(num)s credits can still be earned back", 2
    )
    assert plural == "%(num)s pénalités peuvent encore être récupérées"


def _template_messages() -> set[str]:
    found = set()
    for path in sorted(TEMPLATES_DIR.glob("*.j2")):
        with path.open("rb") as handle:
            for _line, _func, message, _comments in babel_extract(
                handle, ["_", "gettext", "ngettext"], [], {"trim_blocks": "true"}
            ):
                found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_template_label_has_a_french_translation() -> None:
    with Path(catalog_path("fr")).open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = _template_messages() - translated
    assert not missing, f"add to the French .po: {sorted(missing)}"
