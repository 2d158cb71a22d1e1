"""Prefect tasks: each one business step, passing paths and small values between them.

The frames travel through the run's staging work area (``.work/*.pkl``), not
through Prefect parameters. Side-effect tasks use ``NO_CACHE``; only I/O that
can fail transiently (reading inputs, publishing) is retried.
"""

from __future__ import annotations

import logging
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from partner_review.catalog import build_catalog
from partner_review.fingerprint import run_fingerprint, unchanged_reports
from partner_review.manifest import (
    build_manifest,
    read_manifest,
    record_unchanged_rerun,
    write_manifest,
)
from partner_review.paths import OutputPaths
from partner_review.render_jobs import (
    WORK_DIR,
    RenderResult,
    plan_jobs,
    run_jobs,
    save_render_input,
)
from partner_review.runfolder import (
    atomic_write_text,
    publish_folder,
    recover_run_folders,
    staging_folder,
)
from partner_review.settings import Settings, load_settings
from transforms.model import ReviewModel, SourceData
from transforms.periods import RunSpec
from transforms.slicing import without_observations

log = logging.getLogger("partner_review.run")
SOURCE_FILE = "source.pkl"
MODEL_FILE = "review.pkl"


@dataclass
class RunOutcome:
    """What a run left and whom it reached; small enough to be a flow's result."""

    kind: str
    label: str
    run_dir: str
    reports: int = 0
    render_failures: dict[str, str] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    delivery_problems: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False  # the published pack was kept: same inputs, configuration, code

    @property
    def failed(self) -> bool:
        return bool(self.render_failures or self.delivery_problems)


