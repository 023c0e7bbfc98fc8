"""The week's story: the headline, the standfirst (the lede), and the brief's call line.

The headline's story is the decision table in generator/commentary/headline.py; the standfirst tells the
week's returns, the week's events that Friday-to-Friday returns hide, the thesis and where the rules stand.
"""

from __future__ import annotations


from generator.commentary.argument import thesis
from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_least, at_most, extreme, is_, negative,
                                         positive, within)
from generator.commentary.news import (STANCE_STORIES, headline_fact, lead_is_news, news_line, stance_gives_way,
                                      told_keys as told_news)
from generator.commentary.news_lines import news_lines
from generator.commentary.rules import BIG_MARKET_DAY, YOUNG_WEEKS, _Rules, yen_off_peak, yen_threat
from generator.commentary.table import Row, choose, holds
from generator.metrics import paths as mp

# Each story's headline has several phrasings (templates/words/headline.html: `story`, `story__2`, ...), rotated
# by the week's number, so a story that lasts several weeks never repeats last week's headline.
# A single session in which the pair moved this much against each other is worth a sentence.
BIG_DAY = 0.02

# The week's relative move, as the lede's first line tells it (the flat band from settings.stance).
WEEK = (
    Row("week_beat", lambda pair, band: [at_least(mp.SPREAD_1W, band, pair, "week")]),
    Row("week_trailed", lambda pair, band: [at_most(mp.SPREAD_1W, -band, pair, "week", -1)]),
    Row("week_level", lambda pair, band: [within(mp.SPREAD_1W, band, pair, "week")]),
)


def _stance(key: str) -> Claim:
    return is_(mp.STANCE_KEY, key, "stance", "stance")


# Where the rules stand, the lede's last line.
STANCE_LINE = (
    Row("rules_large_waiting", lambda: [_stance("stay_large"), is_(mp.STANCE_HELD_BACK, "confirm", "stance", "stance")]),
    # "still" would be false the week the rules step back from small caps
    Row("rules_large_back", lambda: [_stance("stay_large"),
                                     is_(mp.STANCE_RECORD_CHANGED_WEEKS_AGO, 1, "stance", "change"),
                                     is_(mp.STANCE_RECORD_DIRECTION, "down", "stance", "change", -1)]),
    Row("rules_large", lambda: [_stance("stay_large"),
                                at_least(mp.STANCE_RECORD_WEEKS_UNCHANGED, 2, "stance", "run", 0)]),
    Row("rules_large_plain", lambda: [_stance("stay_large")]),
    # young by the lean's age on the small-cap side, counted across a cut (a trimmed months-old lean is not young)
    Row("rules_turned", lambda: [_stance("start_lean"),
                                 at_most(mp.STANCE_RECORD_WEEKS_ON_SIDE, YOUNG_WEEKS, "stance", "stance", 0)]),
    Row("rules_leaning", lambda: [_stance("start_lean")]),
    Row("rules_wavering", lambda: [is_(mp.STANCE_HELD_BACK, "confirm_downgrade", "stance", "stance")]),
    Row("rules_small", lambda: [_stance("lean_further"), at_least(mp.STANCE_SCORE, 3, "stance", "stance")]),
)


def week_story(r: _Rules) -> tuple[str, list[Claim]]:
    """The week's dominant story and what naming it claims: the decision table in
    generator/commentary/headline.py."""
    from generator.commentary.headline import week_story as story

    return story(r, r.view)


def headline(r: _Rules) -> Sentence:
    """The week's rarest fact when it reaches back a year or more (the brief's first line tells it too), with its
    figure and its "since": a headline only this week could have. Else the headline's decision table."""
    lead = headline_fact(r.m)
    if lead is not None:
        return news_line(r, lead, section="headline", words="headline", key="rare")
    story, claims = week_story(r)
    rare = stance_gives_way(r.m) if story in STANCE_STORIES else None
    if rare is not None:
        # a change of stance heads the column only in a week with nothing rare: the rare fact leads, the stance line
        # follows in the standfirst
        return news_line(r, rare, section="headline", words="headline", key="rare")
    subjects = (f"{r.small}-{r.large}", r.small, r.large, "stance", r.pair, r.t.volatility or "^VIX",
                r.t.fx or "JPY=X", "yen", r.t.long_yield or "^TNX")
    # a yen headline speaks of the carry trade only for a yen rally rare for its own history (rules.yen_threat)
    threat = yen_threat(r) if story == "yen_shock" else None
    return r.say("headline", story, subjects, claims=claims + (threat or []), threat=threat is not None)


