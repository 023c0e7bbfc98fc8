"""Measure a backfill: wall time, per-issue time and the workers' peak memory as the run goes on.

    .venv/bin/python scripts/bench_backfill.py --weeks 52 --jobs 2 [--data-dir ../shared/data/market]

Uses the csv source when --data-dir is given (real data ends 2025-09), else the embedded sample.
Memory is the worker's peak resident set after each issue: flat means figures and PDF documents
are released; growth per issue would show as a rising line.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.backfill import backfill, week_ends  # noqa: E402
from generator.data import load_prices  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    settings = load_settings(ROOT / "settings.yaml")
    market = load_prices(settings, "csv" if args.data_dir else "sample", args.data_dir)
    small, large = settings.pair.small, settings.pair.large
    last = market[small].frame.index.intersection(market[large].frame.index)[-1].date()
    first = last - timedelta(weeks=args.weeks - 1, days=3)
    weeks = week_ends(market, settings, first, last)
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        built, _ = backfill(settings, market, Path(out), first, last, jobs=args.jobs)
        wall = time.perf_counter() - start
    per_issue = [b.seconds for b in built]
    rss = [b.rss_mb for b in built]
    print(f"backfill of {len(built)} weekly issues ({weeks[0]} .. {weeks[-1]}), {args.jobs} jobs: "
          f"{wall:.1f} s wall, {wall / len(built):.2f} s wall per issue")
    print(f"  per issue in a worker: median {statistics.median(per_issue):.2f} s "
          f"(min {min(per_issue):.2f}, max {max(per_issue):.2f})")
    k = max(1, len(rss) // 5)
    print(f"  worker peak RSS: first {k} issues {max(rss[:k]):.0f} MB, last {k} issues {max(rss[-k:]):.0f} MB")


if __name__ == "__main__":
    main()
