"""Candidates that are levels: a close at its highest or lowest since some date (yields, prices, the ratio, the
curve), an index's correction, bear market or first high in months, a quarter's or a year's spread, the curve's
sign."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.events import bear_low
from generator.metrics.indicators import weekly_last
from generator.metrics.periods import week_start
from generator.metrics.series import inner_join
from generator.metrics.news.base import (EVENT_SCORE, FLOOR, MIN_OBSERVATIONS, SECONDARY, SINCE_BONUS, SINCE_YEARS,
                                         NewsItem, _since)


def _record_level(item: NewsItem) -> NewsItem:
    """A level at its most extreme close in our data outranks the week's ordinary facts: a record score."""
    if not (item.record and item.newsworthy):
        return item
    return NewsItem(**{**item.__dict__, "score": max(item.score, RECORD_LEVEL)})


# A level at its most extreme close in our data (the VIX's 80.9 of November 2008, the 10-year's 0.5% of August 2020,
# the bill below zero, the pair's ratio at its lowest) scores this much: above any move short of a record itself
# (a rarity of 1.0 plus the full "since" bonus).
RECORD_LEVEL = 1.0 + SINCE_BONUS


# Levels whose close at the extreme of our data outranks ordinary facts (a price index's record high is common in a
# bull market: it keeps its level score).
RECORD_LEVELS = {"long_yield_level", "short_yield_level", "ratio_level", "vix_level"}
# A level's score: a fixed base plus the "since" bonus (prices trend, so a level's percentile says little).
LEVEL_SCORE = 0.85
# A close within this of the data's most extreme earlier close (the pair's ratio a hair above its lowest in 25 years)
# is news though not itself the extreme: "within 0.1% of its lowest close in our data".
NEAR_EXTREME = 0.01


def _level(key: str, subject: str, series: pd.Series, session: pd.Timestamp, *, near: float = 0.0) -> NewsItem | None:
    """A level at its highest or lowest close since some earlier date (the 10-year yield, the small-cap index, the
    pair's ratio): the week's highest or lowest close, whichever side reaches further back. `day` is that close's
    session (a Wednesday's 25-year low is the week's news though Friday closed a hair above it); `label` is "high"
    or "low"; `rarity` is the share of closes before the week less extreme on that side. Newsworthy when the
    "since" reaches back SINCE_YEARS or more.

    With `near`, a week-end close within that share of the most extreme earlier close in the data (on either side),
    when the week's own extreme is not news: `label` "near_low"/"near_high", `value` the distance (decimal, from
    the extreme), `ref_value`/`ref_day` the extreme close and its session."""
    series = series.loc[:session].dropna()
    start = pd.Timestamp(week_start(session.date()))
    cut = int(series.index.searchsorted(start))
    if cut < 2 or cut >= len(series):
        return None
    values, index = series.to_numpy(), series.index
    week = values[cut:]

    def side(high: bool) -> tuple[int, pd.Timestamp | None]:
        # "its lowest close since": the week's lowest close against every earlier close, this week's earlier
        # sessions included
        at = cut + int(np.argmax(week) if high else np.argmin(week))
        earlier = values[:at]
        hits = np.flatnonzero(earlier >= values[at]) if high else np.flatnonzero(earlier <= values[at])
        return at, (index[hits[-1]] if len(hits) else None)

    high_at, high_since = side(True)
    low_at, low_since = side(False)
    # the side with the older "since" (or none at all: the extreme of the data)
    high = high_since is None or (low_since is not None and high_since < low_since)
    at, since = (high_at, high_since) if high else (low_at, low_since)
    value, day = float(values[at]), index[at]
    enough = cut >= MIN_OBSERVATIONS * 5
    before = values[:cut]
    rarity = float(np.mean(before < value) if high else np.mean(before > value)) if enough else None
    years = (day - since).days / 365.25 if since is not None else None
    record = enough and since is None
    newsworthy = enough and (record or (years is not None and years >= SINCE_YEARS))
    move_rarity, streak = _level_trend(series, cut, at, high, absolute=key in ABSOLUTE_LEVELS) if enough else (None,
                                                                                                             False)
    unusual = move_rarity is not None and move_rarity >= LEVEL_MOVE
    if key in TREND_LEVELS and newsworthy and not record and not unusual and (years or 0.0) < LEVEL_LONG_YEARS:
        # a "highest since" a trend reaches week after week on ordinary moves (bills in a hiking cycle) is not news
        newsworthy = False
    streak = streak and not unusual and key in TREND_LEVELS
    if streak and not (record and key in RECORD_LEVELS):
        # one more close in a run the column told when it began: not news (the ratio's, a yield's record still is,
        # below the week's lead)
        newsworthy = False
    if not newsworthy and near and enough:
        close, earlier = float(values[-1]), values[:-1]
        for label, ref_at in (("near_low", int(np.argmin(earlier))), ("near_high", int(np.argmax(earlier)))):
            gap = close / float(earlier[ref_at]) - 1
            if (0 <= gap <= near) if label == "near_low" else (-near <= gap <= 0):
                return NewsItem(key, subject, gap, "pct", index[-1].date(), None, None, None, False, index[0].date(),
                                cut, False, True, LEVEL_SCORE - SECONDARY.get(key, 0.0), label,
                                float(earlier[ref_at]), index[ref_at].date())
    score = (LEVEL_SCORE + min((years if years is not None else 50.0) / 100, SINCE_BONUS)
             - SECONDARY.get(key, 0.0) - (STREAK_PENALTY if streak else 0.0)) if newsworthy else 0.0
    if record and key in RECORD_LEVELS and not streak:
        score = RECORD_LEVEL
    ref_value = ref_day = None
    if record and at > 0:
        # a record's previous record: the data's most extreme close before it (`years_rare` counts from there, so a
        # fifth record in five weeks is not a multi-year rarity, the first in five years is)
        prev = int(np.flatnonzero(values[:at] == (values[:at].max() if high else values[:at].min()))[-1])
        ref_value, ref_day = float(values[prev]), index[prev].date()
    return NewsItem(key, subject, value, "level", day.date(), rarity, since.date() if since is not None else None,
                    years, record, index[0].date(), cut, False, newsworthy, float(score), "high" if high else "low",
                    ref_value, ref_day, move_rarity, streak)


