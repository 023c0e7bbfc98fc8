"""The week's story: the headline, the standfirst (the lede), and the brief's call line.

The headline's story is the decision table in generator/commentary/headline.py; the standfirst tells the
week's returns, the week's events that Friday-to-Friday returns hide, the thesis and where the rules stand.
"""

from __future__ import annotations


from generator.commentary.argument import thesis
from generator.commentary.claims import (Claim, Fact, Paragraph, Sentence, at_least, at_most, extreme, is_, negative,
                                         positive, within)
from generator.commentary.news import (STANCE_STORIES, headline_fact, lead_is_news, news_line, news_lines,
                                      stance_gives_way, told_keys as told_news)
from generator.commentary.rules import BIG_MARKET_DAY, YOUNG_WEEKS, _Rules, yen_off_peak, yen_threat
from generator.commentary.table import Row, choose, holds

# Each story's headline has several phrasings (templates/words/headline.html: `story`, `story__2`, ...), rotated
# by the week's number, so a story that lasts several weeks never repeats last week's headline.
# A single session in which the pair moved this much against each other is worth a sentence.
BIG_DAY = 0.02

# The week's relative move, as the lede's first line tells it (the flat band from settings.stance).
WEEK = (
    Row("week_beat", lambda pair, band: [at_least("spread.1w", band, pair, "week")]),
    Row("week_trailed", lambda pair, band: [at_most("spread.1w", -band, pair, "week", -1)]),
    Row("week_level", lambda pair, band: [within("spread.1w", band, pair, "week")]),
)


def _stance(key: str) -> Claim:
    return is_("stance.key", key, "stance", "stance")


