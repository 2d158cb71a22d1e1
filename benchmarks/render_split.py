"""Where a report's rendering time goes: template, charts and PDF, per report of the demo.

``python -m benchmarks.render_split [--inputs inputs] [--quarter 2026-Q3] [--repeat 3]
[--partners N] [--no-portfolio] [--clock wall|cpu]``

The quarterly review of ``--inputs`` (default the demo) is computed once by the
real engine; then, for each partner and each report language (and the
portfolio), the report is rendered ``--repeat`` times and the fastest time of
each part is kept. ``--partners N`` keeps an evenly spaced sample of N partners
(first and last included), for a synthetic M or L inputs folder
(``python -m benchmarks.synth --size M --out DIR``); ``--no-portfolio`` skips
the portfolio (92 pages on M). The median and worst ratio close the table.

* charts: seconds spent in ``partner_review.rendering.charts``' public chart
  functions (``trend_svg``, ``glide_svg``), timed by a wrapper installed on the
  module for the duration of the benchmark (the views call them through the module);
* template: the rest of building the HTML (the views' pandas work, formatting
  and Jinja2), i.e. ``render_*_html`` wall time minus chart time;
* PDF: ``write_pdf`` of that HTML (layout, drawing and writing the file).

``--clock cpu`` times every part in this process' CPU seconds
(``time.process_time``) rather than wall seconds: on a shared, loaded machine
the other processes then move the figures far less (rendering and the PDF
engine run in this one thread; writing the file is the only I/O).

It prints one line per report with the ratio (charts + template) / PDF against
the issue's target of at most 25 %, and exits 0 either way: figures, not a
test (a loaded machine moves them). One untimed render first loads fonts
and the compiled templates, so the figures are steady-state.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from statistics import median
from typing import Any

from partner_review.catalog import build_catalog
from partner_review.ingest import load_sources
from partner_review.rendering import (
    charts,
    render_partner_html,
    render_portfolio_html,
    report_languages,
    write_pdf,
)
from partner_review.settings import Settings, load_settings
from transforms.model import ReviewModel
from transforms.periods import parse_quarter, quarterly_run
from transforms.review import build_review
from transforms.slicing import model_for_partner

TARGET = 0.25
CHART_FUNCTIONS = ("trend_svg", "glide_svg")
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


@dataclass
class ChartClock:
    """Seconds and calls spent in the chart functions since the last reset, by ``now``."""

    seconds: float = 0.0
    calls: int = 0
    now: Callable[[], float] = time.perf_counter

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, 0


@dataclass(frozen=True)
class Split:
    """One report's fastest template, chart and PDF seconds, its chart count and pages."""

    report: str
    template: float
    charts: float
    pdf: float
    chart_count: int
    pages: int

    @property
    def ratio(self) -> float:
        return (self.template + self.charts) / self.pdf


@contextmanager
def timed_charts(clock: ChartClock) -> Iterator[None]:
    """Every public chart function of ``charts`` adds its time to ``clock`` while inside."""
    originals = {name: getattr(charts, name) for name in CHART_FUNCTIONS}
    for name, function in originals.items():
        setattr(charts, name, _timed(function, clock))
    try:
        yield
    finally:
        for name, function in originals.items():
            setattr(charts, name, function)


def _timed(function: Callable[..., str], clock: ChartClock) -> Callable[..., str]:
    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        start = clock.now()
        try:
            return function(*args, **kwargs)
        finally:
            clock.seconds += clock.now() - start
            clock.calls += 1

    return wrapper


def measure_report(
    name: str, render: Callable[[], str], clock: ChartClock, folder: Path, repeat: int
) -> Split:
    """The fastest of ``repeat`` renders of one report, split into template, charts and PDF."""
    best: tuple[float, float, float] | None = None
    calls = pages = 0
    for _ in range(repeat):
        clock.reset()
        start = clock.now()
        html = render()
        html_seconds = clock.now() - start
        chart_seconds, calls = clock.seconds, clock.calls
        start = clock.now()
        pages = write_pdf(html, folder / f"{name}.pdf")
        pdf_seconds = clock.now() - start
        times = (html_seconds - chart_seconds, chart_seconds, pdf_seconds)
        best = times if best is None else (min(best[0], times[0]), min(best[1], times[1]),
                                           min(best[2], times[2]))  # fmt: skip
    assert best is not None
    return Split(name, *best, chart_count=calls, pages=pages)


