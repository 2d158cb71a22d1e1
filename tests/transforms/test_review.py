from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from transforms import schemas
from transforms.credits import DuplicatePartnerRule
from transforms.model import Catalog, SourceData
from transforms.periods import RunSpec, nightly_run, parse_quarter, quarterly_run
from transforms.review import build_review, order_rows

Q3 = quarterly_run(parse_quarter("2026-Q3", 1))
NIGHTLY = nightly_run(date(2026, 10, 5))


def catalog() -> Catalog:
    kpis = pd.DataFrame(
        [
            ("sl", "Service level", "percent", "higher_is_better", "ratio", 100.0, 1, None),
            ("cpc", "Cost per contact", "currency", "lower_is_better", "ratio", 1.0, 2, None),
        ],
        columns=list(schemas.KpiCatalog.to_schema().columns),
    )
    partners = pd.DataFrame(
        [
            {
                "partner_id": "P1",
                "name": "Partner One",
                "currency": "EUR",
                "monthly_fee": 10000.0,
                "contract_start": pd.Timestamp("2025-01-01"),
                "contract_end": pd.Timestamp("2026-12-29"),  # 90 days after 2026-09-30
                "credit_cap_pct": None,
                "earnback_months": 1,
                "chronic_breaches": 2,
                "chronic_window_months": 3,
            }
        ]
    )
    levels = pd.DataFrame(
        [
            ("P1", "sl", 80.0, 75.0, 5.0, pd.Timestamp("2026-01-01"), None),
            ("P1", "sl", 85.0, 80.0, 5.0, pd.Timestamp("2026-07-15"), "CR-1"),
        ],
        columns=list(schemas.ServiceLevelCatalog.to_schema().columns),
    )
    objectives = pd.DataFrame(
        [
            {
                "objective_id": "OBJ-1",
                "partner_id": "P1",
                "kpi_id": "cpc",
                "title": "Cheaper contacts",
                "baseline_value": 5.0,
                "baseline_period": None,
                "target_value": 4.0,
                "target_change_pct": None,
                "start": pd.Timestamp("2026-01-01"),
                "deadline": pd.Timestamp("2026-12-31"),
                "tolerance_pct": 10.0,
                "owner": "Claire",
                "change": None,
            }
        ]
    )
    return Catalog(
        kpis=schemas.KpiCatalog.validate(kpis),
        partners=schemas.PartnerCatalog.validate(partners),
        service_levels=schemas.ServiceLevelCatalog.validate(levels),
        objectives=schemas.ObjectiveCatalog.validate(objectives),
        spc_window=24,
        spc_min_points=8,
        freshness_days=3,
    )


def observations() -> pd.DataFrame:
    rows = [
        ("sl", "2026-05-10", 70, 100),  # breach
        ("sl", "2026-06-10", 90, 100),  # met
        ("sl", "2026-07-10", 74, 100),  # breach (minimum 75)
        # August: no sl rows
        ("sl", "2026-09-10", 79, 100),  # breach (new minimum 80 from August)
        ("sl", "2026-10-02", 50, 100),  # breach, month to date on 2026-10-05
        ("cpc", "2026-07-10", 480, 100),  # 4.80
        ("cpc", "2026-09-20", 450, 100),  # 4.50
    ]
    frame = pd.DataFrame(
        [
            {
                "partner_id": "P1",
                "kpi_id": k,
                "period_start": pd.Timestamp(d),
                "period_end": pd.Timestamp(d),
                "month": d[:7],
                "numerator": float(n),
                "denominator": float(den),
                "value": None,
                "source": None,
                "note": None,
                "file": "observations/p1.csv",
                "line": i + 2,
                "origin": "observation",
            }
            for i, (k, d, n, den) in enumerate(rows)
        ]
    )
    return schemas.Observations.validate(frame)


