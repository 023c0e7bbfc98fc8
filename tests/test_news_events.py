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


def _in_bear(s: pd.Series) -> bool:
    """Our own reading of a bear market from the peak: the lowest close since the highest close so far 20% or more
    below it, and none since 20% above that low (a bear market ends with a 20% rise from its low)."""
    after = s.loc[s.idxmax():]
    low = after.min()
    return bool(low / s.max() - 1 <= -0.2 and after.loc[after.idxmin():].max() / low - 1 < 0.2)


def _expected_crossings(s: pd.Series, line: float) -> dict[date, tuple[float, date]]:
    """Our own reading: the week-ends whose close is `line` or more below the highest close of the 364 days to it,
    with no earlier week-end since that high as far below it; a correction not while the index is in a bear market from
    its peak (its 52-week high has rolled down past it: SPY in November 2001)."""
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
        if line < 0.2 and _in_bear(s.loc[:day]):
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
        if item.since is not None:   # the last earlier session that far below its own 52-week high
            assert item.since < d
    # the weeks every reporter wrote about
    if ticker == "SPY":
        for d, label in [(date(2008, 7, 11), "bear"), (date(2020, 3, 13), "bear"), (date(2022, 6, 17), "bear"),
                         (date(2020, 2, 28), "correction"), (date(2025, 4, 4), "correction"),
                         (date(2011, 8, 5), "correction")]:
            assert found[d].label == label, d
        assert found[date(2022, 6, 17)].since == date(2020, 4, 7)   # a Tuesday: sessions, not week-ends
        # in correction on Feb 22-24, 2022 (sessions), so March 11's week-end crossing is no first since 2020
        assert found[date(2022, 3, 11)].since == date(2022, 2, 24)
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
        # the week's highest close (its first session at that level) against every earlier close
        week = vix.loc[day - pd.Timedelta(days=day.weekday()):day]
        at = week.idxmax()
        earlier = vix.loc[:at].iloc[:-1]
        hits = earlier[earlier >= vix.loc[at]]
        years = (at - hits.index[-1]).days / 365.25 if len(hits) else None
        item = news._vix("^VIX", vix, day)[1]
        assert item.day == at.date() and item.value == pytest.approx(vix.loc[at])
        assert item.since == (hits.index[-1].date() if len(hits) else None), day
        if years is None or years >= 1:
            seen += 1
            assert item.newsworthy
    assert seen >= 12 and len(ends) > 1250
    # March 2020 and April 2025: the VIX's highest week-end closes in years
    assert news._vix("^VIX", vix, pd.Timestamp("2025-04-04"))[1].since == date(2020, 4, 21)
    assert np.isclose(news._vix("^VIX", vix, pd.Timestamp("2025-04-04"))[1].value, 45.31, atol=0.01)


# --- issue 26, part 1: multi-session moves, a quarter's or a year's spread, the yield curve, trending levels -------

@pytest.mark.parametrize("ticker", ["SPY", "IWM"])
def test_every_weeks_biggest_two_session_move_and_its_since(returns, ticker):
    """Our own reading of the week's biggest move over two sessions in a row ending in the week, the pair that
    straddles the weekend included (close over the close before the first: 2015-08-24's Friday and Monday), and the
    last earlier pair of sessions as big that way."""
    s = returns[ticker]
    two = (s / s.shift(2) - 1).dropna()
    checked = rare = 0
    for day in _week_ends(s):
        start = day - pd.Timedelta(days=day.weekday())
        week = two[(two.index >= start) & (two.index <= day)]
        earlier = two[two.index < start]
        item = news._two_day("d2", ticker, s, day)
        if week.empty:
            assert item is None, day
            continue
        at = week.abs().idxmax()
        hits = earlier[earlier >= week.loc[at]] if week.loc[at] > 0 else earlier[earlier <= week.loc[at]]
        assert item.day == at.date() and item.value == pytest.approx(week.loc[at]), day
        assert item.since == (hits.index[-1].date() if len(hits) else None), day
        checked += 1
        rare += bool(item.since_years is not None and item.since_years >= news.SINCE_YEARS)
    assert checked > 1250 and 10 <= rare <= 300, (checked, rare)
    if ticker == "IWM":
        item = news._two_day("d2", ticker, s, pd.Timestamp("2015-08-28"))
        assert item.day == date(2015, 8, 24) and item.value < -0.05


