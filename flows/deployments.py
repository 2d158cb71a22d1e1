"""Deployments of the two review flows, served by ``partner-review serve``.

The nightly runs on ``reporting.nightly_cron`` in ``organisation.timezone``
(``prefect.schedules.Cron`` with an explicit time zone: the ``cron=`` shortcut
would mean UTC). The quarterly review is started by hand unless
``reporting.quarterly_cron`` is set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.schedules import Cron

from flows.review import nightly_review, quarterly_review
from partner_review.settings import Settings

NIGHTLY = "nightly"
QUARTERLY = "quarterly"


def build_deployments(settings: Settings, inputs: Path, outputs: Path) -> list[Any]:
    """The nightly and quarterly deployments, with these folders as default parameters."""
    zone = settings.config.organisation.timezone
    reporting = settings.config.reporting
    parameters = {"inputs": str(inputs), "outputs": str(outputs)}
    nightly = nightly_review.to_deployment(
        name=NIGHTLY,
        schedules=[Cron(reporting.nightly_cron, timezone=zone)],
        parameters=parameters,
        description="Nightly review: last complete month and month to date.",
        tags=["partner-review"],
    )
    quarterly_schedules = (
        [Cron(reporting.quarterly_cron, timezone=zone)] if reporting.quarterly_cron else []
    )
    quarterly = quarterly_review.to_deployment(
        name=QUARTERLY,
        schedules=quarterly_schedules,
        parameters=parameters,
        description="Quarterly business review pack (start by hand for a given quarter).",
        tags=["partner-review"],
    )
    return [nightly, quarterly]


def serve_deployments(settings: Settings, inputs: Path, outputs: Path) -> None:
    """Register both deployments and run them from this process until stopped."""
    from prefect import serve

    serve(*build_deployments(settings, inputs, outputs))
