from __future__ import annotations

import threading

import pytest

from transforms.side_thread import side_thread


class SideFailed(ValueError):
    pass


class CallerFailed(ValueError):
    pass


def test_side_steps_run_one_after_the_other_on_another_thread() -> None:
    ran: list[tuple[str, str]] = []

    def step(name: str) -> str:
        ran.append((name, threading.current_thread().name))
        return name.upper()

    with side_thread() as side:
        first, second = side.submit(step, "a"), side.submit(step, "b")
        assert (first.result(), second.result()) == ("A", "B")
    assert [name for name, _ in ran] == ["a", "b"]
    assert all(thread != threading.current_thread().name for _, thread in ran)


def test_a_failing_side_step_raises_where_its_result_is_taken() -> None:
    def fails() -> None:
        raise SideFailed("side")

    with pytest.raises(SideFailed), side_thread() as side:
        job = side.submit(fails)
        job.result(timeout=10)


def test_a_failure_on_the_calling_thread_waits_for_the_running_step_and_drops_the_rest() -> None:
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def running() -> str:
        started.set()
        release.wait(timeout=10)  # until the queued step is dropped
        ran.append("running")
        return "done"

    with pytest.raises(CallerFailed), side_thread() as side:
        job = side.submit(running)
        queued = side.submit(ran.append, "queued")
        queued.add_done_callback(lambda _: release.set())
        started.wait(timeout=10)
        raise CallerFailed("caller")
    assert ran == ["running"]  # the running step finished, the queued one never ran
    assert job.result(timeout=0) == "done"
    assert queued.cancelled()
