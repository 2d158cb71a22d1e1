"""``python -m benchmarks.run --size M``: measure the real pipeline on synthetic inputs.

For S and M it runs, each as a subprocess of the real command line
(``python -m partner_review.cli run ...``) on a generated inputs folder under
``outputs/bench/``:

1. the quarterly run (through Prefect), then the render floor on the HTML
   files it produced (WeasyPrint alone, a warmed pool of the same size);
2. a nightly run, then the same nightly again with unchanged inputs;
3. the same quarterly run with the Prefect engine bypassed (benchmarks.direct);
4. compute only (benchmarks.compute).

For L it runs compute only on M and on L (rows, time, peak memory), each with
a sample of partner renders. ``--compute-only`` does just that step for the
size given. It prints per-stage wall, CPU and peak memory, then each target
(a ratio within this run) with PASS or FAIL, and writes everything to
``outputs/bench/<size>-<timestamp>.json``.

Runs send email as the real job does, with no SMTP server configured (SMTP_*
removed from the environment), so deliveries are the outbox's .eml files;
``--no-email`` passes ``--no-email`` to the command line instead.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.floor import render_floor
from benchmarks.measure import Measured, child_env, run_measured, stage_figures
from benchmarks.synth import GENERATOR_VERSION, SEED, SIZES, SUMMARY_FILE, generate_inputs

PROJECT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("partner_review", "transforms", "flows", "templates", "benchmarks")


def snapshot_code(target: Path) -> Path:
    """A copy of the code as it is now, for every measured run to import.

    Several people edit this working tree at once; a template edit between
    two runs changes every report's fingerprint (the rerun renders them all
    again, rightly). Runs import this copy instead, so the code measured is
    the code at the benchmark's start.
    """
    shutil.rmtree(target, ignore_errors=True)
    for name in CODE_DIRS:
        shutil.copytree(PROJECT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


class Bench:
    """One benchmark session: where it writes, how many workers, what it measured."""

    def __init__(
        self, out: Path, size: str, workers: int, send: bool, render_sample: int, code: Path
    ) -> None:
        self.out = out
        self.code = code  # the code the measured runs import
        self.size = size
        self.started = datetime.now()
        self.workers = workers
        self.send = send
        self.render_sample = render_sample
        self.runs: dict[str, dict[str, Any]] = {}
        self.targets: list[report.Target] = []
        self.tables: list[str] = []

    @property
    def result_file(self) -> Path:
        return self.out / f"{self.size}-{self.started:%Y%m%dT%H%M%S}.json"

    def save(self) -> Path:
        """Write the figures so far (after each step: a long run interrupted keeps them)."""
        result = {
            "size": self.size,
            "started": self.started.isoformat(timespec="seconds"),
            "machine": machine(),
            "workers": self.workers,
            "runs": self.runs,
            "targets": [t.to_json() for t in self.targets],
        }
        self.out.mkdir(parents=True, exist_ok=True)
        self.result_file.write_text(json.dumps(result, indent=2, default=str))
        return self.result_file

    def inputs(self, size: str) -> tuple[Path, dict[str, Any]]:
        """The size's generated inputs folder (made again unless it matches size and seed)."""
        folder = self.out / f"inputs-{size}"
        stamp = folder / SUMMARY_FILE
        if stamp.is_file():
            summary: dict[str, Any] = json.loads(stamp.read_text())
            wanted = {"size": size, "seed": SEED, "version": GENERATOR_VERSION}
            if all(summary.get(k) == v for k, v in wanted.items()):
                return folder, summary
        shutil.rmtree(folder, ignore_errors=True)
        _say(f"generating inputs {size} in {folder}")
        return folder, asdict(generate_inputs(size, folder))

    def cli(self, name: str, kind: str, period: str, inputs: Path, outputs: Path) -> dict:
        """One measured run of the real command line; its manifest read back."""
        flag = "--quarter" if kind == "quarterly" else "--as-of"
        argv = [sys.executable, "-m", "partner_review.cli", "run", kind, flag, period]
        return self._measure(name, argv, kind, period, inputs, outputs)

    def direct(self, name: str, kind: str, period: str, inputs: Path, outputs: Path) -> dict:
        flag = "--quarter" if kind == "quarterly" else "--as-of"
        argv = [sys.executable, "-m", "benchmarks.direct", kind, flag, period]
        return self._measure(name, argv, kind, period, inputs, outputs)

    def _measure(
        self, name: str, argv: list[str], kind: str, period: str, inputs: Path, outputs: Path
    ) -> dict[str, Any]:
        argv += ["--inputs", str(inputs), "--outputs", str(outputs), "--workers", str(self.workers)]
        if not self.send:
            argv.append("--no-email")
        _say(f"{name}: {' '.join(argv[1:])}")
        measured = run_measured(argv, self.out / "logs" / f"{name}.log", child_env(self.code))
        run_dir = outputs / kind / period
        manifest = _read_json(run_dir / "manifest.json")
        figures = stage_figures(measured, manifest.get("timings", {}))
        reports = manifest.get("reports", [])
        entry = {
            "returncode": measured.returncode,
            "wall": measured.wall,
            "cpu": measured.cpu,
            "peak_rss": measured.peak_rss,
            "stages": [asdict(f) for f in figures],
            "reports": len(reports),
            "rendered": sum(1 for r in reports if not r.get("reused") and not r.get("error")),
            "reused": sum(1 for r in reports if r.get("reused")),
            "failed": sum(1 for r in reports if r.get("error")),
            "run_dir": str(run_dir),
            "published": _written_since(manifest, measured.started),
        }
        self.runs[name] = entry | {"report_times": reports}
        title = (
            f"{name}: wall {measured.wall:.1f} s, cpu {measured.cpu:.1f} s, "
            f"peak {measured.peak_rss / 2**20:.0f} MiB, exit {measured.returncode}, "
            f"{entry['rendered']} rendered, {entry['reused']} reused, {entry['failed']} failed"
        )
        self.tables.append(report.stage_table(title, figures))
        if measured.returncode != 0:
            _say(f"{name} exited {measured.returncode}; the end of its log:\n{_tail(measured)}")
        self.save()
        return entry

    def compute(self, name: str, inputs: Path, quarter: str) -> dict[str, Any]:
        target = self.out / "runs" / name
        shutil.rmtree(target, ignore_errors=True)
        result_file = self.out / "logs" / f"{name}.json"
        argv = [
            sys.executable, "-m", "benchmarks.compute", "--inputs", str(inputs),
            "--outputs", str(target), "--quarter", quarter,
            "--render-sample", str(self.render_sample), "--json", str(result_file),
        ]  # fmt: skip
        _say(f"{name}: compute only on {inputs}")
        measured = run_measured(argv, self.out / "logs" / f"{name}.log", child_env(self.code))
        inner = _read_json(result_file) if measured.returncode == 0 else {}
        stages = inner.get("stages", [])
        compute_wall = sum(s["wall"] for s in stages if s["stage"] != "settings")
        entry = {
            "returncode": measured.returncode,
            "wall": measured.wall,
            "cpu": measured.cpu,
            "peak_rss": measured.peak_rss,
            "compute_wall": compute_wall,
            "rows": inner.get("rows", 0),
            "rejected": inner.get("rejected", 0),
            "stages": stages,
            "renders": inner.get("renders", []),
        }
        self.runs[name] = entry
        figures = [
            report.StageFigures(s["stage"], s["wall"], s["cpu"], s["peak_rss"]) for s in stages
        ]
        self.tables.append(
            report.stage_table(
                f"{name}: {entry['rows']} rows, wall {measured.wall:.1f} s, "
                f"peak {measured.peak_rss / 2**20:.0f} MiB, exit {measured.returncode}",
                figures,
            )
        )
        if measured.returncode != 0:
            _say(f"{name} exited {measured.returncode}; the end of its log:\n{_tail(measured)}")
        self.save()
        return entry


