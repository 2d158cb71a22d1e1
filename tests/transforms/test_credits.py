from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import schemas
from transforms.credits import DuplicatePartnerRule, assess_credits, chronic_breaches

M = pd.Period


def partners(
    cap: float | None = 12.0,
    earnback: int = 3,
    chronic: tuple[int, int] | None = (3, 6),
    fee: float = 42000.0,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "partner_id": "P1",
                "name": "Partner one",
                "currency": "EUR",
                "monthly_fee": fee,
                "contract_start": pd.Timestamp("2025-01-01"),
                "contract_end": pd.Timestamp("2027-12-31"),
                "credit_cap_pct": cap,
                "earnback_months": earnback,
                "chronic_breaches": chronic[0] if chronic else None,
                "chronic_window_months": chronic[1] if chronic else None,
            }
        ]
    )
    return schemas.PartnerCatalog.validate(frame)


def monthly(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    """(kpi, month, status, credit_pct) rows of partner P1."""
    return pd.DataFrame(
        [
            {"partner_id": "P1", "kpi_id": k, "period": m, "status": s, "credit_pct": c}
            for k, m, s, c in rows
        ],
        columns=["partner_id", "kpi_id", "period", "status", "credit_pct"],
    )


def credits_for(statuses: pd.DataFrame, catalog: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    periods = [M(m, "M") for m in months]
    chronic = chronic_breaches(statuses, catalog, periods)
    return assess_credits(statuses, catalog, periods, chronic)


def test_each_kpi_in_breach_owes_credit_pct_of_the_monthly_fee() -> None:
    statuses = monthly(
        ("sl", "2026-07", "breach", 4.0),
        ("fcr", "2026-07", "at_risk", 3.0),
        ("aht", "2026-07", "breach", 2.0),
    )
    credits = credits_for(statuses, partners(earnback=0), ["2026-07"])
    assert list(credits["kpi_id"]) == ["aht", "sl"]
    assert list(credits["credit_amount"]) == [840.0, 1680.0]  # 2 % and 4 % of 42 000
    assert list(credits["credit_pct"]) == [2.0, 4.0]
    assert list(credits["capped"]) == [False, False]
    assert list(credits["earnback"]) == ["confirmed", "confirmed"]
    assert set(credits["currency"]) == {"EUR"}
    columns = list(schemas.CreditsCsv.to_schema().columns)
    schemas.CreditsCsv.validate(credits[columns])


def test_cap_that_binds_scales_every_credit_by_the_same_factor() -> None:
    statuses = monthly(
        ("sl", "2026-07", "breach", 4.0),  # 1680
        ("fcr", "2026-07", "breach", 3.0),  # 1260
        ("aht", "2026-07", "breach", 2.0),  # 840   total 3780
    )
    credits = credits_for(statuses, partners(cap=5.0, earnback=0), ["2026-07"])
    # cap 5 % × 42 000 = 2100; factor 2100 / 3780 = 0.5556
    amounts = dict(zip(credits["kpi_id"], credits["credit_amount"], strict=True))
    assert amounts["sl"] == pytest.approx(933.3333333333334)
    assert amounts["fcr"] == pytest.approx(700.0)
    assert amounts["aht"] == pytest.approx(466.6666666666667)
    assert sum(amounts.values()) == pytest.approx(2100.0)
    assert list(credits["capped"]) == [True, True, True]
    assert list(credits["credit_pct"]) == [2.0, 3.0, 4.0]  # the contract terms, not scaled


def test_total_exactly_at_the_cap_is_not_capped() -> None:
    statuses = monthly(("sl", "2026-07", "breach", 4.0), ("fcr", "2026-07", "breach", 5.0))
    credits = credits_for(statuses, partners(cap=9.0, earnback=0), ["2026-07"])
    assert list(credits["credit_amount"]) == [2100.0, 1680.0]  # fcr, sl; total 3780 = cap
    assert list(credits["capped"]) == [False, False]


def test_no_cap_configured_means_no_scaling() -> None:
    statuses = monthly(("sl", "2026-07", "breach", 60.0), ("fcr", "2026-07", "breach", 50.0))
    credits = credits_for(statuses, partners(cap=None, earnback=0), ["2026-07"])
    assert list(credits["credit_amount"]) == [21000.0, 25200.0]
    assert not credits["capped"].any()


def test_cap_is_per_month() -> None:
    statuses = monthly(
        ("sl", "2026-07", "breach", 4.0),
        ("fcr", "2026-07", "breach", 3.0),
        ("sl", "2026-08", "breach", 4.0),
    )
    credits = credits_for(statuses, partners(cap=6.0, earnback=0), ["2026-07", "2026-08"])
    by_key = {
        (k, p): (a, c)
        for k, p, a, c in zip(
            credits["kpi_id"],
            credits["period"],
            credits["credit_amount"],
            credits["capped"],
            strict=True,
        )
    }
    # July: 1680 + 1260 = 2940 > 2520 -> × 2520/2940; August: 1680 alone, under the cap
    assert by_key[("sl", "2026-07")][0] == pytest.approx(1440.0)
    assert by_key[("fcr", "2026-07")][0] == pytest.approx(1080.0)
    assert by_key[("sl", "2026-08")] == (1680.0, False)


def test_earnback_earned_when_the_next_n_months_are_all_met() -> None:
    statuses = monthly(
        ("sl", "2026-07", "breach", 4.0),
        ("sl", "2026-08", "met", 4.0),
        ("sl", "2026-09", "met", 4.0),
        ("sl", "2026-10", "met", 4.0),
    )
    credits = credits_for(statuses, partners(), ["2026-07", "2026-08", "2026-09", "2026-10"])
    assert list(credits["earnback"]) == ["earned_back"]


def test_earnback_pending_while_the_following_months_are_met_so_far() -> None:
    statuses = monthly(
        ("sl", "2026-07", "breach", 4.0),
        ("sl", "2026-08", "met", 4.0),
        ("sl", "2026-09", "met", 4.0),
        ("sl", "2026-10", "breach", 4.0),  # after the assessed month: not looked at
    )
    credits = credits_for(statuses, partners(), ["2026-07", "2026-08", "2026-09"])
    assert list(credits["earnback"]) == ["pending"]


@pytest.mark.parametrize("second", ["at_risk", "breach", "no_data", "insufficient_volume", None])
def test_earnback_confirmed_as_soon_as_one_following_month_is_not_met(second: str | None) -> None:
    rows = [("sl", "2026-07", "breach", 4.0), ("sl", "2026-08", "met", 4.0)]
    if second is not None:  # None: no status row at all for September
        rows.append(("sl", "2026-09", second, 4.0))
    credits = credits_for(monthly(*rows), partners(), ["2026-07", "2026-08", "2026-09"])
    july = credits[credits["period"] == "2026-07"]
    assert list(july["earnback"]) == ["confirmed"]


def test_earnback_zero_months_is_confirmed_at_once() -> None:
    credits = credits_for(
        monthly(("sl", "2026-09", "breach", 4.0)), partners(earnback=0), ["2026-09"]
    )
    assert list(credits["earnback"]) == ["confirmed"]


def test_chronic_breach_on_exactly_the_threshold() -> None:
    statuses = monthly(
        ("sl", "2026-02", "breach", 4.0),
        ("sl", "2026-04", "breach", 4.0),
        ("sl", "2026-06", "met", 4.0),
        ("sl", "2026-07", "breach", 4.0),
        ("sl", "2026-08", "met", 4.0),
    )
    chronic = chronic_breaches(
        statuses, partners(), [M("2026-06", "M"), M("2026-07", "M"), M("2026-08", "M")]
    )
    # 2026-06: Jan..Jun holds 2 breaches; 2026-07: Feb..Jul holds 3 (= threshold);
    # 2026-08: Mar..Aug holds 2, though August itself is met the rule no longer holds.
    assert list(zip(chronic["period"], chronic["breaches"], strict=True)) == [("2026-07", 3)]
    assert chronic.iloc[0]["threshold"] == 3 and chronic.iloc[0]["window_months"] == 6


def test_chronic_holds_in_a_month_that_is_not_itself_in_breach() -> None:
    statuses = monthly(
        ("sl", "2026-03", "breach", 4.0),
        ("sl", "2026-04", "breach", 4.0),
        ("sl", "2026-05", "breach", 4.0),
        ("sl", "2026-06", "met", 4.0),
    )
    chronic = chronic_breaches(statuses, partners(), [M("2026-06", "M")])
    assert list(chronic["period"]) == ["2026-06"]


def test_no_chronic_rule_configured_means_no_chronic_breach() -> None:
    statuses = monthly(*(("sl", f"2026-0{m}", "breach", 4.0) for m in range(1, 7)))
    assert chronic_breaches(statuses, partners(chronic=None), [M("2026-06", "M")]).empty


def test_credit_row_carries_chronic_flag() -> None:
    statuses = monthly(*(("sl", f"2026-0{m}", "breach", 4.0) for m in (5, 6, 7)))
    credits = credits_for(statuses, partners(earnback=0), ["2026-06", "2026-07"])
    assert list(zip(credits["period"], credits["chronic"], strict=True)) == [
        ("2026-06", False),
        ("2026-07", True),
    ]


def test_no_breach_no_credit_rows() -> None:
    credits = credits_for(monthly(("sl", "2026-07", "met", 4.0)), partners(), ["2026-07"])
    assert credits.empty
    assert list(credits.columns)[:8] == list(schemas.CreditsCsv.to_schema().columns)


@settings(max_examples=80, deadline=None)
@given(
    pcts=st.lists(st.floats(min_value=0, max_value=50, allow_nan=False), min_size=1, max_size=6),
    fee=st.floats(min_value=1, max_value=1e7, allow_nan=False),
    cap_pct=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_capped_total_never_exceeds_the_cap(pcts: list[float], fee: float, cap_pct: float) -> None:
    statuses = monthly(*((f"k{i}", "2026-07", "breach", p) for i, p in enumerate(pcts)))
    credits = credits_for(statuses, partners(cap=cap_pct, earnback=0, fee=fee), ["2026-07"])
    cap = cap_pct * fee / 100
    assert credits["credit_amount"].sum() <= cap * (1 + 1e-12) + 1e-9
    uncapped = sum(p * fee / 100 for p in pcts)
    assert bool(credits["capped"].all()) == (uncapped > cap)
    assert (credits["credit_amount"] <= pd.Series(pcts) * fee / 100 * (1 + 1e-12)).all()


def test_chronic_rule_of_a_partner_listed_twice_is_refused() -> None:
    statuses = monthly(("sl", "2026-06", "breach", 4.0))
    twice = pd.concat([partners(), partners()], ignore_index=True)
    with pytest.raises(DuplicatePartnerRule):
        chronic_breaches(statuses, twice, [M("2026-06", "M")])


def test_chronic_months_come_back_in_month_order_whatever_order_they_are_asked_in() -> None:
    statuses = monthly(*(("sl", f"2026-0{m}", "breach", 4.0) for m in range(1, 8)))
    asked = [M("2026-07", "M"), M("2026-05", "M"), M("2026-06", "M")]
    chronic = chronic_breaches(statuses, partners(), asked)
    assert list(chronic["period"]) == ["2026-05", "2026-06", "2026-07"]
    assert list(chronic["breaches"]) == [5, 6, 6]
