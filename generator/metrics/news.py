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

from dataclasses import dataclass
from datetime import date
from typing import Mapping

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.events import fx_stale_week
from generator.metrics.indicators import weekly_last
from generator.metrics.periods import week_start
from generator.metrics.series import inner_join

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
         "vix_jump": 0.15, "spread_day": 0.01, "vix_day": 0.15, "sector_week": 0.02,
         # multi-session moves (two sessions, four weeks) and a quarter's or a year's spread
         "small_2d": 0.03, "large_2d": 0.02, "small_4w": 0.08, "large_4w": 0.06, "long_yield_4w": 0.003,
         "quarter_spread": 0.03, "year_spread": 0.05}
# Too few earlier observations to rank against: no rarity, never news.
MIN_OBSERVATIONS = 52
# Facts the column reads in its own sections rather than leads with (the yen, credit, bills and the VIX's
# level are risks and backdrop): their score is lowered by this much, so that a 30 bp move in the 10-year or a
# 3% session outranks an equally rare move in USD/JPY.
SECONDARY = {"fx_week": 0.1, "credit_week": 0.1, "short_yield_week": 0.1, "vix_level": 0.05,
             "long_yield_level": 0.05, "small_level": 0.05, "large_level": 0.05, "short_yield_level": 0.1,
             "fx_level": 0.1, "sector_week": 0.05}
# "since" adds to the score a point per century of years, up to this much.
SINCE_BONUS = 0.1
# Discrete events have no distribution to rank against: a fixed score (a stance change comes about one week
# in twenty; a cross of the long average about as often).
EVENT_SCORE = {"stance_change": 0.9, "trend_cross": 0.85,
               # an index crossing into a correction or a bear market (a few times a decade), or making its first
               # 52-week high in months, outranks all but the rarest moves
               "correction": 0.97, "bear": 1.0, "high": 0.95,
               # the yield curve inverting (or turning positive again) for the first time in a year or more
               "curve_cross": 0.95}


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
    label: str = ""             # for events: the new stance or the direction of the cross; for levels "high"/"low"
    ref_value: float | None = None  # the reference the fact is measured from: the 52-week high a drawdown is from,
                                    # the extreme close a level is near
    ref_day: date | None = None     # that reference's session
    move_rarity: float | None = None  # a level's: the week's move to it (from last week's close), ranked that way
                                      # against earlier weeks' moves (generator/metrics/news.py `_level`)
    streak: bool = False            # a level that extends a run (`STREAK_WEEKS`) on an ordinary week's move: never
                                    # the week's lead


@dataclass(frozen=True)
class News:
    items: Mapping[str, NewsItem]      # by key
    ranked: tuple[str, ...]            # keys, most newsworthy first

    def top(self, n: int, *, newsworthy: bool = True) -> list[NewsItem]:
        out = [self.items[k] for k in self.ranked if self.items[k].newsworthy or not newsworthy]
        return out[:n]

    def lead(self) -> NewsItem | None:
        """The fact the headline and the brief's first line carry: the rarest (`rarest`), else, in a week with no
        multi-year rarity, the rarest fact last matched SINCE_YEARS or more before (a year is rare enough to lead:
        "the worst week since March 2009")."""
        return self.rarest() or self.rarest(SINCE_YEARS)

    def rarest(self, years: float | None = None) -> NewsItem | None:
        """The week's rarest fact by the years since it was last matched (see `years_rare`), when that reaches
        back MULTI_YEAR or more: the fact the headline or the brief's first line carries and the thesis asks
        about. A score mixes a percentile with the years; a reader remembers the years ("the lowest since 1996")."""
        floor = MULTI_YEAR if years is None else years
        found = [i for i in (self.items[k] for k in self.ranked) if i.newsworthy and years_rare(i) >= floor
                 and not (i.key in UP_ONLY and i.value <= 0) and not i.streak]
        order = {k: n for n, k in enumerate(self.ranked)}
        return max(found, key=lambda i: (i.key not in BACKDROP, lead_years(i), i.score,
                                         -order[i.key])) if found else None


