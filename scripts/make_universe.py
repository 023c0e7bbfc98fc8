"""Write a breadth universe file (one Yahoo symbol a line) from an index provider's holdings CSV.

    .venv/bin/python scripts/make_universe.py IWM_holdings.csv --top 600 > generator/data/universe/small_caps.txt

Takes the equity rows, maps the provider's tickers to Yahoo symbols (generator/data/universe), keeps the
`--top` largest by index weight, and writes them in alphabetical order under a header that records the source
and the as-of date. The result is a list of facts (which companies were in the index on that day), not a copy of
the provider's file. `--as-of` gives the date when the file does not state it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.data.universe import read_holdings  # noqa: E402
from generator.errors import SettingsError  # noqa: E402


def universe_text(holdings: Path, top: int, as_of: date | None = None) -> str:
    if not holdings.is_file():
        raise SettingsError(str(holdings), ["holdings file not found"])
    rows, stated = read_holdings(holdings.read_bytes().decode("utf-8-sig"), holdings)
    if not rows:
        raise SettingsError(str(holdings), ["no equity rows found (is it an index holdings CSV?)"])
    if any(r.weight is None for r in rows):
        raise SettingsError(str(holdings), ["no 'Weight (%)' value on every equity row (needed to rank by size)"])
    weight: dict[str, float] = {}
    for r in rows:  # a company listed twice (two lines of one class) counts once, at its larger weight
        weight[r.symbol] = max(weight.get(r.symbol, 0.0), r.weight)
    # largest first; weights are rounded (0.03 for hundreds of names), so ties keep the file's own order,
    # which iShares sorts by market value
    kept = sorted(sorted(weight, key=lambda s: -weight[s])[:top])
    when = stated or as_of
    stamp = when.isoformat() if when else "unknown (not stated in the holdings file; pass --as-of)"
    header = [f"# capweekly breadth universe: the {len(kept)} largest members by index weight of {len(weight)}",
              f"# equities in the holdings file {holdings.name}, one Yahoo symbol a line.",
              "# Membership is fixed at the date below: stocks that joined or left the index since are not",
              "# followed (see README, 'Breadth'). Rebuild with scripts/make_universe.py.",
              f"# as of: {stamp}"]
    return "\n".join(header + kept) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("holdings", type=Path)
    ap.add_argument("--top", type=int, default=600, help="How many members to keep, largest index weight first.")
    ap.add_argument("--as-of", type=date.fromisoformat, help="The holdings date, if the file does not state it.")
    args = ap.parse_args()
    try:
        sys.stdout.write(universe_text(args.holdings, args.top, args.as_of))
    except SettingsError as exc:
        raise SystemExit(f"error: {exc.one_line().removeprefix('settings error: ')}") from None


if __name__ == "__main__":
    main()
