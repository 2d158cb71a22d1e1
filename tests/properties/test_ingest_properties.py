"""Properties of ingestion (issue 2): shuffled rows and split files load the same frames.

Files are written to a temporary folder in any of the CSV dialects (comma, tab, or
semicolon with decimal commas), read by the real readers and checked by
``build_observations``. Rows have distinct keys, or repeat a row with the same values
(kept once): rows that conflict would make "later file wins" depend on file order.
"""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from partner_review.readers import read_table
from tests.properties.frames import Row, make_catalog, rows
from transforms.observations import OBSERVATION_REQUIRED, ObservationResult, build_observations

CATALOG = make_catalog()
FEW = settings(max_examples=30, deadline=None)
DIALECTS = (",", "\t", ";")
KEY = ["partner_id", "kpi_id", "period_start", "period_end"]
WHERE = ["file", "line"]  # where a row was read: changes when rows move, by design


def _cell(number: float | None, delimiter: str) -> str:
    if number is None:
        return ""
    text = repr(float(number))
    return text.replace(".", ",") if delimiter == ";" else text


def _write(path: Path, part: list[Row], delimiter: str) -> None:
    header = ["partner_id", "kpi_id", "period_start", "numerator", "denominator", "value"]
    lines = [delimiter.join(header)]
    for r in part:
        numbers = (r.numerator, r.denominator, r.value)
        cells = [r.partner_id, r.kpi_id, r.day.strftime("%Y-%m-%d")]
        lines.append(delimiter.join(cells + [_cell(n, delimiter) for n in numbers]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _load(parts: list[list[Row]], dialects: list[str]) -> ObservationResult:
    """The files written, read and checked as load_sources does, in path order."""
    with tempfile.TemporaryDirectory() as folder:
        tables = []
        for i, (part, delimiter) in enumerate(zip(parts, dialects, strict=True)):
            path = Path(folder) / f"part-{i:02d}.csv"
            _write(path, part, delimiter)
            tables.append(read_table(path, f"observations/{path.name}", OBSERVATION_REQUIRED))
        return build_observations(tables, CATALOG.kpis, CATALOG.partners)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=WHERE).sort_values(KEY).reset_index(drop=True)


@st.composite
def _with_repeats(draw: st.DrawFn) -> list[Row]:
    """Rows with distinct keys, some of them repeated with the same values."""
    drawn = draw(rows(max_size=40))
    repeats = draw(st.lists(st.sampled_from(drawn), max_size=5))
    return drawn + repeats


def _check_same(expected: ObservationResult, actual: ObservationResult, count: int) -> None:
    assert len(expected.rejected) == 0 and len(actual.rejected) == 0
    assert len(expected.observations) + len(expected.superseded) == count
    pd.testing.assert_frame_equal(_sorted(expected.observations), _sorted(actual.observations))
    assert len(actual.superseded) == len(expected.superseded)
    assert set(actual.superseded["reason"]) <= {"same values"}


@FEW
@given(
    drawn=_with_repeats(),
    order=st.randoms(use_true_random=False),
    dialect=st.sampled_from(DIALECTS),
)
def test_shuffling_a_files_rows_loads_the_same_observations(
    drawn: list[Row], order: random.Random, dialect: str
) -> None:
    shuffled = list(drawn)
    order.shuffle(shuffled)
    _check_same(_load([drawn], [dialect]), _load([shuffled], [dialect]), len(drawn))


@FEW
@given(
    drawn=_with_repeats(),
    order=st.randoms(use_true_random=False),
    data=st.data(),
)
def test_splitting_a_file_into_several_loads_the_same_observations(
    drawn: list[Row], order: random.Random, data: st.DataObject
) -> None:
    count = data.draw(st.integers(2, 5))
    cut = st.integers(0, len(drawn))
    cuts = sorted(data.draw(st.lists(cut, min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, len(drawn)]
    parts = [drawn[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    dialects = [data.draw(st.sampled_from(DIALECTS)) for _ in parts]
    order.shuffle(parts)
    _check_same(_load([drawn], [","]), _load(parts, dialects), len(drawn))
