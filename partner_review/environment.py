"""Process-wide defaults set before Prefect is imported.

Partner Review runs unattended and with no Prefect server (ephemeral mode) by
default; it must be quiet: no telemetry, no temporary-server chatter, and our
own ``partner_review`` log lines forwarded to Prefect's run logs. Every value
here is a default: a variable already set in the environment wins.
"""

from __future__ import annotations

import os

DEFAULTS: dict[str, str] = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_CLI_PROMPT": "false",
}


def apply_defaults() -> None:
    """Set Prefect's environment defaults for this process (and its children)."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
