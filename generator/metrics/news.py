"""News value: the week's candidate facts, ranked by how rare they are against the history known that week.

A market letter leads with what the week will be remembered for. Friday-to-Friday spreads rarely are: a
34 bp fall in the 10-year yield, an 8.8% small-cap loss or the VIX nearly doubling is. Each candidate fact
is measured against every earlier observation of the same kind in the data (never a later one):

* `rarity`: the share of earlier observations smaller in size (0.99: bigger than 99% of earlier ones). A
  session's move is compared with earlier weeks' biggest session of the same index, so that a day and a
  week are ranked on the same footing (one observation per week);
* `since`: the last earlier observation at least as extreme in the same direction ("the worst week since
  March 2009"); None when none is, and then `record` is true: the most extreme in the data, which start at
  `history_start`;
* `must_tell`: the fact meets the column's news bar (`MUST_TELL`), so the headline or standfirst tells it.

The candidates: each index's biggest session and its week, the small-minus-large spread, the VIX's jump
(the week's highest close over the previous week's last close) and its closing level, the 10-year and
bill yields' weekly change, credit (high yield against Treasuries), USD/JPY, three levels at their highest or
lowest since some earlier date (the 10-year yield, the small-cap index's price, the pair's ratio), and two
discrete events, a
change of the published stance and the pair's ratio crossing its long average. Items are ranked by
`score`: rarity, plus a point per century of `since` years up to `SINCE_BONUS` (a move that is the biggest
in ten years outranks one that is the biggest in ten weeks at the same percentile), less `SECONDARY` for the
facts the column reads in its own sections rather than leads with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.indicators import weekly_last
from generator.metrics.periods import week_start

# A fact must be told in the headline or standfirst when (the column's news bar):
BIG_SESSION = 0.03          # either index moved this much in one session
VIX_JUMP = 0.50             # the VIX's highest close of the week this far above last week's last close
YIELD_MOVE = 0.0025         # the 10-year yield moved this much (25 bp) over the week
SINCE_YEARS = 1.0           # small caps had their best or worst week in at least this long
# A fact at least this rare (or with a "since" of SINCE_YEARS or more) is news worth a line of its own.
NEWSWORTHY = 0.95
# A move smaller than this is never news, however rare it is against its own history (a 6 bp bill move while
# bills sit near zero, a 1% week in USD/JPY in a quiet decade).
FLOOR = {"short_yield_week": 0.001, "long_yield_week": 0.001, "fx_week": 0.015, "credit_week": 0.01,
         "spread_week": 0.01, "small_week": 0.02, "large_week": 0.015, "small_day": 0.015, "large_day": 0.01,
         "vix_jump": 0.15}
# Too few earlier observations to rank against: no rarity, never news.
MIN_OBSERVATIONS = 52
# Facts the column reads in its own sections rather than leads with (the yen, credit, bills and the VIX's
# level are risks and backdrop): their score is lowered by this much, so that a 30 bp move in the 10-year or a
# 3% session outranks an equally rare move in USD/JPY.
SECONDARY = {"fx_week": 0.1, "credit_week": 0.1, "short_yield_week": 0.1, "vix_level": 0.05,
             "long_yield_level": 0.05, "small_level": 0.05}
# "since" adds to the score a point per century of years, up to this much.
SINCE_BONUS = 0.1
# Discrete events have no distribution to rank against: a fixed score (a stance change comes about one week
# in twenty; a cross of the long average about as often).
EVENT_SCORE = {"stance_change": 0.9, "trend_cross": 0.85}


@dataclass(frozen=True)
class NewsItem:
    key: str                    # see KEYS
    subject: str                # the ticker (or "IWM-SPY", "stance", "IWM/SPY") the fact is about
    value: float                # the move: a return or change (decimal), a VIX level, or 1.0 for an event
    unit: str                   # pct | bp | level | event
    day: date                   # the session (for a session's move, that session; else the week's last)
    rarity: float | None        # share of earlier observations smaller in size
    since: date | None          # the last earlier observation at least as extreme in the same direction
    since_years: float | None   # years from `since` to `day`
    record: bool                # no earlier observation is as extreme (with MIN_OBSERVATIONS or more of them)
    history_start: date | None  # the first observation compared against
    observations: int           # how many earlier observations
    must_tell: bool
    newsworthy: bool
    score: float
    label: str = ""             # for events: the new stance or the direction of the cross


@dataclass(frozen=True)
class News:
    items: Mapping[str, NewsItem]      # by key
    ranked: tuple[str, ...]            # keys, most newsworthy first

    def top(self, n: int, *, newsworthy: bool = True) -> list[NewsItem]:
        out = [self.items[k] for k in self.ranked if self.items[k].newsworthy or not newsworthy]
        return out[:n]


def _since(history: pd.Series, value: float, day: pd.Timestamp) -> tuple[date | None, float | None]:
    """The last earlier observation at least as extreme as `value` in its direction."""
    hits = history[history >= value] if value >= 0 else history[history <= value]
    if hits.empty:
        return None, None
    at = hits.index[-1]
    return at.date(), (day - at).days / 365.25


def _rank(earlier: pd.Series, size: float) -> float | None:
    earlier = earlier.dropna().abs()
    if len(earlier) < MIN_OBSERVATIONS:
        return None
    return float(np.mean(earlier.to_numpy() < abs(size)))


def _item(key: str, subject: str, value: float, unit: str, day: pd.Timestamp, ranked_against: pd.Series,
          since_against: pd.Series, must_tell: bool = False) -> NewsItem:
    """One fact: `ranked_against` (one earlier observation a week) sets its rarity, `since_against` (the same
    kind of observation, at its own frequency) its "since"."""
    rarity = _rank(ranked_against, value)
    since, years = _since(since_against, value, day)
    enough = rarity is not None
    record = enough and since is None and value != 0
    newsworthy = enough and abs(value) >= FLOOR.get(key, 0.0) and value != 0 and (
        rarity >= NEWSWORTHY or (years is not None and years >= SINCE_YEARS) or record)
    score = ((rarity or 0.0) + min((years if years is not None else (50.0 if record else 0.0)) / 100, SINCE_BONUS)
             - SECONDARY.get(key, 0.0))
    first = since_against.index[0].date() if len(since_against) else None
    return NewsItem(key, subject, float(value), unit, day.date(), rarity, since, years, record, first,
                    int(ranked_against.dropna().size), bool(must_tell), bool(newsworthy), float(score))


def _split(series: pd.Series, session: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    """(earlier, this week) of a daily series cut at the session."""
    start = pd.Timestamp(week_start(session.date()))
    return series.loc[:start - pd.Timedelta(days=1)], series.loc[start:session]


def _session_move(key: str, ticker: str, prices: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The index's biggest one-session move of the week."""
    daily = prices.loc[:session].pct_change().dropna()
    earlier, week = _split(daily, session)
    if week.empty or earlier.empty:
        return None
    at = week.abs().idxmax()
    move = float(week.loc[at])
    # one observation a week: each earlier week's biggest session (in size)
    absolute = earlier.abs()
    weekly_max = absolute.groupby(absolute.index.to_period("W-SUN")).max()
    return _item(key, ticker, move, "pct", at, weekly_max, earlier, abs(move) >= BIG_SESSION)


