"""How rare a gauge's week is against its own history as known that week (issue 26, "stale horizon").

A section that reads a gauge over thirteen weeks can miss a week that the gauge will be remembered for (XLE
beating the large-cap index by 15 points in the vaccine week of November 2020, XLF trailing it by 7.4 in the
bank run of March 2023). `relative_week_rarity` ranks this week's move of one fund against another's (total
returns, week-end to week-end) among every earlier week's: the share of earlier weeks smaller in size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.metrics.indicators import week_ends
from generator.metrics.periods import week_start
from generator.metrics.series import aligned

# Too few earlier weeks to rank against: no rarity.
MIN_WEEKS = 52


def relative_week_rarity(a: pd.Series, b: pd.Series, session: pd.Timestamp) -> float | None:
    """The share of earlier weeks in which `a`'s weekly return less `b`'s was smaller in size than this week's;
    None with fewer than MIN_WEEKS earlier weeks or no week-end this week. On arrays: a whole-history run asks
    this of every sector every week."""
    index, va, vb = aligned(a, b, session)
    if not len(index):
        return None
    ends = week_ends(index)
    if len(ends) < MIN_WEEKS + 2 or index[ends[-1]] < pd.Timestamp(week_start(session.date())):
        return None
    ea, eb = va[ends], vb[ends]
    spread = (ea[1:] / ea[:-1] - 1) - (eb[1:] / eb[:-1] - 1)
    earlier, now = np.abs(spread[:-1]), abs(spread[-1])
    if len(earlier) < MIN_WEEKS:
        return None
    return float(np.mean(earlier < now))
