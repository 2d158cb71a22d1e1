"""Targets are ratios within one run; PASS or FAIL from hand-computed figures."""

from __future__ import annotations

from benchmarks import report
from benchmarks.measure import GIB


def test_floor_ratio_is_pipeline_wall_over_floor_wall() -> None:
    target = report.floor_target(120.0, 100.0)
    assert target.ratio == 1.2
    assert target.passed is True
    assert report.floor_target(130.0, 100.0).passed is False


def test_a_rerun_that_renders_a_report_fails_even_when_fast() -> None:
    assert report.rerun_target(100.0, 10.0, 0).passed is True
    assert report.rerun_target(100.0, 10.0, 1).passed is False
    assert report.rerun_target(100.0, 16.0, 0).passed is False


def test_html_share_is_judged_on_the_worst_rendered_report() -> None:
    reports = [
        {"html_seconds": 0.1, "pdf_seconds": 1.0},
        {"html_seconds": 0.3, "pdf_seconds": 1.0},
        {"html_seconds": 5.0, "pdf_seconds": 0.0, "reused": True},
    ]
    target = report.html_share_target(reports)
    assert target.ratio == 0.3
    assert target.passed is False
    assert "2 reports" in target.detail


def test_memory_and_growth_targets() -> None:
    assert report.memory_target(int(1.5 * GIB)).ratio == 0.75
    growth = report.growth_target(10.0, 110.0, 600_000, 6_000_000)
    assert growth.ratio == 1.1  # 11x the time for 10x the rows
    assert growth.passed is True
    assert report.growth_target(10.0, 130.0, 600_000, 6_000_000).passed is False


def test_prefect_overhead_of_exactly_ten_percent_fails() -> None:
    assert report.prefect_target([105.0], [100.0]).passed is True
    assert report.prefect_target([110.0], [100.0]).passed is False


def test_a_target_without_figures_is_neither_pass_nor_fail() -> None:
    target = report.html_share_target([])
    assert target.passed is None
    assert "n/a" in report.target_table([target])


def test_prefect_overhead_compares_the_sums_of_several_runs() -> None:
    # one pair alone would pass (+5%); the sums of both pairs do not (+10.5%)
    target = report.prefect_target([105.0, 116.0], [100.0, 100.0])
    assert target.ratio is not None and abs(target.ratio - 0.105) < 1e-12
    assert target.passed is False
    assert "105.0 + 116.0 = 221.0 s" in target.detail
    assert "100.0 + 100.0 = 200.0 s" in target.detail
