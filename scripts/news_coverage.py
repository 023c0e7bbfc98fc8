"""How many weeks' news over the bar the headline and standfirst tell, with the right "since".

    .venv/bin/python scripts/factcheck_history.py --dump /tmp/now.json
    .venv/bin/python scripts/news_coverage.py /tmp/now.json [--leads /tmp/before.json]

The first file gives each week's facts over the news bar (generator/metrics/news.py) and, unless --leads is
given, the headline and standfirst they are checked against; --leads takes the headline and standfirst from
another build of the same weeks (an earlier version, {"YYYY-MM-DD": "headline standfirst"}). A fact is told
when the lead gives its size as printed and its rarity as the data show it: "<Month Year>" for a "since" of a
year or more, "in our data" for a record.
"""

from __future__ import annotations

import argparse
import collections
import json


def told(lead: str, when: str | None, size: str) -> bool:
    if size not in lead:
        return False
    if when is None:
        return True
    return ("in our data" in lead) if when == "record" else (when in lead)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dump")
    ap.add_argument("--leads")
    args = ap.parse_args()
    weeks = json.load(open(args.dump))
    leads = json.load(open(args.leads)) if args.leads else {d: w["lead"] for d, w in weeks.items()}
    due = failed = 0
    failing_weeks = set()
    by_key: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for day, w in weeks.items():
        for key, when, size in w["must_tell"]:
            due += 1
            by_key[key][0] += 1
            if not told(leads.get(day, ""), when, size):
                failed += 1
                by_key[key][1] += 1
                failing_weeks.add(day)
    weeks_due = sum(1 for w in weeks.values() if w["must_tell"])
    print(f"{weeks_due} weeks with news over the bar ({due} facts); {len(failing_weeks)} weeks fail "
          f"({failed} facts not told with their rarity)")
    for key, (n, bad) in sorted(by_key.items()):
        print(f"  {key:18} {n:5} due, {bad:5} not told")


if __name__ == "__main__":
    main()