def test_a_multi_session_move_is_news_only_when_it_reaches_further_back_than_its_day_and_week(returns):
    """Over every real week: a two-session move is news only when it is a year or more rare and rarer than the week's
    biggest session and the week itself (else those tell it); some weeks have one."""
    s = returns["IWM"]
    found = []
    for day in _week_ends(s):
        items = [news._two_day("small_2d", "IWM", s, day), news._session_move("small_day", "IWM", s, day),
                 news._week_move("small_week", "IWM", s, day)]
        items = news._multi_day_news([i for i in items if i is not None])
        by_key = {i.key: i for i in items}
        two = by_key.get("small_2d")
        if two is None or not two.newsworthy:
            continue
        years = news.years_rare(two)
        assert years >= news.SINCE_YEARS, day
        assert all(news.years_rare(by_key[k]) < years for k in ("small_day", "small_week") if k in by_key
                   and (by_key[k].value > 0) == (two.value > 0)), day
        found.append(day.date())
    assert 3 <= len(found) <= 80, found


def test_the_ten_years_four_week_moves(market_dir):
    """The 10-year yield's change over the four weeks to each week-end, against our own reading (the close against the
    last close on or before the same weekday four weeks before); its "since" searched over every session's four weeks,
    not Fridays only (the autumn of 2024's climb, news on a Friday-only search, was matched by the four weeks to
    Thursday, April 25, 2024: the biggest only in six months); some weeks' four-week moves are news."""
    tnx = _csv(market_dir, "^TNX") * 0.01
    base = tnx.reindex(tnx.index - pd.Timedelta(days=28), method="ffill")
    base.index = tnx.index
    change = (tnx - base).loc[tnx.index[0] + pd.Timedelta(days=28):].dropna()
    news_weeks, mid_week, ends = [], 0, set(_week_ends(tnx))
    for day in _week_ends(tnx):
        if day not in change.index or change.index.get_loc(day) < 10:
            continue
        item = news._four_week("long_yield_4w", "^TNX", tnx, day, absolute=True)
        earlier = change.loc[:day].iloc[:-1]
        # (a tie, apart by floating-point noise, is as far: 2019-08-15 and 16, both -51 bp)
        hits = earlier[earlier >= change.loc[day] - 1e-9] if change.loc[day] >= 0 else \
            earlier[earlier <= change.loc[day] + 1e-9]
        assert item.value == pytest.approx(change.loc[day]) and item.unit == "bp", day
        assert item.since == (hits.index[-1].date() if len(hits) else None), day
        mid_week += item.since is not None and pd.Timestamp(item.since) not in ends
        week = news._week_move("long_yield_week", "^TNX", tnx, day, absolute=True)
        kept = news._multi_day_news([item, week])[0]
        if kept.newsworthy:
            news_weeks.append(day.date())
    assert mid_week > 100, mid_week   # a "since" that only a search of every session finds
    assert 5 <= len(news_weeks) <= 120, len(news_weeks)


def test_a_quarter_or_a_years_spread_in_the_week_that_closes_it(returns):
    """Every calendar quarter (and year) is told in the week holding its last session, and only then: small caps'
    total return over it less large caps', against our own reading. Q4 2020 (+19%) is the best quarter in the data
    and 2021 (-14%) the worst year."""
    joined = pd.concat([returns["IWM"], returns["SPY"]], axis=1, join="inner").dropna()
    seen = {"quarter_spread": {}, "year_spread": {}}
    for key, freq in (("quarter_spread", "Q"), ("year_spread", "Y")):
        ends = joined.groupby(joined.index.to_period(freq)).tail(1)
        growth = ends.pct_change().dropna()
        spreads = growth.iloc[:, 0] - growth.iloc[:, 1]
        last = joined.index[-1]
        if last.to_period(freq).end_time.normalize() > last - pd.Timedelta(days=last.weekday() - 6):
            spreads = spreads.iloc[:-1]   # the data end inside a period: not a closed one
        for day in _week_ends(joined.iloc[:, 0]):
            item = news._period_spread(key, "IWM-SPY", returns["IWM"], returns["SPY"], day)
            start = day - pd.Timedelta(days=day.weekday())
            closes = [d for d in spreads.index if start <= d <= day]
            if not closes:
                assert item is None, (key, day)
                continue
            assert item is not None and item.day == closes[0].date(), (key, day)
            assert item.value == pytest.approx(spreads.loc[closes[0]]), (key, day)
            seen[key][item.day] = item
        assert len(seen[key]) >= (95 if freq == "Q" else 24), (key, len(seen[key]))
    q4 = seen["quarter_spread"][date(2020, 12, 31)]
    assert q4.record and q4.newsworthy and q4.value > 0.15
    y21 = seen["year_spread"][date(2021, 12, 31)]
    assert y21.record and y21.newsworthy and y21.value < -0.10
    assert 5 <= sum(i.newsworthy for i in seen["quarter_spread"].values()) <= 30


