"""Crash safety: real nightly runs SIGKILLed at 22 seeded random moments.

A full run of a one-partner demo copy is measured first; the kill moments are
then drawn over its whole duration, over its render stage and its delivery
stage, plus moments set by events (the run folder just published, the first
email of the run just written) and during the start-up of a temporary Prefect
server. Before each killed run the partner's description changes, so the run
has new reports to render and new content to email. After every kill:

* ``outputs/nightly/`` shows no folder, or one complete folder (manifest.json
  and every file it lists, whole); anything else is a hidden staging or
  previous folder;
* every process of the run is gone;
* no two .eml files (and no two delivered ledger rows) hold the same content
  for the same recipient.

Every other kill, and after every kill in the delivery stage, a rerun must
complete with exit code 0 and a folder whose manifest says ``complete``; the
next killed run is itself a rerun of the state the previous kill left. Runs
report to one Prefect server started for the module (a temporary server per
run would cost ~15 s each), except the start-up kills, which need one.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tests.hardening.runs import (
    KEPT_PARTNER,
    check_nothing_sent_twice,
    check_run_folders,
    kill_group,
    one_partner_inputs,
    prefect_server,
    start_nightly,
)

SEED = 20261127
KILLS = 22
_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO (.*)$", re.M)


@dataclass(frozen=True)
class Phases:
    """Seconds from the start of a full run to the start of each stage, and its end."""

    render: float
    publish: float
    end: float


@dataclass(frozen=True)
class Moment:
    kind: str  # time | render | deliver | published | first_email | startup
    seconds: float = 0.0

    @property
    def needs_rerun(self) -> bool:
        return self.kind in ("deliver", "published", "first_email")


def _phases(log: Path, started: float, ended: float) -> Phases:
    stamps = {}
    for stamp, text in _LOG_TIME.findall(log.read_text(errors="replace")):
        moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp() - started
        stamps.setdefault(text.split()[0], moment)
    return Phases(render=stamps["computed"], publish=stamps["published"], end=ended - started)


def _moments(phases: Phases, rng: random.Random) -> list[Moment]:
    moments = [Moment("time", rng.uniform(0.5, phases.end)) for _ in range(9)]
    moments += [Moment("render", rng.uniform(phases.render, phases.publish)) for _ in range(6)]
    moments += [Moment("deliver", rng.uniform(phases.publish, phases.end)) for _ in range(2)]
    moments += [Moment("published"), Moment("published"), Moment("first_email")]
    moments += [Moment("first_email")]
    rng.shuffle(moments)
    return [Moment("startup", rng.uniform(2.0, 12.0)), *moments][:KILLS]


def _bump_partner(inputs: Path, revision: int) -> None:
    """A new description: the partner's reports and emails change, so the run renders and sends."""
    path = inputs / "partners" / f"{KEPT_PARTNER}.yaml"
    text = re.sub(
        r"(?m)^service: .*$", f"service: French-speaking support, rev {revision}", path.read_text()
    )
    path.write_text(text)


def _wait_for(condition: Callable[[], bool], proc_alive: Callable[[], bool], limit: float) -> None:
    deadline = time.monotonic() + limit
    while proc_alive() and not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def _every_email_always(inputs: Path) -> None:
    config = inputs / "config.yaml"
    config.write_text(config.read_text().replace("nightly: on_change", "nightly: always"))


@pytest.mark.timeout(1200)
def test_runs_killed_at_random_moments_leave_complete_folders_and_send_nothing_twice(
    tmp_path: Path,
) -> None:
    inputs = one_partner_inputs(tmp_path / "inputs")
    _every_email_always(inputs)
    rng = random.Random(SEED)
    with prefect_server(tmp_path / "prefect") as api:
        measure_log = tmp_path / "measure.log"
        started = time.time()
        assert start_nightly(inputs, tmp_path / "measure", measure_log, api).wait() == 0
        phases = _phases(measure_log, started, time.time())
        print(f"full run: {phases}")
        moments = _moments(phases, rng)
        assert len(moments) == KILLS
        outputs = tmp_path / "outputs"
        states: list[str] = []
        for i, moment in enumerate(moments):
            if i == KILLS // 2:
                outputs = tmp_path / "outputs-2"  # a second first run, with no previous folder
            _bump_partner(inputs, i)
            states.append(_kill_once(inputs, outputs, tmp_path / f"kill-{i}.log", moment, api))
            if moment.needs_rerun or i % 2 == 1 or i == KILLS - 1:
                log = tmp_path / f"rerun-{i}.log"
                code = start_nightly(inputs, outputs, log, api).wait()
                assert code == 0, log.read_text(errors="replace")[-3000:]
                assert check_run_folders(outputs) == "complete"
                check_nothing_sent_twice(outputs)
        print("after each kill:", states)
    assert "absent" in states and "complete" in states


def _kill_once(inputs: Path, outputs: Path, log: Path, moment: Moment, api: str) -> str:
    outbox = outputs / "outbox"
    emails_before = len(list(outbox.glob("*.eml"))) if outbox.exists() else 0
    proc = start_nightly(inputs, outputs, log, None if moment.kind == "startup" else api)
    start = time.monotonic()

    def alive() -> bool:
        return proc.poll() is None

    if moment.kind == "published":
        _wait_for(lambda: "INFO published" in log.read_text(errors="replace"), alive, 300)
    elif moment.kind == "first_email":
        _wait_for(lambda: len(list(outbox.glob("*.eml"))) > emails_before, alive, 300)
    else:
        _wait_for(lambda: time.monotonic() - start >= moment.seconds, alive, 300)
    kill_group(proc)
    state = check_run_folders(outputs)
    check_nothing_sent_twice(outputs)
    print(f"killed at {moment.kind} {time.monotonic() - start:.2f}s -> {state}")
    return state
