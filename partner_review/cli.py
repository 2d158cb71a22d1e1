"""The ``partner-review`` command line (SPEC §7).

Errors from the library (:class:`~partner_review.errors.PartnerReviewError`) become one
readable message and an exit code; never a traceback for bad input. Exit codes:
0 done; 1 done, but some reports or deliveries failed (validate: problems found);
2 invalid configuration or arguments, nothing written or sent.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from partner_review.environment import apply_defaults
from partner_review.errors import PartnerReviewError, UsageError

app = typer.Typer(
    name="partner-review",
    help="Score outsourcing partners against what was agreed, render review packs, email them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
run_app = typer.Typer(help="Run a review now.", no_args_is_help=True)
app.add_typer(run_app, name="run")

InputsOption = Annotated[Path, typer.Option("--inputs", help="The inputs folder.")]
OutputsOption = Annotated[Path, typer.Option("--outputs", help="The outputs folder.")]
NoEmail = Annotated[bool, typer.Option("--no-email", help="Write reports, send no email.")]
Resend = Annotated[
    bool, typer.Option("--resend", help="Send again what the ledger says was already sent.")
]
Workers = Annotated[
    int | None, typer.Option("--workers", min=1, help="Render processes (default: CPU count).")
]
DaskAddress = Annotated[
    str | None,
    typer.Option(
        "--dask-address",
        envvar="PARTNER_REVIEW_DASK_ADDRESS",
        help="Render on an existing Dask cluster, e.g. tcp://scheduler:8786.",
    ),
]


@app.command()
def validate(inputs: InputsOption = Path("inputs")) -> None:
    """Check an inputs folder and list every problem.

    Example: partner-review validate --inputs inputs
    """
    from partner_review.validate import validate_command

    raise typer.Exit(validate_command(inputs, sys.stdout))


@run_app.command("nightly")
def run_nightly(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: yesterday).")
    ] = None,
    inputs: InputsOption = Path("inputs"),
    outputs: OutputsOption = Path("outputs"),
    no_email: NoEmail = False,
    resend: Resend = False,
    workers: Workers = None,
    dask_address: DaskAddress = None,
) -> None:
    """The nightly review: last complete month and month to date.

    Example: partner-review run nightly --as-of 2026-11-16 --no-email
    """
    day = _parse_day(as_of) if as_of else None
    params = {"as_of": day}
    raise typer.Exit(
        _run("nightly", params, inputs, outputs, not no_email, resend, workers, dask_address)
    )


@run_app.command("quarterly")
def run_quarterly(
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="2026-Q3 (default: last complete quarter).")
    ] = None,
    inputs: InputsOption = Path("inputs"),
    outputs: OutputsOption = Path("outputs"),
    no_email: NoEmail = False,
    resend: Resend = False,
    workers: Workers = None,
    dask_address: DaskAddress = None,
) -> None:
    """The quarterly business review pack.

    Example: partner-review run quarterly --quarter 2026-Q3
    """
    params = {"quarter": quarter}
    raise typer.Exit(
        _run("quarterly", params, inputs, outputs, not no_email, resend, workers, dask_address)
    )


@app.command()
def serve(inputs: InputsOption = Path("inputs"), outputs: OutputsOption = Path("outputs")) -> None:
    """Serve both deployments: nightly on its schedule, quarterly by hand.

    Example: partner-review serve --inputs /srv/partner-review/inputs
    """
    from partner_review.settings import load_settings

    settings = load_settings(inputs)
    from flows.deployments import serve_deployments

    serve_deployments(settings, inputs.resolve(), outputs.resolve())


@app.command()
def init(target: Annotated[Path, typer.Argument(help="Folder to create.")]) -> None:
    """Create a commented starter inputs folder for a new company.

    Example: partner-review init my-inputs
    """
    from partner_review.starter import write_starter

    written = write_starter(target)
    typer.echo(
        f"Wrote {len(written)} files under {target}. Next: partner-review validate "
        f"--inputs {target}"
    )


@app.command("send-test")
def send_test(
    to: Annotated[str, typer.Option("--to", help="Address to send a test message to.")],
    inputs: InputsOption = Path("inputs"),
) -> None:
    """Send one test message with the configured SMTP settings (or to the outbox).

    Example: SMTP_HOST=smtp.example.com partner-review send-test --to me@acme.example
    """
    from partner_review.delivery import send_test_command

    raise typer.Exit(send_test_command(inputs, to, sys.stdout))


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not a date; write YYYY-MM-DD") from None


def _run(
    kind: str,
    params: dict[str, Any],
    inputs: Path,
    outputs: Path,
    send: bool,
    resend: bool,
    workers: int | None,
    dask_address: str | None,
) -> int:
    """Check everything that would make the run write nothing, then run the flow."""
    from partner_review.api_server import startup_timeout, temporary_api_server

    if not inputs.is_dir():
        raise UsageError(f"--inputs {inputs}: no such folder")
    with temporary_api_server() as server:  # started before anything else is imported
        from partner_review.lock import RunLock
        from partner_review.paths import OutputPaths
        from partner_review.settings import load_settings

        settings = load_settings(inputs)
        from flows.review import (
            early_render_processes,
            nightly_review,
            plan_nightly,
            plan_quarterly,
            quarterly_review,
        )

        if kind == "nightly":
            run = plan_nightly(settings, params["as_of"])
            flow: Any = nightly_review
        else:
            run = plan_quarterly(settings, params["quarter"])
            flow = quarterly_review
        # held from before Prefect starts to the end (the flow's own lock is re-entrant), so a
        # second run fails at once, whenever it starts
        with RunLock(OutputPaths(outputs).lock, f"{run.kind} {run.label}"):
            _configure_progress()
            # the render processes start now: while the temporary server boots this process
            # only waits (unused, they stop with the command)
            with early_render_processes(settings, run, outputs, workers, dask_address):
                if server is not None:
                    server.wait_until_ready(startup_timeout())
                with _on_temporary_server(server) if server else contextlib.nullcontext():
                    state = flow(
                        **params,
                        inputs=inputs,
                        outputs=outputs,
                        send=send,
                        resend=resend,
                        workers=workers,
                        dask_address=dask_address,
                        return_state=True,
                    )
        return _report(state)


def _on_temporary_server(server: Any) -> contextlib.AbstractContextManager[Any]:
    """Prefect settings for a run on its temporary server: its address, no heartbeats.

    The address as the server has it now: Prefect read ``PREFECT_API_URL`` when it was
    imported, and a server restarted on another port (its first was taken meanwhile)
    changed only the variable. Heartbeats tell a server that outlives the run that the run
    is still alive; the temporary server ends with the run. And at the end of each flow run
    Prefect waits for the heartbeat thread's current one-second sleep (half a second on
    average)."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    return temporary_settings(
        updates={PREFECT_API_URL: server.url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    )


