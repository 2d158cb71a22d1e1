"""``python -m benchmarks.bounds``: resource bounds of the real command line (issue #8, item 5).

Four inputs folders built from the demo inputs (``benchmarks/bounds_inputs.py``),
each run once by the real command line as a measured subprocess
(``python -m partner_review.cli run nightly --as-of 2026-11-16 --inputs X
--outputs Y``, deliveries to the outbox: SMTP_* removed from its environment):

* ``demo``: the demo as it is, the reference for the ratios;
* ``many-files``: 10,000 one-row observation files;
* ``big-partner``: OUTOKIA-CX with 5,000 survey answers a month per survey KPI;
* ``oversized``: ``limits.max_file_mb: 20`` and a 60 MB observation file, which
  must be refused with its message while the run goes on.

For each it prints wall, CPU and peak memory of the process tree
(``benchmarks.measure``), the run's stages, the files and rows it read, and
the rows kept, rejected and superseded (the run's own log line); for
``oversized`` the refusal as written in rejected_rows.csv. Everything goes
under ``outputs/bench/bounds/`` (inputs, runs, logs), the figures to
``outputs/bench/bounds-<timestamp>.json``. Exit code 1 when a run fails or the
oversized file is not refused.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import bounds_inputs as build
from benchmarks.measure import MIB, StageFigures, child_env, run_measured, stage_figures
from benchmarks.report import stage_table
from benchmarks.session import PROJECT, machine, read_json, say, snapshot_code

AS_OF = "2026-11-16"
BUILDERS: dict[str, Callable[[Path], build.Built]] = {
    "demo": lambda target: _demo_copy(target),
    "oversized": build.build_oversized,
    "big-partner": build.build_big_partner,
    "many-files": build.build_many_files,
}
_READ = re.compile(
    r"INFO read (?P<files>\d+) files: (?P<kept>\d+) rows kept, (?P<rejected>\d+) rejected, "
    r"(?P<superseded>\d+) superseded"
)


def run_scenario(name: str, out: Path, code: Path, workers: int) -> dict[str, Any]:
    """Build the scenario's inputs, run the nightly job on them, and read its figures back."""
    inputs, outputs = out / f"inputs-{name}", out / "runs" / name
    say(f"{name}: building inputs in {inputs}")
    clock = time.perf_counter()
    built = BUILDERS[name](inputs)
    build_seconds = time.perf_counter() - clock
    shutil.rmtree(outputs, ignore_errors=True)
    argv = [
        sys.executable, "-m", "partner_review.cli", "run", "nightly", "--as-of", AS_OF,
        "--inputs", str(inputs), "--outputs", str(outputs), "--workers", str(workers),
    ]  # fmt: skip
    say(f"{name}: {' '.join(argv[1:])}")
    measured = run_measured(argv, out / "logs" / f"{name}.log", child_env(code))
    run_dir = outputs / "nightly" / AS_OF
    manifest = read_json(run_dir / "manifest.json")
    data_files = [i for i in manifest.get("inputs", []) if i.get("rows") is not None]
    counts = _read_counts(measured.log)
    entry: dict[str, Any] = {
        "returncode": measured.returncode,
        "status": manifest.get("status"),
        "build_seconds": build_seconds,
        "written": {"files": built.files, "rows": built.rows, "bad_rows": built.bad_rows},
        "wall": measured.wall,
        "cpu": measured.cpu,
        "peak_rss": measured.peak_rss,
        "input_files": len(data_files),
        "rows_read": sum(int(i["rows"]) for i in data_files),
        **counts,
        "reports": len(manifest.get("reports", [])),
        "pages": sum(int(r.get("pages") or 0) for r in manifest.get("reports", [])),
        "deliveries": len(manifest.get("deliveries", [])),
        "stages": [asdict(f) for f in stage_figures(measured, manifest.get("timings", {}))],
    }
    if name == "oversized":
        entry["refusal"] = _refusal(run_dir / "rejected_rows.csv", build.OVERSIZED_FILE)
    if measured.returncode != 0:
        say(f"{name} exited {measured.returncode}; see {out / 'logs' / f'{name}.log'}")
    return entry


