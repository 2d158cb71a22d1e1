from __future__ import annotations

from datetime import date

import pandas as pd

from transforms.freshness import assess_freshness


def rows(*items: tuple[str, str, str, str]) -> pd.DataFrame:
    """(partner, kpi, period_start, period_end) rows."""
    return pd.DataFrame(
        [
            {
                "partner_id": p,
                "kpi_id": k,
                "period_start": pd.Timestamp(s),
                "period_end": pd.Timestamp(e),
            }
            for p, k, s, e in items
        ]
    )


def test_days_old_counts_from_the_latest_period_end_and_stale_is_strictly_above() -> None:
    fresh = assess_freshness(
        rows(
            ("P1", "sl", "2026-11-01", "2026-11-23"),  # 4 days old on 27 Nov: stale (> 3)
            ("P1", "sl", "2026-11-01", "2026-11-20"),
            ("P1", "aht", "2026-11-24", "2026-11-24"),  # 3 days old: not stale
            ("P2", "sl", "2026-10-01", "2026-10-31"),  # 27 days old
        ),
        date(2026, 11, 27),
        3,
    )
    assert fresh.to_dict("records") == [
        {
            "partner_id": "P1",
            "kpi_id": "aht",
            "latest_period_end": pd.Timestamp("2026-11-24"),
            "days_old": 3,
            "stale": False,
        },
        {
            "partner_id": "P1",
            "kpi_id": "sl",
            "latest_period_end": pd.Timestamp("2026-11-23"),
            "days_old": 4,
            "stale": True,
        },
        {
            "partner_id": "P2",
            "kpi_id": "sl",
            "latest_period_end": pd.Timestamp("2026-10-31"),
            "days_old": 27,
            "stale": True,
        },
    ]


def test_rows_starting_after_as_of_are_not_seen_and_whole_month_rows_are_fresh() -> None:
    fresh = assess_freshness(
        rows(
            ("P1", "sl", "2026-11-01", "2026-11-30"),  # whole November, delivered early
            ("P1", "aht", "2026-10-01", "2026-10-01"),
            ("P1", "aht", "2026-12-01", "2026-12-01"),  # after as_of: ignored
        ),
        date(2026, 11, 27),
        3,
    )
    assert list(fresh["days_old"]) == [57, -3]
    assert list(fresh["stale"]) == [True, False]


def test_category_keys_with_unused_labels_give_the_same_rows_as_text_keys() -> None:
    text = rows(
        ("P2", "sl", "2026-11-01", "2026-11-20"),
        ("P1", "sl", "2026-11-01", "2026-11-23"),
        ("P1", "aht", "2026-11-02", "2026-11-02"),
    )
    coded = text.astype({"partner_id": "category", "kpi_id": "category"})
    coded["partner_id"] = coded["partner_id"].cat.add_categories(["P0"])
    expected = assess_freshness(text, date(2026, 11, 27), 3)
    pd.testing.assert_frame_equal(assess_freshness(coded, date(2026, 11, 27), 3), expected)
    assert list(expected["partner_id"]) == ["P1", "P1", "P2"]
    assert list(expected["kpi_id"]) == ["aht", "sl", "sl"]
