"""Risks: the week's VIX spike and yen moves, the VIX's level against fixed thresholds and its own year,
the yen's trend, how stretched small caps are, and crowding."""

from __future__ import annotations

from dataclasses import replace

from generator.commentary.argument import bridge_risks
from generator.commentary.bands import LOW_RSI
from generator.commentary.news import told_keys
from generator.commentary.news_lines import section_opening
from generator.commentary.claims import (ALMOST_ALL, Claim, Fact, Paragraph, Sentence, at_extreme, at_least, at_most,
                                         is_, less_than, more_than, positive, sign_of, within)
from generator.commentary.crowding import crowding_paragraph
from generator.commentary.rules import (BIG_MARKET_DAY, CALM_RANK, ROUT_DROP, SHOWN_ZERO, STRESSED_RANK, _Rules,
                                       calm_claims, sense, yen_off_peak, yen_threat)
from generator.commentary.table import Row, choose, first, holds
from generator.metrics.news import CORRECTION
from generator.metrics.regime import SETTLED, UNEASY, all_but
from generator.metrics import paths as mp

# A weekly USD/JPY fall at least this large is "sharp".
SHARP_YEN = -0.025
# USD/JPY this far above its 200-day average is a stretched carry position.
FX_STRETCHED = 0.05
# "Nothing alarming" only with the VIX below this percentile of its year (and no small-cap rout, ROUT_DROP).
QUIET_RANK = 0.8
# The VIX higher than on this share of its year's days is "higher than on most days" (below it, "lower").
MOST_DAYS = 0.5
# Small caps this far below their 50-day average read as oversold only while their RSI is under this.
OVERSOLD_RSI = 40

