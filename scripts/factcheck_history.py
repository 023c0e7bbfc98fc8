"""Run the commentary path (metrics + words + fact-check, no charts or PDF) over every week of a data set
and count the fact-check flags by class.

    .venv/bin/python scripts/factcheck_history.py --source csv --data-dir ../shared/data/market [--from 2001-01-01]
    .venv/bin/python scripts/factcheck_history.py --source sample --show 20

Prints the flags by class, the stance changes per year, and (with --show N) N example flags per class.
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
from generator.history import history_report, run_history  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--settings", default="settings.yaml")
    ap.add_argument("--source", default="csv")
    ap.add_argument("--data-dir", default="../shared/data/market")
    ap.add_argument("--from", dest="start", default="2001-01-01")
    ap.add_argument("--to", dest="end", default=None)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--raw-stance", action="store_true", help="publish the raw rules' stance (stance.steady: false)")
    ap.add_argument("--dump", help="write each week's headline and standfirst, prose words, news over the bar and "
                                   "every sentence with its words key to this JSON file (scripts/news_coverage.py "
                                   "reads it)")
    args = ap.parse_args()
    settings = load_settings(args.settings)
    if args.raw_stance:
        settings = settings.model_copy(update={"stance": settings.stance.model_copy(update={"steady": False})})
    market = load_prices(settings, args.source, args.data_dir if args.source == "csv" else None, offline=True)
    started = time.perf_counter()
    weeks = run_history(market, settings, date.fromisoformat(args.start),
                        date.fromisoformat(args.end) if args.end else None, jobs=args.jobs)
    print(history_report(weeks, show=args.show))
    # issue 26's agreement classes (generator/commentary/agreement.py): the weeks each affects
    for cls in CLASSES:
        hit = [(w.session, dict(w.agreement)[cls]) for w in weeks if dict(w.agreement).get(cls)]
        print(f"agreement, {cls}: {len(hit)} weeks")
        for day, details in hit[:args.show]:
            print(f"  {day}: {details[0][:300]}")
    if args.dump:
        import json

        Path(args.dump).write_text(json.dumps({str(w.session): {"lead": w.lead, "words": w.words,
                                                                "must_tell": w.must_tell, "headline": w.headline,
                                                                "keys": w.keys, "sentences": w.sentences,
                                                                "lead_fact": w.lead_fact, "rarest": w.rarest,
                                                                "news": w.news} for w in weeks}))
    words = sorted(w.words for w in weeks)
    if words:
        print(f"prose words: min {words[0]}, median {words[len(words) // 2]}, max {words[-1]}; "
              f"outside 500-900: {sum(1 for n in words if not 500 <= n <= 900)} weeks")
    print(f"{len(weeks)} weeks in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
