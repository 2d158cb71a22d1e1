"""The Observations model: what it coerces, and which frames it refuses."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.errors
import pandera.pandas as pa
import pytest
from pandera.typing import Category, Series

from transforms import schemas
from transforms.categories import as_category


class _PerRowObservations(schemas._Base):
    """The Observations model as it was declared before its checks went per label:
    pandera's ``Category`` coercion and its builtin per-row ``str_matches``/``isin``."""

    partner_id: Series[Category]
    kpi_id: Series[Category]
    period_start: Series[pd.Timestamp]
    period_end: Series[pd.Timestamp]
    month: Series[Category] = pa.Field(str_matches=r"^\d{4}-\d{2}$")
    numerator: Series[float] = pa.Field(nullable=True)
    denominator: Series[float] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    source: Series[Category] = pa.Field(nullable=True)
    note: Series[Category] = pa.Field(nullable=True)
    file: Series[Category]
    line: Series[int] = pa.Field(ge=1)
    origin: Series[Category] = pa.Field(isin=["observation", "survey"])


def _rows(**columns: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "partner_id": ["P1", "P2", "P1"],
            "kpi_id": ["sl", "sl", "aht"],
            "period_start": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-04-01"]),
            "period_end": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-04-30"]),
            "month": ["2026-03", "2026-03", "2026-04"],
            "numerator": [8.0, 9.0, None],
            "denominator": [10.0, 10.0, None],
            "value": [None, None, 300.0],
            "source": [None, "crm", None],
            "note": [None, None, None],
            "file": "observations/a.csv",
            "line": [2, 3, 4],
            "origin": ["observation", "observation", "survey"],
        }
    )
    for name, values in columns.items():
        frame[name] = values
    return frame


def _as_categories(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its text columns as ingestion builds them (categories)."""
    for name in ["partner_id", "kpi_id", "month", "source", "note", "file", "origin"]:
        frame[name] = as_category(frame[name])
    return frame


def _refused(model: type[schemas._Base], frame: pd.DataFrame) -> bool:
    try:
        model.validate(frame.copy(), lazy=True)
    except pandera.errors.SchemaErrors:
        return True
    return False


WRONG: dict[str, Callable[[], pd.DataFrame]] = {
    "a month label not YYYY-MM": lambda: _rows(month=["2026-03", "2026-3", "2026-04"]),
    "a month label with a day": lambda: _rows(month=["2026-03", "2026-03-02", "2026-04"]),
    "an empty month": lambda: _rows(month=["2026-03", None, "2026-04"]),
    "an unknown origin": lambda: _rows(origin=["observation", "manual", "survey"]),
    "an empty origin": lambda: _rows(origin=["observation", None, "survey"]),
    "an empty partner": lambda: _rows(partner_id=["P1", None, "P1"]),
    "a line 0": lambda: _rows(line=[2, 0, 4]),
    "a number that is text": lambda: _rows(value=[None, None, "many"]),
}


@pytest.mark.parametrize("as_categories", [False, True], ids=["text", "category"])
@pytest.mark.parametrize("case", sorted(WRONG))
def test_wrong_frames_are_refused_as_by_per_row_checks(case: str, as_categories: bool) -> None:
    frame = WRONG[case]()
    if as_categories and case != "a number that is text":
        frame = _as_categories(frame)
    assert _refused(_PerRowObservations, frame)
    assert _refused(schemas.Observations, frame)


@pytest.mark.parametrize("as_categories", [False, True], ids=["text", "category"])
def test_a_right_frame_passes_and_its_text_columns_become_the_same_categories(
    as_categories: bool,
) -> None:
    frame = _as_categories(_rows()) if as_categories else _rows()
    expected = _PerRowObservations.validate(frame.copy())
    checked = schemas.Observations.validate(frame.copy())
    pd.testing.assert_frame_equal(checked, expected, check_exact=True)
    assert isinstance(checked["origin"].dtype, pd.CategoricalDtype)
    assert checked["month"].cat.categories.tolist() == ["2026-03", "2026-04"]


def test_an_unused_origin_or_month_label_is_no_row_at_fault() -> None:
    frame = _as_categories(_rows())
    frame["origin"] = frame["origin"].cat.add_categories(["manual"])
    frame["month"] = frame["month"].cat.add_categories(["March"])
    assert not _refused(_PerRowObservations, frame)
    assert not _refused(schemas.Observations, frame)


def test_the_failure_cases_are_the_rows_at_fault_with_pandera_check_names() -> None:
    frame = _as_categories(_rows(origin=["observation", "manual", "manual"]))
    with pytest.raises(pandera.errors.SchemaErrors) as raised:
        schemas.Observations.validate(frame, lazy=True)
    cases = raised.value.failure_cases
    assert cases["index"].tolist() == [1, 2]
    assert cases["failure_case"].tolist() == ["manual", "manual"]
    assert set(cases["check"]) == {"isin(['observation', 'survey'])"}


def test_a_category_column_is_kept_as_it_is_by_the_coercion() -> None:
    frame = _as_categories(_rows())
    partner = frame["partner_id"].array
    checked = schemas.Observations.validate(frame, inplace=True)
    assert checked["partner_id"].array is partner


def test_an_empty_month_in_a_text_column_is_only_a_nullable_failure() -> None:
    month = pd.Series(["2026-03", None, "March"])
    assert schemas.per_label(
        month, lambda s: s.str.match(schemas.MONTH_LABEL, na=False)
    ).tolist() == [
        True,
        True,
        False,
    ]
