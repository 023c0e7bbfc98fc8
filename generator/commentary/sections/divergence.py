"""The gap: this week's relative move, the three-year gap, the small-cap reference high beside the large
caps' own record, participation among large caps, and breadth beneath the small-cap index."""

from __future__ import annotations

from dataclasses import replace

from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most, by_definition,
                                         exceeds, is_, less_than, more_than, negative, positive, within)
from generator.commentary.rules import SHOWN_ZERO, _Rules, record_history

# Three-year returns within this of each other are "about the same".
GAP_LEVEL = 0.005
# Equal- versus cap-weight large caps within this over 13 weeks: participation is neither narrow nor widening.
NARROW_BAND = 0.005
# A change in the share of the universe below its reference high smaller than this is "unchanged".
BREADTH_BAND = 0.02


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
    else:
        s1, l1 = m.returns[small]["1w"], m.returns[large]["1w"]
        streak = m.events.relative_streak
        S, L = f"returns.{small}.1w", f"returns.{large}.1w"
        flat = lambda path: within(path, SHOWN_ZERO, small if path == S else large, "week")  # noqa: E731
        up = lambda path: at_least(path, SHOWN_ZERO, small if path == S else large, "week")  # noqa: E731
        down = lambda path: at_most(path, -SHOWN_ZERO, small if path == S else large, "week")  # noqa: E731
        # a return that prints as 0.0% is "went nowhere", never "gained" or "fell"
        side = lambda v: "flat" if abs(v) < SHOWN_ZERO else "up" if v > 0 else "down"  # noqa: E731
        ahead = at_least("spread.1w", band, pair, "week")
        behind = at_most("spread.1w", -band, pair, "week")
        if spread >= band:
            key, claims = {
                ("up", "up"): ("week_rally_up", [up(S), up(L)]),
                ("up", "flat"): ("week_rally_flat_market", [up(S), flat(L)]),
                ("up", "down"): ("week_rally_against", [up(S), down(L)]),
                ("flat", "down"): ("week_rally_held", [flat(S), down(L)]),
                ("down", "down"): ("week_rally_down", [down(S), down(L)]),
            }[(side(s1), side(l1))]
            week.append(say(key, subjects, rets, [ahead] + claims))
        elif spread <= -band:
            if side(l1) == "down":
                week.append(say("week_slump_down", subjects, rets, [behind, down(L), down(S)]))
            elif side(l1) == "flat":
                week.append(say("week_slump_flat_market", subjects, rets, [behind, flat(L), down(S)]))
            elif streak <= -2:
                week.append(say("week_slump_up_streak", subjects, rets + (Fact("streak", "events.relative_streak",
                                                                               pair, "count", "abs"),),
                                [behind, up(L), is_("events.relative_streak", streak, pair, "streak", -1)]))
            else:
                week.append(say("week_slump_up", subjects, rets, [behind, up(L)]
                                + [Claim("events.relative_streak", ">", -2, pair, "streak", 0)]))
        elif m.events.large_week is not None and m.events.large_week <= r.settings.risk.stress_week_drop:
            week.append(say("week_flat_selloff", subjects, rets, [within("spread.1w", band, pair, "week"),
                                                                  at_most("events.large_week",
                                                                          r.settings.risk.stress_week_drop, large,
                                                                          "week")]))
        else:
            week.append(say("week_flat", subjects, rets, [within("spread.1w", band, pair, "week")]))
    if m.spread.get("13w") is not None:
        if m.spread.get("ytd") is not None and m.as_of.month > 3:
            week.append(say("spread_13w_ytd", pair, (Fact("q", "spread.13w", pair, "pct"),
                                                    Fact("ytd", "spread.ytd", pair, "pct"))))
        else:
            week.append(say("spread_13w", pair, (Fact("q", "spread.13w", pair, "pct"),)))
    paragraphs = [tuple(week)]

    three = m.spread.get("3y")
    ret3 = (r.ret(small, "3y", "small"), r.ret(large, "3y", "large"), Fact("gap", "spread.3y", pair, "pct"))
    if three is None:
        if m.spread.get("52w") is not None:
            paragraphs.append((say("gap_short_history", pair, (Fact("one_year", "spread.52w", pair, "pct"),)),))
    elif three <= -0.25:
        gap = [say("gap_wide", (pair, small, large), ret3, [at_most("spread.3y", -0.25, pair, "long run")])]
        if spread is not None and spread >= band:
            gap.append(say("gap_one_week", pair, claims=[at_least("spread.1w", band, pair, "week")], optional=1))
        paragraphs.append(tuple(gap))
    elif abs(three) < GAP_LEVEL:
        paragraphs.append((say("gap_level", (pair, small, large), ret3,
                               [within("spread.3y", GAP_LEVEL, pair, "long run")]),))
    elif three < 0:
        paragraphs.append((say("gap_moderate", (pair, small, large), ret3,
                               [negative("spread.3y", pair, "long run")]),))
    else:
        paragraphs.append((say("gap_small_ahead", (pair, small, large), ret3,
                               [at_least("spread.3y", 0, pair, "long run")]),))

    ref = m.reference_high
    if ref is not None:
        facts = (Fact("price", "reference_high.price", small, "level"),
                 Fact("distance", "reference_high.distance", small, "pct"),
                 Fact("year", "reference_high.year", small, "year"),
                 Fact("high", "reference_high.high", small, "level"),
                 Fact("high_date", "reference_high.high_date", small, "date"))
        para = []
        if ref.distance < 0:
            para.append(say("ref_below", small, facts, [negative("reference_high.distance", small, "price")]))
        else:
            para.append(say("ref_above", small, facts, [at_least("reference_high.distance", 0, small, "price")]))
        para.append(_large_high(r))
        paragraphs.append(tuple(p for p in para if p is not None))

    trend = m.ratios.get("narrowness")
    if trend is not None and trend.momentum.get("13w") is not None:
        ew, den = trend.numerator, trend.denominator
        facts = (Fact("move", "ratios.narrowness.momentum.13w", ew, "pct"), r.ret(den, "13w", "den"))
        den13 = m.returns.get(den, {}).get("13w")
        if abs(trend.momentum["13w"]) < NARROW_BAND:
            # a few tenths of a point either way is no story about participation
            paragraphs.append((say("narrow_level", (ew, den), facts, [within("ratios.narrowness.momentum.13w",
                                                                             NARROW_BAND, ew, "relative")],
                                   ew=ew, den=den),))
        elif trend.momentum["13w"] < 0 and den13 is not None and den13 > 0:
            paragraphs.append((say("narrow", (ew, den), facts, [negative("ratios.narrowness.momentum.13w", ew,
                                                                         "relative"),
                                                                positive(f"returns.{den}.13w", den, "13w")],
                                   ew=ew, den=den),))
        elif trend.momentum["13w"] < 0 and den13 is not None:
            paragraphs.append((say("narrow_falling", (ew, den), facts,
                                   [negative("ratios.narrowness.momentum.13w", ew, "relative"),
                                    Claim("ratios.narrowness.momentum.13w", "<", 0.0, den, "relative", +1),
                                    at_most(f"returns.{den}.13w", 0, den, "13w")], ew=ew, den=den),))
        elif trend.momentum["13w"] >= 0:
            paragraphs.append((say("broadening", (ew, den), facts, [at_least("ratios.narrowness.momentum.13w", 0, ew,
                                                                             "relative")], ew=ew, den=den),))

    paragraphs.append(_breadth(r))
    return tuple(paragraphs)


