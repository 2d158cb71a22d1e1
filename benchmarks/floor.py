"""The render floor: the PDF engine alone on the HTML files a run produced.

Each file is rendered bare, ``weasyprint.HTML(filename=...).write_pdf()``, in a
process pool of the run's size. The pool is warmed first (each worker has
imported WeasyPrint), so the floor's wall time is WeasyPrint's work and the
pool's scheduling, nothing of ours: the lowest a run could take to render.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Floor:
    """The pool's wall time for every file, and each file's own write_pdf seconds."""

    workers: int
    files: int
    wall: float
    pdf_seconds_sum: float
    per_file: dict[str, float] = field(default_factory=dict)


def _warm(_: int) -> int:
    import weasyprint  # noqa: F401  (imported once per worker, before the clock starts)

    time.sleep(0.2)  # keep this worker busy so the next warm-up lands on another one
    return os.getpid()


def _render(path: str) -> tuple[str, float]:
    import weasyprint

    start = time.perf_counter()
    weasyprint.HTML(filename=path).write_pdf()
    return Path(path).name, time.perf_counter() - start


def render_floor(html_files: list[Path], workers: int) -> Floor:
    """Render every file to PDF in a warmed pool of ``workers`` processes."""
    ordered = sorted(html_files, key=lambda p: p.stat().st_size, reverse=True)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(_warm, range(workers)))
        start = time.perf_counter()
        results = list(pool.map(_render, [str(p) for p in ordered]))
        wall = time.perf_counter() - start
    per_file = dict(results)
    return Floor(workers, len(per_file), wall, sum(per_file.values()), per_file)
