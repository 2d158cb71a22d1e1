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
import shutil
import sys
from dataclasses import asdict, replace
from pathlib import Path

from benchmarks import report
from benchmarks.floor import render_floor
from benchmarks.session import PROJECT, Bench, machine, say, snapshot_code
from benchmarks.synth import SIZES

STEPS = ("quarterly", "nightly", "direct", "direct-nightly", "compute")
DEFAULT_STEPS = ("quarterly", "nightly", "direct", "compute")
OVERHEAD_ORDER = ("direct", "prefect", "prefect", "direct")


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
        _prefect_overhead(bench, inputs, quarter, runs / "direct")
    if "direct-nightly" in steps:
        _nightly_direct(bench, inputs, as_of, runs / "direct-nightly")
    if "compute" in steps:
        bench.compute(f"compute-{size}", inputs, quarter)


def _prefect_overhead(bench: Bench, inputs: Path, quarter: str, runs: Path) -> None:
    """The Prefect overhead on the quarterly run: direct and through Prefect in the order
    D P P D, each into a fresh outputs folder; the target compares the sums of the walls.

    Each kind runs once early and once late, so a machine that speeds up or slows down over
    these minutes (this one drifted by a quarter within an hour) weighs on both alike; the
    runs before (the first quarterly, the floor) have warmed the page cache and bytecode
    for both."""
    walls: dict[str, list[float]] = {"direct": [], "prefect": []}
    for kind in OVERHEAD_ORDER:
        name = f"quarterly-{kind}-{len(walls[kind]) + 1}"
        measure = bench.direct if kind == "direct" else bench.cli
        entry = measure(name, "quarterly", quarter, inputs, runs / name)
        if not entry["published"]:
            bench.targets.append(_failed("Prefect overhead (through Prefect / direct − 1)", 0.1))
            return
        walls[kind].append(entry["wall"])
    bench.targets.append(report.prefect_target(walls["prefect"], walls["direct"]))


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
        say(f"render floor: {len(html)} HTML files, {bench.workers} workers")
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


if __name__ == "__main__":
    sys.exit(main())