def standfirst(r: _Rules) -> Paragraph:
    m, band, rs, ev = r.m, r.settings.stance.flat_band, r.settings.risk, r.m.events
    pair, small, large = f"{r.small}-{r.large}", r.small, r.large
    spread = m.spread.get("1w")
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("lede", key, subjects, facts, claims, **x)  # noqa
    facts = (Fact("spread", mp.SPREAD_1W, pair, "pp"), r.ret(small, "1w", "small"), r.ret(large, "1w", "large"))
    out = []
    vix, fx = r.t.volatility or "^VIX", r.t.fx or "JPY=X"
    drop = [at_most(mp.EVENTS_LARGE_WEEK, rs.stress_week_drop, large, "week")]
    selloff = holds(drop, r.view)
    if spread is None:
        out.append(say("week_unknown", pair))
    else:
        key, claims = choose(WEEK, r.view, pair, band)
        out.append(say(f"{key}{'_selloff' if selloff else ''}", (pair, small, large), facts,
                       claims + (drop if selloff else [])))
    # The week's events, which Friday-to-Friday returns hide.
    lines, told_keys = news_lines(r), told_news(m, events=False)
    # the rarest fact opens the standfirst when it is not the week's returns; the week's line comes next
    week_at = 1 if lead_is_news(r) else 0
    out = lines[:week_at] + out + lines[week_at:]
    if ev.vix_spike and "vix_jump" not in told_keys:
        friday = ev.vix_high_date == m.as_of
        out.append(say("event_vix_spike_friday" if friday else "event_vix_spike", vix, (Fact("high", mp.EVENTS_VIX_HIGH, vix, "level"),
                                                Fact("day", mp.EVENTS_VIX_HIGH_DATE, vix, "date"),
                                                Fact("jump", mp.EVENTS_VIX_JUMP, vix, "pct"),
                                                Fact("before", mp.EVENTS_VIX_PREVIOUS_CLOSE, vix, "level"),
                                                Fact("close", mp.RISK_VIX_LEVEL, vix, "level")),
                       [is_(mp.EVENTS_VIX_SPIKE, True, vix, "spike", +1), positive(mp.EVENTS_VIX_JUMP, vix, "spike")]
                       + ([is_(mp.EVENTS_VIX_HIGH_DATE, m.as_of.isoformat(), vix, "day")] if friday else [])))
    if ev.large_day_move is not None and abs(ev.large_day_move) >= BIG_MARKET_DAY and "large_day" not in told_keys:
        up = ev.large_day_move > 0
        out.append(say("event_market_day_up" if up else "event_market_day_down", large,
                       (Fact("move", mp.EVENTS_LARGE_DAY_MOVE, large, "pct"), Fact("day", mp.EVENTS_LARGE_DAY, large, "date")),
                       [at_least(mp.EVENTS_LARGE_DAY_MOVE, BIG_MARKET_DAY, large, "day") if up
                        else at_most(mp.EVENTS_LARGE_DAY_MOVE, -BIG_MARKET_DAY, large, "day"),
                        # "the week's biggest session"
                        extreme(mp.EVENTS_LARGE_DAY_MOVE, mp.EVENTS_LARGE_DAY_MOVES, large, "day", 0)]))
    if yen_off_peak(r) and "fx_week" not in told_keys:
        out.append(say("event_yen", (fx, "yen"), (Fact("move", mp.EVENTS_FX_FROM_PEAK, fx, "pct"),
                                                  Fact("peak", mp.EVENTS_FX_PEAK_4W, fx, "level"),
                                                  Fact("day", mp.EVENTS_FX_PEAK_DATE, fx, "date")),
                       [at_most(mp.EVENTS_FX_FROM_PEAK, rs.yen_from_peak, fx, "peak"),
                        at_most(mp.EVENTS_FX_FROM_PEAK, rs.yen_from_peak, "yen", "peak", +1),
                        negative(mp.RISK_FX_WEEK, fx, "week")]))
    if ev.biggest_day_move is not None and abs(ev.biggest_day_move) >= BIG_DAY and "spread_day" not in told_keys:
        # the same session as the market's big day is told as part of it, not as a second story
        same = (ev.large_day == ev.biggest_day and ev.large_day_move is not None
                and abs(ev.large_day_move) >= BIG_MARKET_DAY)
        word = "event_big_day_same" if same else "event_big_day"
        out.append(say(f"{word}_{'up' if ev.biggest_day_move > 0 else 'down'}", (pair,),
                       (Fact("move", mp.EVENTS_BIGGEST_DAY_MOVE, pair, "pp"),
                        Fact("day", mp.EVENTS_BIGGEST_DAY, pair, "date")),
                       [at_least(mp.EVENTS_BIGGEST_DAY_MOVE, BIG_DAY, pair, "day") if ev.biggest_day_move > 0
                        else at_most(mp.EVENTS_BIGGEST_DAY_MOVE, -BIG_DAY, pair, "day"),
                        # "the widest gap between the two indices this week": the largest of the week's sessions
                        extreme(mp.EVENTS_BIGGEST_DAY_MOVE, mp.EVENTS_DAY_MOVES, pair, "day", 0)]
                       + ([Claim(mp.EVENTS_BIGGEST_DAY, "==", None, pair, "same day", 0, mp.EVENTS_LARGE_DAY)] if same
                          else [])))
    out.append(thesis(r))
    out.append(_stance_line(r))
    return tuple(out)