def test_the_yield_curve_inverting_or_turning_positive(market_dir, settings):
    """The 10-year less the bill at each week-end (our own reading): every week-end sign change is a `curve_cross`, news
    when the curve had held the other side for CROSS_HOLD_WEEKS and the last such cross was a year or more before:
    2006's first inversion, 2019's and 2022's, and late 2024's return above zero; never the flips around zero."""
    from generator.data import load_prices

    market = load_prices(settings, "csv", market_dir)
    curve = (_csv(market_dir, "^TNX") - _csv(market_dir, "^IRX")).dropna() * 0.01
    ends = pd.Series(curve.groupby(curve.index.to_period("W-FRI")).tail(1))
    sign = np.sign(ends)
    told = {}
    for day in _week_ends(curve):
        at = ends.index.get_loc(day)
        items = {i.key: i for i in news._curve("^TNX", "^IRX", market, day)}
        crossed = at + 1 >= news.MIN_OBSERVATIONS and sign.iloc[at] != sign.iloc[at - 1] and sign.iloc[at] != 0
        assert ("curve_cross" in items) == bool(crossed), day
        if crossed:
            item = items["curve_cross"]
            assert item.label == ("inverted" if ends.iloc[at] < 0 else "uninverted") and item.value == pytest.approx(
                ends.iloc[at])
            held = (sign.iloc[at - news.CROSS_HOLD_WEEKS:at] == sign.iloc[at - 1]).all()
            if item.newsworthy:
                assert held and (item.since is None or item.since_years >= news.SINCE_YEARS), day
                # the cross tells the curve's week: its level is not told beside it
                assert not items["curve_level"].newsworthy, day
                told[day.date()] = item.label
    assert told.get(date(2019, 5, 31)) == "inverted" and told.get(date(2022, 11, 11)) == "inverted"
    assert any(d.year == 2006 and v == "inverted" for d, v in told.items())
    assert any(d.year == 2024 and v == "uninverted" for d, v in told.items())
    assert date(2024, 11, 22) not in told and len(told) <= 8, told


@pytest.mark.parametrize("ticker,key", [("^IRX", "short_yield_level"), ("^TNX", "long_yield_level")])
def test_a_trending_levels_highest_since_is_news_once_a_run(market_dir, ticker, key):
    """A yield at its highest (or lowest) since some date is news only on an unusual week's move or a reach of five
    years or more, and not as one more close of a run (`streak`): the bills of the 2022-2023 hiking cycle closed at
    their highest since 2007 week after week and lead at most a few of those weeks. Our own reading of the streak:
    a close within the four weeks before was already a year-or-more extreme that way."""
    y = _csv(market_dir, ticker) * 0.01
    newsworthy, streaks = [], 0
    for day in _week_ends(y):
        item = news._level(key, ticker, y, day)
        if item is None or item.rarity is None:
            continue
        start = day - pd.Timedelta(days=day.weekday())
        before = y.loc[:start - pd.Timedelta(days=1)]
        window = before.loc[before.index[-1] - pd.Timedelta(weeks=news.STREAK_WEEKS):]
        high = item.label == "high"
        prior_at = window.idxmax() if high else window.idxmin()
        earlier = y.loc[:prior_at].iloc[:-1]
        hits = earlier[earlier >= y.loc[prior_at]] if high else earlier[earlier <= y.loc[prior_at]]
        run = not len(hits) or (prior_at - hits.index[-1]).days / 365.25 >= news.SINCE_YEARS
        unusual = item.move_rarity is not None and item.move_rarity >= news.LEVEL_MOVE
        assert item.streak == (run and not unusual), day
        if item.newsworthy:
            assert not item.streak or item.record, day
            assert item.record or unusual or item.since_years >= news.LEVEL_LONG_YEARS, day
            newsworthy.append(day.date())
        streaks += item.streak
    hiking = [d for d in newsworthy if date(2022, 3, 1) <= d <= date(2023, 10, 31)]
    assert streaks > 20 and len(hiking) <= 25, (streaks, hiking)
