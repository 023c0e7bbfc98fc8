from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from generator.metrics import compute_metrics, pair_ratio
from generator.metrics.series import change_since, moving_average, running_peak, year_high
from generator.metrics.stance import decide_stance
from generator.pipeline import cut_at, pick_session
from tests.conftest import history, market_of


def test_moving_average_needs_a_full_window():
    out = moving_average(pd.Series([1.0, 2.0, 3.0, 4.0]), 3)
    assert np.isnan(out.iloc[1]) and out.iloc[2] == 2.0 and out.iloc[3] == 3.0


def test_ratio_peak_and_drawdown_hand_checked():
    small = history("S", [1, 2, 4, 2])
    large = history("L", [1, 1, 1, 1])
    ratio = pair_ratio(market_of(small, large), "S", "L")
    at, value = running_peak(ratio)
    assert value == 4.0 and at == pd.Timestamp("2024-01-03")
    assert ratio.iloc[-1] / value - 1 == -0.5


def test_ratio_uses_common_sessions_only():
    small = history("S", [2.0, 4.0, 6.0], index=pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]))
    large = history("L", [1.0, 2.0], index=pd.to_datetime(["2024-01-02", "2024-01-04"]))
    assert pair_ratio(market_of(small, large), "S", "L").tolist() == [2.0, 3.0]


def test_change_since_edge_cases():
    s = pd.Series([10.0, 11.0], index=pd.to_datetime(["2024-01-08", "2024-01-15"]))
    assert change_since(s, pd.Timestamp("2024-01-15"), date(2024, 1, 14)) == pytest.approx(0.1)
    assert change_since(s, pd.Timestamp("2024-01-15"), date(2024, 1, 14), absolute=True) == pytest.approx(1.0)
    assert change_since(s, pd.Timestamp("2024-01-15"), date(2024, 1, 1)) is None  # before the data
    assert change_since(s.iloc[:0], pd.Timestamp("2024-01-15"), date(2024, 1, 1)) is None  # empty in, None out


def test_year_high_ignores_later_sessions():
    s = pd.Series([5.0, 9.0, 7.0, 12.0], index=pd.to_datetime(["2021-03-01", "2021-06-01", "2021-11-01", "2021-12-01"]))
    assert year_high(s, 2021, pd.Timestamp("2021-11-15")) == (pd.Timestamp("2021-06-01"), 9.0)
    assert year_high(s, 2020, pd.Timestamp("2021-11-15")) is None


@pytest.mark.parametrize("inputs, key, score, risk", [
    ((0.05, 0.02, 0.04, 0.10), "lean_further", 4, False),
    ((0.05, 0.02, 0.04, -0.10), "start_lean", 2, True),   # 52-week momentum still negative
    ((0.02, -0.01, 0.03, 0.05), "start_lean", 2, True),    # averages not crossed yet
    ((0.02, -0.01, 0.03, -0.05), "start_lean", 0, True),   # the early turn: above the 200-day, 13w up
    ((0.02, -0.01, -0.03, -0.05), "stay_large", -2, False),  # above the 200-day but nothing else agrees
    ((-0.02, 0.01, 0.03, 0.05), "stay_large", 2, False),   # below the 200-day: no lean, whatever else says
    ((-0.05, -0.02, -0.04, -0.10), "stay_large", -4, False),
    ((None, None, None, None), "stay_large", 0, False),
])
def test_stance_rules(inputs, key, score, risk):
    stance = decide_stance(*inputs)
    assert (stance.key, stance.score, stance.false_move_risk) == (key, score, risk)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(-1, 1, allow_nan=False)), min_size=4, max_size=4))
def test_stance_is_total_and_bounded(values):
    stance = decide_stance(*values)
    assert -stance.max_score <= stance.score <= stance.max_score
    assert stance.key in ("stay_large", "start_lean", "lean_further")
    if stance.key != "stay_large":
        assert values[0] is not None and values[0] > 0  # never leans in below the long average


@hsettings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.5, 2.0), min_size=260, max_size=300), st.floats(0.2, 5.0))
def test_ratio_metrics_invariants(settings, steps, scale):
    closes = np.cumprod(steps) * scale
    small = history("IWM", closes, start="2020-01-01")
    large = history("SPY", np.full(len(closes), 3.0), start="2020-01-01")
    market = market_of(small, large)
    session = pick_session(market, settings, None)
    m = compute_metrics(cut_at(market, session), settings, session)
    assert m.ratio.drawdown_from_peak <= 1e-12
    assert m.ratio.peak_value >= m.ratio.value
    assert m.ratio.peak_date <= m.as_of
    assert m.spread["1w"] == pytest.approx(m.returns["IWM"]["1w"] - m.returns["SPY"]["1w"])


def test_yields_become_decimals_and_change_in_absolute_terms(settings):
    idx = pd.bdate_range("2024-01-01", "2024-06-28")
    small = history("IWM", np.linspace(100, 110, len(idx)), index=idx)
    large = history("SPY", np.linspace(100, 105, len(idx)), index=idx)
    tnx = history("^TNX", np.linspace(4.0, 4.5, len(idx)), index=idx, column="close")
    market = market_of(small, large, tnx)
    session = idx[-1]
    m = compute_metrics(market, settings, session)
    level = m.levels["^TNX"]
    assert level.value == pytest.approx(0.045)
    assert level.absolute
    # One week back is Fri 2024-06-21: five sessions earlier on a straight line.
    step = 0.5 / (len(idx) - 1)
    assert level.changes["1w"] == pytest.approx(5 * step / 100)
    assert "^TNX" not in m.returns  # a yield has no "return"


def test_stale_optional_tickers_are_dropped_not_quoted(settings):
    idx = pd.bdate_range("2024-01-01", "2024-06-28")
    old = history("^VIX", np.full(60, 15.0), index=idx[:60], column="close")
    market = market_of(history("IWM", np.ones(len(idx)), index=idx), history("SPY", np.ones(len(idx)), index=idx), old)
    session = pick_session(market, settings, None)
    cut = cut_at(market, session)
    assert "^VIX" not in cut and "^VIX" in cut.missing


def test_reference_high_only_after_the_reference_year(settings):
    idx = pd.bdate_range("2020-06-01", "2022-03-31")
    small = history("IWM", np.linspace(100, 150, len(idx)), index=idx, column="close")
    large = history("SPY", np.full(len(idx), 100.0), index=idx)
    market = market_of(small, large)
    during = compute_metrics(market.upto(pd.Timestamp("2021-12-31")), settings, pd.Timestamp("2021-12-31"))
    assert during.reference_high is None
    after = compute_metrics(market, settings, idx[-1])
    assert after.reference_high.high_date == date(2021, 12, 31)
    assert after.reference_high.distance > 0
