"""Time `compute_metrics` alone (the pure-pandas stage) on the full history of every default ticker.

    .venv/bin/python scripts/bench_metrics.py [--runs 9] [--data-dir ../shared/data/market] [--as-of DATE]

Without --data-dir it uses the embedded sample, which also carries the 600-member
default breadth universe (2000-2025); the real data has the 17 default tickers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.data import load_prices  # noqa: E402
from generator.metrics import compute_metrics  # noqa: E402
from generator.pipeline import cut_at, pick_session  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--data-dir")
    parser.add_argument("--as-of", type=date.fromisoformat)
    args = parser.parse_args()
    settings = load_settings(ROOT / "settings.yaml")
    market = load_prices(settings, "csv" if args.data_dir else "sample", args.data_dir)
    session = pick_session(market, settings, args.as_of)
    market = cut_at(market, session)
    compute_metrics(market, settings, session)  # warm: first-call costs are not the stage's
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        compute_metrics(market, settings, session)
        times.append(time.perf_counter() - start)
    days = max(len(h.frame) for h in market.histories.values())
    print(f"compute_metrics, {len(market.histories)} tickers, up to {days} sessions, as of {session.date()}: "
          f"median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, "
          f"max {max(times) * 1000:.0f}) over {args.runs} runs")


if __name__ == "__main__":
    main()
