"""Rules pick different sentences when the numbers differ, and the rendered words say so."""

import re

import numpy as np
import pandas as pd
import pytest

from generator.commentary import write_commentary
from generator.commentary.words import write_words
from generator.metrics import compute_metrics
from generator.pipeline import cut_at, pick_session
from generator.render.context import ChartView, build_context, context_fields_help
from generator.render.environment import make_environment
from generator.render.html import render_html
from tests.conftest import history, market_of, metrics_with

SESSIONS = pd.bdate_range("2022-01-03", "2024-07-12")


def _scenario(relative_path: np.ndarray, last_week: float, market_week: float = 0.01):
    """Large caps drift up; small = large x a relative path, with chosen final weeks for both."""
    n = len(SESSIONS)
    noise = np.random.default_rng(11).normal(0, 0.009, (2, n))  # daily noise, so RSI and volatility look real
    large = 100 * np.exp(np.linspace(0, 0.3, n) + np.cumsum(noise[0]))
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
    env = make_environment()
    c, w, _ = write_words(m, market, settings, env)
    charts = {k: ChartView(k, f"{k}.png", "alt", "caption")
              for k in ("ratio_history", "period_returns", "relative_momentum")}
    html = render_html(env, build_context(settings, market, m, c, w, charts), medium="screen")
    assert not w.flags, w.flags  # every scenario's words agree with its numbers
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
    assert results["mixed"][0].stance.false_move_risk
    assert "could prove to be a false move" in results["mixed"][2]
    assert "could prove to be a false move" not in results["bullish_turn"][2]
    assert "few warning signs of a false move" in results["bullish_turn"][2]
    assert "longer-term relative trend still points toward large caps" in results["bearish_continuation"][2]
    assert "textbook sign of a relative uptrend" in results["bullish_turn"][2]


@pytest.mark.parametrize("last_week, market_week, key, phrase", [
    (0.04, 0.01, "week_rally_up", "It was a good week for the smaller end"),
    (0.04, -0.03, "week_rally_against", "Small caps gained even as the large-cap index fell"),
    (0.01, -0.03, "week_rally_down", "Small caps fell, but less than the market"),
    (-0.03, 0.01, "week_slump_up", "The smaller end of the market lost ground"),
    (-0.03, -0.03, "week_slump_down", "It was a bad week for stocks and a worse one for small caps"),
    (0.0, 0.01, "week_flat", "The week did little to change the picture"),
])
def test_week_wording_follows_the_spread_and_the_market(settings, last_week, market_week, key, phrase):
    m, c, html = _render(settings, "bearish_continuation", last_week, market_week)
    assert c.keys("divergence")[0] == key
    assert phrase in html


def test_a_big_week_in_a_falling_market_is_not_celebrated(settings):
    """Small caps beat by 3% while both fell: the headline says they lost less, never 'a big week'."""
    m, c, html = _render(settings, "bearish_continuation", 0.035, -0.038)
    assert m.spread["1w"] >= 0.03 and m.returns["IWM"]["1w"] <= 0
    # a lead this wide is the week's rarest fact (a record in the scenario's data): the headline names it as a
    # lead over large caps, never as a gain or "a big week"
    assert c.keys("headline")[0].startswith(("beat_in_down", "rare"))
    headline = _headline(html).lower()
    assert "big week" not in headline and ("lead" in headline or "lost less" in headline or "beat" in headline)


def test_surge_week_headline(settings):
    _, c, html = _render(settings, "bearish_continuation", 0.05)
    # a 5% week is the scenario's best on record: the rare headline tells it with its rarity
    assert c.keys("headline")[0].startswith(("surge_up", "rare"))
    assert "best week" in _headline(html).lower() or c.keys("headline")[0].startswith("surge_up")


def test_missing_optional_sections_say_so(settings):
    _, c, html = _render(settings, "mixed", 0.01)
    assert c.keys("rates")[-1] == "rates_unavailable" and c.keys("risks")[0] == "risks_unavailable"
    assert "Yield data is not in this week's data set" in html
    assert "Sector data is not in this week's data set" in html


def test_every_context_field_is_documented():
    missing = [name for name, text in context_fields_help().items() if len(text) < 10]
    assert not missing


def test_names_are_escaped(settings):
    pair = settings.pair.model_copy(update={"small_name": "<script>alert(1)</script>"})
    _, _, html = _render(settings.model_copy(update={"pair": pair}), "mixed", 0.01)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