# Levels that trend (yields, prices, the pair's ratio, the curve): their "highest since" is news only when the week's
# move to it is unusual (LEVEL_MOVE: rarer that way than this share of earlier weeks' moves) or it reaches back
# LEVEL_LONG_YEARS or more. Bills in a hiking cycle close at "their highest since" week after week on 5 bp moves.
TREND_LEVELS = {"long_yield_level", "short_yield_level", "small_level", "large_level", "ratio_level", "curve_level",
                "vix_low"}
LEVEL_MOVE = 0.9
LEVEL_LONG_YEARS = 5.0
# A level that already closed at a year-or-more extreme that way in the STREAK_WEEKS before this week, and moved an
# ordinary amount this week, extends a run: it is not news, save a record close of the ratio, a yield or the VIX
# (RECORD_LEVELS), which never leads (`News.rarest`) and scores STREAK_PENALTY less: the same level does not head the
# column week after week.
STREAK_WEEKS = 4
STREAK_PENALTY = 0.1
# Levels whose week is a change in points (yields, the curve), not a return.
ABSOLUTE_LEVELS = {"long_yield_level", "short_yield_level", "curve_level"}


def _level_trend(series: pd.Series, cut: int, at: int, high: bool, *, absolute: bool) -> tuple[float | None, bool]:
    """(the week's move to the level's close from last week's last close, ranked that way against earlier weeks'
    week-end moves; whether the level extends a run: a close before this week, within STREAK_WEEKS, already at its
    most extreme that way in a year or more)."""
    values = series.to_numpy()
    before = series.iloc[:cut]
    ends = weekly_last(before)
    changes = (ends.diff() if absolute else ends.pct_change()).dropna().to_numpy()
    prev = float(values[cut - 1])
    move = float(values[at]) - prev if absolute else float(values[at]) / prev - 1
    rarity = (float(np.mean(changes < move) if high else np.mean(changes > move))
              if len(changes) >= MIN_OBSERVATIONS else None)
    window = before.loc[before.index[-1] - pd.Timedelta(weeks=STREAK_WEEKS):].to_numpy()
    prior_at = cut - len(window) + int(np.argmax(window) if high else np.argmin(window))
    earlier = values[:prior_at]
    hits = np.flatnonzero(earlier >= values[prior_at]) if high else np.flatnonzero(earlier <= values[prior_at])
    streak = len(earlier) > 0 and (not len(hits) or (series.index[prior_at] - series.index[hits[-1]]).days / 365.25
                                   >= SINCE_YEARS)
    return rarity, bool(streak)


# A fall from the 52-week closing high this deep is a correction, this deep a bear market (the words every market
# reporter uses): told the first week the index closes the week beyond the line since that high.
CORRECTION, BEAR = 0.10, 0.20
# A 52-week closing high is news when the index's last one came at least this long before (the first in months).
HIGH_GAP_YEARS = 0.5
# A year of sessions, by the calendar: a close is its "52-week high" when no close in the 364 days to it is higher.
YEAR = pd.Timedelta(days=364)