def _weekly(series: pd.Series, session: pd.Timestamp, *, absolute: bool) -> tuple[pd.Series, float] | None:
    """Week-end to week-end changes of a daily series (absolute for yields); the last is this week's."""
    ends = weekly_last(series.loc[:session].dropna())
    if len(ends) < 2 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return None
    changes = (ends.diff() if absolute else ends.pct_change()).dropna()
    if changes.empty:
        return None
    return changes.iloc[:-1], float(changes.iloc[-1])


def _week_move(key: str, subject: str, series: pd.Series, session: pd.Timestamp, *, absolute: bool = False,
               must_tell=lambda value: False) -> NewsItem | None:
    found = _weekly(series, session, absolute=absolute)
    if found is None:
        return None
    earlier, value = found
    unit = "bp" if absolute else "pct"
    return _item(key, subject, value, unit, session, earlier, earlier, must_tell(value))


def _vix(ticker: str, vix: pd.Series, session: pd.Timestamp) -> list[NewsItem]:
    """The VIX's jump within the week (its highest close over last week's last close) and its closing level
    (ranked against earlier week-end closes; "since" is the last earlier close at least as high)."""
    vix = vix.loc[:session].dropna()
    ends = weekly_last(vix)
    if len(ends) < 2 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return []
    highs = vix.groupby(vix.index.to_period("W-SUN")).max()
    jumps = pd.Series(highs.to_numpy()[1:] / ends.to_numpy()[:-1] - 1, index=ends.index[1:])
    week = vix.loc[pd.Timestamp(week_start(session.date())):]
    jump = float(jumps.iloc[-1])
    earlier, _ = _split(vix, session)
    return [_item("vix_jump", ticker, jump, "pct", week.idxmax(), jumps.iloc[:-1], jumps.iloc[:-1],
                  jump >= VIX_JUMP),
            _item("vix_level", ticker, float(vix.iloc[-1]), "level", vix.index[-1], weekly_last(earlier), earlier)]


