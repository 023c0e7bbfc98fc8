"""The week's market regime (generator/metrics/regime.py): hand-checked real weeks, the rules' order and
thresholds on made-up gauges, and the properties every week must have (one known regime, no look-ahead)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from generator.data import load_prices
from generator.metrics import compute_metrics
from generator.metrics.regime import (BIG_SESSION, CALM_VIX, REGIMES, SQUEEZE_SPREAD, VIX_JUMP, RegimeGauges,
                                      classify)
from generator.pipeline import cut_at, pick_session

STRESSED = 25.0
QUIET = RegimeGauges(small_week=0.004, large_week=0.003, spread_week=0.001, worst_session=-0.005,
                     best_session=0.006, small_prior_4w=0.01, vix=13.0, vix_previous=13.5, vix_change=-0.037,
                     vix_jump=0.01, vix_percentile=0.3, vix_prior_high=14.0, vix_prior_percentile=0.4,
                     long_yield_week=0.0003, short_yield_week=0.0, volume_ratio=-0.05)


def _week(g: RegimeGauges, **changes) -> str:
    return classify(replace(g, **changes), STRESSED)[0]


# --- the rules on made-up gauges ----------------------------------------------------------------------------

def test_a_quiet_week_is_calm_and_an_ordinary_one_a_grind():
    assert _week(QUIET) == "calm"
    assert _week(QUIET, vix=CALM_VIX + 1) == "grind"                  # not low enough for calm
    assert _week(QUIET, large_week=0.022, small_week=0.021, spread_week=-0.001) == "grind"   # a big week
    assert _week(QUIET, best_session=0.016) == "grind"                # one session too big for calm


def test_a_big_down_session_or_a_vix_jump_in_a_falling_week_is_a_shock():
    assert _week(QUIET, small_week=-0.03, large_week=-0.025, worst_session=-BIG_SESSION) == "shock"
    assert _week(QUIET, small_week=-0.03, large_week=-0.025, vix_jump=VIX_JUMP) == "shock"
    # a 3% down session that the week made back, without a VIX jump, is not
    assert _week(QUIET, worst_session=-0.031, vix_jump=0.1) != "shock"
    # ... with one, it is (the week of Lehman's failure ended up, after a -4.8% session and a 41% VIX jump)
    assert _week(QUIET, small_week=0.038, large_week=-0.01, spread_week=0.048, worst_session=-0.048,
                 vix_jump=0.41) == "shock"
    assert _week(QUIET, large_week=-0.04, small_week=-0.01, spread_week=0.03) == "shock"   # a crash week


def test_stocks_down_vix_up_and_both_yields_lower_is_a_flight_to_safety():
    flight = dict(small_week=-0.015, large_week=-0.012, spread_week=-0.003, vix_change=0.08, vix_jump=0.1,
                  long_yield_week=-0.0012, short_yield_week=-0.0006)
    assert _week(QUIET, **flight) == "flight_to_safety"
    assert _week(QUIET, **{**flight, "short_yield_week": 0.0}) != "flight_to_safety"   # bills did not move
    assert _week(QUIET, **{**flight, "vix_change": -0.01}) != "flight_to_safety"       # no fear in the VIX
    assert _week(QUIET, **{**flight, "vix_change": 0.03}) != "flight_to_safety"        # too little of it


def test_a_big_yield_move_with_a_big_relative_move_is_a_rate_move():
    assert _week(QUIET, long_yield_week=-0.0032, spread_week=0.03, small_week=0.035, large_week=0.005) == "rate_move"
    assert _week(QUIET, long_yield_week=0.0025, spread_week=-0.02, small_week=-0.015, large_week=0.005) == \
        "rate_move"
    assert _week(QUIET, long_yield_week=0.0024, spread_week=-0.02, small_week=-0.015, large_week=0.005) != \
        "rate_move"


def test_squeezes_and_relief_rallies():
    squeeze = dict(small_week=0.06, large_week=0.01, spread_week=0.05, vix_change=-0.01)
    assert _week(QUIET, **squeeze) == "squeeze"
    assert _week(QUIET, **{**squeeze, "vix_change": 0.02}) != "squeeze"           # the VIX rose: no squeeze
    assert _week(QUIET, **{**squeeze, "spread_week": SQUEEZE_SPREAD - 0.001, "large_week": 0.031}) != "squeeze"
    # short covering: a smaller lead after a fall, on heavy volume
    cover = dict(small_week=0.035, large_week=0.018, spread_week=0.017, small_prior_4w=-0.08, volume_ratio=0.3,
                 vix_change=0.01)
    assert _week(QUIET, **cover) == "squeeze"
    assert _week(QUIET, **{**cover, "volume_ratio": 0.1}) != "squeeze"
    relief = dict(small_week=0.05, large_week=0.045, spread_week=0.005, vix_change=-0.1, vix_prior_high=STRESSED)
    assert _week(QUIET, **relief) == "relief_rally"
    assert _week(QUIET, **{**relief, "vix_prior_high": 20.0}) == "grind"            # no scare before it
    assert _week(QUIET, **{**relief, "vix_prior_high": 20.0, "vix_prior_percentile": 0.95}) == "relief_rally"


def test_a_high_vix_without_an_event_is_tense():
    assert _week(QUIET, vix=STRESSED, vix_percentile=0.5) == "tense"
    assert _week(QUIET, vix=18.0, vix_percentile=0.9) == "tense"


def test_missing_gauges_never_satisfy_a_rule():
    empty = RegimeGauges(*([None] * len(QUIET.__dataclass_fields__)))
    assert classify(empty, STRESSED) == ("grind", ())
    assert _week(QUIET, vix=None) == "grind"                          # no VIX: neither calm nor tense


@pytest.mark.parametrize("seed", range(5))
def test_every_week_has_exactly_one_known_regime_and_its_deciding_gauges(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    for _ in range(400):
        g = RegimeGauges(
            small_week=float(rng.normal(0, 0.03)), large_week=float(rng.normal(0, 0.025)), spread_week=None,
            worst_session=float(-abs(rng.normal(0, 0.02))), best_session=float(abs(rng.normal(0, 0.02))),
            small_prior_4w=float(rng.normal(0, 0.05)), vix=float(rng.uniform(9, 60)), vix_previous=None,
            vix_change=float(rng.normal(0, 0.15)), vix_jump=float(rng.normal(0.05, 0.15)),
            vix_percentile=float(rng.uniform(0, 1)), vix_prior_high=float(rng.uniform(10, 60)),
            vix_prior_percentile=float(rng.uniform(0, 1)), long_yield_week=float(rng.normal(0, 0.0015)),
            short_yield_week=float(rng.normal(0, 0.001)), volume_ratio=float(rng.normal(0, 0.3)))
        g = replace(g, spread_week=g.small_week - g.large_week)
        key, decided_by = classify(g, STRESSED)
        assert key in REGIMES
        assert set(decided_by) <= set(g.__dataclass_fields__)
        assert (key == "grind") == (decided_by == ())
        # calm never sits beside a VIX high for its year, and no rally regime in a falling week
        if key == "calm":
            assert g.vix < CALM_VIX and g.vix_percentile <= 0.5
        if key in ("squeeze", "relief_rally"):
            assert max(g.small_week, g.large_week) >= 0.03


# --- hand-checked real weeks ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(settings, market_dir):
    return load_prices(settings, "csv", market_dir)


def _real(settings, market, day: str):
    session = pick_session(market, settings, date.fromisoformat(day))
    return compute_metrics(cut_at(market, session), settings, session)


@pytest.mark.parametrize("day, key, figures", [
    # Lehman's aftermath: SPY -19.8%, IWM -16.3%, an -8.2% session, the VIX from 45.1 to 69.9
    ("2008-10-10", "shock", {"large_week": -0.1979, "worst_session": -0.0821, "vix": 69.95, "vix_previous": 45.14}),
    # Covid: IWM -15.1%, a -13.3% session (IWM, Mar 16), the VIX at 66.0; bills down 28 bp
    ("2020-03-20", "shock", {"small_week": -0.1513, "worst_session": -0.1327, "vix": 66.04,
                             "short_yield_week": -0.0028}),
    # the rebound: SPY +10.8%, the VIX just below last week's 66.0 after 82.7 on Mar 16
    ("2020-03-27", "relief_rally", {"large_week": 0.1076, "vix": 65.54, "vix_prior_high": 82.69}),
    # the rotation of July 2024: IWM +6.1%, 5.1 points ahead, the VIX flat at 12.5
    ("2024-07-12", "squeeze", {"small_week": 0.0611, "spread_week": 0.0514, "vix": 12.46, "vix_previous": 12.48}),
    # a quiet summer week of 2017: the VIX at 9.5, its lowest close of the year, no session beyond 0.8%
    ("2017-07-14", "calm", {"vix": 9.51, "vix_percentile": 0.004, "best_session": 0.0077}),
    # the week after the 2022 October CPI: the 10-year down 34 bp, SPY +5.9% after a VIX of 33.6 in October
    ("2022-11-11", "relief_rally", {"large_week": 0.0589, "long_yield_week": -0.0034, "vix_prior_high": 33.63}),
    # April 2022: the 10-year up 34 bp, small caps 3.5 points behind
    ("2022-04-08", "rate_move", {"long_yield_week": 0.0034, "spread_week": -0.0350}),
])
def test_hand_checked_real_weeks(settings, real, day, key, figures):
    m = _real(settings, real, day)
    assert m.regime.key == key, (m.regime.key, m.regime.decided_by)
    for name, value in figures.items():
        assert getattr(m.regime.gauges, name) == pytest.approx(value, abs=0.00015 if abs(value) < 1 else 0.01), name


def test_the_regime_reads_nothing_after_the_week(settings, real):
    """The week of 2020-03-20 read from data cut at its session and from data running a year past it."""
    from generator.metrics.indicators import percentile_rank
    from generator.metrics.regime import regime_at

    session = pick_session(real, settings, date(2020, 3, 20))
    m = compute_metrics(cut_at(real, session), settings, session)
    full = cut_at(real, pick_session(real, settings, date(2021, 3, 19)))
    vix_pct = percentile_rank(full[settings.tickers.volatility].quoted.iloc[-800:], 252)
    again = regime_at(full, settings, session, m.returns, m.events, m.risk, m.levels, m.crowding, vix_pct)
    assert again == m.regime