STEPS = ("quarterly", "nightly", "direct", "direct-nightly", "compute")
DEFAULT_STEPS = ("quarterly", "nightly", "direct", "compute")


def full_benchmark(bench: Bench, size: str, steps: tuple[str, ...] = DEFAULT_STEPS) -> None:
    """Quarterly through Prefect and the floor, nightly twice, quarterly direct, compute only."""
    inputs, summary = bench.inputs(size)
    runs = bench.out / "runs" / size
    quarter, as_of = summary["quarter"], summary["as_of"]
    for step in steps:
        shutil.rmtree(runs / step, ignore_errors=True)
    if "quarterly" in steps:
        _quarterly_and_floor(bench, inputs, quarter, runs / "quarterly")
    if "nightly" in steps:
        first = bench.cli("nightly-first", "nightly", as_of, inputs, runs / "nightly")
        rerun = bench.cli("nightly-rerun", "nightly", as_of, inputs, runs / "nightly")
        if first["published"] and rerun["published"]:
            bench.targets.append(
                report.rerun_target(first["wall"], rerun["wall"], rerun["rendered"])
            )
        else:
            bench.targets.append(_failed("nightly rerun wall / first wall (0 renders)", 0.15))
    if "direct" in steps:
        direct = bench.direct("quarterly-direct", "quarterly", quarter, inputs, runs / "direct")
        through = bench.runs.get("quarterly", {})
        if through.get("published") and direct["published"]:
            bench.targets.append(report.prefect_target(through["wall"], direct["wall"]))
        else:
            bench.targets.append(_failed("Prefect overhead (through Prefect / direct − 1)", 0.1))
    if "direct-nightly" in steps:
        _nightly_direct(bench, inputs, as_of, runs / "direct-nightly")
    if "compute" in steps:
        bench.compute(f"compute-{size}", inputs, quarter)


