"""partner-review init: the starter inputs folder."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from partner_review.errors import UsageError
from partner_review.ingest import load_sources
from partner_review.settings import load_settings
from partner_review.starter import starter_files, write_starter
from transforms.logs import ACTION_FIELDS, COMMENT_FIELDS, SCOPE_CHANGE_FIELDS

EXPECTED_FILES = [
    "README.md",
    "actions.csv",
    "comments.csv",
    "config.yaml",
    "observations/example.csv",
    "partners/EXAMPLE-CX.yaml",
    "scope_changes.csv",
    "surveys/example.csv",
]


def test_starter_writes_every_file_into_a_new_folder_with_its_parents(tmp_path: Path) -> None:
    target = tmp_path / "acme" / "inputs"
    written = write_starter(target)
    assert [p.relative_to(target).as_posix() for p in written] == EXPECTED_FILES
    assert starter_files() == EXPECTED_FILES
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)


def test_starter_loads_with_the_common_kpis_one_partner_and_one_stakeholder(
    tmp_path: Path,
) -> None:
    write_starter(tmp_path / "inputs")
    settings = load_settings(tmp_path / "inputs")
    assert sorted(settings.kpis) == [
        "average_handling_time",
        "backlog",
        "cost_per_contact",
        "csat",
        "first_contact_resolution",
        "nps",
        "service_level",
    ]
    assert list(settings.partners) == ["EXAMPLE-CX"]
    assert [p.email for p in settings.config.stakeholders] == ["vendor.manager@example.com"]
    assert settings.kpis["backlog"].aggregation == "last"
    assert settings.kpis["nps"].aggregation == "nps"


def test_starter_data_files_load_without_rejected_rows(tmp_path: Path) -> None:
    write_starter(tmp_path / "inputs")
    sources = load_sources(load_settings(tmp_path / "inputs"))
    assert sources.rejected.empty
    assert len(sources.observations) == 6 + 5  # example rows + survey answers
    assert (len(sources.scope_changes), len(sources.actions), len(sources.comments)) == (1, 1, 1)


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("scope_changes.csv", SCOPE_CHANGE_FIELDS),
        ("actions.csv", ACTION_FIELDS),
        ("comments.csv", COMMENT_FIELDS),
    ],
)
def test_starter_logs_have_the_spec_header_in_order(tmp_path: Path, name: str, fields) -> None:
    write_starter(tmp_path / "inputs")
    with (tmp_path / "inputs" / name).open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [f.name for f in fields]


def test_starter_config_comments_every_setting_of_the_simple_sections(tmp_path: Path) -> None:
    write_starter(tmp_path / "inputs")
    lines = (tmp_path / "inputs" / "config.yaml").read_text("utf-8").splitlines()
    section = None
    uncommented = []
    for line in lines:
        if line and not line.startswith((" ", "#")):
            section = line.split(":")[0]
            continue
        is_setting = bool(line.strip())
        if section in ("organisation", "reporting", "limits") and is_setting and "#" not in line:
            uncommented.append(line.strip())
    assert uncommented == []


def test_init_accepts_an_existing_empty_folder(tmp_path: Path) -> None:
    written = write_starter(tmp_path)
    assert len(written) == len(EXPECTED_FILES)


def test_init_refuses_a_folder_that_is_not_empty_and_leaves_it_untouched(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("mine\n", "utf-8")
    with pytest.raises(UsageError, match="is not empty"):
        write_starter(tmp_path)
    assert (tmp_path / "config.yaml").read_text("utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_init_refuses_a_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "inputs"
    target.write_text("x", "utf-8")
    with pytest.raises(UsageError, match="is a file"):
        write_starter(target)
    assert target.read_text("utf-8") == "x"
