"""Hand-checked values for the full column's metrics."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from generator.data.model import MemberPrices
from generator.metrics.breadth import breadth_at, member_history
from generator.metrics.cross import rate_sensitivity, sector_point
from generator.metrics.history import analogue_run, breakout_history
from generator.metrics.indicators import percentile_rank, realised_vol, rsi, weekly_last
from tests.conftest import history, market_of


def test_rsi_matches_wilders_definition():
    rng = np.random.default_rng(3)
    close = pd.Series(100 + np.cumsum(rng.normal(0, 1, 80)))
    got = rsi(close, 14)
    change = close.diff().to_numpy()
    gain = np.mean(np.clip(change[1:15], 0, None))
    loss = np.mean(np.clip(-change[1:15], 0, None))
    for t in range(15, 80):
        gain = (gain * 13 + max(change[t], 0)) / 14
        loss = (loss * 13 + max(-change[t], 0)) / 14
    assert got.iloc[-1] == pytest.approx(100 - 100 / (1 + gain / loss), abs=1e-9)
    assert np.isnan(got.iloc[13]) and not np.isnan(got.iloc[14])
    assert rsi(pd.Series(np.arange(1.0, 40.0)), 14).iloc[-1] == 100.0
    assert rsi(pd.Series(np.arange(40.0, 1.0, -1)), 14).iloc[-1] == pytest.approx(0.0)


def test_realised_vol_hand_checked():
    x = 0.01
    steps = np.tile([x, -x], 15)  # alternating log returns: mean 0, sample std x * sqrt(20/19)
    close = pd.Series(100 * np.exp(np.concatenate([[0], np.cumsum(steps)])))
    assert realised_vol(close, 20).iloc[-1] == pytest.approx(x * np.sqrt(20 / 19) * np.sqrt(252))
    assert realised_vol(pd.Series(100 * np.exp(np.arange(30) * 0.01)), 20).iloc[-1] == pytest.approx(0, abs=1e-12)


def test_percentile_rank():
    s = pd.Series(np.arange(1.0, 301.0))
    out = percentile_rank(s, 252)
    assert out.iloc[-1] == 1.0 and np.isnan(out.iloc[250])
    assert percentile_rank(pd.Series(np.arange(300.0, 0.0, -1)), 252).iloc[-1] == pytest.approx(1 / 252)


def test_weekly_last_picks_each_weeks_last_session():
    idx = pd.to_datetime(["2024-07-01", "2024-07-02", "2024-07-03", "2024-07-05", "2024-07-08", "2024-07-09"])
    out = weekly_last(pd.Series(range(6), index=idx))
    assert list(out.index) == [pd.Timestamp("2024-07-05"), pd.Timestamp("2024-07-09")]


def test_breadth_hand_checked():
    idx = pd.bdate_range("2021-01-04", "2022-06-30")
    n = len(idx)
    base = np.full(n, 10.0)
    a = base.copy(); a[100] = 20.0               # 2021 high 20, now 10: below
    b = base.copy(); b[50] = 12.0; b[-3:] = 15.0  # 2021 high 12, now 15: above, and a new 52-week high this week
    c = base.copy(); c[10] = 11.0; c[-2:] = 5.0   # 2021 high 11, now 5: below, and a new 52-week low this week
    days = idx.as_unit("ns").asi8
    members = MemberPrices.from_arrays({"A": (days, a), "B": (days, b), "C": (days, c)}, missing=("D",))
    large = pd.Series(np.linspace(100, 120, n), index=idx)
    h = member_history(members, large, 2021, min_members=2)
    session = idx[-1]
    got = breadth_at(h, members, 4, session, date(2022, 6, 27), min_members=2)
    assert (got.members, got.with_data, got.missing) == (4, 3, 1)
    assert got.share_below == pytest.approx(2 / 3) and got.below_reference_high == 2
    assert got.share_below_4w_ago == pytest.approx(1.0)  # four weeks ago all three sat at 10, below their 2021 highs
    assert (got.new_highs, got.new_lows, got.net_new_highs) == (1, 1, 0)
    assert breadth_at(h, members, 4, session, date(2022, 6, 27), min_members=4) is None


def test_rate_sensitivity_recovers_an_exact_linear_link():
    idx = pd.bdate_range("2023-01-02", periods=400)
    rng = np.random.default_rng(5)
    weekly = weekly_last(pd.Series(np.arange(400), index=idx)).index
    dy = pd.Series(rng.normal(0, 0.001, len(weekly)), index=weekly)   # weekly yield changes (decimal)
    rel = -0.5 * dy                                                     # relative return = -0.5 x change
    yields = (0.04 + dy.cumsum()).reindex(idx).ffill().bfill()
    ratio = (1 + rel).cumprod().reindex(idx).ffill().bfill()
    got = rate_sensitivity(ratio, yields, idx[-1], weeks=52)
    assert got.observations == 52
    assert got.correlation == pytest.approx(-1.0, abs=1e-3)
    assert got.beta_per_100bp == pytest.approx(-0.005, rel=0.02)


def test_sector_point_quadrants():
    idx = pd.bdate_range("2022-01-03", periods=400)
    bench = pd.Series(100.0, index=idx)
    rising = pd.Series(100 * np.exp(np.arange(400) * 0.001), index=idx)
    p = sector_point(rising, bench, idx[-1], "UP")
    assert p.quadrant == "leading" and p.trend > 0 and p.momentum > 0 and len(p.tail) == 5
    # 4-week momentum of a steady 0.1 %/session rise: the ratio's change since four week-ends earlier.
    assert p.momentum == pytest.approx(np.exp(0.001 * 20) - 1, rel=0.05)
    turning = rising.copy()
    turning.iloc[-15:] = turning.iloc[-16] * np.exp(-np.arange(1, 16) * 0.004)
    assert sector_point(turning, bench, idx[-1], "TURN").quadrant == "weakening"
    assert sector_point(rising.iloc[:100], bench.iloc[:100], idx[99], "SHORT") is None


def test_breakouts_failed_sustained_and_current():
    idx = pd.bdate_range("2020-01-01", periods=400)
    average = pd.Series(1.0, index=idx)
    ratio = pd.Series(0.9, index=idx)
    ratio.iloc[20:30] = 1.05         # 10 sessions above, then back below: failed (2 weeks)
    ratio.iloc[60:62] = 1.2          # 2 sessions: noise, ignored
    ratio.iloc[100:103] = 1.02       # 3 sessions above ...
    ratio.iloc[105:110] = 1.03       # ... a 2-session dip, then more: one episode of 10 sessions, failed
    ratio.iloc[150:300] = 1.10       # 150 sessions (30 weeks): sustained
    ratio.iloc[380:] = 1.01          # still above at the end: current
    got = breakout_history(ratio, average, idx[0], idx[-1], limit_weeks=13)
    assert [(b.start, b.end) for b in got.failed] == [(idx[20].date(), idx[30].date()),
                                                      (idx[100].date(), idx[110].date())]
    assert got.failed[0].peak_excess == pytest.approx(0.05) and got.failed[1].peak_excess == pytest.approx(0.03)
    assert [(b.start, b.end) for b in got.sustained] == [(idx[150].date(), idx[300].date())]
    assert got.current.start == idx[380].date() and got.current.end is None
    # the dip bridged inside the second failed move is counted, so "above since <start>" is never said of it
    assert [b.dips for b in got.failed] == [0, 2] and got.sustained[0].dips == 0 and got.current.dips == 0


def test_analogue_run():
    idx = pd.bdate_range("2020-08-03", "2021-06-30")
    ratio = pd.Series(0.5, index=idx)
    ratio.loc["2020-10-30"] = 0.40
    ratio.loc["2021-03-12"] = 0.60
    got = analogue_run(ratio, date(2020, 9, 1), date(2021, 3, 31), idx[-1])
    assert (got.low_date, got.high_date) == (date(2020, 10, 30), date(2021, 3, 12))
    assert got.run == pytest.approx(0.5)
    assert analogue_run(ratio, date(2020, 9, 1), date(2021, 3, 31), pd.Timestamp("2021-03-30")) is None
