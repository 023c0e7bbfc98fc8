"""The stance's track record (generator/metrics/track.py): no look-ahead, the calls an issue published, and
figures checked by hand from the CSVs with plain pandas. Real data (../shared/data/market and
../shared/data/breadth); the tests skip when it is absent."""

from __future__ import annotations

import itertools
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from generator.data import load_prices
from generator.data.model import MarketData, TickerHistory
from generator.metrics import compute_metrics, pair_ratio
from generator.metrics import stance, track
from generator.metrics.signals import build_signals, risk_at
from generator.metrics.periods import last_on_or_before, weeks_target
from generator.metrics.series import change_since, value_at
from generator.metrics.stance import ORDER, REASONS, TESTS, WEEK_FLAGS, decide_stance, held_level, held_reason
from generator.pipeline import cut_at
from generator.settings import load_settings
from tests.conftest import MARKET_DIR, ROOT, SETTINGS

BREADTH_DIR = ROOT.parent / "shared" / "data" / "breadth"
# Week ends across eras: the 2002 bust, 2003 recovery, 2008, 2013, 2016-2018 (breadth data from 2015),
# March 2020, 2021, 2022, 2024.
ERAS = ("2002-07-26", "2003-05-16", "2008-10-10", "2008-12-26", "2013-06-21", "2016-02-12", "2017-11-10",
        "2018-12-21", "2020-03-20", "2020-11-13", "2021-03-12", "2022-06-17", "2024-07-12", "2025-06-20")


def _settings(folder: Path, **breadth):
    raw = yaml.safe_load(SETTINGS.read_text(encoding="utf-8"))
    raw["breadth"].update(breadth)
    raw["data"]["cache_dir"] = str(folder / "cache")
    path = folder / "settings.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return load_settings(path)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The real market, with the real breadth members when they are there (the stance's breadth test)."""
    if not (MARKET_DIR / "IWM.csv").is_file():
        pytest.skip(f"real market data not found at {MARKET_DIR}")
    folder = tmp_path_factory.mktemp("track")
    extra = {"data_dir": str(BREADTH_DIR)} if (BREADTH_DIR / "PROVENANCE.md").is_file() else {}
    settings = _settings(folder, **extra)
    return settings, load_prices(settings, "csv", MARKET_DIR)


def _alone(market: MarketData) -> MarketData:
    """The same data with no memory of a fuller one: what a build on data that ends here would see."""
    return MarketData(market.source, market.description, market.histories, market.retrieved_at, market.missing,
                      market.notes, market.expected_session, market.members)


def _session(market, settings, day: str) -> pd.Timestamp:
    index = pair_ratio(market, settings.pair.small, settings.pair.large).index
    return index[index.searchsorted(pd.Timestamp(day), side="right") - 1]


@pytest.fixture(scope="module")
def table(real):
    """The stance table of the whole real history, computed once for the module."""
    settings, market = real
    return stance.compute_table(market, settings)


def _prices(market: MarketData, settings) -> track.Prices:
    return track.pair_prices(market, settings, pair_ratio(market, settings.pair.small, settings.pair.large).index)


def test_the_steadying_follows_the_stated_rules_on_every_combination():
    """held_level and held_reason against the module doc's rules, written out case by case: an upgrade waits
    for a second week of the raw rules (and never comes in a stress week); a downgrade of two steps, in a stress
    week or after last week's raw rules already called lower comes at once, a first one-step call waits."""
    for now, before, held, stress in itertools.product(range(3), range(3), range(3), (False, True)):
        if now == held:
            expected, why = held, None
        elif now > held:
            expected = held if stress or before <= held else min(now, before)
            why = None if expected == now else "stress" if stress else "confirm"
        else:
            expected = now if stress or held - now >= 2 or before < held else held
            why = None if expected == now else "confirm_downgrade"
        args = [np.array([v]) for v in (now, before, held, stress)]
        level = held_level(*args)
        assert int(level[0]) == expected, (now, before, held, stress)
        assert REASONS[int(held_reason(args[0], args[2], args[3], level)[0])] == why, (now, before, held, stress)


