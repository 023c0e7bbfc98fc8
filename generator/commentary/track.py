"""The record, argued: what our past calls say about this week's call (the end of the positioning section).

Three or four short sentences, worded in templates/words/track.html (Sentence.words):

1. the base rate of THIS week's call: how often calls of this kind were right over the following 13 weeks,
   with the sample size, and the verdict of generator.metrics.track (trust / wrong / coin / few) in words;
2. the last five years, only when the rate there differs materially (LATELY_GAP) from all history;
3. whether following the calls has beaten simply holding either side, annualised since the first call;
4. how much weight we would give the call: "some" only when this kind of call has earned trust and the calls
   have beaten holding at least one side; otherwise "lightly".

Every figure is a path into metrics.json's `track_record` block (generator/metrics/track.py), and every
confidence word is a declared claim over the interval and edges there, so the fact-check verifies the words.
The full tables (every stance, every horizon, the last 52 weeks, the latest scored call) are printed below
the passage (templates/sections/_09_positioning.html). The record is stated as what the rules said at the
time and what followed: never what they "should" have said.
"""

from __future__ import annotations

from generator.commentary.claims import Fact, Paragraph, Sentence, at_least, at_most, exceeds, is_, less_than, more_than
from generator.metrics.stance import LABELS, ORDER
from generator.metrics.track import COIN_WIDTH, LATELY_WEEKS

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
# The record's face value: a hit rate at least LEAN_GAP (eight points) from 50% over at least MANY scored calls (a
# year of weekly calls) is said plainly, "on its face worse (better) than a coin toss", even when its interval
# still holds 50% (verdicts "coin" and "few"); the next sentence then gives the interval, the doubt. A rate nearer
# 50%, or fewer calls, keeps the verdict's words ("a coin toss", "too few to judge").
LEAN_GAP, MANY = 0.08, 52


def _say(r, key: str, subjects, facts=(), claims=(), **kw) -> Sentence:
    """A positioning sentence worded in templates/words/track.html (the commentary's own `say`)."""
    return r.say("positioning", key, subjects, facts, claims, words=WORDS, **kw)


def verdict_claims(path: str, verdict: str, topic: str) -> list:
    """The claims behind a verdict's words, over a hit rate's interval at `path` (generator.metrics.track)."""
    if verdict == "trust":
        return [more_than(f"{path}.low", 0.5, "track", topic, 0)]
    if verdict == "wrong":
        return [less_than(f"{path}.high", 0.5, "track", topic, 0)]
    holds_half = [at_most(f"{path}.low", 0.5, "track", topic, 0), at_least(f"{path}.high", 0.5, "track", topic, 0)]
    if verdict == "coin":
        return holds_half + [at_most(f"{path}.half_width", COIN_WIDTH, "track", topic, 0)]
    return holds_half + [more_than(f"{path}.half_width", COIN_WIDTH, "track", topic, 0)]


def lean(h) -> str | None:
    """What a hit rate says on its face when its interval holds 50% ("coin", "few"): "worse" or "better" than a
    coin toss for a rate LEAN_GAP or more from 50% over MANY or more calls; None otherwise (and for "trust" and
    "wrong", whose words already say it beyond chance)."""
    if h.verdict not in ("coin", "few") or h.rate is None or h.calls < MANY:
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


def edge_claims(path: str, how: str, subject: str) -> list:
    if how == "beat":
        return [more_than(path, EDGE_BAND, subject, "calls against holding", +1)]
    if how == "lag":
        return [less_than(path, -EDGE_BAND, subject, "calls against holding", -1)]
    return [at_least(path, -EDGE_BAND, subject, "calls against holding", 0),
            at_most(path, EDGE_BAND, subject, "calls against holding", 0)]


def weight(verdict: str | None, beaten: bool | None, side: str | None = None) -> str:
    """How much weight we give this week's call: "some" only for a kind of call that has earned trust from
    calls that have also beaten holding at least one side (unknown when the record is too short to tell);
    "little" for a kind of call that has been wrong more often than right, beyond chance ("wrong") or on its
    face (`lean` "worse"); "lightly" otherwise."""
    if verdict == "wrong" or side == "worse":
        return "little"
    return "some" if verdict == "trust" and beaten is not False else "lightly"