_P = mp.RISK_VIX_PERCENTILE_1Y
# The year's lowest close: its percentile (the share of the year's 252 closes at or below it) is 1/252, itself
# only; the next lowest is 2/252. "Lower than on almost every day" would undersell it (reader R2, 2014-06-06).
YEAR_LOW = 1.5 / 252
# The VIX against its fixed thresholds (settings.risk) and against its own year. A mood word ("markets are
# stressed", "calm can be a risk", "the VIX is high / low") needs both: past the line and at or beyond
# STRESSED_RANK (CALM_RANK) of its year. Past the line but ordinary for its year, one sentence tells the line
# and the rank, with no mood word (a 61st-percentile VIX of 25.5 is not "stressed"; issue 26).
VIX_LEVEL = (
    Row("vix_stressed_but_lower", lambda vix, rs: [at_least(mp.RISK_VIX_LEVEL, rs.vix_stressed, vix, "level", +1),
                                                   less_than(_P, MOST_DAYS, vix, "rank 1y", -1)]),
    Row("vix_over_line", lambda vix, rs: [at_least(mp.RISK_VIX_LEVEL, rs.vix_stressed, vix, "level", +1),
                                          at_least(_P, MOST_DAYS, vix, "rank 1y", +1),
                                          less_than(_P, STRESSED_RANK, vix, "rank mood", 0)]),
    Row("vix_stressed", lambda vix, rs: [at_least(mp.RISK_VIX_LEVEL, rs.vix_stressed, vix, "level", +1),
                                         at_least(_P, STRESSED_RANK, vix, "rank 1y", +1)]),
    Row("vix_stressed", lambda vix, rs: [at_least(mp.RISK_VIX_LEVEL, rs.vix_stressed, vix, "level", +1),
                                         is_(_P, None, vix, "rank 1y")]),
    Row("vix_calm_but_higher", lambda vix, rs: [less_than(mp.RISK_VIX_LEVEL, rs.vix_calm, vix, "level", -1),
                                                at_least(_P, MOST_DAYS, vix, "rank 1y", +1)]),
    Row("vix_under_line", lambda vix, rs: [less_than(mp.RISK_VIX_LEVEL, rs.vix_calm, vix, "level", -1),
                                           less_than(_P, MOST_DAYS, vix, "rank 1y", -1),
                                           more_than(_P, CALM_RANK, vix, "rank mood", 0)]),
    Row("vix_calm", lambda vix, rs: [less_than(mp.RISK_VIX_LEVEL, rs.vix_calm, vix, "level", -1),
                                     at_most(_P, CALM_RANK, vix, "rank 1y", -1)]),
    Row("vix_calm", lambda vix, rs: [less_than(mp.RISK_VIX_LEVEL, rs.vix_calm, vix, "level", -1),
                                     is_(_P, None, vix, "rank 1y")]),
    Row("vix_between", lambda vix, rs: []),
)
# Its rank after a stressed level ("... that is higher than on ..."): none without a percentile.
RANK_THAT = (
    Row("vix_rank_top_that", lambda vix: [at_extreme(at_least(_P, 1, vix, "level"))]),
    # "higher than on 100% of days" would be false: a higher close exists, the share just rounds up
    Row("vix_rank_almost_top_that", lambda vix: [at_least(_P, ALMOST_ALL, vix, "level"),
                                                 less_than(_P, 1, vix, "rank top", 0)]),
    Row("vix_rank_higher_that", lambda vix: [at_least(_P, MOST_DAYS, vix, "level", +1)]),
)
# Its rank after a calm level.
RANK_LOW_THAT = (
    Row("vix_rank_bottom_that", lambda vix: [at_extreme(at_most(_P, YEAR_LOW, vix, "level"))]),
    Row("vix_rank_almost_bottom_that", lambda vix: [at_most(_P, 1 - ALMOST_ALL, vix, "level")]),
    Row("vix_rank_lower_that", lambda vix: [less_than(_P, MOST_DAYS, vix, "level", -1)]),
)
# Between the thresholds, the rank names the VIX itself; without a percentile, its level alone.
RANK_NAMED = (
    Row("vix_rank_almost_top_named", lambda vix: [at_least(_P, ALMOST_ALL, vix, "level"),
                                                  less_than(_P, 1, vix, "rank top", 0)]),
    Row("vix_rank_top_named", lambda vix: [at_extreme(at_least(_P, 1, vix, "level"))]),
    Row("vix_rank_bottom_named", lambda vix: [at_extreme(at_most(_P, YEAR_LOW, vix, "level"))]),
    Row("vix_rank_almost_bottom_named", lambda vix: [at_most(_P, 1 - ALMOST_ALL, vix, "level")]),
    Row("vix_rank_higher_named", lambda vix: [at_least(_P, MOST_DAYS, vix, "level", +1)]),
    Row("vix_rank_lower_named", lambda vix: [less_than(_P, MOST_DAYS, vix, "level", -1)]),
    Row("vix_level_named", lambda vix: []),
)
# Small caps against their 50-day average and their RSI: stretched (generator.metrics.signals), oversold, or
# neither. Far below the 50-day is not "oversold" once a bounce has lifted the RSI back toward the middle.
STRETCH = (
    Row("stretched", lambda small, side, rs: [side, is_(mp.RISK_STRETCHED, True, small, "stretch", +1)]),
    Row("oversold", lambda small, side, rs: [side, is_(mp.RISK_STRETCHED, False, small, "stretch"),
                                             less_than(mp.RISK_SMALL_RSI_14, 100 - rs.rsi_stretched, small,
                                                       "oversold", 0)]),
    Row("oversold", lambda small, side, rs: [side, is_(mp.RISK_STRETCHED, False, small, "stretch"),
                                             at_most(mp.RISK_SMALL_DISTANCE_50D, -rs.stretch_from_50d, small,
                                                     "oversold", 0),
                                             less_than(mp.RISK_SMALL_RSI_14, OVERSOLD_RSI, small, "oversold", 0)]),
    # as far below the 50-day as "stretched" is above it, with an RSI not yet oversold: a deep dip, never "not
    # stretched" (readers met "not stretched" 9.6% below the average; bands.py)
    Row("dip_deep", lambda small, side, rs: [side, is_(mp.RISK_STRETCHED, False, small, "stretch"),
                                             at_most(mp.RISK_SMALL_DISTANCE_50D, -rs.stretch_from_50d, small, "dip", -1)]),
    Row("not_stretched", lambda small, side, rs: [side, is_(mp.RISK_STRETCHED, False, small, "stretch"),
                                                  more_than(mp.RISK_SMALL_DISTANCE_50D, -rs.stretch_from_50d, small,
                                                            "dip", 0)]),
)


