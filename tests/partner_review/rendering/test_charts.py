"""Charts: inline SVG, stable between runs, no ids to clash, few plain elements."""

from __future__ import annotations

import re

from partner_review.rendering.charts import (
    COLOURS,
    GlidePoint,
    Limits,
    TrendPoint,
    glide_svg,
    trend_svg,
)

POINTS = [
    TrendPoint(f"{m:02d}/26", 70.0 + m, "breach" if m == 8 else "met", 80.0, 75.0, m == 12)
    for m in range(1, 14)
]


def _elements(svg: str) -> list[str]:
    return re.findall(r"<([a-zA-Z]+)", svg)


def test_trend_is_an_svg_element_with_no_external_reference() -> None:
    svg = trend_svg("a", POINTS, Limits(75.0, 65.0, 85.0))
    assert svg.startswith("<svg ")
    assert 'class="chart"' in svg and "viewBox" in svg
    assert not re.search(r'(href|src)="(?!#)', svg)
    assert "<image" not in svg


def test_same_chart_twice_is_byte_identical() -> None:
    assert trend_svg("a", POINTS, None) == trend_svg("a", POINTS, None)


def test_charts_have_no_element_id_or_internal_reference_so_never_clash_on_a_page() -> None:
    first, second = trend_svg("k1", POINTS, Limits(75.0, 65.0, 85.0)), trend_svg("k2", POINTS, None)
    for svg in (first, second):
        assert " id=" not in svg and "url(#" not in svg and "href" not in svg
    assert 'data-chart="k1"' in first and 'data-chart="k2"' in second


def test_trend_is_plain_paths_and_texts_with_presentation_attributes() -> None:
    svg = trend_svg("a", POINTS, Limits(75.0, 65.0, 85.0))
    elements = _elements(svg)
    assert set(elements) == {"svg", "path", "text"}  # no g, defs, use, clipPath, style, metadata
    assert " style=" not in svg
    # band, gridlines, expected, minimum, CL, LCL+UCL, actual, month ticks, the two axis
    # lines, met markers, breach markers: one path each
    assert elements.count("path") == 11
    # 4 month labels, 4 or 5 value labels, the provisional month's "*"
    assert 9 <= elements.count("text") <= 10


def test_each_status_has_its_own_marker_path_in_its_colour() -> None:
    points = [
        TrendPoint("01", 1.0, "met", None, None),
        TrendPoint("02", 2.0, "at_risk", None, None),
        TrendPoint("03", 3.0, "breach", None, None),
        TrendPoint("04", 4.0, "no_target", None, None),
        TrendPoint("05", 5.0, "met", None, None),
    ]
    svg = trend_svg("s", points, None)
    met = re.findall(r'<path d="([^"]*)" fill="#1a7f37"/>', svg)
    assert len(met) == 1 and met[0].count("M ") == 2  # both met months in one path
    assert re.search(r'<path d="[^"]*" fill="#b35900"/>', svg)  # at risk
    assert re.search(r'<path d="[^"]*" fill="#c62828"/>', svg)  # breach
    assert re.search(r'<path d="[^"]*" fill="#ffffff" stroke="#44546a"', svg)  # not judged


def test_month_labels_include_the_first_and_the_last_of_thirteen_months() -> None:
    svg = trend_svg("m", POINTS, None)
    labels = re.findall(r'text-anchor="middle"[^>]*>([^<]+)</text>', svg)
    assert labels == ["01/26", "05/26", "09/26", "13/26"]


def test_value_labels_use_the_kpi_formatter_and_the_texts_share_one_font() -> None:
    def tick(v: float) -> str:
        return f"{v:.0f} %"

    svg = trend_svg("f", POINTS, None, tick)
    values = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', svg)
    assert len(values) >= 3 and all(v.endswith(" %") for v in values)
    root = svg[: svg.index(">")]
    assert "font-family=\"'DejaVu Sans', sans-serif\"" in root and 'font-size="7.5px"' in root


def test_without_formatter_values_are_plain_numbers_not_an_offset() -> None:
    points = [TrendPoint(f"{m:02d}", 100000.5 + m / 10, "met", None, None) for m in range(1, 7)]
    values = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', trend_svg("p", points, None))
    assert values and all(v.startswith("100") for v in values)