# Where the rules stand, the lede's last line.
STANCE_LINE = (
    Row("rules_large_waiting", lambda: [_stance("stay_large"), is_("stance.held_back", "confirm", "stance", "stance")]),
    # "still" would be false the week the rules step back from small caps
    Row("rules_large_back", lambda: [_stance("stay_large"),
                                     is_("stance.record.changed_weeks_ago", 1, "stance", "change"),
                                     is_("stance.record.direction", "down", "stance", "change", -1)]),
    Row("rules_large", lambda: [_stance("stay_large"),
                                at_least("stance.record.weeks_unchanged", 2, "stance", "run", 0)]),
    Row("rules_large_plain", lambda: [_stance("stay_large")]),
    # young by the lean's age on the small-cap side, counted across a cut (a trimmed months-old lean is not young)
    Row("rules_turned", lambda: [_stance("start_lean"),
                                 at_most("stance.record.weeks_on_side", YOUNG_WEEKS, "stance", "stance", 0)]),
    Row("rules_leaning", lambda: [_stance("start_lean")]),
    Row("rules_wavering", lambda: [is_("stance.held_back", "confirm_downgrade", "stance", "stance")]),
    Row("rules_small", lambda: [_stance("lean_further"), at_least("stance.score", 3, "stance", "stance")]),
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
    facts = (Fact("spread", "spread.1w", pair, "pct"), r.ret(small, "1w", "small"), r.ret(large, "1w", "large"))
    out = []
    vix, fx = r.t.volatility or "^VIX", r.t.fx or "JPY=X"
    drop = [at_most("events.large_week", rs.stress_week_drop, large, "week")]
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
        out.append(say("event_vix_spike_friday" if friday else "event_vix_spike", vix, (Fact("high", "events.vix_high", vix, "level"),
                                                Fact("day", "events.vix_high_date", vix, "date"),
                                                Fact("jump", "events.vix_jump", vix, "pct"),
                                                Fact("before", "events.vix_previous_close", vix, "level"),
                                                Fact("close", "risk.vix_level", vix, "level")),
                       [is_("events.vix_spike", True, vix, "spike", +1), positive("events.vix_jump", vix, "spike")]
                       + ([is_("events.vix_high_date", m.as_of.isoformat(), vix, "day")] if friday else [])))
    if ev.large_day_move is not None and abs(ev.large_day_move) >= BIG_MARKET_DAY and "large_day" not in told_keys:
        up = ev.large_day_move > 0
        out.append(say("event_market_day_up" if up else "event_market_day_down", large,
                       (Fact("move", "events.large_day_move", large, "pct"), Fact("day", "events.large_day", large, "date")),
                       [at_least("events.large_day_move", BIG_MARKET_DAY, large, "day") if up
                        else at_most("events.large_day_move", -BIG_MARKET_DAY, large, "day"),
                        # "the week's biggest session"
                        extreme("events.large_day_move", "events.large_day_moves", large, "day", 0)]))
    if yen_off_peak(r) and "fx_week" not in told_keys:
        out.append(say("event_yen", (fx, "yen"), (Fact("move", "events.fx_from_peak", fx, "pct"),
                                                  Fact("peak", "events.fx_peak_4w", fx, "level"),
                                                  Fact("day", "events.fx_peak_date", fx, "date")),
                       [at_most("events.fx_from_peak", rs.yen_from_peak, fx, "peak"),
                        at_most("events.fx_from_peak", rs.yen_from_peak, "yen", "peak", +1),
                        negative("risk.fx_week", fx, "week")]))
    if ev.biggest_day_move is not None and abs(ev.biggest_day_move) >= BIG_DAY and "spread_day" not in told_keys:
        # the same session as the market's big day is told as part of it, not as a second story
        same = (ev.large_day == ev.biggest_day and ev.large_day_move is not None
                and abs(ev.large_day_move) >= BIG_MARKET_DAY)
        word = "event_big_day_same" if same else "event_big_day"
        out.append(say(f"{word}_{'up' if ev.biggest_day_move > 0 else 'down'}", (pair,),
                       (Fact("move", "events.biggest_day_move", pair, "pct"),
                        Fact("day", "events.biggest_day", pair, "date")),
                       [at_least("events.biggest_day_move", BIG_DAY, pair, "day") if ev.biggest_day_move > 0
                        else at_most("events.biggest_day_move", -BIG_DAY, pair, "day"),
                        # "the widest gap between the two indices this week": the largest of the week's sessions
                        extreme("events.biggest_day_move", "events.day_moves", pair, "day", 0)]
                       + ([Claim("events.biggest_day", "==", None, pair, "same day", 0, "events.large_day")] if same
                          else [])))
    out.append(thesis(r))
    out.append(_stance_line(r))
    return tuple(out)


def call_line(r: _Rules) -> Sentence:
    """The brief's last line: the call, and how long it has stood."""
    rec = r.m.stance_record
    facts: tuple[Fact, ...] = (Fact("label", "stance.label", "stance", "text"),
                               Fact("weeks", "stance.record.weeks_unchanged", "stance", "count"))
    claims = [is_("stance.key", r.m.stance.key, "stance", "stance"),
              is_("stance.record.weeks_unchanged", rec.weeks_unchanged, "stance", "run"),
              is_("stance.record.capped", rec.capped, "stance", "run")]
    # the call's run (weeks at its label) and the lean's age (weeks on the small-cap side, across a cut) are two
    # figures: when they differ both are told, each named (readers met "2 weeks" and "10 weeks" of one stance)
    aged = r.m.stance.key != "stay_large" and rec.weeks_on_side != rec.weeks_unchanged
    if aged:
        facts += (Fact("side", "stance.record.weeks_on_side", "stance", "count"),)
        claims += [Claim("stance.key", "!=", "stay_large", "stance", "stance", 0),
                   is_("stance.record.weeks_on_side", rec.weeks_on_side, "stance", "lean age")]
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
    weeks = (Fact("weeks", "stance.record.weeks_on_side", "stance", "count"),) if key == "rules_turned" else ()
    return r.say("lede", key, "stance", weeks, claims)
