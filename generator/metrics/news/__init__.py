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
lowest close of the week since some earlier date (the 10-year yield, the small-cap index's price, the pair's ratio;
the ratio also when it ends the week within 1% of its extreme in the data), small caps' widest one-session gap
against large caps, each index's first week-end in a correction (10% below its 52-week closing high) or a bear
market (20%) since that high, and its first 52-week high in six months or more, and two discrete events, a
change of the published stance and the pair's ratio crossing its long average. Items are ranked by
`score`: rarity, plus a point per century of `since` years up to `SINCE_BONUS` (a move that is the biggest
in ten years outranks one that is the biggest in ten weeks at the same percentile), less `SECONDARY` for the
facts the column reads in its own sections rather than leads with.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd

from generator.data.model import MarketData
from generator.metrics.events import bear_prices
from generator.metrics.news.base import (BACKDROP, BIG_SESSION, BURIED_YEARS, EVENT_SCORE, FLOOR, MIN_OBSERVATIONS,
                                         MULTI_YEAR,
                                         NEWSWORTHY, NOT_RARE_BY_YEARS, SECONDARY, SINCE_BONUS, SINCE_YEARS, SUBJECT,
                                         SUBJECT_YEARS, UP_ONLY, VIX_JUMP, YEARS_CAP, YIELD_MOVE, News, NewsItem,
                                         lead_years, outranks_lead, years_rare)
from generator.metrics.news.levels import (ABSOLUTE_LEVELS, BEAR, CORRECTION, CROSS_HOLD_WEEKS, HIGH_GAP_YEARS,
                                           LEVEL_LONG_YEARS, LEVEL_MOVE, LEVEL_SCORE, MIN_PERIODS, NEAR_EXTREME,
                                           PERIOD_SINCE_YEARS, RECORD_LEVEL, RECORD_LEVELS, STREAK_PENALTY,
                                           STREAK_WEEKS, TREND_LEVELS, YEAR, _curve, _from_high, _fx_level, _level,
                                           _period_spread, _record_close, _round_cross, _vix_low)
from generator.metrics.news.cross import CROSS_KEYS, cross_news
from generator.metrics.news.moves import (CONTAINS, FOUR_WEEKS, _events, _four_week, _fx_week, _multi_day_news,
                                          _ratio_week, _run, _sector_week, _session_move, _spread_session,
                                          _spread_week, _two_day, _vix, _vix_day, _week_move)
from generator.settings import Settings


