"""The record, argued: what our past calls say about this week's call (the end of the positioning section).

Three or four short sentences, worded in templates/words/track.html (Sentence.words):

1. the base rate of THIS week's call: how often calls of this kind were right over the following 13 weeks,
   with the sample size, graded from the interval generator.metrics.track computes (`grade`): beyond chance
   for or against ("trust", "wrong") when the 95% interval excludes 50%; otherwise "no better than a coin
   toss so far" from TOO_SOON scored calls on, and "too soon to grade" only below that (never with a rate);
2. the last five years, only when the rate there differs materially (LATELY_GAP) from all history;
3. whether following the calls has beaten simply holding either side, annualised since the first call;
4. how much conviction the record lends this week's call (`conviction`), only when it adds to the grade:
   "firm" when the call has earned trust and following the calls beat holding both sides, "some" when it beat
   one, "light" when it beat neither or the rate is only better on its face, "little" when the record runs
   against the call. A coin toss or a call too young to grade gets no closing line: the grade has said it.

Every figure is a path into metrics.json's `track_record` block (generator/metrics/track.py), and every
confidence word is a declared claim over the interval, the sample and the edges there, so the fact-check
verifies the words. The full tables (every stance, every horizon, the last 52 weeks, the latest scored call)
are printed below the passage (templates/sections/_09_positioning.html). The record is stated as what the
rules said at the time and what followed: never what they "should" have said.
"""

from __future__ import annotations

from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_least, at_most, exceeds, is_,
                                         less_than, more_than, within)
from generator.metrics.stance import LABELS, ORDER
from generator.metrics.track import COIN_WIDTH, LATELY_WEEKS
from generator.metrics import paths as mp

WORDS = "track"
HORIZON = "13w"            # the horizon the passage quotes (metrics.json has 4, 13 and 26 weeks)
# The passage needs this many scored calls of a kind before it quotes their hit rate.
MIN_SCORED = 8
# The last five years are worth a clause only when their hit rate differs from all history's by this much
# (ten points) and they hold at least this many scored calls (two independent 13-week windows).
LATELY_GAP, LATELY_MIN = 0.10, 26
# Following the calls within this of holding one side (a quarter point a year) has "matched" it; beyond it,
# "beaten" or "trailed".
EDGE_BAND = 0.0025
# "Too soon to grade" only below TOO_SOON scored calls (half a year of weekly calls, two independent 13-week
# windows); readers met "too soon to grade" beside 62 and 190 weeks of calls. From TOO_SOON on, a rate whose interval
# holds 50% is "no better than a coin toss so far", or, when it is at least LEAN_GAP (eight points) from 50% over
# at least MANY calls, said plainly at face value ("on its face worse (better) than a coin toss"), with the interval,
# the doubt, in the next sentence.
TOO_SOON = 26
LEAN_GAP, MANY = 0.08, TOO_SOON


def _say(r, key: str, subjects, facts=(), claims=(), **kw) -> Sentence:
    """A positioning sentence worded in templates/words/track.html (the commentary's own `say`)."""
    return r.say("positioning", key, subjects, facts, claims, words=WORDS, **kw)


def grade(h) -> str:
    """The commentary's grade of a hit rate: the metrics' verdict when the interval excludes 50% ("trust",
    "wrong"); "soon" below TOO_SOON scored calls; "few" when the interval holds 50% and is wider than COIN_WIDTH
    either side (too few independent tests to judge: readers met "a coin toss so far" beside an interval of 20%
    to 80%); otherwise "coin" (no better than a coin toss so far)."""
    if h.verdict in ("trust", "wrong"):
        return h.verdict
    if h.calls < TOO_SOON:
        return "soon"
    return "few" if h.verdict == "few" else "coin"


def verdict_claims(path: str, verdict: str, topic: str) -> list:
    """The claims behind a grade's words (`grade`), over a hit rate's interval and sample at `path`
    (generator.metrics.track); the metrics' own "few" verdict is kept for its tests."""
    if verdict == "trust":
        return [more_than(f"{path}.low", 0.5, "track", topic, 0)]
    if verdict == "wrong":
        return [less_than(f"{path}.high", 0.5, "track", topic, 0)]
    holds_half = [at_most(f"{path}.low", 0.5, "track", topic, 0), at_least(f"{path}.high", 0.5, "track", topic, 0)]
    if verdict == "coin":
        return holds_half + [at_least(f"{path}.calls", TOO_SOON, "track", "scored", 0),
                             at_most(f"{path}.half_width", COIN_WIDTH, "track", topic, 0)]
    if verdict == "soon":
        return holds_half + [less_than(f"{path}.calls", TOO_SOON, "track", "scored", 0)]
    return holds_half + [more_than(f"{path}.half_width", COIN_WIDTH, "track", topic, 0),
                         at_least(f"{path}.calls", TOO_SOON, "track", "scored", 0)]


