"""The PDF gap benchmark times both calls on every file and counts GC time."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from benchmarks.pdf_gap import GcClock, bare_call, compare, main, pipeline_call


def _files(folder: Path, names: tuple[str, ...]) -> list[Path]:
    files = []
    for name in names:
        path = folder / f"{name}.html"
        path.write_text(f"<html><body><h1>Report {name}</h1><p>{'text ' * 300}</p></body></html>")
        files.append(path)
    return files


def test_compare_keeps_the_fastest_cpu_seconds_of_each_call_per_file(tmp_path: Path) -> None:
    files = _files(tmp_path, ("a", "b"))
    timings = compare(files, {"bare": bare_call, "pipeline": pipeline_call}, 2, tmp_path)
    assert set(timings) == {"bare", "pipeline"}
    for timing in timings.values():
        assert sorted(timing.best) == ["a.html", "b.html"]
        assert all(seconds > 0 for seconds in timing.best.values())
    assert (tmp_path / "a.pdf").stat().st_size > 0
    assert GcClock not in [type(c) for c in gc.callbacks]


def test_gc_clock_adds_the_seconds_of_each_collection() -> None:
    clock = GcClock()
    gc.callbacks.append(clock)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(clock)
    assert clock.seconds > 0


def test_main_prints_both_sums_and_their_ratio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _files(tmp_path, ("a", "b", "c"))
    main([str(tmp_path), "--files", "2", "--repeat", "1"])
    out = capsys.readouterr().out
    assert "2 files, fastest of 1" in out
    assert "bare" in out and "pipeline" in out
    assert "pipeline / bare:" in out
