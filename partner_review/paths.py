"""Every file and folder name the pipeline reads or writes, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_ROOT / "templates"


@dataclass(frozen=True)
class InputPaths:
    """The layout of an inputs folder (SPEC §1)."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def partners(self) -> Path:
        return self.root / "partners"

    @property
    def observations(self) -> Path:
        return self.root / "observations"

    @property
    def surveys(self) -> Path:
        return self.root / "surveys"

    @property
    def scope_changes(self) -> Path:
        return self.root / "scope_changes.csv"

    @property
    def actions(self) -> Path:
        return self.root / "actions.csv"

    @property
    def comments(self) -> Path:
        return self.root / "comments.csv"

    def relative(self, path: Path) -> str:
        """The path as written in messages and rejected_rows.csv: relative, with '/'."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass(frozen=True)
class OutputPaths:
    """The layout of an outputs folder (SPEC §5)."""

    root: Path

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def index(self) -> Path:
        return self.root / "index.html"

    @property
    def ledger(self) -> Path:
        return self.root / "deliveries.sqlite"

    @property
    def lock(self) -> Path:
        return self.root / ".partner-review.lock"

    def nightly_run(self, as_of_label: str) -> Path:
        return self.root / "nightly" / as_of_label

    def quarterly_run(self, quarter_label: str) -> Path:
        return self.root / "quarterly" / quarter_label


SCORECARD_CSV = "scorecard.csv"
OBJECTIVES_CSV = "objectives.csv"
DEVIATIONS_CSV = "deviations.csv"
CREDITS_CSV = "credits.csv"
REJECTED_CSV = "rejected_rows.csv"
MANIFEST_JSON = "manifest.json"
PORTFOLIO = "portfolio"