def source(obs: pd.DataFrame | None = None) -> SourceData:
    def empty(model: type[schemas._Base]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in model.to_schema().columns})

    def day(text: str | None) -> pd.Timestamp | None:
        return pd.Timestamp(text) if text else None

    actions = pd.DataFrame(
        [
            ("A1", "open", "2026-09-01", None, "sl", None),  # overdue
            ("A2", "done", "2026-08-01", "2026-08-10", None, None),  # closed in Q3
            ("A3", "done", "2026-04-01", "2026-05-01", None, None),  # closed before Q3
            ("A4", "in_progress", "2026-12-01", None, None, "OBJ-1"),  # not yet due
        ],
        columns=["action_id", "status", "due_date", "closed_on", "kpi_id", "objective_id"],
    )
    actions = actions.assign(
        partner_id="P1",
        title="Fix it",
        owner="Jo",
        owner_side="partner",
        raised_on=pd.Timestamp("2026-04-01"),
        notes=None,
        due_date=[day(d) for d in actions["due_date"]],
        closed_on=[day(d) for d in actions["closed_on"]],
    )
    changes = pd.DataFrame(
        [
            ("CR-1", "approved", "2026-07-01"),
            ("CR-2", "proposed", None),
            ("CR-3", "approved", "2026-03-01"),
        ],
        columns=["change_id", "status", "decision_date"],
    ).assign(partner_id="P1", title="Change")
    changes["decision_date"] = [day(d) for d in changes["decision_date"]]
    comments = pd.DataFrame(
        [
            ("P1", "sl", "2026-07", "Jo", "partner", "Staff shortage"),
            ("P1", "sl", "2026-12", "Jo", "partner", "Later"),
        ],
        columns=["partner_id", "kpi_id", "period", "author", "side", "comment"],
    )
    rejected = pd.DataFrame(
        {
            "file": ["observations/p1.csv"],
            "line": pd.array([9], dtype="Int64"),
            "column": ["denominator"],
            "value": ["-3"],
            "reason": ["is negative"],
        }
    )
    return SourceData(
        observations=observations() if obs is None else obs,
        superseded=empty(schemas.Superseded),
        rejected=rejected,
        files=empty(schemas.InputFiles),
        scope_changes=changes,
        actions=actions,
        comments=comments,
    )


def kinds(deviations: pd.DataFrame) -> list[tuple[object, object, str, str]]:
    return list(
        zip(
            deviations["kpi_id"],
            deviations["objective_id"],
            deviations["period"],
            deviations["kind"],
            strict=True,
        )
    )


def test_quarterly_deviations_cover_every_kind_sorted_by_partner_kpi_period() -> None:
    model = build_review(catalog(), source(), Q3)
    assert kinds(model.deviations) == [
        ("cpc", None, "2026-08", "missing_data"),  # objective OBJ-1 runs, no rows
        ("cpc", "OBJ-1", "2026-09", "objective_off_track"),
        ("sl", None, "2026-07", "sla_breach"),
        ("sl", None, "2026-07", "chronic_breach"),  # May and July in May..July
        ("sl", None, "2026-08", "missing_data"),
        ("sl", None, "2026-09", "sla_breach"),
        ("sl", None, "2026-09", "chronic_breach"),  # July and September
        # quarter: (74 + 79) / 200 = 76.5 % against July's version 80/75
        ("sl", None, "2026-Q3", "sla_at_risk"),
        ("sl", None, "2026-Q3", "action_overdue"),
        (None, None, "2026-Q3", "contract_review_due"),
        (None, None, "2026-Q3", "rejected_rows"),
    ]
    assert list(model.deviations["partner_id"].fillna("-")) == ["P1"] * 10 + ["-"]
    schemas.DeviationsCsv.validate(model.deviations)