# A fact last matched this many years ago (or never, in data this long) is "multi-year rare": it leads the brief.
MULTI_YEAR = 3.0
# Facts whose rarity is not told by the years since they were last matched: the discrete events (a drawdown's or a
# first high's "since" is the last time it happened, so they count).
NOT_RARE_BY_YEARS = {"stance_change", "trend_cross"}
# The backdrop's facts (a sector, the yen, credit, bills) lead the brief only in a week with no multi-year rarity in
# the pair's own gauges (the two indices, their ratio and spread, the 10-year yield, the VIX): a bear market in the
# S&P 500 is the week's story though energy's worst week against it reaches further back.
BACKDROP = {"sector_week", "fx_week", "fx_level", "credit_week", "short_yield_week", "short_yield_level",
            # the curve's level moves with the 10-year's week, which tells the same move first (2022-11-11)
            "curve_level"}
# Facts the column tells only when they rose (the VIX's jump within the week: a week it never closed above the last
# is not a jump).
UP_ONLY = {"vix_jump", "vix_day"}
# Years beyond this rank alike: a record in data from 1998 is no rarer to a reader than one in data from 2000 (the
# score breaks the tie).
YEARS_CAP = 10.0


# The column's subject (small caps, their ratio and their spread against large caps) leads over an equally rare fact
# elsewhere: its years count this much more, so the ratio at its lowest in three years outranks a 10-year yield at its
# highest in 21 months or a yen week (readers: the subject lost its own column's headline).
SUBJECT_YEARS = 2.0
SUBJECT = {"ratio_level", "small_level", "spread_week", "spread_day", "small_week", "small_day", "small_2d",
           "small_4w", "small_high", "small_drawdown", "quarter_spread", "year_spread"}


def lead_years(item: NewsItem) -> float:
    """The years a fact leads by: its `years_rare`, plus SUBJECT_YEARS for the column's subject, up to YEARS_CAP (a
    subject's record does not outrank the S&P 500's worst week in our data, 2008-10-10: the score decides)."""
    return min(years_rare(item) + (SUBJECT_YEARS if item.key in SUBJECT else 0.0), YEARS_CAP)


def years_rare(item: NewsItem) -> float:
    """Years since the fact was last matched: its "since", or for a record the whole history before it (the
    data's start to the fact's day; for a level, the years since the previous record close). Zero for the facts in NOT_RARE_BY_YEARS and near-extreme lines."""
    if item.key in NOT_RARE_BY_YEARS or item.label.startswith("near") or item.unit == "event":
        return 0.0
    if item.since_years is not None:
        return item.since_years
    if item.record and item.unit == "level" and item.ref_day is not None:
        return (item.day - item.ref_day).days / 365.25
    if item.record and item.history_start is not None:
        return (item.day - item.history_start).days / 365.25
    return 0.0


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
            _vix_level(ticker, vix, session, weekly_last(earlier))]


def _vix_level(ticker: str, vix: pd.Series, session: pd.Timestamp, earlier_ends: pd.Series) -> NewsItem:
    """The VIX's highest close of the week (its session is `day`: a Monday's 82.7 is the week's news though Friday
    closed at 66), against every earlier close, this week's earlier sessions included ("its highest close since");
    ranked against earlier week-end closes. A close above every earlier one (with MIN_OBSERVATIONS weeks before it)
    is a record in our data, which outranks the week's ordinary facts (`RECORD_LEVEL`)."""
    week = vix.loc[pd.Timestamp(week_start(session.date())):]
    at = week.idxmax()
    item = _item("vix_level", ticker, float(week.loc[at]), "level", at, earlier_ends, vix.loc[:at].iloc[:-1])
    return _record_level(item)


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
TREND_LEVELS = {"long_yield_level", "short_yield_level", "small_level", "large_level", "ratio_level", "curve_level"}
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


