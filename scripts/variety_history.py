"""How much an issue repeats itself from week to week, over a whole history (the commentary-only path).

    .venv/bin/python scripts/variety_history.py --source csv --data-dir ../shared/data/market [--from 2001-01-01]

For every window of ten consecutive weeks it counts, for each issue in the window, the share of its
commentary sentences that appear word for word in all ten issues once numbers, dates and month names are
masked; and how many of the ten headlines differ. It also reports the commentary's length in words
(headline, standfirst, headings and sections). Targets (issue 15): at most 10% of an issue's sentences in
all ten, headlines different in at least 8 of 10, 700-1,200 words.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.data import load_prices  # noqa: E402
from generator.history import history_report, run_history, variety_report  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--settings", default="settings.yaml")
    ap.add_argument("--source", default="csv")
    ap.add_argument("--data-dir", default="../shared/data/market")
    ap.add_argument("--from", dest="start", default="2001-01-01")
    ap.add_argument("--to", dest="end", default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=15, help="the most repeated sentences to print")
    ap.add_argument("--save", help="pickle the week results to this file (for a closer look)")
    ap.add_argument("--flags", type=int, default=0, help="also print the fact-check report with N examples a class")
    args = ap.parse_args()
    settings = load_settings(args.settings)
    market = load_prices(settings, args.source, args.data_dir if args.source == "csv" else None, offline=True)
    started = time.perf_counter()
    weeks = run_history(market, settings, date.fromisoformat(args.start),
                        date.fromisoformat(args.end) if args.end else None, jobs=args.jobs)
    if args.save:
        import pickle

        Path(args.save).write_bytes(pickle.dumps(weeks))
    print(variety_report(weeks, show=args.show))
    if args.flags:
        print(history_report(weeks, show=args.flags))
    print(f"{len(weeks)} weeks in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
