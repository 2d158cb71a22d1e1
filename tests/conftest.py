"""Shared fixtures: the project root, the bundled demo inputs, a copy of them to edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from partner_review.environment import apply_defaults
from tests.demo import write_demo_with_bad_rows

ROOT = Path(__file__).resolve().parent.parent
DEMO_INPUTS = ROOT / "inputs"

apply_defaults()


@pytest.fixture
def demo_inputs() -> Path:
    return DEMO_INPUTS


@pytest.fixture
def inputs_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo inputs."""
    target = tmp_path / "inputs"
    shutil.copytree(DEMO_INPUTS, target)
    return target


@pytest.fixture
def demo_with_bad_rows(tmp_path: Path) -> Path:
    """A writable copy of the demo inputs with its six deliberately bad rows."""
    return write_demo_with_bad_rows(tmp_path / "inputs-with-bad-rows")
