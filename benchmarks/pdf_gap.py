"""The pipeline's PDF call against WeasyPrint bare, on the same HTML files, in one process.

``python -m benchmarks.pdf_gap RUN_DIR [--files N] [--repeat 3] [--model]``

For each of the ``--files`` largest HTML files of a run folder (a published run,
or any folder of report HTML files), the pipeline's
:func:`partner_review.rendering.write_pdf` and the render floor's bare
``weasyprint.HTML(filename=...).write_pdf()`` are timed one after the other,
``--repeat`` times, in CPU seconds (``time.process_time``); the fastest of each
is kept. The time Python's garbage collector spent inside each call is summed
from ``gc.callbacks``. ``--model WORK_DIR`` first loads a run's pickled review
model (``.work/model.pkl``) as a render worker does, so the process holds as
many objects as a worker. It prints the Σ CPU of both calls and their ratio
(figures of one run: a loaded machine moves them).
"""

from __future__ import annotations

import argparse
import gc
import logging
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class GcClock:
    """CPU seconds spent in garbage collections since the last read."""

    seconds: float = 0.0
    _started: float = field(default=0.0, repr=False)

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds += time.process_time() - self._started


@dataclass
class Timing:
    """One call's fastest CPU seconds per file and its total GC seconds over every repeat."""

    best: dict[str, float] = field(default_factory=dict)
    gc_seconds: float = 0.0

    def add(self, name: str, seconds: float, gc_seconds: float) -> None:
        self.best[name] = min(seconds, self.best.get(name, seconds))
        self.gc_seconds += gc_seconds


def bare_call(path: Path, _: Path) -> None:
    """The render floor's call (benchmarks/floor.py)."""
    import weasyprint

    weasyprint.HTML(filename=str(path)).write_pdf()


def pipeline_call(path: Path, target: Path) -> None:
    """The pipeline's call (render_jobs.render_job): the HTML as a string, the PDF written."""
    from partner_review.rendering import write_pdf

    write_pdf(path.read_text(encoding="utf-8"), target)


def compare(
    files: list[Path], calls: Mapping[str, Callable[[Path, Path], None]], repeat: int, out: Path
) -> dict[str, Timing]:
    """Each file through each call in turn, ``repeat`` rounds; CPU and GC seconds."""
    clock = GcClock()
    gc.callbacks.append(clock)
    timings = {name: Timing() for name in calls}
    try:
        for _ in range(repeat):
            for path in files:
                for name, call in calls.items():
                    gc_before = clock.seconds
                    start = time.process_time()
                    call(path, out / f"{path.stem}.pdf")
                    seconds = time.process_time() - start
                    timings[name].add(path.name, seconds, clock.seconds - gc_before)
    finally:
        gc.callbacks.remove(clock)
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pdf_gap", description=__doc__)
    parser.add_argument("run_dir", type=Path, help="a folder of report HTML files")
    parser.add_argument("--files", type=int, default=6, help="the N largest HTML files")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", type=Path, help="a run's .work folder to load first")
    args = parser.parse_args(argv)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    files = sorted(args.run_dir.glob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
    files = files[: max(1, args.files)]
    if args.model is not None:
        from partner_review.render_jobs import _load_work

        _load_work(str(args.model))
    calls = {"bare": bare_call, "pipeline": pipeline_call}
    with tempfile.TemporaryDirectory() as tmp:
        bare_call(files[-1], Path(tmp) / "warm.pdf")  # imports and fonts, untimed
        pipeline_call(files[-1], Path(tmp) / "warm.pdf")
        timings = compare(files, calls, max(1, args.repeat), Path(tmp))
    objects = len(gc.get_objects())
    print(f"{len(files)} files, fastest of {max(1, args.repeat)}, tracked objects {objects}")
    for name, timing in timings.items():
        total = sum(timing.best.values())
        gc_share = timing.gc_seconds / max(1, args.repeat)
        print(f"{name:<9} Σ CPU {total:8.2f} s   GC {gc_share:6.2f} s per round")
    bare, pipeline = (sum(timings[n].best.values()) for n in ("bare", "pipeline"))
    print(f"pipeline / bare: {pipeline / bare:.3f}")


if __name__ == "__main__":
    main()
