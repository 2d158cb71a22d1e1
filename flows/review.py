"""The nightly and quarterly review flows (SPEC §4).

Each flow body reads as the business steps: load the configuration → check
the published run (inputs, configuration and code unchanged: keep its pack) →
ingest → compute → write tables → render → publish → deliver (the UI artifacts
meanwhile) → index. A run holds the outputs folder's lock from start to end; its
folder is replaced whole at publish.
The flow ends Failed when a report failed to render or a delivery failed,
after every report was written and every other email sent.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from prefect import flow
from prefect.context import FlowRunContext
from prefect.states import Completed, Failed, State
from prefect.utilities.annotations import quote

from flows.artifacts import publish_artifacts
from flows.tasks import (
    RunOutcome,
    Stopwatch,
    check_publication,
    compute_review,
    deliver_reports,
    ingest_inputs,
    load_configuration,
    open_run_folder,
    publish_index,
    publish_run,
    record_restatements,
    record_unchanged,
    render_reports,
    write_tables,
)
from partner_review.errors import UsageError
from partner_review.fingerprint import publication_current
from partner_review.lock import RunLock
from partner_review.paths import OutputPaths
from partner_review.render_processes import default_workers, early_render_pool, render_pool
from partner_review.settings import Settings
from transforms.periods import (
    RunSpec,
    last_complete_quarter,
    nightly_run,
    parse_quarter,
    quarterly_run,
    yesterday,
)


def today_in(settings: Settings) -> date:
    """Today in the organisation's time zone (schedules and "yesterday" are in it)."""
    return datetime.now(ZoneInfo(settings.config.organisation.timezone)).date()


def plan_nightly(settings: Settings, as_of: date | None) -> RunSpec:
    return nightly_run(as_of or yesterday(today_in(settings)))


def plan_quarterly(settings: Settings, quarter: str | None) -> RunSpec:
    fy_start = settings.config.organisation.fiscal_year_start_month
    if quarter is None:
        return quarterly_run(last_complete_quarter(today_in(settings), fy_start))
    try:
        return quarterly_run(parse_quarter(quarter, fy_start))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@flow(name="nightly-review", log_prints=False, validate_parameters=True)
def nightly_review(
    as_of: date | None = None,
    inputs: Path = Path("inputs"),
    outputs: Path = Path("outputs"),
    send: bool = True,
    resend: bool = False,
    workers: int | None = None,
    dask_address: str | None = None,
) -> State:
    """Last complete month and month to date: digest reports and on-change emails."""
    settings = load_configuration(inputs)
    run = plan_nightly(settings, as_of)
    return _review(settings, run, inputs, outputs, send, resend, workers, dask_address)


@flow(name="quarterly-review", log_prints=False, validate_parameters=True)
def quarterly_review(
    quarter: str | None = None,
    inputs: Path = Path("inputs"),
    outputs: Path = Path("outputs"),
    send: bool = True,
    resend: bool = False,
    workers: int | None = None,
    dask_address: str | None = None,
) -> State:
    """The QBR pack: each month of the quarter, the quarter, and two comparison quarters."""
    settings = load_configuration(inputs)
    run = plan_quarterly(settings, quarter)
    return _review(settings, run, inputs, outputs, send, resend, workers, dask_address)


def run_folder(outputs: Path, run: RunSpec) -> Path:
    paths = OutputPaths(outputs)
    return paths.nightly_run(run.label) if run.kind == "nightly" else paths.quarterly_run(run.label)


def early_render_processes(
    settings: Settings,
    run: RunSpec,
    outputs: Path,
    workers: int | None,
    dask_address: str | None = None,
) -> AbstractContextManager[None]:
    """The run's render processes started now, before its flow (which takes them over), as
    :func:`partner_review.render_processes.early_render_pool`; none when the published pack
    is current: a run that keeps it renders nothing."""
    renders = not publication_current(settings, run, run_folder(outputs, run))
    return early_render_pool((workers or default_workers()) if renders else 0, dask_address)


def _passed_whole(settings: Settings) -> Settings:
    """The settings as a task argument that Prefect hands over without walking it.

    Prefect visits every object of a task's arguments (futures to resolve, inputs to
    record): the settings of 100 partners are ~40,000 objects, ~0.2 s of every task call
    that takes them, seven per run. Quoted, the task still receives the settings, and the
    UI shows no dependency edge for them. Outside a flow run (the flow's plain function)
    there is nothing to skip."""
    if FlowRunContext.get() is None:
        return settings
    return cast(Settings, quote(settings))


def _review(
    settings: Settings,
    run: RunSpec,
    inputs: Path,
    outputs: Path,
    send: bool,
    resend: bool,
    workers: int | None,
    dask_address: str | None,
) -> State:
    clock = Stopwatch()
    final = run_folder(outputs, run)
    settings = _passed_whole(settings)
    with RunLock(OutputPaths(outputs).lock, f"{run.kind} {run.label}"):
        published = check_publication(settings, run, final)
        clock.lap("check")
        if published.reports is not None:
            reports = published.reports
            record_unchanged(final, clock.timings)
        else:
            reports = _build(
                settings, run, final, published.fingerprint, workers, dask_address, clock
            )
        failures = {r["name"]: r["error"] for r in reports if r["error"]}
        # the UI artifacts read only the published folder: sent while the emails are written
        artifacts = publish_artifacts.submit(run, final, links=published.reports is None)
        deliveries, problems = deliver_reports(
            settings, run, final, outputs, failures, send, resend
        )
        clock.lap("deliver")
        publish_index(outputs)
        artifacts.result()
        clock.lap("index")
    outcome = RunOutcome(
        run.kind,
        run.label,
        str(final),
        len(reports),
        failures,
        deliveries,
        problems,
        clock.timings,
        unchanged=published.reports is not None,
    )
    if outcome.failed:
        what = [f"{name} failed to render" for name in failures] + problems
        return Failed(message="; ".join(what), data=outcome)
    done = "unchanged, kept" if outcome.unchanged else "published"
    return Completed(message=f"{run.kind} {run.label} {done}", data=outcome)


def _build(
    settings: Settings,
    run: RunSpec,
    final: Path,
    fingerprint: str,
    workers: int | None,
    dask_address: str | None,
    clock: Stopwatch,
) -> list[dict[str, Any]]:
    """Ingest, compute, write the tables and render into staging, then publish it whole.

    The render processes start first: they import and warm up while the run ingests."""
    staging = open_run_folder(final)
    workers = workers or default_workers()
    with render_pool(workers, dask_address) as pool:
        ingest_inputs(settings, staging)
        clock.lap("ingest")
        compute_review(settings, run, staging)
        clock.lap("compute")
        tables = write_tables(staging)
        tables |= record_restatements(settings, staging, final)
        clock.lap("tables")
        reports = render_reports(settings, staging, final, workers, dask_address, pool)
        clock.lap("render")
    publish_run(settings, run, staging, final, tables, reports, clock.timings, fingerprint)
    clock.lap("publish")
    return reports
