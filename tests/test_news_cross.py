"""The gauges beside the pair as news (generator/metrics/news/cross.py), against our own pandas reading of the CSVs:
each family's "since" and record over weeks spread across the whole real history, and the weeks readers named."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.data import load_prices
from generator.metrics.news.cross import cross_news
from tests.test_news_events import _csv


@pytest.fixture(scope="module")
def market(settings, market_dir):
    return load_prices(settings, "csv", market_dir)


def _weekly(series: pd.Series) -> pd.Series:
    return series.groupby(series.index.to_period("W-FRI")).tail(1)


def _since(earlier: pd.Series, value: float):
    hits = earlier[earlier >= value] if value >= 0 else earlier[earlier <= value]
    return hits.index[-1].date() if len(hits) else None


def _expected(market_dir) -> dict[str, pd.Series]:
    """Each weekly family as a series of observations, ours: Treasuries' weekly total return, the VIX's weekly change
    (falls only), tech's and small caps' weekly spreads, small caps' daily spread against tech."""
    ief, vix = _csv(market_dir, "IEF", "Adj Close"), _csv(market_dir, "^VIX")
    tr = pd.concat([_csv(market_dir, t, "Adj Close") for t in ("IWM", "SPY", "QQQ")], axis=1, join="inner").dropna()
    tr.columns = ["IWM", "SPY", "QQQ"]
    weeks = _weekly(tr).pct_change().dropna()
    days = tr.pct_change().dropna()
    return {"treasury_week": _weekly(ief).pct_change().dropna(), "vix_fall": _weekly(vix).pct_change().dropna(),
            "tech_week": weeks["QQQ"] - weeks["SPY"], "small_tech_week": weeks["IWM"] - weeks["QQQ"],
            "small_tech_day": days["IWM"] - days["QQQ"]}


def test_each_family_since_matches_our_reading(settings, market, market_dir):
    """Every 25th week-end from 2003: each family's value, `since` and `record` are what our own pandas code finds
    (a session's "since" over every earlier session, a week's over every earlier week)."""
    want = _expected(market_dir)
    sessions = _weekly(_csv(market_dir, "SPY")).loc["2003":].index[::25]
    checked = 0
    for session in sessions:
        start = session - pd.Timedelta(days=session.weekday())
        for item in (i for i in cross_news(market, settings, session) if i is not None and i.key in want):
            series = want[item.key]
            if item.key == "small_tech_day":
                week = series.loc[start:session]
                at = week.abs().idxmax()
                value, earlier = float(week.loc[at]), series.loc[:start - pd.Timedelta(days=1)]
                assert item.day == at.date()
            else:
                value, earlier = float(series.loc[session]), series.loc[:session].iloc[:-1]
            assert item.value == pytest.approx(value, abs=1e-9), (session, item.key)
            assert item.since == _since(earlier, value), (session, item.key, item.since)
            assert item.record == (item.rarity is not None and _since(earlier, value) is None)
            checked += 1
    assert checked > 200


@pytest.mark.parametrize("day, key, since", [
    ("2020-11-13", "small_tech_day", "2000-12-19"),    # vaccine Monday: IWM-QQQ +5.7 points (reader RC)
    ("2020-11-13", "tech_week", "2009-05-08"),         # QQQ's worst week against SPY since May 2009
    ("2016-11-11", "treasury_week", "2013-06-21"),     # IEF's worst week since June 2013
    ("2025-04-11", "treasury_week", None),             # IEF's worst week in our data
    ("2018-12-21", "tech_drawdown", "2009-07-22"),     # QQQ in a bear market, the first since July 2009
])
def test_the_weeks_readers_named(settings, market, day, key, since):
    items = {i.key: i for i in cross_news(market, settings, pd.Timestamp(day)) if i is not None}
    item = items[key]
    assert item.newsworthy and (str(item.since) if item.since else None) == since
    assert item.record == (since is None and key != "tech_drawdown")
