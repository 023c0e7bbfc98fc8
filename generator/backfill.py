"""Backfill: build every weekly issue in a range from one loaded dataset, in parallel processes.

Issues already complete on disk are skipped (unless forced), so an
interrupted backfill picks up where it stopped; each issue is written
atomically, so an interruption never leaves a half-built one.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from generator.data import MarketData
from generator.metrics.indicators import weekly_last
from generator.pipeline import build_issue
from generator.settings import Settings

COMPLETE = ("metrics.json", "report.html", "report.pdf", "site.html", "email.html", "email.txt")
# Workers are replaced after this many issues each. A worker's memory creeps up by about
# 0.2 MB an issue (pandas' copy-on-write bookkeeping on the shared dataset, allocator and
# font-library caches); fresh workers forked from the loading process keep it flat.
RECYCLE_AFTER = 100

_worker: dict = {}


@dataclass(frozen=True)
class Built:
    as_of: date
    seconds: float
    rss_mb: float  # the worker's peak resident memory after this issue
    pid: int  # the worker that built it


def week_ends(market: MarketData, settings: Settings, start: date, end: date) -> list[date]:
    small, large = settings.pair.small, settings.pair.large
    common = market[small].frame.index.intersection(market[large].frame.index)
    ends = weekly_last(common.to_series())
    return [d.date() for d in ends.index if start <= d.date() <= end]


def is_complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in COMPLETE)


def _init(settings: Settings, market: MarketData, out_dir: Path) -> None:
    _worker.update(settings=settings, market=market, out=out_dir)


def _build_one(as_of: date) -> Built:
    import time


    start = time.perf_counter()
    build_issue(_worker["settings"], market=_worker["market"], as_of=as_of, out_dir=_worker["out"])
    gc.collect()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Built(as_of, time.perf_counter() - start, rss, os.getpid())


def backfill(settings: Settings, market: MarketData, out_dir: Path, start: date, end: date, *, jobs: int | None = None,
             force: bool = False, progress: Callable[[Built, int, int], None] = lambda b, done, total: None
             ) -> tuple[list[Built], list[date]]:
    """Build the missing issues; returns (built, skipped)."""
    weeks = week_ends(market, settings, start, end)
    todo = [d for d in weeks if force or not is_complete(out_dir / d.isoformat())]
    skipped = [d for d in weeks if d not in todo]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if not todo:
        return [], skipped
    # The loaded data lives as long as the run: keep it out of every garbage collection (and,
    # in forked workers, out of copy-on-write page copies that collections would cause).
    gc.collect()
    gc.freeze()
    try:
        return _run(settings, market, out_dir, todo, jobs, progress), skipped
    finally:
        gc.unfreeze()


def _run(settings: Settings, market: MarketData, out_dir: Path, todo: list[date], jobs: int,
         progress: Callable[[Built, int, int], None]) -> list[Built]:
    built: list[Built] = []
    if jobs == 1:
        _init(settings, market, out_dir)
        for as_of in todo:
            built.append(_build_one(as_of))
            progress(built[-1], len(built), len(todo))
        return built
    # fork: the workers inherit the loaded dataset instead of unpickling a copy each
    context = multiprocessing.get_context("fork")
    per_pool = jobs * RECYCLE_AFTER
    for first in range(0, len(todo), per_pool):
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init,
                                 initargs=(settings, market, out_dir)) as pool:
            futures = [pool.submit(_build_one, d) for d in todo[first:first + per_pool]]
            for future in as_completed(futures):
                built.append(future.result())
                progress(built[-1], len(built), len(todo))
    return sorted(built, key=lambda b: b.as_of)
