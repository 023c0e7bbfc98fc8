"""The gap: this week's relative move, the three-year gap, the small-cap reference high beside the large
caps' own record, participation among large caps, and breadth beneath the small-cap index."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd

from generator.commentary.bands import BAD_WEEK, NARROW_LAG
from generator.commentary.claims import (STANDING, Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most,
                                         by_definition, exceeds, is_, is_not, less_than, more_than, negative, positive,
                                         within)
from generator.commentary.news import told_keys
from generator.commentary.rules import SHOWN_ZERO, _Rules, record_history
from generator.metrics.news import BEAR, CORRECTION
from generator.metrics.periods import last_on_or_before, week_start
from generator.commentary.table import Row, choose, first, holds
from generator.metrics import paths as mp

# A level week for the pair in which both indices moved at least this far the same way is a market week, not
# "a week that did little to change the picture" (readers R1 and R2: 2011-12-16, 2024-04-19, both down ~3%).
MARKET_WEEK = 0.02
# Three-year returns within this of each other are "about the same".
GAP_LEVEL = 0.005
# Equal- versus cap-weight large caps within this over 13 weeks: participation is neither narrow nor widening.
NARROW_BAND = 0.005
# A change in the share of the universe below its reference high smaller than this is "unchanged".
BREADTH_BAND = 0.02
# Small caps this far behind over three years: a wide gap, "a generation of underperformance".
WIDE_GAP = 0.25
# The large-cap index within this of its closing high is "at" it; within NEAR_HIGH, "near" it.
AT_HIGH, NEAR_HIGH = 0.005, 0.05
# A breadth share at least MOST is "most", at most FEW is "few", between them "about half" (_breadth).
MOST, FEW = 0.55, 0.45
# The share of the universe below its reference-year high reads "most" from half up.
HALF = 0.5


def _week(path: str, small: str, large: str, way: str):
    """A week's return as it prints: up, down, or flat (a return shown as 0.0% "went nowhere", never "gained")."""
    subject = small if path.startswith(f"returns.{small}.") else large
    if way == "up":
        return at_least(path, SHOWN_ZERO, subject, "week")
    if way == "down":
        return at_most(path, -SHOWN_ZERO, subject, "week")
    return within(path, SHOWN_ZERO, subject, "week")


def _sides(ahead: bool, *ways: tuple[str, str]):
    """A WEEK row's claims: the pair's week ahead (or behind) by the flat band, then each return's way."""
    def claims(small, large, pair, band, drop):
        gap = at_least(mp.SPREAD_1W, band, pair, "week") if ahead else at_most(mp.SPREAD_1W, -band, pair, "week")
        return [gap] + [_week(f"returns.{small if who == 'S' else large}.1w", small, large, way) for who, way in ways]
    return claims