# A level's score: a fixed base plus the "since" bonus (prices trend, so a level's percentile says little).
LEVEL_SCORE = 0.85


def _level(key: str, subject: str, series: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """A level at its highest or lowest close since some earlier date (the 10-year yield, the small-cap index, the
    pair's ratio): whichever side reaches further back. `label` is "high" or "low"; `rarity` is the share of
    earlier closes less extreme on that side. Newsworthy when the "since" reaches back SINCE_YEARS or more."""
    series = series.loc[:session].dropna()
    start = pd.Timestamp(week_start(session.date()))
    cut = int(series.index.searchsorted(start))
    if cut < 2 or cut >= len(series):
        return None
    values, index = series.to_numpy(), series.index
    # "its lowest close since": against every earlier close, this week's earlier sessions included (a Wednesday
    # below Friday's close makes Friday's no record); the percentile is against closes before the week
    earlier, value, day = values[:-1], float(values[-1]), index[-1]
    above, below = np.flatnonzero(earlier >= value), np.flatnonzero(earlier <= value)
    high_since = index[above[-1]] if len(above) else None
    low_since = index[below[-1]] if len(below) else None
    # the side with the older "since" (or none at all: the extreme of the data)
    high = high_since is None or (low_since is not None and high_since < low_since)
    since = high_since if high else low_since
    enough = cut >= MIN_OBSERVATIONS * 5
    before = values[:cut]
    rarity = float(np.mean(before < value) if high else np.mean(before > value)) if enough else None
    years = (day - since).days / 365.25 if since is not None else None
    record = enough and since is None
    newsworthy = enough and (record or (years is not None and years >= SINCE_YEARS))
    score = (LEVEL_SCORE + min((years if years is not None else 50.0) / 100, SINCE_BONUS)
             - SECONDARY.get(key, 0.0)) if newsworthy else 0.0
    return NewsItem(key, subject, value, "level", day.date(), rarity, since.date() if since is not None else None,
                    years, record, index[0].date(), cut, False, newsworthy, float(score), "high" if high else "low")


def _ratio_week(key: str, subject: str, num: pd.Series, den: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    joined = pd.concat([num, den], axis=1, join="inner").dropna()
    if joined.empty:
        return None
    return _week_move(key, subject, joined.iloc[:, 0] / joined.iloc[:, 1], session)


def _events(metrics, session: pd.Timestamp) -> list[NewsItem]:
    """A change of stance this week, and the ratio crossing its long average this week."""
    out = []
    rec = metrics.stance_record
    if rec.changed_weeks_ago == 1:
        out.append(NewsItem("stance_change", "stance", 1.0 if rec.direction == "up" else -1.0, "event",
                            session.date(), None, None, None, False, None, 0, False, True,
                            EVENT_SCORE["stance_change"], rec.changed_to or ""))
    series = metrics.series
    joined = pd.concat([series.ratio, series.sma_long], axis=1, join="inner").dropna()
    ends = weekly_last(joined.loc[:session])
    if len(ends) >= 2 and ends.index[-1] >= pd.Timestamp(week_start(session.date())):
        before, now = ends.iloc[-2], ends.iloc[-1]
        above_before, above_now = before.iloc[0] > before.iloc[1], now.iloc[0] > now.iloc[1]
        if above_before != above_now:
            out.append(NewsItem("trend_cross", f"{metrics.small}/{metrics.large}", 1.0 if above_now else -1.0,
                                "event", session.date(), None, None, None, False, None, 0, False, True,
                                EVENT_SCORE["trend_cross"], "above" if above_now else "below"))
    return out


def week_news(market: MarketData, settings, session: pd.Timestamp, metrics) -> News:
    """Every candidate fact of the week at `session` (market cut there), ranked."""
    small, large = settings.pair.small, settings.pair.large
    t = settings.tickers
    items: list[NewsItem | None] = [
        _session_move("small_day", small, market[small].total_return, session),
        _session_move("large_day", large, market[large].total_return, session),
        _week_move("small_week", small, market[small].total_return, session),
        _week_move("large_week", large, market[large].total_return, session),
    ]
    s_tr, l_tr = market[small].total_return, market[large].total_return
    joined = pd.concat([s_tr, l_tr], axis=1, join="inner").dropna()
    ends = weekly_last(joined.loc[:session])
    if len(ends) >= 2 and ends.index[-1] >= pd.Timestamp(week_start(session.date())):
        growth = ends.pct_change().dropna()
        spreads = growth.iloc[:, 0] - growth.iloc[:, 1]
        items.append(_item("spread_week", f"{small}-{large}", float(spreads.iloc[-1]), "pct", session,
                           spreads.iloc[:-1], spreads.iloc[:-1]))
    if t.volatility and t.volatility in market:
        items += _vix(t.volatility, market[t.volatility].quoted, session)
    if t.long_yield and t.long_yield in market:
        items.append(_week_move("long_yield_week", t.long_yield, market[t.long_yield].quoted * 0.01, session,
                                absolute=True, must_tell=lambda v: abs(v) >= YIELD_MOVE - 1e-12))
    if t.long_yield and t.long_yield in market:
        items.append(_level("long_yield_level", t.long_yield, market[t.long_yield].quoted * 0.01, session))
    items.append(_level("small_level", small, market[small].quoted, session))
    items.append(_level("ratio_level", f"{small}/{large}", metrics.series.ratio, session))
    if t.short_yield and t.short_yield in market:
        items.append(_week_move("short_yield_week", t.short_yield, market[t.short_yield].quoted * 0.01, session,
                                absolute=True))
    if t.high_yield and t.treasuries and t.high_yield in market and t.treasuries in market:
        items.append(_ratio_week("credit_week", f"{t.high_yield}/{t.treasuries}", market[t.high_yield].total_return,
                                 market[t.treasuries].total_return, session))
    if t.fx and t.fx in market:
        items.append(_week_move("fx_week", t.fx, market[t.fx].quoted, session))
    items += _events(metrics, session)
    found = [i for i in items if i is not None]
    # small caps' best or worst week in a year or more must be told
    found = [NewsItem(**{**i.__dict__, "must_tell": True})
             if i.key == "small_week" and (i.record or (i.since_years or 0) >= SINCE_YEARS) and i.rarity is not None
             else i for i in found]
    ranked = tuple(i.key for i in sorted(found, key=lambda i: (-i.score, i.key)))
    return News({i.key: i for i in found}, ranked)


KEYS = ("small_day", "large_day", "small_week", "large_week", "spread_week", "vix_jump", "vix_level",
        "long_yield_week", "short_yield_week", "credit_week", "fx_week", "long_yield_level", "small_level",
        "ratio_level", "stance_change", "trend_cross")
