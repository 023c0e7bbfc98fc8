"""What every news candidate shares: the news bar, the ranking's weights, a candidate fact (NewsItem) and the
week's ranked list (News), and how a fact is measured against the history known that week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

import numpy as np
import pandas as pd

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
         "vix_jump": 0.15, "spread_day": 0.01, "vix_day": 0.15, "sector_week": 0.02,
         # multi-session moves (two sessions, four weeks) and a quarter's or a year's spread
         "small_2d": 0.03, "large_2d": 0.02, "small_4w": 0.08, "large_4w": 0.06, "long_yield_4w": 0.003,
         "quarter_spread": 0.03, "year_spread": 0.05,
         # the gauges beside the pair (cross.py)
         "tech_week": 0.02, "small_tech_week": 0.02, "small_tech_day": 0.015, "treasury_week": 0.01,
         "vix_fall": 0.15}
# Too few earlier observations to rank against: no rarity, never news.
MIN_OBSERVATIONS = 52
# Facts the column reads in its own sections rather than leads with (the yen, credit, bills and the VIX's
# level are risks and backdrop): their score is lowered by this much, so that a 30 bp move in the 10-year or a
# 3% session outranks an equally rare move in USD/JPY.
SECONDARY = {"fx_week": 0.1, "credit_week": 0.1, "short_yield_week": 0.1, "vix_level": 0.05, "vix_low": 0.05,
             "long_yield_level": 0.05, "small_level": 0.05, "large_level": 0.05, "short_yield_level": 0.1,
             "fx_level": 0.1, "sector_week": 0.05, "tech_week": 0.05, "small_tech_week": 0.05,
             "small_tech_day": 0.05, "treasury_week": 0.1}
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
    value: float                # the move: a return or change (decimal), a VIX level, a run's weeks, or 1.0 for an event
    unit: str                   # pct | bp | level | weeks | event
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
                                      # against earlier weeks' moves (generator/metrics/news/levels.py `_level`)
    streak: bool = False            # a level that extends a run (`STREAK_WEEKS`) on an ordinary week's move: never
                                    # the week's lead
    series: str = ""                # the long-history index (settings pair.small_index / large_index) the rarity,
                                    # "since" and `history_start` were measured on, where the subject's own history
                                    # ran out (`value` stays the subject's move); "" when measured on the subject
    series_value: float | None = None  # that index's own move (a return), which the sentence gives beside its rarity: the
                                       # rarity is the index's, so is the figure it is told with (reader RA, 2002-07-26:
                                       # SPY +6.0% told with the S&P 500 index's rarity, the index rose 5.7%)


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
        found = self.rarest() or self.rarest(SINCE_YEARS)
        if found is not None and found.key in BACKDROP:
            # a primary gauge at its extreme in our data (the 10-year's lowest close, 2011-09-23 and 2012-06-01) leads
            # over the backdrop's multi-year rarity (the curve's flattest since 2008: the curve, with bills near zero,
            # is the 10-year)
            record = next((self.items[k] for k in self.ranked if k in RECORD_OVER_BACKDROP and self.items[k].record
                           and self.items[k].newsworthy and not self.items[k].streak), None)
            return record or found
        return found

    def rarest(self, years: float | None = None) -> NewsItem | None:
        """The week's rarest fact by the years since it was last matched (see `years_rare`), when that reaches
        back MULTI_YEAR or more: the fact the headline or the brief's first line carries and the thesis asks
        about. A score mixes a percentile with the years; a reader remembers the years ("the lowest since 1996")."""
        floor = MULTI_YEAR if years is None else years
        found = [i for i in (self.items[k] for k in self.ranked) if i.newsworthy and years_rare(i) >= floor
                 and not (i.key in UP_ONLY and i.value <= 0) and not i.streak and i.key not in NEVER_LEADS]
        order = {k: n for n, k in enumerate(self.ranked)}
        # (between facts capped alike, the one last matched longer ago: the S&P 500's worst week since 1933 on its
        # long-history index before small caps' best day against large caps in eight years of data, 2008-10-10)
        primary = [i for i in found if i.key not in BACKDROP]
        if primary:
            # the pair's own gauges lead when one is multi-year rare: comparably rare to any backdrop fact, which the
            # brief and standfirst then tell beside it when rarer still (`outranks_lead`)
            return max(primary, key=lambda i: (lead_years(i), years_rare(i), i.score, -order[i.key]))
        # (the backdrop's facts capped alike rank by their score, the rarer move: financials' -7.4 points against the
        # S&P 500 before the Nasdaq-100's +4.4, both the most since the 2008-09 crisis, in the SVB week)
        return max((i for i in found), key=lambda i: (lead_years(i), i.score, -order[i.key]), default=None)


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
            "curve_level",
            # the gauges beside the pair (cross.py): tech's week against large caps and small caps', Treasuries' own
            # week, the tech index's correction or bear market
            "tech_week", "small_tech_week", "small_tech_day", "treasury_week", "tech_drawdown"}
# Levels whose close at the extreme of our data leads over any backdrop fact (`News.lead`).
RECORD_OVER_BACKDROP = {"long_yield_level", "ratio_level", "vix_level"}
# The gauges beside the pair (cross.py) never lead the column (the headline, the brief's first line, the thesis): the
# brief and the standfirst tell them when they outrank the lead (commentary/news.py `quiet_told`, `outranks_lead`).
NEVER_LEADS = {"tech_week", "small_tech_week", "small_tech_day", "treasury_week", "tech_drawdown"}
# Facts the column tells only when they rose (the VIX's jump within the week: a week it never closed above the last
# is not a jump).
UP_ONLY = {"vix_jump", "vix_day"}
# The tie-break between the pair's own gauges and the backdrop (issue 26, part 1): a fact of the pair's own gauges
# MULTI_YEAR rare is comparably rare to any backdrop fact and leads (a bear market in the S&P 500 over energy's week
# reaching further back; 2021-03-12: the 10-year's four-week climb over consumer discretionary's week, while small caps
# rose 7%). A backdrop fact leads the brief only in a week with none (among those capped alike, the higher score:
# financials' worst week against the S&P 500 since March 2009 in the SVB week, 2023-03-17). A backdrop fact rarer than
# the lead is told at the top of the issue all the same (`outranks_lead`).


# A fact last matched this many years ago (or never, in that much data), rarer than the week's lead, is told at the
# top of the issue (the brief's second line or the standfirst) though the lead keeps the headline: no week buries a
# five-year rarity under a lesser one (tests/test_history.py).
BURIED_YEARS = 5.0


def outranks_lead(item: NewsItem, lead: NewsItem | None) -> bool:
    """A newsworthy fact, not one more close of a run, last matched BURIED_YEARS or more before and longer ago than the
    week's lead (`News.lead`)."""
    if not item.newsworthy or item.streak or (item.key in UP_ONLY and item.value <= 0) or item.label.startswith(
            "near") or years_rare(item) < BURIED_YEARS:
        return False
    return lead is None or (item.key != lead.key and years_rare(item) > years_rare(lead))


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


# Two moves closer than this (in decimal) are a tie: "as extreme" counts them (the 10-year's four weeks to Thursday
# 2019-08-15 and to Friday were both -51 bp, apart only by floating-point noise).
TIE = 1e-9


def _since(history: pd.Series, value: float, day: pd.Timestamp) -> tuple[date | None, float | None]:
    """The last earlier observation at least as extreme as `value` in its direction (ties included)."""
    hits = history[history >= value - TIE] if value >= 0 else history[history <= value + TIE]
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
