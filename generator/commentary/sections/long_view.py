"""The long view: the ratio against its peak, its trend against the moving averages, momentum, and the
history of breakouts."""

from __future__ import annotations

from generator.commentary.bands import TREND_MARGIN
from generator.commentary.claims import (STANDING, Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most,
                                         exceeds, is_, is_not, less_than, more_than, negative, positive, sign_of)
from generator.commentary.rules import SHOWN_ZERO, _Rules, record_history
from generator.commentary.table import Row, choose, holds
from generator.metrics import paths as mp

# The ratio this far below its 200-day average has "cracked" its uptrend, not merely tested it.
CRACKED = 0.03

# The ratio more than this below its peak is far from it ("a long way below").
FAR_FROM_PEAK = 0.25


def _new_high(pair: str) -> list[Claim]:
    return [at_extreme(is_(mp.RATIO_DRAWDOWN_FROM_PEAK, 0.0, pair, "peak", +1))]


def _below(pair: str) -> Claim:
    return negative(mp.RATIO_DRAWDOWN_FROM_PEAK, pair, "distance")


# The heading: a new high today, a peak within the year, or the years since it.
HEADING = (
    Row("heading_new_high", _new_high),
    Row("heading_recent", lambda pair: [less_than(mp.RATIO_YEARS_SINCE_PEAK, 1, pair, "age", 0)]),
    Row("heading", lambda pair: [at_least(mp.RATIO_YEARS_SINCE_PEAK, 1, pair, "age", 0)]),
)
# Below the peak: how long ago it was.
AGE = (
    Row("peak_age", lambda pair: [at_least(mp.RATIO_YEARS_SINCE_PEAK, 1, pair, "age", 0)]),
    Row("peak_recent", lambda pair: [less_than(mp.RATIO_YEARS_SINCE_PEAK, 1, pair, "age", 0), _below(pair)]),
)
# A peak a year or more ago: how far below it the ratio is, and whether a breakout is under way.
DISTANCE = (
    Row("peak_far", lambda pair: [less_than(mp.RATIO_DRAWDOWN_FROM_PEAK, -FAR_FROM_PEAK, pair, "peak"),
                                  is_(mp.BREAKOUTS_CURRENT, None, pair, "current breakout", -1), _below(pair)]),
    Row("peak_far_trying", lambda pair: [less_than(mp.RATIO_DRAWDOWN_FROM_PEAK, -FAR_FROM_PEAK, pair, "peak"),
                                         _below(pair),
                                         is_not(mp.BREAKOUTS_CURRENT, None, pair, "current breakout", +1)]),
    Row("peak_near", lambda pair: [at_least(mp.RATIO_DRAWDOWN_FROM_PEAK, -FAR_FROM_PEAK, pair, "peak", +1),
                                   _below(pair)]),
)
_D = mp.RATIO_DISTANCE_FROM_SMA_LONG
# The ratio against its 200-day average, and the 50-day against the 200-day.
TREND = (
    # "the trend favours small caps" only with TREND_MARGIN above the 200-day average (bands.py); nearer, the averages
    # are told without the verdict
    Row("trend_above_both", lambda pair: [at_least(_D, TREND_MARGIN, pair, "trend"),
                                          exceeds(mp.RATIO_SMA_SHORT, mp.RATIO_SMA_LONG, pair, "averages")]),
    Row("trend_above_both_thin", lambda pair: [positive(_D, pair, "trend"), less_than(_D, TREND_MARGIN, pair, "margin", 0),
                                               exceeds(mp.RATIO_SMA_SHORT, mp.RATIO_SMA_LONG, pair, "averages")]),
    Row("trend_above_long", lambda pair: [positive(_D, pair, "trend"),
                                          Claim(mp.RATIO_SMA_SHORT, "<=", None, pair, "averages", -1,
                                                mp.RATIO_SMA_LONG)]),
    Row("trend_above_long_only", lambda pair: [positive(_D, pair, "trend")]),
    Row("trend_below_long_cracked", lambda pair: [at_most(_D, -CRACKED, pair, "trend"),
                                                  exceeds(mp.RATIO_SMA_SHORT, mp.RATIO_SMA_LONG, pair, "averages")]),
    Row("trend_below_long_crossed", lambda pair: [at_most(_D, 0, pair, "trend"),
                                                  exceeds(mp.RATIO_SMA_SHORT, mp.RATIO_SMA_LONG, pair, "averages"),
                                                  more_than(_D, -CRACKED, pair, "trend depth", 0)]),
    # the week it crossed below (news' trend_cross): "remains below" would say it was below last week too
    Row("trend_below_long_new", lambda pair: [at_most(_D, 0, pair, "trend"),
                                              is_(mp.NEWS_ITEMS_TREND_CROSS_LABEL, "below", pair, "cross", -1)]),
    Row("trend_below_long", lambda pair: [at_most(_D, 0, pair, "trend")]),
)