def _from_high(prefix: str, ticker: str, prices: pd.Series, session: pd.Timestamp) -> list[NewsItem]:
    """The index against its 52-week closing high (the quoted price, as reporters measure it):

    * `<prefix>_drawdown`: the week's last close is 10% (`label` "correction") or 20% ("bear") or more below the
      highest close of the 52 weeks to it (`ref_value`, on `ref_day`), and no earlier week closed that far below
      that high: the index crossed the line this week. `value` is the fall (a negative decimal); `since` the last
      earlier session that closed that far below its own 52-week high ("for the first time since <Month Year>").
      Always told (`must_tell`).
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
    for line, label in ((BEAR, "bear"), (CORRECTION, "correction")):
        if fall > -line:
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


def _spread_session(key: str, subject: str, small: pd.Series, large: pd.Series,
                    session: pd.Timestamp) -> NewsItem | None:
    """The week's widest one-session gap between the two indices (small's daily total return minus large's), ranked
    like a session's move: against each earlier week's widest gap; "since" is the last earlier session with a gap
    at least as wide that way ("small caps' best day against large caps since <Month Year>")."""
    joined = inner_join(small, large).loc[:session]
    daily = joined.pct_change().dropna()
    spread = daily.iloc[:, 0] - daily.iloc[:, 1]
    earlier, week = _split(spread, session)
    if week.empty or earlier.empty:
        return None
    at = week.abs().idxmax()
    absolute = earlier.abs()
    weekly_max = absolute.groupby(absolute.index.to_period("W-SUN")).max()
    return _item(key, subject, float(week.loc[at]), "pct", at, weekly_max, earlier)


def _two_day(key: str, ticker: str, prices: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The index's biggest move over two sessions in a row, both this week (the second session's close over the close
    before the first), ranked against each earlier week's biggest such move; "since" is the last earlier pair of
    sessions (any) that moved as far that way. `day` is the second session. News only when rarer than the week's
    biggest single session and the week itself (`_multi_day_news`): a Wednesday-Thursday rally no single day
    matched."""
    prices = prices.loc[:session].dropna()
    two = (prices / prices.shift(2) - 1).dropna()
    if two.empty:
        return None
    first = pd.Series(prices.index, index=prices.index).shift(1).reindex(two.index)
    start = pd.Timestamp(week_start(session.date()))
    inside = first.to_numpy() >= np.datetime64(start)
    week = two[(two.index >= start) & inside]
    earlier = two[two.index < start]
    if week.empty or earlier.empty:
        return None
    at = week.abs().idxmax()
    periods = earlier.index.to_period("W-SUN")
    same_week = pd.Series(first.loc[earlier.index].to_numpy(), index=earlier.index).dt.to_period("W-SUN") == periods
    within = earlier[same_week.to_numpy()].abs()
    weekly_max = within.groupby(within.index.to_period("W-SUN")).max()
    return _item(key, ticker, float(week.loc[at]), "pct", at, weekly_max, earlier)


def _four_week(key: str, subject: str, series: pd.Series, session: pd.Timestamp, *,
               absolute: bool = False) -> NewsItem | None:
    """The four weeks to this week's last close (week-end to week-end; points for a yield), ranked against every
    earlier week's four weeks; "since" is the last earlier week-end four weeks as far that way. News only when rarer
    than this week's own move (`_multi_day_news`): the 10-year's climb of 2024's autumn, no single week of which
    stood out."""
    ends = weekly_last(series.loc[:session].dropna())
    if len(ends) < 6 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return None
    changes = (ends.diff(FOUR_WEEKS) if absolute else ends.pct_change(FOUR_WEEKS)).dropna()
    if len(changes) < 2:
        return None
    earlier = changes.iloc[:-1]
    return _item(key, subject, float(changes.iloc[-1]), "bp" if absolute else "pct", session, earlier, earlier)


