"""The ``partner-review`` command line (SPEC §7).

Errors from the library (:class:`~partner_review.errors.PartnerReviewError`) become one
readable message and an exit code; never a traceback for bad input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from partner_review.errors import PartnerReviewError

app = typer.Typer(
    name="partner-review",
    help="Score outsourcing partners against what was agreed, render review packs, email them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

InputsOption = Annotated[Path, typer.Option("--inputs", help="The inputs folder.")]


@app.command()
def validate(inputs: InputsOption = Path("inputs")) -> None:
    """Check an inputs folder and list every problem.

    Example: partner-review validate --inputs inputs
    """
    from partner_review.validate import validate_command

    raise typer.Exit(validate_command(inputs, sys.stdout))


def main() -> None:
    """Console entry point."""
    try:
        app()
    except PartnerReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
