"""Chart scales: the value range with its margins, round levels, plain labels."""

from __future__ import annotations

import pytest

from partner_review.rendering.chart_axes import levels, plain_labels, value_range


def test_value_range_is_the_data_range_widened_by_five_percent_at_each_end() -> None:
    assert value_range([65.0, 85.0, None, 70.0]) == pytest.approx((64.0, 86.0))


def test_a_single_value_is_widened_by_five_percent_of_itself_then_the_margins() -> None:
    low, high = value_range([50.0, 50.0])
    assert low < 50 < high
    assert high - low == pytest.approx(5.0 * 1.1)


def test_no_value_gives_the_unit_range_and_zero_a_small_one_around_it() -> None:
    assert value_range([None, float("nan")]) == (0.0, 1.0)
    low, high = value_range([0.0])
    assert low < 0 < high


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (64.0, 86.0, [66.0, 72.0, 78.0, 84.0]),
        (0.0, 1.0, [0.0, 0.25, 0.5, 0.75, 1.0]),
        (4.056, 4.824, [4.2, 4.4, 4.6, 4.8]),
        (-12.0, 12.0, [-12.0, -6.0, 0.0, 6.0, 12.0]),
        (100000.4, 100001.9, [100000.4, 100000.8, 100001.2, 100001.6]),
    ],
)
def test_levels_are_round_steps_inside_the_range(
    low: float, high: float, expected: list[float]
) -> None:
    assert levels(low, high) == pytest.approx(expected)


def test_plain_labels_have_the_fewest_decimals_that_tell_them_apart() -> None:
    assert plain_labels([0.5, 1.0, 1.5]) == ["0.5", "1.0", "1.5"]
    assert plain_labels([66.0, 72.0, 78.0]) == ["66", "72", "78"]
    assert plain_labels([100000.5, 100001.0]) == ["100000.5", "100001.0"]
    assert plain_labels([]) == []


def test_plain_labels_write_negatives_with_a_minus_sign_and_no_negative_zero() -> None:
    assert plain_labels([-5.0, -1e-12, 5.0]) == ["\u22125", "0", "5"]
