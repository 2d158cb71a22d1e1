"""A benchmark session: the runs it measured, where it writes, its figures as JSON.

:class:`Bench` runs the real command line (or the Prefect-less and
compute-only entry points) as measured subprocesses, importing a snapshot of
the code taken at the session's start, reads each run's manifest back, and
keeps per-stage figures, tables to print and targets.
"""

from __future__ import annotations

import compileall
import json
import os
import platform
import shutil
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.measure import Measured, child_env, run_measured, stage_figures
from benchmarks.synth import GENERATOR_VERSION, SEED, SUMMARY_FILE, generate_inputs

PROJECT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("partner_review", "transforms", "flows", "templates", "benchmarks")


def snapshot_code(target: Path) -> Path:
    """A copy of the code as it is now, for every measured run to import.

    Several people edit this working tree at once; a template edit between
    two runs changes every report's fingerprint (the rerun renders them all
    again, rightly). Runs import this copy instead, so the code measured is
    the code at the benchmark's start.

    The copy is compiled to bytecode here, so no measured run pays for compiling it (the
    first run would, and the runs it is compared with would not).
    """
    shutil.rmtree(target, ignore_errors=True)
    for name in CODE_DIRS:
        shutil.copytree(PROJECT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    compileall.compile_dir(target, quiet=1, workers=0)
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
        say(f"generating inputs {size} in {folder}")
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
        say(f"{name}: {' '.join(argv[1:])}")
        measured = run_measured(argv, self.out / "logs" / f"{name}.log", child_env(self.code))
        run_dir = outputs / kind / period
        manifest = read_json(run_dir / "manifest.json")
        unchanged = _rerun_since(manifest, measured.started)
        timings = manifest["rerun"]["timings"] if unchanged else manifest.get("timings", {})
        figures = stage_figures(measured, timings)
        reports = manifest.get("reports", [])
        entry = {
            "returncode": measured.returncode,
            "wall": measured.wall,
            "cpu": measured.cpu,
            "peak_rss": measured.peak_rss,
            "stages": [asdict(f) for f in figures],
            "reports": len(reports),
            "rendered": 0 if unchanged else sum(_rendered(r) for r in reports),
            "reused": len(reports) if unchanged else sum(1 for r in reports if r.get("reused")),
            "failed": sum(1 for r in reports if r.get("error")),
            "run_dir": str(run_dir),
            "published": unchanged or _written_since(manifest, measured.started),
            "unchanged": unchanged,
        }
        self.runs[name] = entry | {"report_times": reports}
        title = (
            f"{name}: wall {measured.wall:.1f} s, cpu {measured.cpu:.1f} s, "
            f"peak {measured.peak_rss / 2**20:.0f} MiB, exit {measured.returncode}, "
            f"{entry['rendered']} rendered, {entry['reused']} reused, {entry['failed']} failed"
        )
        self.tables.append(report.stage_table(title, figures))
        if measured.returncode != 0:
            say(f"{name} exited {measured.returncode}; the end of its log:\n{_tail(measured)}")
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
        say(f"{name}: compute only on {inputs}")
        measured = run_measured(argv, self.out / "logs" / f"{name}.log", child_env(self.code))
        inner = read_json(result_file) if measured.returncode == 0 else {}
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
            say(f"{name} exited {measured.returncode}; the end of its log:\n{_tail(measured)}")
        self.save()
        return entry


def machine() -> dict[str, Any]:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": cpus,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object written by a run, or {} when it is missing or unreadable."""
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


def _rerun_since(manifest: dict[str, Any], started: float) -> bool:
    """Whether this run found the published pack unchanged and kept it (manifest "rerun")."""
    try:
        at = datetime.fromisoformat(manifest["rerun"]["at"]).timestamp()
    except (KeyError, TypeError, ValueError):
        return False
    return at >= int(started)


def _rendered(report: dict[str, Any]) -> bool:
    return not report.get("reused") and not report.get("error")


def _tail(measured: Measured, lines: int = 15) -> str:
    return "\n".join(measured.log.splitlines()[-lines:])


def say(text: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)