def _readings(signals, settings, end: pd.Timestamp) -> list[float | None]:
    """The six readings at one week end from the daily signal series, one scalar at a time (what the rules
    read before they were one table)."""
    from generator.metrics.breadth import breadth_change_4w

    day = end.date()
    value, long_avg, short_avg = (value_at(x, end) for x in (signals.ratio, signals.sma_long, signals.sma_short))
    rate = None
    at = last_on_or_before(signals.long_yield.index, day) if signals.long_yield is not None else None
    if at is not None and at >= end - pd.Timedelta(days=7):
        rate = change_since(signals.long_yield, at, weeks_target(day, 13), absolute=True)
    return [value / long_avg - 1 if value and long_avg else None,
            short_avg / long_avg - 1 if short_avg and long_avg else None,
            change_since(signals.ratio, end, weeks_target(day, 13)),
            change_since(signals.ratio, end, weeks_target(day, 52)),
            breadth_change_4w(signals.breadth, end, settings.breadth.min_members), rate]


def test_the_table_reads_what_the_daily_series_give_for_every_week(real, table):
    """Every week's six readings, its points, score and raw stance, and its risk flags are what the daily
    signal series give one week at a time, to the last bit, over all history."""
    settings, market = real
    assert (market.members is not None) == (BREADTH_DIR / "PROVENANCE.md").is_file()
    ratio = pair_ratio(market, settings.pair.small, settings.pair.large)
    signals = build_signals(market, settings, ratio)
    # build_signals keeps breadth for recent weeks only: check the breadth weeks with a full breadth history
    from generator.metrics.breadth import member_history
    signals = replace(signals, breadth=member_history(market.members, market[settings.pair.large].total_return,
                                                      settings.lookbacks.reference_high_year,
                                                      settings.breadth.min_members, weeks=len(table.ends) + 60))
    assert len(table.ends) > 1200 and table.levels.shape == (len(table.ends), settings.stance.history_weeks + 8)
    counts = dict.fromkeys(ORDER, 0)
    for k, end in enumerate(table.ends):
        readings = _readings(signals, settings, end)
        got = [None if np.isnan(v) else float(v) for v in table.values[k]]
        assert got == readings, (end, got, readings)
        risk = risk_at(signals, settings, end)
        flags = [f for f, on in (("stretched", risk.stretched), ("vix_stressed", risk.vix_level is not None
                                  and risk.vix_level >= settings.risk.vix_stressed), ("yen_rally", risk.yen_rally))
                 if on]
        assert [f for f, on in zip(WEEK_FLAGS, table.flags[k]) if on] == flags, end
        alone = decide_stance(*readings, rate_band=settings.stance.rate_band)
        assert (ORDER[table.raw[k]], int(table.score[k])) == (alone.key, alone.score), end
        assert [t.points for t in alone.tests] == table.points[k].tolist(), end
        counts[alone.key] += 1
    assert min(counts.values()) > 100, counts       # every stance is called in the real history
    assert np.isfinite(table.values[:, TESTS.index("breadth")]).sum() > 400


def _record_dict(r: track.TrackRecord) -> dict:
    return {"all": asdict(r.all), "recent": asdict(r.recent), "latest": {k: asdict(v) if v else None
                                                                        for k, v in r.latest.items()},
            "curve": [r.curve.days.asi8.tolist(), r.curve.allocation.tolist(), r.curve.small.tolist(),
                      r.curve.large.tolist()]}


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