def _report(state: Any) -> int:
    from flows.tasks import RunOutcome

    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        if isinstance(outcome, PartnerReviewError):
            raise outcome
        print(f"error: the run failed: {type(outcome).__name__}: {outcome}", file=sys.stderr)
        return 1
    if not isinstance(outcome, RunOutcome):
        print(f"error: the run ended {state.type.value}: {state.message}", file=sys.stderr)
        return 1
    if outcome.unchanged:
        print(
            f"{outcome.kind} {outcome.label}: inputs, configuration and code unchanged since "
            f"it was published; kept its {outcome.reports} reports in {outcome.run_dir} "
            "(delete that folder to rebuild it)"
        )
    else:
        print(f"{outcome.kind} {outcome.label}: {outcome.reports} reports in {outcome.run_dir}")
    print(f"deliveries: {_delivery_counts(outcome.deliveries)}")
    for name, error in outcome.render_failures.items():
        print(f"  report failed: {name}: {error}", file=sys.stderr)
    for line in outcome.delivery_problems:
        print(f"  {line}", file=sys.stderr)
    return 1 if outcome.failed else 0


_DELIVERY_WORDS = {
    "sent": "sent",
    "outbox": "written to the outbox",
    "duplicate": "already sent (unchanged)",
    "unchanged": "not due (deviations unchanged)",
    "skipped_no_send": "not sent (--no-email)",
    "failed": "FAILED",
}


def _delivery_counts(deliveries: list[dict[str, Any]]) -> str:
    """'2 sent, 1 already sent (unchanged)' — what happened to each email of the run."""
    counts: dict[str, int] = {}
    for delivery in deliveries:
        status = str(delivery.get("status"))
        counts[status] = counts.get(status, 0) + 1
    if not counts:
        return "none (no stakeholder receives this run)"
    return ", ".join(f"{n} {_DELIVERY_WORDS.get(s, s)}" for s, n in sorted(counts.items()))


def _configure_progress() -> None:
    """Progress per stage and per report: rich at a terminal, plain log lines otherwise."""
    logger = logging.getLogger("partner_review")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if logger.handlers:
        return
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler = RichHandler(show_path=False, markup=False)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)


def main() -> None:
    """Console entry point."""
    apply_defaults()
    try:
        app()
    except PartnerReviewError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
