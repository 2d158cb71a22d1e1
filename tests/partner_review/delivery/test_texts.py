"""Every email sentence exists in each language."""

from __future__ import annotations

from partner_review.delivery.texts import counted, keys, translation


def test_every_sentence_has_an_english_and_a_french_version():
    missing = [(k, lang) for k in keys() for lang in ("en", "fr") if not translation(k, lang)]

    assert missing == []


def test_french_takes_the_singular_for_zero_and_one():
    assert counted("status_breach", 0, "fr", "0") == "0 manquement"
    assert counted("status_breach", 2, "fr", "2") == "2 manquements"
    assert counted("status_breach", 0, "en", "0") == "0 breaches"
    assert counted("status_breach", 1, "en", "1") == "1 breach"