# The week's relative move and which way each index went: small caps ahead by the flat band or more, behind by
# it, or level (a sell-off week named as one).
WEEK = (
    Row("week_rally_up", _sides(True, ("S", "up"), ("L", "up"))),
    Row("week_rally_flat_market", _sides(True, ("S", "up"), ("L", "flat"))),
    Row("week_rally_against", _sides(True, ("S", "up"), ("L", "down"))),
    Row("week_rally_held", _sides(True, ("S", "flat"), ("L", "down"))),
    Row("week_rally_down", _sides(True, ("S", "down"), ("L", "down"))),
    Row("week_slump_down", _sides(False, ("L", "down"), ("S", "down"))),
    Row("week_slump_flat_market", _sides(False, ("L", "flat"), ("S", "down"))),
    Row("week_slump_up_streak", lambda small, large, pair, band, drop: _sides(False, ("L", "up"))(
        small, large, pair, band, drop) + [Claim(mp.EVENTS_RELATIVE_STREAK, "<=", -2, pair, "streak", 0)]),
    Row("week_slump_up", lambda small, large, pair, band, drop: _sides(False, ("L", "up"))(
        small, large, pair, band, drop) + [Claim(mp.EVENTS_RELATIVE_STREAK, ">", -2, pair, "streak", 0)]),
    Row("week_flat_selloff", lambda small, large, pair, band, drop: [
        within(mp.SPREAD_1W, band, pair, "week"), at_most(mp.EVENTS_LARGE_WEEK, drop, large, "week")]),
    Row("week_flat_down", lambda small, large, pair, band, drop: [
        within(mp.SPREAD_1W, band, pair, "week"), at_most(f"returns.{large}.1w", -MARKET_WEEK, large, "week"),
        at_most(f"returns.{small}.1w", -MARKET_WEEK + band, small, "week")]),
    Row("week_flat_up", lambda small, large, pair, band, drop: [
        within(mp.SPREAD_1W, band, pair, "week"), at_least(f"returns.{large}.1w", MARKET_WEEK, large, "week"),
        at_least(f"returns.{small}.1w", MARKET_WEEK - band, small, "week")]),
    Row("week_flat", lambda small, large, pair, band, drop: [within(mp.SPREAD_1W, band, pair, "week")]),
)
# The three-year gap.
GAP = (
    Row("gap_wide", lambda pair: [at_most(mp.SPREAD_3Y, -WIDE_GAP, pair, "long run")]),
    Row("gap_level", lambda pair: [within(mp.SPREAD_3Y, GAP_LEVEL, pair, "long run")]),
    Row("gap_moderate", lambda pair: [negative(mp.SPREAD_3Y, pair, "long run")]),
    Row("gap_small_ahead", lambda pair: [at_least(mp.SPREAD_3Y, 0, pair, "long run")]),
)
# Small caps against their reference-year high.
REFERENCE = (
    Row("ref_below", lambda small: [negative(mp.REFERENCE_HIGH_DISTANCE, small, "price")]),
    Row("ref_above", lambda small: [at_least(mp.REFERENCE_HIGH_DISTANCE, 0, small, "price")]),
)
_LH = mp.EVENTS_LARGE_FROM_HIGH
# The large-cap index against its own closing high.
LARGE_HIGH = (
    Row("large_record", lambda large: [at_extreme(is_(_LH, 0.0, large, "high", +1))]),
    Row("large_at_high", lambda large: [at_least(_LH, -AT_HIGH, large, "high", +1), negative(_LH, large, "distance")]),
    Row("large_near_high", lambda large: [at_least(_LH, -NEAR_HIGH, large, "high", +1),
                                          negative(_LH, large, "distance")]),
    Row("large_below_high", lambda large: [less_than(_LH, -NEAR_HIGH, large, "high", -1)]),
)
_N = mp.RATIOS_NARROWNESS_MOMENTUM_13W
# The large-cap index down this much over four weeks is a pullback: no "large-cap advance" to call narrow (a reader met
# it with SPY -7.2% over the month); a smaller dip leaves the quarter's advance standing.
PULLBACK = -0.01
# Equal- against cap-weight large caps over 13 weeks: a few tenths of a point either way is no story about
# participation. Narrowing while the index fell says nothing when the index has no 13-week return.
NARROWNESS = (
    Row("narrow_level", lambda ew, den, pair: [within(_N, NARROW_BAND, ew, "relative")]),
    # "a handful of the biggest names doing the lifting" only on a lag of NARROW_LAG or more (bands.py: the median
    # size of the gap; readers met it on 0.7 and 0.8 points)
    # "the large-cap advance" needs one: the index up over thirteen weeks and not down over the last four (a reader
    # met it with SPY -7.2% over four weeks); in a month it fell, the giants have held up in the pullback
    Row("narrow", lambda ew, den, pair: [at_most(_N, -NARROW_LAG, ew, "relative", -1),
                                         positive(f"returns.{den}.13w", den, "13w"),
                                         more_than(f"returns.{den}.4w", PULLBACK, den, "4w", 0)]),
    Row("narrow_slight", lambda ew, den, pair: [negative(_N, ew, "relative"), more_than(_N, -NARROW_LAG, ew, "band", 0),
                                                positive(f"returns.{den}.13w", den, "13w"),
                                                more_than(f"returns.{den}.4w", PULLBACK, den, "4w", 0)]),
    Row("narrow_pullback", lambda ew, den, pair: [negative(_N, ew, "relative"),
                                                  positive(f"returns.{den}.13w", den, "13w"),
                                                  at_most(f"returns.{den}.4w", PULLBACK, den, "4w", -1)]),
    Row("narrow_falling", lambda ew, den, pair: [negative(_N, ew, "relative"), Claim(_N, "<", 0.0, den, "relative", +1),
                                           at_most(f"returns.{den}.13w", 0, den, "13w")]),
    # equal weight ahead while the index fell: the giants fell harder, not "more of the market joining in"
    # (reader R2, 2022-03-11)
    Row("broadening_falling", lambda ew, den, pair: [at_least(_N, 0, ew, "relative"),
                                                     at_most(f"returns.{den}.13w", -SHOWN_ZERO, den, "13w")]),
    # "breadth like that is usually friendlier to smaller companies" only in a quarter small caps kept up; when
    # they lagged over the same thirteen weeks the week's own figures contradict it, and the words say so
    Row("broadening", lambda ew, den, pair: [at_least(_N, 0, ew, "relative"), at_least(mp.SPREAD_13W, 0, pair, "13w")]),
    Row("broadening_without_small", lambda ew, den, pair: [at_least(_N, 0, ew, "relative"),
                                                           negative(mp.SPREAD_13W, pair, "13w")]),
)