@pytest.fixture(scope="module")
def mixed(settings):
    """One metrics run (the mixed scenario) that the rule tests below give each case's gauges."""
    m, _, _ = _render(settings, "mixed", 0.01)
    return m


def _with_levels(settings, m, link=None, **levels):
    from generator.metrics import Level
    from generator.metrics.cross import RateSensitivity

    made = {t: Level(t, value, changes, t.startswith("^T") or t.startswith("^I"))
            for t, (value, changes) in levels.items()}
    m = metrics_with(m, levels=made)
    if link is not None:   # the year's correlation of the pair's weekly relative return with the 10-year's change
        m = metrics_with(m, rate_sensitivity=RateSensitivity(52, 52, link, link * 0.1))
    return write_commentary(m, settings)


@pytest.mark.parametrize("changes, link, keys", [
    # the CPI week of July 2024, in a year small caps did better as yields fell: "usually the first to notice"
    ({"1w": -0.0008, "4w": -0.0002, "13w": -0.0031}, -0.2, ["ten_falling", "ten_week_down_falling"]),
    # the same week in a year they did better as yields rose: the figure alone, no "first to notice"
    ({"1w": -0.0008, "4w": -0.0002, "13w": -0.0031}, 0.2, ["ten_falling", "ten_week_down_plain"]),
    ({"1w": 0.0001, "4w": 0.0010, "13w": 0.0040}, None, ["ten_rising"]),
    ({"1w": 0.0009, "4w": 0.0001, "13w": 0.0010}, None, ["ten_steady", "ten_week_up_steady"]),
])
def test_rates_rule(settings, mixed, changes, link, keys):
    c = _with_levels(settings, mixed, link=link, **{"^TNX": (0.042, changes)})
    assert [k for k in c.keys("rates") if k.startswith("ten_")] == keys


@pytest.mark.parametrize("vix, pct, yen_week, rarity, expected", [
    # carry-trade unwinding only for a yen rally rare for its own history (rules.yen_threat)
    (12.5, 0.2, -0.0196, 0.97, ["yen_rally", "carry_unwind", "vix_complacent", "vix_rank_lower_that"]),
    (12.5, 0.2, -0.0196, 0.80, ["yen_rally", "vix_complacent", "vix_rank_lower_that"]),
    (12.5, 0.2, -0.005, 0.5, ["vix_complacent", "vix_rank_lower_that", "fx_week"]),
    (12.5, 0.61, -0.005, 0.5, ["vix_calm_but_higher", "fx_week"]),      # low in absolute terms, high for the year
    (31.0, 0.9, 0.001, 0.5, ["vix_stressed_held", "vix_rank_higher_that", "fx_week"]),  # small caps +1% on the week
    (31.0, 0.3, 0.001, 0.5, ["vix_stressed_but_lower", "fx_week"]),
    (18.0, 0.5, 0.004, 0.5, ["nothing_alarming", "vix_rank_higher_named", "fx_week"]),
])
def test_risks_rule(settings, mixed, vix, pct, yen_week, rarity, expected):
    from generator.metrics.news import NewsItem

    item = NewsItem("fx_week", "JPY=X", yen_week, "pct", mixed.as_of, rarity, None, None, False, None, 500, False,
                    False, 0.0)
    m = metrics_with(mixed, risk__vix_level=vix, risk__vix_percentile_1y=pct, risk__fx_level=158.2,
                     risk__fx_week=yen_week, risk__yen_rally=yen_week <= settings.risk.yen_rally_week,
                     events__vix_high=vix, events__vix_spike=False, events__fx_from_peak=yen_week,
                     news__items={**mixed.news.items, "fx_week": item})
    c = write_commentary(m, settings)
    assert [s.key for s in c.sections["risks"][0] if not s.key.startswith("into_risks")] == expected


