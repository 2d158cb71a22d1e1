"""A run's fingerprint, and whether a published run can be kept as it is."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from partner_review.fingerprint import publication_current, run_fingerprint, unchanged_reports
from partner_review.manifest import MANIFEST_JSON
from partner_review.settings import Settings, load_settings
from transforms.periods import nightly_run, parse_quarter, quarterly_run

RUN = nightly_run(date(2026, 11, 16))
QUARTER = quarterly_run(parse_quarter("2026-Q3", 1))


@pytest.fixture
def code_root(tmp_path: Path) -> Path:
    root = tmp_path / "code"
    for name in ("partner_review", "transforms", "flows", "templates"):
        (root / name).mkdir(parents=True)
        (root / name / "module.py").write_text(f"# {name}\n")
    return root


@pytest.fixture
def settings(inputs_copy: Path) -> Settings:
    return load_settings(inputs_copy)


def test_the_same_run_inputs_and_code_give_the_same_fingerprint(
    settings: Settings, code_root: Path
) -> None:
    assert run_fingerprint(settings, RUN, code_root) == run_fingerprint(settings, RUN, code_root)


def test_one_changed_byte_in_an_input_file_changes_the_fingerprint(
    settings: Settings, code_root: Path
) -> None:
    before = run_fingerprint(settings, RUN, code_root)
    comments = settings.inputs.comments
    comments.write_bytes(comments.read_bytes() + b" ")
    assert run_fingerprint(settings, RUN, code_root) != before


def test_a_new_or_removed_input_file_changes_the_fingerprint(
    settings: Settings, code_root: Path
) -> None:
    before = run_fingerprint(settings, RUN, code_root)
    late = settings.inputs.observations / "late.csv"
    late.write_text("partner_id,kpi_id\n")
    assert run_fingerprint(settings, RUN, code_root) != before
    late.unlink()
    assert run_fingerprint(settings, RUN, code_root) == before
    shutil.rmtree(settings.inputs.surveys)
    assert run_fingerprint(settings, RUN, code_root) != before


def test_another_run_or_a_code_or_template_edit_changes_the_fingerprint(
    settings: Settings, code_root: Path
) -> None:
    before = run_fingerprint(settings, RUN, code_root)
    assert run_fingerprint(settings, nightly_run(date(2026, 11, 17)), code_root) != before
    assert run_fingerprint(settings, QUARTER, code_root) != before
    (code_root / "templates" / "module.py").write_text("# edited\n")
    assert run_fingerprint(settings, RUN, code_root) != before


def test_hidden_files_and_byte_code_caches_do_not_change_the_fingerprint(
    settings: Settings, code_root: Path
) -> None:
    before = run_fingerprint(settings, RUN, code_root)
    (settings.inputs.root / ".DS_Store").write_bytes(b"\0")
    (settings.inputs.observations / "~$open.xlsx").write_bytes(b"\0")
    cache = code_root / "transforms" / "__pycache__"
    cache.mkdir()
    (cache / "module.cpython-311.pyc").write_bytes(b"\0")
    assert run_fingerprint(settings, RUN, code_root) == before


def _published(run_dir: Path, fingerprint: str, error: str | None = None) -> dict[str, object]:
    run_dir.mkdir(parents=True, exist_ok=True)
    for name in ("scorecard.csv", "P1.pdf", "P1.html", "portfolio.pdf", "portfolio.html"):
        (run_dir / name).write_text("x")
    return {
        "fingerprint": fingerprint,
        "tables": {"scorecard.csv": 1},
        "reports": [
            {"name": "P1.pdf", "error": error},
            {"name": "portfolio.pdf", "error": None},
        ],
    }


def test_a_whole_published_run_with_the_same_fingerprint_is_kept(tmp_path: Path) -> None:
    manifest = _published(tmp_path, "abc")
    assert unchanged_reports(manifest, "abc", tmp_path)


def test_a_published_run_is_rebuilt_when_anything_differs_or_is_missing(tmp_path: Path) -> None:
    assert not unchanged_reports(None, "abc", tmp_path)
    assert not unchanged_reports(_published(tmp_path, "abc"), "abd", tmp_path)
    assert not unchanged_reports(_published(tmp_path, "abc", error="boom"), "abc", tmp_path)
    manifest = _published(tmp_path, "abc")
    (tmp_path / "P1.html").unlink()
    assert not unchanged_reports(manifest, "abc", tmp_path)
    manifest = _published(tmp_path, "abc")
    (tmp_path / "scorecard.csv").unlink()
    assert not unchanged_reports(manifest, "abc", tmp_path)
    assert not unchanged_reports({"reports": []}, "", tmp_path), "a manifest of older code"


def test_a_publication_is_current_while_its_inputs_and_code_are_unchanged(
    settings: Settings, inputs_copy: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "published"
    assert not publication_current(settings, QUARTER, run_dir), "nothing published yet"
    manifest = _published(run_dir, run_fingerprint(settings, QUARTER))
    (run_dir / MANIFEST_JSON).write_text(json.dumps(manifest))
    assert publication_current(settings, QUARTER, run_dir)
    assert not publication_current(settings, RUN, run_dir), "another run"
    (inputs_copy / "observations" / "new.csv").write_text("partner_id\n")
    assert not publication_current(settings, QUARTER, run_dir)


def test_a_publication_that_cannot_be_checked_is_not_current(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = tmp_path / "published"
    manifest = _published(run_dir, run_fingerprint(settings, QUARTER))
    (run_dir / MANIFEST_JSON).write_text(json.dumps(manifest))

    def unreadable(path: Path) -> str:  # as a file this process may not read
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("partner_review.fingerprint.sha256_file", unreadable)
    assert not publication_current(settings, QUARTER, run_dir)


def test_with_nothing_published_the_inputs_are_not_even_hashed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hashed(*args: object) -> str:
        raise AssertionError("hashed with no manifest to compare with")

    monkeypatch.setattr("partner_review.fingerprint.run_fingerprint", hashed)
    assert not publication_current(settings, QUARTER, tmp_path / "published")


@pytest.mark.parametrize("manifest", [[1, 2], {"fingerprint": "x", "reports": [{"pages": 3}]}])
def test_a_manifest_of_another_shape_is_not_current(
    manifest: object, settings: Settings, tmp_path: Path
) -> None:
    run_dir = tmp_path / "published"
    run_dir.mkdir()
    if isinstance(manifest, dict):
        manifest["fingerprint"] = run_fingerprint(settings, QUARTER)
    (run_dir / MANIFEST_JSON).write_text(json.dumps(manifest))
    assert not publication_current(settings, QUARTER, run_dir)
