"""A helper process for part of a build: forked, so it starts with everything already loaded.

The helper runs its steps in order and reports after each one, so the parent can
use the first step's result (say, chart descriptions once the SVGs are written)
while the helper goes on with the next (the PNGs). Only the small results cross
the pipe; the data, figures and imports are inherited by the fork.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator


class ChildFailed(RuntimeError):
    """A forked process died or hit a bug (not an expected CapweeklyError)."""


class HelperFailed(ChildFailed):
    pass


def run_step(step: Callable[[], Any], name: str, failed: type[ChildFailed]) -> tuple[str, Any]:
    """In the child: ("ok", result), or ("error", what to raise in the parent)."""
    from generator.errors import CapweeklyError

    try:
        return "ok", step()
    except CapweeklyError as exc:
        return "error", exc
    except BaseException:  # a bug: bring its traceback across
        return "error", failed(f"{name} failed in its process:\n{traceback.format_exc()}")


def receive(conn, process, failed: type[ChildFailed]) -> Any:
    """In the parent: the child's next result, or its error (or its death) raised here."""
    try:
        status, value = conn.recv()
    except EOFError:
        process.join()
        raise failed(f"the {process.name} process died (exit code {process.exitcode})") from None
    if status == "error":
        raise value
    return value


def _die_with_parent() -> None:
    """Linux: have the kernel send this process SIGTERM when its parent dies, however it dies (SIGKILL
    included), so a helper never outlives the build it works for. Elsewhere, a no-op."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(target: Callable[..., None], args: tuple, parent: int) -> None:
    # The parent's SIGTERM handler (a clean shutdown of the command, generator.cli) is not the child's:
    # the parent stops its children itself, and a child asked to stop just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    if hasattr(signal, "pthread_sigmask"):  # blocked across the fork (start_forked): a stop sent meanwhile lands now
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        return
    target(*args)


def start_forked(target: Callable[..., None], args: tuple, name: str):
    """Fork and start a daemon process running target(*args); it ends when its parent dies."""
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_child, args=(target, args, os.getpid()), name=name, daemon=True)
    sys.stdout.flush()  # or the child would write out what the parent had buffered a second time
    sys.stderr.flush()
    # SIGTERM is blocked across the fork: a child stopped before `_child` resets its handler would otherwise run
    # the parent's (a clean stop of the command) and carry on as a copy of the parent. The parent's own SIGTERM
    # waits the few microseconds of the fork and is then handled as usual.
    if not hasattr(signal, "pthread_sigmask"):
        process.start()
        return process
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        process.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    return process


def _serve(conn, steps: tuple[Callable[[], Any], ...], name: str) -> None:
    for step in steps:
        outcome = run_step(step, name, HelperFailed)
        conn.send(outcome)
        if outcome[0] == "error":
            return


class Helper:
    def __init__(self, process, conn) -> None:
        self._process, self._conn = process, conn

    def next(self) -> Any:
        """Wait for the helper's next step; its result, or its error raised here."""
        return receive(self._conn, self._process, HelperFailed)


class Inline:
    """The same steps as a Helper's, run in this process when asked for: a build on one core."""

    def __init__(self, steps: tuple[Callable[[], Any], ...]) -> None:
        self._steps = iter(steps)

    def next(self) -> Any:
        return next(self._steps)()


@contextmanager
def inline(*steps: Callable[[], Any], name: str = "") -> Iterator[Inline]:
    """`helper`'s interface without a process: each `next()` runs the next step here."""
    yield Inline(steps)


@contextmanager
def helper(*steps: Callable[[], Any], name: str = "capweekly-helper") -> Iterator[Helper]:
    """Fork a process that runs `steps` in order. Leaving the block stops it if it is still
    running (the parent failed), so it never writes into a folder being cleaned up."""
    parent_end, child_end = multiprocessing.Pipe(duplex=False)
    process = start_forked(_serve, (child_end, steps, name), name)
    child_end.close()
    try:
        yield Helper(process, parent_end)
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        parent_end.close()