def call_line(r: _Rules) -> Sentence:
    """The brief's last line: the call, and how long it has stood."""
    rec = r.m.stance_record
    facts: tuple[Fact, ...] = (Fact("label", mp.STANCE_LABEL, "stance", "text"),
                               Fact("weeks", mp.STANCE_RECORD_WEEKS_UNCHANGED, "stance", "count"))
    claims = [is_(mp.STANCE_KEY, r.m.stance.key, "stance", "stance"),
              is_(mp.STANCE_RECORD_WEEKS_UNCHANGED, rec.weeks_unchanged, "stance", "run"),
              is_(mp.STANCE_RECORD_CAPPED, rec.capped, "stance", "run")]
    # the call's run (weeks at its label) and the lean's age (weeks on the small-cap side, across a cut) are two
    # figures: when they differ both are told, each named (readers met "2 weeks" and "10 weeks" of one stance)
    aged = r.m.stance.key != "stay_large" and rec.weeks_on_side != rec.weeks_unchanged
    if aged:
        facts += (Fact("side", mp.STANCE_RECORD_WEEKS_ON_SIDE, "stance", "count"),)
        claims += [Claim(mp.STANCE_KEY, "!=", "stay_large", "stance", "stance", 0),
                   is_(mp.STANCE_RECORD_WEEKS_ON_SIDE, rec.weeks_on_side, "stance", "lean age")]
    side_capped = aged and rec.side_capped   # a lean older than the history is counted exactly (metrics._full_run)
    # the week's action (positioning.advice), so that a label such as "Lean in further" is never read as advice to
    # add in a week the advice is to hold or trim
    from generator.commentary.sections.positioning import action, advice

    key, advice_claims = advice(r)
    act = action(key)
    if act in ("hold", "trim"):
        claims += advice_claims
    return r.say("brief", "call", "stance", facts, claims, words="brief", capped=rec.capped, aged=aged,
                 side_capped=side_capped, action=act if act in ("hold", "trim") else "")


def _stance_line(r: _Rules) -> Sentence:
    """Where the rules stand (STANCE_LINE); a young turn quotes how many weeks it has stood."""
    key, claims = choose(STANCE_LINE, r.view)
    weeks = (Fact("weeks", mp.STANCE_RECORD_WEEKS_ON_SIDE, "stance", "count"),) if key == "rules_turned" else ()
    return r.say("lede", key, "stance", weeks, claims)