# Both indices' weeks, when the news lines tell them (generator/commentary/news.py), are not quoted again here.
BOTH_WEEKS = {"small_week", "large_week"}


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, band = r.m, r.settings.stance.flat_band
    small, large, pair = r.small, r.large, f"{r.small}-{r.large}"
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("divergence", key, subjects, facts, claims, **x)  # noqa
    week = []
    spread = m.spread.get("1w")
    rets = (r.ret(small, "1w", "small"), r.ret(large, "1w", "large"))
    subjects = (pair, small, large)
    if spread is None:
        week.append(say("week_unknown", pair))
    elif BOTH_WEEKS <= told_keys(m, events=False):
        # the standfirst (or the headline) told both indices' weeks with their rarity: not a third time here
        pass
    else:
        key, claims = choose(WEEK, r.view, small, large, pair, band, r.settings.risk.stress_week_drop)
        streak = ()
        if key == "week_slump_up_streak":
            # the streak is written in words, which the number check cannot read: claim it exactly
            streak = (Fact("streak", mp.EVENTS_RELATIVE_STREAK, pair, "count", "abs"),)
            claims = claims + [is_(mp.EVENTS_RELATIVE_STREAK, m.events.relative_streak, pair, "streak", -1)]
        extra = {}
        if key == "week_slump_down":
            # "a bad week for stocks" only at BAD_WEEK or worse for the large-cap index (bands.py); "a down week"
            # above it (readers met "bad week" at -0.7%)
            bad = (m.returns.get(large, {}).get("1w") or 0.0) <= BAD_WEEK
            claims = claims + [at_most(f"returns.{large}.1w", BAD_WEEK, large, "week", -1) if bad
                               else more_than(f"returns.{large}.1w", BAD_WEEK, large, "band", 0)]
            extra["bad"] = bad
        week.append(say(key, subjects, rets + streak, claims, **extra))
    if m.spread.get("13w") is not None:
        if m.spread.get("ytd") is not None and m.as_of.month > 3:
            # the quarter's and the year's spread are in the table every week: the prose gives way first (issue 26)
            week.append(say("spread_13w_ytd", pair, (Fact("q", mp.SPREAD_13W, pair, "pp"),
                                                    Fact("ytd", mp.SPREAD_YTD, pair, "pp")), optional=1))
        else:
            week.append(say("spread_13w", pair, (Fact("q", mp.SPREAD_13W, pair, "pp"),), optional=1))
    paragraphs = [tuple(week)]

    three = m.spread.get("3y")
    ret3 = (r.ret(small, "3y", "small"), r.ret(large, "3y", "large"), Fact("gap", mp.SPREAD_3Y, pair, "pp"))
    if three is None:
        if m.spread.get("52w") is not None:
            paragraphs.append((say("gap_short_history", pair, (Fact("one_year", mp.SPREAD_52W, pair, "pp"),)),))
    else:
        key, claims = choose(GAP, r.view, pair)
        # three years move little in a week: in a quiet week the gap is left to the table (claims.STANDING)
        gap = [say(key, (pair, small, large), ret3, claims, optional=STANDING)]
        one_week = [at_least(mp.SPREAD_1W, band, pair, "week")]
        if key == "gap_wide" and holds(one_week, r.view):
            gap.append(say("gap_one_week", pair, claims=one_week, optional=1))
        paragraphs.append(tuple(gap))

    ref = m.reference_high
    states = _drawdown_states(r, large_high_told=ref is not None)
    if ref is not None:
        facts = (Fact("price", mp.REFERENCE_HIGH_PRICE, small, "level"),
                 Fact("distance", mp.REFERENCE_HIGH_DISTANCE, small, "pct"),
                 Fact("year", mp.REFERENCE_HIGH_YEAR, small, "year"),
                 Fact("high", mp.REFERENCE_HIGH_HIGH, small, "level"),
                 Fact("high_date", mp.REFERENCE_HIGH_HIGH_DATE, small, "date"))
        key, claims = choose(REFERENCE, r.view, small)
        para = [say(key, small, facts, claims), states.get("small"), _large_high(r), states.get("large")]
        paragraphs.append(tuple(p for p in para if p is not None))
    elif states:
        paragraphs.append(tuple(states.values()))

    trend = m.ratios.get("narrowness")
    if trend is not None and trend.momentum.get("13w") is not None:
        ew, den = trend.numerator, trend.denominator
        facts = (Fact("move", mp.RATIOS_NARROWNESS_MOMENTUM_13W, ew, "pct"), r.ret(den, "13w", "den"))
        found = first(NARROWNESS, r.view, ew, den, f"{r.small}-{r.large}")
        if found is not None and found[0] == "narrow_pullback":
            facts = (facts[0], r.ret(den, "4w", "month"))      # the month the pullback is told by
        if found is not None:
            pair = f"{r.small}-{r.large}"
            paragraphs.append((say(found[0], (ew, den, pair) if found[0].startswith("broadening") else (ew, den),
                                   facts, found[1], ew=ew, den=den),))

    breadth = _breadth(r)
    if breadth:
        paragraphs.append(breadth)
    return tuple(paragraphs)


