"""A second thread for the independent steps of one computation (the machine's second core).

numpy's and most pandas kernels release the GIL, so a step run on this thread (the
quarterly scorecard, the statistical signals) overlaps with the steps left on the calling
thread (the monthly statuses and credits). A step is handed its inputs when it is
submitted and takes nothing from the calling thread afterwards, so neither thread ever
waits for the other except where the caller takes a result: the frames are the same,
in the same order, whichever thread finishes first.

Failures: a side step's exception is raised where its result is taken; an exception on
the calling thread leaves the block once the side step already running has finished
(a thread cannot be stopped), with the side steps not yet started dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


@contextmanager
def side_thread() -> Iterator[ThreadPoolExecutor]:
    """One worker thread whose submitted steps run one after the other, in order."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="side-step")
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
