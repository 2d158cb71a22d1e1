"""Running a command as a subprocess and measuring it: wall, CPU and peak memory.

The process tree (the command and every process it starts, such as the render
pool) is sampled every ``interval`` seconds with psutil: resident memory is
summed over the tree (an upper bound: pages shared after fork count once per
process), and CPU is the sum over every process ever seen of its last sampled
user + system time. ``resource.getrusage(RUSAGE_CHILDREN)`` gives the CPU of
every descendant that was waited for; the larger of the two is reported.

Per-stage figures come from the run's own stage wall times (manifest.json
"timings"), placed on the sampled timeline: the stages follow each other from
an anchor (the log line that ends ingestion, else the end of the process).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import resource
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psutil

GIB = 1024**3
MIB = 1024**2
_STAMP = r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO "
# the log line each stage ends with (flows/tasks.py), where one is known
_STAGE_DONE = {
    "check": re.compile(_STAMP + r"run fingerprint "),
    "ingest": re.compile(_STAMP + r"read \d+ files"),
}


@dataclass
class Measured:
    """One measured subprocess: totals, the sampled timeline and where its output went."""

    argv: list[str]
    returncode: int
    started: float  # epoch seconds
    wall: float
    cpu: float
    peak_rss: int
    times: list[float] = field(default_factory=list)  # epoch seconds of each sample
    rss: list[int] = field(default_factory=list)  # tree RSS at each sample
    cpus: list[float] = field(default_factory=list)  # tree CPU seconds so far at each sample
    log: str = ""

    @property
    def ended(self) -> float:
        return self.started + self.wall

    def cpu_at(self, moment: float) -> float:
        """Tree CPU seconds spent up to ``moment`` (the nearest earlier sample)."""
        i = bisect.bisect_right(self.times, moment) - 1
        return self.cpus[i] if i >= 0 else 0.0

    def peak_between(self, start: float, end: float) -> int:
        lo = max(bisect.bisect_left(self.times, start) - 1, 0)
        hi = bisect.bisect_right(self.times, end) + 1
        window = self.rss[lo:hi]
        return max(window) if window else 0


@dataclass(frozen=True)
class StageFigures:
    """One stage of a run: wall seconds (the run's own), CPU seconds and peak RSS bytes."""

    stage: str
    wall: float
    cpu: float
    peak_rss: int


def run_measured(
    argv: list[str], log: Path, env: dict[str, str] | None = None, interval: float = 0.1
) -> Measured:
    """Run ``argv`` to its end, its output to ``log``, sampling its process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seen: dict[tuple[int, float], float] = {}
    times: list[float] = []
    rss: list[int] = []
    cpus: list[float] = []
    with log.open("wb") as sink:
        started = time.time()
        clock = time.perf_counter()
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env)
        root = psutil.Process(process.pid)
        while process.poll() is None:
            total = _sample(root, seen)
            times.append(time.time())
            rss.append(total)
            cpus.append(sum(seen.values()))
            time.sleep(interval)
        wall = time.perf_counter() - clock
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    sampled = sum(seen.values())
    times.append(started + wall)
    rss.append(0)
    cpus.append(max(sampled, waited))
    peak = max(rss) if rss else 0
    if after.ru_maxrss > before.ru_maxrss:
        peak = max(peak, after.ru_maxrss * 1024)
    return Measured(
        argv,
        process.returncode,
        started,
        wall,
        max(sampled, waited),
        peak,
        times,
        rss,
        cpus,
        log.read_text(errors="replace"),
    )


def _sample(root: psutil.Process, seen: dict[tuple[int, float], float]) -> int:
    """Tree RSS now; updates each process's CPU seconds in ``seen``."""
    total = 0
    try:
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in tree:
        with contextlib.suppress(psutil.Error), proc.oneshot():
            total += proc.memory_info().rss
            cpu = proc.cpu_times()
            seen[(proc.pid, proc.create_time())] = cpu.user + cpu.system
    return total


def stage_figures(measured: Measured, timings: dict[str, float]) -> list[StageFigures]:
    """Per stage of the run: its wall time, and the tree's CPU and peak memory meanwhile.

    Two extra rows frame the run's own stages: ``startup`` (interpreter, imports,
    configuration, orchestration start) and ``shutdown`` (after the last stage).
    """
    if not timings:
        return [StageFigures("total", measured.wall, measured.cpu, measured.peak_rss)]
    stages = list(timings.items())
    first_start = _first_stage_start(measured, stages)
    rows = []
    edges = [first_start]
    for _, seconds in stages:
        edges.append(edges[-1] + seconds)
    edges = [min(max(e, measured.started), measured.ended) for e in edges]
    rows.append(_figures("startup", measured, measured.started, edges[0]))
    for (name, seconds), start, end in zip(stages, edges, edges[1:], strict=False):
        row = _figures(name, measured, start, end)
        rows.append(StageFigures(name, seconds, row.cpu, row.peak_rss))
    rows.append(_figures("shutdown", measured, edges[-1], measured.ended))
    return rows


def _figures(name: str, measured: Measured, start: float, end: float) -> StageFigures:
    cpu = measured.cpu_at(end) - measured.cpu_at(start)
    return StageFigures(
        name, max(end - start, 0.0), max(cpu, 0.0), measured.peak_between(start, end)
    )


def _first_stage_start(measured: Measured, stages: list[tuple[str, float]]) -> float:
    """When the run's first stage started: from a stage's log line, else from the end."""
    elapsed = 0.0
    for name, seconds in stages:
        elapsed += seconds
        pattern = _STAGE_DONE.get(name)
        ended = _logged_at(measured.log, pattern) if pattern else None
        if ended is not None:
            return ended - elapsed
    return measured.ended - sum(seconds for _, seconds in stages)


def _logged_at(log: str, pattern: re.Pattern[str]) -> float | None:
    for line in log.splitlines():
        found = pattern.match(line)
        if found:
            return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
    return None


def child_env(project: Path, **extra: str) -> dict[str, str]:
    """The environment for a measured run: this one, the project importable, no SMTP server.

    SMTP_* variables are removed so that a run that sends writes the outbox
    (.eml files), never a real server. PYTHONSAFEPATH keeps ``python -m`` from putting the
    working directory (the live tree) before ``project`` on sys.path.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project), env.get("PYTHONPATH", "")]))
    env["PYTHONSAFEPATH"] = "1"
    env.update(extra)
    return env