def test_quarterly_scorecard_rows_in_time_order_with_comparison_quarters() -> None:
    card = build_review(catalog(), source(), Q3).scorecard
    sl = card[card["kpi_id"] == "sl"]
    assert list(zip(sl["period"], sl["status"], strict=True)) == [
        ("2025-Q3", "no_target"),
        ("2026-Q2", "met"),  # (70 + 90) / 200 = 80 %
        ("2026-07", "breach"),
        ("2026-08", "no_data"),
        ("2026-09", "breach"),
        ("2026-Q3", "at_risk"),
    ]
    assert list(sl["change"]) == [None, None, None, "CR-1", "CR-1", None]
    assert list(sl["comparison"]) == [True, True, False, False, False, False]
    assert list(card["kpi_id"].unique()) == ["cpc", "sl"]


def test_quarterly_credits_with_earnback_and_chronic() -> None:
    credits = build_review(catalog(), source(), Q3).credits
    assert credits[["period", "credit_amount", "earnback", "chronic"]].to_dict("records") == [
        # July: 5 % of 10 000; August (the one month after) has no data -> confirmed
        {"period": "2026-07", "credit_amount": 500.0, "earnback": "confirmed", "chronic": True},
        # September: October is after the quarter -> pending
        {"period": "2026-09", "credit_amount": 500.0, "earnback": "pending", "chronic": True},
    ]


def test_quarterly_scope_changes_actions_and_comments_in_scope() -> None:
    model = build_review(catalog(), source(), Q3)
    changes = model.scope_changes
    assert list(changes["change_id"]) == ["CR-1", "CR-2"]
    assert changes["moved_targets"].iloc[0] == (
        "Service level: expected 85.0%, minimum 80.0%, credit 5% from 2026-08"
    )
    assert changes["moved_targets"].iloc[1] == ""
    actions = model.actions
    assert list(zip(actions["action_id"], actions["overdue"], strict=True)) == [
        ("A1", True),
        ("A2", False),
        ("A4", False),
    ]
    assert list(model.comments["comment"]) == ["Staff shortage"]


def test_monthly_spans_first_data_month_to_run_end_with_statuses() -> None:
    monthly = build_review(catalog(), source(), Q3).monthly
    assert list(zip(monthly["kpi_id"], monthly["period"], monthly["status"], strict=True)) == [
        ("cpc", "2026-07", "no_target"),
        ("cpc", "2026-09", "no_target"),
        ("sl", "2026-05", "breach"),
        ("sl", "2026-06", "met"),
        ("sl", "2026-07", "breach"),
        ("sl", "2026-08", "no_data"),
        ("sl", "2026-09", "breach"),
    ]
    assert list(monthly.loc[monthly["kpi_id"] == "sl", "expected"]) == [80, 80, 80, 85, 85]


def test_objective_assessed_at_the_quarters_last_month() -> None:
    objectives = build_review(catalog(), source(), Q3).objectives
    row = objectives.iloc[0]
    assert (row["objective_id"], row["period"], row["current"]) == ("OBJ-1", "2026-09", 4.5)
    # (4.5 - 5) / (4 - 5) = 50 % of the way
    assert row["progress_pct"] == 50.0


def test_nightly_provisional_month_raises_provisional_deviations_but_no_credit() -> None:
    model = build_review(catalog(), source(), NIGHTLY)
    october = model.deviations[model.deviations["period"] == "2026-10"]
    assert list(zip(october["kpi_id"], october["kind"], strict=True)) == [
        ("cpc", "missing_data"),  # OBJ-1 runs; no cpc rows yet this month
        ("sl", "sla_breach"),
        ("sl", "chronic_breach"),  # September and October in August..October
    ]
    assert all(m.endswith("(provisional, month to date)") for m in october["message"])
    assert list(zip(model.credits["period"], model.credits["earnback"], strict=True)) == [
        ("2026-09", "pending")
    ]
    assert list(model.scorecard.loc[model.scorecard["kpi_id"] == "sl", "period"]) == [
        "2026-09",
        "2026-10",
    ]