def breadth_lapsed(r: _Rules) -> bool:
    """Breadth is missing this week but was read the week before: enough members had a close at the previous
    week's last session and too few have one now. A data set that never had enough is a standing gap, not news."""
    h, floor = r.m.signals.breadth, r.settings.breadth.min_members
    if h is None:
        return False
    before = last_on_or_before(h.index, week_start(r.m.as_of) - timedelta(days=1))
    if before is None:
        return False
    now = h.row(pd.Timestamp(r.m.as_of))
    return h.with_data[h.index.get_loc(before)] >= floor and (now is None or h.with_data[now] < floor)


# A standing correction or bear market, measured as reporters do: the last close against the 52-week closing high,
# unless the index is still in a bear market from its peak (events `*_bear_low_date`: its lowest close since its
# highest close in the data was 20% or more below it, and it has not risen 20% from that low since): then it is in that
# bear market however its 52-week high has rolled down ("bear_cycle"). A 52-week window that drops the peak turned bear
# markets into "corrections" (readers RA, RC: SPY 26.7% below its March 2000 high in November 2001, 18% below its
# January 2022 high in March 2023); a bear market that ended with a 20% rise is not revived by the old peak (SPY's
# correction of August 2011, 23% below its 2007 peak in price).
def _peak(path: str) -> str:
    """The path of the index's distance from its highest close in the data, beside its 52-week one."""
    return path.replace("_from_52w_high", "_from_high")