def week_news(market: MarketData, settings: Settings, session: pd.Timestamp, metrics) -> News:
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
    items.append(_spread_week("spread_week", f"{small}-{large}", s_tr, l_tr, session))
    if t.volatility and t.volatility in market:
        items += _vix(t.volatility, market[t.volatility].quoted, session)
    if t.long_yield and t.long_yield in market:
        items.append(_week_move("long_yield_week", t.long_yield, market[t.long_yield].quoted * 0.01, session,
                                absolute=True, must_tell=lambda v: abs(v) >= YIELD_MOVE - 1e-12))
    if t.long_yield and t.long_yield in market:
        items.append(_level("long_yield_level", t.long_yield, market[t.long_yield].quoted * 0.01, session))
        items.append(_round_cross("long_yield_round", t.long_yield, market[t.long_yield].quoted * 0.01, session))
    items.append(_level("small_level", small, market[small].quoted, session))
    items.append(_level("large_level", large, market[large].quoted, session))
    if t.volatility and t.volatility in market:
        items.append(_vix_day(t.volatility, market[t.volatility].quoted, session))
        items.append(_vix_low(t.volatility, market[t.volatility].quoted, session))
    # runs of weekly gains or losses ("a sixth straight weekly loss")
    items += [_run("small_run", small, s_tr, session), _run("large_run", large, l_tr, session)]
    if t.short_yield and t.short_yield in market:
        items.append(_level("short_yield_level", t.short_yield, market[t.short_yield].quoted * 0.01, session))
    if t.fx and t.fx in market:
        items.append(_fx_level(t.fx, market[t.fx].quoted, session))
    if t.sectors:
        items.append(_sector_week(list(t.sectors), market, large, session))
    items.append(_level("ratio_level", f"{small}/{large}", metrics.series.ratio, session, near=NEAR_EXTREME))
    items.append(_spread_session("spread_day", f"{small}-{large}", s_tr, l_tr, session))
    items += [_record_close("large_record", large, market[large].quoted, session),
              _record_close("small_record", small, market[small].quoted, session)]
    items += _from_high("large", large, market[large].quoted, session, bear_prices(market, settings, "large"))
    items += _from_high("small", small, market[small].quoted, session, bear_prices(market, settings, "small"))
    if t.short_yield and t.short_yield in market:
        items.append(_week_move("short_yield_week", t.short_yield, market[t.short_yield].quoted * 0.01, session,
                                absolute=True))
    if t.high_yield and t.treasuries and t.high_yield in market and t.treasuries in market:
        items.append(_ratio_week("credit_week", f"{t.high_yield}/{t.treasuries}", market[t.high_yield].total_return,
                                 market[t.treasuries].total_return, session))
    if t.fx and t.fx in market:
        items.append(_fx_week(t.fx, market[t.fx], session))
    items += _events(metrics, session)
    # multi-session moves, a quarter's or a year's spread, the yield curve
    items += [_two_day("small_2d", small, s_tr, session), _two_day("large_2d", large, l_tr, session),
              _four_week("small_4w", small, s_tr, session), _four_week("large_4w", large, l_tr, session),
              _period_spread("quarter_spread", f"{small}-{large}", s_tr, l_tr, session),
              _period_spread("year_spread", f"{small}-{large}", s_tr, l_tr, session)]
    if t.long_yield and t.long_yield in market:
        items.append(_four_week("long_yield_4w", t.long_yield, market[t.long_yield].quoted * 0.01, session,
                                absolute=True))
        if t.short_yield and t.short_yield in market:
            items += _curve(t.long_yield, t.short_yield, market, session)
    # the gauges beside the pair: tech against large caps and small caps, Treasuries, the VIX's fall (cross.py)
    items += cross_news(market, settings, session)
    items = _on_long_history(items, market, settings, session)
    found = _multi_day_news([i for i in items if i is not None])
    # small caps' best or worst week in a year or more must be told
    found = [NewsItem(**{**i.__dict__, "must_tell": True})
             if i.key == "small_week" and (i.record or (i.since_years or 0) >= SINCE_YEARS) and i.rarity is not None
             else i for i in found]
    found = _record_tells_the_close(found)
    found = _one_vix_move(found)
    ranked = tuple(i.key for i in sorted(found, key=lambda i: (-i.score, i.key)))
    return News({i.key: i for i in found}, ranked)


def _record_tells_the_close(items: list[NewsItem]) -> list[NewsItem]:
    """A side's first record close in a year or more is the news of that close: its "highest close since" (the level)
    and its first 52-week high in months, on the same session, are not told again."""
    records = {i.key.split("_")[0]: i.day for i in items if i.key.endswith("_record") and i.newsworthy}
    return [NewsItem(**{**i.__dict__, "newsworthy": False, "score": 0.0})
            if i.key.split("_")[0] in ("small", "large") and i.key.endswith(("_level", "_high"))
            and records.get(i.key.split("_")[0]) == i.day else i for i in items]


def _one_vix_move(items: list[NewsItem]) -> list[NewsItem]:
    """The VIX's jump within the week and its one-session jump are one move when the week's highest close came in
    its first session (the same close over the same close): the move gets one superlative, the rarer, everywhere it
    is told. When the session's reaches further back (2018-02-05: +116%, the biggest one-day jump in our data, while
    the rise within a week was the biggest only since August 2015), the jump takes the session's rarity and the
    label "session", and the words call it a one-day jump (reader RC: "since August 2015" in the standfirst, "in
    our data from 1990" in the brief, for one move)."""
    by_key = {i.key: i for i in items}
    day, jump = by_key.get("vix_day"), by_key.get("vix_jump")
    if day is None or jump is None or day.day != jump.day or abs(day.value - jump.value) > 1e-9 \
            or day.rarity is None or not day.newsworthy or years_rare(day) <= years_rare(jump) \
            or years_rare(day) < SINCE_YEARS:
        return items
    fields = ("rarity", "since", "since_years", "record", "history_start", "observations", "newsworthy")
    merged = NewsItem(**{**jump.__dict__, **{k: getattr(day, k) for k in fields}, "label": "session",
                         "score": max(jump.score, day.score)})
    return [merged if i is jump else i for i in items]


# The side's moves whose rarity may be measured on its long-history index (settings pair.small_index/large_index),
# with the function that measures them (the key's first word is the side).
LONG_HISTORY: dict[str, Callable[[str, str, pd.Series, pd.Timestamp], NewsItem | None]] = {
    "small_run": _run, "large_run": _run, "small_day": _session_move, "large_day": _session_move,
                "small_week": _week_move, "large_week": _week_move, "small_2d": _two_day, "large_2d": _two_day,
                "small_4w": _four_week, "large_4w": _four_week, "small_level": _level, "large_level": _level}