def section(r: _Rules) -> tuple[Paragraph, ...]:
    m, rs, ev = r.m, r.settings.risk, r.m.events
    risk = m.risk
    vix, fx = r.t.volatility or "^VIX", r.t.fx or "JPY=X"
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    paragraphs = []
    if risk.vix_level is None and risk.fx_level is None:
        paragraphs.append((say("risks_unavailable", "risks", kind="note"),))
    else:
        out: list[Sentence] = [bridge_risks(r)]
        vix_fact = Fact("vix", mp.RISK_VIX_LEVEL, vix, "level")
        yen_peak = ev.fx_from_peak is not None and ev.fx_from_peak <= rs.yen_from_peak
        # What happened inside the week comes first: a Friday close can hide it.
        # the spike's figures are the standfirst's (its news line or its event line, story.py), told once: the
        # section goes on to what the VIX's level means
        if ev.vix_spike and "vix_jump" not in told_keys(r.m):
            friday = ev.vix_high_date == m.as_of
            out.append(say("vix_spike_friday" if friday else "vix_spike", vix,
                           (Fact("high", mp.EVENTS_VIX_HIGH, vix, "level"),
                            Fact("day", mp.EVENTS_VIX_HIGH_DATE, vix, "date"), vix_fact,
                            Fact("before", mp.EVENTS_VIX_PREVIOUS_CLOSE, vix, "level")),
                           [is_(mp.EVENTS_VIX_SPIKE, True, vix, "spike", +1)]
                           + ([is_(mp.EVENTS_VIX_HIGH_DATE, m.as_of.isoformat(), vix, "day")] if friday else
                              [Claim(mp.RISK_VIX_LEVEL, "<", None, vix, "close", 0, mp.EVENTS_VIX_HIGH)])))
        # the yen's week or its fall from the peak, when the standfirst or this section's news line told it, is
        # not told again (one figure once beyond the brief)
        told = told_keys(r.m, events=False)
        opening = section_opening(r, "risks")
        week_told = "fx_week" in told or (opening is not None and opening.key == "fx_week")
        peak_told = yen_off_peak(r) and "fx_week" not in told
        # a stale yen quote at either end of the week (events.fx_stale) carries no claim about the yen's week
        yen_rally = risk.yen_rally and not ev.fx_stale
        if yen_rally and not week_told:
            sharp = risk.fx_week <= SHARP_YEN
            out.append(say("yen_rally_sharp" if sharp else "yen_rally", (fx, "yen"),
                           (Fact("move", mp.RISK_FX_WEEK, fx, "pct"),),
                           [at_most(mp.RISK_FX_WEEK, SHARP_YEN if sharp else rs.yen_rally_week, fx, "week"),
                            at_most(mp.RISK_FX_WEEK, rs.yen_rally_week, "yen", "week", +1)]))
        if yen_peak and not peak_told:
            larger = yen_rally and ev.fx_from_peak < risk.fx_week
            fading = risk.fx_week is not None and risk.fx_week > 0
            out.append(say("yen_from_peak_larger" if larger else "yen_from_peak_fading" if fading else "yen_from_peak",
                           (fx, "yen"),
                           (Fact("move", mp.EVENTS_FX_FROM_PEAK, fx, "pct"),
                            Fact("day", mp.EVENTS_FX_PEAK_DATE, fx, "date"), Fact("peak", mp.EVENTS_FX_PEAK_4W, fx,
                                                                                 "level")),
                           [at_most(mp.EVENTS_FX_FROM_PEAK, rs.yen_from_peak, fx, "peak"),
                            at_most(mp.EVENTS_FX_FROM_PEAK, rs.yen_from_peak, "yen", "peak", +1)]
                           + ([Claim(mp.EVENTS_FX_FROM_PEAK, "<", None, fx, "peak", 0, mp.RISK_FX_WEEK)] if larger
                              else [])
                           + ([positive(mp.RISK_FX_WEEK, fx, "week"), Claim(mp.RISK_FX_WEEK, ">", 0.0, "yen", "week",
                                                                            -1)] if fading else [])))
        threat = yen_threat(r)
        if (yen_rally or yen_peak) and threat:
            # the carry trade's unwinding only with a yen rally rare for its own history (rules.yen_threat)
            out.append(say("carry_unwind", ("carry trades", "yen"), (), threat, optional=2))
        # the VIX's level, the section's first core gauge (`Sentence.core`)
        level = _vix_level(r, vix_fact, vix, fx)
        core = next((i for i, s in enumerate(level) if s.facts), None)   # the first that quotes the VIX
        out += [replace(s, core=True) if i == core else s for i, s in enumerate(level)]
        if risk.fx_week is not None and not risk.yen_rally and not week_told and not peak_told and not ev.fx_stale:
            out.append(say("fx_week" if abs(risk.fx_week) >= SHOWN_ZERO else "fx_week_flat", fx,
                           (Fact("move", mp.RISK_FX_WEEK, fx, "pct"),),
                           [sign_of(mp.RISK_FX_WEEK, risk.fx_week, fx, "week", SHOWN_ZERO)] if risk.fx_week else [],
                           optional=2))
        if risk.fx_distance_200d is not None and not ev.fx_stale:
            d = risk.fx_distance_200d
            named = not out or out[-1].subject != fx
            out.append(say(f"fx_trend{'_stretched' if d > FX_STRETCHED else ''}_{'named' if named else 'it'}", fx,
                           (Fact("distance", mp.RISK_FX_DISTANCE_200D, fx, "pct"),
                            Fact("vol", mp.RISK_FX_VOL_20D, fx, "pct")),
                           [sign_of(mp.RISK_FX_DISTANCE_200D, d, fx, "trend", SHOWN_ZERO)] +
                           ([more_than(mp.RISK_FX_DISTANCE_200D, FX_STRETCHED, fx, "trend")] if d > FX_STRETCHED
                            else []) + ((yen_threat(r, fx) or []) if d > FX_STRETCHED else []),
                           side=sense(d, SHOWN_ZERO), threat=threat is not None, optional=2))
        paragraphs.append(tuple(out))
    if risk.small_rsi_14 is not None and risk.small_distance_50d is not None:
        small = r.small
        facts = (Fact("distance", mp.RISK_SMALL_DISTANCE_50D, small, "pct"),
                 Fact("rsi", mp.RISK_SMALL_RSI_14, small, "level"))
        d = risk.small_distance_50d
        side = sign_of(mp.RISK_SMALL_DISTANCE_50D, d, small, "short run", SHOWN_ZERO)
        key, claims = choose(STRETCH, r.view, small, side, rs)
        # how stretched small caps are, when they are: one of the section's core gauges, with the VIX and volume
        # (`Sentence.core`; readers met a risks section of one VIX sentence)
        # ("not stretched", which most weeks are, gives way when the issue runs long: a reading true in most weeks is
        # no news, and no template is printed most weeks)
        paragraphs.append((say(key, small, facts, claims, side=sense(d, SHOWN_ZERO),
                               **({"optional": 2} if key == "not_stretched" else {"core": True})),))
    crowd = crowding_paragraph(r)
    # the week's volume against its average, the first crowding reading: a core gauge too
    crowd = tuple(replace(s, core=True) if s.key.startswith("volume") else s for s in crowd)
    paragraphs += [p for p in (crowd,) if p]
    return tuple(paragraphs)


