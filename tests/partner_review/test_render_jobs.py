from __future__ import annotations

import gc
import pickle
from pathlib import Path

import pytest


def test_a_worker_freezes_the_model_it_loads_out_of_the_collectors_sight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partner_review import render_jobs, render_processes

    work = tmp_path / render_jobs.WORK_DIR
    work.mkdir()
    (work / render_jobs.MODEL_FILE).write_bytes(pickle.dumps(({"model": [1, 2]}, {"s": 1})))
    monkeypatch.setattr(render_processes, "_in_pool_worker", True)
    render_jobs._load_work.cache_clear()
    try:
        assert gc.get_freeze_count() == 0
        assert render_jobs._load_work(str(work)) == ({"model": [1, 2]}, {"s": 1})
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        render_jobs._load_work.cache_clear()
