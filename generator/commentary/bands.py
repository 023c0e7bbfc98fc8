"""Strength words on bands of the gauge's own history, defined once (issue 26, the readers' third class).

Readers met "a handful of the biggest names doing the lifting" on a 0.7-point lag, "a bad week for stocks" at
-0.7%, "parted company" on 0.9 points, "short of a surge" at 2.35 times normal volume and "not stretched" 9.6%
under the 50-day average: each word went further than its figure, because each rule kept its own threshold.
Every strength word below has one condition, named here; the rules that choose the words
(generator/commentary/sections/, crowding.py) and the audit that reads them (agreement.py, class "strength
bands") import the same names.

The sizes come from the gauges' own weekly history in the shared data, 2001-2025 (IWM, SPY, RSP):

| gauge                                  | median size | 75th pct | band used                            |
|----------------------------------------|-------------|----------|--------------------------------------|
| RSP minus SPY, 13 weeks                | 1.3 pts     | 2.5 pts  | NARROW_LAG: 1.3 pts ("narrow")       |
| IWM minus SPY, one week                | 0.9 pts     | 1.5 pts  | PARTED: 1.5 pts ("parted company")   |
| SPY's week (10th / 20th pct, falls)    |             |          | BAD_WEEK: -2% ("a bad week")         |

Volume is ranked against its own past year (crowding.volume_percentile): "busier than usual" needs the top
BUSY_RANK of that year as well as VOLUME_BUSY over the average, "thin" the bottom THIN_RANK; a five-session
average that spans a holiday or a short week (`short_week`) is read as the calendar, never as investors staying
away.
"""

from __future__ import annotations

from datetime import date, timedelta

# The equal-weight index lagging the cap-weighted one by this much over thirteen weeks (the median size of that
# gap since 2003) is a narrow advance: "a handful of the biggest names doing the lifting".
NARROW_LAG = 0.013
# A one-week gap between small and large caps this wide (the 75th percentile of its sizes) is "parting company".
PARTED = 0.015
# The large-cap index down this much on the week (its 10th percentile) is "a bad week for stocks".
BAD_WEEK = -0.02
# Volume words: a surge at VOLUME_SURGE over the average whatever its rank; "busier than usual" only at or above
# BUSY_RANK of the past year's readings, "thin" only at or below THIN_RANK.
BUSY_RANK = 0.6
THIN_RANK = 0.4
# Small caps this far from their 50-day average, either way, are not "not stretched" (settings.risk.
# stretch_from_50d is the line above the average; the same line below it is a deep dip).
# An RSI this low is near oversold: "nothing alarming" is not said beside it.
LOW_RSI = 35


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def half_days(year: int) -> set[date]:
    """The US equity market's regular early closes: the day after Thanksgiving and Christmas Eve (when a weekday;
    July 3 has not closed early every year, so it is left out). Volume on those sessions is a fraction of a normal
    day's."""
    days = {_thanksgiving(year) + timedelta(days=1), date(year, 12, 24)}
    return {d for d in days if d.weekday() < 5}


def short_week(as_of: date, sessions) -> str | None:
    """Why the week ending `as_of` (its last session) is short, for a volume reading to name before it reads the
    volume: "half-day" (an early close among its sessions), "holiday" (a weekday of it with no session among
    `sessions`, the dates the data holds: a week ending on a Thursday lost its Friday), else None."""
    monday = as_of - timedelta(days=as_of.weekday())
    held = {d for d in sessions if monday <= d <= as_of}
    if any(d in half_days(d.year) for d in held):
        return "half-day"
    if any(monday + timedelta(days=i) not in held for i in range(5)):
        return "holiday"
    return None
