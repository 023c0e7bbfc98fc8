"""Issue 26, over the whole real history (2001-2025): the week's rarest fact by years since it was last matched
opens "The week in brief", the thesis asks the question that fact raises, and no figure is told more than twice
(those run in tests/test_history.py, on the whole-history run it already makes).

The new candidates (the VIX's one-session jump, the large-cap index's closing level) are checked against our own
pandas reading of the CSVs, not the project's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.metrics import news
from generator.metrics.periods import week_start


def _close(market_dir, ticker: str) -> pd.Series:
    frame = pd.read_csv(market_dir / f"{ticker}.csv", parse_dates=["Date"], index_col="Date")
    return frame["Close"].dropna().astype("float64")


def _week_ends(series: pd.Series) -> list[pd.Timestamp]:
    ends = series.groupby(series.index.to_period("W-FRI")).apply(lambda s: s.index[-1])
    return [d for d in ends if d >= pd.Timestamp("2001-01-01")]


def test_the_vix_one_session_jump_matches_our_reading(market_dir):
    """Every week: the VIX's biggest one-session rise, its day, and the last earlier session that rose as far."""
    vix = _close(market_dir, "^VIX")
    change = vix.pct_change()
    checked = records = 0
    for day in _week_ends(vix):
        start = pd.Timestamp(week_start(day.date()))
        week = change.loc[start:day].dropna()
        item = news._vix_day("^VIX", vix, day)
        if week.empty or week.max() <= 0:
            assert item is None
            continue
        assert item is not None
        at, move = week.idxmax(), week.max()
        assert item.day == at.date() and item.value == pytest.approx(move)
        earlier = change.loc[:start - pd.Timedelta(days=1)].dropna()
        hits = earlier[earlier >= move]
        assert item.since == (hits.index[-1].date() if len(hits) else None)
        assert item.unit == "pct" and item.key == "vix_day"
        checked += 1
        records += item.record
    assert checked > 1200 and records >= 1   # 2018-02-05: +116% in one session, the most in the data


def test_the_large_cap_closing_level_matches_our_reading(market_dir):
    """Every week whose lowest (or highest) close reaches back a year or more: the same close and the same "since"
    as our own reading (the last earlier close at least as extreme)."""
    spy = _close(market_dir, "SPY")
    values = spy.to_numpy()
    told = 0
    for day in _week_ends(spy):
        item = news._level("large_level", "SPY", spy, day)
        # (every close a year or more rare is checked; whether it is news is the trend rule's, issue 26: an unusual
        # week's move or five years, never one more close of a run)
        if item is None or item.rarity is None or not (item.record or (item.since_years or 0) >= news.SINCE_YEARS):
            continue
        if item.newsworthy:
            assert not item.streak and (item.record or item.move_rarity >= news.LEVEL_MOVE
                                        or item.since_years >= news.LEVEL_LONG_YEARS), day
        cut = int(spy.index.searchsorted(pd.Timestamp(week_start(day.date()))))
        week = spy.iloc[cut:spy.index.searchsorted(day, side="right")]
        at = week.idxmax() if item.label == "high" else week.idxmin()
        i = int(spy.index.get_loc(at))
        before = values[:i]
        hits = np.flatnonzero(before >= values[i]) if item.label == "high" else np.flatnonzero(before <= values[i])
        assert item.day == at.date() and item.value == pytest.approx(values[i])
        assert item.since == (spy.index[hits[-1]].date() if len(hits) else None)
        told += 1
    assert told > 100