def test_truncating_the_data_after_a_week_changes_nothing_up_to_that_week(real, table):
    """The table of the whole data read at week t equals the table computed on data that ends at t (every
    reading, flag, call and steadied path), so the published call, its history and the record an issue prints
    are the same either way, to the last bit."""
    settings, market = real
    full = table
    for day in ("2003-05-16", "2008-10-10", "2013-06-21", "2017-11-10", "2020-03-20", "2024-07-12"):
        session = _session(market, settings, day)
        cut = _alone(market.upto(session))
        alone = stance.compute_table(cut, settings)
        upto = int(full.ends.searchsorted(session, side="right"))
        assert alone.ends.equals(full.ends[:upto]) and alone.first == full.first
        for name in ("values", "points", "score", "raw", "flags", "stress", "levels", "reasons"):
            assert _same(getattr(alone, name), getattr(full, name)[:upto]), (day, name)
        known = track.record_at(full, _prices(market, settings), session)
        fresh = track.record_at(alone, _prices(cut, settings), session)
        assert _record_dict(known) == _record_dict(fresh), day
        assert known.all.calls > 0 and known.as_of == session.date()
        m = compute_metrics(cut_at(market, session), settings, session, full)
        assert m.stance.key == ORDER[full.published[upto - 1]] == ORDER[alone.published[-1]], day
        assert m.stance == compute_metrics(cut, settings, session, alone).stance, day


def test_a_build_reads_the_table_of_the_data_it_is_cut_from(real, table):
    """At a week's last session a build reads the whole data's table; mid-week that week ends later in the
    data, so the build reads the table of the data cut at its session, never a fuller week's row."""
    settings, market = real
    session = _session(market, settings, "2013-06-21")
    cut = cut_at(market, session)
    assert stance.issue_table(market, cut, settings, session).ends.equals(table.ends)
    wednesday = _session(market, settings, "2013-06-19")
    cut = cut_at(market, wednesday)
    calls = stance.issue_table(market, cut, settings, wednesday)
    assert calls.ends[-1] == wednesday and not table.covers(wednesday)
    with pytest.raises(ValueError, match="no week ending 2013-06-19"):
        compute_metrics(cut, settings, wednesday, table)
    m = compute_metrics(cut, settings, wednesday, calls)
    assert m.stance_history[-1].session == wednesday.date()
    assert _record_dict(m.track) == _record_dict(track.record_at(table, _prices(market, settings), wednesday))


# --- by hand, from the CSVs with plain pandas --------------------------------------------------------------

@pytest.fixture(scope="module")
def by_hand():
    if not (MARKET_DIR / "IWM.csv").is_file():
        pytest.skip(f"real market data not found at {MARKET_DIR}")
    small = pd.read_csv(MARKET_DIR / "IWM.csv", index_col="Date", parse_dates=True)["Adj Close"]
    large = pd.read_csv(MARKET_DIR / "SPY.csv", index_col="Date", parse_dates=True)["Adj Close"]
    days = small.dropna().index.intersection(large.dropna().index)
    week_ends = pd.Series(days, index=days).groupby(days.to_period("W-SUN")).max()
    return small, large, days, pd.DatetimeIndex(week_ends.to_numpy())


def _hand_forward(small, large, days, week_ends, end: pd.Timestamp, weeks: int) -> float:
    """From the close of the first session after `end` to the close of the first session after the week end
    `weeks` weeks later."""
    later = week_ends[week_ends.get_loc(end) + weeks]
    enter, leave = days[days > end][0], days[days > later][0]
    return small[leave] / small[enter] - large[leave] / large[enter]