def demo_reports(
    settings: Settings, model: ReviewModel, partners: int | None = None, portfolio: bool = True
) -> dict[str, Callable[[], str]]:
    """The reports a quarterly run writes: each partner (or a sample) in each language,
    then the portfolio."""
    chosen = sample_partners(sorted(settings.partners), partners)
    reports: dict[str, Callable[[], str]] = {}
    for language in report_languages(settings):
        for pid in chosen:
            mine = model_for_partner(model, pid)
            reports[f"{pid}.{language}"] = _partner(mine, settings, pid, language)
        if portfolio:
            reports[f"portfolio.{language}"] = _portfolio(model, settings, language)
    return reports


def sample_partners(partner_ids: list[str], count: int | None) -> list[str]:
    """``count`` partner ids evenly spaced over the sorted list, first and last included."""
    if count is None or count >= len(partner_ids):
        return partner_ids
    if count <= 1:
        return partner_ids[:1]
    last = len(partner_ids) - 1
    return [partner_ids[round(i * last / (count - 1))] for i in range(count)]


def _partner(model: ReviewModel, settings: Settings, pid: str, lang: str) -> Callable[[], str]:
    return lambda: render_partner_html(model, settings, pid, lang)


def _portfolio(model: ReviewModel, settings: Settings, lang: str) -> Callable[[], str]:
    return lambda: render_portfolio_html(model, settings, lang)


def format_table(splits: list[Split]) -> str:
    """The figures as a fixed-width table, with PASS/FAIL per report against the target."""
    head = (
        f"{'report':<24}{'charts':>7}{'pages':>6}{'template s':>12}{'charts s':>10}"
        f"{'pdf s':>8}{'(t+c)/pdf':>11}  target ≤ {TARGET:.0%}"
    )
    lines = [head, "-" * len(head)]
    for s in splits:
        verdict = "PASS" if s.ratio <= TARGET else "FAIL"
        lines.append(
            f"{s.report:<24}{s.chart_count:>7}{s.pages:>6}{s.template:>12.3f}{s.charts:>10.3f}"
            f"{s.pdf:>8.3f}{s.ratio:>11.1%}  {verdict}"
        )
    total = Split(
        "all reports",
        sum(s.template for s in splits),
        sum(s.charts for s in splits),
        sum(s.pdf for s in splits),
        sum(s.chart_count for s in splits),
        sum(s.pages for s in splits),
    )
    lines.append("-" * len(head))
    lines.append(
        f"{total.report:<24}{total.chart_count:>7}{total.pages:>6}{total.template:>12.3f}"
        f"{total.charts:>10.3f}{total.pdf:>8.3f}{total.ratio:>11.1%}  "
        f"{'PASS' if total.ratio <= TARGET else 'FAIL'}"
    )
    if total.chart_count:
        lines.append(f"mean chart: {1000 * total.charts / total.chart_count:.1f} ms")
    ratios = sorted(s.ratio for s in splits)
    if ratios:
        lines.append(f"ratio per report: median {median(ratios):.1%}, worst {ratios[-1]:.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.render_split", description=__doc__)
    parser.add_argument("--inputs", type=Path, default=Path("inputs"))
    parser.add_argument("--quarter", default="2026-Q3")
    parser.add_argument("--repeat", type=int, default=3, help="renders per report; fastest kept")
    parser.add_argument("--partners", type=int, help="an evenly spaced sample of N partners")
    parser.add_argument("--no-portfolio", action="store_true", help="partners' reports only")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="seconds of what")
    args = parser.parse_args(argv)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # CSS it skips: known, not news
    settings = load_settings(args.inputs)
    run = quarterly_run(
        parse_quarter(args.quarter, settings.config.organisation.fiscal_year_start_month)
    )
    model = build_review(build_catalog(settings), load_sources(settings), run)
    reports = demo_reports(settings, model, args.partners, not args.no_portfolio)
    clock = ChartClock(now=CLOCKS[args.clock])
    with tempfile.TemporaryDirectory() as tmp, timed_charts(clock):
        folder = Path(tmp)
        first = next(iter(reports))
        write_pdf(reports[first](), folder / "warm-up.pdf")  # fonts, templates
        splits = [
            measure_report(name, render, clock, folder, max(1, args.repeat))
            for name, render in reports.items()
        ]
    print(
        f"Render split, quarterly {args.quarter}, fastest of {max(1, args.repeat)} per report,"
        f" {args.clock} seconds"
    )
    print(format_table(splits))


if __name__ == "__main__":
    main()
