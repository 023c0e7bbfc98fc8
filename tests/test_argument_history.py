"""The argument over the whole real history (2001-2025): the record argued from its interval, the call's change told
from its transition, only unmet conditions listed, interpretations the week's own figures allow, and no boilerplate
restated every week. Each test reads every week's words against that week's figures (WeekResult.measures)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from generator.commentary.rules import YOUNG_WEEKS
from generator.commentary.sections.positioning import HELD_WEEKS, TRANSITIONS
from generator.commentary.sections.rates import CORR_WEAK
from generator.commentary.track import MIN_SCORED, TOO_SOON
from generator.data import load_prices
from generator.formats import number_word
from generator.history import run_history
from generator.metrics.stance import LABELS, ORDER
from tests.conftest import rotating_phrasings


@pytest.fixture(scope="module")
def weeks(settings, market_dir):
    market = load_prices(settings, "csv", market_dir)
    with rotating_phrasings():  # as published: the week picks each slot's phrasing
        found = run_history(market, settings, date(2001, 1, 1), jobs=2)
    assert len(found) > 1250  # every week since 2001, not a sample of them
    return found


def test_the_words_these_tests_read_pass_the_fact_check(weeks):
    """The weeks read below raise no fact-check flag (tests/test_history.py checks the sample too)."""
    assert not [(w.session, w.flags[0]) for w in weeks if w.flags][:5]


def _m(w) -> dict:
    return dict(w.measures)


def _said(w, section: str, prefix: str = "") -> list[tuple[str, str]]:
    """(key, text) of a section's sentences, optionally only the keys starting with `prefix`."""
    return [(k.split("/", 1)[1], t) for k, t in zip(w.keys, w.sentences)
            if k.startswith(f"{section}/") and k.split("/", 1)[1].startswith(prefix)]


def _text(w, section: str) -> str:
    return " ".join(t for _, t in _said(w, section))


# The record's passage at the end of positioning (generator/commentary/track.py), by its words keys.
TRACK_KEYS = ("young", "base_", "interval_", "lately_", "rules", "versus", "conviction_")


def _record(w) -> str:
    return " ".join(t for k, t in _said(w, "positioning") if k.startswith(TRACK_KEYS))


# --- 1. the record, argued ----------------------------------------------------------------------------------

TOO_SOON_WORDS = re.compile(r"too soon|too thin|too few|cannot (yet )?(judge|grade)|too new", re.I)
LITTLE_WEIGHT = re.compile(r"little weight|hold this week's .* loosely|would not lean on this week", re.I)
LIGHT_WEIGHT = re.compile(r"weigh (it|this one|this week's call) lightly|light weight|weigh this one lightly", re.I)


def test_the_record_is_graded_from_its_interval_and_sample(weeks):
    """"Too soon" only below TOO_SOON scored calls and never with a rate; an interval that excludes 50% is said
    so; one that holds 50% over TOO_SOON calls or more is a coin toss so far; "little weight" never when the
    interval lies above 50%; no rote "lightly" after a plain coin toss."""
    graded = {"soon": 0, "coin": 0, "trust": 0, "wrong": 0}
    for w in weeks:
        m = _m(w)
        calls, low, high = m.get("track.calls"), m.get("track.low"), m.get("track.high")
        if calls is None or calls < MIN_SCORED:
            continue
        text = _record(w)
        base = [k for k, _ in _said(w, "positioning", "base_")]
        assert len(base) == 1, (w.session, base)
        key = base[0].split("__")[0]
        grade = "trust" if low > 0.5 else "wrong" if high < 0.5 else "coin" if calls >= TOO_SOON else "soon"
        graded[grade] += 1
        expected = {"trust": {"base_trust"}, "wrong": {"base_wrong"}, "soon": {"base_soon"},
                    "coin": {"base_coin", "base_worse", "base_better"}}[grade]
        assert key in expected, (w.session, calls, low, high, key)
        assert bool(TOO_SOON_WORDS.search(text)) == (grade == "soon"), (w.session, calls, text)
        if grade == "soon":
            sentence = dict(_said(w, "positioning", "base_"))[base[0]]
            assert "%" not in sentence, (w.session, sentence)   # no grading in the sentence that declines to
        if grade == "coin":   # a coin toss so far, or better / worse on its face with the interval that doubts it
            assert "coin toss" in text or re.search(r"could (lie|be) anywhere from", text), (w.session, text)
        if grade == "trust":
            assert not LITTLE_WEIGHT.search(text), (w.session, text)
        if key in ("base_coin", "base_soon"):
            assert not LIGHT_WEIGHT.search(text) and not LITTLE_WEIGHT.search(text), (w.session, text)
    assert graded["coin"] > 100 and graded["soon"] > 10, graded   # both kinds occur in the real history


def test_the_record_says_whether_the_calls_beat_holding_either_side(weeks):
    told = [w for w in weeks if any(k.startswith("versus") for k, _ in _said(w, "positioning"))]
    assert len(told) > 1000
    for w in told:
        assert re.search(r"(beaten|beat|trailed|matched) (simply )?holding", _text(w, "positioning")), w.session


# --- 2. the call's own change, told from the transition ------------------------------------------------------

