"""Named errors carrying where a problem is (file, line or key, column) and what to do.

The CLI turns each into one readable line; nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what is wrong, and the fix."""

    file: str
    message: str
    line: int | None = None
    key: str | None = None
    column: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.key:
            parts.append(self.key)
        if self.column:
            parts.append(self.column)
        text = ": ".join(parts) + f": {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class PartnerReviewError(Exception):
    """Base of every error the CLI reports as a message instead of a traceback."""

    exit_code = 2


@dataclass
class ConfigError(PartnerReviewError):
    """config.yaml or a partner file is invalid; lists every problem at once."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} configuration problem{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


@dataclass
class InputError(PartnerReviewError):
    """One input file cannot be used at all."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        return str(Problem(self.file, self.message, self.line, None, self.column, self.hint))


class UsageError(PartnerReviewError):
    """Arguments that cannot be used (bad date, bad quarter label, missing folder)."""