def _from_high(prefix: str, ticker: str, prices: pd.Series, session: pd.Timestamp,
               bear: pd.Series | None = None) -> list[NewsItem]:
    """The index against its 52-week closing high (the quoted price, as reporters measure it):

    * `<prefix>_drawdown`: the week's last close is 10% (`label` "correction") or 20% ("bear") or more below the
      highest close of the 52 weeks to it (`ref_value`, on `ref_day`), and no earlier week closed that far below
      that high: the index crossed the line this week. `value` is the fall (a negative decimal); `since` the last
      earlier session that closed that far below its own 52-week high ("for the first time since <Month Year>").
      Always told (`must_tell`). Never a correction while the index is in a bear market from its peak (events
      `bear_low`, measured on `bear`, the side's long-history index when configured, else on `prices`).
    * `<prefix>_high`: a close this week (`day`, the first such; `value` its level) is a 52-week closing high, and
      the index's last 52-week closing high before this week (`since`) is HIGH_GAP_YEARS or more before it: "its
      first 52-week high since <Month Year>"."""
    prices = prices.loc[:session].dropna()
    start = pd.Timestamp(week_start(session.date()))
    if len(prices) < 2 or prices.index[-1] < start or prices.index[0] > session - YEAR:
        return []
    out: list[NewsItem] = []
    first = prices.index[0]
    yearly_high = prices.rolling(YEAR).max()
    ends = weekly_last(prices)
    earlier_ends = ends.loc[:start - pd.Timedelta(days=1)]
    window = prices.loc[session - YEAR + pd.Timedelta(days=1):]
    peak_day, peak = window.idxmax(), float(window.max())
    fall = float(prices.iloc[-1]) / peak - 1
    # "for the first time since" reads sessions, not week-ends: an index that closed past the line on a Wednesday
    # two weeks ago is not in correction "for the first time since 2020" (reader R2, 2022-03-11)
    drawdowns = (prices / yearly_high - 1).loc[:start - pd.Timedelta(days=1)]
    drawdowns = drawdowns.loc[first + YEAR:]   # a drawdown needs a full year behind it
    # an index not yet 20% above the low of its bear market from its peak (events `bear_low`) is still in that bear
    # market: its fall past 10% of a 52-week high that has rolled down is not a new correction (readers RA, RC: SPY in
    # November 2001)
    in_bear = bear_low((prices if bear is None else bear).loc[:session]) is not None
    for line, label in ((BEAR, "bear"), (CORRECTION, "correction")):
        if fall > -line or (label == "correction" and in_bear):
            continue
        if (earlier_ends.loc[peak_day:] / peak - 1 <= -line).any():
            break   # crossed before, since the same high: old news (and the shallower line too)
        hits = drawdowns[drawdowns <= -line]
        since = hits.index[-1] if len(hits) else None
        years = (session - since).days / 365.25 if since is not None else None
        out.append(NewsItem(f"{prefix}_drawdown", ticker, fall, "pct", session.date(), None,
                            since.date() if since is not None else None, years, False, first.date(),
                            int(drawdowns.size), True, True,
                            EVENT_SCORE[label] + min((years or 0.0) / 100, SINCE_BONUS), label, peak, peak_day.date()))
        break
    at_high = (prices >= yearly_high - 1e-12) & (prices.index >= first + YEAR)
    week = at_high.loc[start:]
    before = at_high.loc[:start - pd.Timedelta(days=1)]
    if week.any() and before.any():
        day, previous = week[week].index[0], before[before].index[-1]
        years = (day - previous).days / 365.25
        if years >= HIGH_GAP_YEARS:
            out.append(NewsItem(f"{prefix}_high", ticker, float(prices.loc[day]), "level", day.date(), None,
                                previous.date(), years, False, first.date(), int(before.size), False, True,
                                EVENT_SCORE["high"] + min(years / 100, SINCE_BONUS), "high"))
    return out


# A record close is news only in data at least this long (the column's "record" rule, commentary/rules.py RECORD_YEARS).
RECORD_HISTORY_YEARS = 10


