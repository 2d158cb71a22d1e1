"""The optional logs of a synthetic inputs folder: scope changes, actions, comments.

Every tenth partner had its service-level target raised by an implemented
scope change in the last year (its partner file cites the change); every
seventh has a proposal pending. Every third partner has an overdue action.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from benchmarks.kpi_library import KpiSpec

VENDOR_MANAGER = "Claire Martin"


def raised_by_change(index: int) -> bool:
    return index % 10 == 3


def change_id(pid: str) -> str:
    return f"CHG-{pid}-01"


def change_day(months: pd.PeriodIndex) -> date:
    return (months[-1] - 5).start_time.date() + timedelta(days=14)


def scope_changes(
    partner_ids: list[str], kpis: tuple[KpiSpec, ...], months: pd.PeriodIndex
) -> pd.DataFrame:
    """An implemented change for every tenth partner, and a proposal for every seventh."""
    kpi_ids = {k.id for k in kpis}
    rows = []
    effective = change_day(months)
    for i, pid in enumerate(partner_ids):
        if raised_by_change(i):
            rows.append(
                [
                    change_id(pid),
                    pid,
                    "New channel: chat; service level raised to 82%",
                    effective - timedelta(days=60),
                    VENDOR_MANAGER,
                    "implemented",
                    effective - timedelta(days=30),
                    effective,
                    3500,
                    4,
                    "service_level",
                    "Service level target +2 points",
                    "CR-2026-chat.pdf",
                ]
            )
        if i % 7 == 0:
            rows.append(
                [
                    f"CHG-{pid}-02",
                    pid,
                    "Weekend coverage",
                    months[-1].start_time.date(),
                    f"Account manager {pid}",
                    "proposed",
                    None,
                    None,
                    2500,
                    2,
                    ";".join(k for k in ("service_level", "average_handling_time") if k in kpi_ids),
                    "To be assessed",
                    None,
                ]
            )
    return pd.DataFrame(
        rows,
        columns=[
            "change_id",
            "partner_id",
            "title",
            "requested_on",
            "requested_by",
            "status",
            "decision_date",
            "effective_date",
            "fee_delta_monthly",
            "fte_delta",
            "affected_kpis",
            "impact",
            "document",
        ],
    )


def actions(partner_ids: list[str], kpis: tuple[KpiSpec, ...], as_of: date) -> pd.DataFrame:
    """Per partner: one overdue action (every third partner), one done, one in progress."""
    kpi = kpis[0].id
    rows = []
    for i, pid in enumerate(partner_ids):
        if i % 3 == 0:
            rows.append(
                [
                    f"A-{pid}-1",
                    pid,
                    "Recover the service level",
                    f"Account manager {pid}",
                    "partner",
                    as_of - timedelta(days=60),
                    as_of - timedelta(days=10),
                    "open",
                    kpi,
                    None,
                    None,
                    "Staffing plan expected",
                ]
            )
        rows.append(
            [
                f"A-{pid}-2",
                pid,
                "Refresh the knowledge base",
                VENDOR_MANAGER,
                "client",
                as_of - timedelta(days=80),
                as_of - timedelta(days=30),
                "done",
                None,
                None,
                as_of - timedelta(days=35),
                None,
            ]
        )
        rows.append(
            [
                f"A-{pid}-3",
                pid,
                "Coach new agents on first-contact resolution",
                f"Account manager {pid}",
                "partner",
                as_of - timedelta(days=20),
                as_of + timedelta(days=40),
                "in_progress",
                None,
                None,
                None,
                None,
            ]
        )
    return pd.DataFrame(
        rows,
        columns=[
            "action_id",
            "partner_id",
            "title",
            "owner",
            "owner_side",
            "raised_on",
            "due_date",
            "status",
            "kpi_id",
            "objective_id",
            "closed_on",
            "notes",
        ],
    )


def comments(
    partner_ids: list[str], kpis: tuple[KpiSpec, ...], months: pd.PeriodIndex
) -> pd.DataFrame:
    """Two comments per partner on the first KPI: last month and the month before."""
    kpi = kpis[0].id
    rows = []
    for pid in partner_ids:
        rows.append(
            [
                pid,
                kpi,
                months[-1].strftime("%Y-%m"),
                f"Account manager {pid}",
                "partner",
                "Volume peak after the campaign; extra agents from week 3.",
            ]
        )
        rows.append(
            [
                pid,
                kpi,
                months[-2].strftime("%Y-%m"),
                VENDOR_MANAGER,
                "client",
                "Discussed at the monthly review; recovery plan agreed.",
            ]
        )
    return pd.DataFrame(
        rows, columns=["partner_id", "kpi_id", "period", "author", "side", "comment"]
    )