def _large_high(r: _Rules) -> Sentence | None:
    """Where the large-cap index stands against its own record, beside the small-cap reference high."""
    ev, large = r.m.events, r.large
    if ev.large_from_high is None:
        return None
    facts = (Fact("distance", "events.large_from_high", large, "pct"),
             Fact("day", "events.large_high_date", large, "date"))
    # "a record" (or "the top of their range since <start>" on a shorter history); the closing high is the
    # highest close in the data by definition
    long, history = record_history(r, "events.large_start", ev.large_start, large)
    facts += (Fact("start", "events.large_start", large, "date"),)
    high = [by_definition("events.large_high_date", large)] + history
    if ev.large_from_high == 0:
        return r.say("divergence", "large_record", large, facts,
                     [at_extreme(is_("events.large_from_high", 0.0, large, "high", +1))] + history, long=long)
    if ev.large_from_high >= -0.005:
        return r.say("divergence", "large_at_high", large, facts,
                     [at_least("events.large_from_high", -0.005, large, "high", +1),
                      negative("events.large_from_high", large, "distance")] + high,
                     tiny=abs(ev.large_from_high) < SHOWN_ZERO, long=long)
    if ev.large_from_high >= -0.05:
        return r.say("divergence", "large_near_high", large, facts,
                     [at_least("events.large_from_high", -0.05, large, "high", +1),
                      negative("events.large_from_high", large, "distance")] + high, long=long)
    return r.say("divergence", "large_below_high", large, facts,
                 [less_than("events.large_from_high", -0.05, large, "high", -1)])


