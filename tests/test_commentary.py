"""Rules pick different sentences when the numbers differ, and templates say so."""

import re

import numpy as np
import pandas as pd
import pytest

from generator.commentary import write_commentary
from generator.metrics import compute_metrics
from generator.pipeline import cut_at, pick_session
from generator.render.context import ChartView, build_context, context_fields_help
from generator.render.environment import make_environment
from generator.render.html import render_html
from tests.conftest import history, market_of

SESSIONS = pd.bdate_range("2022-01-03", "2024-07-12")


def _scenario(relative_path: np.ndarray, last_week: float, market_week: float = 0.01):
    """Large caps drift up; small = large x a relative path, with chosen final weeks for both."""
    n = len(SESSIONS)
    noise = np.random.default_rng(11).normal(0, 0.009, (2, n))  # daily noise, so RSI and volatility look real
    large = 100 * np.exp(np.linspace(0, 0.3, n) + np.cumsum(noise[0]) - np.cumsum(noise[0]).mean() * 0)
    rel = relative_path * np.exp(noise[1] * 0.5)
    rel[-5:] = rel[-6] * (1 + last_week) ** (np.arange(1, 6) / 5)
    large[-5:] = large[-6] * (1 + market_week) ** (np.arange(1, 6) / 5)
    return market_of(history("IWM", large * rel, index=SESSIONS), history("SPY", large, index=SESSIONS))


SCENARIOS = {
    # a relative uptrend that keeps going: small caps lead on every horizon
    "bullish_turn": lambda n: np.exp(np.linspace(0, 0.35, n)),
    # a long relative slide that continues
    "bearish_continuation": lambda n: np.exp(np.linspace(0, -0.35, n)),
    # a long slide, then a sharp six-week rebound: trend turning, longer signals disagree
    "mixed": lambda n: np.concatenate([np.exp(np.linspace(0, -0.40, n - 30)),
                                       np.exp(-0.40 + np.linspace(0, 0.16, 30))]),
}


def _render(settings, name, last_week, market_week=0.01):
    market = _scenario(SCENARIOS[name](len(SESSIONS)), last_week, market_week)
    session = pick_session(market, settings, None)
    market = cut_at(market, session)
    m = compute_metrics(market, settings, session)
    c = write_commentary(m, settings)
    charts = {k: ChartView(k, f"{k}.png", "alt", "caption")
              for k in ("ratio_history", "period_returns", "relative_momentum")}
    html = render_html(make_environment(), build_context(settings, market, m, c, charts), medium="screen")
    return m, c, html


def _headline(html):
    return re.search(r"<h1>(.*?)</h1>", html, flags=re.S).group(1).strip()


def test_scenarios_read_differently(settings):
    results = {name: _render(settings, name, 0.012 if name != "bearish_continuation" else -0.012)
               for name in SCENARIOS}
    stances = {name: r[0].stance.key for name, r in results.items()}
    assert stances == {"bullish_turn": "lean_further", "bearish_continuation": "stay_large", "mixed": "start_lean"}
    headlines = {name: _headline(r[2]) for name, r in results.items()}
    assert len(set(headlines.values())) == 3, headlines
    assert "?" in headlines["mixed"] and "?" not in headlines["bearish_continuation"]
    assert results["mixed"][0].stance.false_move_risk
    assert "could prove to be a false move" in results["mixed"][2]
    assert "could prove to be a false move" not in results["bullish_turn"][2]
    assert "few warning signs of a false move" in results["bullish_turn"][2]
    assert "longer-term relative trend still points toward large caps" in results["bearish_continuation"][2]
    assert "textbook sign of a relative uptrend" in results["bullish_turn"][2]


@pytest.mark.parametrize("last_week, market_week, key, phrase", [
    (0.04, 0.01, "rally", "It was a good week for the smaller end"),
    (0.04, -0.03, "rally", "Small caps gained even as the large-cap index fell"),
    (0.01, -0.03, "rally", "Small caps held up better in a falling market"),
    (-0.03, 0.01, "slump", "The smaller end of the market lost ground"),
    (-0.03, -0.03, "slump", "It was a bad week for stocks and a worse one for small caps"),
    (0.0, 0.01, "flat", "The week did little to change the picture"),
])
def test_week_wording_follows_the_spread(settings, last_week, market_week, key, phrase):
    m, c, html = _render(settings, "bearish_continuation", last_week, market_week)
    assert c.week.key == key
    assert phrase in html