def _low(path: str) -> str:
    """The path of the low of the index's standing bear market from its peak (events `bear_low`)."""
    return path.replace("_from_52w_high", "_bear_low_date")


DRAWDOWN_STATE = (
    # (20% under a 52-week high after a 20% rise from the low is a new bull market's climb, not a bear market: July 2009)
    Row("bear", lambda path, who: [at_most(path, -BEAR, who, "from 52w high", -1),
                                   is_not(_low(path), None, who, "bear market", -1)]),
    Row("bear_cycle", lambda path, who: [at_most(path, -CORRECTION, who, "from 52w high", -1),
                                         is_not(_low(path), None, who, "bear market", -1)]),
    Row("correction", lambda path, who: [at_most(path, -CORRECTION, who, "from 52w high", -1),
                                         more_than(path, -BEAR, who, "from 52w high", 0),
                                         is_(_low(path), None, who, "bear market", 0)]),
)


def _drawdown_states(r: _Rules, large_high_told: bool) -> dict[str, Sentence]:
    """Each index in a correction or a bear market names it, every week it stands there (a reader checks this
    first), unless the news told it crossing the line this week (generator/commentary/news.py). Placed after the
    sentence that gives the index's distance from its high: when that high is the 52-week one, the state refers
    back to it ("That is a bear market...") rather than give the figure twice."""
    out = {}
    ev = r.m.events
    items = r.m.news.items if r.m.news is not None else {}
    told_high = {"small": r.m.reference_high.high_date if r.m.reference_high is not None else None,
                 "large": ev.large_high_date if large_high_told else None}
    for prefix, who in (("small", r.small), ("large", r.large)):
        path = f"events.{prefix}_from_52w_high"
        if f"{prefix}_drawdown" in items:
            continue
        found = first(DRAWDOWN_STATE, r.view, path, who)
        if found is None:
            continue
        state, claims = found
        peak = state == "bear_cycle"
        day = getattr(ev, f"{prefix}_high_date" if peak else f"{prefix}_52w_high_date")
        word = state
        if peak:
            state, path = "bear", _peak(path)
        if day is not None and day == told_high[prefix] and word != "bear_cycle":
            # the large cap in the same state by the same yardstick as the small cap's just told: "too"
            too = "_too" if prefix == "large" and out.get("small") is not None \
                and out["small"].key == f"state_{state}_same" else ""
            out[prefix] = r.say("divergence", f"state_{state}_same{too}", who,
                                (Fact("line", f"news.bar.{state}", who, "pct"),), claims, follows=True, side=prefix)
        else:
            high_day = f"events.{prefix}_high_date" if peak else f"events.{prefix}_52w_high_date"
            facts = (Fact("fall", path, who, "pct"), Fact("day", high_day, who, "date"))
            if word == "bear_cycle":
                # (the convention's 20% rise from the low is the bear-market line's size)
                facts += (Fact("low", f"events.{prefix}_bear_low_date", who, "date"),
                          Fact("line", f"news.bar.{state}", who, "pct"))
            out[prefix] = r.say("divergence", f"state_{word if peak else state}", who, facts, claims, side=prefix)
    return out


