from datetime import date

import numpy as np
import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from generator.data import load_prices
from generator.data.calendar import MarketClock
from generator.data.model import TickerHistory
from generator.data.validate import check_fresh, drop_partial, kind_of, reconcile, validate_history

DAYS = pd.bdate_range("2024-01-01", periods=60)


def bars(closes, **extra):
    closes = np.asarray(closes, dtype="float64")
    frame = pd.DataFrame({"open": closes, "high": closes * 1.01, "low": closes * 0.99, "close": closes,
                          "adj_close": closes}, index=DAYS[: len(closes)])
    for k, v in extra.items():
        frame[k] = v
    return TickerHistory("XYZ", frame, "test")


prices = st.lists(st.floats(1.0, 1000.0), min_size=5, max_size=60).map(
    lambda xs: np.cumprod(1 + (np.asarray(xs) % 7 - 3) / 100) * 50)  # daily moves of at most 3 %


@hsettings(max_examples=100, deadline=None)
@given(prices)
def test_clean_series_pass(closes):
    assert validate_history(bars(closes), "equity") == []


@hsettings(max_examples=100, deadline=None)
@given(prices, st.data())
def test_a_nan_gap_is_always_an_error(closes, data):
    i = data.draw(st.integers(0, len(closes) - 1))
    h = bars(closes)
    h.frame.iloc[i, h.frame.columns.get_loc("adj_close")] = np.nan
    problems = validate_history(h, "equity")
    assert any(p.severity == "error" and "missing closes (NaN)" in p.message for p in problems)


@hsettings(max_examples=100, deadline=None)
@given(prices, st.data(), st.floats(-100, 0))
def test_non_positive_prices_fail_except_yields(closes, data, bad):
    i = data.draw(st.integers(0, len(closes) - 1))
    h = bars(closes)
    h.frame.iloc[i, h.frame.columns.get_loc("close")] = bad
    h.frame.iloc[i, h.frame.columns.get_loc("low")] = bad
    assert any("non-positive" in p.message for p in validate_history(h, "equity"))
    assert not any("non-positive" in p.message for p in validate_history(h, "yield"))


@hsettings(max_examples=100, deadline=None)
@given(prices, st.data())
def test_high_below_close_is_an_error_for_stocks_and_a_warning_for_fx(closes, data):
    i = data.draw(st.integers(0, len(closes) - 1))
    h = bars(closes)
    h.frame.iloc[i, h.frame.columns.get_loc("high")] = h.frame["close"].iloc[i] * 0.9
    [stock] = [p for p in validate_history(h, "equity") if "High/Low" in p.message]
    [fx] = [p for p in validate_history(h, "fx") if "High/Low" in p.message]
    assert (stock.severity, fx.severity) == ("error", "warning")


@hsettings(max_examples=100, deadline=None)
@given(prices, st.data(), st.floats(0.4, 3.0))
def test_big_jumps_need_a_split(closes, data, jump):
    i = data.draw(st.integers(1, len(closes) - 1))
    adjusted = np.asarray(closes, dtype="float64").copy()
    adjusted[i:] *= 1 + jump
    h = bars(adjusted)
    assert any("implausible one-day move" in p.message for p in validate_history(h, "equity"))
    splits = pd.Series(0.0, index=h.frame.index)
    splits.iloc[i] = 2.0
    assert not any("implausible" in p.message for p in validate_history(h, "equity", splits=splits))
    assert not any("implausible" in p.message for p in validate_history(h, "index"))  # a VIX may double


@given(st.integers(0, 59))
def test_drop_partial_removes_the_live_bar_and_nothing_before(i):
    frame = bars(np.linspace(10, 20, 60)).frame
    session = DAYS[i].date()
    kept, dropped = drop_partial(frame, session)
    assert dropped == (i <= 59)
    assert kept.index.max() < pd.Timestamp(session) if len(kept) else True
    assert len(kept) == i
    same, nothing = drop_partial(frame, None)
    assert same is frame and not nothing


def test_empty_history_is_possibly_delisted():
    empty = TickerHistory("ZZZZ", pd.DataFrame({"close": []}, index=pd.DatetimeIndex([])), "test")
    [p] = validate_history(empty, "equity")
    assert p.severity == "error" and "possibly delisted" in p.line() and p.line().startswith("ZZZZ: ")


def test_missing_sessions_are_found():
    clock = MarketClock(start="2023-01-01")
    sessions = clock.sessions(date(2024, 7, 1), date(2024, 7, 31))
    closes = np.linspace(10, 11, len(sessions))
    frame = pd.DataFrame({"close": closes, "adj_close": closes}, index=sessions).drop(pd.Timestamp("2024-07-11"))
    [p] = validate_history(TickerHistory("IWM", frame, "t"), "equity", sessions=sessions)
    assert "1 exchange sessions missing: 2024-07-11" in p.message


def test_freshness_allows_yields_one_bond_holiday():
    clock = MarketClock(start="2023-01-01")
    sessions = clock.sessions(date(2024, 9, 1), date(2024, 10, 31))
    idx = sessions[sessions <= pd.Timestamp("2024-10-11")]  # Columbus Day 2024-10-14: stocks open, bonds shut
    h = TickerHistory("^TNX", pd.DataFrame({"close": np.full(len(idx), 4.0)}, index=idx), "t")
    assert check_fresh(h, "yield", date(2024, 10, 14), sessions) is None
    stale = check_fresh(h, "equity", date(2024, 10, 14), sessions)
    assert stale and "stale: last bar 2024-10-11, but the last completed session is 2024-10-14" in stale.message


def test_exchange_calendar_handles_holidays_and_partial_sessions():
    from datetime import datetime, timezone

    clock = MarketClock(start="2020-01-01")
    assert clock.last_completed_session(datetime(2021, 4, 3, 12, tzinfo=timezone.utc)) == date(2021, 4, 1)
    assert clock.session_in_progress(datetime(2024, 7, 12, 15, tzinfo=timezone.utc)) == date(2024, 7, 12)
    assert clock.session_in_progress(datetime(2024, 7, 12, 21, tzinfo=timezone.utc)) is None
    # the day after Thanksgiving closes at 13:00 New York (18:00 UTC)
    assert clock.last_completed_session(datetime(2024, 11, 29, 18, 30, tzinfo=timezone.utc)) == date(2024, 11, 29)


def test_reconcile():
    a = pd.Series([1.0, 2.0, 3.0], index=DAYS[:3])
    assert reconcile(a, a * (1 + 1e-9))
    assert not reconcile(a, a * 0.99)
    assert not reconcile(a, pd.Series([1.0], index=DAYS[10:11]))  # nothing to compare: refetch


def test_real_files_pass_validation(market_dir, settings):
    data = load_prices(settings, "csv", market_dir)
    clock = MarketClock(start="1990-01-01")
    errors = []
    for t, h in data.histories.items():
        kind = kind_of(t, settings)
        sessions = clock.sessions(max(h.first, date(2000, 1, 1)), h.last) if kind == "equity" else None
        errors += [p.line() for p in validate_history(h, kind, sessions=sessions) if p.severity == "error"]
    assert errors == []