def test_forward_returns_and_a_hit_rate_match_a_hand_count(real, by_hand, table):
    settings, market = real
    small, large, days, week_ends = by_hand
    session = _session(market, settings, "2025-09-26")
    calls = table
    w = track.windows(calls, _prices(market, settings), session)
    assert w.ends.equals(week_ends[(week_ends >= w.ends[0]) & (week_ends < pd.Timestamp("2025-09-22"))])
    # three calls: a lean in the 2003 recovery, the call of the 2008 crash week, a call of 2020
    for day, h in (("2003-06-13", 13), ("2008-10-10", 4), ("2020-11-13", 26)):
        end = pd.Timestamp(day)
        i, n = int(w.ends.get_loc(end)), track.HORIZONS.index(h)
        assert w.forward[n, i] == pytest.approx(_hand_forward(small, large, days, week_ends, end, h), abs=1e-12)
    # the hit rate of "Lean in further" over 13 weeks, counted one call at a time
    record = track.record_at(calls, _prices(market, settings), session)
    count = hits = 0
    for end, key in zip(w.ends, w.keys):
        if ORDER[key] != "lean_further" or week_ends.get_loc(end) + 13 >= len(week_ends) \
                or days[days > week_ends[week_ends.get_loc(end) + 13]].empty:
            continue
        later = days[days > week_ends[week_ends.get_loc(end) + 13]][0]
        if later > session:
            continue
        count += 1
        hits += _hand_forward(small, large, days, week_ends, end, 13) > 0
    got = record.all.by_stance["lean_further"]["13w"]
    assert (got.calls, got.hits) == (count, hits) and count > 100
    assert got.rate == pytest.approx(hits / count)


def test_the_allocation_matches_a_week_by_week_loop(real, by_hand, table):
    """The last 52 weeks' allocation, valued with a plain loop over the weeks and the days."""
    settings, market = real
    small, large, days, week_ends = by_hand
    session = _session(market, settings, "2024-07-12")
    record = track.record_at(table, _prices(market, settings), session)
    w = track.windows(table, _prices(market, settings), session)
    recent = w.ends >= pd.Timestamp("2023-07-10")
    value, peak, worst = 1.0, 1.0, 0.0
    points = []
    for end, key in zip(w.ends[recent], w.keys[recent]):
        enter = days[days > end][0]
        points.append((enter, track.WEIGHTS[ORDER[key]]))
    start = points[0][0]
    for (enter, weight), nxt in zip(points, points[1:] + [(None, None)]):
        stop = nxt[0] if nxt[0] is not None else session
        base = value
        for d in days[(days > enter) & (days <= stop)]:
            value = base * (weight * small[d] / small[enter] + (1 - weight) * large[d] / large[enter])
            peak = max(peak, value)
            worst = min(worst, value / peak - 1)
    got = record.recent
    assert got.since == start.date() and got.calls == int(recent.sum())
    assert got.allocation.total == pytest.approx(value - 1, abs=1e-12)
    assert got.allocation.max_drawdown == pytest.approx(worst, abs=1e-12)
    assert got.small.total == pytest.approx(small[session] / small[start] - 1, abs=1e-12)
    assert got.large.total == pytest.approx(large[session] / large[start] - 1, abs=1e-12)


# --- the cache -------------------------------------------------------------------------------------------

def _with_bar(market: MarketData, ticker: str, day: str, factor: float) -> MarketData:
    h = market[ticker]
    frame = h.frame.copy()
    frame.loc[pd.Timestamp(day)] *= factor
    histories = dict(market.histories)
    histories[ticker] = TickerHistory(ticker, frame, h.origin)
    return MarketData(market.source, market.description, histories, market.retrieved_at, market.missing,
                      market.notes, market.expected_session, market.members)


def test_the_cache_is_keyed_by_the_data_hash(real, table, tmp_path):
    settings, market = real
    settings = settings.model_copy(update={"data": settings.data.model_copy(update={"cache_dir": str(tmp_path)})})
    first = stance.stance_table(market, settings)                           # computed, written
    files = list((tmp_path / "track").glob("calls-*.npz"))
    assert len(files) == 1 and stance.cache_key(market, settings) in files[0].name
    again = stance.stance_table(market, settings)                           # from disk
    for name in ("values", "points", "score", "raw", "flags", "stress", "levels", "reasons"):
        assert _same(getattr(again, name), getattr(table, name)) and _same(getattr(first, name), getattr(table, name))
    assert again.ends.equals(first.ends) and again.first == first.first
    # one bar changed (a small-cap close in 2009) changes the hash, the calls and the record
    changed = _with_bar(market, settings.pair.small, "2009-03-09", 0.6)
    assert stance.cache_key(changed, settings) != stance.cache_key(market, settings)
    other = stance.stance_table(changed, settings)
    assert len(list((tmp_path / "track").glob("calls-*.npz"))) == 2
    session = _session(market, settings, "2010-06-25")
    a, b = (track.record_at(t, _prices(m, settings), session) for t, m in ((first, market), (other, changed)))
    assert _record_dict(a) != _record_dict(b)
    assert a.all.small.max_drawdown > b.all.small.max_drawdown      # the 40% lower close is the deepest point now
    # a damaged cache file is a cache miss, never an error or a wrong record
    files = sorted((tmp_path / "track").glob("calls-*.npz"))
    for f in files:
        f.write_bytes(f.read_bytes()[:100])
    rebuilt = stance.stance_table(market, settings)
    assert rebuilt.ends.equals(first.ends) and (rebuilt.published == first.published).all()
    # a change of the rules' settings is another key too
    looser = settings.model_copy(update={"stance": settings.stance.model_copy(update={"steady": False})})
    assert stance.cache_key(market, looser) != stance.cache_key(market, settings)