def _vix_level(r: _Rules, vix_fact: Fact, vix: str, fx: str) -> list[Sentence]:
    """The VIX's level, read against fixed thresholds and against its own past year; when the two
    readings disagree, one sentence says both, so no two sentences contradict each other."""
    m, rs, ev = r.m, r.settings.risk, r.m.events
    risk = m.risk
    say = lambda key, subjects, facts=(), claims=(), **x: r.say("risks", key, subjects, facts, claims, **x)  # noqa
    if risk.vix_level is None:
        return []
    p = risk.vix_percentile_1y
    rank = (Fact("share", mp.RISK_VIX_PERCENTILE_1Y, vix, "pct"),
            Fact("share_lower", mp.RISK_VIX_PERCENTILE_1Y, vix, "pct", "complement"), vix_fact)
    level, claims = choose(VIX_LEVEL, r.view, vix, rs)
    if level.endswith(("_but_lower", "_but_higher", "_over_line", "_under_line")):
        # the two readings disagree: one sentence says both, with the line it reads the VIX against as a number
        # (readers met "the line our rules treat as calm", an unexplained threshold)
        line = "vix_warning_line" if level in ("vix_stressed_but_lower", "vix_over_line") else "vix_calm_line"
        return [say(level, vix, rank + (Fact("line", f"risk.{line}", vix, "level"),), claims)]
    if level == "vix_stressed":
        # "smaller, more indebted companies usually suffer first": not in a week small caps held up better
        # and not in a week they kept pace: "suffer first" needs small caps behind by the flat band or more
        band = r.settings.stance.flat_band       # a level week is not one small caps "held up better" in
        spread = m.spread.get("1w")
        pair = f"{r.small}-{r.large}"
        if spread is None:
            out = [say(level, vix, (vix_fact,), claims)]
        else:
            key, side = (("vix_stressed_held", [at_least(mp.SPREAD_1W, band, pair, "week")]) if spread >= band else
                         ("vix_stressed_even", list(within(mp.SPREAD_1W, band, pair, "week"))) if spread > -band else
                         (level, [at_most(mp.SPREAD_1W, -band, pair, "week", -1)]))
            out = [say(key, (vix, pair), (vix_fact,), claims + side)]
        return out + _rank(RANK_THAT, r, say, vix, rank)
    if level == "vix_calm":
        if r.regime in SETTLED or r.regime is None:
            out = [say("vix_complacent", vix, (vix_fact,), claims, regimes=SETTLED)]  # "calm can be a risk"
        else:
            # a low VIX in a week of fear or just after a scare is not complacency: calm can end fast
            out = [say("vix_low_uneasy", vix, (vix_fact,), claims, regimes=all_but(*SETTLED),
                       when="this week" if r.regime in UNEASY else "recent weeks")]
        return out + _rank(RANK_LOW_THAT, r, say, vix, rank)
    out = []
    small_week = m.returns[r.small].get("1w")
    # "Nothing alarming" needs every gauge quiet: no spike, no yen move, a VIX not high for its year, no
    # market-wide stress and no small-cap rout (the week of SVB's failure had a VIX under 25). A gauge the data
    # lacks is left out.
    quiet = [is_(mp.EVENTS_VIX_SPIKE, False, vix, "spike"), is_(mp.RISK_YEN_RALLY, False, fx, "week"),
             is_(mp.EVENTS_MARKET_STRESS, False, "risks", "stress")] + \
        ([less_than(mp.RISK_VIX_PERCENTILE_1Y, QUIET_RANK, vix, "rank", 0)] if p is not None else []) + \
        ([more_than(f"returns.{r.small}.1w", -ROUT_DROP, r.small, "rout", 0)] if small_week is not None else []) + \
        (list(within(mp.EVENTS_LARGE_DAY_MOVE, BIG_MARKET_DAY, r.large, "big day")) if ev.large_day_move is not None
         else []) + \
        ([Claim(mp.EVENTS_FX_FROM_PEAK, ">", rs.yen_from_peak, fx, "peak", 0)] if ev.fx_from_peak is not None
         else []) + \
        ([Claim(mp.EVENTS_VIX_HIGH, "<", rs.vix_stressed, vix, "level", 0)] if ev.vix_high is not None else []) + \
        _short_run_calm(r, rs) + _no_drawdown(r, vix)
    if holds(quiet, r.view) and r.regime not in UNEASY:
        # "a quiet week" only when calm by every gauge (rules.calm_claims); else just "nothing alarming"
        calm = calm_claims(r, "risks")
        out.append(say("nothing_alarming", ("risks", vix, fx, r.small, r.large), (), quiet + (calm or []),
                       regimes=all_but(*UNEASY), calm=calm is not None))
    key, claims = choose(RANK_NAMED, r.view, vix)
    if _close_told(r):
        # the standfirst printed the VIX's Friday close: its rank refers back to it without the figure (told twice
        # at most, counting the brief); with no rank to add, nothing more is said
        if key != "vix_level_named":
            out.append(say(key.replace("_named", "_told"), vix, tuple(f for f in rank if f is not vix_fact), claims))
        return out
    out.append(say(key, vix, rank if claims else (vix_fact,), claims))
    return out