def _nightly_direct(bench: Bench, inputs: Path, as_of: str, outputs: Path) -> None:
    """The Prefect overhead on a nightly run: against this session's first nightly run."""
    direct = bench.direct("nightly-direct", "nightly", as_of, inputs, outputs)
    through = bench.runs.get("nightly-first", {})
    name = "Prefect overhead, nightly (through Prefect / direct − 1)"
    if through.get("published") and direct["published"]:
        target = report.prefect_target(through["wall"], direct["wall"])
        bench.targets.append(replace(target, name=name))
    else:
        bench.targets.append(_failed(name, 0.1))


def _quarterly_and_floor(bench: Bench, inputs: Path, quarter: str, outputs: Path) -> None:
    quarterly = bench.cli("quarterly", "quarterly", quarter, inputs, outputs)
    html = sorted(Path(quarterly["run_dir"]).glob("*.html"))
    if html and quarterly["published"]:
        _say(f"render floor: {len(html)} HTML files, {bench.workers} workers")
        floor = render_floor(html, bench.workers)
        bench.runs["floor"] = asdict(floor)
        bench.targets.append(report.floor_target(quarterly["wall"], floor.wall))
        bench.save()
    else:
        bench.targets.append(_failed("quarterly wall / render floor", 1.25))
    bench.targets.append(report.html_share_target(bench.runs["quarterly"]["report_times"]))


def _failed(name: str, limit: float) -> report.Target:
    return report.Target(name, None, limit, "a run published nothing: see outputs/bench/logs")


def scale_benchmark(bench: Bench, sizes: list[str]) -> None:
    """Compute only at each size; with M and L, the memory and growth targets."""
    measured = {}
    for size in sizes:
        inputs, summary = bench.inputs(size)
        measured[size] = bench.compute(f"compute-{size}", inputs, summary["quarter"])
    if "L" in measured:
        bench.targets.append(report.memory_target(measured["L"]["peak_rss"]))
    if "L" in measured and "M" in measured:
        m, big = measured["M"], measured["L"]
        bench.targets.append(
            report.growth_target(m["compute_wall"], big["compute_wall"], m["rows"], big["rows"])
        )


def machine() -> dict[str, Any]:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": cpus,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the pipeline on synthetic inputs.")
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--workers", type=int, default=machine()["cpus"] or 1)
    parser.add_argument("--out", type=Path, default=Path("outputs") / "bench")
    parser.add_argument("--compute-only", action="store_true", help="compute only (and L: M too)")
    parser.add_argument("--no-email", action="store_true", help="pass --no-email to the runs")
    parser.add_argument("--skip-direct", action="store_true", help="no Prefect-less run")
    parser.add_argument(
        "--steps",
        default=",".join(DEFAULT_STEPS),
        help=f"S and M: some of {','.join(STEPS)}",
    )
    parser.add_argument(
        "--live-code", action="store_true", help="import the working tree, not a snapshot"
    )
    parser.add_argument("--render-sample", type=int, default=10, help="compute only: renders")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    code = PROJECT if args.live_code else snapshot_code(out / "code")
    bench = Bench(out, args.size, args.workers, not args.no_email, args.render_sample, code)
    if args.size == "L":
        scale_benchmark(bench, ["M", "L"])
    elif args.compute_only:
        scale_benchmark(bench, [args.size])
    else:
        steps = tuple(s for s in args.steps.split(",") if s in STEPS)
        full_benchmark(
            bench, args.size, tuple(s for s in steps if not args.skip_direct or s != "direct")
        )
    target = bench.save()
    print("\n\n".join([*bench.tables, report.target_table(bench.targets)]))
    print(f"\nwritten: {target}")
    return 1 if any(t.passed is False for t in bench.targets) else 0


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data


def _written_since(manifest: dict[str, Any], started: float) -> bool:
    """Whether the manifest was written by this run (not left by an earlier one)."""
    try:
        created = datetime.fromisoformat(manifest["created"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return False
    return created >= int(started)


def _tail(measured: Measured, lines: int = 15) -> str:
    return "\n".join(measured.log.splitlines()[-lines:])


def _say(text: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