def _large_high(r: _Rules) -> Sentence | None:
    """Where the large-cap index stands against its own record, beside the small-cap reference high."""
    ev, large = r.m.events, r.large
    if ev.large_from_high is None:
        return None
    facts = (Fact("distance", mp.EVENTS_LARGE_FROM_HIGH, large, "pct"),
             Fact("day", mp.EVENTS_LARGE_HIGH_DATE, large, "date"))
    # "a record" (or "the top of their range since <start>" on a shorter history); the closing high is the
    # highest close in the data by definition
    long, history = record_history(r, mp.EVENTS_LARGE_START, ev.large_start, large)
    facts += (Fact("start", mp.EVENTS_LARGE_START, large, "date"),)
    high = [by_definition(mp.EVENTS_LARGE_HIGH_DATE, large)] + history
    key, claims = choose(LARGE_HIGH, r.view, large)
    if key == "large_below_high":
        return r.say("divergence", key, large, facts, claims)
    if key == "large_record":
        return r.say("divergence", key, large, facts, claims + history, long=long)
    if key == "large_at_high":
        return r.say("divergence", key, large, facts, claims + high, tiny=abs(ev.large_from_high) < SHOWN_ZERO,
                     long=long)
    return r.say("divergence", key, large, facts, claims + high, long=long)