def _record_close(key: str, ticker: str, prices: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The index's first record close (above every earlier close in the data) since its last one SINCE_YEARS or more
    before: "the S&P 500's first record close since January 2022". `day` is the week's first record session, `value`
    its close, `since` the last record close before this week (`ref_value` its level). A record after a run of
    "highest since" closes is still the first record (the level's line calls those a run); records week after week
    are not news."""
    prices = prices.loc[:session].dropna()
    start = pd.Timestamp(week_start(session.date()))
    cut = int(prices.index.searchsorted(start))
    if cut < MIN_OBSERVATIONS * 5 or cut >= len(prices):
        return None
    before, week = prices.iloc[:cut], prices.iloc[cut:]
    peak = float(before.max())
    above = week[week > peak]
    if above.empty:
        return None
    previous = before[before >= peak].index[-1]
    day = above.index[0]
    years = (day - previous).days / 365.25
    # "a record" needs a history long enough to back it (IWM's "first record since July 2000" in 2003 is not one)
    news = years >= SINCE_YEARS and (day - prices.index[0]).days / 365.25 >= RECORD_HISTORY_YEARS
    return NewsItem(key, ticker, float(above.iloc[0]), "level", day.date(), None, previous.date(), years, False,
                    prices.index[0].date(), cut, False, bool(news),
                    EVENT_SCORE["high"] + min(years / 100, SINCE_BONUS) if news else 0.0, "record", peak,
                    previous.date())


MIN_PERIODS = {"quarter_spread": 20, "year_spread": 10}
# ... and is news when it is the widest that way in this many years (or in the data).
PERIOD_SINCE_YEARS = {"quarter_spread": 3.0, "year_spread": 5.0}


def _period_spread(key: str, subject: str, small: pd.Series, large: pd.Series,
                   session: pd.Timestamp) -> NewsItem | None:
    """When the week closes a calendar quarter (`quarter_spread`) or year (`year_spread`), small caps' total return
    over it less large caps' (the quarter's last session is this week), ranked against every earlier complete one;
    "since" is the end of the last earlier one as wide that way ("small caps' best quarter against large caps since
    the quarter to December 2020"). `day` is the period's last session."""
    freq = "Q" if key == "quarter_spread" else "Y"
    start = pd.Timestamp(week_start(session.date()))
    end = (start.to_period(freq).end_time.normalize() if start.to_period(freq).end_time.normalize()
           <= start + pd.Timedelta(days=6) else None)
    if end is None:
        return None
    joined = inner_join(small, large).loc[:min(end, session)]
    if joined.empty or joined.index[-1] < start:
        return None
    ends = joined.groupby(joined.index.to_period(freq)).tail(1)
    growth = ends.pct_change().dropna()
    spreads = growth.iloc[:, 0] - growth.iloc[:, 1]
    if spreads.empty:
        return None
    value, day = float(spreads.iloc[-1]), spreads.index[-1]
    earlier = spreads.iloc[:-1]
    rarity = float(np.mean(earlier.abs().to_numpy() < abs(value))) if len(earlier) >= MIN_PERIODS[key] else None
    since, years = _since(earlier, value, day)
    record = rarity is not None and since is None
    newsworthy = (rarity is not None and abs(value) >= FLOOR[key]
                  and (record or (years is not None and years >= PERIOD_SINCE_YEARS[key])))
    score = (rarity or 0.0) + min((years if years is not None else 50.0) / 100, SINCE_BONUS) if newsworthy else 0.0
    return NewsItem(key, subject, value, "pct", day.date(), rarity, since, years, record,
                    earlier.index[0].date() if len(earlier) else None, int(earlier.size), False, bool(newsworthy), float(score), "quarter" if freq == "Q" else "year")


# The curve's sign change is news when the curve had held the other side this many week-ends before it.
CROSS_HOLD_WEEKS = 13


def _curve(long: str, short: str, market: MarketData, session: pd.Timestamp) -> list[NewsItem]:
    """The 10-year yield less the 13-week bill's (decimal), the yield curve:

    * `curve_level`: its steepest (`label` "high") or flattest / most inverted ("low") close since some date, like
      the other levels (`_level`, with the trend filter);
    * `curve_cross`: the week-end curve changed sign this week (`label` "inverted": below zero, "uninverted": back
      above it); `value` the curve at the week's end; `since` the last earlier week-end that crossed the same way
      (never: `record`, none in the data). News when that was SINCE_YEARS or more before, so a curve that flips
      back and forth near zero is told once; and only after CROSS_HOLD_WEEKS on the other side. A week with such a
      cross does not tell `curve_level` too (not newsworthy)."""
    joined = inner_join(market[long].quoted * 0.01, market[short].quoted * 0.01).loc[:session]
    if joined.empty:
        return []
    curve = joined.iloc[:, 0] - joined.iloc[:, 1]
    out = [_level("curve_level", f"{long}-{short}", curve, session)]
    ends = weekly_last(curve)
    if len(ends) >= MIN_OBSERVATIONS and ends.index[-1] >= pd.Timestamp(week_start(session.date())):
        sign = np.sign(ends.to_numpy())
        now, before = sign[-1], sign[-2]
        if now != before and now != 0:
            crossed = np.flatnonzero((sign[1:-1] == now) & (sign[:-2] != now) & (sign[:-2] != 0)) + 1
            since = ends.index[crossed[-1]] if len(crossed) else None
            years = (session - since).days / 365.25 if since is not None else None
            # a curve that had not held the other side for CROSS_HOLD_WEEKS is flipping around zero (2024-11-22: back
            # below zero a week after turning positive): not news
            held = bool(len(sign) > CROSS_HOLD_WEEKS + 1 and (sign[-CROSS_HOLD_WEEKS - 1:-1] == before).all())
            newsworthy = held and (since is None or years >= SINCE_YEARS)
            out.append(NewsItem("curve_cross", f"{long}-{short}", float(ends.iloc[-1]), "bp", session.date(), None,
                                since.date() if since is not None else None, years, since is None,
                                ends.index[0].date(), len(ends) - 1, False, bool(newsworthy),
                                EVENT_SCORE["curve_cross"] + min((years or 0.0) / 100, SINCE_BONUS) if newsworthy
                                else 0.0, "inverted" if now < 0 else "uninverted"))
    level = out[0]
    if level is not None and any(i.key == "curve_cross" and i.newsworthy for i in out):
        # the sign change tells the curve's week (2019-05-31: "inverted for the first time since August 2006"); its
        # level's "most inverted since April 2007" would tell the same close twice
        out[0] = NewsItem(**{**level.__dict__, "newsworthy": False, "score": 0.0})
    return [i for i in out if i is not None]


def _vix_low(ticker: str, vix: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The VIX's lowest close of the week when it is its lowest since some date a year or more back (`_level`'s low
    side, with its trend filter: a calm year's VIX closes at "its lowest since" week after week on small moves, news
    only on an unusual drop or a low LEVEL_LONG_YEARS or more back): "the VIX at its lowest close since February 2007".
    The VIX's highs are `vix_level`'s."""
    item = _level("vix_low", ticker, vix, session)
    if item is None or item.label != "low":
        return None
    return item


# A yield's round numbers: whole percentage points (decimal), the lines reporters count ("below 2% for the first time
# since 2012").
ROUND_STEP = 0.01


def _round_cross(key: str, ticker: str, yields: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The yield's week-end close crossed a whole percentage point this week (from last week's close): `label` "below"
    or "above", `ref_value` the line (decimal), `value` the week's last close; `since` the last earlier session that
    closed beyond the line that way. News when that was SINCE_YEARS or more before (or never, in our data)."""
    ends = weekly_last(yields.loc[:session].dropna())
    start = pd.Timestamp(week_start(session.date()))
    if len(ends) < MIN_OBSERVATIONS or ends.index[-1] < start:
        return None
    before, now = float(ends.iloc[-2]), float(ends.iloc[-1])
    lines = np.arange(np.ceil(min(before, now) / ROUND_STEP), np.floor(max(before, now) / ROUND_STEP) + 1) * ROUND_STEP
    # the line crossed, not merely touched: strictly beyond it now, at it or on the other side last week
    lines = [float(x) for x in lines if (now < x <= before) or (before <= x < now)]
    if not lines:
        return None
    down = now < before
    line = float(min(lines) if down else max(lines))
    earlier = yields.loc[:start - pd.Timedelta(days=1)].dropna()
    hits = earlier[earlier < line] if down else earlier[earlier > line]
    since = hits.index[-1] if len(hits) else None
    years = (session - since).days / 365.25 if since is not None else None
    news = since is None or years >= SINCE_YEARS
    return NewsItem(key, ticker, now, "level", ends.index[-1].date(), None, since.date() if since is not None else None,
                    years, since is None, earlier.index[0].date() if len(earlier) else None, len(earlier), False,
                    bool(news), (EVENT_SCORE["high"] + min((years if years is not None else 50.0) / 100, SINCE_BONUS))
                    if news else 0.0, "below" if down else "above", line)


def _fx_level(ticker: str, quoted: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """USD/JPY's highest or lowest close since some date, kept for metrics.json but never news: our data's yen "close"
    is in some years the day's opening quote (PROVENANCE.md), and a day's high can pass the "record close" we hold
    (October 2022's 151.9 against October 2023's "highest close in our data"). No headline rests on it."""
    item = _level("fx_level", ticker, quoted, session)
    if item is None:
        return None
    return NewsItem(**{**item.__dict__, "newsworthy": False, "score": 0.0})
