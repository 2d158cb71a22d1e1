"""Charts: inline SVG, stable between runs, no ids to clash, few plain elements."""

from __future__ import annotations

import re

from matplotlib.ticker import FuncFormatter

from partner_review.rendering.charts import GlidePoint, Limits, TrendPoint, glide_svg, trend_svg
from partner_review.rendering.svg_canvas import _compact_path

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
    # band, gridlines, expected, minimum, CL, LCL+UCL, actual, month ticks, 2 spines,
    # met markers, breach markers: one path each
    assert elements.count("path") == 12
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
    tick = FuncFormatter(lambda v, _pos: f"{v:.0f} %")
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


def test_path_data_is_rounded_and_drops_repeated_points() -> None:
    data = "M 1.004 2 \nL 1.004 2.001 \nL 3.1 4 \nL 3.1 4 \nz \n"
    assert _compact_path(data) == "M 1 2 L 3.1 4 z"