def test_every_change_of_stance_is_told_from_its_transition(weeks):
    seen = set()
    for w in weeks:
        m = _m(w)
        if m["stance.record.changed_weeks_ago"] != 1:
            continue
        pair = (m["stance.record.changed_from"], m["stance.record.changed_to"])
        seen.add(pair)
        said = [k.split("__")[0] for k, _ in _said(w, "positioning", "changed_")]
        said = [k for k in said if not k.startswith("changed_recently")]
        assert said == [TRANSITIONS[pair]], (w.session, pair, said)
        text = dict(_said(w, "positioning", "changed_"))
        sentence = next(t for k, t in text.items() if k.split("__")[0] == TRANSITIONS[pair])
        assert LABELS[pair[0]] in sentence, (w.session, sentence)
        if TRANSITIONS[pair] == "changed_cut":
            # a cut keeps the lean's age: never "one week old"
            assert number_word(m["stance.record.weeks_on_side"]) in sentence and m["stance.record.weeks_on_side"] > 1
        advice = [k.split("__")[0] for k, _ in _said(w, "positioning", "advice_")]
        down = ORDER.index(pair[1]) < ORDER.index(pair[0])
        if down:
            # a downgrade never advises moving money toward small caps or adding
            assert not set(advice) & {"advice_start_lean", "advice_lean_further", "advice_lean_further_vix"}, \
                (w.session, advice)
            assert not re.search(r"move a modest slice|add further|toward small caps is worth", _text(w, "positioning"))
    # every transition that occurs in the history is one the table names, and the history holds most of them
    assert seen <= set(TRANSITIONS) and len(seen) >= 4, seen


def test_a_lean_held_for_weeks_is_kept_not_added_to_again(weeks):
    """The advice after weeks on the small-cap side (a modest lean's age counts from the turn, through any cut) or
    at "Lean in further" is to keep the lean, not to start or add to it again."""
    for w in weeks:
        m = _m(w)
        age = m["stance.record.weeks_on_side"] if m["stance.key"] == "start_lean" else m["stance.record.weeks_unchanged"]
        if m["stance.key"] == "stay_large" or age < HELD_WEEKS:
            continue
        advice = [k.split("__")[0] for k, _ in _said(w, "positioning", "advice_")]
        assert not set(advice) & {"advice_start_lean", "advice_lean_further"}, (w.session, advice)


def test_a_lean_is_young_only_by_its_age_on_the_small_cap_side(weeks):
    """"It is early", "the lean is young" only in the lean's first weeks, counted across a cut (weeks_on_side)."""
    young = 0
    for w in weeks:
        m = _m(w)
        if [k for k, _ in _said(w, "positioning", "false_move") if k.split("__")[0] == "false_move"]:
            young += 1
            assert m["stance.record.weeks_on_side"] <= YOUNG_WEEKS, (w.session, m["stance.record.weeks_on_side"])
    assert young > 10


# --- 3. conditions already met are not listed as needed -------------------------------------------------------

NEEDS = re.compile(r"(needs?|would need|would take|lacks|waits on|stands between)[^.]*", re.I)


def test_only_unmet_conditions_are_listed(weeks):
    checked = 0
    for w in weeks:
        m = _m(w)
        if m["stance.key"] != "start_lean" or m["ratio.sma_short"] is None or m["ratio.sma_long"] is None:
            continue
        crossed, enough = m["ratio.sma_short"] > m["ratio.sma_long"], m["stance.score"] >= 3
        for clause in NEEDS.finditer(_text(w, "positioning")):
            said = clause.group(0)
            if crossed:
                assert "50-day average above the 200-day" not in said, (w.session, said)
            if enough:
                assert not re.search(r"score of (at least )?three", said), (w.session, said)
        checked += 1
    assert checked > 150   # every "Start to lean in" week with both averages (199 in 2001-2025)


# --- 4. interpretations the week's figures allow --------------------------------------------------------------

def test_rates_readings_agree_with_the_years_link(weeks):
    """Words that expect falling yields to help small caps need a year in which they did (correlation not
    positive); beside a positive link the week is told as fitting the pattern."""
    for w in weeks:
        m = _m(w)
        c = m["rate_sensitivity.correlation"]
        text = _text(w, "rates")
        if re.search(r"first to notice", text):
            assert c is not None and c <= 0, (w.session, c)
        if re.search(r"nothing to spare|no help to (them|small caps)|were no help|cheaper money was not what", text):
            assert c is None or c < CORR_WEAK, (w.session, c, text)


def test_steady_short_rates_are_not_a_backdrop_beside_a_moving_10_year(weeks, settings):
    band = settings.stance.rate_band
    for w in weeks:
        move = _m(w)["long_yield.13w"]
        if re.search(r"backdrop this quarter|as a backdrop", _text(w, "rates")):
            assert move is None or abs(move) <= band + 1e-12, (w.session, move)


def test_breadth_is_said_to_suit_small_caps_only_when_they_kept_up(weeks):
    for w in weeks:
        if re.search(r"friendlier to smaller|suits smaller companies|favour smaller companies", _text(w, "divergence")):
            assert _m(w)["spread.13w"] >= 0, w.session


def test_momentum_is_labelled_by_count(weeks):
    labelled = 0
    for w in weeks:
        m = _m(w)
        ups, n = m["ratio.momentum_up"], m["ratio.momentum_known"]
        text = " ".join(t for k, t in _said(w, "long-view", "momentum_"))
        if not ups or ups == n or not text:   # all one way (told as such), or the sentence gave way to the budget
            continue
        labelled += 1
        if re.search(r"momentum is mixed|mixed momentum", text, re.I):
            assert 2 * ups == n, (w.session, ups, n)
        if 2 * ups > n:
            assert re.search(r"mostly positive", text, re.I) and not re.search(r"up over only", text), \
                (w.session, text)
        if 2 * ups < n:
            assert re.search(r"mostly negative", text, re.I), (w.session, text)
    assert labelled > 300


# --- 5. boilerplate -------------------------------------------------------------------------------------------

def test_no_rote_surprise_and_no_restated_stance_run(weeks):
    for w in weeks:
        assert not re.search(r"perhaps surprisingly|actually ahead", _text(w, "divergence")), w.session
        assert not re.search(r"straight week|consecutive week|weeks shown below", _text(w, "positioning")), w.session