FOUR_WEEKS = 4
# A multi-session fact (`_two_day`, `_four_week`) is news only when it reaches back further than the single-period
# fact it contains (the key here): else the day or the week already tells the story.
CONTAINS = {"small_2d": ("small_day", "small_week"), "large_2d": ("large_day", "large_week"),
            "small_4w": ("small_week",), "large_4w": ("large_week",), "long_yield_4w": ("long_yield_week",)}


def _multi_day_news(items: list[NewsItem]) -> list[NewsItem]:
    """Multi-session facts that reach back less than SINCE_YEARS, or no further than the day or week they contain, are
    not news (and score 0)."""
    by_key = {i.key: i for i in items}
    out = []
    for item in items:
        inner = [by_key[k] for k in CONTAINS.get(item.key, ()) if k in by_key]
        if item.key in CONTAINS and item.newsworthy and (years_rare(item) < SINCE_YEARS or any(
                years_rare(i) >= years_rare(item) and (i.value > 0) == (item.value > 0) for i in inner)):
            item = NewsItem(**{**item.__dict__, "newsworthy": False, "score": 0.0})
        out.append(item)
    return out


# A quarter's (or a year's) spread is ranked once the data hold this many earlier ones.
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


def _vix_day(ticker: str, vix: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The VIX's biggest one-session rise of the week (the close over the previous session's close), ranked like an
    index's session: against each earlier week's biggest session rise; "since" is the last earlier session that
    rose as far. A session's jump is told as a session's, never as the week's (2018-02-05: +116% in one day)."""
    daily = vix.loc[:session].dropna().pct_change().dropna()
    earlier, week = _split(daily, session)
    if week.empty or earlier.empty:
        return None
    at = week.idxmax()
    move = float(week.loc[at])
    if move <= 0:
        return None
    weekly_max = earlier.groupby(earlier.index.to_period("W-SUN")).max().clip(lower=0)
    return _item("vix_day", ticker, move, "pct", at, weekly_max, earlier)


def _sector_week(sectors: list[str], market: MarketData, large: str, session: pd.Timestamp) -> NewsItem | None:
    """The sector ETF whose week against the large-cap index (its weekly return less the index's, as the sector
    table prints it) reaches furthest back: "financials (XLF) trailed SPY by 7.4%, their worst week against it
    since March 2009"."""
    found = []
    for ticker in sectors:
        if ticker not in market:
            continue
        item = _spread_week("sector_week", ticker, market[ticker].total_return, market[large].total_return, session)
        if item is not None and item.rarity is not None:
            found.append(item)
    if not found:
        return None
    return max(found, key=lambda i: (years_rare(i), i.score, i.subject))


