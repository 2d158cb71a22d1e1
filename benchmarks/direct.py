"""The same review run with no Prefect engine: the flow's and the tasks' plain functions.

``python -m benchmarks.direct quarterly --quarter 2026-Q3 --inputs DIR --outputs DIR
[--no-email] [--workers N]`` (or ``nightly --as-of YYYY-MM-DD``) does what
``partner-review run`` does (load and check the configuration, then the flow),
but calls ``flow.fn`` and, inside it, each task's ``.fn``: every Prefect task
object that ``flows.review`` imported is replaced, in this process only, by its
plain function. flows/ itself is untouched. Prefect is still imported (the
flows module needs it); what this removes is the engine: the ephemeral API
server, flow and task runs, state tracking and result handling. The Prefect UI
artifacts are not written: they belong to a flow run, and without one Prefect would
start its temporary API server just to store them (which the measured figure of a
run without Prefect must not include).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any


def bypass_prefect_tasks(module: Any) -> list[str]:
    """Replace each Prefect task bound in ``module`` by its plain function; the names."""
    from prefect.tasks import Task

    replaced = []
    for name, value in list(vars(module).items()):
        if isinstance(value, Task):
            setattr(module, name, value.fn)
            replaced.append(name)
    return replaced


def run_direct(
    kind: str, period: str | None, inputs: Path, outputs: Path, send: bool, workers: int | None
) -> Any:
    from partner_review.settings import load_settings

    settings = load_settings(inputs)  # the CLI checks the configuration, imports the flows,
    from flows import review

    # then starts the render processes before the flow
    if kind == "nightly":
        run = review.plan_nightly(settings, _day(period))
    else:
        run = review.plan_quarterly(settings, period)
    with review.early_render_processes(settings, run, outputs, workers):
        return _run_flow(review, kind, period, inputs, outputs, send, workers)


def _day(period: str | None) -> date | None:
    return date.fromisoformat(period) if period else None


def _run_flow(
    review: Any,
    kind: str,
    period: str | None,
    inputs: Path,
    outputs: Path,
    send: bool,
    workers: int | None,
) -> Any:
    tasks = dict(vars(review))
    bypass_prefect_tasks(review)
    review.publish_artifacts = _NoArtifacts()  # type: ignore[assignment]
    try:
        if kind == "nightly":
            return review.nightly_review.fn(
                as_of=_day(period), inputs=inputs, outputs=outputs, send=send, workers=workers
            )
        return review.quarterly_review.fn(
            quarter=period, inputs=inputs, outputs=outputs, send=send, workers=workers
        )
    finally:  # the module is the process's: put its tasks back
        vars(review).update(tasks)


class _NoArtifacts:
    """Stands for the publish-artifacts task, called or submitted: it writes nothing."""

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {}

    def submit(self, *args: Any, **kwargs: Any) -> Future[dict[str, Any]]:
        done: Future[dict[str, Any]] = Future()
        done.set_result({})
        return done


def _log_like_the_cli() -> None:
    logger = logging.getLogger("partner_review")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A review run without the Prefect engine.")
    parser.add_argument("kind", choices=["nightly", "quarterly"])
    parser.add_argument("--quarter")
    parser.add_argument("--as-of")
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--outputs", type=Path, required=True)
    parser.add_argument("--no-email", action="store_true")
    parser.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    from partner_review.environment import apply_defaults

    apply_defaults()
    _log_like_the_cli()
    period = args.as_of if args.kind == "nightly" else args.quarter
    state = run_direct(
        args.kind, period, args.inputs, args.outputs, not args.no_email, args.workers
    )
    outcome = state.data
    print(json.dumps({"state": state.type.value, "reports": getattr(outcome, "reports", None)}))
    return 0 if state.is_completed() else 1


if __name__ == "__main__":
    sys.exit(main())