def _breadth(r: _Rules) -> Paragraph:
    """Breadth beneath the index: how many members were measured (and the survivorship caveat), the share below
    their reference-year high, the share above their 200-day average, the week's new highs against new lows,
    and the share that beat the large cap over 13 weeks. Each measure has its own topic, so a broad reading on
    one and a narrow one on another never read as a contradiction."""
    b = r.m.breadth
    say = lambda key, facts=(), claims=(), **x: r.say("divergence", key, "breadth", facts, claims, **x)  # noqa
    if b is None:
        return (say("breadth_unavailable", kind="note"),)
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
                   + ((fact("as_of", "universe.as_of", "date"),) if dated else ()), kind="note"))

    def split(path: str, topic: str) -> tuple[str, list]:
        """A share read as most (55% or more), about half, or few (45% or less), and the claim that says so."""
        share = getattr(b, path.split(".")[1])
        if share >= 0.55:
            return "most", [at_least(path, 0.55, "breadth", topic, +1)]
        if share <= 0.45:
            return "few", [at_most(path, 0.45, "breadth", topic, -1)]
        return "half", [more_than(path, 0.45, "breadth", topic, 0), less_than(path, 0.55, "breadth", topic, 0)]

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
                           [is_("breadth.below_reference_high", 0, "breadth", "reference", +1)]))
        else:
            move, claims = trend("share_below_change_4w", +1)  # fewer below is better
            if b.share_below >= 0.5:
                level = "most"
                claims.append(at_least("breadth.share_below", 0.5, "breadth", "reference", -1))
            else:
                level = "few"
                claims += [less_than("breadth.share_below", 0.5, "breadth", "reference", +1),
                           more_than("breadth.below_reference_high", 0, "breadth", "reference_count", -1)]
            out.append(say(f"breadth_ref_{level}_{move}", facts, claims))

    if b.share_above_200d is not None:
        facts = (fact("above", "above_200d", "count"), fact("measured", "measured_200d", "count"),
                 fact("share", "share_above_200d", "pct"), fact("before", "share_above_200d_4w_ago", "pct"))
        if b.above_200d == 0:
            out.append(say("breadth_200d_none", facts, [is_("breadth.above_200d", 0, "breadth", "200d", -1)]))
        else:
            move, claims = trend("share_above_200d_change_4w", -1)
            claims.append(more_than("breadth.above_200d", 0, "breadth", "200d_count", +1))
            level, level_claims = split("breadth.share_above_200d", "200d")
            out.append(say(f"breadth_200d_{level}_{move}", facts, claims + level_claims))

    extras = len(out)  # highs and lows, and the 13-week count: the first breadth sentences to give way
    if b.measured_52w:
        facts = (fact("highs", "new_highs", "count"), fact("lows", "new_lows", "count"),
                 fact("net", "net_new_highs", "count", "abs"), fact("measured", "measured_52w", "count"))
        if b.new_highs == b.new_lows == 0:
            out.append(say("breadth_highs_lows_none", facts, [is_("breadth.new_highs", 0, "breadth", "highs_lows"),
                                                              is_("breadth.new_lows", 0, "breadth", "highs_lows")]))
        elif b.new_highs > b.new_lows:
            out.append(say("breadth_highs_lows_more_highs", facts,
                           [exceeds("breadth.new_highs", "breadth.new_lows", "breadth", "highs_lows", +1)]))
        elif b.new_lows > b.new_highs:
            out.append(say("breadth_highs_lows_more_lows", facts,
                           [exceeds("breadth.new_lows", "breadth.new_highs", "breadth", "highs_lows", -1)]))
        else:
            out.append(say("breadth_highs_lows_even", facts, [is_("breadth.net_new_highs", 0, "breadth",
                                                                  "highs_lows")]))

    if b.share_beat_large_13w is not None:
        facts = (fact("beat", "beat_large_13w", "count"), fact("measured", "measured_13w", "count"),
                 fact("share", "share_beat_large_13w", "pct"))
        if b.beat_large_13w == 0:
            out.append(say("breadth_13w_none", facts, [is_("breadth.beat_large_13w", 0, "breadth", "13w", -1)]))
        else:
            level, claims = split("breadth.share_beat_large_13w", "13w")
            out.append(say(f"breadth_13w_{level}", facts,
                           claims + [more_than("breadth.beat_large_13w", 0, "breadth", "13w_count", +1)]))
    out[extras:] = [replace(s, optional=1) for s in out[extras:]]
    return tuple(out)
