"""The breadth history: how much of the small-cap universe is taking part, week by week."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.charts.style import (ACCENT, INK, MUTED, SMALL, ChartOutput, ChartSpec, figsize, is_phone, legend_below,
                                    legend_room, margins, save, style, title, type_pt)
from generator.data.model import MarketData
from generator.metrics import WeeklyMetrics
from generator.metrics.breadth import CHART_YEARS, BreadthHistory, member_history
from generator.metrics.indicators import weekly_last
from generator.settings import Settings


def breadth_series(m: WeeklyMetrics, h: BreadthHistory, min_members: int) -> tuple[pd.Series, pd.Series]:
    """Weekly shares over the chart's span: above the 200-day average, and below the reference-year high
    (NaN until that year is over, and in weeks with fewer than `min_members` members with data)."""
    start = pd.Timestamp(m.as_of) - pd.DateOffset(years=CHART_YEARS)
    enough = pd.Series(h.with_data >= min_members, index=h.index)
    above = h.share("above_200d", "known_200d").where(enough)
    below = h.share("below_reference", "reference_known").where(enough)
    return weekly_last(above.loc[start:]), weekly_last(below.loc[start:])


def draw_breadth_history(m: WeeklyMetrics, market: MarketData, settings: Settings,
                         out: ChartOutput) -> ChartSpec | None:
    """Absent when the week has no breadth. The five years are computed here (the issue's metrics only need
    half a year), so a parallel build spends that time in the chart helper process."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    b = m.breadth
    if b is None:
        return None
    year = settings.lookbacks.reference_high_year
    h = _history(market, settings, year)
    if h is None:  # fewer members with data than min_members: the week's breadth would be None too
        return None
    above, below = breadth_series(m, h, settings.breadth.min_members)
    as_of = settings.universe().as_of
    has_below = bool(below.notna().any())
    with plt.rc_context(style()):
        fig, ax = plt.subplots(figsize=figsize())
        margins(fig, bottom=legend_room(1 + has_below, 2, 0.55))
        ax.axhline(50, color=MUTED, linewidth=0.8, linestyle=":")
        ax.plot(above.index, above.to_numpy() * 100, color=ACCENT, linewidth=1.0,
                label="above their 200-day average")
        if has_below:
            ax.plot(below.index, below.to_numpy() * 100, color=SMALL, linewidth=1.0,
                    label=f"below their {year} closing high")
        ax.set_ylim(0, 100)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        title(ax, f"Breadth: share of our small-cap universe ({b.members} stocks), weekly",
              f"Breadth: share of our {b.members} small caps")
        ax.annotate(f"{b.with_data} with data this week", (1.0, 0.0 if is_phone() else 1.0), xycoords="axes fraction",
                    ha="right", va="bottom", fontsize=type_pt(7.5), color=INK, xytext=(-2, 2),
                    textcoords="offset points")
        legend_below(fig, ncols=2)
        ax.margins(x=0.01)
        svg, png = save(fig, out, "breadth_history")
    span = f"{above.index[0]:%B %Y} to {m.as_of:%B %Y}" if len(above) else f"to {m.as_of:%B %Y}"
    now = [f"{_pct(b.share_above_200d)} above their 200-day average"]
    if has_below and b.share_below is not None:
        now.append(f"{_pct(b.share_below)} below their {year} closing highs")
    alt = (f"Line chart of breadth in our universe of {b.members} small caps, weekly from {span}: the share of "
           f"members above their own 200-day average" + (f" and the share below their own {year} closing high"
                                                         if has_below else "")
           + f". This week {b.with_data} members had data: {' and '.join(now)}.")
    members = f"the index's members as of {as_of:%B} {as_of.day}, {as_of:%Y}" if as_of else "a fixed list"
    if as_of and m.as_of >= as_of:
        bias = "members delisted or taken over since are no longer counted and later additions are missing"
    else:
        bias = "stocks that left the index before then are missing"
    caption = f"Each share is of the members with data that week. The universe is {members}, so {bias} (survivorship)."
    return ChartSpec("breadth_history", svg, png, alt, caption)


_LAST: list = []  # [(members, prices, year, min_members), history]: the last one computed


def _history(market: MarketData, settings: Settings, year: int) -> BreadthHistory | None:
    """The members' weekly history, computed once for both versions of the chart (the page's and the phone's).
    The cache holds the very objects it was computed from and compares them by identity, so a later week's
    data (a backfill) is never served an earlier week's history."""
    members, large, least = market.members, market[settings.pair.large], settings.breadth.min_members
    if _LAST:
        (m0, p0, y0, l0), history = _LAST
        if m0 is members and p0 is large.frame and (y0, l0) == (year, least):
            return history
    history = member_history(members, large.total_return, year, least, years=CHART_YEARS)
    _LAST[:] = [(members, large.frame, year, least), history]
    return history


def _pct(value: float | None) -> str:
    return "n/a" if value is None or np.isnan(value) else f"{value * 100:.0f}%"