def test_surge_week_gets_a_question_headline(settings):
    _, c, html = _render(settings, "bearish_continuation", 0.05)
    assert c.headline.key == "surge_question" and _headline(html).endswith("?")


def test_missing_optional_sections_say_so(settings):
    _, c, html = _render(settings, "mixed", 0.01)
    assert c.rates.key == c.sectors.key == c.risks.key == "unavailable"
    assert "Yield data is not in this week's data set" in html
    assert "Sector data is not in this week's data set" in html


def test_every_context_field_is_documented():
    missing = [name for name, text in context_fields_help().items() if len(text) < 10]
    assert not missing


def test_names_are_escaped(settings):
    pair = settings.pair.model_copy(update={"small_name": "<script>alert(1)</script>"})
    _, _, html = _render(settings.model_copy(update={"pair": pair}), "mixed", 0.01)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def _with_levels(settings, **levels):
    from dataclasses import replace

    from generator.metrics import Level

    m, _, _ = _render(settings, "mixed", 0.01)
    made = {t: Level(t, value, changes, t.startswith("^T") or t.startswith("^I"))
            for t, (value, changes) in levels.items()}
    return write_commentary(replace(m, levels=made), settings)


@pytest.mark.parametrize("changes, key, week_move", [
    ({"1w": -0.0008, "4w": -0.0002, "13w": -0.0031}, "falling", "down"),   # the CPI week of July 2024
    ({"1w": 0.0001, "4w": 0.0010, "13w": 0.0040}, "rising", None),
    ({"1w": 0.0009, "4w": 0.0001, "13w": 0.0010}, "steady", "up"),
])
def test_rates_rule(settings, changes, key, week_move):
    c = _with_levels(settings, **{"^TNX": (0.042, changes)})
    assert (c.rates.key, c.rates.facts["week_move"]) == (key, week_move)


@pytest.mark.parametrize("vix, yen_week, key", [
    (12.5, -0.0196, "yen_rally"),   # July 2024: the carry unwind begins
    (12.5, -0.005, "complacent"),
    (31.0, 0.001, "stressed"),
    (18.0, 0.004, "normal"),
])
def test_risks_rule(settings, vix, yen_week, key):
    from dataclasses import replace

    m, _, _ = _render(settings, "mixed", 0.01)
    risk = replace(m.risk, vix_level=vix, fx_level=158.2, fx_week=yen_week,
                   yen_rally=yen_week <= settings.risk.yen_rally_week)
    assert write_commentary(replace(m, risk=risk), settings).risks.key == key


def test_big_weeks_read_differently_inside_and_outside_a_small_cap_trend(settings):
    _, inside, html_inside = _render(settings, "bullish_turn", 0.05)
    _, outside, html_outside = _render(settings, "bearish_continuation", 0.05)
    assert (inside.headline.key, outside.headline.key) == ("surge_in_trend", "surge_question")
    assert _headline(html_inside) != _headline(html_outside)
    _, setback, _ = _render(settings, "bullish_turn", -0.035)  # big, but the ratio holds above its 200-day
    assert setback.headline.key == "setback_question"


@pytest.mark.parametrize("points, key", [
    ((1, 1, 1, 1, 0, 0), "aligned_small"),
    ((-1, -1, -1, -1, 0, 1), "mostly_large"),
    ((1, 1, 1, -1, 0, 0), "mostly_small"),
    ((1, 1, -1, -1, 0, 0), "conflict"),
    ((-1, -1, -1, -1, -1, -1), "aligned_large"),
    ((0, 0, 0, 0, 0, 0), "no_signal"),
])
def test_signal_agreement_is_described_by_the_majority(settings, points, key):
    from dataclasses import replace

    from generator.metrics.stance import StanceTest

    m, _, _ = _render(settings, "mixed", 0.01)
    tests = tuple(StanceTest(t.name, 0.01 * p, p) for t, p in zip(m.stance.tests, points))
    c = write_commentary(replace(m, stance=replace(m.stance, tests=tests)), settings)
    assert c.signals.key == key
