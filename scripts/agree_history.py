"""Count the real weeks each issue-26 agreement class affects: contradictions between sections, a stale
thirteen-week reading against a rare week, strength words beyond the gauge, and a false-move rating with no
rally (generator/commentary/agreement.py says what each class checks).

    .venv/bin/python scripts/agree_history.py --settings tests/fixtures/settings.yaml [--show 3]

Prints, per class, the weeks affected and a few examples.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.commentary.agreement import CLASSES  # noqa: E402
from generator.data import load_prices  # noqa: E402
from generator.history import run_history  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--settings", default="settings.yaml")
    ap.add_argument("--source", default="csv")
    ap.add_argument("--data-dir", default="../shared/data/market")
    ap.add_argument("--from", dest="start", default="2001-01-01")
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    settings = load_settings(args.settings)
    market = load_prices(settings, args.source, args.data_dir if args.source == "csv" else None, offline=True)
    started = time.perf_counter()
    weeks = [(w.session, {**dict(w.agreement), "fact-check flags": [f"[{f.cls}] {f.section}: {f.detail}"
                                                                     for f in w.flags]})
             for w in run_history(market, settings, date.fromisoformat(args.start), jobs=args.jobs)]
    print(f"{len(weeks)} weeks from {weeks[0][0]} to {weeks[-1][0]} ({time.perf_counter() - started:.0f} s)")
    for cls in (*CLASSES, "fact-check flags"):
        hit = [(day, found[cls]) for day, found in weeks if found[cls]]
        print(f"{cls}: {len(hit)} weeks")
        for day, details in hit[:args.show]:
            print(f"  {day}: {details[0][:300]}")


if __name__ == "__main__":
    main()
