"""Who receives which run, in which language, with which report files."""

from __future__ import annotations

import dataclasses

from partner_review.delivery.routing import attachment_names, plan_routes, report_file


def test_nightly_goes_to_stakeholders_with_nightly_reports_only(settings):
    routes = plan_routes(settings, "nightly")

    assert [(r.email, r.language, r.partner_ids, r.on_change) for r in routes] == [
        ("claire.martin@acme.example", "fr", ("NORDIC-HELP", "OUTOKIA-CX"), True),
        ("james.porter@acme.example", "en", ("OUTOKIA-CX",), False),
    ]


def test_quarterly_routes_use_organisation_language_when_none_is_set(settings):
    routes = plan_routes(settings, "quarterly")

    assert [(r.email, r.language, r.on_change) for r in routes] == [
        ("claire.martin@acme.example", "fr", False),
        ("james.porter@acme.example", "en", False),
        ("aino.virtanen@outokia.example", "en", False),
    ]


def test_report_files_carry_the_language_unless_it_is_the_organisation_one(settings):
    assert report_file("OUTOKIA-CX", "en", settings) == "OUTOKIA-CX.pdf"
    assert report_file("OUTOKIA-CX", "fr", settings) == "OUTOKIA-CX.fr.pdf"
    assert report_file("portfolio", "fr", settings) == "portfolio.fr.pdf"


def test_nightly_attaches_the_portfolio_or_the_single_partner_report(settings):
    claire, james = plan_routes(settings, "nightly")

    assert attachment_names(claire, "nightly", settings) == ["portfolio.fr.pdf"]
    assert attachment_names(james, "nightly", settings) == ["OUTOKIA-CX.pdf"]
    assert attachment_names(claire, "quarterly", settings) == [
        "NORDIC-HELP.fr.pdf",
        "OUTOKIA-CX.fr.pdf",
    ]


def test_star_follower_of_a_one_partner_organisation_gets_that_partner_report(settings):
    single = dataclasses.replace(settings, partners={"OUTOKIA-CX": settings.partners["OUTOKIA-CX"]})

    claire = plan_routes(single, "nightly")[0]

    assert claire.partner_ids == ("OUTOKIA-CX",)
    assert attachment_names(claire, "nightly", single) == ["OUTOKIA-CX.fr.pdf"]
