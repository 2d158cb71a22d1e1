"""``partner-review init DIR``: a commented starter inputs folder for a new company.

The starter files ship as package data under ``partner_review/starter/`` and are copied
as they are: config.yaml with the common contact-centre KPIs and one stakeholder, one
partner file, example observation and survey files, and the three logs, each with its
header and one example row. The folder loads with
:func:`partner_review.settings.load_settings` and validates without problems as written.

Choice: the logs carry an example row rather than a header alone, because SPEC §1 makes
a header without data rows a problem, and a starter folder should validate cleanly.

A target that exists and is not an empty folder is refused (nothing is overwritten); a
missing target is created with its parents.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from partner_review.errors import UsageError

STARTER_PACKAGE = "partner_review"
STARTER_FOLDER = "starter"


def write_starter(target: Path) -> list[Path]:
    """Copy the starter inputs folder to ``target``; the files written, sorted."""
    _check_target(target)
    source = files(STARTER_PACKAGE).joinpath(STARTER_FOLDER)
    target.mkdir(parents=True, exist_ok=True)
    return sorted(_copy_tree(source, target))


def starter_files() -> list[str]:
    """The relative paths of the starter's files, with '/'."""
    source = files(STARTER_PACKAGE).joinpath(STARTER_FOLDER)
    return sorted(_relative_files(source, ""))


def _check_target(target: Path) -> None:
    if target.is_file() or (target.exists() and not target.is_dir()):
        raise UsageError(f"{target} is a file; give the path of a new or empty folder")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(
            f"{target} is not empty; give the path of a new or empty folder "
            "(init never overwrites files)"
        )


def _copy_tree(source: Traversable, target: Path) -> list[Path]:
    written = []
    for entry in source.iterdir():
        if entry.name.startswith((".", "__")):
            continue
        destination = target / entry.name
        if entry.is_dir():
            destination.mkdir(exist_ok=True)
            written += _copy_tree(entry, destination)
        else:
            destination.write_bytes(entry.read_bytes())
            written.append(destination)
    return written


def _relative_files(source: Traversable, prefix: str) -> list[str]:
    found = []
    for entry in source.iterdir():
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir():
            found += _relative_files(entry, f"{prefix}{entry.name}/")
        else:
            found.append(f"{prefix}{entry.name}")
    return found