def test_breadth_is_read_as_of_each_week_even_when_a_member_gap_is_still_open(real):
    """A member's gap of up to five sessions is carried forward in a full-history matrix, but on data cut
    inside the gap that member has simply stopped: the record must use the cut view (no look-ahead)."""
    settings, market = real
    if market.members is None:
        pytest.skip("real breadth data not found")
    from generator.metrics.breadth import breadth_change_4w, member_history

    members = market.members
    large = settings.pair.large
    ends = [_session(market, settings, d) for d in ("2017-11-10", "2019-05-17", "2023-03-17")]
    closes = members.closes.copy()
    chosen = np.arange(0, len(members.tickers), 2)           # half the members miss the week's last two closes
    for end in ends:
        row = int(members.index.get_loc(end))
        closes[row - 1:row + 1, chosen] = np.nan
    gapped = MarketData(market.source, market.description, market.histories, market.retrieved_at,
                        market.missing, market.notes, market.expected_session, replace(members, closes=closes))
    got = stance._breadth_change(gapped, settings, pd.DatetimeIndex(ends))
    min_members = settings.breadth.min_members
    for end, value in zip(ends, got):
        cut = gapped.upto(end)
        expected = breadth_change_4w(member_history(cut.members, cut[large].total_return,
                                                    settings.lookbacks.reference_high_year, min_members), end,
                                     min_members)
        whole = breadth_change_4w(member_history(gapped.members, gapped[large].total_return,
                                                 settings.lookbacks.reference_high_year, min_members,
                                                 weeks=2000), end, min_members)
        assert value == pytest.approx(expected, abs=1e-15), end
        assert whole != pytest.approx(expected, abs=1e-6), "the gap must matter for this test to mean anything"


# --- the passage -----------------------------------------------------------------------------------------

def test_the_passage_in_every_phrasing_passes_the_fact_check(real, table):
    """The record, argued, placed at the end of the positioning section: every sentence in each of its three
    phrasings quotes only metrics.json's figures, and its claims hold, across eras."""
    from generator.commentary.factcheck import Rendered, fact_check, plain
    from generator.commentary.words import _Speaker, word_names, write_words
    from generator.render.environment import make_environment

    settings, market = real
    env = make_environment(None)
    seen = set()
    for day in ("2001-06-01", "2002-03-01", "2003-06-06", "2008-10-10", "2013-06-21", "2020-03-20", "2024-07-12",
                "2025-09-26"):
        session = _session(market, settings, day)
        cut = cut_at(market, session)
        m = compute_metrics(cut, settings, session, table)
        c, words, doc = write_words(m, cut, settings, env)
        placed = [s for p in c.sections["positioning"] for s in p if s.words == "track"]
        assert placed and placed[0].key.split("_")[0] in ("young", "base"), day
        assert placed[-1].key.startswith(("conviction_", "young", "versus", "base_", "lately_", "state_", "interval_")), day
        texts = [r.text for r in words.rendered if r.sentence.words == "track"]
        assert texts[0] in plain(words.sections["positioning"][-1])
        assert not [f for f in words.flags if f.sentence in texts], day
        say = _Speaker(env, word_names(settings, m))
        for s in placed:
            for form in ("", "__2", "__3"):
                variant = replace(s, key=s.key + form)
                text = plain(say(variant, doc))
                flags = fact_check([Rendered(variant, text, 1)], doc, names=[m.small, m.large])
                assert not flags, (day, variant.key, text, flags)
                seen.add(variant.key)
    assert {"base_coin", "base_coin__3", "base_few__2", "lately_better", "lately_worse__2"} <= seen