def _breadth(r: _Rules) -> Paragraph:
    """Breadth beneath the index: how many members were measured (and the survivorship caveat), the share below
    their reference-year high, the share above their 200-day average, the week's new highs against new lows,
    and the share that beat the large cap over 13 weeks. Each measure has its own topic, so a broad reading on
    one and a narrow one on another never read as a contradiction.

    Its choices stay plain `if`s: the view the decision tables test (generator.metrics.document.measures_view)
    has no breadth block, which metrics.json builds with the universe and needs the price data for."""
    b = r.m.breadth
    say = lambda key, facts=(), claims=(), **x: r.say("divergence", key, "breadth", facts, claims, **x)  # noqa
    if b is None:
        # a standing gap (a data set without enough single-stock prices) is stated once, on the methodology page;
        # the section's Data notes say so only in the week the readings go missing
        return (say("breadth_unavailable", kind="note"),) if breadth_lapsed(r) else ()
    fact = lambda name, path, unit, transform=None: Fact(name, f"breadth.{path}", "breadth", unit, transform)  # noqa
    band = BREADTH_BAND
    out = []

    as_of = r.settings.universe().as_of
    dated = as_of is not None
    # a list drawn up before this week misses later joiners and loses members that were delisted since; a list
    # drawn up after it misses the stocks that left the index before it was drawn up
    since = dated and r.m.as_of >= as_of
    out.append(say(("breadth_measured_since" if since else "breadth_measured") if dated else "breadth_measured_undated",
                   (fact("n", "with_data", "count"), fact("size", "members", "count"))
                   + ((fact("as_of", "universe.as_of", "date"),) if dated else ()), kind="note",
                   qualifies="breadth"))

    def split(path: str, topic: str) -> tuple[str, list]:
        """A share read as most (55% or more), about half, or few (45% or less), and the claim that says so."""
        share = getattr(b, path.split(".")[1])
        if share >= MOST:
            return "most", [at_least(path, MOST, "breadth", topic, +1)]
        if share <= FEW:
            return "few", [at_most(path, FEW, "breadth", topic, -1)]
        return "half", [more_than(path, FEW, "breadth", topic, 0), less_than(path, MOST, "breadth", topic, 0)]

    def trend(path: str, sense_falling: int) -> tuple[str, list]:
        """How a share moved over four weeks, and the claim that says so (`sense_falling`: the sense of a fall)."""
        change = getattr(b, path)
        full = f"breadth.{path}"
        if change is None:
            return "none", []
        if change > band:
            return "rising", [more_than(full, band, "breadth", path, -sense_falling)]
        if change < -band:
            return "falling", [less_than(full, -band, "breadth", path, sense_falling)]
        return "steady", [within(full, band, "breadth", path)]

    if b.share_below is not None:
        facts = (fact("below", "below_reference_high", "count"), fact("measured", "reference_measured", "count"),
                 fact("share", "share_below", "pct"), fact("year", "reference_year", "year"),
                 fact("before", "share_below_4w_ago", "pct"))
        if b.below_reference_high == 0:
            out.append(say("breadth_ref_all_recovered", facts,
                           [is_(mp.BREADTH_BELOW_REFERENCE_HIGH, 0, "breadth", "reference", +1)]))
        else:
            move, claims = trend("share_below_change_4w", +1)  # fewer below is better
            if b.share_below >= HALF:
                level = "most"
                claims.append(at_least(mp.BREADTH_SHARE_BELOW, HALF, "breadth", "reference", -1))
            else:
                level = "few"
                claims += [less_than(mp.BREADTH_SHARE_BELOW, HALF, "breadth", "reference", +1),
                           more_than(mp.BREADTH_BELOW_REFERENCE_HIGH, 0, "breadth", "reference_count", -1)]
            out.append(say(f"breadth_ref_{level}_{move}", facts, claims))

    if b.share_above_200d is not None:
        facts = (fact("above", "above_200d", "count"), fact("measured", "measured_200d", "count"),
                 fact("share", "share_above_200d", "pct"), fact("before", "share_above_200d_4w_ago", "pct"))
        if b.above_200d == 0:
            out.append(say("breadth_200d_none", facts, [is_(mp.BREADTH_ABOVE_200D, 0, "breadth", "200d", -1)]))
        else:
            move, claims = trend("share_above_200d_change_4w", -1)
            claims.append(more_than(mp.BREADTH_ABOVE_200D, 0, "breadth", "200d_count", +1))
            level, level_claims = split(mp.BREADTH_SHARE_ABOVE_200D, "200d")
            out.append(say(f"breadth_200d_{level}_{move}", facts, claims + level_claims))

    extras = len(out)  # highs and lows, and the 13-week count: the first breadth sentences to give way
    if b.measured_52w:
        facts = (fact("highs", "new_highs", "count"), fact("lows", "new_lows", "count"),
                 fact("net", "net_new_highs", "count", "abs"), fact("measured", "measured_52w", "count"))
        if b.new_highs == b.new_lows == 0:
            out.append(say("breadth_highs_lows_none", facts, [is_(mp.BREADTH_NEW_HIGHS, 0, "breadth", "highs_lows"),
                                                              is_(mp.BREADTH_NEW_LOWS, 0, "breadth", "highs_lows")]))
        elif b.new_highs > b.new_lows:
            out.append(say("breadth_highs_lows_more_highs", facts,
                           [exceeds(mp.BREADTH_NEW_HIGHS, mp.BREADTH_NEW_LOWS, "breadth", "highs_lows", +1)]))
        elif b.new_lows > b.new_highs:
            out.append(say("breadth_highs_lows_more_lows", facts,
                           [exceeds(mp.BREADTH_NEW_LOWS, mp.BREADTH_NEW_HIGHS, "breadth", "highs_lows", -1)]))
        else:
            out.append(say("breadth_highs_lows_even", facts, [is_(mp.BREADTH_NET_NEW_HIGHS, 0, "breadth",
                                                                  "highs_lows")]))

    if b.share_beat_large_13w is not None:
        facts = (fact("beat", "beat_large_13w", "count"), fact("measured", "measured_13w", "count"),
                 fact("share", "share_beat_large_13w", "pct"))
        if b.beat_large_13w == 0:
            out.append(say("breadth_13w_none", facts, [is_(mp.BREADTH_BEAT_LARGE_13W, 0, "breadth", "13w", -1)]))
        else:
            level, claims = split(mp.BREADTH_SHARE_BEAT_LARGE_13W, "13w")
            out.append(say(f"breadth_13w_{level}", facts,
                           claims + [more_than(mp.BREADTH_BEAT_LARGE_13W, 0, "breadth", "13w_count", +1)]))
    out[extras:] = [replace(s, optional=1) for s in out[extras:]]
    return tuple(out)
