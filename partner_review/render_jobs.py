"""Rendering every report of a run in worker processes, or on a Dask cluster.

WeasyPrint is CPU-bound and not documented thread-safe, so each report renders
in a process of its own pool (``--workers``, default the CPU count), or on an
existing Dask cluster (``--dask-address``). A job carries only paths and small
values; the worker loads the run's pickled review model once per process.

The pool is started before the run has anything to render
(:mod:`partner_review.render_processes`), so the first report starts rendering at once.

In a pool worker the review model and the imported modules are frozen out of
the garbage collector's sight once loaded, collections are rare while a report
renders, and the report's cyclic garbage (WeasyPrint's layout) is collected
when its PDF is written, counted in the PDF's time: no collection that walks the
whole worker lands in the middle of the next report's HTML.

A report whose fingerprint (what it shows, the templates and the code version)
equals the one recorded for the same file in the previous publication of the
run is copied from there instead of being rendered again.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from partner_review import __version__
from partner_review.paths import TEMPLATES_DIR
from partner_review.render_processes import in_pool_worker, new_pool
from partner_review.runfolder import atomic_write_text
from partner_review.settings import Settings
from transforms.model import ReviewModel
from transforms.slicing import fingerprint_model, model_for_partner, partner_fingerprints

WORK_DIR = ".work"
MODEL_FILE = "model.pkl"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderJob:
    """One report to produce: the portfolio or one partner, in one language."""

    work_dir: str
    subject: Literal["partner", "portfolio"]
    partner_id: str | None
    language: str
    html_path: str
    pdf_path: str
    fingerprint: str
    reuse_from: str | None  # folder of the previous publication, if its fingerprint matches


@dataclass(frozen=True)
class RenderResult:
    """What rendering one report gave: pages and seconds, or the error.

    ``html_seconds``: building the report's HTML (charts and templates); ``pdf_seconds``:
    WeasyPrint's layout and drawing and writing the PDF file. Writing the HTML file is in
    neither."""

    name: str
    pages: int = 0
    html_seconds: float = 0.0
    pdf_seconds: float = 0.0
    reused: bool = False
    fingerprint: str = ""
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def save_render_input(model: ReviewModel, settings: Settings, staging: Path) -> Path:
    """Pickle what the workers need into the staging folder's work area."""
    work = staging / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    with (work / MODEL_FILE).open("wb") as handle:
        pickle.dump((model, settings), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return work


def plan_jobs(
    model: ReviewModel,
    settings: Settings,
    staging: Path,
    previous: dict[str, str],
    previous_dir: Path | None,
) -> list[RenderJob]:
    """Every report of the run, each partner and the portfolio in each report language,
    largest first: the portfolio, then partners by their number of scorecard rows."""
    from partner_review.rendering import report_file_name, report_languages

    common = (_code_version(), settings.config.model_dump_json())
    partners = partner_fingerprints(
        model,
        {pid: (*common, settings.partners[pid].model_dump_json()) for pid in settings.partners},
    )
    sizes = model.scorecard["partner_id"].value_counts() if len(model.scorecard) else None
    order = sorted(settings.partners, key=lambda pid: (-_size(sizes, pid), pid))
    subjects: list[tuple[Literal["partner", "portfolio"], str | None, str]] = [
        ("portfolio", None, fingerprint_model(model, *common, ""))
    ]
    subjects += [("partner", pid, partners[pid]) for pid in order]
    jobs = []
    for subject, pid, base in subjects:
        for language in report_languages(settings):
            stem = report_file_name(pid or "portfolio", language, settings)
            fingerprint = hashlib.sha256(f"{base}:{language}".encode()).hexdigest()
            reuse = None
            if previous_dir is not None and previous.get(f"{stem}.pdf") == fingerprint:
                reuse = str(previous_dir)
            jobs.append(
                RenderJob(
                    str(staging / WORK_DIR),
                    subject,
                    pid,
                    language,
                    str(staging / f"{stem}.html"),
                    str(staging / f"{stem}.pdf"),
                    fingerprint,
                    reuse,
                )
            )
    return jobs


def _size(sizes: pd.Series | None, partner_id: str) -> int:
    return int(sizes.get(partner_id, 0)) if sizes is not None else 0


def run_jobs(
    jobs: list[RenderJob],
    workers: int,
    dask_address: str | None = None,
    on_done: Callable[[RenderResult], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> list[RenderResult]:
    """Render the jobs (copies first, then new renders in parallel, in ``pool`` if given:
    the caller shuts it down)."""
    results: list[RenderResult] = []
    todo: list[RenderJob] = []
    for job in jobs:
        copied = _copy_previous(job) if job.reuse_from else None
        if copied is None:
            todo.append(job)
            continue
        results.append(copied)
        if on_done:
            on_done(copied)
    for result in _execute(todo, workers, dask_address, pool):
        results.append(result)
        if on_done:
            on_done(result)
    return results


def _execute(
    jobs: list[RenderJob],
    workers: int,
    dask_address: str | None,
    pool: ProcessPoolExecutor | None = None,
) -> Iterable[RenderResult]:
    if not jobs:
        return []
    if dask_address:
        from distributed import Client, as_completed

        client = Client(dask_address, timeout="30s")
        try:
            futures = client.map(render_job, jobs, pure=False)
            return [future.result() for future in as_completed(futures)]
        finally:
            client.close()
    if pool is not None:
        return pool.map(render_job, jobs)
    if workers <= 1 or len(jobs) == 1:
        return (render_job(job) for job in jobs)
    return _drain(new_pool(min(workers, len(jobs))), jobs)


def _drain(executor: ProcessPoolExecutor, jobs: list[RenderJob]) -> Iterable[RenderResult]:
    with executor:
        yield from executor.map(render_job, jobs)


def render_job(job: RenderJob) -> RenderResult:
    """Render one report to HTML and PDF; any failure is returned, never raised."""
    from partner_review.rendering import write_pdf
    from partner_review.rendering.pdf import fewer_collections

    name = Path(job.pdf_path).name
    try:
        model, settings = _load_work(job.work_dir)
        with fewer_collections():
            start = time.perf_counter()
            html = _report_html(job, model, settings)
            built = time.perf_counter()
            atomic_write_text(Path(job.html_path), html, durable=False)  # synced at publish
            middle = time.perf_counter()
            pages = write_pdf(html, Path(job.pdf_path), durable=False)
            if in_pool_worker():
                gc.collect()  # the report's cyclic garbage (WeasyPrint's boxes): PDF time
            end = time.perf_counter()
    except Exception as exc:  # a broken report must not stop the others
        return RenderResult(name, fingerprint=job.fingerprint, error=f"{type(exc).__name__}: {exc}")
    if pages <= 0 or Path(job.pdf_path).stat().st_size == 0:
        return RenderResult(name, fingerprint=job.fingerprint, error="the PDF came out empty")
    return RenderResult(name, pages, built - start, end - middle, False, job.fingerprint)


def _report_html(job: RenderJob, model: ReviewModel, settings: Settings) -> str:
    from partner_review.rendering import render_partner_html, render_portfolio_html

    if job.subject == "portfolio":
        return render_portfolio_html(model, settings, job.language)
    assert job.partner_id is not None
    partner = model_for_partner(model, job.partner_id)
    return render_partner_html(partner, settings, job.partner_id, job.language)


def _copy_previous(job: RenderJob) -> RenderResult | None:
    """The previous publication's files for this job, or None if they cannot be had."""
    assert job.reuse_from is not None
    try:
        for target in (job.html_path, job.pdf_path):
            source = Path(job.reuse_from) / Path(target).name
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
    except OSError:
        return None
    return RenderResult(Path(job.pdf_path).name, reused=True, fingerprint=job.fingerprint)


@functools.lru_cache(maxsize=2)
def _load_work(work_dir: str) -> tuple[ReviewModel, Settings]:
    with (Path(work_dir) / MODEL_FILE).open("rb") as handle:
        loaded: tuple[ReviewModel, Settings] = pickle.load(handle)  # our own file
    if in_pool_worker():
        # the model and the modules live as long as the worker: out of the collector's
        # sight, each collection walks only what the reports leave (not ~300k objects)
        gc.collect()  # what loading left behind, before it is frozen for the worker's life
        gc.freeze()
    return loaded


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """The package version and a hash of every template, so a template edit re-renders."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(TEMPLATES_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    package = Path(__file__).parent
    for path in sorted([*package.glob("rendering/**/*.py"), *package.glob("locales/**/*.po")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()