# The TREND rows whose words say "uptrend": with the ratio down over 52 weeks they say so too.
UPTREND_ROWS = ("trend_above_both", "trend_above_both_thin", "trend_below_long_crossed", "trend_below_long_cracked")


# A move above the 200-day average that ended this many days ago or less is the long view's news: it leads the
# section, dated, before the peak (readers met an advance that rolled over this week told as "even the longer
# advances eventually rolled over", and "the latest failed move began in July 2012" in April 2014).
RECENT_TURN_DAYS = 28


def recent_turn(r: _Rules) -> list[Sentence]:
    """The move above the 200-day average that ended in the last RECENT_TURN_DAYS, dated with its start and end:
    the section's first sentence. Nothing when none did, or while a new move is under way (the breakout sentence
    tells that one)."""
    from datetime import timedelta

    b, pair = r.m.breakouts, r.pair
    ended = [(e.end, kind, i) for kind, moves in (("failed", b.failed), ("sustained", b.sustained))
             for i, e in enumerate(moves) if e.end is not None]
    if not ended or b.current is not None or (r.m.ratio.distance_from_sma_long or 0) > 0:
        return []   # (back above the average inside the merge gap: the move may yet resume, no turn to lead with)
    end, kind, i = max(ended)
    bound = (r.m.as_of - timedelta(days=RECENT_TURN_DAYS)).isoformat()
    if end.isoformat() < bound:
        return []
    path = f"breakouts.{kind}.{i}"
    return [r.say("long-view", f"turn_ended_{kind}", pair,
                  (Fact("start", f"{path}.start", pair, "date"), Fact("end", f"{path}.end", pair, "date")),
                  [Claim(f"{path}.end", ">=", bound, pair, "recent turn", -1),
                   positive(f"{path}.peak_excess", pair, "move above"),   # "the advance above it"
                   at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, 0, pair, "trend")]
                  + ([Claim(f"{path}.end", ">=", r.m.week_start.isoformat(), pair, "this week", 0)]
                     if end >= r.m.week_start else []),
                  this_week=end >= r.m.week_start, core=True)]


# A peak a year or more old that the ratio came within this of in the last 26 weeks (ratio.recent_high_to_peak) was
# nearly matched: the section says so and dates it (readers met "a peak more than 2 years old" five weeks after the
# ratio closed within 0.05% of it).
NEAR_MISS = 0.02


def near_miss(r: _Rules) -> list[Sentence]:
    """The ratio's recent high, when it came within NEAR_MISS of a peak a year or more old, and how far the ratio
    is below that high now."""
    ratio, pair = r.m.ratio, r.pair
    gap = ratio.recent_high_to_peak
    if gap is None or gap < -NEAR_MISS or ratio.recent_high_date is None or ratio.recent_high_date == ratio.peak_date:
        return []
    if not ratio.recent_high or ratio.value / ratio.recent_high - 1 > -NEAR_MISS:
        return []   # still at its recent high: the distance from the peak says it all
    p = mp.RATIO_RECENT_HIGH
    return [r.say("long-view", "peak_nearly_matched", pair,
                  (Fact("day", f"{p}_date", pair, "date"), Fact("gap", f"{p}_to_peak", pair, "pct"),
                   Fact("high", p, pair, "level")),
                  [at_least(f"{p}_to_peak", -NEAR_MISS, pair, "near peak", 0),
                   Claim(f"{p}_to_peak", "<", 0.0, pair, "near peak", 0)], tiny=abs(gap) < SHOWN_ZERO, core=True)]


def momentum_label(ups: int, n: int) -> str:
    """The momentum label for `ups` positive lookbacks of `n` known (neither none nor all): "mostly_up" when
    more are up than down, "mixed" for an even split, "mostly_down" otherwise."""
    return "mostly_up" if 2 * ups > n else "mixed" if 2 * ups == n else "mostly_down"


