"""Rendering on a real Dask cluster (distributed.LocalCluster), as --dask-address does."""

from __future__ import annotations

import json
from pathlib import Path

from distributed import LocalCluster

from flows.review import nightly_review


def test_nightly_renders_every_report_on_a_dask_cluster(inputs_copy: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        state = nightly_review(
            as_of="2026-11-16",
            inputs=inputs_copy,
            outputs=outputs,
            send=False,
            dask_address=cluster.scheduler_address,
            return_state=True,
        )
    assert state.is_completed(), state.message
    run_dir = outputs / "nightly" / "2026-11-16"
    manifest = json.loads((run_dir / "manifest.json").read_text())
    partners = sorted(p.stem for p in (inputs_copy / "partners").glob("*.yaml"))
    rendered = {r["name"]: r for r in manifest["reports"]}
    for pid in partners:
        assert rendered[f"{pid}.pdf"]["pages"] > 0 and not rendered[f"{pid}.pdf"]["error"]
        assert (run_dir / f"{pid}.pdf").read_bytes().startswith(b"%PDF")
    assert rendered["portfolio.pdf"]["pages"] > 0