def test_glide_chart_draws_glide_path_target_actuals_and_forecast() -> None:
    points = [GlidePoint(f"{m:02d}", 4.8 - 0.1 * m if m < 4 else None, 4.8 - 0.12 * m)
              for m in range(7)]  # fmt: skip
    svg = glide_svg("g", points, 4.08, 4.2)
    assert 'stroke="#1a7f37"' in svg  # target
    assert 'fill="#6a3d9a"' in svg  # the forecast's diamond
    assert 'stroke="#6a3d9a"' in svg  # the dashed line to it
    actual = re.search(r'<path d="([^"]*)" fill="#44546a"', svg)
    assert actual is not None and actual[1].count("M ") == 4  # one dot per known month


def _paths(svg: str, attributes: str) -> list[str]:
    """The path data of the paths with exactly these attributes after ``d``."""
    return re.findall(rf'<path d="([^"]*)"{attributes}/>', svg)


def _points(data: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML] ([-\d.]+) ([-\d.]+)", data)]


def test_marker_shape_carries_the_status_dot_triangle_cross() -> None:
    points = [
        TrendPoint("01", 1.0, "met", None, None),
        TrendPoint("02", 2.0, "at_risk", None, None),
        TrendPoint("03", 3.0, "breach", None, None),
    ]
    svg = trend_svg("s", points, None)
    (met,) = _paths(svg, f' fill="{COLOURS["met"]}"')
    (at_risk,) = _paths(svg, f' fill="{COLOURS["at_risk"]}"')
    (breach,) = _paths(svg, f' fill="{COLOURS["breach"]}"')
    assert met.count(" C ") == 4  # a circle: four arcs
    assert at_risk.count(" L ") == 2 and at_risk.endswith(" z")  # three corners
    assert breach.count(" L ") == 11  # a cross: twelve corners


def test_markers_sit_on_the_actual_line_and_a_gap_breaks_the_line() -> None:
    points = [
        TrendPoint("01", 1.0, "met", None, None),
        TrendPoint("02", 2.0, "met", None, None),
        TrendPoint("03", None, "no_data", None, None),
        TrendPoint("04", 3.0, "met", None, None),
        TrendPoint("05", 4.0, "met", None, None),
    ]
    svg = trend_svg("s", points, None)
    (line,) = _paths(svg, f' fill="none" stroke="{COLOURS["neutral"]}" stroke-width="1.2"'
                          ' stroke-linecap="square"')  # fmt: skip
    assert line.count("M ") == 2  # two runs, no line across the missing month
    (dots,) = _paths(svg, f' fill="{COLOURS["met"]}"')
    starts = [(float(x), float(y)) for x, y in re.findall(r"M ([-\d.]+) ([-\d.]+)", dots)]
    centres = [(x - 2, y) for x, y in starts]  # a dot's path starts at its rightmost point
    assert [(round(x, 1), round(y, 1)) for x, y in centres] == [
        (round(x, 1), round(y, 1)) for x, y in _points(line)
    ]


def test_control_limits_span_the_chart_cl_dotted_lcl_and_ucl_dashed_in_one_path() -> None:
    svg = trend_svg("l", POINTS, Limits(75.0, 65.0, 85.0))
    (cl,) = _paths(
        svg, ' fill="none" stroke="#7a7a7a" stroke-width="0.6" stroke-dasharray="0.6,0.9"'
    )
    (lcl_ucl,) = _paths(svg, ' fill="none" stroke="#7a7a7a" stroke-width="0.6"'
                             ' stroke-dasharray="2.4,1.2"')  # fmt: skip
    (cl_y,) = {y for _, y in _points(cl)}
    lcl_y, ucl_y = sorted({y for _, y in _points(lcl_ucl)}, reverse=True)
    assert lcl_y > cl_y > ucl_y  # lower limit lowest on the page (y grows downwards)
    assert abs((lcl_y - cl_y) + (ucl_y - cl_y)) < 0.02  # 10 below and 10 above the CL