def _no_drawdown(r: _Rules, vix: str) -> list[Claim]:
    """Neither index in a correction or a bear market, and the VIX not at its highest close in a year or more:
    "nothing alarming" is false beside any of them (readers RA, 2004-05-14, a correction; RC, 2014-02-07, the VIX's
    highest close since December 2012)."""
    ev, out = r.m.events, []
    for side, who in (("small", r.small), ("large", r.large)):
        if getattr(ev, f"{side}_from_52w_high") is not None:
            out.append(more_than(f"events.{side}_from_52w_high", -CORRECTION, who, "from 52w high", 0))
        out.append(is_(f"events.{side}_bear_low_date", None, who, "bear market", 0))
    key = "vix_level"
    if r.m.news is not None and key in r.m.news.items:
        out.append(is_(f"news.items.{key}.newsworthy", False, vix, "level", 0))
    return out


def _short_run_calm(r: _Rules, rs) -> list[Claim]:
    """Small caps neither near oversold (an RSI of LOW_RSI or more) nor in a deep dip under their 50-day average:
    "nothing alarming" is not said beside an RSI of 33 and a 7% dip (readers, 2004-08-13; bands.py)."""
    risk, small = r.m.risk, r.small
    return ([at_least(mp.RISK_SMALL_RSI_14, LOW_RSI, small, "oversold", 0)] if risk.small_rsi_14 is not None else []) + \
        ([more_than(mp.RISK_SMALL_DISTANCE_50D, -rs.stretch_from_50d, small, "dip", 0)]
         if risk.small_distance_50d is not None else [])


def _close_told(r: _Rules) -> bool:
    """The standfirst printed the VIX's Friday close: its spike line ("ended the week at"), its jump to a high on the
    week's last session, or its highest close in years on that session."""
    m, ev = r.m, r.m.events
    told = told_keys(m, events=False)
    level = m.news.items.get("vix_level") if m.news is not None else None
    return bool((ev.vix_spike and "vix_jump" not in told)
                or ("vix_jump" in told and ev.vix_high_date == m.as_of)
                or ("vix_level" in told and level is not None and level.day == m.as_of))


def _rank(rows, r: _Rules, say, vix: str, rank) -> list[Sentence]:
    """The VIX's rank in its year beside a level sentence ("higher than on 96% of days"): none without one."""
    found = first(rows, r.view, vix)
    return [say(found[0], vix, rank, found[1])] if found is not None else []
