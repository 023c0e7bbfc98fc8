"""How our call has done: the stance's track record in a few declared sentences (positioning section).

The sentences belong to the positioning section and are worded in templates/words/track.html
(Sentence.words). Every figure is a path into metrics.json's
`track_record` block (generator/metrics/track.py), so the fact-check reads the numbers the reader sees.
The record is stated as what the rules said at the time and what followed: never what they "should"
have said.
"""

from __future__ import annotations

from generator.commentary.claims import (by_definition, Fact, Paragraph, Sentence, at_least, exceeds, is_, less_than, more_than,
                                         negative, positive)
from generator.metrics.stance import LABELS, ORDER

WORDS = "track"
HORIZON = "13w"            # the horizon the passage quotes (metrics.json has 4, 13 and 26 weeks)
# A forward small-minus-large this small prints as 0.0%: the words say the two sides were level.
SHOWN_ZERO = 0.0005
# The passage needs this many scored calls before it quotes a hit rate.
MIN_SCORED = 8


def _say(r, key: str, subjects, facts=(), claims=(), **kw) -> Sentence:
    """A positioning sentence worded in templates/words/track.html (the commentary's own `say`)."""
    return r.say("positioning", key, subjects, facts, claims, words=WORDS, **kw)


def track_paragraph(r) -> Paragraph:
    """The passage for one issue (empty when the record has no call yet). `r` is the commentary's _Rules."""
    m = r.m
    t = m.track
    if t is None or t.all.calls == 0:
        return ()
    small, large = m.small, m.large
    base = "track_record.all"
    subjects = ("track", small, large)
    out = []
    start = Fact("start", f"{base}.start", "track", "date")
    calls = Fact("calls", f"{base}.calls", "track", "count")
    if max(t.all.by_stance[k][HORIZON].calls for k in ORDER) < MIN_SCORED:
        out.append(_say(r, "young", ("track", r.pair), (start, calls, Fact("scored", f"{base}.overall.{HORIZON}.calls", "track",
                                                              "count")),
                        [less_than(f"{base}.by_stance.{k}.{HORIZON}.calls", MIN_SCORED, "track", "scored", 0) for k in ORDER]))
        return tuple(out)
    # what followed each kind of call, over the following 13 weeks
    facts, claims, items = [start, calls], [], []
    for key in reversed(ORDER):  # the leans first, then "stay with large caps"
        h = t.all.by_stance[key][HORIZON]
        if h.calls < MIN_SCORED:  # a rate over a handful of calls says nothing
            continue
        path = f"{base}.by_stance.{key}.{HORIZON}"
        facts += [Fact(f"{key}_hits", f"{path}.hits", "track", "count"),
                  Fact(f"{key}_calls", f"{path}.calls", "track", "count"),
                  Fact(f"{key}_rate", f"{path}.rate", "track", "pct")]
        claims += [at_least(f"{path}.calls", MIN_SCORED, "track", f"{key} calls", 0),
                   is_(f"{path}.hits", h.hits, "track", f"{key} hits")]
        items.append({"key": key, "label": LABELS[key], "led": key != "stay_large"})
    # "led" and "trailed" name what counts as a hit for each kind of call, not a figure's direction
    # "the rules have called the pair": the sentence is about IWM/SPY too
    out.append(_say(r, "hits", ("track", r.pair), facts, claims, relationship=True, items=items))

    # the allocation that follows the calls, against holding either side, all history
    perf = lambda scope, side, what: Fact(f"{side}_{what}", f"track_record.{scope}.{side}.{what}",  # noqa: E731
                                          "track" if side == "allocation" else small if side == "small" else large,
                                          "pct")
    a, longer = t.all, exceeds("track_record.all.calls", "track_record.recent.calls", "track", "span", 0)
    # a rate "a year" only once the record is longer than a year
    if a.allocation.annualised is not None and a.calls > t.recent.calls:
        out.append(_say(r, "allocation", subjects,
                        [Fact("since", f"{base}.since", "track", "date")]
                        + [perf("all", side, what) for side in ("allocation", "small", "large")
                           for what in ("annualised", "max_drawdown")],
                        # "its worst (deepest) fall from a high": each is a maximum drawdown, an extreme by definition
                        [by_definition(f"track_record.all.{side}.max_drawdown", "track") for side in
                         ("allocation", "small", "large")]
                        + [longer, is_("track_record.small_weight.lean_further", 1.0, "track", "weights"),
                         is_("track_record.small_weight.start_lean", 0.5, "track", "weights"),
                         is_("track_record.small_weight.stay_large", 0.0, "track", "weights")], optional=1))

    # the last 52 weeks
    rc = t.recent
    # only once the record is longer than the 52 weeks (else "the last 52 weeks" would be all of it)
    if rc.calls and rc.allocation.total is not None and t.all.calls > rc.calls:
        scored_recent = rc.overall[HORIZON]
        facts = [perf("recent", side, "total") for side in ("allocation", "small", "large")]
        claims = [longer]
        if scored_recent.calls:
            path = f"track_record.recent.overall.{HORIZON}"
            facts += [Fact("hits", f"{path}.hits", "track", "count"), Fact("scored", f"{path}.calls", "track",
                                                                          "count")]
            claims += [is_(f"{path}.calls", scored_recent.calls, "track", "recent scored")]
        out.append(_say(r, "recent_scored" if scored_recent.calls else "recent", subjects, facts, claims))

    # the latest call whose 13 weeks have closed: what the rules said then, and what followed
    last = t.latest.get(HORIZON)
    if last is not None and last.forward.get(HORIZON) is not None:
        v = last.forward[HORIZON]
        path = f"track_record.latest.{HORIZON}"
        facts = [Fact("session", f"{path}.session", "track", "date"),
                 Fact("forward", f"{path}.forward.{HORIZON}", small, "pct")]
        stance = is_(f"{path}.key", last.key, "track", "latest call")
        if abs(v) < SHOWN_ZERO:
            key, claim = "latest_level", (more_than(f"{path}.forward.{HORIZON}", -SHOWN_ZERO, small, "after call", 0),
                                          less_than(f"{path}.forward.{HORIZON}", SHOWN_ZERO, small, "after call", 0))
        elif v > 0:
            key, claim = "latest_led", positive(f"{path}.forward.{HORIZON}", small, "after call")
        else:
            key, claim = "latest_trailed", negative(f"{path}.forward.{HORIZON}", small, "after call")
        # the first sentence to give way when the issue runs long (generator.commentary.words.MAX_WORDS)
        out.append(_say(r, key, ("track", small, large), facts, [stance, claim], label=last.label, optional=2))
    return tuple(out)