def lean(h) -> str | None:
    """What a hit rate says on its face when its interval holds 50% (grade "coin"): "worse" or "better" than a
    coin toss for a rate LEAN_GAP or more from 50% over MANY or more calls; None otherwise (and for "trust" and
    "wrong", whose words already say it beyond chance)."""
    if grade(h) != "coin" or h.rate is None or h.calls < MANY:
        return None
    return "worse" if h.rate <= 0.5 - LEAN_GAP else "better" if h.rate >= 0.5 + LEAN_GAP else None


def lean_claims(path: str, side: str | None, topic: str) -> list:
    """The claims behind "on its face worse (better) than a coin toss" (`lean`)."""
    if side is None:
        return []
    enough = at_least(f"{path}.calls", MANY, "track", "scored", 0)
    if side == "worse":
        return [enough, at_most(f"{path}.rate", 0.5 - LEAN_GAP, "track", topic, -1)]
    return [enough, at_least(f"{path}.rate", 0.5 + LEAN_GAP, "track", topic, +1)]


def compare(edge: float) -> str:
    """How following the calls did against holding one side, from the allocation's annualised edge."""
    return "beat" if edge > EDGE_BAND else "lag" if edge < -EDGE_BAND else "level"


def shown_vs(a, side: str, how: dict[str, str]) -> str:
    """The comparison word's key for one side, from the sign of the printed difference (one decimal of a percent):
    "beat" and "lag" beyond EDGE_BAND; inside it "level" only when the printed figures are equal, else "level_up"
    (edged past) or "level_down" (fell just short): readers met "only matched" for 3.4% against 3.5%."""
    if how[side] != "level":
        return how[side]
    calls, held = round(a.allocation.annualised * 100, 1), round(getattr(a, side).annualised * 100, 1)
    return "level" if calls == held else "level_up" if calls > held else "level_down"


def shown_claims(path: str, shown: str, subject: str) -> list:
    """The sign behind "narrowly beat" and "narrowly trailed" (shown_vs), on top of edge_claims' band."""
    if shown == "level_up":
        return [more_than(path, 0.0, subject, "calls against holding", +1)]
    if shown == "level_down":
        return [less_than(path, 0.0, subject, "calls against holding", -1)]
    return []


def edge_claims(path: str, how: str, subject: str) -> list:
    if how == "beat":
        return [more_than(path, EDGE_BAND, subject, "calls against holding", +1)]
    if how == "lag":
        return [less_than(path, -EDGE_BAND, subject, "calls against holding", -1)]
    return [at_least(path, -EDGE_BAND, subject, "calls against holding", 0),
            at_most(path, EDGE_BAND, subject, "calls against holding", 0)]


