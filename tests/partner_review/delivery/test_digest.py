"""Subjects, status phrases, change sets and locale formatting of the email body."""

from __future__ import annotations

import dataclasses

from partner_review.delivery.digest import (
    compare_sets,
    compose_view,
    status_phrase,
    subject_line,
)
from partner_review.delivery.routing import plan_routes
from partner_review.delivery.tables import Deviation, RunTables


def _tables(*rows: list[str]) -> RunTables:
    return RunTables(tuple(Deviation(*row) for row in rows), ())


def test_status_counts_partner_kpi_pairs_in_breach_not_periods(kit):
    # the same KPI in breach in two months of a quarter is one breach
    second_month = [*kit.BREACH[:3], "2026-09", *kit.BREACH[4:]]
    tables = _tables(kit.BREACH, second_month, kit.AT_RISK)

    assert status_phrase(tables, "en") == "1 breach"
    assert status_phrase(tables, "fr") == "1 manquement"


def test_status_falls_back_to_critical_then_warnings_then_clear(kit):
    missed = ["OUTOKIA-CX", "cost_per_contact", "OBJ-1", "2026-09", "objective_missed"]
    assert status_phrase(_tables([*missed, "critical", "m"]), "en") == "1 critical deviation"
    assert status_phrase(_tables(kit.AT_RISK, kit.AHT_RISK), "en") == "2 warnings"
    assert status_phrase(_tables(kit.AT_RISK, kit.AHT_RISK), "fr") == "2 alertes"
    assert status_phrase(_tables(kit.REJECTED), "en") == "no deviations"


def test_subject_names_the_partner_or_counts_partners(settings, kit):
    claire, james = plan_routes(settings, "quarterly")[:2]
    tables = _tables(kit.BREACH, kit.AT_RISK)

    assert subject_line(settings, james, "quarterly", "2026-Q3", tables, False) == (
        "[Partner Review] QBR 2026-Q3 — Outokia Customer Care: 1 breach"
    )
    assert subject_line(settings, claire, "nightly", "2026-11-27", tables, True) == (
        "[Partner Review] Quotidien 2026-11-27 — 2 partenaires : 1 manquement (mise à jour)"
    )


def test_hostile_partner_name_stays_on_one_line_in_the_subject(settings, kit):
    partner = settings.partners["OUTOKIA-CX"].model_copy(
        update={"name": "Evil\r\nBcc: victim@evil.example\n\tCorp"}
    )
    hostile = dataclasses.replace(settings, partners={**settings.partners, "OUTOKIA-CX": partner})
    james = plan_routes(hostile, "nightly")[1]

    subject = subject_line(hostile, james, "nightly", "2026-11-27", _tables(kit.BREACH), False)

    assert subject == (
        "[Partner Review] Nightly 2026-11-27 — Evil Bcc: victim@evil.example Corp: 1 breach"
    )


def test_compare_sets_first_time_and_changes():
    a, b, c = ("P", "k1", "sla_breach"), ("P", "k2", "sla_at_risk"), ("Q", "k1", "spc_shift")

    first = compare_sets(None, frozenset({a}))
    later = compare_sets(frozenset({a, b}), frozenset({b, c}))
    same = compare_sets(frozenset({a}), frozenset({a}))

    assert first.first and first.any
    assert later.appeared == frozenset({c})
    assert later.cleared == frozenset({a})
    assert not same.any
    # an empty set on a first run still differs (nothing was ever sent)
    assert compare_sets(None, frozenset()).any


def test_nightly_intro_writes_the_date_in_the_stakeholder_language(settings, kit):
    claire, james = plan_routes(settings, "nightly")
    tables = _tables(kit.BREACH)

    fr = compose_view(settings, claire, "nightly", "2026-11-27", tables, None, [])
    en = compose_view(settings, james, "nightly", "2026-11-27", tables, None, [])

    assert "27 novembre 2026" in fr["intro"]
    assert "November 27, 2026" in en["intro"]


def test_top_deviations_are_worst_first_and_capped_at_ten(settings, kit):
    claire = plan_routes(settings, "nightly")[0]
    warnings = [
        ["NORDIC-HELP", "service_level", "", f"2026-{m:02d}", "spc_trend", "warning", "t"]
        for m in range(1, 12)
    ]
    tables = _tables(*warnings, kit.BREACH)

    view = compose_view(settings, claire, "nightly", "2026-11-27", tables, None, [])

    assert len(view["top"]) == 10
    assert view["top"][0]["severity"] == "critical"
    assert view["more"] == "… et 2 autres dans le rapport joint."


def test_partner_lines_count_statuses_of_the_headline_period(settings, kit):
    claire = plan_routes(settings, "quarterly")[0]
    scorecard = (
        ["OUTOKIA-CX", "service_level", "2026-Q3", "74", "80", "75", "breach", "", "", "3"],
        ["OUTOKIA-CX", "average_handling_time", "2026-Q3", "350", "360", "420", "met", "", "", "3"],
        ["OUTOKIA-CX", "cost_per_contact", "2026-Q3", "4.1", "", "", "no_target", "", "", "3"],
        ["OUTOKIA-CX", "service_level", "2026-09", "70", "80", "75", "breach", "", "", "1"],
        ["NORDIC-HELP", "service_level", "2026-Q3", "", "85", "80", "no_target", "", "", "0"],
    )
    from partner_review.delivery.tables import ScoreRow

    rows = tuple(
        ScoreRow(r[0], r[1], r[2], float(r[3]) if r[3] else None, None, None, r[6])
        for r in scorecard
    )

    view = compose_view(settings, claire, "quarterly", "2026-Q3", RunTables((), rows), None, [])

    assert [(p["name"], p["summary"], p["worst"]) for p in view["partners"]] == [
        ("Nordic Helpdesk", "aucun niveau de service évalué", ""),
        ("Outokia Customer Care", "1 en manquement, 1 atteint", "breach"),
    ]