def test_nightly_stale_data_scope_changes_and_actions() -> None:
    model = build_review(catalog(), source(), NIGHTLY)
    stale = model.deviations[model.deviations["kind"] == "stale_data"]
    # cpc ends 2026-09-20: 15 days before 2026-10-05; sl ends 2026-10-02: 3 days, not stale
    assert list(zip(stale["kpi_id"], stale["period"], strict=True)) == [("cpc", "2026-10-05")]
    assert list(model.freshness["days_old"]) == [15, 3]
    # CR-1 was decided 96 days before as_of; CR-2 is pending
    assert list(model.scope_changes["change_id"]) == ["CR-2"]
    assert list(model.actions["action_id"]) == ["A1", "A4"]
    # the contract ends 2026-12-29, 85 days after as_of
    due = model.deviations[model.deviations["kind"] == "contract_review_due"]
    assert list(due["period"]) == ["2026-10-05"]


def test_quarterly_run_raises_no_stale_data() -> None:
    model = build_review(catalog(), source(), Q3)
    assert "stale_data" not in set(model.deviations["kind"])
    assert len(model.freshness) == 2


def test_review_without_observations_still_builds() -> None:
    model = build_review(catalog(), source(observations().iloc[0:0]), Q3)
    assert set(model.scorecard["status"]) == {"no_data", "no_target"}
    assert model.credits.empty
    assert "missing_data" in set(model.deviations["kind"])


@pytest.mark.parametrize("dtype", ["category", "string[pyarrow]", "object"])
def test_key_columns_as_category_or_arrow_strings_give_the_same_review(dtype: str) -> None:
    """Ingestion may hand partner_id, kpi_id and month over as category or string[pyarrow]."""
    obs = observations()
    recoded = obs.astype({"partner_id": dtype, "kpi_id": dtype, "month": dtype})
    for run in (Q3, NIGHTLY):
        expected = build_review(catalog(), source(obs), run)
        got = build_review(catalog(), source(recoded), run)
        for name in (
            "scorecard",
            "monthly",
            "objectives",
            "signals",
            "deviations",
            "credits",
            "freshness",
        ):
            pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name))
        assert not expected.deviations.empty and not expected.monthly.empty


@pytest.mark.parametrize("run", [Q3, NIGHTLY], ids=["quarterly", "nightly"])
def test_scorecard_and_monthly_come_in_order_rows_order_without_resorting(run: RunSpec) -> None:
    """build_review lays these grids out in order instead of sorting them again."""
    model = build_review(catalog(), source(), run)
    for frame in (model.scorecard, model.monthly):
        pd.testing.assert_frame_equal(frame, order_rows(frame, model.run), check_exact=True)
    assert model.monthly["status"].dtype == object
    assert model.scorecard["partner_id"].dtype == "str"


def test_the_first_month_with_data_ignores_unused_month_categories() -> None:
    from transforms.codes import factorize_sorted
    from transforms.review import _first_data_month

    months = pd.Categorical(["2026-03", "2026-02"], categories=["2025-12", "2026-02", "2026-03"])
    first = _first_data_month(factorize_sorted(pd.Series(months))[1])
    assert first == pd.Period("2026-02", "M")
    text = factorize_sorted(pd.Series(["2026-03", "2026-01"]))[1]
    assert _first_data_month(text) == pd.Period("2026-01", "M")


def test_a_failure_on_the_calling_thread_fails_the_review_while_the_side_thread_works() -> None:
    """The monthly chain (calling thread) raises while the quarterly scorecard runs on the
    side thread: the error is the review's, and nothing waits for it forever."""
    twice = catalog()
    partners = pd.concat([twice.partners, twice.partners], ignore_index=True)
    with pytest.raises(DuplicatePartnerRule):
        build_review(dataclasses.replace(twice, partners=partners), source(), Q3)


def test_a_failure_on_the_side_thread_fails_the_review() -> None:
    """Objectives are assessed on the side thread; one whose start is no date (outside
    the ObjectiveCatalog contract) fails there, and its error reaches the caller."""
    given = catalog()
    objectives = given.objectives.astype({"start": object}).assign(start="someday")
    with pytest.raises(ValueError, match="someday"):
        build_review(dataclasses.replace(given, objectives=objectives), source(), Q3)
