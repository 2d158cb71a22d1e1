"""A number column read in one pass when every cell is plain equals the exact parser's reading.

The fast path (``transforms.plain_numbers``) either declines a column (None: the exact
parser reads it) or gives the exact parser's values and fault masks on every row. Here
both are checked on adversarial cells: decimal-comma files, thousands separators,
signs, spaces, ``.5`` and ``5.``, NaN and infinity words, ``1e400``, digit strings
longer than a float holds, negative zero, and columns that mix plain and other cells.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.cells import Numbers, parse_numbers
from transforms.plain_numbers import plain_numbers
from transforms.row_checks import column_numbers

FIELDS = ("values", "empty", "invalid", "ambiguous", "not_finite")
ADVERSARIAL = [
    "", " ", "4.8", " 4.8", "4.8 ", "0", "-0", "-0.0", "+5", "-5", "007", ".5", "5.", "-.5",
    "-", ".", "-.", "--5", "5-", "1-2", "1.2.3", "4,80", "1,2,3", "1 234,5", "1\u00a0234,5",
    "1\u202f234", "1.234", "1.234,5", "12.345.678", "1e3", "1E3", "1e400", "-1e400", "nan",
    "NaN", "-inf", "Infinity", "0x10", "x", "\u0663", "5\n", "1" * 400, "-" + "9" * 320,
    "0." + "0" * 400 + "1", "9007199254740993",
    "0.1000000000000000055511151231257827021181583404541015625",
]  # fmt: skip


def _frame(cells: list[str], dtype: str = "str") -> pd.DataFrame:
    index = np.arange(len(cells)) * 3 + 5  # not 0..n-1, as after rows are dropped
    return pd.DataFrame({"c": pd.Series(cells, index=index, dtype=dtype)})


def _assert_same(ours: Numbers, exact: Numbers) -> None:
    for name in FIELDS:
        pd.testing.assert_series_equal(getattr(ours, name), getattr(exact, name), check_names=False)


def _plain_cells(decimal_comma: bool) -> st.SearchStrategy[str]:
    """Cells of digits, '-' and the decimal mark, mostly numbers, some long or malformed."""
    mark = "," if decimal_comma else "."
    digits = st.text(alphabet="0123456789", min_size=1, max_size=30)
    long_digits = st.text(alphabet="09", min_size=300, max_size=420)
    number = st.builds(
        lambda sign, whole, fraction: sign + whole + (mark + fraction if fraction else ""),
        st.sampled_from(["", "-"]),
        st.one_of(digits, long_digits),
        st.one_of(st.just(""), digits, long_digits),
    )
    odd = st.text(alphabet="01" + mark + "-", max_size=6)  # '5.', '.5', '-', '1.2.3', ...
    return st.one_of(number, number, st.just(""), odd)


@st.composite
def columns(draw: st.DrawFn, decimal_comma: bool) -> list[str]:
    """A column of plain cells, now and then one adversarial cell among them."""
    pool = draw(st.lists(_plain_cells(decimal_comma), min_size=1, max_size=8))
    if draw(st.booleans()):
        pool.append(draw(st.sampled_from(ADVERSARIAL)))
    picks = draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=25))
    return [pool[i] for i in picks]


@settings(max_examples=300, deadline=None)
@given(st.booleans().flatmap(lambda comma: st.tuples(st.just(comma), columns(comma))))
def test_plain_columns_read_in_one_pass_equal_the_exact_parser_on_every_row(
    case: tuple[bool, list[str]],
) -> None:
    decimal_comma, cells = case
    frame = _frame(cells)
    exact = parse_numbers(frame, "c", decimal_comma)
    _assert_same(column_numbers(frame, "c", decimal_comma), exact)
    fast = plain_numbers(frame["c"], decimal_comma)
    if fast is not None:
        _assert_same(fast, exact)
        for cell, value, not_finite in zip(cells, fast.values, fast.not_finite, strict=True):
            if cell and not not_finite:  # rounded as Python rounds the decimal string
                assert value == float(cell.replace(",", ".")), cell


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_every_short_cell_of_the_plain_characters_is_declined_or_read_exactly(
    decimal_comma: bool,
) -> None:
    alphabet = "01" + ("," if decimal_comma else ".") + "-"
    taken = 0
    for size in range(5):
        for letters in itertools.product(alphabet, repeat=size):
            frame = _frame(["".join(letters)])
            fast = plain_numbers(frame["c"], decimal_comma)
            if fast is not None:
                taken += 1
                _assert_same(fast, parse_numbers(frame, "c", decimal_comma))
    assert taken > 50  # '0', '-1', '1.', '.1', ... are read in one pass


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_adversarial_cells_mixed_into_a_plain_column_read_as_the_exact_parser(
    decimal_comma: bool,
) -> None:
    for cell in ADVERSARIAL:
        frame = _frame(["12", "", "-3" + (",5" if decimal_comma else ".5"), cell, "12"])
        _assert_same(
            column_numbers(frame, "c", decimal_comma), parse_numbers(frame, "c", decimal_comma)
        )


def test_a_plain_column_is_read_in_one_pass_with_its_faults() -> None:
    cells = ["12", "", "-0", "4.80", "5.", ".5", "1" * 400, "0.1000000000000000055511151231"]
    fast = plain_numbers(_frame(cells)["c"], decimal_comma=False)
    assert fast is not None
    assert fast.values.index.tolist() == [5, 8, 11, 14, 17, 20, 23, 26]
    assert fast.values.iloc[[0, 3, 4, 5, 7]].tolist() == [12.0, 4.8, 5.0, 0.5, 0.1]
    assert np.signbit(fast.values.iloc[2])  # negative zero, as float('-0')
    assert fast.empty.tolist() == [False, True, False, False, False, False, False, False]
    assert fast.not_finite.tolist() == [False] * 6 + [True, False]  # 400 digits: beyond a float
    assert fast.values.isna().tolist() == [False, True] + [False] * 4 + [True, False]
    assert not fast.invalid.any() and not fast.ambiguous.any()


def test_a_decimal_comma_column_is_read_in_one_pass() -> None:
    fast = plain_numbers(_frame(["4,80", "-12", ""])["c"], decimal_comma=True)
    assert fast is not None
    assert fast.values.tolist()[:2] == [4.8, -12.0] and fast.empty.tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("cells", "decimal_comma", "dtype"),
    [
        (["12", " 12"], False, "str"),  # a space to strip
        (["12", "+12"], False, "str"),  # a sign the fast path does not read
        (["12", "1e3"], False, "str"),  # an exponent
        (["12", "4,8"], False, "str"),  # a comma in a point file
        (["12", "4.8"], True, "str"),  # a point in a decimal-comma file (1.234 is ambiguous)
        (["12", "1.2.3"], False, "str"),  # refused by arrow's parser
        (["12", "-"], False, "str"),
        (["12", None], False, "str"),  # a null cell
        (["12", "13"], False, "object"),  # not arrow-backed text
    ],
)
def test_columns_with_any_other_cell_go_to_the_exact_parser(
    cells: list[str | None], decimal_comma: bool, dtype: str
) -> None:
    column = pd.Series(cells, dtype=dtype)
    assert plain_numbers(column, decimal_comma) is None


def test_typed_and_empty_columns_are_left_to_the_exact_parser() -> None:
    assert plain_numbers(pd.Series([1.5, np.nan]), decimal_comma=False) is None
    nothing = plain_numbers(pd.Series([], dtype="str"), decimal_comma=False)
    assert nothing is not None and nothing.values.empty


def test_sliced_and_chunked_columns_are_read_by_their_own_cells_only() -> None:
    written = pd.Series(["x", " 1", "12", "4.5", "", "-7", "y"], dtype="str")
    sliced = written.iloc[2:6]  # arrow slices: the cells around them are not this column's
    fast = plain_numbers(sliced, decimal_comma=False)
    assert fast is not None
    assert fast.values.tolist()[:2] == [12.0, 4.5] and fast.empty.tolist() == [0, 0, 1, 0]
    _assert_same(fast, parse_numbers(pd.DataFrame({"c": sliced}), "c", False))
    chunked = pd.concat([sliced, pd.Series(["3", "0.25"], dtype="str")], ignore_index=True)
    assert plain_numbers(chunked, decimal_comma=False) is not None
    with_other = pd.concat([sliced, pd.Series(["3", "1e3"], dtype="str")], ignore_index=True)
    assert plain_numbers(with_other, decimal_comma=False) is None  # the exponent in chunk 2
