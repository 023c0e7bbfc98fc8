"""Sections a build leaves without data, told to the writer at build time.

A section whose data is missing still builds: it tells readers so in a note ("Breadth readings need
single-stock prices..."). That is right for readers and easy for the writer to miss, since nothing
fails; with csv data and the packaged breadth list, breadth was silently empty and the stance scored
without it. So every such note the issue prints becomes a warning on the terminal that quotes what
readers will see and names the setting that would fill the section, and the build summary lists them.

A section the writer turned off (every ticker it needs set to null) is listed in the summary but is
not a warning, so `weekly --strict` can still run on a letter that chose to leave it out.

The trigger is the rendered note itself (`words.rendered`), not a second copy of each section's
condition: a gap is reported exactly when readers see one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Gap:
    section: str      # where readers see it ("breadth", "junk", ...)
    said: str         # the sentence readers see
    fill: str         # what would fill it: the setting to change or the command to run
    chosen: bool = False  # the writer turned its series off (every ticker it needs set to null): no warning
    # a gap the data set has always had: the issue does not say it every week (the about page states it once), but
    # the writer is still told at build time
    standing: bool = False

    def line(self) -> str:
        if self.standing:
            return f"{self.section}: not in this issue, a standing gap of the data set (the about page says so); {self.fill}"
        return f"{self.section}: readers will see \u201c{self.said}\u201d; {self.fill}"


# the note's words key -> (the section as a writer knows it, the settings that fill it)
_TICKER_GAPS = {
    "rates_unavailable": ("rates", ("tickers.long_yield",)),
    "policy_unavailable": ("policy", ("tickers.short_yield",)),
    "junk_unavailable": ("junk", ("tickers.high_yield", "tickers.treasuries", "tickers.quality")),
    "risks_unavailable": ("risks", ("tickers.volatility", "tickers.fx")),
    "sectors_unavailable": ("sectors", ("tickers.sectors",)),
}

_CROWDING_FILLS = {
    "hedging": "add {rvx}'s prices to the data (tickers.small_volatility), or set it to null to drop the gauge",
    "volume": "use a source with {small}'s daily volume (the csv files' Volume column)",
    "cot": "set positioning.cot_file to a CFTC FinFutYY.txt that covers this week (or positioning.cot: false)",
    "cot_cache": "run `capweekly data update` with network to download the CFTC files (positioning.cot_download)",
    "cot_file": "positioning.cot_file names a file that is not there: fix the path (or positioning.cot: false)",
}


def data_gaps(rendered: Iterable, settings, doc: dict) -> tuple[Gap, ...]:
    """The gaps readers will see in this issue, in reading order, one per note."""
    out: list[Gap] = []
    for r in rendered:
        key = r.sentence.key
        if key in _TICKER_GAPS:
            section, fields = _TICKER_GAPS[key]
            named = [f"{f} ({_ticker(settings, f)})" for f in fields if _ticker(settings, f)]
            fill = (f"add the data for {', '.join(named)} or correct the ticker" if named
                    else f"set {' and '.join(fields)} in settings.yaml")
            out.append(Gap(section, r.text, fill, chosen=not named))
        elif key == "breadth_unavailable":
            out.append(Gap("breadth", r.text, _breadth_fill(settings, doc)))
        elif key == "crowding_unavailable":
            missing = r.sentence.extra.get("missing", ())
            fills = [_CROWDING_FILLS[m].format(rvx=settings.tickers.small_volatility, small=settings.pair.small)
                     for m in missing if m in _CROWDING_FILLS]
            out.append(Gap("crowding", r.text, "; ".join(fills)))
    return tuple(out) + _standing(out, settings, doc)


def _standing(said: list[Gap], settings, doc: dict) -> tuple[Gap, ...]:
    """Breadth and the crowding gauges the data set never held: no note in the issue, a warning for the writer."""
    sections = {g.section for g in said}
    out = []
    if "breadth" not in sections and doc.get("breadth") is None:
        out.append(Gap("breadth", "", _breadth_fill(settings, doc), standing=True))
    crowding = doc.get("crowding") or {}
    missing = ([] if crowding.get("hedge_in_data", True) or not settings.tickers.small_volatility else ["hedging"]) \
        + ([] if crowding.get("volume_in_data", True) else ["volume"])
    if "crowding" not in sections and missing:
        fills = [_CROWDING_FILLS[m].format(rvx=settings.tickers.small_volatility, small=settings.pair.small)
                 for m in missing]
        out.append(Gap("crowding", "", "; ".join(fills), standing=True))
    return tuple(out)


def _ticker(settings, field: str) -> str:
    value = getattr(settings.tickers, field.split(".", 1)[1])
    return ", ".join(value) if isinstance(value, (list, tuple)) else (value or "")


def _breadth_fill(settings, doc: dict) -> str:
    """Which setting fills breadth depends on where prices come from."""
    universe = (doc.get("provenance") or {}).get("universe") or {}
    have, size = universe.get("with_data", 0), universe.get("size", "?")
    need = settings.breadth.min_members
    counted = (f"{have} of the {size} members of breadth.universe have prices, and breadth needs {need}" if size
               else "breadth.universe lists no members")
    source = doc.get("source")
    if source == "csv":
        where = ((doc.get("provenance") or {}).get("description") or "the csv data folder")
        folder = settings.breadth.data_dir or where
        return (f"{counted}: put the members' <TICKER>.csv files in {folder} (breadth.data_dir), "
                "or set breadth.universe to members you have prices for")
    if source == "yfinance":
        return f"{counted}: run `capweekly data update` to download them (or lower breadth.min_members)"
    return f"{counted} (breadth.universe, breadth.min_members)"
