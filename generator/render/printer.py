"""A PDF printer in a second process, so a single build uses both cores.

`capweekly build` forks the printer first thing. While this process imports
pandas and matplotlib, loads the data, computes the metrics and draws the SVG
charts, the printer imports WeasyPrint (the slowest import of all) and warms
its fonts. It then gets the print HTML through a pipe and writes the PDF while
this process draws the PNGs and writes the HTML and email editions.

This module imports nothing heavy: it must be cheap to load before the fork.
Fork, not spawn: the child needs no arguments pickled and starts at once.
"""

from __future__ import annotations

import multiprocessing
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from generator.parallel import ChildFailed, receive, run_step, start_forked


class PrinterFailed(ChildFailed):
    """The printer process died or hit a bug (not an expected CapweeklyError)."""


def _serve(conn) -> None:
    from generator.render.pdf import warm_up, write_pdf

    warm_up()
    try:
        html, base_dir, target, policy = conn.recv()
    except EOFError:  # the build stopped before it had anything to print
        return
    start = time.perf_counter()

    def print_pdf() -> dict[str, float]:
        write_pdf(html, base_dir, target, policy)
        return {"pdf": time.perf_counter() - start}

    conn.send(run_step(print_pdf, "PDF printer", PrinterFailed))


class Printer:
    """Handle to the printer process: `submit` the job once, then `result` waits for it."""

    def __init__(self, process, conn) -> None:
        self._process, self._conn = process, conn
        self._submitted = False

    def submit(self, html: str, base_dir: Path, target: Path, policy=None) -> None:
        """`policy`: the renderer's FetchPolicy (generator.render.pdf); default: the issue folder and templates."""
        self._conn.send((html, base_dir, target, policy))
        self._submitted = True

    def stop(self) -> None:
        """Kill the printer now (the build failed); waits until it is gone."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def result(self) -> dict[str, float]:
        """The printer's own timings; raises its error here if it failed."""
        return receive(self._conn, self._process, PrinterFailed)


class InlinePrinter:
    """The Printer's interface in this process: the PDF is written when its result is asked for (a build on
    one core, or a backfill worker). Same job, same files."""

    def __init__(self) -> None:
        self._job: tuple | None = None

    def submit(self, html: str, base_dir: Path, target: Path, policy=None) -> None:
        self._job = (html, base_dir, target, policy)

    def stop(self) -> None:
        self._job = None

    def result(self) -> dict[str, float]:
        from generator.render.pdf import write_pdf

        assert self._job is not None, "submit the PDF before asking for it"
        start = time.perf_counter()
        write_pdf(*self._job)
        return {"pdf": time.perf_counter() - start}


@contextmanager
def pdf_printer() -> Iterator[Printer]:
    """Fork the printer; on leaving, make sure it has stopped (killed if the build failed),
    so it never writes into a staging folder that is being removed."""
    parent_end, child_end = multiprocessing.Pipe()
    process = start_forked(_serve, (child_end,), "capweekly-printer")
    child_end.close()
    printer = Printer(process, parent_end)
    try:
        yield printer
    finally:
        parent_end.close()
        if not printer._submitted:  # the build stopped first (bad input): no need to wait for the import
            process.terminate()
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
            process.join()