def _on_long_history(items: list[NewsItem | None], market: MarketData, settings: Settings,
                     session: pd.Timestamp) -> list[NewsItem | None]:
    """Each side's move measured again on its long-history index, when one is configured and in the data, and the
    side's own history runs out: too short to rank (no `rarity`) or a record of the ETF's few years ("the best week in
    our data" for IWM in 2001, while the Russell 2000 index goes back to 1987). The index's rarity, "since" and start
    replace the ETF's (`series` names the index, which the sentence names), the move stays the ETF's; only when the
    index moved the same way this week, on the same session. Nothing changes when no index is configured, or when its
    data start no earlier than the fund's (the sample's indices start with its funds)."""
    p = settings.pair
    index = {"small": p.small_index, "large": p.large_index}
    out: list[NewsItem | None] = []
    for item in items:
        side = item.key.split("_")[0] if item is not None and item.key in LONG_HISTORY else None
        ticker = index.get(side) if side else None
        if item is None or not ticker or ticker not in market or not (item.rarity is None or item.record):
            out.append(item)
            continue
        alt = LONG_HISTORY[item.key](item.key, ticker, market[ticker].total_return, session)
        # (a run must be as long on the index: its "since" is for that length)
        if alt is None or alt.rarity is None or alt.value == 0 or (alt.value > 0) != (item.value > 0) \
                or alt.day != item.day or (item.unit == "weeks" and alt.value != item.value) or alt.label != item.label \
                or alt.history_start is None or item.history_start is None \
                or alt.history_start >= item.history_start:
            out.append(item)
            continue
        newsworthy = alt.newsworthy and abs(item.value) >= FLOOR.get(item.key, 0.0)
        out.append(NewsItem(**{**item.__dict__, "rarity": alt.rarity, "since": alt.since,
                               "since_years": alt.since_years, "record": alt.record,
                               "history_start": alt.history_start, "observations": alt.observations,
                               "newsworthy": newsworthy, "score": alt.score if newsworthy else 0.0,
                               "ref_value": alt.ref_value, "ref_day": alt.ref_day, "move_rarity": alt.move_rarity,
                               "streak": alt.streak, "series": ticker,
                               "series_value": alt.value if alt.unit == "pct" else None}))
    return out


KEYS = ("small_day", "large_day", "small_week", "large_week", "spread_week", "vix_jump", "vix_level",
        "long_yield_week", "short_yield_week", "credit_week", "fx_week", "long_yield_level", "small_level",
        "ratio_level", "stance_change", "trend_cross", "spread_day", "large_drawdown", "small_drawdown",
        "large_high", "small_high", "large_level", "vix_day", "short_yield_level", "fx_level", "sector_week",
        "small_2d", "large_2d", "small_4w", "large_4w", "long_yield_4w", "quarter_spread", "year_spread", "curve_level",
        "curve_cross", "vix_low", "small_run", "large_run", "small_record", "large_record",
        "long_yield_round") + CROSS_KEYS


__all__ = ["ABSOLUTE_LEVELS", "BACKDROP", "BEAR", "BIG_SESSION", "BURIED_YEARS",
           "CONTAINS", "CROSS_KEYS", "CORRECTION", "CROSS_HOLD_WEEKS",
           "EVENT_SCORE", "FLOOR", "FOUR_WEEKS", "HIGH_GAP_YEARS", "KEYS", "LEVEL_LONG_YEARS", "LEVEL_MOVE",
           "LEVEL_SCORE", "MIN_OBSERVATIONS", "MIN_PERIODS", "MULTI_YEAR", "NEAR_EXTREME", "NEWSWORTHY",
           "NOT_RARE_BY_YEARS", "PERIOD_SINCE_YEARS", "RECORD_LEVEL", "RECORD_LEVELS", "SECONDARY", "SINCE_BONUS",
           "SINCE_YEARS", "STREAK_PENALTY", "STREAK_WEEKS", "SUBJECT", "SUBJECT_YEARS", "TREND_LEVELS", "UP_ONLY",
           "VIX_JUMP", "YEAR", "YEARS_CAP", "YIELD_MOVE", "News", "NewsItem", "lead_years", "outranks_lead", "week_news",
           "years_rare"]
