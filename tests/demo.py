"""The demo inputs with their six deliberately bad rows (scripts/make_demo.py --with-bad-rows).

The committed demo is clean; tests of rejected rows build this variant in a temporary folder
with the generator itself, so it cannot drift from the demo.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DEMO_INPUTS = ROOT / "inputs"


def load_generator() -> ModuleType:
    """scripts/make_demo.py as a module (registered, as its dataclasses look it up)."""
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts/make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module
    spec.loader.exec_module(module)
    return module


def write_demo_with_bad_rows(target: Path) -> Path:
    """A copy of the demo inputs at ``target`` whose files also carry the six bad rows."""
    shutil.copytree(DEMO_INPUTS, target)
    load_generator().write_demo(target, bad_rows=True)
    return target
