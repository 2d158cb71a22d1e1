"""The run's render processes: a pool started before there is anything to render.

WeasyPrint is CPU-bound and not documented thread-safe, so reports render in a
pool of worker processes. The pool is started early (:func:`render_pool`): its
forkserver imports pandas, Jinja2 and WeasyPrint and each worker lays out a
one-line PDF (fonts found) while the run ingests and computes, so the first
report starts rendering at once.

The command line starts it earlier still (:func:`early_render_pool`): while a
temporary Prefect server boots, the run's own process only waits, and a core is
free. The flow's :func:`render_pool` then takes that pool over instead of
starting its own; a pool nobody takes (a rerun that keeps its publication
renders nothing, a run that fails first) is shut down when the command ends.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

# imported once by the pool's forkserver; every worker is forked from it with them loaded
WORKER_PRELOAD = [
    "partner_review.render_jobs",
    "partner_review.rendering.html",
    "partner_review.rendering.pdf",
]
log = logging.getLogger(__name__)
_in_pool_worker = False  # set by _enter_worker in the pool's processes


@dataclass
class _StartedPool:
    """A pool and the thread that starts its workers, for ``workers`` processes."""

    executor: ProcessPoolExecutor
    starter: threading.Thread
    workers: int

    def shut_down(self) -> None:
        """Stop it (pending warm-ups cancelled, running ones finished)."""
        self.starter.join()
        self.executor.shutdown(wait=True, cancel_futures=True)


_early: _StartedPool | None = None  # started by early_render_pool, not yet taken over
_early_lock = threading.Lock()


def in_pool_worker() -> bool:
    """Whether this process is one of a render pool's workers."""
    return _in_pool_worker


@contextmanager
def early_render_pool(workers: int, dask_address: str | None = None) -> Iterator[None]:
    """Start the pool :func:`render_pool` would start, now; shut it down on exit unless a
    :func:`render_pool` took it over meanwhile (no pool when it would yield None)."""
    global _early
    if dask_address or workers <= 1:
        yield
        return
    started = _start(workers)
    with _early_lock:
        _early = started
    try:
        yield
    finally:
        with _early_lock:
            unclaimed, _early = _early is started, None
        if unclaimed:
            started.shut_down()


@contextmanager
def render_pool(
    workers: int, dask_address: str | None = None
) -> Iterator[ProcessPoolExecutor | None]:
    """A pool of ``workers`` render processes warming up in the background (None when the
    run renders in this process or on a Dask cluster): the one :func:`early_render_pool`
    started if it has as many workers, else one started now; shut down on exit."""
    if dask_address or workers <= 1:
        yield None
        return
    started = _take_early(workers) or _start(workers)
    try:
        yield started.executor
    finally:
        started.shut_down()


def default_workers() -> int:
    """One render process per CPU this process may run on."""
    return max(
        1,
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1),
    )


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes forked from a forkserver that preloaded the renderer."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_enter_worker)


def warm_worker() -> int:
    """Lay out a one-line PDF in this process (fontconfig and the fonts loaded); its pid."""
    from weasyprint import HTML

    HTML(string="<p style='font-family: \"DejaVu Sans\"'>warm</p>").write_pdf()
    return os.getpid()


def _start(workers: int) -> _StartedPool:
    executor = new_pool(workers)
    # starting a worker waits for the forkserver's imports: a thread does it meanwhile
    starter = threading.Thread(target=_warm_up, args=(executor, workers), daemon=True)
    starter.start()
    return _StartedPool(executor, starter, workers)


def _take_early(workers: int) -> _StartedPool | None:
    global _early
    with _early_lock:
        if _early is None or _early.workers != workers:
            return None
        taken, _early = _early, None
    return taken


def _enter_worker() -> None:
    """Mark this process as a render pool worker (see :func:`in_pool_worker`)."""
    global _in_pool_worker
    _in_pool_worker = True


def _warm_up(executor: ProcessPoolExecutor, workers: int) -> None:
    """One warm-up per worker (each submission starts a worker while none is idle)."""
    try:
        for _ in range(workers):
            executor.submit(warm_worker)
    except RuntimeError as exc:  # the pool was shut down first: nothing left to warm
        log.debug("render pool warm-up stopped: %s", exc)
