"""Candidates that are moves: each index's biggest session, two sessions, week and four weeks, the spread's week and
session, the VIX's jump and day, a sector's or credit's week, the yen's week, and the week's events."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.data.model import MarketData
from generator.metrics.events import fx_stale_week
from generator.metrics.indicators import weekly_last
from generator.metrics.periods import week_start
from generator.metrics.series import inner_join
from generator.metrics.news.base import (BIG_SESSION, EVENT_SCORE, SINCE_YEARS, VIX_JUMP, YEARS_CAP, NewsItem, _item,
                                         _split, years_rare)
from generator.metrics.news.levels import _record_level


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
    (ranked against earlier week-end closes; "since" is the last earlier close at least as high).

    The jump is ranked only against the same statistic (issue 26, reader RA 2005-04-15, RC 2021-02-26): when the
    week's highest close is its last, the jump is the week's own change (Friday to Friday), ranked against earlier
    weeks' changes, and the words call it weekly; when the peak came before the week's last session, it is ranked
    against earlier weeks' rises to their highest close (`peak_jumps`), and the words name the peak's day and the
    window ("by Thursday", "the biggest such jump"). A Friday-to-Thursday rise is never ranked against
    Friday-to-Friday weeks, nor a Friday-to-Friday week against mid-week peaks."""
    vix = vix.loc[:session].dropna()
    ends = weekly_last(vix)
    if len(ends) < 2 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return []
    week = vix.loc[pd.Timestamp(week_start(session.date())):]
    at = week.idxmax()
    jumps = peak_jumps(vix)
    jump = float(jumps.iloc[-1])
    history = ends.pct_change().dropna().iloc[:-1] if at == week.index[-1] else jumps.iloc[:-1]
    earlier, _ = _split(vix, session)
    return [_item("vix_jump", ticker, jump, "pct", at, history, history, jump >= VIX_JUMP),
            _vix_level(ticker, vix, session, weekly_last(earlier))]


def peak_jumps(vix: pd.Series) -> pd.Series:
    """Each week's highest close over the previous week's last close, less 1, indexed by the week's last session."""
    ends = weekly_last(vix)
    highs = vix.groupby(vix.index.to_period("W-SUN")).max()
    return pd.Series(highs.to_numpy()[1:] / ends.to_numpy()[:-1] - 1, index=ends.index[1:])


def _vix_level(ticker: str, vix: pd.Series, session: pd.Timestamp, earlier_ends: pd.Series) -> NewsItem:
    """The VIX's highest close of the week (its session is `day`: a Monday's 82.7 is the week's news though Friday
    closed at 66), against every earlier close, this week's earlier sessions included ("its highest close since");
    ranked against earlier week-end closes. A close above every earlier one (with MIN_OBSERVATIONS weeks before it)
    is a record in our data, which outranks the week's ordinary facts (`RECORD_LEVEL`)."""
    week = vix.loc[pd.Timestamp(week_start(session.date())):]
    at = week.idxmax()
    item = _item("vix_level", ticker, float(week.loc[at]), "level", at, earlier_ends, vix.loc[:at].iloc[:-1])
    return _record_level(item)


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
    """The index's biggest move over two sessions in a row that end this week (the second session's close over the
    close before the first), the pair that straddles the weekend included: last Friday and Monday (2015-08-24, IWM
    -5.0% over Friday and Monday, which a search inside the week missed). Ranked against the same statistic, each
    earlier week's biggest two-session move ending in that week; "since" is the last earlier pair of sessions (any)
    that moved as far that way. `day` is the second session. News only when rarer than the week's biggest single
    session and the week itself (`_multi_day_news`): a Wednesday-Thursday rally no single day matched."""
    prices = prices.loc[:session].dropna()
    two = (prices / prices.shift(2) - 1).dropna()
    earlier, week = _split(two, session)
    if week.empty or earlier.empty:
        return None
    at = week.abs().idxmax()
    absolute = earlier.abs()
    weekly_max = absolute.groupby(absolute.index.to_period("W-SUN")).max()
    return _item(key, ticker, float(week.loc[at]), "pct", at, weekly_max, earlier)