def failures(runs: dict[str, dict[str, Any]]) -> list[str]:
    """What went wrong: a run that failed, or an oversized file that was not refused."""
    problems = [
        f"{name}: exit {entry['returncode']}, status {entry['status']}"
        for name, entry in runs.items()
        if entry["returncode"] != 0 or entry["status"] != "complete"
    ]
    oversized = runs.get("oversized")
    if oversized is not None and "above limits.max_file_mb" not in (oversized["refusal"] or ""):
        problems.append(f"oversized: {build.OVERSIZED_FILE} was not refused by its size")
    return problems


def summary_table(runs: dict[str, dict[str, Any]]) -> str:
    """One line per scenario: totals, and the ratios to the demo run of this session."""
    demo = runs.get("demo")
    lines = [
        "| scenario | wall s | CPU s | peak MiB | files | rows read | kept | rejected "
        "| superseded | reports (pages) | wall / demo | CPU / demo | peak / demo |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, e in runs.items():
        ratios = ["—"] * 3
        if demo is not None and name != "demo":
            ratios = [f"{e[k] / demo[k]:.2f}" for k in ("wall", "cpu", "peak_rss")]
        lines.append(
            f"| {name} | {e['wall']:.1f} | {e['cpu']:.1f} | {e['peak_rss'] / MIB:,.0f} "
            f"| {e['input_files']:,} | {e['rows_read']:,} | {e['kept']:,} | {e['rejected']:,} "
            f"| {e['superseded']:,} | {e['reports']} ({e['pages']}) | {' | '.join(ratios)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Resource bounds of the nightly run.")
    parser.add_argument("--out", type=Path, default=Path("outputs") / "bench")
    parser.add_argument("--workers", type=int, default=machine()["cpus"] or 1)
    parser.add_argument(
        "--scenarios", default=",".join(BUILDERS), help=f"some of {','.join(BUILDERS)}"
    )
    parser.add_argument(
        "--live-code", action="store_true", help="import the working tree, not a snapshot"
    )
    args = parser.parse_args(argv)
    names = [n for n in args.scenarios.split(",") if n in BUILDERS]
    root = args.out.resolve()
    out = root / "bounds"
    code = PROJECT if args.live_code else snapshot_code(out / "code")
    started = datetime.now()
    result_file = root / f"bounds-{started:%Y%m%dT%H%M%S}.json"
    runs: dict[str, dict[str, Any]] = {}
    tables = []
    for name in names:
        entry = run_scenario(name, out, code, args.workers)
        runs[name] = entry
        tables.append(_stages_title(name, entry))
        _save(result_file, started, args.workers, runs)
    print("\n\n".join([*tables, summary_table(runs)]))
    if "oversized" in runs:
        print(f"\noversized: {build.OVERSIZED_FILE}: {runs['oversized']['refusal']}")
    problems = failures(runs)
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"\nwritten: {result_file}")
    return 1 if problems else 0


def _demo_copy(target: Path) -> build.Built:
    build.copy_demo(build.DEMO, target)
    return build.Built(target, 0, 0, 0)


def _read_counts(log: str) -> dict[str, int]:
    """Files read and rows kept, rejected, superseded, from the run's own log line."""
    found = _READ.search(log)
    names = ("files", "kept", "rejected", "superseded")
    return {k: int(found.group(k)) if found else 0 for k in names}


def _refusal(rejected_csv: Path, file: str) -> str | None:
    """The reason rejected_rows.csv gives for ``file`` read as a whole (no line), if any."""
    if not rejected_csv.is_file():
        return None
    with rejected_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["file"] == file and not row["line"]:
                return row["reason"]
    return None


def _stages_title(name: str, e: dict[str, Any]) -> str:
    title = (
        f"{name}: wall {e['wall']:.1f} s, cpu {e['cpu']:.1f} s, peak {e['peak_rss'] / MIB:.0f} "
        f"MiB, exit {e['returncode']}; {e['input_files']:,} data files, {e['rows_read']:,} rows "
        f"read, {e['kept']:,} kept, {e['rejected']:,} rejected, {e['superseded']:,} superseded; "
        f"inputs built in {e['build_seconds']:.1f} s"
    )
    return stage_table(title, [StageFigures(**s) for s in e["stages"]])


def _save(path: Path, started: datetime, workers: int, runs: dict[str, Any]) -> None:
    result = {
        "benchmark": "bounds",
        "as_of": AS_OF,
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "workers": workers,
        "runs": runs,
        "failures": failures(runs),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    sys.exit(main())