@pytest.mark.parametrize("points, for_side, against_side", [
    ((1, 1, 1, 1, 0, 0), ("case_for_many", "averages_up", "trend_up"), ("case_against_none", "", "")),
    ((-1, -1, -1, -1, 0, 1), ("case_for_one", "rates_down", ""), ("case_against_many", "averages_down", "trend_down")),
    ((1, -1, -1, 0, 0, 0), ("case_for_one", "trend_up", ""), ("case_against", "averages_down", "momentum_13w_down")),
    ((1, -1, 0, 0, 0, 0), ("case_for_one", "trend_up", ""), ("case_against_one", "averages_down", "")),
    ((0, 0, 0, 0, 0, 0), ("case_for_none", "", ""), ("case_against_none", "", "")),
])
def test_the_case_for_and_against_names_each_sides_strongest_items(settings, mixed, points, for_side, against_side):
    """Each side of the weighing names its two strongest tests (strength: the figure against its scale in
    generator.commentary.argument.STRENGTH_SCALE), or says it has none; its words key carries the side's count of
    tests (_none, _one, two, _many), so the ledger reconciles with the score."""
    from generator.metrics.stance import StanceTest

    # rates: +1 for small caps is a fall in the yield
    tests = tuple(StanceTest(t.name, 0.01 * p * (-1 if t.name == "rates" else 1), p)
                  for t, p in zip(mixed.stance.tests, points))
    m = metrics_with(mixed, stance__tests=tests, stance__risk_flags=(), ratios={})
    c = write_commentary(m, settings)
    weighing = c.sections["positioning"][0]
    found = [(s.key, s.extra["a"], s.extra["b"]) for s in weighing if s.key.startswith(("case_for", "case_against"))]
    assert found == [for_side, against_side]
    # the tests at zero are named, so for + against + neutral is the number of tests
    neutral = [s.extra["names"] for s in weighing if s.key == "case_neutral"]
    assert neutral == ([[t.name for t, p in zip(mixed.stance.tests, points) if not p]] if 0 in points else [])


# --- jargon explained at first use (generator/commentary/glossary.py) ----------------------------------------

def test_a_gloss_follows_the_first_printed_use_and_skips_a_pronoun_chain():
    from generator.commentary.glossary import place

    names = {"small": "IWM", "large": "SPY"}
    texts = ["Small caps had a good week.",                          # standfirst: no term
             "The headline is not prose: the ratio.",                 # not glossable (e.g. a heading)
             "The ratio is 3% below its 200-day average.",            # first prose use of both terms
             "It has been below for months.",                         # refers back: the gloss comes after it
             "The score is +2.",
             "The ratio and the score again; a false move."]
    sections = ["standfirst", "long-view", "long-view", "long-view", "positioning", "positioning"]
    paragraphs = [1, 2, 3, 3, 4, 4]
    prose = [True, False, True, True, True, True]
    placed = place(texts, sections, paragraphs, prose, names)
    assert [(i, g.key, g.section) for i, g in placed] == [
        (3, "gloss_ratio", "long-view"), (3, "gloss_sma_long", "long-view"), (4, "gloss_score", "positioning"),
        (5, "gloss_false_move", "positioning")]
    # a sentence left out of the issue is not "first": the gloss moves to the first use actually printed
    placed = place(texts[:2] + texts[4:], sections[:2] + sections[4:], paragraphs[:2] + paragraphs[4:],
                   prose[:2] + prose[4:], names)
    assert [(i, g.key) for i, g in placed] == [(2, "gloss_score"), (3, "gloss_ratio"), (3, "gloss_false_move")]
    # "we score them" is a verb, not the stance's score
    assert place(["Calls need 13 weeks before we score them."], ["positioning"], [1], [True], names) == []


REAL_WEEKS = ("2002-07-26", "2008-10-10", "2013-06-21", "2020-03-20", "2024-07-12")


