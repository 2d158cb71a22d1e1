"""Run folders are replaced whole; an interrupted publish is recovered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from partner_review.runfolder import (
    atomic_write_text,
    publish_folder,
    recover_run_folders,
    staging_folder,
)


def test_publish_replaces_the_previous_folder_whole(tmp_path: Path) -> None:
    final = tmp_path / "quarterly" / "2026-Q3"
    final.mkdir(parents=True)
    (final / "old.csv").write_text("old")
    staging = staging_folder(final)
    (staging / "new.csv").write_text("new")
    publish_folder(staging, final)
    assert sorted(p.name for p in final.iterdir()) == ["new.csv"]
    assert sorted(p.name for p in final.parent.iterdir()) == ["2026-Q3"]


def test_interrupted_publish_restores_the_previous_folder(tmp_path: Path) -> None:
    kind_root = tmp_path / "nightly"
    previous = kind_root / ".2026-11-27.previous"
    previous.mkdir(parents=True)
    (previous / "scorecard.csv").write_text("complete")
    assert recover_run_folders(kind_root) == [kind_root / "2026-11-27"]
    assert (kind_root / "2026-11-27" / "scorecard.csv").read_text() == "complete"


def test_staging_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    final = tmp_path / "nightly" / "2026-11-27"
    dead = final.parent / ".2026-11-27.staging-999999999"
    dead.mkdir(parents=True)
    staging = staging_folder(final)
    assert not dead.exists()
    assert staging.name == f".2026-11-27.staging-{os.getpid()}"


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "index.html"
    atomic_write_text(target, "<p>é</p>")
    assert target.read_text(encoding="utf-8") == "<p>é</p>"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]


def test_staged_files_written_without_sync_are_whole_and_synced_at_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = tmp_path / "quarterly" / "2026-Q3"
    staging = staging_folder(final)
    atomic_write_text(staging / "reports" / "P1.html", "<p>one</p>", durable=False)
    atomic_write_text(staging / "scorecard.csv", "a,b\n", durable=False)
    synced: set[int] = set()
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.add(os.fstat(fd).st_ino)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    staged = [staging / "reports" / "P1.html", staging / "scorecard.csv", staging / "reports"]
    inodes = {path.stat().st_ino for path in staged}
    publish_folder(staging, final)
    assert inodes <= synced
    assert (final / "reports" / "P1.html").read_text() == "<p>one</p>"
    assert sorted(p.name for p in final.iterdir()) == ["reports", "scorecard.csv"]
