"""Numbers in the text: each one a declared figure at the precision shown, no move shown as zero told as a
direction, ordinals spelt right, and percentage points never printed as "%"."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Iterable, Mapping

from generator.commentary.claims import MISSING, SHOWN_ZERO, SHOWN_ZERO_BP
from generator.commentary.factcheck.base import DATE, HORIZONS, NUMBER, ORDINAL_NUMBER, TERMS, YEARS, Rendered
from generator.formats import longdate, monthyear, ordinal, shortdate, weekday

def _years_range(match: re.Match) -> tuple[float, float]:
    almost, more, whole = match.group(1), match.group(2), match.group(3)
    if almost:
        return int(almost) - 0.25, int(almost)
    if more:
        return int(more) + 0.25, int(more) + 0.75
    if whole:
        return int(whole), int(whole) + 0.25
    return {"about a year": (1, 1.25), "several months": (0.25, 0.75), "almost a year": (0.75, 1),
            "less than three months": (0, 0.25)}[match.group(0)]


def _date_forms(value: Any) -> set[str]:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return set()
    if not isinstance(value, date):
        return set()
    return {longdate(value), shortdate(value), monthyear(value), weekday(value)}


def _matches(token: float, decimals: int, signed: bool, scaled: float) -> bool:
    tolerance = 0.5 * 10 ** -decimals + 1e-9
    if signed:
        return abs(scaled - token) <= tolerance
    return abs(abs(scaled) - abs(token)) <= tolerance


def check_numbers(r: Rendered, doc: Mapping[str, Any], names: Iterable[str],
                  units: list[str] | None = None) -> list[str]:
    """Problems with the numbers of one sentence: each must be one of its figures, as shown. A figure printed
    with "%" that is a change in a share or a percentile (percentage points) goes to `units`."""
    s, text = r.sentence, r.text
    problems = []
    units = [] if units is None else units
    values = {f.name: (f, f.value(doc)) for f in s.facts}
    if "\u2013" in text:  # the filters print an en dash for a missing figure
        gone = [f"{f.path} ({f.name})" for f, v in values.values() if v is MISSING or v is None]
        problems.append(f"a figure is missing: {', '.join(gone) or 'one the sentence does not declare'}")
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    dates = set().union(*(_date_forms(v) for f, v in values.values() if f.unit == "date")) if values else set()
    for match in DATE.findall(text):
        if match not in dates:
            problems.append(f"date {match!r} is not one of the sentence's dates")
    text = DATE.sub(" ", text)
    for match in YEARS.finditer(text):
        low, high = _years_range(match)
        if not any(f.unit == "years" and isinstance(v, (int, float)) and low <= v < high for f, v in values.values()):
            problems.append(f"{match.group(0)!r} matches no span of years the sentence quotes")
    text = HORIZONS.sub(" ", YEARS.sub(" ", TERMS.sub(" ", text)))
    for sign, digits, unit in NUMBER.findall(text):
        token = float(digits.replace(",", "")) * (-1 if sign in "-\u2212" and sign else 1)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        unit = unit.strip().replace("\u00a0", "")
        candidates = []
        points = []
        for fact, value in values.values():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            if unit == "%" and (fact.unit == "pp" or is_share_change(fact.path, doc) or is_return_spread(fact.path)):
                points.append(value * 100)
                if fact.unit in ("pct", "yield"):
                    candidates.append(value * 100)
            elif unit == "%" and fact.unit in ("pct", "yield"):
                candidates.append(value * 100)
            elif unit in ("percentage points", "pts") and fact.unit == "pp":
                candidates.append(value * 100)
            elif unit == "bp" and fact.unit == "bp":
                candidates.append(value * 10000)
            elif not unit and fact.unit in ("level", "count", "year"):
                candidates.append(value)
        if any(_matches(token, decimals, bool(sign), c) for c in points) and \
                not any(_matches(token, decimals, bool(sign), c) for c in candidates if c not in points):
            what = "a difference of two returns" if any(is_return_spread(f.path) for f, _ in values.values()) \
                else "a change in a share or a percentile"
            units.append(f"{sign}{digits}% is {what}: percentage points, not %")
            continue
        if not any(_matches(token, decimals, bool(sign), c) for c in candidates):
            problems.append(f"{sign}{digits}{unit} is not a figure this sentence declares")
    return problems


_ZERO_AT = {"pct": SHOWN_ZERO, "bp": SHOWN_ZERO_BP, "level": 0.005}
_ZERO_TOKEN = re.compile(r"(?<![\w.])[+\-\u2212]?0(?:\.0+)?(?:[\s\u00a0]?%|[\s\u00a0]?bp\b)?(?![\d.])")


def check_zero_moves(r: Rendered, doc: Mapping[str, Any]) -> list[str]:
    """A direction claim over a figure the reader sees as zero ("gained 0.0%", "is 0.0% ahead"): the claim
    may hold to the fourth decimal, but the sentence reads as nonsense. Layout words are not claims."""
    facts = {f.path: f for f in r.sentence.facts}
    problems = []
    for c in r.sentence.claims:
        f = facts.get(c.path)
        if c.sense == 0 or c.other or f is None or f.unit not in _ZERO_AT or c.bound not in (0, 0.0):
            continue
        value = f.value(doc)
        if isinstance(value, (int, float)) and abs(value) < _ZERO_AT[f.unit] and _ZERO_TOKEN.search(r.text):
            problems.append(f"claims {c.describe()} ({'up' if c.sense > 0 else 'down'}) over a figure shown as "
                            f"zero ({value:.5f})")
    return problems


def check_ordinals(text: str) -> list[str]:
    return [f"{m.group(0)!r} should read {ordinal(int(m.group(1)))!r}" for m in ORDINAL_NUMBER.finditer(text)
            if ordinal(int(m.group(1))) != m.group(0)]


# --- checks across sentences (issue 26) -----------------------------------------------------------------

# Changes in a share of a universe or in a percentile are percentage points ("risen 19.6 points"), not "%".
_SHARE_CHANGE = re.compile(r"(?:^|\.)(?:share|percentile|hit_rate)\w*_(?:change|diff)\w*$|"
                           r"(?:^|\.)(?:change|diff)\w*_(?:share|percentile)\w*$")
# The stance's tests whose value is a change in a share (generator.metrics.stance: breadth).
_SHARE_TESTS = {"breadth"}


def is_share_change(path: str, doc: Mapping[str, Any]) -> bool:
    """Is the figure at `path` a change in a share or a percentile (shown in percentage points)?"""
    if _SHARE_CHANGE.search(path):
        return True
    test = re.fullmatch(r"stance\.tests\.(\d+)\.value", path)
    if test:
        from generator.commentary.claims import lookup

        return lookup(doc, f"stance.tests.{test.group(1)}.name") in _SHARE_TESTS
    return False


# Differences of two returns (small minus large, a sector's or tech's return less the large-cap index's, over any
# horizon or session) are percentage points: "trailed SPY by 2.6 percentage points", never "by 2.6%" (a ratio's own
# change, ratio.* and ratios.*, stays "%"). generator.metrics: spread, relative_to_large, events, news.moves/levels.
_RETURN_SPREAD = re.compile(r"^(?:spread|relative_to_large)\.|"
                            r"^events\.(?:previous_spread|biggest_day_move|day_moves)\b|"
                            r"^news\.items\.(?:spread_week|spread_day|sector_week|quarter_spread|year_spread|tech_week|"
                            r"small_tech_week|small_tech_day)\.value$")


def is_return_spread(path: str) -> bool:
    """Is the figure at `path` a difference of two returns (shown in percentage points)?"""
    return bool(_RETURN_SPREAD.search(path))


# The period a figure measures, from its path: returns.IWM.13w, levels.^TNX.changes.1w, spread.ytd,
# breadth.share_below_change_4w, events.regime.change_26w.
