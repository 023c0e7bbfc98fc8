"""Candidates across the gauges beside the pair: the tech-heavy large caps' week against the large-cap index and the
small caps' week and session against them, Treasuries' own week, the VIX's weekly fall, and the tech index crossing
into a correction or a bear market.

Readers found the week's rarest cross-asset event missing in most weeks (issue 26, part 1): the Nasdaq-100's worst
week against the S&P 500 since 2009 and small caps' best day against it since 2000 (2020-11-09, vaccine Monday),
7-10 year Treasuries' worst week in our data (2025-04-11), the VIX's 37% fall (2016-11-11), the Nasdaq-100 in a
bear market (2018-12-21). Each is measured like the pair's own facts (generator/metrics/news/moves.py, levels.py)
and ranked with them; the backdrop's rule (`BACKDROP`) keeps the pair's own story at the head of the column when it
is comparably rare, and the brief and standfirst tell a backdrop fact rarer than the lead (generator/commentary/
news.py `told`, `brief_picks`).
"""

from __future__ import annotations

import pandas as pd

from generator.data.model import MarketData
from generator.metrics.news.base import NewsItem, _item
from generator.metrics.news.levels import _from_high
from generator.metrics.news.moves import _spread_session, _spread_week, _week_move, _weekly
from generator.settings import Settings

# The keys this module adds (generator/metrics/news/ KEYS).
CROSS_KEYS = ("tech_week", "small_tech_week", "small_tech_day", "treasury_week", "vix_fall", "tech_drawdown")


def cross_news(market: MarketData, settings: Settings, session: pd.Timestamp) -> list[NewsItem | None]:
    """The week's cross-asset candidates at `session`, for the configured tickers in the data (none for a missing
    one: a build without QQQ or IEF has fewer candidates, never an error)."""
    t, small, large = settings.tickers, settings.pair.small, settings.pair.large
    out: list[NewsItem | None] = []
    if t.tech and t.tech in market and t.tech not in (small, large):
        tech = market[t.tech].total_return
        s_tr, l_tr = market[small].total_return, market[large].total_return
        out += [_spread_week("tech_week", t.tech, tech, l_tr, session),
                _spread_week("small_tech_week", f"{small}-{t.tech}", s_tr, tech, session),
                _spread_session("small_tech_day", f"{small}-{t.tech}", s_tr, tech, session)]
        # its correction or bear market, measured as the pair's indices' are (levels.py `_from_high`); its first
        # 52-week high in months is no story of the column's
        # (not over the news bar, which is the pair's: the standfirst tells it only when it outranks the lead)
        out += [NewsItem(**{**i.__dict__, "must_tell": False})
                for i in _from_high("tech", t.tech, market[t.tech].quoted, session) if i.key == "tech_drawdown"]
    if t.treasuries and t.treasuries in market:
        out.append(_week_move("treasury_week", t.treasuries, market[t.treasuries].total_return, session))
    if t.volatility and t.volatility in market:
        out.append(_vix_fall(t.volatility, market[t.volatility].quoted, session))
    return out


def _vix_fall(ticker: str, vix: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The VIX's fall over the week (last week's last close to this week's), when it fell: ranked against earlier
    weeks' falls (a week it rose counts as no fall), "since" the last earlier week that fell as far. The VIX's rises
    are `vix_jump`'s (its highest close of the week) and `vix_day`'s; a collapse of fear is news of its own
    (2016-11-11: 22.5 to 14.2, -37%)."""
    found = _weekly(vix, session, absolute=False)
    if found is None:
        return None
    earlier, value = found
    if value >= 0:
        return None
    return _item("vix_fall", ticker, value, "pct", session, earlier.clip(upper=0.0), earlier)
