"""Short rates read together with the week's other gauges (issue 26, item 3): the audit classes of
BILL_CLASSES, run by `generator.commentary.agreement.audit` with its other classes; split from it to keep each
module readable."""

from __future__ import annotations

import re

from generator.commentary.agreement import _EASING, WEEK_AGAINST, _unquoted
from generator.metrics import paths as mp


# --- issue 26, item 3 ("gauges read together"): short rates read against the week's other gauges ----------------
# * bill floor        tightening or easing read into a bill yield under BILL_FLOOR (0.25%): at the zero floor a few
#                     basis points are noise (2009-03-13: 0.01% to 0.19% read as "policy has begun to tighten")
# * bill flight       a bill fall of BILL_FLIGHT (30 bp) or more in a week the VIX rose, or of fear, read as easing or
#                     an end to tightening (2023-03-17, the SVB week: -51 bp read as "pricing an end to the tightening")
# * horizons          a yield's longer horizon (four, thirteen or twenty-six weeks) told against a larger opposite move
#                     of WEEK_AGAINST (10 bp) or more this week, with the week named neither in it nor before it in
#                     its section (2025-04-11:
#                     "down 28 bp over thirteen weeks, which eases some of the pressure" with the 10-year +51 bp)
# * short-rate bands  "short rates are high" or "held at a high level" for a bill yield under the top HIGH_BAND of
#                     its closes over the ten years to the issue, not a fixed level (2001-11-09: "short rates are high" at 2.72%)
BILL_CLASSES = ("bill floor", "bill flight", "horizons", "short-rate bands")

BILL_FLOOR = 0.0025      # a bill yield under this is at the zero floor
BILL_FLIGHT = -0.003     # a bill week this low beside a rising VIX (or fear) is a flight into bills
HIGH_BAND = 0.7          # "high" short rates: the bill yield at or above 70% of its closes over BAND_YEARS
BAND_YEARS = 10

_END_TIGHT = re.compile(r"(?<!than )(?<!than about )(?<!not )an end to (?:the )?tightening|expect the tightening to end|"
                        r"tightening (?:has )?peaked|tightening near its end|turn in the rate cycle", re.I)
_POLICY_MOVE = re.compile(r"begun to tighten|policy is tightening|(?<!not )policy (?:is |has been )?easing|"
                          r"shows policy easing|priced in (?:easier|tighter) policy|first move away from free money|"
                          r"lifting off the floor|easy money is no longer|lift-off|" + _END_TIGHT.pattern, re.I)
_HIGH_SHORT = re.compile(r"short rates (?:are |stay |remain )?high|short rates high|held at a high level|"
                         r"high short rates", re.I)
_HORIZON = {"4w": re.compile(r"four weeks|on the month|a month ago", re.I),
            "13w": re.compile(r"thirteen weeks|on the quarter|a quarter ago", re.I),
            "26w": re.compile(r"twenty-six weeks|half-year|six months", re.I)}
_THIS_WEEK = re.compile(r"this week|on the week|the week's|in the week|week alone", re.I)
_RATE_SECTIONS = ("rates", "policy", "junk", "lede", "brief", "headline", "positioning")


def audit_bills(m, rendered, market=None, settings=None) -> dict[str, list[str]]:
    """The four classes of short rates read together (BILL_CLASSES) for one issue."""
    t = settings.tickers if settings is not None else None
    sy = (t.short_yield if t is not None else None) or "^IRX"
    ly = (t.long_yield if t is not None else None) or "^TNX"
    rates = [r for r in rendered if r.sentence.section in _RATE_SECTIONS]
    return {"bill floor": _bill_floor(m, rates, sy), "bill flight": _bill_flight(m, rates, sy),
            "horizons": _horizons(m, rates, (sy, ly)), "short-rate bands": _short_bands(m, rates, sy, market)}


def _bill_floor(m, rates, sy: str) -> list[str]:
    bill = m.levels.get(sy)
    if bill is None or bill.value >= BILL_FLOOR:
        return []
    return [f"a policy move read into a bill yield of {bill.value:.2%} (the zero floor): {r.text!r}" for r in rates
            if _POLICY_MOVE.search(_unquoted(r.text))]


def bill_flight(m, sy: str = "^IRX") -> bool:
    """The bill fell BILL_FLIGHT or more this week while the VIX rose or fear drove the week: a flight into bills."""
    from generator.metrics.regime import FEAR

    bill = m.levels.get(sy)
    week = bill.changes.get("1w") if bill is not None else None
    if week is None or week > BILL_FLIGHT:
        return False
    reg = m.regime
    vix = reg.gauges.vix_change if reg is not None else None
    return (reg is not None and reg.key in FEAR) or (vix is not None and vix > 0)


def _bill_flight(m, rates, sy: str) -> list[str]:
    if not bill_flight(m, sy):
        return []
    week = m.levels[sy].changes["1w"]
    return [f"a {week * 1e4:+.0f} bp bill week with the VIX up (a flight into bills) read as policy: {r.text!r}"
            for r in rates if _EASING.search(_unquoted(r.text)) or _END_TIGHT.search(_unquoted(r.text))]


def _horizons(m, rates, tickers) -> list[str]:
    """A sentence that tells a yield's longer horizon against a larger opposite week of WEEK_AGAINST or more: the week
    must be named in it or before it in its section (both horizons, the week first)."""
    out = []
    for ticker in tickers:
        level = m.levels.get(ticker)
        week = level.changes.get("1w") if level is not None else None
        if week is None or abs(week) < WEEK_AGAINST:
            continue
        against = [h for h in _HORIZON if (level.changes.get(h) or 0) * week < 0 and abs(level.changes[h]) < abs(week)]
        paths = {f"levels.{ticker}.changes.{h}" for h in against}
        if ticker.endswith("IRX"):
            paths |= {mp.EVENTS_REGIME_CHANGE_13W} if "13w" in against else set()
            paths |= {mp.EVENTS_REGIME_CHANGE_26W} if "26w" in against else set()
        named: set[str] = set()
        for r in rates:
            text = _unquoted(r.text)
            if _THIS_WEEK.search(text) and any(x.path == f"levels.{ticker}.changes.1w" or "yield_week" in x.path
                                               for x in (*r.sentence.facts, *r.sentence.claims)):
                named.add(r.sentence.section)
            told = {x.path for x in r.sentence.facts} & paths
            if told and any(_HORIZON[h].search(text) for h in against) and r.sentence.section not in named:
                out.append(f"{ticker}'s longer horizon told against its week of {week * 1e4:+.0f} bp: {r.text!r}")
    return out


def _short_bands(m, rates, sy: str, market) -> list[str]:
    rank = bill_rank(m, sy, market)
    if rank is None or rank >= HIGH_BAND:
        return []
    return [f"'high' short rates with the bill at the {rank:.0%} point of its history: {r.text!r}" for r in rates
            if _HIGH_SHORT.search(_unquoted(r.text))]


def bill_rank(m, sy: str, market) -> float | None:
    """The share of the bill yield's closes over the BAND_YEARS years to the issue's session at or below its last
    close there (0-1), or None."""
    if market is None or sy not in market:
        return None
    import pandas as pd

    quoted = market[sy].quoted
    end = pd.Timestamp(m.as_of)
    quoted = quoted[(quoted.index <= end) & (quoted.index >= end - pd.DateOffset(years=BAND_YEARS))].dropna()
    if quoted.empty:
        return None
    return float((quoted <= quoted.iloc[-1]).mean())