def _save(path: Path, value: object) -> None:
    with path.open("wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: Path) -> Any:
    with path.open("rb") as handle:
        return pickle.load(handle)  # written by this run


@task(name="load-configuration", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def load_configuration(inputs: Path) -> Settings:
    """config.yaml and the partner files, validated (ConfigError lists every problem)."""
    return load_settings(inputs)


@dataclass
class Publication:
    """The run's fingerprint, and the published reports when that run is whole and unchanged."""

    fingerprint: str
    reports: list[dict[str, Any]] | None = None


@task(name="check-publication", cache_policy=NO_CACHE)
def check_publication(settings: Settings, run: RunSpec, final: Path) -> Publication:
    """Whether the published run was made from these inputs, configuration and code."""
    for restored in recover_run_folders(final.parent):
        log.warning("restored %s left aside by an interrupted run", restored)
    fingerprint = run_fingerprint(settings, run)
    manifest = read_manifest(final)
    if manifest is None or not unchanged_reports(manifest, fingerprint, final):
        why = "no published run to keep" if manifest is None else "changed since published"
        log.info("run fingerprint %s: %s, building %s", fingerprint[:12], why, final.name)
        return Publication(fingerprint)
    log.info(
        "run fingerprint %s: inputs, configuration and code unchanged since %s was "
        "published (%s), keeping its reports",
        fingerprint[:12],
        final.name,
        manifest.get("created"),
    )
    return Publication(fingerprint, list(manifest.get("reports", [])))


@task(name="record-unchanged-rerun", cache_policy=NO_CACHE)
def record_unchanged(final: Path, timings: dict[str, float]) -> None:
    """The published manifest notes this rerun (its pack stays as it was)."""
    record_unchanged_rerun(final, read_manifest(final) or {}, timings)


@task(name="open-run-folder", cache_policy=NO_CACHE)
def open_run_folder(final: Path) -> Path:
    """A fresh staging folder beside the run's final place (check-publication recovered it)."""
    staging = staging_folder(final)
    (staging / WORK_DIR).mkdir()
    return staging


@task(name="ingest-inputs", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def ingest_inputs(settings: Settings, staging: Path) -> dict[str, int]:
    """Every input file read; rows kept, rejected and superseded counted."""
    from partner_review.ingest import load_sources

    source = load_sources(settings)
    _save(staging / WORK_DIR / SOURCE_FILE, source)
    counts = {
        "files": len(source.files),
        "rows": len(source.observations),
        "rejected": len(source.rejected),
        "superseded": len(source.superseded),
    }
    log.info(
        "read %(files)d files: %(rows)d rows kept, %(rejected)d rejected, "
        "%(superseded)d superseded",
        counts,
    )
    return counts


@task(name="compute-review", cache_policy=NO_CACHE)
def compute_review(settings: Settings, run: RunSpec, staging: Path) -> dict[str, int]:
    """Scorecard, credits, objectives, signals and deviations for the run."""
    from transforms.review import build_review

    source: SourceData = _load(staging / WORK_DIR / SOURCE_FILE)
    model = build_review(build_catalog(settings), source, run)
    del source  # the observation rows live on in the model only (peak memory)
    # the later tasks never read observation rows (restatements read source.pkl): the
    # model is saved without them, so each task that loads it loads the model's frames only
    model = without_observations(model)
    _save(staging / WORK_DIR / MODEL_FILE, model)
    counts = {"deviations": len(model.deviations), "credits": len(model.credits)}
    log.info("computed %(deviations)d deviations and %(credits)d credits", counts)
    return counts


@task(name="write-tables", cache_policy=NO_CACHE)
def write_tables(staging: Path) -> dict[str, int]:
    """scorecard, objectives, deviations, credits and rejected_rows CSVs."""
    from partner_review.writers import write_tables as write_csvs

    model: ReviewModel = _load(staging / WORK_DIR / MODEL_FILE)
    return write_csvs(model, staging)


@task(name="record-restatements", cache_policy=NO_CACHE)
def record_restatements(settings: Settings, staging: Path, final: Path) -> dict[str, int]:
    """restatements.csv when the period was published before: {file name: rows}, else {}."""
    from partner_review.restatement import RESTATEMENTS_CSV, write_restatements

    source: SourceData = _load(staging / WORK_DIR / SOURCE_FILE)
    count = write_restatements(settings, source, staging, final)
    if count:
        log.info("%d figures restated since the previous publication", count)
    return {} if count is None else {RESTATEMENTS_CSV: count}


@task(name="render-reports", cache_policy=NO_CACHE)
def render_reports(
    settings: Settings,
    staging: Path,
    final: Path,
    workers: int,
    dask_address: str | None,
    pool: ProcessPoolExecutor | None = None,
) -> list[dict[str, Any]]:
    """Every partner's report and the portfolio, HTML and PDF, in each report language
    (in ``pool``, the run's render processes started early, when given)."""
    from partner_review.restatement import with_restatements

    model: ReviewModel = without_observations(_load(staging / WORK_DIR / MODEL_FILE))
    model = with_restatements(model, staging)
    save_render_input(model, settings, staging)
    previous = read_manifest(final) or {}
    fingerprints = {r["name"]: r.get("fingerprint", "") for r in previous.get("reports", [])}
    jobs = plan_jobs(model, settings, staging, fingerprints, final if previous else None)

    def _done(result: RenderResult) -> None:
        if result.error:
            log.error("%s failed to render: %s", result.name, result.error)
        else:
            how = "reused" if result.reused else f"{result.pages} pages"
            log.info("rendered %s (%s)", result.name, how)

    results = run_jobs(jobs, workers, dask_address, _done, pool)
    return [r.to_json() for r in sorted(results, key=lambda r: r.name)]


@task(name="publish-run", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def publish_run(
    settings: Settings,
    run: RunSpec,
    staging: Path,
    final: Path,
    tables: dict[str, int],
    reports: list[dict[str, Any]],
    timings: dict[str, float],
    fingerprint: str,
) -> Path:
    """Write the manifest, drop the work area and replace the run's folder whole."""
    source: SourceData = _load(staging / WORK_DIR / SOURCE_FILE)
    manifest = build_manifest(run, settings, source.files, tables, reports, timings, fingerprint)
    write_manifest(staging, manifest)
    _remove_tree(staging / WORK_DIR)
    publish_folder(staging, final)
    log.info("published %s", final)
    return final


@task(name="deliver-reports", cache_policy=NO_CACHE)
def deliver_reports(
    settings: Settings,
    run: RunSpec,
    final: Path,
    outputs: Path,
    render_failures: dict[str, str],
    send: bool,
    resend: bool,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Email each stakeholder once; outcomes recorded in the ledger and the manifest."""
    from partner_review.delivery import deliver_run

    report = deliver_run(
        final,
        run.kind,
        run.label,
        settings,
        OutputPaths(outputs),
        render_failures,
        send=send,
        resend=resend,
    )
    outcomes = [asdict(o) for o in report.outcomes]
    manifest = read_manifest(final) or {}
    manifest["deliveries"] = outcomes
    manifest["status"] = "deliveries_failed" if report.failed else "complete"
    write_manifest(final, manifest)
    problems = report.summary_lines() if report.failed else []
    for line in problems:
        log.error("%s", line)
    return outcomes, problems


@task(name="publish-index", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def publish_index(outputs: Path) -> Path:
    """outputs/index.html: every run, newest first."""
    from partner_review.rendering import render_index_html

    paths = OutputPaths(outputs)
    atomic_write_text(paths.index, render_index_html(outputs))
    return paths.index


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


class Stopwatch:
    """Wall time per stage of a flow."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = now - self._start
        self._start = now