def test_the_passage_is_short_and_in_our_voice(real, table):
    """At most 100 words, first person plural, and the figures left to the tables below it."""
    from generator.commentary.words import write_words
    from generator.render.environment import make_environment

    settings, market = real
    env = make_environment(None)
    for day in ("2003-06-06", "2008-10-10", "2013-06-21", "2020-03-20", "2024-07-12", "2025-09-26"):
        session = _session(market, settings, day)
        cut = cut_at(market, session)
        m = compute_metrics(cut, settings, session, table)
        _, words, _ = write_words(m, cut, settings, env)
        text = " ".join(r.text for r in words.rendered if r.sentence.words == "track")
        assert len(text.split()) <= 100, (day, len(text.split()), text)
        assert " our " in f" {text.lower()} " and " we " in f" {text.lower()} ", text


def test_each_stance_gets_its_own_base_rate(real, table):
    """Whatever the week's call, the passage quotes the hit rate of that kind of call, not another's."""
    from generator.commentary.track import grade, track_paragraph
    from generator.commentary.rules import _Rules
    from generator.metrics.stance import LABELS

    settings, market = real
    session = _session(market, settings, "2024-07-12")
    m = compute_metrics(cut_at(market, session), settings, session, table)
    for key in ORDER:
        stance = replace(m.stance, key=key, label=LABELS[key])
        sentences = track_paragraph(_Rules(replace(m, stance=stance), settings))
        base = sentences[0]
        assert base.extra["label"] == LABELS[key]
        paths = {f.name: f.path for f in base.facts}
        h = m.track.all.by_stance[key]["13w"]
        if grade(h) not in ("soon", "few"):   # a record too thin to judge quotes no rate
            assert paths["rate"] == f"track_record.all.by_stance.{key}.13w.rate", key
        assert paths["calls"] == f"track_record.all.by_stance.{key}.13w.calls", key
        assert base.key in (f"base_{grade(h)}", "base_worse", "base_better"), key
        assert ("stance.key", key) in {(c.path, c.bound) for c in base.claims}, key


def test_the_passage_says_what_the_rules_said_at_the_time(real, table):
    """The latest scored call is the stance its issue printed; the passage never says what the rules "should"
    have said."""
    settings, market = real
    session = _session(market, settings, "2024-07-12")
    from generator.commentary.words import write_words
    from generator.render.environment import make_environment

    m = compute_metrics(cut_at(market, session), settings, session, table)
    _, words, doc = write_words(m, cut_at(market, session), settings, make_environment(None))
    latest = doc["track_record"]["latest"]["13w"]
    # the latest call with 13 weeks behind it is the issue of 14 weeks before, and it is that issue's stance
    then = pd.Timestamp(latest["session"])
    assert (session - then).days == 14 * 7
    assert compute_metrics(cut_at(market, then), settings, then).stance.key == latest["key"]
    assert "should" not in " ".join(r.text for r in words.rendered if r.sentence.words == "track")


# --- how much a hit rate says: the thresholds behind the confidence words ---------------------------------

