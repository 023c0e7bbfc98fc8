"""Print the commentary of one or more weeks as a reader sees it (plain text, section by section), with
any fact-check flags. The commentary path only: no charts, no PDF.

    .venv/bin/python scripts/read_week.py 2008-10-10 2024-08-09 [--source csv --data-dir ../shared/data/market]
        [--with-shared]

--with-shared reads what a yfinance user's cache would also hold: the small-cap VIX (^RVX, from
../shared/data/positioning) beside the market files, and the breadth members (../shared/data/breadth), so
the crowding and breadth readings are there from the weeks those data cover.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.commentary import SECTIONS  # noqa: E402
from generator.commentary.factcheck import plain  # noqa: E402
from generator.commentary.words import previous_headline, write_words  # noqa: E402
from generator.data import load_prices  # noqa: E402
from generator.metrics import compute_metrics  # noqa: E402
from generator.metrics.stance import issue_table  # noqa: E402
from generator.pipeline import cut_at, pick_session  # noqa: E402
from generator.render.environment import builtin_templates_dir, make_environment  # noqa: E402
from generator.settings import load_settings  # noqa: E402


def fixed_headings() -> dict[str, str]:
    """The sections' printed headings, as the report's partials write them (templates/sections/_NN_<name>.html)."""
    out = {}
    for path in sorted(builtin_templates_dir().joinpath("sections").glob("_[0-9][0-9]_*.html")):
        found = re.search(r"<h2>([^<{]+)</h2>", path.read_text())
        if found:
            out[path.stem[4:].replace("_", "-")] = found.group(1)
    return out


def with_shared(market_dir: Path) -> tuple[str, str]:
    """A folder of links to the market files plus ^RVX, and the breadth folder (both from ../shared/data)."""
    shared = market_dir.resolve().parent
    folder = Path(tempfile.mkdtemp(prefix="read_week_"))
    for path in [*market_dir.glob("*.csv"), shared / "positioning" / "^RVX.csv"]:
        if path.is_file():
            (folder / path.name).symlink_to(path.resolve())
    return str(folder), str((shared / "breadth").resolve())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dates", nargs="+")
    ap.add_argument("--settings", default="settings.yaml")
    ap.add_argument("--source", default="csv")
    ap.add_argument("--data-dir", default="../shared/data/market")
    ap.add_argument("--with-shared", action="store_true", help="add ^RVX and the breadth members from ../shared/data")
    args = ap.parse_args()
    data_dir = args.data_dir
    environ = dict(os.environ)
    if args.with_shared:
        data_dir, environ["CAPWEEKLY__BREADTH__DATA_DIR"] = with_shared(Path(args.data_dir))
    settings = load_settings(args.settings, environ)
    market = load_prices(settings, args.source, data_dir if args.source == "csv" else None, offline=True)
    env = make_environment()
    headings = fixed_headings()
    for day in args.dates:
        session = pick_session(market, settings, date.fromisoformat(day))
        cut = cut_at(market, session)
        calls = issue_table(market, cut, settings, session)
        m = compute_metrics(cut, settings, session, calls)
        _, w, _ = write_words(m, cut, settings, env,
                              previous_headline=previous_headline(market, settings, env, session, calls=calls))
        print(f"=== week ending {m.as_of} ===\n# {w.headline}\n")
        if w.brief:
            print("The week in brief:\n" + "\n".join(f"- {plain(b)}" for b in w.brief) + "\n")
        print(f"{plain(w.standfirst)}\n")
        for name in SECTIONS:
            if name in w.headings:
                print(f"## {plain(w.headings[name])}")
            elif name != "sectors-map":
                print(f"## {headings.get(name, name)}")
            for p in w.sections.get(name, ()):
                print(plain(p) + "\n")
            for note in w.notes.get(name, ()):
                print(f"(Notes box) {plain(note)}\n")
        prose = sum(len(plain(t).split()) for t in [w.headline, w.standfirst, *w.brief, *w.headings.values()]
                    ) + sum(len(plain(p).split()) for ps in w.sections.values() for p in ps)
        print(f"[{prose} words of commentary]")
        for f in w.flags:
            print(f"FLAG [{f.cls}] {f.section}: {f.detail}\n    {f.sentence}")
        print()


if __name__ == "__main__":
    main()
