"""Values, counts and names written for an email in the stakeholder's locale."""

from __future__ import annotations

from partner_review.delivery.formats import format_size, format_value, single_line


def test_single_line_removes_every_kind_of_line_break():
    assert single_line("a\r\nb\nc\rd\x0be\u2028f\x00g  h") == "a b c d e f g h"


def test_values_are_formatted_for_the_stakeholder_locale(settings):
    sl = settings.kpi("service_level")
    aht = settings.kpi("average_handling_time")
    cost = settings.kpi("cost_per_contact")

    assert format_value(74.24, sl, "EUR", "en") == "74.2%"
    assert format_value(74.24, sl, "EUR", "fr") == "74,2\xa0%"
    assert format_value(1380.4, aht, "EUR", "en") == "1,380 s"
    assert format_value(1380.4, aht, "EUR", "fr") == "1\u202f380 s"
    assert format_value(4.8, cost, "EUR", "fr") == "4,80\xa0€"
    assert format_value(4.8, cost, "EUR", "en") == "€4.80"


def test_sizes_are_whole_kilobytes_in_the_locale_unit():
    assert format_size(90_112, "en") == "88 KB"
    assert format_size(1_500_000, "fr") == "1\u202f465 Ko"
    assert format_size(10, "en") == "1 KB"
