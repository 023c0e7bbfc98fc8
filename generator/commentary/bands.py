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
away (generator/metrics/crowding.py `short_week`, in metrics.json as crowding.volume_short_week).
"""

from __future__ import annotations

from generator.metrics.crowding import half_days, short_week  # noqa: F401 (the calendar, defined with volume)

# The equal-weight index lagging the cap-weighted one by this much over thirteen weeks (the median size of that
# gap since 2003) is a narrow advance: "a handful of the biggest names doing the lifting".
NARROW_LAG = 0.013
# A one-week gap between small and large caps this wide (the 75th percentile of its sizes) is "parting company";
# the words now say "went opposite ways" (exact for the row), and the audit keeps the line for any rewording.
PARTED = 0.015
# The large-cap index down this much on the week (its 10th percentile) is "a bad week for stocks"; above it, "a
# down week" (sections/divergence.py).
BAD_WEEK = -0.02
# Volume words: a surge at VOLUME_SURGE over the average whatever its rank; "busier than usual" only at or above
# BUSY_RANK of the past year's readings, "thin" only at or below THIN_RANK.
BUSY_RANK = 0.6
THIN_RANK = 0.4
# Small caps as far below their 50-day average as settings.risk.stretch_from_50d puts "stretched" above it are in
# a deep dip, never "not stretched" (sections/risks.py STRETCH). An RSI this low is near oversold: "nothing alarming" is not said beside it.
LOW_RSI = 35
# The ratio this far above its 200-day average (a third of the long view's CRACKED line below it) is a trend that
# "favours small caps"; nearer, the words give the averages without the verdict (a reader met "the trend favours
# small caps" on a 0.1% margin after a -2.3% relative week).
TREND_MARGIN = 0.01

# The moves whose news item, when newsworthy (rare for the gauge's own history), make a week one of big moves whatever
# their size (commentary/crowding.py `_eventful`, fit_audit.py `eventful`): SPY's worst day since 2003 was -1.9%.
RARE_MOVES = ("small_day", "large_day", "small_week", "large_week", "spread_week", "spread_day")
