"""Issue 26's news classes over the whole real history (2001-2025), each checked against our own pandas reading of
the CSVs, not the project's: an index closing the week in a correction or a bear market for the first time since
its 52-week high, its first 52-week high in months, small caps' best or worst session against large caps in years,
the pair's ratio at (or a hair from) its extreme, the VIX's highest close in a year or more.

The commentary side (every such week tells it in the headline, standfirst or brief) is in tests/test_history.py,
which builds every week once."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from generator.metrics import news
from generator.metrics.indicators import weekly_last


def _csv(market_dir, ticker: str, column: str = "Close") -> pd.Series:
    frame = pd.read_csv(market_dir / f"{ticker}.csv", parse_dates=["Date"], index_col="Date")
    return frame[column].dropna().astype("float64")


@pytest.fixture(scope="module")
def closes(market_dir):
    return {t: _csv(market_dir, t) for t in ("SPY", "IWM", "^VIX")}


@pytest.fixture(scope="module")
def returns(market_dir):
    return {t: _csv(market_dir, t, "Adj Close") for t in ("SPY", "IWM")}


def _week_ends(series: pd.Series) -> list[pd.Timestamp]:
    ends = series.groupby(series.index.to_period("W-FRI")).apply(lambda s: s.index[-1])
    return [d for d in ends if d >= pd.Timestamp("2001-01-01")]


def _expected_crossings(s: pd.Series, line: float) -> dict[date, tuple[float, date]]:
    """Our own reading: the week-ends whose close is `line` or more below the highest close of the 364 days to it,
    with no earlier week-end since that high as far below it."""
    out = {}
    ends = pd.Series(s.groupby(s.index.to_period("W-FRI")).tail(1))
    for day in _week_ends(s):
        if day - pd.Timedelta(days=364) < s.index[0]:
            continue   # a 52-week high needs 52 weeks of data
        window = s.loc[day - pd.Timedelta(days=363):day]
        peak, peak_day = window.max(), window.idxmax()
        fall = s.loc[day] / peak - 1
        if fall > -line:
            continue
        before = ends.loc[peak_day:day].iloc[:-1]
        if (before / peak - 1 <= -line).any():
            continue
        out[day.date()] = (fall, peak_day.date())
    return out


@pytest.mark.parametrize("ticker", ["SPY", "IWM"])
def test_every_first_close_in_correction_or_bear_territory_is_a_fact(closes, ticker):
    s = closes[ticker]
    correction = _expected_crossings(s, news.CORRECTION)
    bear = _expected_crossings(s, news.BEAR)
    found = {}
    for day in _week_ends(s):
        items = [i for i in news._from_high("large", ticker, s, day) if i.key == "large_drawdown"]
        if items:
            found[day.date()] = items[0]
    # a week that crossed both lines is told as the deeper one
    expected = {d: "bear" if d in bear else "correction" for d in {*correction, *bear}}
    assert {d: i.label for d, i in found.items()} == expected
    for d, item in found.items():
        fall, peak_day = (bear if item.label == "bear" else correction)[d]
        assert item.value == pytest.approx(fall) and item.ref_day == peak_day and item.must_tell
        if item.since is not None:   # the last earlier week that far below its own 52-week high
            assert item.since < d
    # the weeks every reporter wrote about
    if ticker == "SPY":
        for d, label in [(date(2008, 7, 11), "bear"), (date(2020, 3, 13), "bear"), (date(2022, 6, 17), "bear"),
                         (date(2020, 2, 28), "correction"), (date(2025, 4, 4), "correction"),
                         (date(2011, 8, 5), "correction")]:
            assert found[d].label == label, d
        assert found[date(2022, 6, 17)].since == date(2020, 4, 3)
        assert found[date(2022, 6, 17)].ref_day == date(2022, 1, 3)
    assert 8 <= len(found) <= 40   # a few times a decade, not every bad week


@pytest.mark.parametrize("ticker", ["SPY", "IWM"])
def test_a_first_52_week_high_in_months_is_a_fact(closes, ticker):
    s = closes[ticker]
    high = s.rolling(news.YEAR).max()
    at = (s >= high - 1e-12) & (s.index >= s.index[0] + news.YEAR)
    found = {}
    for day in _week_ends(s):
        items = [i for i in news._from_high("large", ticker, s, day) if i.key == "large_high"]
        if items:
            found[day.date()] = items[0]
        start = day - pd.Timedelta(days=day.weekday())
        week, before = at.loc[start:day], at.loc[:start - pd.Timedelta(days=1)]
        due = week.any() and before.any() and (week[week].index[0] - before[before].index[-1]).days / 365.25 >= 0.5
        assert due == (day.date() in found), day
    for d, item in found.items():
        assert s.loc[pd.Timestamp(item.day)] == pytest.approx(item.value)
        assert item.since_years >= news.HIGH_GAP_YEARS and item.newsworthy
    if ticker == "SPY":
        assert found[date(2023, 6, 9)].since == date(2022, 1, 3)
    assert 4 <= len(found) <= 20


def test_small_caps_best_and_worst_sessions_against_large_caps(returns):
    joined = pd.concat([returns["IWM"], returns["SPY"]], axis=1, join="inner").dropna()
    daily = joined.pct_change().dropna()
    gap = daily.iloc[:, 0] - daily.iloc[:, 1]
    checked = 0
    for day in _week_ends(gap):
        item = news._spread_session("spread_day", "IWM-SPY", returns["IWM"], returns["SPY"], day)
        start = day - pd.Timedelta(days=day.weekday())
        week, earlier = gap.loc[start:day], gap.loc[:start - pd.Timedelta(days=1)]
        at = week.abs().idxmax()
        assert item.day == at.date() and item.value == pytest.approx(week.loc[at])
        hits = earlier[earlier >= week.loc[at]] if week.loc[at] > 0 else earlier[earlier <= week.loc[at]]
        assert item.since == (hits.index[-1].date() if len(hits) else None), day
        checked += 1
    assert checked > 1250
    # Thursday, July 11, 2024: IWM +3.6%, SPY -0.9%, small caps' best day against large caps since October 2008
    july = news._spread_session("spread_day", "IWM-SPY", returns["IWM"], returns["SPY"], pd.Timestamp("2024-07-12"))
    assert july.day == date(2024, 7, 11) and july.since == date(2008, 10, 10) and july.newsworthy


def test_the_ratio_at_its_extreme_is_told_even_when_friday_closed_a_hair_above_it(returns):
    ratio = (lambda j: j.iloc[:, 0] / j.iloc[:, 1])(pd.concat([returns["IWM"], returns["SPY"]], axis=1,
                                                              join="inner").dropna())
    missed = []
    for day in _week_ends(ratio):
        start = day - pd.Timedelta(days=day.weekday())
        week, before = ratio.loc[start:day], ratio.loc[:start - pd.Timedelta(days=1)]
        if len(before) < 52 * 5 + 1:
            continue
        item = news._level("ratio_level", "IWM/SPY", ratio, day, near=news.NEAR_EXTREME)
        # a record low (or high) close inside the week is the week's fact, on its session
        for low in (True, False):
            extreme = week.min() if low else week.max()
            if (extreme < before.min()) if low else (extreme > before.max()):
                if not (item.record and item.label == ("low" if low else "high")
                        and item.day == (week.idxmin() if low else week.idxmax()).date()):
                    missed.append((day.date(), "record"))
    assert not missed, missed[:10]
    # March 5, 2025: the ratio's lowest close in our data on a Wednesday; Friday closed a hair above it
    march = news._level("ratio_level", "IWM/SPY", ratio, pd.Timestamp("2025-03-07"), near=news.NEAR_EXTREME)
    assert march.record and march.day == date(2025, 3, 5) and march.label == "low" and march.newsworthy
    # August 1, 2025: 0.1% above the low of April 11, 2025, the lowest close since May 2000
    august = news._level("ratio_level", "IWM/SPY", ratio, pd.Timestamp("2025-08-01"), near=news.NEAR_EXTREME)
    assert august.label == "near_low" and august.ref_day == date(2025, 4, 11) and 0 <= august.value < 0.002


def test_the_vix_at_its_highest_close_in_a_year_or_more(closes):
    vix = closes["^VIX"]
    ends = weekly_last(vix)
    seen = 0
    for day in _week_ends(vix):
        # the week's highest close (a Monday's 82.7 in March 2020), against every earlier close
        week = vix.loc[day - pd.Timedelta(days=day.weekday()):day]
        at = week.idxmax()
        earlier = vix.loc[:at].iloc[:-1]
        hits = earlier[earlier >= week.max()]
        years = (at - hits.index[-1]).days / 365.25 if len(hits) else None
        item = news._vix("^VIX", vix, day)[1]
        assert item.day == at.date() and item.value == week.max(), day
        assert item.since == (hits.index[-1].date() if len(hits) else None), day
        if years is None or years >= 1:
            seen += 1
            assert item.newsworthy
    assert seen >= 12 and len(ends) > 1250
    # March 2020 and April 2025: the VIX's highest week-end closes in years
    assert news._vix("^VIX", vix, pd.Timestamp("2025-04-04"))[1].since == date(2020, 4, 21)
    assert np.isclose(news._vix("^VIX", vix, pd.Timestamp("2025-04-04"))[1].value, 45.31, atol=0.01)