# A run of weekly gains or losses this long, or longer, can be news ("a sixth straight weekly loss"); it is news when
# no run as long that way came in the year before (`_run`).
RUN_WEEKS = 4


def _run(key: str, ticker: str, prices: pd.Series, session: pd.Timestamp) -> NewsItem | None:
    """The index's run of weekly gains (or losses) in a row that this week extends, week-end to week-end: `value` the
    run's length in weeks (negative for losses), ranked against the run in force at every earlier week-end; "since"
    is the last earlier week-end whose run was as long that way ("its sixth straight weekly loss, the longest losing
    run since May 2011"). News only from RUN_WEEKS weeks and when the last run as long came SINCE_YEARS or more
    before (or never, in data of MIN_OBSERVATIONS weeks or more): a four-week run every few months is not news."""
    ends = weekly_last(prices.loc[:session].dropna())
    if len(ends) < 3 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return None
    sign = np.sign(ends.pct_change().dropna())
    runs = sign * (sign.groupby((sign != sign.shift()).cumsum()).cumcount() + 1)
    value = float(runs.iloc[-1])
    if value == 0:
        return None
    item = _item(key, ticker, value, "weeks", ends.index[-1], runs.iloc[:-1], runs.iloc[:-1])
    news = abs(value) >= RUN_WEEKS and item.rarity is not None and (
        item.record or (item.since_years is not None and item.since_years >= SINCE_YEARS))
    return NewsItem(**{**item.__dict__, "newsworthy": bool(news), "score": item.score if news else 0.0})


def _four_week(key: str, subject: str, series: pd.Series, session: pd.Timestamp, *,
               absolute: bool = False) -> NewsItem | None:
    """The four weeks to this week's last close (points for a yield), on one definition for the value and its
    history (`four_week_changes`: a close against the last close on or before the same weekday four weeks
    earlier). Ranked against every earlier week's last close's four weeks (the same statistic, one a week); "since"
    is the last earlier session whose four weeks went as far that way, any session (2007-11-09: SPY's 7.2% fall
    was not its biggest since February 2003, the four weeks to 2007-08-15 fell 8.7%; a Friday-only search missed
    them). News only when rarer than this week's own move (`_multi_day_news`): the 10-year's climb of 2024's
    autumn, no single week of which stood out."""
    series = series.loc[:session].dropna()
    ends = weekly_last(series)
    if len(ends) < 6 or ends.index[-1] < pd.Timestamp(week_start(session.date())):
        return None
    changes = four_week_changes(series, absolute=absolute)
    weekly = changes.reindex(ends.index).dropna()
    if len(weekly) < 2 or weekly.index[-1] != series.index[-1]:
        return None
    value = float(weekly.iloc[-1])
    return _item(key, subject, value, "bp" if absolute else "pct", session, weekly.iloc[:-1], changes.iloc[:-1])


def four_week_changes(series: pd.Series, *, absolute: bool = False) -> pd.Series:
    """Every session's four weeks: its close against the last close on or before the same weekday four weeks
    earlier (a change in points with `absolute`), from the first session with four weeks behind it."""
    values, index = series.to_numpy(dtype=float), series.index
    base = index.searchsorted(index - pd.Timedelta(weeks=FOUR_WEEKS), side="right") - 1
    ok = (base >= 0) & (index - pd.Timedelta(weeks=FOUR_WEEKS) >= index[0])
    start = values[np.where(ok, base, 0)]
    change = values - start if absolute else values / start - 1
    return pd.Series(change[ok], index=index[ok])


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
    # (years beyond YEARS_CAP rank alike, then the rarer move: financials' -7.4 points before technology's +4.2 in the
    # SVB week, both the most since the 2008-09 crisis)
    return max(found, key=lambda i: (min(years_rare(i), YEARS_CAP), i.score, i.subject))


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
