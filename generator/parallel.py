"""A helper process for part of a build: forked, so it starts with everything already loaded.

The helper runs its steps in order and reports after each one, so the parent can
use the first step's result (say, chart descriptions once the SVGs are written)
while the helper goes on with the next (the PNGs). Only the small results cross
the pipe; the data, figures and imports are inherited by the fork.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator


class HelperFailed(RuntimeError):
    """The helper died or hit a bug (not an expected CapweeklyError)."""


def _serve(conn, steps: tuple[Callable[[], Any], ...], name: str) -> None:
    from generator.errors import CapweeklyError

    for step in steps:
        try:
            outcome = ("ok", step())
        except CapweeklyError as exc:
            outcome = ("error", exc)
        except BaseException:  # a bug: bring its traceback across
            outcome = ("error", HelperFailed(f"{name} failed in its process:\n{traceback.format_exc()}"))
        conn.send(outcome)
        if outcome[0] == "error":
            return


class Helper:
    def __init__(self, process, conn) -> None:
        self._process, self._conn = process, conn

    def next(self) -> Any:
        """Wait for the helper's next step; its result, or its error raised here."""
        try:
            status, value = self._conn.recv()
        except EOFError:
            self._process.join()
            raise HelperFailed(f"the {self._process.name} process died (exit code {self._process.exitcode})") \
                from None
        if status == "error":
            raise value
        return value


@contextmanager
def helper(*steps: Callable[[], Any], name: str = "capweekly-helper") -> Iterator[Helper]:
    """Fork a process that runs `steps` in order. Leaving the block stops it if it is still
    running (the parent failed), so it never writes into a folder being cleaned up."""
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(child_end, steps, name), name=name, daemon=True)
    sys.stdout.flush()  # or the child would write out what the parent had buffered a second time
    sys.stderr.flush()
    process.start()
    child_end.close()
    try:
        yield Helper(process, parent_end)
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        parent_end.close()
