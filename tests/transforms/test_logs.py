"""scope_changes, actions and comments: typed rows, and rejected rows with the first fault."""

from __future__ import annotations

import pandas as pd

from transforms.cells import RawFrame
from transforms.logs import (
    ACTION_FIELDS,
    COMMENT_FIELDS,
    SCOPE_CHANGE_FIELDS,
    build_log,
    empty_log,
    required_columns,
)
from transforms.model import Catalog

CATALOG = Catalog(
    kpis=pd.DataFrame({"kpi_id": ["service_level", "backlog"]}),
    partners=pd.DataFrame({"partner_id": ["ALPHA", "BETA"]}),
    service_levels=pd.DataFrame(),
    objectives=pd.DataFrame({"objective_id": ["OBJ-1"], "partner_id": ["ALPHA"]}),
)


def _raw(records: list[dict[str, str]], comma: bool = False) -> RawFrame:
    frame = pd.DataFrame(records).fillna("")
    frame["line"] = range(2, len(records) + 2)
    return RawFrame("log.csv", frame, comma)


def _scope(**cells: str) -> dict[str, str]:
    row = {"change_id": "CHG-1", "partner_id": "ALPHA", "title": "Chat", "status": "approved"}
    return row | cells


def test_scope_change_row_is_typed() -> None:
    kept, rejected = build_log(
        _raw([_scope(status=" Approved ", decision_date="2026-01-20", fee_delta_monthly="1 500,5",
                     affected_kpis="service_level; backlog")], comma=True),
        SCOPE_CHANGE_FIELDS,
        CATALOG,
    )  # fmt: skip
    assert rejected.empty
    row = kept.iloc[0]
    assert row["status"] == "approved"
    assert row["decision_date"] == pd.Timestamp("2026-01-20")
    assert row["fee_delta_monthly"] == 1500.5
    assert row["affected_kpis"] == "service_level; backlog"
    assert pd.isna(row["requested_on"]) and row["document"] is None


def test_scope_change_faults_are_named_by_column() -> None:
    kept, rejected = build_log(
        _raw(
            [
                _scope(),
                _scope(),  # repeated id
                _scope(change_id="CHG-2", status="signed"),
                _scope(change_id="CHG-3", affected_kpis="backlog;speed"),
                _scope(change_id="CHG-4", effective_date="1 March"),
                _scope(change_id="CHG-5", fte_delta="two"),
                _scope(change_id="CHG-6", partner_id="GAMMA"),
            ]
        ),
        SCOPE_CHANGE_FIELDS,
        CATALOG,
    )
    assert kept["change_id"].tolist() == ["CHG-1"]
    assert rejected[["line", "column"]].values.tolist() == [
        [3, "change_id"],
        [4, "status"],
        [5, "affected_kpis"],
        [6, "effective_date"],
        [7, "fte_delta"],
        [8, "partner_id"],
    ]
    assert rejected["value"].tolist()[1:3] == ["signed", "backlog;speed"]


def _action(**cells: str) -> dict[str, str]:
    row = {"action_id": "A1", "partner_id": "ALPHA", "title": "Coach", "owner_side": "partner",
           "status": "open", "due_date": "2026-04-15"}  # fmt: skip
    return row | cells


def test_actions_check_side_status_dates_kpi_and_objective_of_the_same_partner() -> None:
    kept, rejected = build_log(
        _raw(
            [
                _action(kpi_id="backlog", objective_id="OBJ-1", status="In_Progress"),
                _action(action_id="A2", owner_side="vendor"),
                _action(action_id="A3", status="late"),
                _action(action_id="A4", due_date="2026-04-31"),
                _action(action_id="A5", kpi_id="speed"),
                _action(action_id="A6", partner_id="BETA", objective_id="OBJ-1"),
                _action(action_id="A7", title=""),
            ]
        ),
        ACTION_FIELDS,
        CATALOG,
    )
    assert kept["status"].tolist() == ["in_progress"]
    assert kept["due_date"].tolist() == [pd.Timestamp("2026-04-15")]
    assert rejected[["line", "column"]].values.tolist() == [
        [3, "owner_side"],
        [4, "status"],
        [5, "due_date"],
        [6, "kpi_id"],
        [7, "objective_id"],
        [8, "title"],
    ]


def test_comments_need_a_yyyy_mm_period_a_known_kpi_and_text() -> None:
    base = {"partner_id": "ALPHA", "kpi_id": "backlog", "period": "2026-03", "side": "client",
            "comment": "Flu season"}  # fmt: skip
    kept, rejected = build_log(
        _raw(
            [
                base,
                base | {"period": "2026-03-01"},
                base | {"period": "2026-13"},
                base | {"kpi_id": ""},
                base | {"side": "acme"},
                base | {"comment": " "},
            ]
        ),
        COMMENT_FIELDS,
        CATALOG,
    )
    assert kept[["period", "comment"]].values.tolist() == [["2026-03", "Flu season"]]
    assert rejected[["line", "column"]].values.tolist() == [
        [3, "period"],
        [4, "period"],
        [5, "kpi_id"],
        [6, "side"],
        [7, "comment"],
    ]


def test_required_columns_and_empty_log_follow_the_declared_fields() -> None:
    assert required_columns(COMMENT_FIELDS) == ("partner_id", "kpi_id", "period", "comment")
    empty = empty_log(ACTION_FIELDS)
    assert list(empty.columns) == [f.name for f in ACTION_FIELDS]
    assert str(empty["due_date"].dtype) == "datetime64[ns]"