def _spread_week(key: str, subject: str, a: pd.Series, b: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """`a`'s weekly return less `b`'s (the spread the sections and tables print), ranked against earlier weeks'."""
    joined = inner_join(a, b)
    ends = weekly_last(joined.loc[:session])
    if len(ends) < 2 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return None
    growth = ends.pct_change().dropna()
    spreads = growth.iloc[:, 0] - growth.iloc[:, 1]
    return _item(key, subject, float(spreads.iloc[-1]), "pct", session, spreads.iloc[:-1], spreads.iloc[:-1])


def _ratio_week(key: str, subject: str, num: pd.Series, den: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    joined = inner_join(num, den)
    if joined.empty:
        return None
    return _week_move(key, subject, joined.iloc[:, 0] / joined.iloc[:, 1], session)


def _fx_level(ticker: str, quoted: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """USD/JPY's highest or lowest close since some date, kept for metrics.json but never news: our data's yen "close"
    is in some years the day's opening quote (PROVENANCE.md), and a day's high can pass the "record close" we hold
    (October 2022's 151.9 against October 2023's "highest close in our data"). No headline rests on it."""
    item = _level("fx_level", ticker, quoted, session)
    if item is None:
        return None
    return NewsItem(**{**item.__dict__, "newsworthy": False, "score": 0.0})


def _fx_week(ticker: str, history, session: pd.Timestamp) -> NewsItem | None:
    """USD/JPY's week, not news when the quote at either end of it is stale (generator/metrics/events.py
    `stale_fx_quote`): label "stale". 2025-08-01: the data's Friday quote is the open, 150.77, after which the yen
    rallied 2% on the payrolls; the week read +2.6% where the market moved the other way."""
    item = _week_move("fx_week", ticker, history.quoted, session)
    if item is None or not fx_stale_week(history.frame.loc[:session], session):
        return item
    return NewsItem(**{**item.__dict__, "newsworthy": False, "must_tell": False, "score": 0.0, "label": "stale"})


def _events(metrics, session: pd.Timestamp) -> list[NewsItem]:
    """A change of stance this week, and the ratio crossing its long average this week."""
    out = []
    rec = metrics.stance_record
    if rec.changed_weeks_ago == 1:
        out.append(NewsItem("stance_change", "stance", 1.0 if rec.direction == "up" else -1.0, "event",
                            session.date(), None, None, None, False, None, 0, False, True,
                            EVENT_SCORE["stance_change"], rec.changed_to or ""))
    series = metrics.series
    joined = inner_join(series.ratio, series.sma_long)
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
    items.append(_spread_week("spread_week", f"{small}-{large}", s_tr, l_tr, session))
    if t.volatility and t.volatility in market:
        items += _vix(t.volatility, market[t.volatility].quoted, session)
    if t.long_yield and t.long_yield in market:
        items.append(_week_move("long_yield_week", t.long_yield, market[t.long_yield].quoted * 0.01, session,
                                absolute=True, must_tell=lambda v: abs(v) >= YIELD_MOVE - 1e-12))
    if t.long_yield and t.long_yield in market:
        items.append(_level("long_yield_level", t.long_yield, market[t.long_yield].quoted * 0.01, session))
    items.append(_level("small_level", small, market[small].quoted, session))
    items.append(_level("large_level", large, market[large].quoted, session))
    if t.volatility and t.volatility in market:
        items.append(_vix_day(t.volatility, market[t.volatility].quoted, session))
    if t.short_yield and t.short_yield in market:
        items.append(_level("short_yield_level", t.short_yield, market[t.short_yield].quoted * 0.01, session))
    if t.fx and t.fx in market:
        items.append(_fx_level(t.fx, market[t.fx].quoted, session))
    if t.sectors:
        items.append(_sector_week(list(t.sectors), market, large, session))
    items.append(_level("ratio_level", f"{small}/{large}", metrics.series.ratio, session, near=NEAR_EXTREME))
    items.append(_spread_session("spread_day", f"{small}-{large}", s_tr, l_tr, session))
    items += _from_high("large", large, market[large].quoted, session)
    items += _from_high("small", small, market[small].quoted, session)
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
    found = _multi_day_news([i for i in items if i is not None])
    # small caps' best or worst week in a year or more must be told
    found = [NewsItem(**{**i.__dict__, "must_tell": True})
             if i.key == "small_week" and (i.record or (i.since_years or 0) >= SINCE_YEARS) and i.rarity is not None
             else i for i in found]
    ranked = tuple(i.key for i in sorted(found, key=lambda i: (-i.score, i.key)))
    return News({i.key: i for i in found}, ranked)


KEYS = ("small_day", "large_day", "small_week", "large_week", "spread_week", "vix_jump", "vix_level",
        "long_yield_week", "short_yield_week", "credit_week", "fx_week", "long_yield_level", "small_level",
        "ratio_level", "stance_change", "trend_cross", "spread_day", "large_drawdown", "small_drawdown",
        "large_high", "small_high", "large_level", "vix_day", "short_yield_level", "fx_level", "sector_week",
        "small_2d", "large_2d", "small_4w", "large_4w", "long_yield_4w", "quarter_spread", "year_spread", "curve_level",
        "curve_cross")