@pytest.mark.parametrize("day", REAL_WEEKS)
def test_each_term_is_glossed_once_right_after_its_first_use(day):
    """On real weeks, as printed: every term the prose uses is explained once, in the sentence after its first
    use (or after the sentences that refer back to it), never before it; the issue passes the fact-check."""
    from generator.commentary.factcheck import PRONOUN
    from generator.commentary.glossary import terms
    from generator.data import load_prices
    from generator.settings import load_settings
    from tests.conftest import MARKET_DIR, SETTINGS

    if not (MARKET_DIR / "IWM.csv").is_file():
        pytest.skip("real market data not found")
    settings = load_settings(SETTINGS)
    market = load_prices(settings, "csv", MARKET_DIR, offline=True)
    session = pick_session(market, settings, pd.Timestamp(day).date())
    cut = cut_at(market, session)
    m = compute_metrics(cut, settings, session)
    _, w, _ = write_words(m, cut, settings, make_environment())
    assert not w.flags, w.flags
    from generator.commentary.factcheck import plain

    titles = {w.headline} | {plain(h) for h in w.headings.values()}
    prose = [r for r in w.rendered if r.text not in titles]          # the headline and headings are not prose
    glossed = {}
    for key, pattern, _ in terms({"small": m.small, "large": m.large}):
        # the standfirst and the brief summarize: a term is explained in the section that reads it
        hosts = [i for i, r in enumerate(prose) if r.sentence.words != "glossary" and r.sentence.kind == "prose"
                 and r.sentence.section not in ("lede", "brief") and pattern.search(r.text)]
        gloss = [i for i, r in enumerate(prose) if r.sentence.key == f"gloss_{key}"]
        # a note at the foot of that section, out of the prose
        assert all(prose[i].sentence.kind == "note" and prose[i].text in map(plain, w.notes[prose[i].sentence.section])
                   for i in gloss), key
        if not hosts:
            assert not gloss, (key, "glossed but never used")
            continue
        assert len(gloss) == 1, (key, gloss)
        # the gloss comes after the first use, with only back-references or other glosses between them
        first = hosts[0]
        between = prose[first + 1:gloss[0]]
        assert gloss[0] > first and all(PRONOUN.match(r.text) or r.sentence.words == "glossary" for r in between), \
            (key, [r.text for r in between])
        glossed[key] = prose[first].text
    assert {"ratio", "sma_long", "score"} <= set(glossed), glossed


def test_a_notes_box_never_qualifies_a_figure_its_section_does_not_print():
    """Issue 26: a data note that qualifies a subject's figures (the breadth caveat) prints only beside a printed prose
    sentence of its section on that subject; the whole-history run has no breadth universe, so the rule is tested
    here on the rows the words assemble."""
    from generator.commentary.claims import Sentence
    from generator.commentary.words import _qualified

    note = Sentence("divergence", "breadth_measured", ("breadth",), kind="note", qualifies="breadth")
    other = Sentence("divergence", "breadth_unavailable", ("breadth",), kind="note")
    gap = Sentence("divergence", "gap_small_behind", ("IWM-SPY",))
    breadth = Sentence("divergence", "breadth_200d_most_rising", ("breadth",))
    elsewhere = Sentence("positioning", "case_for", ("breadth",))
    rows = lambda *s: [(1, ("section", x.section), x, "text") for x in s]  # noqa: E731
    assert [r[2] for r in _qualified(rows(gap, note, other, elsewhere))] == [gap, other, elsewhere]
    assert [r[2] for r in _qualified(rows(gap, breadth, note))] == [gap, breadth, note]


def test_a_quiet_sections_standing_sentences_give_way_under_budget_down_to_the_floor():
    """Issue 26, "everything, every week": a standing sentence (claims.STANDING: ordinary volume, a routine yen week, a
    years-old peak) gives way in a quiet section even when the issue is under budget, never in a section with news,
    and never below the floor."""
    from generator.commentary.claims import STANDING, Fact, Sentence
    from generator.commentary.words import _trim

    figure = (Fact("v", "returns.IWM.1w", "IWM", "pct"),)
    sentences = [Sentence("rates", "a", ("x",), figure), Sentence("rates", "b", ("x",), optional=STANDING),
                 Sentence("risks", "c", ("x",), figure), Sentence("risks", "d", ("x",), optional=STANDING)]
    texts = {0: "word " * 300, 1: "word " * 50, 2: "word " * 300, 3: "word " * 50}
    every = {0, 1, 2, 3}
    news = {"rates": 0.0, "risks": 5.0}
    assert _trim(texts, sentences, [1, 2, 3, 4], news, every, budget=900, floor=500) == {1}
    quiet = {"rates": 0.0, "risks": 0.0}
    assert _trim(texts, sentences, [1, 2, 3, 4], quiet, every, budget=900, floor=500) == {1, 3}
    assert _trim(texts, sentences, [1, 2, 3, 4], quiet, every, budget=900, floor=640) == {1}
    # an optional sentence below STANDING stays while the issue is under budget
    lower = [s if s.key not in ("b", "d") else Sentence(s.section, s.key, ("x",), optional=1) for s in sentences]
    assert _trim(texts, lower, [1, 2, 3, 4], quiet, every, budget=900, floor=500) == set()