def track_paragraph(r) -> Paragraph:
    """The passage for one issue (empty when the record has no call yet). `r` is the commentary's _Rules."""
    m = r.m
    t = m.track
    if t is None or t.all.calls == 0:
        return ()
    small, large = m.small, m.large
    key, label = m.stance.key, m.stance.label
    base = "track_record.all"
    path = f"{base}.by_stance.{key}.{HORIZON}"
    this = is_("stance.key", key, "stance", "stance")
    h = t.all.by_stance[key][HORIZON]
    start = Fact("start", f"{base}.start", "track", "date")
    out: list[Sentence] = []
    if h.calls < MIN_SCORED:
        # too few calls of this kind have had 13 weeks to run: say so, and weigh the call lightly
        out.append(_say(r, "young", ("track", "stance"),
                        (start, Fact("scored", f"{path}.calls", "track", "count")),
                        [this, less_than(f"{path}.calls", MIN_SCORED, "track", "scored", 0)], label=label))
        return tuple(out)
    face = lean(h)
    topic = f"{key} rate"
    out.append(_say(r, f"base_{face}" if face else f"base_{h.verdict}", ("track", "stance"),
                    # two figures: the rate and the weeks behind it (the first call's date is told with the returns)
                    (Fact("calls", f"{path}.calls", "track", "count"), Fact("rate", f"{path}.rate", "track", "pct")),
                    [this, at_least(f"{path}.calls", MIN_SCORED, "track", "scored", 0),
                     is_(f"{path}.hits", h.hits, "track", "hits")] + verdict_claims(path, h.verdict, topic)
                    + lean_claims(path, face, topic)
                    + ([less_than(f"{path}.rate", 0.5, "track", topic, -1)] if h.verdict == "wrong" else []),
                    label=label))
    if face:
        # the doubt: overlapping weeks make the sample smaller than it looks, and the interval still holds 50%
        out.append(_say(r, f"interval_{face}", "track",
                        (Fact("low", f"{path}.low", "track", "pct"), Fact("high", f"{path}.high", "track", "pct")),
                        verdict_claims(path, h.verdict, topic), follows=True))

    # the last five years, when they tell a materially different story
    lately = t.lately.by_stance[key][HORIZON]
    lpath = f"track_record.lately.by_stance.{key}.{HORIZON}"
    if (t.all.calls > t.lately.calls and lately.calls >= LATELY_MIN and lately.rate is not None
            and abs(lately.rate - h.rate) >= LATELY_GAP):
        better = lately.rate > h.rate
        gap = (at_least(f"{lpath}.rate", h.rate + LATELY_GAP, "track", "lately rate", +1) if better
               else at_most(f"{lpath}.rate", h.rate - LATELY_GAP, "track", "lately rate", -1))
        few = lately.verdict == "few"
        out.append(_say(r, f"lately_{'better' if better else 'worse'}", "track",
                        (Fact("hits", f"{lpath}.hits", "track", "count"),
                         Fact("calls", f"{lpath}.calls", "track", "count"),
                         Fact("rate", f"{lpath}.rate", "track", "pct")),
                        [is_("track_record.lately_weeks", LATELY_WEEKS, "track", "window"),
                         exceeds("track_record.all.calls", "track_record.lately.calls", "track", "span", 0),
                         at_least(f"{lpath}.calls", LATELY_MIN, "track", "lately scored", 0), gap]
                        + (verdict_claims(lpath, "few", "lately verdict") if few else
                           [is_(f"{lpath}.verdict", lately.verdict, "track", "lately verdict")]),
                        few=few, optional=1))  # the recent years give way first when an issue runs long

    # following the calls against holding either side, annualised since the first call
    a, beaten = t.all, None
    edge = a.edge or {}
    if (a.allocation.annualised is not None and a.calls > t.recent.calls
            and edge.get("small") is not None and edge.get("large") is not None):
        how = {side: compare(edge[side]) for side in ("small", "large")}
        beaten = "beat" in how.values()
        perf = lambda side: Fact(side, f"{base}.{side}.annualised",  # noqa: E731
                                 "track" if side == "allocation" else small if side == "small" else large, "pct")
        span = exceeds("track_record.all.calls", "track_record.recent.calls", "track", "span", 0)
        # two sentences, one or two figures each: what following the calls made, then against either side held
        out.append(_say(r, "rules", "track", (Fact("since", f"{base}.since", "track", "date"), perf("allocation")),
                        [span, is_("track_record.small_weight.lean_further", 1.0, "track", "weights"),
                         is_("track_record.small_weight.stay_large", 0.0, "track", "weights")]))
        out.append(_say(r, "versus", ("track", small, large), (perf("small"), perf("large")),
                        [span] + edge_claims(f"{base}.edge.small", how["small"], small)
                        + edge_claims(f"{base}.edge.large", how["large"], large),
                        small_vs=how["small"], large_vs=how["large"], follows=True))

    # how much weight we give this week's call
    w = weight(h.verdict, beaten, face)
    claims = [this] + verdict_claims(path, h.verdict, f"{key} rate") + lean_claims(path, face, f"{key} rate")
    if beaten:        # "some", or "even so" after calls that beat a side: a side beaten
        side = "small" if compare(edge["small"]) == "beat" else "large"
        claims += edge_claims(f"{base}.edge.{side}", "beat", small if side == "small" else large)
    elif h.verdict == "trust" and beaten is False:   # trusted, yet neither side beaten: "lightly"
        claims += [at_most(f"{base}.edge.small", EDGE_BAND, small, "calls against holding", 0),
                   at_most(f"{base}.edge.large", EDGE_BAND, large, "calls against holding", 0)]
    out.append(_say(r, f"weight_{w}", ("track", "stance", small, large), (), claims,
                    verdict=h.verdict, beaten=beaten, face=face, label=label))
    return tuple(out)
