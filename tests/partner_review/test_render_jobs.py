from __future__ import annotations

import gc
import os
import pickle
import time
from pathlib import Path

import psutil
import pytest

from partner_review.render_jobs import render_pool, warm_worker


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
    from partner_review import render_jobs

    return render_jobs._in_pool_worker


def test_render_pool_processes_know_they_are_workers_and_this_one_does_not() -> None:
    with render_pool(2) as pool:
        assert pool is not None
        assert pool.submit(_is_pool_worker).result(timeout=120) is True
    assert _is_pool_worker() is False


def test_a_worker_freezes_the_model_it_loads_out_of_the_collectors_sight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partner_review import render_jobs

    work = tmp_path / render_jobs.WORK_DIR
    work.mkdir()
    (work / render_jobs.MODEL_FILE).write_bytes(pickle.dumps(({"model": [1, 2]}, {"s": 1})))
    monkeypatch.setattr(render_jobs, "_in_pool_worker", True)
    render_jobs._load_work.cache_clear()
    try:
        assert gc.get_freeze_count() == 0
        assert render_jobs._load_work(str(work)) == ({"model": [1, 2]}, {"s": 1})
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        render_jobs._load_work.cache_clear()
