"""Compute only, in a process of its own: configuration, ingestion, review model, CSVs.

``python -m benchmarks.compute --inputs DIR --outputs DIR --quarter 2026-Q3
[--render-sample N] --json FILE`` runs the pipeline's own functions without
orchestration or reports (load_settings → load_sources → build_catalog →
build_review → write_tables), then optionally renders the first N partners'
reports (HTML, then PDF) to time a sample. It writes, per stage, wall and CPU
seconds and the process's peak RSS so far, as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


class _Stages:
    """Wall and CPU seconds per stage, and the process's peak RSS after each."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def time(self, name: str, work: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        self.rows.append(
            {
                "stage": name,
                "wall": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            }
        )
        return result


def run_compute(inputs: Path, outputs: Path, quarter: str, render_sample: int) -> dict[str, Any]:
    from flows.review import plan_quarterly
    from partner_review.catalog import build_catalog
    from partner_review.ingest import load_sources
    from partner_review.settings import load_settings
    from partner_review.writers import write_tables
    from transforms.review import build_review

    stages = _Stages()
    settings = stages.time("settings", lambda: load_settings(inputs))
    run = plan_quarterly(settings, quarter)
    source = stages.time("ingest", lambda: load_sources(settings))
    catalog = stages.time("catalog", lambda: build_catalog(settings))
    model = stages.time("review", lambda: build_review(catalog, source, run))
    outputs.mkdir(parents=True, exist_ok=True)
    tables = stages.time("tables", lambda: write_tables(model, outputs))
    result: dict[str, Any] = {
        "stages": stages.rows,
        "rows": len(source.observations),
        "rejected": len(source.rejected),
        "tables": tables,
    }
    if render_sample:
        result["renders"] = _render_sample(model, settings, outputs, render_sample)
    return result


def _render_sample(model: Any, settings: Any, outputs: Path, count: int) -> list[dict[str, Any]]:
    """The first ``count`` partners' reports: seconds for HTML (charts, templates) and PDF."""
    from partner_review.rendering import render_partner_html, write_pdf
    from transforms.slicing import model_for_partner, without_observations

    slim = without_observations(model)
    language = settings.config.organisation.language
    rows = []
    for pid in sorted(settings.partners)[:count]:
        start = time.perf_counter()
        html = render_partner_html(model_for_partner(slim, pid), settings, pid, language)
        middle = time.perf_counter()
        pages = write_pdf(html, outputs / f"{pid}.pdf")
        end = time.perf_counter()
        rows.append(
            {
                "name": pid,
                "html_seconds": middle - start,
                "pdf_seconds": end - middle,
                "pages": pages,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compute a review without orchestration.")
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--outputs", type=Path, required=True)
    parser.add_argument("--quarter", required=True)
    parser.add_argument("--render-sample", type=int, default=0)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args(argv)
    from partner_review.environment import apply_defaults

    apply_defaults()
    result = run_compute(args.inputs, args.outputs, args.quarter, args.render_sample)
    args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