def heading(r: _Rules) -> Sentence:
    fact = (Fact("years", mp.RATIO_YEARS_SINCE_PEAK, r.pair, "years"),)
    key, claims = choose(HEADING, r.view, r.pair)
    if key == "heading_new_high":
        long, history = record_history(r, mp.RATIO_START, r.m.ratio.start, r.pair)
        return r.say("long-view", key if long else "heading_new_high_short", r.pair,
                     () if long else (Fact("start", mp.RATIO_START, r.pair, "date"),), claims + history)
    return r.say("long-view", key, r.pair, fact, claims)


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, pair = r.m, r.pair
    # a distance that prints as 0.0% is written "just above/below" (x.tiny), never "0.0% above"
    tiny_dd = abs(m.ratio.drawdown_from_peak or 0) < SHOWN_ZERO
    tiny_d = m.ratio.distance_from_sma_long is not None and abs(m.ratio.distance_from_sma_long) < SHOWN_ZERO
    say = lambda key, subjects=pair, facts=(), claims=(), **x: r.say(  # noqa: E731
        "long-view", key, subjects, facts, claims, **{"tiny": tiny_d if key.startswith("trend") else tiny_dd, **x})
    ratio = m.ratio
    peak = (Fact("peak", mp.RATIO_PEAK_VALUE, pair, "level"), Fact("peak_date", mp.RATIO_PEAK_DATE, pair, "date"),
            Fact("years", mp.RATIO_YEARS_SINCE_PEAK, pair, "years"), Fact("value", mp.RATIO_VALUE, pair, "level"),
            Fact("drawdown", mp.RATIO_DRAWDOWN_FROM_PEAK, pair, "pct"))
    new_high = _new_high(pair)
    at_high = holds(new_high, r.view)
    if at_high:
        long, history = record_history(r, mp.RATIO_START, ratio.start, pair)
        first = [say("peak_today" if long else "peak_today_short", pair,
                     peak + (Fact("start", mp.RATIO_START, pair, "date"),), new_high + history)]
    else:
        age, claims = choose(AGE, r.view, pair)
        if age == "peak_age":
            # a peak a year or more old is the heading's, with its age: one sentence places the ratio against it
            # (readers met the peak's value and date, then the distance, every week for years)
            key, claims = choose(DISTANCE, r.view, pair)
            # the distance from a peak years old moves little in a week: it stands (claims.STANDING), left to the
            # heading and the chart in a quiet week, unless a breakout is under way ("peak_far_trying")
            first = [say(key, pair, peak, claims, optional=0 if key == "peak_far_trying" else STANDING)] + near_miss(r)
        else:
            first = [say("peak", pair, peak), say(age, pair, peak, claims)]
    paragraphs = [tuple(recent_turn(r) + first)]

    second = []
    dist: tuple[Fact, ...] = (Fact("distance", mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "pct"),)
    if ratio.sma_long is None:
        second.append(say("trend_short_history", kind="note"))
    else:
        key, claims = choose(TREND, r.view, pair)
        # "uptrend" (the 50-day above the 200-day) is said with the year beside it when the ratio is down over 52
        # weeks (readers met "the textbook sign of a relative uptrend" with the ratio down on the year)
        year = ratio.momentum.get("52w")
        down_year = key in UPTREND_ROWS and year is not None and year <= -SHOWN_ZERO
        if down_year:
            dist += (Fact("year", mp.RATIO_MOMENTUM_52W, pair, "pct"),)
            claims = claims + [at_most(mp.RATIO_MOMENTUM_52W, -SHOWN_ZERO, pair, "momentum 52w")]
        second.append(say(key, pair, dist, claims, down_year=down_year))
    known = {k: v for k, v in ratio.momentum.items() if v is not None}
    if known:
        ups = sum(v > 0 for v in known.values())
        shortest = f"{min(int(k[:-1]) for k in known)}w"
        if ups == len(known):
            second.append(say("momentum_all_up", pair, (), [positive(f"ratio.momentum.{k}", pair, f"momentum {k}")
                                                            for k in known]))
        elif ups == 0:
            second.append(say("momentum_all_down", pair, (), [at_most(f"ratio.momentum.{k}", 0, pair, f"momentum {k}")
                                                              for k in known]))
        else:
            # labelled by count (readers met "mixed" for three of four and "up over only three"): more up than
            # down is mostly positive, an even split mixed, fewer mostly negative; the shortest lookback is told
            # as agreeing with the label or not
            short = known[shortest]
            label_key = momentum_label(ups, len(known))
            second.append(say(f"momentum_{label_key}", pair, (Fact("ups", mp.RATIO_MOMENTUM_UP, pair, "count"),
                                                              Fact("n", mp.RATIO_MOMENTUM_KNOWN, pair, "count")),
                              [sign_of(f"ratio.momentum.{k}", v, pair, f"momentum {k}") for k, v in known.items()]
                              + [is_(mp.RATIO_MOMENTUM_UP, ups, pair, "momentum count"),
                                 is_(mp.RATIO_MOMENTUM_KNOWN, len(known), pair, "momentum count")],
                              weeks=int(shortest[:-1]), short="up" if short > 0 else "down"))
    paragraphs.append(tuple(second))

    b = m.breakouts
    failed, sustained = len(b.failed), len(b.sustained)
    counts = (Fact("failed", mp.BREAKOUTS_FAILED_COUNT, pair, "count"),
              Fact("sustained", mp.BREAKOUTS_SUSTAINED_COUNT, pair, "count"),
              Fact("total", mp.BREAKOUTS_EPISODES, pair, "count"),
              Fact("limit", mp.BREAKOUTS_LIMIT_WEEKS, pair, "count"))
    # Counts up to ten are written in words, which the number check cannot read: claim them exactly.
    exact = [is_(mp.BREAKOUTS_FAILED_COUNT, failed, pair, "failed count"),
             is_(mp.BREAKOUTS_SUSTAINED_COUNT, sustained, pair, "sustained count")]
    if at_high:
        # the peak is this week: nothing is "since the peak" (readers met "since the peak the ratio has not managed a
        # lasting move above its 200-day average" in a week of a new high); the move that carried it there is told
        if b.current is not None:
            paragraphs.append((say("breakout_at_high", pair, (Fact("start", "breakouts.current.start", pair, "date"),),
                                   new_high + [positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend")]),))
    elif b.current is not None:
        # "above since <start>" holds only without dips below inside the move (runs bridge short dips)
        start = (Fact("start", "breakouts.current.start", pair, "date"),
                 Fact("dips", "breakouts.current.dips", pair, "count"))
        exact.append(is_("breakouts.current.dips", b.current.dips, pair, "dips below the average",
                         -1 if b.current.dips else 0))
        dips = exact[-1]
        if failed + sustained == 0:
            paragraphs.append((say("breakout_first", pair, counts + start,
                                   [positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend"),
                                    is_(mp.BREAKOUTS_EPISODES, 0, pair, "breakouts"), dips]),))
        elif sustained == 0:
            paragraphs.append((say("breakout_in_progress_all_failed", pair, counts + start,
                                   [positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend"),
                                    at_least(mp.BREAKOUTS_EPISODES, 1, pair, "breakouts", 0),
                                    Claim(mp.BREAKOUTS_FAILED_COUNT, ">=", 1, pair, "failed breakouts", -1)] + exact),))
        else:
            paragraphs.append((say("breakout_in_progress", pair, counts + start,
                                   [positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair, "trend"),
                                    at_least(mp.BREAKOUTS_EPISODES, 1, pair, "breakouts", 0),
                                    Claim(mp.BREAKOUTS_FAILED_COUNT, ">=", 0, pair, "failed breakouts", -1)] + exact),))
    elif b.failed:
        last = f"breakouts.failed.{failed - 1}"
        paragraphs.append((say("breakouts_failed", pair,
                               counts + (Fact("start", f"{last}.start", pair, "date"),
                                         Fact("excess", f"{last}.peak_excess", pair, "pct")),
                               [at_least(mp.BREAKOUTS_FAILED_COUNT, 1, pair, "breakouts", 0),
                                positive(f"{last}.peak_excess", pair, "failed breakout")] + exact),))
    elif b.sustained:
        paragraphs.append((say("breakouts_sustained_only", pair, counts,
                               [is_(mp.BREAKOUTS_FAILED_COUNT, 0, pair, "breakouts"),
                                at_least(mp.BREAKOUTS_SUSTAINED_COUNT, 1, pair, "breakouts", +1)] + exact),))
    elif b.above_since_peak:
        paragraphs.append((say("above_since_peak", pair, (), [is_(mp.BREAKOUTS_ABOVE_SINCE_PEAK, True, pair,
                                                                  "breakouts"),
                                                              positive(mp.RATIO_DISTANCE_FROM_SMA_LONG, pair,
                                                                       "trend")]),))
    else:
        paragraphs.append((say("breakouts_none", pair, (), [is_(mp.BREAKOUTS_EPISODES, 0, pair, "breakouts"),
                                                            is_(mp.BREAKOUTS_ABOVE_SINCE_PEAK, False, pair,
                                                                "breakouts")]),))
    return tuple(paragraphs)
