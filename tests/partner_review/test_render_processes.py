from __future__ import annotations

import os
import time

import psutil
import pytest

from partner_review.render_processes import early_render_pool, render_pool, warm_worker


def test_render_pool_is_none_when_rendering_in_process_or_on_dask() -> None:
    with render_pool(1) as pool:
        assert pool is None
    with render_pool(2, "tcp://127.0.0.1:8786") as pool:
        assert pool is None


def _workers_started(pool: object, count: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes = getattr(pool, "_processes", None) or {}
        if len(processes) >= count and all(psutil.pid_exists(pid) for pid in processes):
            return True
        time.sleep(0.1)
    return False


def test_render_pool_starts_its_workers_before_any_job_is_submitted() -> None:
    with render_pool(2) as pool:
        assert _workers_started(pool, 2, seconds=120)


def test_render_pool_serves_jobs_in_other_processes_and_stops_them_on_exit() -> None:
    with render_pool(2) as pool:
        assert pool is not None
        pids = {pool.submit(warm_worker).result(timeout=120) for _ in range(4)}
        assert os.getpid() not in pids
        assert 1 <= len(pids) <= 2
    with pytest.raises(RuntimeError):
        pool.submit(warm_worker)


def test_render_pool_shuts_down_when_the_run_fails_before_rendering() -> None:
    with pytest.raises(ValueError, match="ingest failed"), render_pool(2) as pool:
        raise ValueError("ingest failed")
    assert pool is not None
    with pytest.raises(RuntimeError):
        pool.submit(warm_worker)


def test_warm_worker_lays_out_a_pdf_in_this_process() -> None:
    assert warm_worker() == os.getpid()


def _is_pool_worker() -> bool:
    from partner_review import render_processes

    return render_processes.in_pool_worker()


def test_render_pool_processes_know_they_are_workers_and_this_one_does_not() -> None:
    with render_pool(2) as pool:
        assert pool is not None
        assert pool.submit(_is_pool_worker).result(timeout=120) is True
    assert _is_pool_worker() is False


def test_render_pool_takes_over_the_pool_started_early_with_its_workers_warm() -> None:
    with early_render_pool(2):
        with render_pool(2) as early:
            assert _workers_started(early, 2, seconds=120)
        with pytest.raises(RuntimeError):  # shut down by the render_pool that took it
            early.submit(warm_worker)  # type: ignore[union-attr]
        with render_pool(2) as later:  # taken once: the next run starts its own
            assert later is not early
            assert later is not None and later.submit(warm_worker).result(timeout=120) > 0


def test_a_pool_started_early_and_never_taken_over_stops_when_the_command_ends() -> None:
    from partner_review import render_processes

    with early_render_pool(2):
        started = render_processes._early
        assert started is not None
        assert _workers_started(started.executor, 2, seconds=120)
        pids = set(started.executor._processes)  # type: ignore[attr-defined]
    assert render_processes._early is None
    with pytest.raises(RuntimeError):
        started.executor.submit(warm_worker)
    deadline = time.monotonic() + 30
    while any(psutil.pid_exists(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(psutil.pid_exists(pid) for pid in pids)


def test_an_early_pool_of_another_size_is_not_taken_and_still_stops() -> None:
    from partner_review import render_processes

    with early_render_pool(3):
        started = render_processes._early
        with render_pool(2) as own:
            assert own is not None and own is not started.executor  # type: ignore[union-attr]
        assert render_processes._early is started
    with pytest.raises(RuntimeError):
        started.executor.submit(warm_worker)  # type: ignore[union-attr]


def test_no_pool_is_started_early_for_in_process_or_dask_rendering() -> None:
    from partner_review import render_processes

    with early_render_pool(1):
        assert render_processes._early is None
    with early_render_pool(2, "tcp://127.0.0.1:8786"):
        assert render_processes._early is None