@pytest.mark.parametrize("calls, hits, weeks, expected", [
    (1300, 845, 13, "trust"),     # 65% of 100 independent windows: the interval [55%, 74%] is above 50%
    (1300, 455, 13, "wrong"),     # 35% of 100: [26%, 45%] is below 50%
    (1300, 624, 13, "coin"),      # 48% of 100: [38%, 58%], half-width 0.10
    (673, 320, 13, "coin"),       # 48% of 52: [35%, 61%], half-width 0.13
    (336, 125, 13, "coin"),       # 37% of 26: [21%, 56%], half-width 0.17
    (195, 97, 13, "few"),         # 50% of 15: [27%, 72%], half-width 0.23
    (192, 119, 13, "few"),        # 62% of 15 is not enough to clear 50%
    (60, 45, 4, "few"),           # 75% of 15 four-week windows: [49.7%, 90%] just reaches below 50%
    (80, 60, 4, "trust"),         # 75% of 20 four-week windows: [53%, 89%]
    (26, 26, 13, "few"),          # 100% of 2 windows: the interval still reaches below 50%
])
def test_the_verdict_follows_the_thresholds(calls, hits, weeks, expected):
    h = track.hit_rate(calls, hits, None, weeks)
    low, high = track.wilson(hits / calls, calls / weeks)
    assert (h.low, h.high) == pytest.approx((low, high))
    assert h.effective == pytest.approx(round(calls / weeks, 2))
    # the verdict is exactly the documented rule, and the rule gives the expected reading
    rule = ("trust" if low > 0.5 else "wrong" if high < 0.5 else
            "coin" if (high - low) / 2 <= track.COIN_WIDTH else "few")
    assert h.verdict == rule == expected, (h, low, high)


def test_the_wilson_interval_matches_the_textbook_formula():
    # Wilson (1927) for 40 successes in 100 trials at z = 1.96: [0.3094, 0.4980]
    low, high = track.wilson(0.4, 100)
    assert (low, high) == pytest.approx((0.3094, 0.4980), abs=5e-4)
    assert track.Z == 1.96 and track.COIN_WIDTH == 0.2
    # a coin toss on a large sample and too few calls on a small one, at the same 50% rate
    assert track.hit_rate(1300, 650, None, 13).verdict == "coin"
    assert track.hit_rate(130, 65, None, 13).verdict == "few"
    # the boundary: "coin" needs an interval at most +/-COIN_WIDTH wide, which at 50% takes about 24 windows
    assert track.verdict(0.3, 0.7) == "coin" and track.verdict(0.29, 0.71) == "few"
    assert track.verdict(0.5001, 0.9) == "trust" and track.verdict(0.1, 0.4999) == "wrong"


@pytest.mark.parametrize("verdict, beaten, face, expected", [
    ("trust", {"small": True, "large": True}, None, "firm"), ("trust", {"small": True, "large": False}, None, "some"),
    ("trust", None, None, "some"), ("trust", {"small": False, "large": False}, None, "light"),
    ("coin", {"small": True, "large": True}, None, None), ("coin", None, "better", "light"),
    ("coin", None, "worse", "little"), ("soon", {"small": True, "large": True}, None, None),
    ("wrong", {"small": True, "large": True}, None, "little"),
])
def test_the_conviction_the_record_lends_the_call(verdict, beaten, face, expected):
    """Conviction can be high as well as low, and a coin toss or a call too young to grade gets no closing line."""
    from generator.commentary.track import conviction

    assert conviction(verdict, beaten, face) == expected


@pytest.mark.parametrize("calls, low, high, expected", [
    (25, 0.2, 0.8, "soon"), (26, 0.2, 0.8, "few"), (26, 0.35, 0.7, "coin"), (190, 0.3, 0.62, "coin"),
    (62, 0.51, 0.9, "trust"),
    (62, 0.1, 0.49, "wrong"), (8, 0.55, 0.95, "trust"),
])
def test_too_soon_only_below_the_named_sample(calls, low, high, expected):
    """"Too soon to grade" below TOO_SOON scored calls only; from there an interval holding 50% is a coin toss
    so far when it spans at most COIN_WIDTH either side, and too few independent tests to judge when wider; an
    interval that excludes 50% is said so at any sample."""
    from generator.commentary.track import TOO_SOON, grade, verdict_claims

    h = track.HitRate(calls, int(calls * (low + high) / 2), (low + high) / 2, None, calls / 13, low, high,
                      (high - low) / 2, track.verdict(low, high))
    assert grade(h) == expected and TOO_SOON == 26
    doc = {"h": {"calls": calls, "low": low, "high": high, "half_width": h.half_width}}
    assert all(c.holds(doc) for c in verdict_claims("h", expected, "t"))
    for other in {"soon", "coin", "few", "trust", "wrong"} - {expected}:
        assert not all(c.holds(doc) for c in verdict_claims("h", other, "t")), other


