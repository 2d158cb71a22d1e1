"""scope_changes.csv, actions.csv and comments.csv rows to typed frames (SPEC §1).

Each log is declared as its columns in the spec's order, each with a kind (an id
unique in the file, a partner, a KPI, an objective, a choice, a date, a number, a
``YYYY-MM`` month, a ``;``-separated KPI list or free text) and whether it is
required. A row is rejected on the first column at fault, in that order.

Settled here where the spec is silent:

* choices (status, owner_side, side) are read case-insensitively and kept lower case;
* a comment's ``side`` is ``client`` or ``partner`` when given;
* an action's ``objective_id`` must be an objective of the same partner;
* a repeated change_id or action_id is rejected on its later lines (the first one
  stands), since versioned targets cite change ids;
* ``affected_kpis`` may be empty; when given, every id in it must be a configured KPI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from transforms.cells import (
    Faults,
    RawFrame,
    empty_rejected,
    flag_extra_cells,
    known_list,
    parse_dates,
    parse_months,
    parse_numbers,
    text,
)
from transforms.model import Catalog
from transforms.observation_cells import flag_number_faults

SCOPE_STATUSES = ("proposed", "assessed", "approved", "rejected", "implemented")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
SIDES = ("client", "partner")


@dataclass(frozen=True)
class Field:
    """One column of a log: its kind, whether it must be filled, its allowed values."""

    name: str
    kind: str  # id | partner | kpi | objective | choice | date | number | month | kpi_list | text
    required: bool = False
    choices: tuple[str, ...] = ()


SCOPE_CHANGE_FIELDS = (
    Field("change_id", "id", True),
    Field("partner_id", "partner", True),
    Field("title", "text", True),
    Field("requested_on", "date"),
    Field("requested_by", "text"),
    Field("status", "choice", True, SCOPE_STATUSES),
    Field("decision_date", "date"),
    Field("effective_date", "date"),
    Field("fee_delta_monthly", "number"),
    Field("fte_delta", "number"),
    Field("affected_kpis", "kpi_list"),
    Field("impact", "text"),
    Field("document", "text"),
)
ACTION_FIELDS = (
    Field("action_id", "id", True),
    Field("partner_id", "partner", True),
    Field("title", "text", True),
    Field("owner", "text"),
    Field("owner_side", "choice", True, SIDES),
    Field("raised_on", "date"),
    Field("due_date", "date"),
    Field("status", "choice", True, ACTION_STATUSES),
    Field("kpi_id", "kpi"),
    Field("objective_id", "objective"),
    Field("closed_on", "date"),
    Field("notes", "text"),
)
COMMENT_FIELDS = (
    Field("partner_id", "partner", True),
    Field("kpi_id", "kpi", True),
    Field("period", "month", True),
    Field("author", "text"),
    Field("side", "choice", False, SIDES),
    Field("comment", "text", True),
)


def required_columns(fields: tuple[Field, ...]) -> tuple[str, ...]:
    """The columns a log file's header must have."""
    return tuple(f.name for f in fields if f.required)


def empty_log(fields: tuple[Field, ...]) -> pd.DataFrame:
    """A log frame with no rows (the file is absent or unusable)."""
    types: dict[str, Any] = {"date": "datetime64[ns]", "number": float}
    return pd.DataFrame({f.name: pd.Series(dtype=types.get(f.kind, object)) for f in fields})


def build_log(
    table: RawFrame, fields: tuple[Field, ...], catalog: Catalog
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One log file: (one row per valid row with the declared columns typed, rejected rows)."""
    raw = table.frame
    if raw.empty:
        return empty_log(fields), empty_rejected()
    faults = Faults(raw.index)
    flag_extra_cells(faults, raw)
    columns = {f.name: _check_field(faults, raw, f, catalog, table.decimal_comma) for f in fields}
    ok = faults.ok
    kept = pd.DataFrame({name: values[ok] for name, values in columns.items()})
    return kept.reset_index(drop=True), faults.rejected(raw, table.file)


def _check_field(
    faults: Faults, raw: pd.DataFrame, field: Field, catalog: Catalog, decimal_comma: bool
) -> pd.Series:
    name, cells = field.name, text(raw, field.name)
    if field.required and field.kind not in ("date", "number"):
        faults.flag(cells.eq(""), name, f"is empty; {name} is required")
    if field.kind == "id":
        faults.flag(
            cells.duplicated(keep="first") & cells.ne(""),
            name,
            f"repeats a {name} of an earlier line; give each row its own {name}",
        )
    elif field.kind == "partner":
        partners = set(catalog.partners["partner_id"])
        faults.flag(
            cells.ne("") & ~cells.isin(partners),
            name,
            f"is not a configured partner; use one of {known_list(partners)}",
        )
    elif field.kind == "kpi":
        kpis = set(catalog.kpis["kpi_id"])
        faults.flag(
            cells.ne("") & ~cells.isin(kpis),
            name,
            f"is not a KPI of config.yaml; use one of {known_list(kpis)}",
        )
    elif field.kind == "objective":
        _check_objective(faults, raw, cells, name, catalog)
    elif field.kind == "kpi_list":
        _check_kpi_list(faults, cells, name, set(catalog.kpis["kpi_id"]))
    elif field.kind == "choice":
        cells = cells.str.lower()
        faults.flag(
            cells.ne("") & ~cells.isin(field.choices),
            name,
            f"is not one of {', '.join(field.choices)}",
        )
    elif field.kind == "date":
        dates = parse_dates(raw, name)
        faults.flag(dates.invalid, name, "is not a date; write it as YYYY-MM-DD")
        if field.required:
            faults.flag(dates.empty, name, f"is empty; {name} is required")
        return dates.values
    elif field.kind == "number":
        numbers = parse_numbers(raw, name, decimal_comma)
        flag_number_faults(faults, numbers, cells.ne("") | field.required, name, "write a number")
        return numbers.values
    elif field.kind == "month":
        faults.flag(
            cells.ne("") & parse_months(cells).isna(),
            name,
            "is not a month; write it as YYYY-MM, e.g. 2026-03",
        )
    return cells.astype(object).where(cells.ne(""), None)


def _check_kpi_list(faults: Faults, cells: pd.Series, name: str, kpis: set[str]) -> None:
    items = cells.str.split(";").explode().str.strip()
    unknown = items.ne("") & ~items.isin(kpis)
    bad = unknown.groupby(level=0).any().reindex(cells.index, fill_value=False)
    faults.flag(
        bad,
        name,
        f"names a KPI that is not in config.yaml; use ';'-separated ids from {known_list(kpis)}",
    )


def _check_objective(
    faults: Faults, raw: pd.DataFrame, cells: pd.Series, name: str, catalog: Catalog
) -> None:
    objectives = catalog.objectives
    known = set(objectives["partner_id"].astype(str) + "/" + objectives["objective_id"].astype(str))
    pairs = text(raw, "partner_id") + "/" + cells
    faults.flag(
        cells.ne("") & ~pairs.isin(known),
        name,
        "is not an objective of this partner; use an objectives[].id of its partner file",
    )
