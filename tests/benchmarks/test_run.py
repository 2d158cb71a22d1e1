"""The harness end to end at a tiny size: compute only on S, figures written as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.run import main


def test_compute_only_on_s_writes_rows_stages_and_a_render_sample(tmp_path: Path) -> None:
    code = main(["--size", "S", "--compute-only", "--render-sample", "1", "--out", str(tmp_path)])
    assert code == 0
    (written,) = tmp_path.glob("S-*.json")
    result = json.loads(written.read_text())
    compute = result["runs"]["compute-S"]
    summary = json.loads((tmp_path / "inputs-S" / ".synth.json").read_text())
    # every row kept but the corrections file's 3 bad rows; each restated or repeated
    # row replaces the row it duplicates, so the count is the generated rows exactly
    assert compute["rows"] == summary["observation_rows"] + summary["survey_rows"]
    assert compute["rejected"] == 3
    assert [s["stage"] for s in compute["stages"]] == [
        "settings",
        "ingest",
        "catalog",
        "review",
        "tables",
    ]
    assert compute["peak_rss"] > 0
    assert [r["name"] for r in compute["renders"]] == ["P0001"]
    assert (tmp_path / "runs" / "compute-S" / "scorecard.csv").is_file()
    assert (tmp_path / "runs" / "compute-S" / "P0001.pdf").is_file()
    assert result["machine"]["cpus"] >= 1
