"""Run folders that are either the previous complete run or the new complete one.

A run writes into a hidden staging folder beside its final place
(``outputs/quarterly/.2026-Q3.staging-<pid>``) and is published by renames:
the old folder moves aside to ``.2026-Q3.previous``, the staging folder takes
its place, the old one is deleted. A run killed between the two renames leaves
``.previous`` behind; :func:`recover_run_folders` (called at the start of every
run) puts it back, so a reader never finds a half-written folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

_STAGING = ".staging-"
_PREVIOUS = ".previous"


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write a file under a temporary name in the same folder, then rename it into place;
    ``durable``: on disk before it is renamed. A file of a staging folder is written with
    ``durable=False``: :func:`publish_folder` puts the whole folder on disk at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, *, durable: bool = True) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable)


def staging_folder(final: Path) -> Path:
    """A fresh, empty staging folder for ``final`` (left-overs of dead runs are removed)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    for stale in final.parent.glob(f".{final.name}{_STAGING}*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    staging = final.parent / f".{final.name}{_STAGING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return staging


def publish_folder(staging: Path, final: Path) -> None:
    """Replace ``final`` by ``staging`` whole, every file of it on disk first."""
    _sync_tree(staging)
    previous = final.parent / f".{final.name}{_PREVIOUS}"
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        os.replace(final, previous)
    os.replace(staging, final)
    _fsync_dir(final.parent)
    shutil.rmtree(previous, ignore_errors=True)


def recover_run_folders(kind_root: Path) -> list[Path]:
    """Put back any run folder a killed publish left aside; returns the folders restored."""
    restored: list[Path] = []
    if not kind_root.is_dir():
        return restored
    for previous in kind_root.glob(f".*{_PREVIOUS}"):
        final = kind_root / previous.name[1 : -len(_PREVIOUS)]
        if final.exists():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(previous, final)
            restored.append(final)
    return restored


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sync_tree(folder: Path) -> None:
    """Every file and folder under ``folder`` on disk (most are already: the kernel writes
    them back while the run goes on, so this waits for the last few)."""
    for path in sorted(folder.rglob("*"), reverse=True):  # files before their folders
        if path.is_dir():
            _fsync_dir(path)
        else:
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