def test_the_band_fills_between_minimum_and_expected_and_stops_where_they_are_missing() -> None:
    points = [TrendPoint(f"{m:02d}", 77.0, "met", 80.0 if m < 4 else None, 75.0, False)
              for m in range(1, 7)]  # fmt: skip
    svg = trend_svg("b", points, None)
    (band,) = _paths(svg, f' fill="{COLOURS["band"]}"')
    corners = _points(band)
    ys = sorted({y for _, y in corners})
    assert len(ys) == 2  # a flat band: the minimum's and the expected value's heights
    (expected,) = _paths(svg, f' fill="none" stroke="{COLOURS["met"]}" stroke-width="0.9"'
                              ' stroke-linecap="square"')  # fmt: skip
    assert max(x for x, _ in _points(expected)) == max(x for x, _ in corners)
    (minimum,) = _paths(svg, f' fill="none" stroke="{COLOURS["breach"]}" stroke-width="0.9"'
                             ' stroke-dasharray="2.7,1.35"')  # fmt: skip
    assert max(x for x, _ in _points(minimum)) > max(x for x, _ in corners)  # all six months


def test_value_labels_are_round_numbers_on_their_gridlines() -> None:
    svg = trend_svg("v", POINTS, Limits(75.0, 65.0, 85.0))
    labels = re.findall(r'y="([-\d.]+)" text-anchor="end"[^>]*>([^<]+)</text>', svg)
    assert [text for _, text in labels] == ["66", "72", "78", "84"]
    (grid,) = _paths(
        svg, ' fill="none" stroke="#e5e9ef" stroke-width="0.5" stroke-linecap="square"'
    )
    grid_ys = sorted({y for _, y in _points(grid)}, reverse=True)
    # each label's middle on its gridline: the baseline 2.85 pt below it
    assert all(abs(float(y) - g - 2.85) <= 0.01 for (y, _), g in zip(labels, grid_ys, strict=True))


def test_a_flat_series_still_has_a_value_range_and_labels() -> None:
    points = [TrendPoint(f"{m:02d}", 50.0, "met", None, None) for m in range(1, 7)]
    values = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', trend_svg("f", points, None))
    numbers = [float(v) for v in values]
    assert len(numbers) >= 2 and min(numbers) < 50 < max(numbers)  # widened by 5 % of 50


def test_negative_values_are_labelled_with_a_true_minus_sign() -> None:
    points = [TrendPoint(f"{m:02d}", -10.0 + 4 * m, "met", None, None) for m in range(6)]
    values = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', trend_svg("n", points, None))
    assert any(v.startswith("\u2212") for v in values) and not any("-" in v for v in values)


def test_labels_and_key_from_partner_data_are_escaped() -> None:
    hostile = '<script>alert("x")</script>&'
    points = [TrendPoint(hostile, 1.0 + m, "met", None, None) for m in range(3)]
    svg = trend_svg(hostile, points, None, lambda v: hostile)
    assert "<script" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in svg
    assert set(_elements(svg)) == {"svg", "path", "text"}


def test_glide_chart_without_actuals_draws_no_forecast() -> None:
    points = [GlidePoint(f"{m:02d}", None, 4.8 - 0.12 * m) for m in range(7)]
    svg = glide_svg("g", points, 4.08, 4.2)
    assert COLOURS["forecast"] not in svg
    assert 'stroke-dasharray="3.7,1.6"' in svg  # the glide path is still drawn


def test_an_infinite_or_nan_value_is_left_out_like_a_missing_month_not_drawn() -> None:
    points = [
        TrendPoint("01", 1.0, "met", float("inf"), None),
        TrendPoint("02", float("inf"), "met", None, None),
        TrendPoint("03", 2.0, "met", None, float("nan")),
        TrendPoint("04", 3.0, "met", None, None),
    ]
    svg = trend_svg("s", points, Limits(2.0, float("-inf"), 4.0))
    assert "inf" not in svg and "nan" not in svg
    (line,) = _paths(svg, f' fill="none" stroke="{COLOURS["neutral"]}" stroke-width="1.2"'
                          ' stroke-linecap="square"')  # fmt: skip
    # the infinite month breaks the line as a gap does: 01 stands alone, 03 joins 04
    assert line.count("M ") == 1 and line.count("L ") == 1
    assert f'stroke="{COLOURS["limit"]}"' not in svg  # limits that cannot be placed
    glide = [GlidePoint("01", float("inf"), 10.0), GlidePoint("02", 5.0, float("nan"))]
    drawn = glide_svg("g", glide, target=float("inf"), forecast=float("nan"))
    assert "inf" not in drawn and "nan" not in drawn