def record_bears(r, how: dict[str, str], verdict: str) -> tuple[str, list] | None:
    """Why following the calls against holding either side bears on this week's call, with the claims that say
    so, or None (the comparison then stays in the table below the passage; readers met it every week): in a week the
    call changed (is a new call worth following?) or when the conviction line reads the comparison (a trusted call,
    `conviction`). The reason is "small" or "large" when the calls have trailed holding the side this week's call
    bets against, which the words then name as the benchmark to beat; else "changed" or "trust"."""
    m = r.m
    rec = m.stance_record
    changed = rec is not None and rec.changed_weeks_ago == 1
    if not changed and verdict != "trust":
        return None
    claims = [is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change")] if changed else []
    leaning = m.stance.key != "stay_large"
    against = "large" if leaning else "small"
    if how[against] == "lag":
        this = (Claim(mp.STANCE_KEY, "!=", "stay_large", "stance", "stance", 0) if leaning
                else is_(mp.STANCE_KEY, "stay_large", "stance", "stance"))
        return against, claims + [this]
    return ("changed" if changed else "trust"), claims


def conviction(verdict: str, beaten: dict | None, side: str | None = None) -> str | None:
    """How much conviction the record lends this week's call, from its grade (`grade`), its face (`lean`) and
    which sides following the calls beat (`beaten`: side -> bool; None when the record is too short to tell):
    "firm" for a call that has earned trust from calls that also beat holding both sides, "some" for one side
    (or no comparison yet), "light" for neither side or a rate only better on its face, "little" for a kind of
    call the record runs against (beyond chance or on its face). None for a coin toss or a call too young to
    grade: the grade's own words ("no better than a coin toss so far", "too soon") are the conviction."""
    if verdict == "wrong" or side == "worse":
        return "little"
    if verdict == "trust":
        won = sum(beaten.values()) if beaten else None
        return "firm" if won == 2 else "light" if won == 0 else "some"
    return "light" if side == "better" else None


def _state_sentence(r, overall: str, label: str) -> Sentence | None:
    """The base rate of this week's call in this week's state (the ratio far below its 200-day average, near it,
    far above it: generator.metrics.track STATES), graded like the record as a whole (`grade`), when its grade
    differs from the whole record's and it judges ("trust", "wrong" or "coin"): then the state changes what the record
    says about this week's call ("right in 64% of 310 weeks like this one"). None otherwise, or when the state has
    fewer than MIN_SCORED scored calls."""
    from generator.metrics.track import STATE_BAND, state_of

    m = r.m
    t, key, dist = m.track, m.stance.key, m.ratio.distance_from_sma_long
    where = state_of(dist)
    if t is None or t.by_state is None or where is None:
        return None
    h = t.by_state[where][key]
    if h.calls < MIN_SCORED or h.rate is None:
        return None
    g = grade(h)
    if g == overall or g in ("soon", "few"):
        return None   # the state adds nothing the record as a whole has not said, or too little to judge
    path, pair = f"track_record.by_state.{where}.{key}", r.pair
    state = {"below": [at_most(mp.RATIO_DISTANCE_FROM_SMA_LONG, -STATE_BAND, pair, "trend")],
             "above": [at_least(mp.RATIO_DISTANCE_FROM_SMA_LONG, STATE_BAND, pair, "trend")],
             "near": list(within(mp.RATIO_DISTANCE_FROM_SMA_LONG, STATE_BAND, pair, "trend"))}[where]
    facts: tuple[Fact, ...] = (Fact("band", mp.TRACK_RECORD_STATE_BAND, "track", "pct"),
                               Fact("calls", f"{path}.calls", "track", "count"))
    if g not in ("soon", "few"):
        facts += (Fact("rate", f"{path}.rate", "track", "pct"),)
    return _say(r, f"state_{g}", ("track", "stance", pair), facts,
                [is_(mp.STANCE_KEY, key, "stance", "stance"), *state,
                 at_least(f"{path}.calls", MIN_SCORED, "track", "scored", 0),
                 is_(f"{path}.hits", h.hits, "track", "hits")] + verdict_claims(path, g, f"{key} state rate")
                + ([less_than(f"{path}.rate", 0.5, "track", f"{key} state rate", -1)] if g == "wrong" else []),
                label=label, state=where)


def track_paragraph(r) -> Paragraph:
    """The passage for one issue (empty when the record has no call yet). `r` is the commentary's _Rules."""
    m = r.m
    t = m.track
    if t is None or t.all.calls == 0:
        return ()
    small, large = m.small, m.large
    key, label = m.stance.key, m.stance.label
    base = mp.TRACK_RECORD_ALL
    path = f"{base}.by_stance.{key}.{HORIZON}"
    this = is_(mp.STANCE_KEY, key, "stance", "stance")
    h = t.all.by_stance[key][HORIZON]
    start = Fact("start", f"{base}.start", "track", "date")
    out: list[Sentence] = []
    if h.calls < MIN_SCORED:
        # too few calls of this kind have had 13 weeks to run: say so, and weigh the call lightly
        out.append(_say(r, "young", ("track", "stance"),
                        (start, Fact("scored", f"{path}.calls", "track", "count")),
                        [this, less_than(f"{path}.calls", MIN_SCORED, "track", "scored", 0)], label=label))
        return tuple(out)
    face, g = lean(h), grade(h)
    topic = f"{key} rate"
    # two figures: the rate and the weeks behind it (the first call's date is told with the returns); "too soon"
    # quotes the weeks only, and grades nothing in the sentence that declines to grade
    calls = Fact("calls", f"{path}.calls", "track", "count")
    out.append(_say(r, f"base_{face}" if face else f"base_{g}", ("track", "stance"),
                    (calls,) if g in ("soon", "few") else (calls, Fact("rate", f"{path}.rate", "track", "pct")),
                    [this, at_least(f"{path}.calls", MIN_SCORED, "track", "scored", 0),
                     is_(f"{path}.hits", h.hits, "track", "hits")] + verdict_claims(path, g, topic)
                    + lean_claims(path, face, topic)
                    + ([less_than(f"{path}.rate", 0.5, "track", topic, -1)] if g == "wrong" else []),
                    label=label))
    if face:
        # the doubt: overlapping weeks make the sample smaller than it looks, and the interval still holds 50%
        out.append(_say(r, f"interval_{face}", "track",
                        (Fact("low", f"{path}.low", "track", "pct"), Fact("high", f"{path}.high", "track", "pct")),
                        verdict_claims(path, g, topic), follows=True))

    # the base rate of this call in this week's state, when it tells something the record as a whole does not
    state = _state_sentence(r, g, label)
    if state is not None:
        out.append(state)

    # the last five years, when they tell a materially different story
    lately = t.lately.by_stance[key][HORIZON]
    lpath = f"track_record.lately.by_stance.{key}.{HORIZON}"
    if (t.all.calls > t.lately.calls and lately.calls >= LATELY_MIN and lately.rate is not None
            and abs(lately.rate - h.rate) >= LATELY_GAP):
        better = lately.rate > h.rate
        gap = (at_least(f"{lpath}.rate", h.rate + LATELY_GAP, "track", "lately rate", +1) if better
               else at_most(f"{lpath}.rate", h.rate - LATELY_GAP, "track", "lately rate", -1))
        few = grade(lately) == "coin"   # its interval holds 50%: not on its own beyond a coin toss
        out.append(_say(r, f"lately_{'better' if better else 'worse'}", "track",
                        (Fact("hits", f"{lpath}.hits", "track", "count"),
                         Fact("calls", f"{lpath}.calls", "track", "count"),
                         Fact("rate", f"{lpath}.rate", "track", "pct")),
                        [is_(mp.TRACK_RECORD_LATELY_WEEKS, LATELY_WEEKS, "track", "window"),
                         exceeds(mp.TRACK_RECORD_ALL_CALLS, mp.TRACK_RECORD_LATELY_CALLS, "track", "span", 0),
                         at_least(f"{lpath}.calls", LATELY_MIN, "track", "lately scored", 0), gap]
                        + (verdict_claims(lpath, "coin", "lately verdict") if few else
                           [is_(f"{lpath}.verdict", lately.verdict, "track", "lately verdict")]),
                        few=few, optional=1))  # the recent years give way first when an issue runs long

    # following the calls against holding either side, annualised since the first call
    a, beaten = t.all, None
    edge = a.edge or {}
    if (a.allocation.annualised is not None and a.calls > t.recent.calls
            and edge.get("small") is not None and edge.get("large") is not None):
        how = {side: compare(edge[side]) for side in ("small", "large")}
        beaten = {side: how[side] == "beat" for side in how}
        bears = record_bears(r, how, g)
        perf = lambda side: Fact(side, f"{base}.{side}.annualised",  # noqa: E731
                                 "track" if side == "allocation" else small if side == "small" else large, "pct")
        span = exceeds(mp.TRACK_RECORD_ALL_CALLS, mp.TRACK_RECORD_RECENT_CALLS, "track", "span", 0)
        if bears is not None:
            # two sentences, one or two figures each: what following the calls made, then against either side held
            # (only in a week it bears on the call: every week, readers met the same sentence)
            reason, claims = bears
            out.append(_say(r, "rules", "track", (Fact("since", f"{base}.since", "track", "date"),
                                                  perf("allocation")),
                            [span, is_(mp.TRACK_RECORD_SMALL_WEIGHT_LEAN_FURTHER, 1.0, "track", "weights"),
                             is_(mp.TRACK_RECORD_SMALL_WEIGHT_STAY_LARGE, 0.0, "track", "weights")]))
            out.append(_say(r, "versus", ("track", small, large, "stance"), (perf("small"), perf("large")),
                            [span, *claims] + edge_claims(f"{base}.edge.small", how["small"], small)
                            + edge_claims(f"{base}.edge.large", how["large"], large)
                            + shown_claims(f"{base}.edge.small", shown_vs(a, "small", how), small)
                            + shown_claims(f"{base}.edge.large", shown_vs(a, "large", how), large),
                            small_vs=shown_vs(a, "small", how), large_vs=shown_vs(a, "large", how), follows=True,
                            benchmark=reason if reason in ("small", "large") else "",
                            leaning=key != "stay_large"))

    # how much conviction the record lends this week's call, when it adds to the grade
    w = conviction(g, beaten, face)
    if w is None:
        return tuple(out)
    claims = [this] + verdict_claims(path, g, topic) + lean_claims(path, face, topic)
    if g == "trust" and beaten is not None:
        # "firm": both sides beaten; "some": one beaten, the other not; "light": neither
        claims += edge_claims(f"{base}.edge.small", "beat", small) if beaten["small"] else \
            [at_most(f"{base}.edge.small", EDGE_BAND, small, "calls against holding", 0)]
        claims += edge_claims(f"{base}.edge.large", "beat", large) if beaten["large"] else \
            [at_most(f"{base}.edge.large", EDGE_BAND, large, "calls against holding", 0)]
    out.append(_say(r, f"conviction_{w}", ("track", "stance", small, large), (), claims,
                    verdict=g, face=face, label=label))
    return tuple(out)