@pytest.mark.parametrize("edge, expected", [(0.01, "beat"), (0.0026, "beat"), (0.0025, "level"), (0.0, "level"),
                                            (-0.0025, "level"), (-0.0026, "lag"), (-0.02, "lag")])
def test_the_calls_against_holding_one_side(edge, expected):
    from generator.commentary.track import compare, edge_claims

    assert compare(edge) == expected
    doc = {"e": edge}
    assert all(c.holds(doc) for c in edge_claims("e", expected, "IWM"))
    for other in {"beat", "lag", "level"} - {expected}:
        assert not all(c.holds(doc) for c in edge_claims("e", other, "IWM")), (edge, other)


@pytest.mark.parametrize("grade", ["trust", "wrong", "coin", "few", "soon"])
def test_the_grade_words_are_claims_the_fact_check_verifies(grade):
    """Each grade's claims (commentary.track.grade) hold for a record with that grade and fail for every other's:
    the interval decides "trust" and "wrong", the sample "coin" (TOO_SOON calls or more) and "soon"."""
    from generator.commentary.track import TOO_SOON, verdict_claims

    records = {"trust": (0.55, 0.74, 100), "wrong": (0.26, 0.45, 100), "coin": (0.35, 0.70, TOO_SOON),
               "few": (0.27, 0.72, TOO_SOON), "soon": (0.27, 0.72, TOO_SOON - 1)}
    for name, (low, high, calls) in records.items():
        doc = {"h": {"low": low, "high": high, "half_width": (high - low) / 2, "calls": calls}}
        assert all(c.holds(doc) for c in verdict_claims("h", grade, "t")) == (name == grade), (grade, name)


@pytest.mark.parametrize("calls, hits, expected_verdict, expected_face, expected_weight", [
    (240, 84, "coin", "worse", "little"),     # 35% of 240 weeks: on its face worse than a coin toss
    (1300, 624, "coin", None, None),          # 48% of 1,300: a coin toss, which the grade says
    (40, 14, "few", None, None),              # 35% of 40: an interval too wide to judge
    (20, 7, "soon", None, None),              # 35% of 20: too soon to grade
    (240, 156, "coin", "better", "light"),    # 65% of 240: better on its face, not proven
    (1300, 455, "wrong", None, "little"),     # 35% of 1,300: wrong beyond chance
    (1300, 845, "trust", None, "some"),
])
def test_the_record_is_said_at_face_value_then_with_its_doubt(calls, hits, expected_verdict, expected_face,
                                                               expected_weight):
    """A big sample with a hit rate well off 50% is said plainly ("on its face worse than a coin toss"), and
    the words' claims hold for it; the weight follows the rate and the sample."""
    from generator.commentary.track import conviction, grade, lean, lean_claims, verdict_claims

    h = track.hit_rate(calls, hits, None, 13)
    assert grade(h) == expected_verdict and lean(h) == expected_face
    doc = {"h": {"calls": h.calls, "rate": h.rate, "low": h.low, "high": h.high, "half_width": h.half_width}}
    assert all(c.holds(doc) for c in verdict_claims("h", grade(h), "t") + lean_claims("h", lean(h), "t"))
    for other in ({"worse", "better"} - {expected_face} if expected_face else ()):
        assert not all(c.holds(doc) for c in lean_claims("h", other, "t"))
    assert conviction(grade(h), None, lean(h)) == expected_weight
